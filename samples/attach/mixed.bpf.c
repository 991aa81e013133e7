// SPDX-License-Identifier: GPL-2.0
/*
 * mixed: one program that attaches anywhere (a tracepoint counting getpid() calls) and one
 * that cannot attach without a user argument (XDP needs --ifname). `rawbpf load` stops at
 * the XDP program; `rawbpf load --keep-going` reports it and runs the tracepoint program.
 */
#include "common.h"

__u64 getpid_calls;

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__sync_fetch_and_add(&getpid_calls, 1);
	return 0;
}

SEC("xdp")
int pass_all(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
