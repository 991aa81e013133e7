// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Instructions to verifier-log text. The goal is byte equality with what the running
 * kernel prints for each instruction at log_level 2, so the formats below (signed decimal
 * ALU immediates, "%+d" memory offsets, unsigned hex jump immediates, "pc%+d" targets) are
 * the kernel's, checked against a 6.18 kernel by tests/kernel/test_disasm_kernel.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/disasm.h"
#include "bpf/insn.h"
#include "util/err.h"

/* Register prefix: 'w' names the low 32 bits (ALU and JMP32 classes), 'r' the whole. */
static char reg_prefix(const struct bpf_insn *i)
{
	return insn_class(i) == BPF_ALU || insn_class(i) == BPF_JMP32 ? 'w' : 'r';
}

/* The assignment operator of an ALU operation, e.g. "+=", "s>>=", or NULL if invalid. */
static const char *alu_operator(const struct bpf_insn *i)
{
	bool sdiv = i->off == 1;

	switch (insn_op(i)) {
	case BPF_ADD:
		return "+=";
	case BPF_SUB:
		return "-=";
	case BPF_MUL:
		return "*=";
	case BPF_DIV:
		return sdiv ? "s/=" : "/=";
	case BPF_OR:
		return "|=";
	case BPF_AND:
		return "&=";
	case BPF_LSH:
		return "<<=";
	case BPF_RSH:
		return ">>=";
	case BPF_MOD:
		return sdiv ? "s%=" : "%=";
	case BPF_XOR:
		return "^=";
	case BPF_MOV:
		return "=";
	case BPF_ARSH:
		return "s>>=";
	default:
		return NULL;
	}
}

/* Memory access type for a size code: unsigned, or signed for sign-extending loads. */
static const char *mem_type(uint8_t size, bool sign)
{
	switch (size) {
	case BPF_B:
		return sign ? "s8" : "u8";
	case BPF_H:
		return sign ? "s16" : "u16";
	case BPF_W:
		return sign ? "s32" : "u32";
	default:
		return sign ? NULL : "u64"; /* there is no sign-extending 64-bit load */
	}
}

static const char *jmp_operator(uint8_t op)
{
	switch (op) {
	case BPF_JEQ:
		return "==";
	case BPF_JGT:
		return ">";
	case BPF_JGE:
		return ">=";
	case BPF_JSET:
		return "&";
	case BPF_JNE:
		return "!=";
	case BPF_JSGT:
		return "s>";
	case BPF_JSGE:
		return "s>=";
	case BPF_JLT:
		return "<";
	case BPF_JLE:
		return "<=";
	case BPF_JSLT:
		return "s<";
	case BPF_JSLE:
		return "s<=";
	default:
		return NULL;
	}
}

static void disasm_alu(struct strbuf *sb, const struct bpf_insn *i)
{
	char r = reg_prefix(i);
	const char *op;

	if (insn_op(i) == BPF_END) {
		/* ALU64|END is the unconditional byte swap (cpu v4); ALU|END converts. */
		if (insn_class(i) == BPF_ALU64)
			sb_printf(sb, "r%u = bswap%d r%u", i->dst_reg, i->imm, i->dst_reg);
		else
			sb_printf(sb, "r%u = %s%d r%u", i->dst_reg,
				  insn_src(i) == BPF_TO_BE ? "be" : "le", i->imm, i->dst_reg);
		return;
	}
	if (insn_op(i) == BPF_NEG) {
		sb_printf(sb, "%c%u = -%c%u", r, i->dst_reg, r, i->dst_reg);
		return;
	}
	if (i->code == (BPF_ALU64 | BPF_MOV | BPF_X) && i->off == BPF_ADDR_SPACE_CAST) {
		sb_printf(sb, "r%u = addr_space_cast(r%u, %u, %u)", i->dst_reg, i->src_reg,
			  (uint32_t)i->imm >> 16, (uint32_t)i->imm & 0xffff);
		return;
	}
	if (i->code == (BPF_ALU64 | BPF_MOV | BPF_X) && i->off == INSN_OFF_PERCPU_ADDR) {
		sb_printf(sb, "r%u = &(void __percpu *)(r%u)", i->dst_reg, i->src_reg);
		return;
	}
	op = alu_operator(i);
	if (!op) {
		sb_printf(sb, "BUG_alu_%02x", i->code);
		return;
	}
	if (insn_src(i) == BPF_X) {
		const char *cast = "";

		/* movsx: off is the source width to sign-extend from. */
		if (insn_op(i) == BPF_MOV && i->off == 8)
			cast = "(s8)";
		else if (insn_op(i) == BPF_MOV && i->off == 16)
			cast = "(s16)";
		else if (insn_op(i) == BPF_MOV && i->off == 32)
			cast = "(s32)";
		sb_printf(sb, "%c%u %s %s%c%u", r, i->dst_reg, op, cast, r, i->src_reg);
	} else {
		sb_printf(sb, "%c%u %s %d", r, i->dst_reg, op, i->imm);
	}
}

static void disasm_atomic(struct strbuf *sb, const struct bpf_insn *i)
{
	const char *type = mem_type(insn_size(i), false);
	const char *bits = insn_size(i) == BPF_DW ? "64" : "";
	const char *name = NULL;
	int aop = i->imm;

	switch (aop & ~BPF_FETCH) {
	case BPF_ADD:
		name = "add";
		break;
	case BPF_AND:
		name = "and";
		break;
	case BPF_OR:
		name = "or";
		break;
	case BPF_XOR:
		name = "xor";
		break;
	}
	if (name && !(aop & BPF_FETCH)) {
		struct bpf_insn as_alu = {.code = (uint8_t)(BPF_ALU64 | aop)};

		sb_printf(sb, "lock *(%s *)(r%u %+d) %s r%u", type, i->dst_reg, i->off,
			  alu_operator(&as_alu), i->src_reg);
	} else if (name) {
		sb_printf(sb, "r%u = atomic%s_fetch_%s((%s *)(r%u %+d), r%u)", i->src_reg, bits,
			  name, type, i->dst_reg, i->off, i->src_reg);
	} else if (aop == BPF_CMPXCHG) {
		sb_printf(sb, "r0 = atomic%s_cmpxchg((%s *)(r%u %+d), r0, r%u)", bits, type,
			  i->dst_reg, i->off, i->src_reg);
	} else if (aop == BPF_XCHG) {
		sb_printf(sb, "r%u = atomic%s_xchg((%s *)(r%u %+d), r%u)", i->src_reg, bits, type,
			  i->dst_reg, i->off, i->src_reg);
	} else if (aop == BPF_LOAD_ACQ) {
		sb_printf(sb, "r%u = load_acquire((%s *)(r%u %+d))", i->dst_reg, type, i->src_reg,
			  i->off);
	} else if (aop == BPF_STORE_REL) {
		sb_printf(sb, "store_release((%s *)(r%u %+d), r%u)", type, i->dst_reg, i->off,
			  i->src_reg);
	} else {
		sb_printf(sb, "BUG_%02x", i->code);
	}
}

static void disasm_call(struct strbuf *sb, const struct bpf_insn *i, size_t idx,
			const struct rb_disasm_cbs *cbs)
{
	const char *helper = i->src_reg == 0 ? disasm_helper_name(i->imm) : NULL;
	const char *name = helper;
	char buf[128];

	if (!name && cbs && cbs->call_name)
		name = cbs->call_name(cbs->ctx, i, idx, buf, sizeof(buf));
	if (i->src_reg == BPF_PSEUDO_CALL) {
		if (name)
			sb_printf(sb, "call pc%s", name);
		else
			sb_printf(sb, "call pc%+d", i->imm);
		return;
	}
	if (!name)
		name = i->src_reg == BPF_PSEUDO_KFUNC_CALL ? "kernel-function" : "unknown";
	sb_printf(sb, "call %s#%d", name, i->imm);
}

static void disasm_jmp(struct strbuf *sb, const struct bpf_insn *i, size_t idx,
		       const struct rb_disasm_cbs *cbs)
{
	char r = reg_prefix(i);
	const char *op;

	if (insn_op(i) == BPF_CALL) {
		disasm_call(sb, i, idx, cbs);
		return;
	}
	if (i->code == (BPF_JMP | BPF_JA)) {
		sb_printf(sb, "goto pc%+d", i->off);
		return;
	}
	if (i->code == (BPF_JMP32 | BPF_JA)) {
		sb_printf(sb, "gotol pc%+d", i->imm);
		return;
	}
	if (i->code == (BPF_JMP | BPF_JA | BPF_X)) {
		sb_printf(sb, "gotox r%u", i->dst_reg);
		return;
	}
	if (insn_is_may_goto(i)) {
		sb_printf(sb, "may_goto pc%+d", i->off);
		return;
	}
	if (i->code == (BPF_JMP | BPF_EXIT)) {
		sb_puts(sb, "exit");
		return;
	}
	op = jmp_operator(insn_op(i));
	if (!op) {
		sb_printf(sb, "BUG_jmp_%02x", i->code);
		return;
	}
	if (insn_src(i) == BPF_X)
		sb_printf(sb, "if %c%u %s %c%u goto pc%+d", r, i->dst_reg, op, r, i->src_reg,
			  i->off);
	else
		sb_printf(sb, "if %c%u %s 0x%x goto pc%+d", r, i->dst_reg, op, (uint32_t)i->imm,
			  i->off);
}

static int disasm_ld(struct strbuf *sb, const struct bpf_insn *insns, size_t cnt, size_t idx,
		     const struct rb_disasm_cbs *cbs)
{
	const struct bpf_insn *i = &insns[idx];
	const char *type = mem_type(insn_size(i), false);
	uint64_t value;
	const char *text = NULL;
	char buf[128];

	if (insn_mode(i) == BPF_ABS) {
		sb_printf(sb, "r0 = *(%s *)skb[%d]", type, i->imm);
		return 1;
	}
	if (insn_mode(i) == BPF_IND) {
		sb_printf(sb, "r0 = *(%s *)skb[r%u + %d]", type, i->src_reg, i->imm);
		return 1;
	}
	if (!insn_is_ld_imm64(i)) {
		sb_printf(sb, "BUG_ld_%02x", i->code);
		return 1;
	}
	if (idx + 1 >= cnt) {
		sb_printf(sb, "r%u = <ld_imm64 without its second slot>", i->dst_reg);
		return -EINVAL;
	}
	/*
	 * The kernel prints the raw 64-bit value for every pseudo source: by the time the
	 * verifier logs, map fds and indexes have become kernel addresses (shown only to
	 * privileged users). Callers name maps through imm_name.
	 */
	value = insn_ld_imm64_value(i);
	if (cbs && cbs->imm_name)
		text = cbs->imm_name(cbs->ctx, i, idx, value, buf, sizeof(buf));
	if (text)
		sb_printf(sb, "r%u = %s", i->dst_reg, text);
	else
		sb_printf(sb, "r%u = 0x%llx", i->dst_reg, (unsigned long long)value);
	return 2;
}

static int disasm_body(struct strbuf *sb, const struct bpf_insn *insns, size_t cnt, size_t idx,
		       const struct rb_disasm_cbs *cbs)
{
	const struct bpf_insn *i = &insns[idx];
	const char *type;

	switch (insn_class(i)) {
	case BPF_ALU:
	case BPF_ALU64:
		disasm_alu(sb, i);
		return 1;
	case BPF_JMP:
	case BPF_JMP32:
		disasm_jmp(sb, i, idx, cbs);
		return 1;
	case BPF_STX:
		if (insn_mode(i) == BPF_ATOMIC)
			disasm_atomic(sb, i);
		else if (insn_mode(i) == BPF_MEM)
			sb_printf(sb, "*(%s *)(r%u %+d) = r%u", mem_type(insn_size(i), false),
				  i->dst_reg, i->off, i->src_reg);
		else
			sb_printf(sb, "BUG_%02x", i->code);
		return 1;
	case BPF_ST:
		if (insn_mode(i) == BPF_MEM)
			sb_printf(sb, "*(%s *)(r%u %+d) = %d", mem_type(insn_size(i), false),
				  i->dst_reg, i->off, i->imm);
		else if (insn_mode(i) == INSN_MODE_NOSPEC)
			sb_puts(sb, "nospec");
		else
			sb_printf(sb, "BUG_st_%02x", i->code);
		return 1;
	case BPF_LDX:
		type = insn_mode(i) == BPF_MEM	   ? mem_type(insn_size(i), false)
		       : insn_mode(i) == BPF_MEMSX ? mem_type(insn_size(i), true)
						   : NULL;
		if (!type)
			sb_printf(sb, "BUG_ldx_%02x", i->code);
		else
			sb_printf(sb, "r%u = *(%s *)(r%u %+d)", i->dst_reg, type, i->src_reg,
				  i->off);
		return 1;
	default: /* BPF_LD */
		return disasm_ld(sb, insns, cnt, idx, cbs);
	}
}

int disasm_insn(struct strbuf *sb, const struct bpf_insn *insns, size_t cnt, size_t idx,
		const struct rb_disasm_cbs *cbs)
{
	struct strbuf body = STRBUF_INIT;
	int n;

	if (!insns || idx >= cnt)
		return -EINVAL;
	n = disasm_body(&body, insns, cnt, idx, cbs);
	/* Like the kernel, invalid encodings print as "BUG_..." without the opcode prefix. */
	if (!strncmp(sb_str(&body), "BUG_", 4))
		sb_puts(sb, sb_str(&body));
	else
		sb_printf(sb, "(%02x) %s", insns[idx].code, sb_str(&body));
	if (body.oom)
		sb->oom = true;
	sb_free(&body);
	return n;
}

RB_API int rb_disasm_insn(const struct bpf_insn *insns, size_t cnt, size_t idx,
			  const struct rb_disasm_cbs *cbs, char *buf, size_t len,
			  struct rb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int n;

	if (buf && len)
		buf[0] = '\0';
	if (!insns || idx >= cnt)
		return rb_errorf(err, EINVAL, "instruction %zu: out of range (program has %zu)",
				 idx, cnt);
	n = disasm_insn(&sb, insns, cnt, idx, cbs);
	if (sb.oom) {
		sb_free(&sb);
		return rb_errorf(err, ENOMEM, "instruction %zu: out of memory formatting it", idx);
	}
	if (buf && len)
		snprintf(buf, len, "%s", sb_str(&sb));
	sb_free(&sb);
	if (n < 0)
		return rb_errorf(err, -n, "instruction %zu: ld_imm64 is missing its second slot",
				 idx);
	return n;
}
