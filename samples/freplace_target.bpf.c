// SPDX-License-Identifier: GPL-2.0
/*
 * freplace_target: an XDP program whose verdict comes from a global function, so that
 * another program can replace that function while it runs (see freplace.bpf.c).
 *
 *   rawbpf load freplace_target.bpf.o --no-attach --pin /sys/fs/bpf/fr
 *
 * Global (non-static) functions are verified on their own and keep their own entry in the
 * program's BTF: that is what makes them replaceable.
 */
#include "common.h"

__attribute__((noinline)) int pick_verdict(struct xdp_md *ctx)
{
	if (!ctx)
		return XDP_ABORTED;
	return XDP_PASS;
}

SEC("xdp")
int xdp_entry(struct xdp_md *ctx)
{
	return pick_verdict(ctx);
}

char LICENSE[] SEC("license") = "GPL";
