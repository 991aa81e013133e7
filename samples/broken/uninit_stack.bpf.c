// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose (family uninit-stack): a key that was never written is passed to a helper.
 * The kernel only rejects this for a loader without CAP_PERFMON (root may read uninitialised
 * stack), so tests load it with CAP_PERFMON and CAP_SYS_ADMIN dropped.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u64);
	__type(value, __u64);
} counts SEC(".maps");

SEC("socket")
int uninit_stack(struct __sk_buff *skb)
{
	__u64 key;
	__u64 *val = bpf_map_lookup_elem(&counts, &key); /* key was never written */

	return val ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
