// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family packet-oob): the Ethernet header is read without checking data_end. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int packet_oob(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;

	if (eth->h_proto == 0x0008) /* no "data + sizeof(*eth) > data_end" check before */
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
