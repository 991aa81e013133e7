// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family arg-type): the context pointer is passed where a key is expected. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("xdp")
int arg_type(struct xdp_md *ctx)
{
	__u64 *val = bpf_map_lookup_elem(&counts, ctx); /* key must point to stack or map memory */

	return val ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
