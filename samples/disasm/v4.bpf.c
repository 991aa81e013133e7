// SPDX-License-Identifier: GPL-2.0-only
/*
 * Disassembler sample: the cpu v4 instructions (sign-extending loads and moves, bswap,
 * signed division and modulo, gotol, may_goto) and load-acquire/store-release, written in
 * inline assembly so that the default -mcpu of clang-19 still builds it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "disasm/insn_asm.h"

SEC("socket")
int v4_all(struct __sk_buff *skb)
{
	long r;

	asm volatile("r1 = 0x1234\n"
		     "*(u64 *)(r10 -8) = r1\n"
		     "r2 = (s8)r1\n"
		     "r2 = (s16)r1\n"
		     "r2 = (s32)r1\n"
		     "w2 = (s8)w1\n"
		     "w2 = (s16)w1\n"
		     "r1 = bswap16 r1\n"
		     "r1 = bswap32 r1\n"
		     "r1 = bswap64 r1\n"
		     "r2 = 3\n"
		     "r1 s/= 3\n"
		     "r1 s/= r2\n"
		     "r1 s%%= -5\n"
		     "r1 s%%= r2\n"
		     "w1 s/= w2\n"
		     "w1 s%%= 7\n"
		     "gotol +0\n"
		     "r1 = 0\n"
		     "r3 = *(s8 *)(r10 -8)\n"
		     "r3 = *(s16 *)(r10 -8)\n"
		     "r3 = *(s32 *)(r10 -8)\n"
		     "may_goto +1\n"
		     "r3 = 0\n"
		     /* r4 = load_acquire((u64 *)(r10 -8)) */
		     RB_RAW_INSN(0xdb, 4, 10, -8, 0x100)
		     /* r4 = load_acquire((u32 *)(r10 -8)) */
		     RB_RAW_INSN(0xc3, 4, 10, -8, 0x100)
		     /* store_release((u64 *)(r10 -16), r1) */
		     RB_RAW_INSN(0xdb, 10, 1, -16, 0x110)
		     /* store_release((u8 *)(r10 -17), r1) */
		     RB_RAW_INSN(0xd3, 10, 1, -17, 0x110) "%[r] = r1\n"
		     : [r] "=r"(r)::"r1", "r2", "r3", "r4", "memory");
	return r & 1;
}

char _license[] SEC("license") = "GPL";
