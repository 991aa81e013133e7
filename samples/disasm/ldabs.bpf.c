// SPDX-License-Identifier: GPL-2.0-only
/* Disassembler sample: the legacy packet loads (LD_ABS, LD_IND) of a socket filter. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "disasm/insn_asm.h"

SEC("socket")
int ldabs_all(struct __sk_buff *skb)
{
	long r;

	asm volatile("r6 = %[skb]\n"
		     "r0 = *(u8 *)skb[23]\n"
		     "r0 = *(u16 *)skb[12]\n"
		     "r0 = *(u32 *)skb[26]\n"
		     "r7 = 14\n"
		     "r0 = *(u16 *)skb[r7]\n"
		     /* LD_IND with an immediate: no assembler syntax in clang-19 */
		     RB_RAW_INSN(0x50, 0, 7, 0, 9) RB_RAW_INSN(0x40, 0, 7, 0, 12) "%[r] = r0\n"
		     : [r] "=r"(r)
		     : [skb] "r"(skb)
		     : "r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7");
	return r & 1;
}

char _license[] SEC("license") = "GPL";
