// SPDX-License-Identifier: GPL-2.0-only
/*
 * Disassembler sample: loads and stores of every size on the stack, immediate stores,
 * atomics (with and without fetch, xchg, cmpxchg), 64-bit jumps on every condition, and
 * helper calls. Compiled C plus inline assembly; no maps, no subprograms.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getpid")
int mem_all(void *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid();
	__u64 t = bpf_ktime_get_ns();
	volatile __u64 slot = pid;
	volatile __u32 w = (__u32)t;
	volatile __u16 h = (__u16)pid;
	volatile __u8 b = (__u8)t;
	long r;

	__sync_fetch_and_add(&slot, 1);
	r = __sync_fetch_and_add(&slot, 2);
	__sync_fetch_and_or(&slot, 4);
	r += __sync_fetch_and_xor(&slot, 8);
	r += __sync_lock_test_and_set(&slot, 5);
	r += __sync_val_compare_and_swap(&slot, 5, 6);
	asm volatile("*(u64 *)(r10 -32) = 11\n"
		     "*(u32 *)(r10 -36) = -3\n"
		     "*(u16 *)(r10 -38) = 2\n"
		     "*(u8 *)(r10 -39) = 1\n"
		     "r1 = r10\n"
		     "r1 += -32\n"
		     "r2 = 3\n"
		     "lock *(u64 *)(r1 +0) += r2\n"
		     "lock *(u64 *)(r1 +0) &= r2\n"
		     "lock *(u64 *)(r1 +0) |= r2\n"
		     "lock *(u64 *)(r1 +0) ^= r2\n"
		     "lock *(u32 *)(r1 +0) += r2\n"
		     "lock *(u32 *)(r1 +0) &= w2\n"
		     "r2 = atomic_fetch_and((u64 *)(r1 +0), r2)\n"
		     "w2 = atomic_fetch_or((u32 *)(r1 +0), w2)\n"
		     "w2 = xchg32_32(r1 +0, w2)\n"
		     "w0 = cmpxchg32_32(r1 +0, w0, w2)\n"
		     "r3 = *(u64 *)(r1 +0)\n"
		     "r3 = *(u32 *)(r1 -4)\n"
		     "r3 = *(u16 *)(r1 -6)\n"
		     "r3 = *(u8 *)(r1 -7)\n"
		     "*(u16 *)(r10 -40) = r3\n"
		     "*(u8 *)(r10 -41) = r3\n"
		     "*(u32 *)(r10 -48) = r3\n"
		     "if r3 == r2 goto +0\n"
		     "if r3 > r2 goto +0\n"
		     "if r3 >= r2 goto +0\n"
		     "if r3 & r2 goto +0\n"
		     "if r3 != r2 goto +0\n"
		     "if r3 s> r2 goto +0\n"
		     "if r3 s>= r2 goto +0\n"
		     "if r3 < r2 goto +0\n"
		     "if r3 <= r2 goto +0\n"
		     "if r3 s< r2 goto +0\n"
		     "if r3 s<= r2 goto +0\n"
		     "if r3 == 1 goto +0\n"
		     "if r3 > 2 goto +0\n"
		     "if r3 >= 3 goto +0\n"
		     "if r3 & 4 goto +0\n"
		     "if r3 != 5 goto +0\n"
		     "if r3 s> -6 goto +0\n"
		     "if r3 s>= 7 goto +0\n"
		     "if r3 < 8 goto +0\n"
		     "if r3 <= 9 goto +0\n"
		     "if r3 s< 10 goto +0\n"
		     "if r3 s<= -11 goto +0\n" ::
			     : "r0", "r1", "r2", "r3", "memory");
	return (r + slot + w + h + b + bpf_get_prandom_u32()) & 1;
}

char _license[] SEC("license") = "GPL";
