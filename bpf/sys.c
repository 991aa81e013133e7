// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The one place rawbpf calls bpf(2). Typed wrappers build a zeroed attribute for their
 * command, pass the size up to the last field they use (so older kernels, which reject
 * non-zero bytes beyond what they know, accept every call that does not use a new
 * feature), describe the call for the trace hook and go through bpf_call().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "util/trace.h"

#define ATTR_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))
#define PTR(p) ((uint64_t)(uintptr_t)(p))

/* Our layouts must agree with the installed UAPI wherever both have a field. */
#define SAME_OFFSET(ours, field, theirs)                                                       \
	_Static_assert(offsetof(ours, field) == offsetof(union bpf_attr, theirs), #field)
SAME_OFFSET(struct sys_map_create_attr, map_extra, map_extra);
SAME_OFFSET(struct sys_map_create_attr, btf_vmlinux_value_type_id, btf_vmlinux_value_type_id);
SAME_OFFSET(struct sys_prog_load_attr, prog_name, prog_name);
SAME_OFFSET(struct sys_prog_load_attr, expected_attach_type, expected_attach_type);
SAME_OFFSET(struct sys_prog_load_attr, attach_prog_or_btf_obj_fd, attach_prog_fd);
SAME_OFFSET(struct sys_prog_load_attr, fd_array, fd_array);
SAME_OFFSET(struct sys_prog_load_attr, core_relo_rec_size, core_relo_rec_size);
SAME_OFFSET(struct sys_btf_load_attr, btf_log_level, btf_log_level);
SAME_OFFSET(struct sys_raw_tp_attr, prog_fd, raw_tracepoint.prog_fd);
SAME_OFFSET(struct sys_prog_attach_attr, replace_bpf_fd, replace_bpf_fd);
SAME_OFFSET(struct sys_link_create_attr, flags, link_create.flags);
SAME_OFFSET(struct sys_link_create_attr, iter.iter_info_len, link_create.iter_info_len);
SAME_OFFSET(struct sys_link_create_attr, perf_event.bpf_cookie, link_create.perf_event.bpf_cookie);
SAME_OFFSET(struct sys_link_create_attr, kprobe_multi.cookies, link_create.kprobe_multi.cookies);
SAME_OFFSET(struct sys_link_create_attr, tracing.cookie, link_create.tracing.cookie);
_Static_assert(ATTR_END(struct sys_prog_load_attr, fd_array_cnt) == 152, "prog_load end");
_Static_assert(ATTR_END(struct sys_link_create_attr, uprobe_multi.pid) == 60, "uprobe_multi");
_Static_assert(offsetof(struct sys_link_create_attr, mprog.expected_revision) == 24, "tcx");

static sys_bpf_hook_fn bpf_hook;
static void *bpf_hook_ctx;

void sys_set_bpf_hook(sys_bpf_hook_fn fn, void *ctx)
{
	bpf_hook = fn;
	bpf_hook_ctx = ctx;
}

static const char *const cmd_names[] = {
	[BPF_MAP_CREATE] = "BPF_MAP_CREATE",
	[BPF_MAP_LOOKUP_ELEM] = "BPF_MAP_LOOKUP_ELEM",
	[BPF_MAP_UPDATE_ELEM] = "BPF_MAP_UPDATE_ELEM",
	[BPF_MAP_DELETE_ELEM] = "BPF_MAP_DELETE_ELEM",
	[BPF_MAP_GET_NEXT_KEY] = "BPF_MAP_GET_NEXT_KEY",
	[BPF_PROG_LOAD] = "BPF_PROG_LOAD",
	[BPF_OBJ_PIN] = "BPF_OBJ_PIN",
	[BPF_OBJ_GET] = "BPF_OBJ_GET",
	[BPF_PROG_ATTACH] = "BPF_PROG_ATTACH",
	[BPF_PROG_DETACH] = "BPF_PROG_DETACH",
	[BPF_PROG_TEST_RUN] = "BPF_PROG_TEST_RUN",
	[BPF_PROG_GET_NEXT_ID] = "BPF_PROG_GET_NEXT_ID",
	[BPF_MAP_GET_NEXT_ID] = "BPF_MAP_GET_NEXT_ID",
	[BPF_PROG_GET_FD_BY_ID] = "BPF_PROG_GET_FD_BY_ID",
	[BPF_MAP_GET_FD_BY_ID] = "BPF_MAP_GET_FD_BY_ID",
	[BPF_OBJ_GET_INFO_BY_FD] = "BPF_OBJ_GET_INFO_BY_FD",
	[BPF_PROG_QUERY] = "BPF_PROG_QUERY",
	[BPF_RAW_TRACEPOINT_OPEN] = "BPF_RAW_TRACEPOINT_OPEN",
	[BPF_BTF_LOAD] = "BPF_BTF_LOAD",
	[BPF_BTF_GET_FD_BY_ID] = "BPF_BTF_GET_FD_BY_ID",
	[BPF_TASK_FD_QUERY] = "BPF_TASK_FD_QUERY",
	[BPF_MAP_LOOKUP_AND_DELETE_ELEM] = "BPF_MAP_LOOKUP_AND_DELETE_ELEM",
	[BPF_MAP_FREEZE] = "BPF_MAP_FREEZE",
	[BPF_BTF_GET_NEXT_ID] = "BPF_BTF_GET_NEXT_ID",
	[BPF_MAP_LOOKUP_BATCH] = "BPF_MAP_LOOKUP_BATCH",
	[BPF_MAP_LOOKUP_AND_DELETE_BATCH] = "BPF_MAP_LOOKUP_AND_DELETE_BATCH",
	[BPF_MAP_UPDATE_BATCH] = "BPF_MAP_UPDATE_BATCH",
	[BPF_MAP_DELETE_BATCH] = "BPF_MAP_DELETE_BATCH",
	[BPF_LINK_CREATE] = "BPF_LINK_CREATE",
	[BPF_LINK_UPDATE] = "BPF_LINK_UPDATE",
	[BPF_LINK_GET_FD_BY_ID] = "BPF_LINK_GET_FD_BY_ID",
	[BPF_LINK_GET_NEXT_ID] = "BPF_LINK_GET_NEXT_ID",
	[BPF_ENABLE_STATS] = "BPF_ENABLE_STATS",
	[BPF_ITER_CREATE] = "BPF_ITER_CREATE",
	[BPF_LINK_DETACH] = "BPF_LINK_DETACH",
	[BPF_PROG_BIND_MAP] = "BPF_PROG_BIND_MAP",
	[BPF_TOKEN_CREATE] = "BPF_TOKEN_CREATE",
	[BPF_PROG_STREAM_READ_BY_FD] = "BPF_PROG_STREAM_READ_BY_FD",
};

const char *sys_cmd_name(int cmd)
{
	if (cmd >= 0 && (size_t)cmd < sizeof(cmd_names) / sizeof(cmd_names[0]) && cmd_names[cmd])
		return cmd_names[cmd];
	return "BPF_UNKNOWN_CMD";
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },	   { ENOENT, "ENOENT" },   { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },	   { EIO, "EIO" },	   { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },	   { EBADF, "EBADF" },	   { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },	   { EACCES, "EACCES" },   { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },	   { EEXIST, "EEXIST" },   { EXDEV, "EXDEV" },
	{ ENODEV, "ENODEV" },	   { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" },	   { ENFILE, "ENFILE" },   { EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" },	   { EFBIG, "EFBIG" },	   { ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" },	   { EROFS, "EROFS" },	   { ERANGE, "ERANGE" },
	{ EDEADLK, "EDEADLK" },	   { ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" },	   { ELOOP, "ELOOP" },	   { ENOTEMPTY, "ENOTEMPTY" },
	{ ENODATA, "ENODATA" },	   { EPROTO, "EPROTO" },   { EOVERFLOW, "EOVERFLOW" },
	{ EBADMSG, "EBADMSG" },	   { EOPNOTSUPP, "EOPNOTSUPP" },
	{ EADDRINUSE, "EADDRINUSE" }, { 524, "ENOTSUPP" },
};

const char *sys_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "E?";
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long bpf_once(int cmd, void *attr, unsigned int size)
{
	long r;

	if (bpf_hook)
		return bpf_hook(cmd, attr, size, bpf_hook_ctx);
	r = syscall(__NR_bpf, cmd, attr, size);
	return r < 0 ? -errno : r;
}

/* detail: the key attributes in words (NULL when nobody traces). */
static long bpf_call(int cmd, void *attr, unsigned int size, const char *detail)
{
	uint64_t t0 = trace_enabled() ? now_ns() : 0;
	int retries = 0;
	long r;

	for (;;) {
		r = bpf_once(cmd, attr, size);
		/* The verifier may bail out with EAGAIN when interrupted; the kernel asks us to retry. */
		if (r != -EAGAIN || cmd != BPF_PROG_LOAD || retries >= SYS_PROG_LOAD_EAGAIN_RETRIES)
			break;
		retries++;
	}
	if (trace_enabled()) {
		char tail[128] = "";
		int n = 0;

		if (retries)
			n = snprintf(tail, sizeof(tail), " (retried %d times on EAGAIN)", retries);
		if (r < 0)
			snprintf(tail + n, sizeof(tail) - (size_t)n, " -> %s (%s)", sys_errno_name((int)r),
				 strerror((int)-r));
		trace_emit(RB_TRACE_SYSCALL, sys_cmd_name(cmd), r, now_ns() - t0, "%s%s",
			   detail ? detail : "", tail);
	}
	return r;
}

long sys_bpf(int cmd, void *attr, unsigned int size)
{
	char d[32];

	if (trace_enabled())
		snprintf(d, sizeof(d), "size=%u", size);
	return bpf_call(cmd, attr, size, trace_enabled() ? d : NULL);
}

/* Build the trace detail only when someone listens. */
#define DETAIL(buf, ...) (trace_enabled() ? (snprintf(buf, sizeof(buf), __VA_ARGS__), buf) : NULL)

static void copy_name(char dst[BPF_OBJ_NAME_LEN], const char *name)
{
	if (name)
		snprintf(dst, BPF_OBJ_NAME_LEN, "%s", name);
}

/* ---- maps ---- */

int sys_map_create(const struct sys_map_create_opts *o)
{
	struct sys_map_create_attr a;
	unsigned int size = ATTR_END(struct sys_map_create_attr, map_extra);
	char d[256];

	memset(&a, 0, sizeof(a));
	a.map_type = o->map_type;
	a.key_size = o->key_size;
	a.value_size = o->value_size;
	a.max_entries = o->max_entries;
	a.map_flags = o->map_flags;
	a.inner_map_fd = (uint32_t)o->inner_map_fd;
	a.numa_node = o->numa_node;
	copy_name(a.map_name, o->name);
	a.map_ifindex = o->map_ifindex;
	a.btf_fd = (uint32_t)o->btf_fd;
	a.btf_key_type_id = o->btf_key_type_id;
	a.btf_value_type_id = o->btf_value_type_id;
	a.btf_vmlinux_value_type_id = o->btf_vmlinux_value_type_id;
	a.map_extra = o->map_extra;
	if (o->value_type_btf_obj_fd) {
		a.value_type_btf_obj_fd = o->value_type_btf_obj_fd;
		size = ATTR_END(struct sys_map_create_attr, value_type_btf_obj_fd);
	}
	return (int)bpf_call(BPF_MAP_CREATE, &a, size,
			     DETAIL(d,
				    "map_type=%u name='%s' key_size=%u value_size=%u max_entries=%u "
				    "map_flags=0x%x btf_fd=%d key_type_id=%u value_type_id=%u "
				    "inner_map_fd=%d map_extra=%llu",
				    a.map_type, a.map_name, a.key_size, a.value_size, a.max_entries,
				    a.map_flags, o->btf_fd, a.btf_key_type_id, a.btf_value_type_id,
				    o->inner_map_fd, (unsigned long long)a.map_extra));
}

static int map_elem(int cmd, int map_fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr a;
	char d[96];

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = PTR(key);
	a.value = PTR(value);
	a.flags = flags;
	return (int)bpf_call(cmd, &a, ATTR_END(union bpf_attr, flags),
			     DETAIL(d, "map_fd=%d flags=0x%llx", map_fd, (unsigned long long)flags));
}

int sys_map_lookup_elem(int map_fd, const void *key, void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, map_fd, key, value, flags);
}

int sys_map_update_elem(int map_fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, map_fd, key, value, flags);
}

int sys_map_delete_elem(int map_fd, const void *key)
{
	union bpf_attr a;
	char d[64];

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = PTR(key);
	return (int)bpf_call(BPF_MAP_DELETE_ELEM, &a, ATTR_END(union bpf_attr, key),
			     DETAIL(d, "map_fd=%d", map_fd));
}

int sys_map_get_next_key(int map_fd, const void *key, void *next_key)
{
	union bpf_attr a;
	char d[64];

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	a.key = PTR(key);
	a.next_key = PTR(next_key);
	return (int)bpf_call(BPF_MAP_GET_NEXT_KEY, &a, ATTR_END(union bpf_attr, next_key),
			     DETAIL(d, "map_fd=%d first=%s", map_fd, key ? "no" : "yes"));
}

int sys_map_lookup_batch(int map_fd, void *in_batch, void *out_batch, void *keys, void *values,
			 uint32_t *count, uint64_t elem_flags, uint64_t flags)
{
	union bpf_attr a;
	char d[96];
	int r;

	memset(&a, 0, sizeof(a));
	a.batch.map_fd = (uint32_t)map_fd;
	a.batch.in_batch = PTR(in_batch);
	a.batch.out_batch = PTR(out_batch);
	a.batch.keys = PTR(keys);
	a.batch.values = PTR(values);
	a.batch.count = *count;
	a.batch.elem_flags = elem_flags;
	a.batch.flags = flags;
	r = (int)bpf_call(BPF_MAP_LOOKUP_BATCH, &a, ATTR_END(union bpf_attr, batch),
			  DETAIL(d, "map_fd=%d count=%u start=%s", map_fd, *count,
				 in_batch ? "continue" : "first"));
	/* The kernel reports how many it copied, also with ENOENT on the last batch. */
	*count = a.batch.count;
	return r;
}

int sys_map_freeze(int map_fd)
{
	union bpf_attr a;
	char d[32];

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map_fd;
	return (int)bpf_call(BPF_MAP_FREEZE, &a, ATTR_END(union bpf_attr, map_fd),
			     DETAIL(d, "map_fd=%d", map_fd));
}

/* ---- programs ---- */

int sys_prog_load(struct sys_prog_load_opts *o)
{
	struct sys_prog_load_attr a;
	unsigned int size = ATTR_END(struct sys_prog_load_attr, log_true_size);
	char d[512];
	int r;

	memset(&a, 0, sizeof(a));
	a.prog_type = o->prog_type;
	a.expected_attach_type = o->expected_attach_type;
	copy_name(a.prog_name, o->name);
	a.insns = PTR(o->insns);
	a.insn_cnt = o->insn_cnt;
	a.license = PTR(o->license ? o->license : "");
	a.kern_version = o->kern_version;
	a.prog_flags = o->prog_flags;
	a.prog_ifindex = o->prog_ifindex;
	if (o->log_buf && o->log_size) {
		a.log_level = o->log_level;
		a.log_buf = PTR(o->log_buf);
		a.log_size = o->log_size;
		o->log_buf[0] = '\0';
	}
	a.prog_btf_fd = (uint32_t)o->prog_btf_fd;
	if (o->func_info_cnt) {
		a.func_info = PTR(o->func_info);
		a.func_info_rec_size = o->func_info_rec_size;
		a.func_info_cnt = o->func_info_cnt;
	}
	if (o->line_info_cnt) {
		a.line_info = PTR(o->line_info);
		a.line_info_rec_size = o->line_info_rec_size;
		a.line_info_cnt = o->line_info_cnt;
	}
	a.attach_btf_id = o->attach_btf_id;
	a.attach_prog_or_btf_obj_fd =
		(uint32_t)(o->attach_prog_fd ? o->attach_prog_fd : o->attach_btf_obj_fd);
	a.fd_array = PTR(o->fd_array);
	if (o->fd_array_cnt) {
		a.fd_array_cnt = o->fd_array_cnt;
		size = ATTR_END(struct sys_prog_load_attr, fd_array_cnt);
	}
	r = (int)bpf_call(BPF_PROG_LOAD, &a, size,
			  DETAIL(d,
				 "prog_type=%u name='%s' insn_cnt=%u license='%s' "
				 "expected_attach_type=%u prog_flags=0x%x btf_fd=%d func_info_cnt=%u "
				 "line_info_cnt=%u attach_btf_id=%u attach_fd=%u log_level=%u "
				 "log_size=%u",
				 a.prog_type, a.prog_name, a.insn_cnt,
				 o->license ? o->license : "", a.expected_attach_type,
				 a.prog_flags, o->prog_btf_fd, a.func_info_cnt, a.line_info_cnt,
				 a.attach_btf_id, a.attach_prog_or_btf_obj_fd, a.log_level,
				 a.log_size));
	o->log_true_size = a.log_true_size;
	return r;
}

int sys_prog_test_run(int prog_fd, struct sys_test_run_opts *o)
{
	union bpf_attr a;
	char d[128];
	int r;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)prog_fd;
	a.test.data_in = PTR(o->data_in);
	a.test.data_size_in = o->data_size_in;
	a.test.data_out = PTR(o->data_out);
	a.test.data_size_out = o->data_size_out;
	a.test.ctx_in = PTR(o->ctx_in);
	a.test.ctx_size_in = o->ctx_size_in;
	a.test.ctx_out = PTR(o->ctx_out);
	a.test.ctx_size_out = o->ctx_size_out;
	a.test.repeat = o->repeat;
	a.test.flags = o->flags;
	a.test.cpu = o->cpu;
	a.test.batch_size = o->batch_size;
	r = (int)bpf_call(BPF_PROG_TEST_RUN, &a, ATTR_END(union bpf_attr, test),
			  DETAIL(d, "prog_fd=%d data_size_in=%u ctx_size_in=%u repeat=%u flags=0x%x",
				 prog_fd, o->data_size_in, o->ctx_size_in, o->repeat, o->flags));
	o->retval = a.test.retval;
	o->duration = a.test.duration;
	o->data_size_out = a.test.data_size_out;
	o->ctx_size_out = a.test.ctx_size_out;
	return r;
}

int sys_prog_bind_map(int prog_fd, int map_fd, uint32_t flags)
{
	union bpf_attr a;
	char d[64];

	memset(&a, 0, sizeof(a));
	a.prog_bind_map.prog_fd = (uint32_t)prog_fd;
	a.prog_bind_map.map_fd = (uint32_t)map_fd;
	a.prog_bind_map.flags = flags;
	return (int)bpf_call(BPF_PROG_BIND_MAP, &a, ATTR_END(union bpf_attr, prog_bind_map),
			     DETAIL(d, "prog_fd=%d map_fd=%d", prog_fd, map_fd));
}

/* ---- BTF ---- */

int sys_btf_load(struct sys_btf_load_opts *o)
{
	struct sys_btf_load_attr a;
	char d[96];
	int r;

	memset(&a, 0, sizeof(a));
	a.btf = PTR(o->data);
	a.btf_size = o->size;
	if (o->log_buf && o->log_size) {
		a.btf_log_level = o->log_level;
		a.btf_log_buf = PTR(o->log_buf);
		a.btf_log_size = o->log_size;
		o->log_buf[0] = '\0';
	}
	r = (int)bpf_call(BPF_BTF_LOAD, &a, ATTR_END(struct sys_btf_load_attr, btf_log_true_size),
			  DETAIL(d, "btf_size=%u log_level=%u log_size=%u", a.btf_size,
				 a.btf_log_level, a.btf_log_size));
	o->log_true_size = a.btf_log_true_size;
	return r;
}

/* ---- bpffs ---- */

int sys_obj_pin(int fd, const char *path, uint32_t flags)
{
	union bpf_attr a;
	char d[320];

	memset(&a, 0, sizeof(a));
	a.pathname = PTR(path);
	a.bpf_fd = (uint32_t)fd;
	a.file_flags = flags;
	return (int)bpf_call(BPF_OBJ_PIN, &a, ATTR_END(union bpf_attr, file_flags),
			     DETAIL(d, "fd=%d path='%s'", fd, path));
}

int sys_obj_get(const char *path, uint32_t file_flags)
{
	union bpf_attr a;
	char d[320];

	memset(&a, 0, sizeof(a));
	a.pathname = PTR(path);
	a.file_flags = file_flags;
	return (int)bpf_call(BPF_OBJ_GET, &a, ATTR_END(union bpf_attr, file_flags),
			     DETAIL(d, "path='%s' file_flags=0x%x", path, file_flags));
}

/* ---- attach ---- */

int sys_link_create(const struct sys_link_create_opts *o)
{
	struct sys_link_create_attr a;
	unsigned int size = ATTR_END(struct sys_link_create_attr, flags);
	char d[256];
	int n = 0;

	memset(&a, 0, sizeof(a));
	a.prog_fd = (uint32_t)o->prog_fd;
	a.target_fd = (uint32_t)o->target_fd;
	a.attach_type = o->attach_type;
	a.flags = o->flags;
	if (trace_enabled())
		n = snprintf(d, sizeof(d), "prog_fd=%d target=%d attach_type=%u flags=0x%x",
			     o->prog_fd, o->target_fd, o->attach_type, o->flags);
	switch (o->attach_type) {
	case BPF_PERF_EVENT:
		a.perf_event.bpf_cookie = o->perf_cookie;
		size = ATTR_END(struct sys_link_create_attr, perf_event.bpf_cookie);
		if (n)
			snprintf(d + n, sizeof(d) - (size_t)n, " bpf_cookie=%llu",
				 (unsigned long long)o->perf_cookie);
		break;
	case BPF_TRACE_FENTRY:
	case BPF_TRACE_FEXIT:
	case BPF_MODIFY_RETURN:
	case BPF_LSM_MAC:
	case BPF_TRACE_RAW_TP:
		a.tracing.target_btf_id = o->target_btf_id;
		a.tracing.cookie = o->tracing_cookie;
		size = ATTR_END(struct sys_link_create_attr, tracing.cookie);
		if (n)
			snprintf(d + n, sizeof(d) - (size_t)n, " target_btf_id=%u cookie=%llu",
				 o->target_btf_id, (unsigned long long)o->tracing_cookie);
		break;
	case BPF_TRACE_ITER:
		a.iter.iter_info = PTR(o->iter_info);
		a.iter.iter_info_len = o->iter_info_len;
		size = ATTR_END(struct sys_link_create_attr, iter.iter_info_len);
		if (n)
			snprintf(d + n, sizeof(d) - (size_t)n, " iter_info_len=%u", o->iter_info_len);
		break;
	case BPF_TRACE_KPROBE_MULTI:
	case BPF_TRACE_KPROBE_SESSION:
		a.kprobe_multi.flags = o->multi_flags;
		a.kprobe_multi.cnt = o->multi_cnt;
		a.kprobe_multi.syms = PTR(o->kprobe_syms);
		a.kprobe_multi.addrs = PTR(o->kprobe_addrs);
		a.kprobe_multi.cookies = PTR(o->multi_cookies);
		size = ATTR_END(struct sys_link_create_attr, kprobe_multi.cookies);
		if (n)
			snprintf(d + n, sizeof(d) - (size_t)n, " cnt=%u multi_flags=0x%x",
				 o->multi_cnt, o->multi_flags);
		break;
	case BPF_TRACE_UPROBE_MULTI:
	case BPF_TRACE_UPROBE_SESSION:
		a.uprobe_multi.path = PTR(o->uprobe_path);
		a.uprobe_multi.offsets = PTR(o->uprobe_offsets);
		a.uprobe_multi.ref_ctr_offsets = PTR(o->uprobe_ref_ctr_offsets);
		a.uprobe_multi.cookies = PTR(o->multi_cookies);
		a.uprobe_multi.cnt = o->multi_cnt;
		a.uprobe_multi.flags = o->multi_flags;
		a.uprobe_multi.pid = o->uprobe_pid;
		size = ATTR_END(struct sys_link_create_attr, uprobe_multi.pid);
		if (n)
			snprintf(d + n, sizeof(d) - (size_t)n, " path='%s' cnt=%u pid=%u",
				 o->uprobe_path ? o->uprobe_path : "", o->multi_cnt, o->uprobe_pid);
		break;
	case BPF_STRUCT_OPS:
		/* link_create.map_fd shares prog_fd's place; say which it is */
		if (n)
			snprintf(d, sizeof(d), "map_fd=%d attach_type=%u flags=0x%x", o->prog_fd,
				 o->attach_type, o->flags);
		break;
	case BPF_TCX_INGRESS:
	case BPF_TCX_EGRESS:
	case BPF_NETKIT_PRIMARY:
	case BPF_NETKIT_PEER:
		a.mprog.relative_fd_or_id = o->relative_fd_or_id;
		a.mprog.expected_revision = o->expected_revision;
		size = ATTR_END(struct sys_link_create_attr, mprog.expected_revision);
		break;
	default:
		/* cgroup links take the mprog anchor too; only send it when used (6.12+). */
		if (o->relative_fd_or_id || o->expected_revision) {
			a.mprog.relative_fd_or_id = o->relative_fd_or_id;
			a.mprog.expected_revision = o->expected_revision;
			size = ATTR_END(struct sys_link_create_attr, mprog.expected_revision);
		}
		break;
	}
	return (int)bpf_call(BPF_LINK_CREATE, &a, size, trace_enabled() ? d : NULL);
}

int sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd, uint32_t flags)
{
	union bpf_attr a;
	char d[96];

	memset(&a, 0, sizeof(a));
	a.link_update.link_fd = (uint32_t)link_fd;
	a.link_update.new_prog_fd = (uint32_t)new_prog_fd;
	a.link_update.flags = flags;
	a.link_update.old_prog_fd = (uint32_t)old_prog_fd;
	return (int)bpf_call(BPF_LINK_UPDATE, &a, ATTR_END(union bpf_attr, link_update),
			     DETAIL(d, "link_fd=%d new_prog_fd=%d old_prog_fd=%d flags=0x%x",
				    link_fd, new_prog_fd, old_prog_fd, flags));
}

int sys_link_detach(int link_fd)
{
	union bpf_attr a;
	char d[32];

	memset(&a, 0, sizeof(a));
	a.link_detach.link_fd = (uint32_t)link_fd;
	return (int)bpf_call(BPF_LINK_DETACH, &a, ATTR_END(union bpf_attr, link_detach),
			     DETAIL(d, "link_fd=%d", link_fd));
}

int sys_raw_tracepoint_open(const char *name, int prog_fd, uint64_t cookie)
{
	struct sys_raw_tp_attr a;
	unsigned int size = ATTR_END(struct sys_raw_tp_attr, prog_fd);
	char d[192];

	memset(&a, 0, sizeof(a));
	a.name = PTR(name);
	a.prog_fd = (uint32_t)prog_fd;
	if (cookie) {
		a.cookie = cookie;
		size = ATTR_END(struct sys_raw_tp_attr, cookie);
	}
	return (int)bpf_call(BPF_RAW_TRACEPOINT_OPEN, &a, size,
			     DETAIL(d, "name='%s' prog_fd=%d cookie=%llu", name ? name : "(load-time target)",
				    prog_fd, (unsigned long long)cookie));
}

int sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags,
		    int replace_prog_fd)
{
	struct sys_prog_attach_attr a;
	char d[128];

	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)target_fd;
	a.attach_bpf_fd = (uint32_t)prog_fd;
	a.attach_type = attach_type;
	a.attach_flags = flags;
	a.replace_bpf_fd = (uint32_t)replace_prog_fd;
	return (int)bpf_call(BPF_PROG_ATTACH, &a, ATTR_END(struct sys_prog_attach_attr, replace_bpf_fd),
			     DETAIL(d, "prog_fd=%d target_fd=%d attach_type=%u flags=0x%x", prog_fd,
				    target_fd, attach_type, flags));
}

int sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type)
{
	struct sys_prog_attach_attr a;
	char d[96];

	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)target_fd;
	a.attach_bpf_fd = (uint32_t)(prog_fd < 0 ? 0 : prog_fd);
	a.attach_type = attach_type;
	return (int)bpf_call(BPF_PROG_DETACH, &a, ATTR_END(struct sys_prog_attach_attr, attach_type),
			     DETAIL(d, "prog_fd=%d target_fd=%d attach_type=%u", prog_fd, target_fd,
				    attach_type));
}

int sys_iter_create(int link_fd)
{
	union bpf_attr a;
	char d[32];

	memset(&a, 0, sizeof(a));
	a.iter_create.link_fd = (uint32_t)link_fd;
	return (int)bpf_call(BPF_ITER_CREATE, &a, ATTR_END(union bpf_attr, iter_create),
			     DETAIL(d, "link_fd=%d", link_fd));
}

/* ---- introspection ---- */

int sys_obj_get_info(int fd, void *info, uint32_t *info_len)
{
	union bpf_attr a;
	char d[64];
	int r;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = *info_len;
	a.info.info = PTR(info);
	r = (int)bpf_call(BPF_OBJ_GET_INFO_BY_FD, &a, ATTR_END(union bpf_attr, info),
			  DETAIL(d, "fd=%d info_len=%u", fd, *info_len));
	if (r == 0)
		*info_len = a.info.info_len;
	return r;
}

#define TYPED_INFO(fn, type)                                                                   \
	int fn(int fd, type *info)                                                             \
	{                                                                                      \
		uint32_t len = sizeof(*info);                                                  \
		int r;                                                                         \
		memset(info, 0, sizeof(*info));                                                \
		r = sys_obj_get_info(fd, info, &len);                                          \
		return r;                                                                      \
	}
TYPED_INFO(sys_prog_get_info, struct bpf_prog_info)
TYPED_INFO(sys_map_get_info, struct bpf_map_info)
TYPED_INFO(sys_btf_get_info, struct bpf_btf_info)
TYPED_INFO(sys_link_get_info, struct bpf_link_info)

static const int fd_by_id_cmd[] = {
	[SYS_OBJ_PROG] = BPF_PROG_GET_FD_BY_ID,
	[SYS_OBJ_MAP] = BPF_MAP_GET_FD_BY_ID,
	[SYS_OBJ_BTF] = BPF_BTF_GET_FD_BY_ID,
	[SYS_OBJ_LINK] = BPF_LINK_GET_FD_BY_ID,
};
static const int next_id_cmd[] = {
	[SYS_OBJ_PROG] = BPF_PROG_GET_NEXT_ID,
	[SYS_OBJ_MAP] = BPF_MAP_GET_NEXT_ID,
	[SYS_OBJ_BTF] = BPF_BTF_GET_NEXT_ID,
	[SYS_OBJ_LINK] = BPF_LINK_GET_NEXT_ID,
};

int sys_get_fd_by_id(enum sys_obj_kind kind, uint32_t id)
{
	union bpf_attr a;
	char d[32];

	if ((unsigned int)kind > SYS_OBJ_LINK)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	return (int)bpf_call(fd_by_id_cmd[kind], &a, ATTR_END(union bpf_attr, open_flags),
			     DETAIL(d, "id=%u", id));
}

int sys_get_next_id(enum sys_obj_kind kind, uint32_t start_id, uint32_t *next_id)
{
	union bpf_attr a;
	char d[32];
	int r;

	if ((unsigned int)kind > SYS_OBJ_LINK)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.start_id = start_id;
	r = (int)bpf_call(next_id_cmd[kind], &a, ATTR_END(union bpf_attr, next_id),
			  DETAIL(d, "start_id=%u", start_id));
	if (r == 0)
		*next_id = a.next_id;
	return r;
}

int sys_enable_stats(uint32_t type)
{
	union bpf_attr a;
	char d[32];

	memset(&a, 0, sizeof(a));
	a.enable_stats.type = type;
	return (int)bpf_call(BPF_ENABLE_STATS, &a, ATTR_END(union bpf_attr, enable_stats),
			     DETAIL(d, "type=%u", type));
}
