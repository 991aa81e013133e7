// SPDX-License-Identifier: GPL-2.0
/*
 * freplace: replace a global function of a program that is already loaded, here
 * freplace_target's pick_verdict, so that its XDP program drops every packet. The target
 * program is named at load time (the kernel checks the replacement against the function's
 * BTF then), from its pin:
 *
 *   rawbpf load freplace.bpf.o --attach new_verdict=/sys/fs/bpf/fr/progs/xdp_entry
 *
 * (":FUNC" after the path names the function when the section does not.) Needs BPF
 * trampolines, like fentry.
 */
#include "common.h"

SEC("freplace/pick_verdict")
int new_verdict(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
