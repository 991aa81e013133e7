// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops: a TCP congestion control algorithm written in BPF ("rb_cc").
 *
 * A struct_ops map is a kernel structure of function pointers (here struct
 * tcp_congestion_ops) whose members are BPF programs. Registering the map (an update of its
 * one element, then a BPF link for a ".struct_ops.link" map) makes "rb_cc" one of the
 * algorithms listed in /proc/sys/net/ipv4/tcp_available_congestion_control; a socket picks it
 * with setsockopt(TCP_CONGESTION, "rb_cc"), and the kernel then calls these programs.
 *
 * The struct below declares only the members we fill, in an order of our own: the loader
 * matches them to the kernel's struct by NAME and builds the value in the kernel's layout.
 * Each program is loaded with the kernel struct's BTF id and the member's index, which the
 * loader learns from the relocations of the ".struct_ops.link" section.
 *
 * The algorithm is Reno without fast convergence: slow start below ssthresh, then one
 * segment more per window; halve on loss. init_calls counts the sockets that picked it.
 *
 * Note: struct_ops programs run through BPF trampolines; the 6.18 machine this project is
 * developed on refuses them (BPF_PROG_LOAD: ENOTSUPP), so there `rawbpf load` says so.
 */
#include "common.h"

#define PRESERVE __attribute__((preserve_access_index))

struct sock;

/* The struct_ops program's socket is a tcp_sock (the kernel's BTF gives it that type). */
struct tcp_sock {
	__u32 snd_cwnd;
	__u32 snd_ssthresh;
	__u32 snd_cwnd_cnt;
} PRESERVE;

/* Our view of the kernel's struct: members in another order than the kernel's. */
struct tcp_congestion_ops {
	__u32 (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, __u32 ack, __u32 acked);
	__u32 (*undo_cwnd)(struct sock *sk);
	void (*init)(struct sock *sk);
	char name[16];
};

__u64 init_calls; /* sockets that chose rb_cc (.bss) */
__u64 cwnd_grows; /* cong_avoid calls */

SEC("struct_ops/rb_init")
void BPF_PROG(rb_init, struct sock *sk)
{
	__sync_fetch_and_add(&init_calls, 1);
}

SEC("struct_ops/rb_ssthresh")
__u32 BPF_PROG(rb_ssthresh, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;
	__u32 half = tp->snd_cwnd >> 1;

	return half > 2 ? half : 2;
}

SEC("struct_ops/rb_cong_avoid")
void BPF_PROG(rb_cong_avoid, struct sock *sk, __u32 ack, __u32 acked)
{
	struct tcp_sock *tp = (struct tcp_sock *)sk;

	__sync_fetch_and_add(&cwnd_grows, 1);
	if (!acked)
		return;
	if (tp->snd_cwnd < tp->snd_ssthresh) {
		tp->snd_cwnd += 1;
		return;
	}
	if (tp->snd_cwnd_cnt + 1 >= tp->snd_cwnd) {
		tp->snd_cwnd_cnt = 0;
		tp->snd_cwnd += 1;
	} else {
		tp->snd_cwnd_cnt += 1;
	}
}

SEC("struct_ops/rb_undo_cwnd")
__u32 BPF_PROG(rb_undo_cwnd, struct sock *sk)
{
	const struct tcp_sock *tp = (const struct tcp_sock *)sk;

	return tp->snd_cwnd;
}

#ifndef RB_CC_SECTION
#define RB_CC_SECTION ".struct_ops.link"
#define RB_CC_NAME "rb_cc"
#endif

SEC(RB_CC_SECTION)
struct tcp_congestion_ops rb_cc = {
	.init = (void *)rb_init,
	.ssthresh = (void *)rb_ssthresh,
	.cong_avoid = (void *)rb_cong_avoid,
	.undo_cwnd = (void *)rb_undo_cwnd,
	.name = RB_CC_NAME,
};

char LICENSE[] SEC("license") = "GPL";
