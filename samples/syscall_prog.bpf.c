// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_prog: a program no event triggers, run on demand.
 *
 * A "syscall" program runs when user space asks for it (BPF_PROG_TEST_RUN), with a pointer
 * to a buffer user space fills in; the kernel copies the buffer in, runs the program and
 * copies the buffer back, so what the program writes there is its answer along with its
 * return value. Such programs may sleep and may themselves call bpf(2) (bpf_sys_bpf), which
 * is how loaders written in BPF work; this one only does arithmetic.
 *
 *   rawbpf load syscall_prog.bpf.o --ctx 0700000003000000   # a = 7, b = 3
 *
 * prints the return value (|a - b| = 4) and the struct after the run (sum = 10).
 */
#include "common.h"

struct args {
	__u32 a;
	__u32 b;
	__u64 sum; /* written by the program: a + b */
};

SEC("syscall")
int add(struct args *ctx)
{
	ctx->sum = (__u64)ctx->a + ctx->b;
	return ctx->a > ctx->b ? ctx->a - ctx->b : ctx->b - ctx->a;
}

char LICENSE[] SEC("license") = "GPL";
