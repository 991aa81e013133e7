// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe_multi: one program on every kernel function matching a glob.
 *
 * The loader resolves the glob against tracefs available_filter_functions (the functions
 * the kernel can probe) and attaches with one BPF_TRACE_KPROBE_MULTI link (kernel 5.18+
 * with CONFIG_FPROBE). Here: every unlink variant.
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} unlinks SEC(".maps");

SEC("kprobe.multi/do_unlinkat*")
int count_unlinks(struct pt_regs *ctx)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&unlinks, &zero);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
