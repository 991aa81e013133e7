// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_count: count packets by IP protocol as they arrive on a network interface.
 *
 * An XDP program runs for each received packet, in the driver, before the kernel allocates
 * anything for it (on devices whose driver lacks XDP support, such as lo, the kernel runs it
 * a little later, in "generic" mode). It sees the raw frame between ctx->data and
 * ctx->data_end and returns a verdict (here always XDP_PASS: we only count). Every read of
 * the packet must be preceded by a check that it stays below data_end: the verifier refuses
 * the program otherwise.
 *
 *   rawbpf load xdp_count.bpf.o --ifname lo     (then: ping -c3 127.0.0.1)
 *
 * Map slot = IP protocol number (1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6); frames that are not
 * IPv4/IPv6 go to slot 255 (a reserved protocol number).
 */
#include "common.h"
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>

#define NOT_IP 255

/* Per-CPU: each CPU counts in its own copy, no atomic operation needed; readers add them. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);   /* IP protocol */
	__type(value, __u64); /* packets */
} packets SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 proto = NOT_IP;
	__u64 *count;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) <= data_end)
			proto = ip->protocol;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) <= data_end)
			proto = ip6->nexthdr;
	}
	count = bpf_map_lookup_elem(&packets, &proto);
	if (count)
		*count += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
