// SPDX-License-Identifier: GPL-2.0
/*
 * sockops: follow the TCP connections of a cgroup's processes as they go through their
 * life: connect, established (active or passive side), state changes, retransmits.
 *
 * A sockops program is called by the TCP stack at these points with the operation in
 * ctx->op; it can also tune the connection (buffer sizes, RTO, congestion control). This
 * one counts the operations it sees. It attaches to a cgroup v2 directory:
 *
 *   rawbpf load sockops.bpf.o --cgroup /sys/fs/cgroup
 */
#include "common.h"

#define MAX_OPS 32

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_OPS);
	__type(key, __u32);   /* BPF_SOCK_OPS_* */
	__type(value, __u64); /* times seen */
} ops SEC(".maps");

SEC("sockops")
int count_ops(struct bpf_sock_ops *ctx)
{
	__u32 op = ctx->op;
	__u64 *n;

	if (op >= MAX_OPS)
		return 1;
	n = bpf_map_lookup_elem(&ops, &op);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
