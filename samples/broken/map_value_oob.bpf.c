// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family map-value-oob): the index is checked against the wrong bound. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct slots {
	__u64 slot[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slots);
} table SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int map_value_oob(void *ctx)
{
	__u32 key = 0;
	__u32 idx = bpf_get_prandom_u32();
	struct slots *s = bpf_map_lookup_elem(&table, &key);

	if (!s)
		return 0;
	if (idx < 16) /* should be < 8: slot[8..15] lies past the value */
		s->slot[idx] = 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
