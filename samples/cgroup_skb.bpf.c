// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup_skb: count the traffic of the processes of one cgroup, in each direction.
 *
 * A cgroup_skb program runs for each packet that a process of the cgroup (or of its
 * descendants) sends (egress) or receives (ingress). It returns 1 to let the packet through,
 * 0 to drop it: a per-cgroup firewall. We always return 1.
 *
 *   rawbpf load cgroup_skb.bpf.o --cgroup /sys/fs/cgroup
 */
#include "common.h"

enum { INGRESS, EGRESS };

struct traffic {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* INGRESS or EGRESS */
	__type(value, struct traffic);
} traffic SEC(".maps");

static void count(__u32 direction, struct __sk_buff *skb)
{
	struct traffic *t = bpf_map_lookup_elem(&traffic, &direction);

	if (t) {
		__sync_fetch_and_add(&t->packets, 1);
		__sync_fetch_and_add(&t->bytes, skb->len);
	}
}

SEC("cgroup_skb/ingress")
int count_ingress(struct __sk_buff *skb)
{
	count(INGRESS, skb);
	return 1;
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
	count(EGRESS, skb);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
