/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BPF instructions: field accessors, classification (ld_imm64, calls, jumps) and small
 * encoders, over the UAPI struct bpf_insn. Pure functions; no kernel, no ELF.
 *
 * Vocabulary used across rawbpf:
 *  - a "slot" is one 8-byte struct bpf_insn; ld_imm64 takes two slots, everything else one.
 *  - an instruction index is a slot index (what the verifier prints as "N:").
 *  - a jump target is the slot index a jump or bpf-to-bpf call lands on: idx + 1 + offset.
 */
#ifndef RB_BPF_INSN_H
#define RB_BPF_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

/* ISA additions newer than the 6.1 UAPI headers. */
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80 /* LDX mode: sign-extending load (cpu v4) */
#endif
#ifndef BPF_JCOND
#define BPF_JCOND 0xe0 /* JMP op: conditional pseudo jump (may_goto) */
#endif
#ifndef BPF_MAY_GOTO
#define BPF_MAY_GOTO 0 /* src_reg of BPF_JCOND */
#endif
#ifndef BPF_LOAD_ACQ
#define BPF_LOAD_ACQ 0x100 /* atomic imm: load-acquire */
#endif
#ifndef BPF_STORE_REL
#define BPF_STORE_REL 0x110 /* atomic imm: store-release */
#endif
#ifndef BPF_ADDR_SPACE_CAST
#define BPF_ADDR_SPACE_CAST 1 /* off of ALU64|MOV|X: arena address space cast */
#endif
/* ST mode of the kernel-internal speculation barrier (no UAPI name). */
#define INSN_MODE_NOSPEC 0xc0
/* off of ALU64|MOV|X for the kernel-internal per-CPU address move. */
#define INSN_OFF_PERCPU_ADDR (-1)

#define INSN_NREGS 11 /* r0..r10 */

static inline uint8_t insn_class(const struct bpf_insn *i)
{
	return BPF_CLASS(i->code);
}

static inline uint8_t insn_op(const struct bpf_insn *i)
{
	return BPF_OP(i->code);
}

static inline uint8_t insn_size(const struct bpf_insn *i) /* BPF_W/H/B/DW */
{
	return BPF_SIZE(i->code);
}

static inline uint8_t insn_mode(const struct bpf_insn *i)
{
	return BPF_MODE(i->code);
}

static inline uint8_t insn_src(const struct bpf_insn *i) /* BPF_K or BPF_X */
{
	return BPF_SRC(i->code);
}

/* Bytes accessed by a load/store of this size code (BPF_W -> 4, ...). */
static inline unsigned int insn_size_bytes(uint8_t size)
{
	switch (size) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

static inline bool insn_is_alu(const struct bpf_insn *i)
{
	return insn_class(i) == BPF_ALU || insn_class(i) == BPF_ALU64;
}

static inline bool insn_is_jmp_class(const struct bpf_insn *i)
{
	return insn_class(i) == BPF_JMP || insn_class(i) == BPF_JMP32;
}

/* ld_imm64: BPF_LD|BPF_IMM|BPF_DW, followed by a second slot holding the upper 32 bits. */
static inline bool insn_is_ld_imm64(const struct bpf_insn *i)
{
	return i->code == (BPF_LD | BPF_IMM | BPF_DW);
}

/* Slots the instruction at i occupies: 2 for ld_imm64, else 1. */
static inline unsigned int insn_slots(const struct bpf_insn *i)
{
	return insn_is_ld_imm64(i) ? 2 : 1;
}

/* The 64-bit value of a ld_imm64 (i must point at its first slot, with a second one). */
static inline uint64_t insn_ld_imm64_value(const struct bpf_insn *i)
{
	return ((uint64_t)(uint32_t)i[1].imm << 32) | (uint32_t)i[0].imm;
}

static inline void insn_set_ld_imm64_value(struct bpf_insn *i, uint64_t v)
{
	i[0].imm = (int32_t)(uint32_t)v;
	i[1].imm = (int32_t)(uint32_t)(v >> 32);
}

/* ld_imm64 whose src_reg names a map (fd or index, with or without a value offset). */
static inline bool insn_is_map_ref(const struct bpf_insn *i)
{
	return insn_is_ld_imm64(i) &&
	       (i->src_reg == BPF_PSEUDO_MAP_FD || i->src_reg == BPF_PSEUDO_MAP_VALUE ||
		i->src_reg == BPF_PSEUDO_MAP_IDX || i->src_reg == BPF_PSEUDO_MAP_IDX_VALUE);
}

/* ld_imm64 of a function address (callback): imm is a pc-relative slot offset. */
static inline bool insn_is_func_ref(const struct bpf_insn *i)
{
	return insn_is_ld_imm64(i) && i->src_reg == BPF_PSEUDO_FUNC;
}

/* Calls: helper (src 0, imm = helper id), bpf-to-bpf (imm = pc offset), kfunc (imm = BTF id,
 * off = index of the module BTF fd, 0 for vmlinux). */
static inline bool insn_is_call(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_CALL);
}

static inline bool insn_is_helper_call(const struct bpf_insn *i)
{
	return insn_is_call(i) && i->src_reg == 0;
}

static inline bool insn_is_pseudo_call(const struct bpf_insn *i)
{
	return insn_is_call(i) && i->src_reg == BPF_PSEUDO_CALL;
}

static inline bool insn_is_kfunc_call(const struct bpf_insn *i)
{
	return insn_is_call(i) && i->src_reg == BPF_PSEUDO_KFUNC_CALL;
}

static inline bool insn_is_exit(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_EXIT);
}

/* goto (JMP|JA, 16-bit off) and gotol (JMP32|JA, 32-bit imm). */
static inline bool insn_is_goto(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_JA) || i->code == (BPF_JMP32 | BPF_JA);
}

static inline bool insn_is_may_goto(const struct bpf_insn *i)
{
	return i->code == (BPF_JMP | BPF_JCOND) && i->src_reg == BPF_MAY_GOTO;
}

/*
 * Any instruction with a pc-relative slot offset to another instruction of the same
 * function: goto, gotol, may_goto and conditional jumps (not calls, not exit).
 */
static inline bool insn_is_jump(const struct bpf_insn *i)
{
	uint8_t op = insn_op(i);

	if (!insn_is_jmp_class(i) || op == BPF_CALL || op == BPF_EXIT)
		return false;
	if (op == BPF_JA)
		return insn_src(i) == BPF_K; /* JA|X is an indirect jump (gotox) */
	if (op == BPF_JCOND)
		return insn_is_may_goto(i);
	return op != 0xf0; /* 0xf0 is not a jump */
}

/* The pc-relative offset of a jump (imm for gotol, off otherwise) or of a bpf-to-bpf call
 * or function reference (imm). */
static inline int32_t insn_jump_offset(const struct bpf_insn *i)
{
	if (i->code == (BPF_JMP32 | BPF_JA) || insn_is_pseudo_call(i) || insn_is_func_ref(i))
		return i->imm;
	return i->off;
}

/* Slot index an instruction at idx jumps/calls to; may be out of range (caller checks). */
static inline int64_t insn_jump_target(const struct bpf_insn *i, size_t idx)
{
	return (int64_t)idx + 1 + insn_jump_offset(i);
}

/* Encoders, for hand-assembled programs (tests, feature probes) and patching. */
static inline struct bpf_insn insn_make(uint8_t code, uint8_t dst, uint8_t src, int16_t off,
					int32_t imm)
{
	struct bpf_insn i = {.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};

	return i;
}

static inline struct bpf_insn insn_alu64_imm(uint8_t op, uint8_t dst, int32_t imm)
{
	return insn_make(BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}

static inline struct bpf_insn insn_alu64_reg(uint8_t op, uint8_t dst, uint8_t src)
{
	return insn_make(BPF_ALU64 | op | BPF_X, dst, src, 0, 0);
}

static inline struct bpf_insn insn_alu32_imm(uint8_t op, uint8_t dst, int32_t imm)
{
	return insn_make(BPF_ALU | op | BPF_K, dst, 0, 0, imm);
}

static inline struct bpf_insn insn_alu32_reg(uint8_t op, uint8_t dst, uint8_t src)
{
	return insn_make(BPF_ALU | op | BPF_X, dst, src, 0, 0);
}

static inline struct bpf_insn insn_mov64_imm(uint8_t dst, int32_t imm)
{
	return insn_alu64_imm(BPF_MOV, dst, imm);
}

static inline struct bpf_insn insn_mov64_reg(uint8_t dst, uint8_t src)
{
	return insn_alu64_reg(BPF_MOV, dst, src);
}

static inline struct bpf_insn insn_ldx_mem(uint8_t size, uint8_t dst, uint8_t src, int16_t off)
{
	return insn_make(BPF_LDX | BPF_MEM | size, dst, src, off, 0);
}

static inline struct bpf_insn insn_stx_mem(uint8_t size, uint8_t dst, uint8_t src, int16_t off)
{
	return insn_make(BPF_STX | BPF_MEM | size, dst, src, off, 0);
}

static inline struct bpf_insn insn_st_mem(uint8_t size, uint8_t dst, int16_t off, int32_t imm)
{
	return insn_make(BPF_ST | BPF_MEM | size, dst, 0, off, imm);
}

static inline struct bpf_insn insn_atomic(uint8_t size, int32_t aop, uint8_t dst, uint8_t src,
					  int16_t off)
{
	return insn_make(BPF_STX | BPF_ATOMIC | size, dst, src, off, aop);
}

static inline struct bpf_insn insn_jmp_imm(uint8_t op, uint8_t dst, int32_t imm, int16_t off)
{
	return insn_make(BPF_JMP | op | BPF_K, dst, 0, off, imm);
}

static inline struct bpf_insn insn_jmp_reg(uint8_t op, uint8_t dst, uint8_t src, int16_t off)
{
	return insn_make(BPF_JMP | op | BPF_X, dst, src, off, 0);
}

static inline struct bpf_insn insn_goto(int16_t off)
{
	return insn_make(BPF_JMP | BPF_JA, 0, 0, off, 0);
}

static inline struct bpf_insn insn_call_helper(int32_t id)
{
	return insn_make(BPF_JMP | BPF_CALL, 0, 0, 0, id);
}

static inline struct bpf_insn insn_exit(void)
{
	return insn_make(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* Write a ld_imm64 (two slots) at out[0..1]. */
static inline void insn_ld_imm64(struct bpf_insn *out, uint8_t dst, uint8_t pseudo_src, uint64_t v)
{
	out[0] = insn_make(BPF_LD | BPF_IMM | BPF_DW, dst, pseudo_src, 0, 0);
	out[1] = insn_make(0, 0, 0, 0, 0);
	insn_set_ld_imm64_value(out, v);
}

#endif
