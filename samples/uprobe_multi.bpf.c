// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe_multi: one program on many functions of a user-space binary at once.
 *
 * The section (or --attach) names a binary and a glob over its function names; the loader
 * finds every matching function in the binary's symbol tables and attaches the program to
 * all of them with one BPF_TRACE_UPROBE_MULTI link (kernel 6.6+; older kernels get one
 * uprobe per function):
 *
 *   rawbpf load uprobe_multi.bpf.o --attach on_entry=/usr/bin/bash:readline* \
 *                                  --attach on_return=/usr/bin/bash:readline*
 */
#include "common.h"

struct multi_stats {
	__u64 calls;
	__u64 arg_sum; /* first arguments, added up */
	__u64 returns;
	__s64 ret_sum; /* return values, added up */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct multi_stats);
} mstats SEC(".maps");

SEC("uprobe.multi")
int BPF_KPROBE(on_entry, long arg)
{
	__u32 zero = 0;
	struct multi_stats *s = bpf_map_lookup_elem(&mstats, &zero);

	if (s) {
		__sync_fetch_and_add(&s->calls, 1);
		__sync_fetch_and_add(&s->arg_sum, arg);
	}
	return 0;
}

SEC("uretprobe.multi")
int BPF_KRETPROBE(on_return, long ret)
{
	__u32 zero = 0;
	struct multi_stats *s = bpf_map_lookup_elem(&mstats, &zero);

	if (s) {
		__sync_fetch_and_add(&s->returns, 1);
		__sync_fetch_and_add(&s->ret_sum, ret);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
