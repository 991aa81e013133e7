// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Run (stage 5) for callers of the public API: trace_pipe lines and map reading by fd. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "bpf/pin.h"
#include "bpf/sys.h"
#include "bpf/trace_pipe.h"
#include "rawbpf.h"

struct rb_trace_pipe {
	struct trace_pipe *tp;
};

RB_API struct rb_trace_pipe *rb_trace_pipe_open(struct rb_error *err)
{
	return (struct rb_trace_pipe *)trace_pipe_open(err);
}

RB_API int rb_trace_pipe_read(struct rb_trace_pipe *tp, char *buf, size_t len, int timeout_ms)
{
	return trace_pipe_read_line((struct trace_pipe *)tp, buf, len, timeout_ms);
}

RB_API void rb_trace_pipe_close(struct rb_trace_pipe *tp)
{
	trace_pipe_close((struct trace_pipe *)tp);
}

RB_API int rb_map_fd_info(int fd, struct rb_map_fd_info *out)
{
	struct bpf_map_info info;
	int r = sys_map_get_info(fd, &info);

	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	out->type = info.type;
	out->key_size = info.key_size;
	out->value_size = info.value_size;
	out->max_entries = info.max_entries;
	out->map_flags = info.map_flags;
	out->id = info.id;
	memcpy(out->name, info.name, sizeof(out->name) - 1);
	return 0;
}

RB_API int rb_map_next_key(int fd, const void *key, void *next_key)
{
	return sys_map_get_next_key(fd, key, next_key);
}

RB_API int rb_map_lookup(int fd, const void *key, void *value)
{
	return sys_map_lookup_elem(fd, key, value, 0);
}

RB_API size_t rb_map_value_bytes(const struct rb_map_fd_info *info)
{
	switch (info->type) {
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		return (((size_t)info->value_size + 7) & ~(size_t)7) * (size_t)sys_possible_cpus();
	default:
		return info->value_size;
	}
}
