// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Map, global-data and extern references, applied to each function's copy before linking
 * (they do not depend on where a function ends up, so every linked copy inherits them).
 * Calls and callback addresses depend on the layout: relo/link.c handles those.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "relo/ctx.h"
#include "util/err.h"
#include "util/strbuf.h"

struct site {
	struct relo_ctx *ctx;
	uint32_t fi;
	const struct relo_fcopy *f;
	const struct relo_ref *r;
	struct rb_error *err;
};

static int site_err(const struct site *s, int errnum, const char *why)
{
	return rb_errorf(s->err, errnum,
			 "%s: function '%s' in section '%s', insn %u (section offset %" PRIu64
			 "): relocation against '%s': %s",
			 s->ctx->obj_name, s->f->name, s->f->sec_name, s->r->insn,
			 ((uint64_t)s->f->sec_insn_off + s->r->insn) * 8, s->r->sym, why);
}

/* The instruction must be a complete ld_imm64 (both slots inside the function). */
static int need_ld_imm64(const struct site *s)
{
	const struct bpf_insn *insn = &s->f->insns[s->r->insn];
	char why[128];

	if (insn->code != RELO_LD_IMM64) {
		snprintf(why, sizeof(why),
			 "wrong instruction class: expected ld_imm64, found %s "
			 "(opcode 0x%02x)",
			 relo_insn_class_name(insn), insn->code);
		return site_err(s, EINVAL, why);
	}
	if (s->r->insn + 1 >= s->f->insn_cnt)
		return site_err(s, EINVAL, "ld_imm64 is cut off by the end of the function");
	return 0;
}

static int record(const struct site *s, enum rb_decision_kind kind, const struct bpf_insn *after,
		  uint32_t width, const char *target, const char *reason)
{
	return relo_record(s->ctx, s->fi, s->r->insn, kind, after, width, s->r->sym, target, reason,
			   NULL, s->err);
}

static int apply_map(const struct site *s)
{
	const struct relo_map *m = &s->ctx->maps[s->r->map_idx];
	struct bpf_insn after[2];
	char target[256];
	int ret;

	ret = need_ld_imm64(s);
	if (ret)
		return ret;
	memcpy(after, &s->f->insns[s->r->insn], sizeof(after));
	after[0].src_reg = BPF_PSEUDO_MAP_FD;
	after[0].imm = (int32_t)s->r->map_idx;
	snprintf(target, sizeof(target), "map '%s' (index %u)", m->name, s->r->map_idx);
	return record(s, RB_DEC_MAP, after, 2, target,
		      "ld_imm64 of a map: pseudo map fd, imm holds the map index until load");
}

static int apply_data(const struct site *s)
{
	const struct relo_map *m = &s->ctx->maps[s->r->map_idx];
	const struct bpf_insn *insn = &s->f->insns[s->r->insn];
	struct bpf_insn after[2];
	char target[256], why[256];
	int64_t off;
	int ret;

	ret = need_ld_imm64(s);
	if (ret)
		return ret;
	if (!m->is_data) {
		snprintf(why, sizeof(why), "map '%s' is not a global data section", m->name);
		return site_err(s, EINVAL, why);
	}
	/* Section symbol: the offset is in imm; variable symbol: its value plus imm. */
	off = (int64_t)insn->imm + s->r->sym_off;
	if (off < 0 || off > (int64_t)m->value_size) {
		snprintf(why, sizeof(why), "offset %" PRId64 " is outside section '%s' (%u bytes)",
			 off, m->name, m->value_size);
		return site_err(s, EINVAL, why);
	}
	memcpy(after, insn, sizeof(after));
	after[0].src_reg = BPF_PSEUDO_MAP_VALUE;
	after[0].imm = (int32_t)s->r->map_idx;
	after[1].imm = (int32_t)off;
	snprintf(target, sizeof(target), "%s+%" PRId64 " (map index %u)", m->name, off,
		 s->r->map_idx);
	if (s->r->sym_is_section)
		snprintf(why, sizeof(why),
			 "global data via the section symbol: pseudo map value, "
			 "offset %" PRId64 " taken from imm",
			 off);
	else
		snprintf(why, sizeof(why),
			 "global variable: pseudo map value, offset = symbol "
			 "value %" PRId64 " + imm %d",
			 s->r->sym_off, insn->imm);
	return record(s, RB_DEC_DATA, after, 2, target, why);
}

static const char *ext_kind_word(enum relo_extern_kind k)
{
	switch (k) {
	case RELO_EXT_KCONFIG:
		return "kconfig";
	case RELO_EXT_KSYM_TYPELESS:
		return "typeless ksym";
	case RELO_EXT_KSYM_TYPED:
		return "typed ksym";
	case RELO_EXT_KFUNC:
		return "kfunc";
	}
	return "extern";
}

static int apply_extern_call(const struct site *s, const struct relo_extern *x)
{
	struct bpf_insn after = s->f->insns[s->r->insn];
	char target[256], why[256];
	uint32_t xi = s->r->extern_idx;

	if (x->kind != RELO_EXT_KFUNC) {
		snprintf(why, sizeof(why), "call to %s '%s', which is not a function",
			 ext_kind_word(x->kind), x->name);
		return site_err(s, EINVAL, why);
	}
	if (!x->resolved) {
		if (!x->weak) {
			snprintf(why, sizeof(why),
				 "extern '%s' (strong): kfunc not found in the "
				 "kernel BTF",
				 x->name);
			return site_err(s, ESRCH, why);
		}
		after.src_reg = 0;
		after.off = 0;
		after.imm = RB_POISON_KFUNC_BASE + (int32_t)xi;
		snprintf(target, sizeof(target), "unresolved weak kfunc '%s'", x->name);
		return record(s, RB_DEC_WEAK_POISON, &after, 1, target,
			      "weak kfunc not in the kernel: poisoned call, the program loads only "
			      "if the verifier proves it dead");
	}
	after.src_reg = BPF_PSEUDO_KFUNC_CALL;
	after.imm = (int32_t)x->btf_id;
	after.off = x->fd_array_idx;
	snprintf(target, sizeof(target), "kfunc '%s' = BTF id %u%s", x->name, x->btf_id,
		 x->fd_array_idx ? " (module BTF)" : " (vmlinux)");
	snprintf(why, sizeof(why), "kfunc call: pseudo kfunc call, imm = BTF id of FUNC '%s'",
		 x->name);
	return record(s, RB_DEC_KFUNC, &after, 1, target, why);
}

static int apply_extern_ld(const struct site *s, const struct relo_extern *x)
{
	struct bpf_insn after[2];
	char target[256], why[256];
	int ret;

	ret = need_ld_imm64(s);
	if (ret)
		return ret;
	memcpy(after, &s->f->insns[s->r->insn], sizeof(after));
	if (!x->resolved && !x->weak) {
		snprintf(why, sizeof(why), "extern '%s' (strong): %s not resolved", x->name,
			 ext_kind_word(x->kind));
		return site_err(s, ESRCH, why);
	}
	if (x->kind == RELO_EXT_KCONFIG) {
		const struct relo_map *m = &s->ctx->maps[x->map_idx];

		after[0].src_reg = BPF_PSEUDO_MAP_VALUE;
		after[0].imm = (int32_t)x->map_idx;
		after[1].imm = (int32_t)x->data_off;
		snprintf(target, sizeof(target), "%s+%u (map index %u)", m->name, x->data_off,
			 x->map_idx);
		snprintf(why, sizeof(why),
			 "kconfig extern: pseudo map value into the kconfig map%s",
			 x->resolved ? "" : "; weak and not in the kernel config, so it reads 0");
		return record(s, RB_DEC_KCONFIG, after, 2, target, why);
	}
	if (!x->resolved) {
		after[0].src_reg = 0;
		after[0].imm = 0;
		after[1].imm = 0;
		snprintf(target, sizeof(target), "unresolved weak %s '%s'", ext_kind_word(x->kind),
			 x->name);
		return record(s, RB_DEC_WEAK_ZERO, after, 2, target,
			      "weak extern not found in the kernel: its address is 0");
	}
	if (x->kind == RELO_EXT_KSYM_TYPELESS) {
		after[0].src_reg = 0;
		after[0].imm = (int32_t)(uint32_t)x->addr;
		after[1].imm = (int32_t)(uint32_t)(x->addr >> 32);
		snprintf(target, sizeof(target), "ksym '%s' = 0x%" PRIx64, x->name, x->addr);
		return record(
			s, RB_DEC_KSYM_ADDR, after, 2, target,
			"typeless ksym: its kernel address from kallsyms, as a 64-bit constant");
	}
	/* A typed ksym, or the address of a kfunc (bpf_ksym_exists): the kernel's BTF id. */
	after[0].src_reg = BPF_PSEUDO_BTF_ID;
	after[0].imm = (int32_t)x->btf_id;
	after[1].imm = x->btf_obj_fd;
	snprintf(target, sizeof(target), "%s '%s' = BTF id %u%s", ext_kind_word(x->kind), x->name,
		 x->btf_id, x->btf_obj_fd ? " (module BTF)" : " (vmlinux)");
	snprintf(why, sizeof(why), "%s: pseudo btf id, imm = kernel BTF id of %s '%s'",
		 ext_kind_word(x->kind), x->kind == RELO_EXT_KFUNC ? "FUNC" : "VAR", x->name);
	return record(s, RB_DEC_KSYM_BTF, after, 2, target, why);
}

static int apply_extern(const struct site *s)
{
	const struct relo_extern *x = &s->ctx->externs[s->r->extern_idx];
	const struct bpf_insn *insn = &s->f->insns[s->r->insn];

	if (insn->code == RELO_CALL)
		return apply_extern_call(s, x);
	return apply_extern_ld(s, x);
}

/* Calls and function addresses are linked later; check their instruction class now. */
static int check_code_ref(const struct site *s)
{
	const struct bpf_insn *insn = &s->f->insns[s->r->insn];
	char why[160];

	if (s->r->kind == RELO_REF_FUNC)
		return need_ld_imm64(s);
	if (insn->code != RELO_CALL || insn->src_reg != BPF_PSEUDO_CALL) {
		snprintf(why, sizeof(why),
			 "wrong instruction class: expected a bpf-to-bpf call, "
			 "found %s (opcode 0x%02x, src_reg %u)",
			 relo_insn_class_name(insn), insn->code, insn->src_reg);
		return site_err(s, EINVAL, why);
	}
	return 0;
}

int relo_apply(struct relo_ctx *ctx, struct rb_error *err)
{
	if (ctx->applied)
		return rb_errorf(err, EALREADY, "%s: relocations were already applied",
				 ctx->obj_name);
	ctx->applied = true;
	for (uint32_t fi = 0; fi < ctx->func_cnt; fi++) {
		const struct relo_fcopy *f = &ctx->funcs[fi];

		/* In instruction order, so the record reads top to bottom. */
		for (uint32_t i = 0; i < f->insn_cnt; i++) {
			struct site s = {ctx, fi, f, NULL, err};
			int ret = 0;

			if (f->ref_at[i] < 0)
				continue;
			s.r = &f->refs[f->ref_at[i]];
			switch (s.r->kind) {
			case RELO_REF_MAP:
				ret = apply_map(&s);
				break;
			case RELO_REF_DATA:
				ret = apply_data(&s);
				break;
			case RELO_REF_EXTERN:
				ret = apply_extern(&s);
				break;
			case RELO_REF_SUBPROG:
			case RELO_REF_FUNC:
				ret = check_code_ref(&s);
				break;
			}
			if (ret)
				return ret;
		}
	}
	return 0;
}
