/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Raw instruction emission for the disassembler samples: clang-19's assembler has no syntax
 * for some instructions the kernel knows (load-acquire, store-release), so those are
 * written as 8-byte words built from the instruction fields (little-endian layout: code,
 * dst|src<<4, off, imm).
 */
#ifndef RB_SAMPLES_INSN_ASM_H
#define RB_SAMPLES_INSN_ASM_H

#define RB_STR2(x) #x
#define RB_STR(x)  RB_STR2(x)
#define RB_INSN_WORD(code, dst, src, off, imm)                                                     \
	((code) | ((dst) << 8) | ((src) << 12) | (((off)&0xffffULL) << 16) |                       \
	 (((imm)&0xffffffffULL) << 32))
#define RB_RAW_INSN(code, dst, src, off, imm)                                                      \
	".8byte " RB_STR(RB_INSN_WORD(code, dst, src, off, imm)) "\n"

#endif
