// SPDX-License-Identifier: GPL-2.0
/*
 * tcx_count: count packets and bytes entering an interface, at the traffic-control layer.
 *
 * Unlike XDP, a tc program sees the packet after the kernel has built its socket buffer
 * (struct __sk_buff: length, protocol, marks...), on ingress and on egress, for every kind
 * of interface. "tcx" is the attachment through BPF links (kernel 6.6+), without a qdisc;
 * several programs can be chained, and TCX_NEXT passes the packet on to the next one.
 *
 *   rawbpf load tcx_count.bpf.o --ifname lo
 *
 * libbpf learned the "tcx/" section names in 1.3; older libbpf (and bpftool built on it) can
 * load this program with the type given explicitly: `bpftool prog loadall ... type tc`.
 */
#include "common.h"

/* Verdicts of tcx programs; UAPI headers before 6.6 lack them. */
#ifndef TCX_NEXT
#define TCX_NEXT -1
#endif

/* Counters in .bss; several CPUs update them at once, hence the atomic adds. */
__u64 packets;
__u64 bytes;

SEC("tcx/ingress")
int count_ingress(struct __sk_buff *skb)
{
	__sync_fetch_and_add(&packets, 1);
	__sync_fetch_and_add(&bytes, skb->len);
	return TCX_NEXT;
}

char LICENSE[] SEC("license") = "GPL";
