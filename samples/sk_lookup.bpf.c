// SPDX-License-Identifier: GPL-2.0
/*
 * sk_lookup: see every socket lookup of a network namespace before the kernel's own.
 *
 * An sk_lookup program runs when a packet arrives for a connection or a listening socket:
 * it may pick the socket itself (bpf_sk_assign, e.g. one socket serving a whole port
 * range) or let the normal lookup happen (SK_PASS). This one only counts the lookups, per
 * local port, and passes. It is attached to a network namespace:
 *
 *   rawbpf load sk_lookup.bpf.o                     (this process's namespace)
 *   rawbpf load sk_lookup.bpf.o --attach count_lookups=/proc/PID/ns/net
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* local port, host byte order */
	__type(value, __u64); /* lookups */
} lookups SEC(".maps");

SEC("sk_lookup")
int count_lookups(struct bpf_sk_lookup *ctx)
{
	__u32 port = ctx->local_port;
	__u64 one = 1, *n = bpf_map_lookup_elem(&lookups, &port);

	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&lookups, &port, &one, BPF_NOEXIST);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
