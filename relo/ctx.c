// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The engine's working state: copies of the input, and the per-function decision record. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "relo/ctx.h"
#include "util/err.h"
#include "util/trace.h"

static const char *const kind_names[RB_DEC_KIND_CNT] = {
	[RB_DEC_MAP] = "map",
	[RB_DEC_DATA] = "data",
	[RB_DEC_CALL] = "call",
	[RB_DEC_FUNC_PTR] = "func_ptr",
	[RB_DEC_KCONFIG] = "kconfig",
	[RB_DEC_KSYM_ADDR] = "ksym_addr",
	[RB_DEC_KSYM_BTF] = "ksym_btf",
	[RB_DEC_KFUNC] = "kfunc",
	[RB_DEC_WEAK_ZERO] = "weak_zero",
	[RB_DEC_WEAK_POISON] = "weak_poison",
	[RB_DEC_CORE] = "core",
	[RB_DEC_CORE_POISON] = "core_poison",
	[RB_DEC_CORE_PENDING] = "core_pending",
};

RB_API const char *rb_decision_kind_name(enum rb_decision_kind kind)
{
	if ((unsigned)kind < RB_DEC_KIND_CNT && kind_names[kind])
		return kind_names[kind];
	return "unknown";
}

const char *relo_insn_class_name(const struct bpf_insn *insn)
{
	static const char *const cls[8] = {"ld",  "ldx", "st",	  "stx",
					   "alu", "jmp", "jmp32", "alu64"};

	if (insn->code == RELO_LD_IMM64)
		return "ld_imm64";
	if (insn->code == RELO_CALL)
		return "call";
	return cls[BPF_CLASS(insn->code)];
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

void relo_dec_free_strings(struct rb_relo_decision *d)
{
	free(d->sym);
	free(d->target);
	free(d->reason);
	free(d->detail);
	d->sym = d->target = d->reason = d->detail = NULL;
}

int relo_dec_push(struct rb_relo_decision **arr, uint32_t *cnt, uint32_t *cap,
		  const struct rb_relo_decision *d)
{
	struct rb_relo_decision *n;

	if (*cnt == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;

		n = realloc(*arr, (size_t)ncap * sizeof(**arr));
		if (!n)
			return -ENOMEM;
		*arr = n;
		*cap = ncap;
	}
	n = &(*arr)[*cnt];
	*n = *d;
	n->sym = dup_or_empty(d->sym);
	n->target = dup_or_empty(d->target);
	n->reason = dup_or_empty(d->reason);
	n->detail = d->detail ? strdup(d->detail) : NULL;
	n->next = -1;
	if (!n->sym || !n->target || !n->reason || (d->detail && !n->detail)) {
		relo_dec_free_strings(n);
		return -ENOMEM;
	}
	return (int)(*cnt)++;
}

static void fcopy_free(struct relo_fcopy *f)
{
	free(f->name);
	free(f->sec_name);
	free(f->insns);
	for (uint32_t i = 0; f->refs && i < f->ref_cnt; i++)
		free((char *)f->refs[i].sym);
	free(f->refs);
	free(f->ref_at);
	free(f->func_info);
	free(f->line_info);
	for (uint32_t i = 0; i < f->dec_cnt; i++)
		relo_dec_free_strings(&f->dec[i]);
	free(f->dec);
}

void relo_ctx_free(struct relo_ctx *ctx)
{
	if (!ctx)
		return;
	for (uint32_t i = 0; ctx->funcs && i < ctx->func_cnt; i++)
		fcopy_free(&ctx->funcs[i]);
	free(ctx->funcs);
	free(ctx->by_pos);
	for (uint32_t i = 0; ctx->maps && i < ctx->map_cnt; i++)
		free((char *)ctx->maps[i].name);
	free(ctx->maps);
	for (uint32_t i = 0; ctx->externs && i < ctx->extern_cnt; i++)
		free((char *)ctx->externs[i].name);
	free(ctx->externs);
	free(ctx->obj_name);
	free(ctx);
}

static void *dup_array(const void *src, size_t n, size_t sz)
{
	void *p;

	if (!n)
		return NULL;
	p = malloc(n * sz);
	if (p)
		memcpy(p, src, n * sz);
	return p;
}

static const struct relo_ctx *sort_ctx; /* qsort has no context argument in C11 */

static int cmp_pos(const void *a, const void *b)
{
	const struct relo_fcopy *fa = &sort_ctx->funcs[*(const uint32_t *)a];
	const struct relo_fcopy *fb = &sort_ctx->funcs[*(const uint32_t *)b];

	if (fa->sec_idx != fb->sec_idx)
		return fa->sec_idx < fb->sec_idx ? -1 : 1;
	if (fa->sec_insn_off != fb->sec_insn_off)
		return fa->sec_insn_off < fb->sec_insn_off ? -1 : 1;
	return 0;
}

int64_t relo_find_func(const struct relo_ctx *ctx, uint32_t sec, uint64_t sec_insn)
{
	uint32_t lo = 0, hi = ctx->func_cnt;
	const struct relo_fcopy *f;

	/* Last function starting at or before (sec, sec_insn). */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		f = &ctx->funcs[ctx->by_pos[mid]];
		if (f->sec_idx < sec || (f->sec_idx == sec && f->sec_insn_off <= sec_insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	f = &ctx->funcs[ctx->by_pos[lo - 1]];
	if (f->sec_idx != sec || sec_insn >= (uint64_t)f->sec_insn_off + f->insn_cnt)
		return -1;
	return ctx->by_pos[lo - 1];
}

/* Check one function's input: records inside it, one relocation per instruction. */
static int check_func(const struct relo_ctx *ctx, const struct relo_func *in, uint32_t fi,
		      struct rb_error *err)
{
	const char *obj = ctx->obj_name;

	for (uint32_t i = 0; i < in->ref_cnt; i++) {
		const struct relo_ref *r = &in->refs[i];

		if (r->insn >= in->insn_cnt)
			return rb_errorf(
				err, EINVAL,
				"%s: function '%s' in section '%s': relocation against '%s' "
				"at insn %u is outside the function (%u insns)",
				obj, in->name, in->sec_name, r->sym ? r->sym : "", r->insn,
				in->insn_cnt);
		if ((r->kind == RELO_REF_MAP || r->kind == RELO_REF_DATA) &&
		    r->map_idx >= ctx->map_cnt)
			return rb_errorf(
				err, EINVAL,
				"%s: function '%s' insn %u: relocation against '%s' names map "
				"index %u, but there are %u maps",
				obj, in->name, r->insn, r->sym ? r->sym : "", r->map_idx,
				ctx->map_cnt);
		if (r->kind == RELO_REF_EXTERN && r->extern_idx >= ctx->extern_cnt)
			return rb_errorf(err, EINVAL,
					 "%s: function '%s' insn %u: relocation against '%s' names "
					 "extern index %u, but there are %u externs",
					 obj, in->name, r->insn, r->sym ? r->sym : "",
					 r->extern_idx, ctx->extern_cnt);
		/* Section offsets come from 64-bit symbol values: keep the arithmetic sane. */
		if (r->sym_off < 0 || r->sym_off > (int64_t)1 << 40)
			return rb_errorf(
				err, EINVAL,
				"%s: function '%s' insn %u: relocation against '%s': symbol "
				"value %" PRId64 " is out of range",
				obj, in->name, r->insn, r->sym ? r->sym : "", r->sym_off);
		if (r->kind > RELO_REF_EXTERN)
			return rb_errorf(err, EINVAL,
					 "%s: function '%s' insn %u: unknown relocation "
					 "kind %d",
					 obj, in->name, r->insn, (int)r->kind);
	}
	for (uint32_t i = 0; i < in->func_info_cnt; i++)
		if (in->func_info[i].insn_off >= in->insn_cnt ||
		    (i && in->func_info[i].insn_off <= in->func_info[i - 1].insn_off))
			return rb_errorf(err, EINVAL,
					 "%s: function '%s': func_info record %u (insn_off %u) is "
					 "outside the function or out of order",
					 obj, in->name, i, in->func_info[i].insn_off);
	for (uint32_t i = 0; i < in->line_info_cnt; i++)
		if (in->line_info[i].insn_off >= in->insn_cnt ||
		    (i && in->line_info[i].insn_off < in->line_info[i - 1].insn_off))
			return rb_errorf(err, EINVAL,
					 "%s: function '%s': line_info record %u (insn_off %u) is "
					 "outside the function or out of order",
					 obj, in->name, i, in->line_info[i].insn_off);
	(void)fi;
	return 0;
}

static int copy_func(struct relo_ctx *ctx, const struct relo_func *in, uint32_t fi,
		     struct rb_error *err)
{
	struct relo_fcopy *f = &ctx->funcs[fi];
	int ret;

	ret = check_func(ctx, in, fi, err);
	if (ret)
		return ret;
	f->name = dup_or_empty(in->name);
	f->sec_name = dup_or_empty(in->sec_name);
	f->sec_idx = in->sec_idx;
	f->sec_insn_off = in->sec_insn_off;
	f->insn_cnt = in->insn_cnt;
	f->insns = dup_array(in->insns, in->insn_cnt, sizeof(*in->insns));
	f->ref_at = in->insn_cnt ? malloc((size_t)in->insn_cnt * sizeof(*f->ref_at)) : NULL;
	f->refs = in->ref_cnt ? calloc(in->ref_cnt, sizeof(*f->refs)) : NULL;
	f->func_info = dup_array(in->func_info, in->func_info_cnt, sizeof(*in->func_info));
	f->func_info_cnt = in->func_info_cnt;
	f->line_info = dup_array(in->line_info, in->line_info_cnt, sizeof(*in->line_info));
	f->line_info_cnt = in->line_info_cnt;
	if (!f->name || !f->sec_name || (in->insn_cnt && (!f->insns || !f->ref_at)) ||
	    (in->ref_cnt && !f->refs) || (in->func_info_cnt && !f->func_info) ||
	    (in->line_info_cnt && !f->line_info))
		return rb_errorf(err, ENOMEM, "%s: out of memory copying function '%s'",
				 ctx->obj_name, in->name);
	for (uint32_t i = 0; i < in->insn_cnt; i++)
		f->ref_at[i] = -1;
	for (uint32_t i = 0; i < in->ref_cnt; i++) {
		const struct relo_ref *r = &in->refs[i];

		f->refs[i] = *r;
		f->refs[i].sym = dup_or_empty(r->sym);
		f->ref_cnt = i + 1;
		if (!f->refs[i].sym)
			return rb_errorf(err, ENOMEM, "%s: out of memory", ctx->obj_name);
		if (f->ref_at[r->insn] >= 0)
			return rb_errorf(
				err, EINVAL,
				"%s: function '%s' in section '%s' insn %u: two relocations "
				"('%s' and '%s') patch the same instruction",
				ctx->obj_name, f->name, f->sec_name, r->insn,
				f->refs[f->ref_at[r->insn]].sym, f->refs[i].sym);
		f->ref_at[r->insn] = (int32_t)i;
	}
	return 0;
}

int relo_ctx_new(const struct relo_input *in, struct relo_ctx **out, struct rb_error *err)
{
	struct relo_ctx *ctx;
	int ret = -ENOMEM;

	*out = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return rb_errorf(err, ENOMEM, "out of memory");
	ctx->obj_name = dup_or_empty(in->obj_name);
	ctx->funcs = in->func_cnt ? calloc(in->func_cnt, sizeof(*ctx->funcs)) : NULL;
	ctx->by_pos = in->func_cnt ? calloc(in->func_cnt, sizeof(*ctx->by_pos)) : NULL;
	ctx->maps = in->map_cnt ? calloc(in->map_cnt, sizeof(*ctx->maps)) : NULL;
	ctx->externs = in->extern_cnt ? calloc(in->extern_cnt, sizeof(*ctx->externs)) : NULL;
	if (!ctx->obj_name || (in->func_cnt && (!ctx->funcs || !ctx->by_pos)) ||
	    (in->map_cnt && !ctx->maps) || (in->extern_cnt && !ctx->externs)) {
		rb_errorf(err, ENOMEM, "out of memory");
		goto fail;
	}
	for (uint32_t i = 0; i < in->map_cnt; i++) {
		ctx->maps[i] = in->maps[i];
		ctx->maps[i].name = dup_or_empty(in->maps[i].name);
		ctx->map_cnt = i + 1;
		if (!ctx->maps[i].name)
			goto fail;
	}
	for (uint32_t i = 0; i < in->extern_cnt; i++) {
		ctx->externs[i] = in->externs[i];
		ctx->externs[i].name = dup_or_empty(in->externs[i].name);
		ctx->extern_cnt = i + 1;
		if (!ctx->externs[i].name)
			goto fail;
		if (in->externs[i].kind == RELO_EXT_KCONFIG &&
		    in->externs[i].map_idx >= in->map_cnt) {
			ret = rb_errorf(err, EINVAL,
					"%s: extern '%s': kconfig map index %u, but there "
					"are %u maps",
					ctx->obj_name, ctx->externs[i].name, in->externs[i].map_idx,
					in->map_cnt);
			goto fail;
		}
	}
	ctx->func_cnt = in->func_cnt;
	for (uint32_t i = 0; i < in->func_cnt; i++) {
		ret = copy_func(ctx, &in->funcs[i], i, err);
		if (ret)
			goto fail;
		ctx->by_pos[i] = i;
	}
	sort_ctx = ctx;
	if (ctx->func_cnt)
		qsort(ctx->by_pos, ctx->func_cnt, sizeof(*ctx->by_pos), cmp_pos);
	sort_ctx = NULL;
	for (uint32_t i = 1; i < ctx->func_cnt; i++) {
		const struct relo_fcopy *a = &ctx->funcs[ctx->by_pos[i - 1]];
		const struct relo_fcopy *b = &ctx->funcs[ctx->by_pos[i]];

		if (a->sec_idx == b->sec_idx &&
		    (uint64_t)a->sec_insn_off + a->insn_cnt > b->sec_insn_off) {
			ret = rb_errorf(err, EINVAL,
					"%s: section '%s': functions '%s' and '%s' "
					"overlap at insn %u",
					ctx->obj_name, b->sec_name, a->name, b->name,
					b->sec_insn_off);
			goto fail;
		}
	}
	*out = ctx;
	return 0;
fail:
	if (ret == -ENOMEM && (!err || !err->err))
		rb_errorf(err, ENOMEM, "out of memory");
	relo_ctx_free(ctx);
	return ret;
}

int relo_record(struct relo_ctx *ctx, uint32_t func, uint32_t insn, enum rb_decision_kind kind,
		const struct bpf_insn *after, uint32_t width, const char *sym, const char *target,
		const char *reason, const char *detail, struct rb_error *err)
{
	struct rb_relo_decision d = {0};
	struct relo_fcopy *f;
	int idx;

	if (func >= ctx->func_cnt)
		return rb_errorf(err, EINVAL, "%s: no function %u to patch", ctx->obj_name, func);
	f = &ctx->funcs[func];
	if (width < 1 || width > 2 || insn >= f->insn_cnt || width > f->insn_cnt - insn)
		return rb_errorf(err, EINVAL,
				 "%s: function '%s': cannot patch %u instruction(s) at "
				 "insn %u (%u insns)",
				 ctx->obj_name, f->name, width, insn, f->insn_cnt);
	d.kind = kind;
	d.insn = insn;
	d.func = func;
	d.func_insn = insn;
	d.width = width;
	memcpy(d.before, &f->insns[insn], width * sizeof(*after));
	memcpy(d.after, after, width * sizeof(*after));
	d.sym = (char *)sym;
	d.target = (char *)target;
	d.reason = (char *)reason;
	d.detail = (char *)detail;
	idx = relo_dec_push(&f->dec, &f->dec_cnt, &f->dec_cap, &d);
	if (idx < 0)
		return rb_errorf(err, ENOMEM, "%s: out of memory recording a relocation",
				 ctx->obj_name);
	memcpy(&f->insns[insn], after, width * sizeof(*after));
	trace_emit(RB_TRACE_RELO, rb_decision_kind_name(kind), 0, 0, "%s: insn %u: '%s' -> %s: %s",
		   f->name, insn, sym ? sym : "", target ? target : "", reason ? reason : "");
	return 0;
}

const struct bpf_insn *relo_func_insns(const struct relo_ctx *ctx, uint32_t func, uint32_t *cnt)
{
	if (func >= ctx->func_cnt) {
		*cnt = 0;
		return NULL;
	}
	*cnt = ctx->funcs[func].insn_cnt;
	return ctx->funcs[func].insns;
}

const struct rb_relo_decision *relo_func_decisions(const struct relo_ctx *ctx, uint32_t func,
						   uint32_t *cnt)
{
	if (func >= ctx->func_cnt) {
		*cnt = 0;
		return NULL;
	}
	*cnt = ctx->funcs[func].dec_cnt;
	return ctx->funcs[func].dec;
}

RB_API void rb_linked_prog_free(struct rb_linked_prog *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->insns);
	free(p->hist);
	for (uint32_t i = 0; p->funcs && i < p->func_cnt; i++) {
		free(p->funcs[i].name);
		free(p->funcs[i].sec_name);
	}
	free(p->funcs);
	for (uint32_t i = 0; p->decisions && i < p->decision_cnt; i++)
		relo_dec_free_strings(&p->decisions[i]);
	free(p->decisions);
	free(p->func_info);
	free(p->line_info);
	free(p);
}
