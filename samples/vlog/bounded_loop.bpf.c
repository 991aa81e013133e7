// SPDX-License-Identifier: GPL-2.0
/*
 * Verifies fine: a loop with a small constant bound, which the verifier walks once per
 * iteration. Its level-2 log shows the loop body's instructions visited once per pass.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef LOOP_BOUND
#define LOOP_BOUND 4 /* tests/unit/vlog/compare/ has logs for 4 and 8 */
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sums SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int bounded_loop(void *ctx)
{
	__u32 key = 0;
	__u64 *sum = bpf_map_lookup_elem(&sums, &key);
	__u64 acc = 0;

	if (!sum)
		return 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < LOOP_BOUND; i++)
		acc += *sum >> i;
	*sum = acc;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
