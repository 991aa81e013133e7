// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Subprogram linking: one main function plus every function it reaches, each appended once,
 * in the order libbpf appends them (depth first, in instruction order: a callee is appended
 * and walked as soon as its first call is seen), so instruction indices match what libbpf
 * would send. Calls and callback addresses get their distances; func_info and line_info are
 * rebuilt; every instruction keeps its origin and the decisions that touched it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relo/ctx.h"
#include "util/err.h"
#include "util/trace.h"

struct linker {
	struct relo_ctx *ctx;
	struct rb_linked_prog *p;
	int64_t *placed;    /* per ctx function: start in the program, or -1 */
	uint32_t *piece_of; /* per layout piece: ctx function index */
	uint32_t insn_cap;
	uint32_t dec_cap;
	struct rb_error *err;
};

static int oom(struct linker *l)
{
	return rb_errorf(l->err, ENOMEM, "%s: out of memory linking program '%s'", l->ctx->obj_name,
			 l->p->name ? l->p->name : "");
}

static int append_func(struct linker *l, uint32_t fi)
{
	const struct relo_fcopy *f = &l->ctx->funcs[fi];
	struct rb_linked_prog *p = l->p;
	struct rb_linked_func *lf;
	uint32_t start = p->insn_cnt, piece = p->func_cnt;

	/* Every function is appended at most once, so the total is bounded by the input. */
	if (start + (uint64_t)f->insn_cnt > l->insn_cap) {
		uint64_t ncap = (uint64_t)l->insn_cap * 2 + f->insn_cnt;
		struct bpf_insn *ni;
		struct rb_insn_history *nh;

		if (ncap > UINT32_MAX)
			return rb_errorf(l->err, E2BIG, "%s: program '%s' grows past 2^32 insns",
					 l->ctx->obj_name, p->name);
		ni = realloc(p->insns, ncap * sizeof(*ni));
		if (!ni)
			return oom(l);
		p->insns = ni;
		nh = realloc(p->hist, ncap * sizeof(*nh));
		if (!nh)
			return oom(l);
		p->hist = nh;
		l->insn_cap = (uint32_t)ncap;
	}
	lf = &p->funcs[piece];
	lf->name = strdup(f->name);
	lf->sec_name = strdup(f->sec_name);
	if (!lf->name || !lf->sec_name) {
		free(lf->name);
		free(lf->sec_name);
		return oom(l);
	}
	lf->sec_insn_off = f->sec_insn_off;
	lf->start = start;
	lf->insn_cnt = f->insn_cnt;
	p->func_cnt++;
	l->piece_of[piece] = fi;
	if (f->insn_cnt)
		memcpy(&p->insns[start], f->insns, (size_t)f->insn_cnt * sizeof(*f->insns));
	for (uint32_t i = 0; i < f->insn_cnt; i++)
		p->hist[start + i] = (struct rb_insn_history){piece, i, -1, -1};
	p->insn_cnt = start + f->insn_cnt;
	l->placed[fi] = start;
	return 0;
}

static int push_decision(struct linker *l, const struct rb_relo_decision *d)
{
	if (relo_dec_push(&l->p->decisions, &l->p->decision_cnt, &l->dec_cap, d) < 0)
		return oom(l);
	return 0;
}

static int call_err(struct linker *l, const struct relo_fcopy *f, uint32_t i, const char *sym,
		    const char *why)
{
	return rb_errorf(l->err, EINVAL,
			 "%s: program '%s': function '%s' in section '%s', insn %u (section offset "
			 "%" PRIu64 "): %s%s%s%s",
			 l->ctx->obj_name, l->p->name, f->name, f->sec_name, i,
			 ((uint64_t)f->sec_insn_off + i) * 8,
			 sym && *sym ? "relocation against '" : "", sym && *sym ? sym : "",
			 sym && *sym ? "': " : "", why);
}

/*
 * Look at instruction i of layout piece `piece`: if it calls a function or takes its address,
 * find the callee (appending it if this program does not have it yet) and fix the distance.
 * *pushed is set to the callee's ctx index when it was just appended (to be walked next).
 */
static int link_insn(struct linker *l, uint32_t piece, uint32_t i, int64_t *pushed)
{
	uint32_t fi = l->piece_of[piece];
	const struct relo_fcopy *f = &l->ctx->funcs[fi];
	const struct bpf_insn *insn = &f->insns[i];
	const struct relo_ref *r = f->ref_at[i] >= 0 ? &f->refs[f->ref_at[i]] : NULL;
	struct rb_relo_decision d = {0};
	uint32_t sec = f->sec_idx, at = l->p->funcs[piece].start + i;
	const struct relo_fcopy *g;
	char target[256], why[256];
	bool is_func_ptr;
	int64_t tgt, gi;
	int ret;

	*pushed = -1;
	if (r && r->kind == RELO_REF_SUBPROG) {
		if (insn->code != RELO_CALL || insn->src_reg != BPF_PSEUDO_CALL)
			return call_err(l, f, i, r->sym,
					"wrong instruction class: expected a "
					"bpf-to-bpf call");
		if (r->sym_off % 8)
			return call_err(l, f, i, r->sym, "symbol value is not a multiple of 8");
		/* Named callee: value/8 is its start (imm -1); section symbol: imm says where. */
		tgt = r->sym_off / 8 + (int64_t)insn->imm + 1;
		sec = r->target_sec;
		is_func_ptr = false;
	} else if (r && r->kind == RELO_REF_FUNC) {
		if (insn->code != RELO_LD_IMM64 || i + 1 >= f->insn_cnt)
			return call_err(l, f, i, r->sym,
					"wrong instruction class: expected ld_imm64");
		if ((r->sym_off + insn->imm) % 8)
			return call_err(l, f, i, r->sym, "function address is not a multiple of 8");
		tgt = (r->sym_off + (int64_t)insn->imm) / 8;
		sec = r->target_sec;
		is_func_ptr = true;
	} else if (!r && insn->code == RELO_CALL && insn->src_reg == BPF_PSEUDO_CALL) {
		/* A call without relocation: a static callee in the same section. */
		tgt = (int64_t)f->sec_insn_off + i + (int64_t)insn->imm + 1;
		is_func_ptr = false;
	} else {
		return 0;
	}
	gi = tgt < 0 ? -1 : relo_find_func(l->ctx, sec, (uint64_t)tgt);
	if (gi < 0) {
		snprintf(why, sizeof(why),
			 "%s target insn %" PRId64 " of section %u is not in any "
			 "function",
			 is_func_ptr ? "callback" : "call", tgt, sec);
		return call_err(l, f, i, r ? r->sym : NULL, why);
	}
	g = &l->ctx->funcs[gi];
	if ((uint64_t)tgt != g->sec_insn_off) {
		snprintf(why, sizeof(why),
			 "%s target insn %" PRId64 " is inside function '%s', "
			 "not at its start (%u)",
			 is_func_ptr ? "callback" : "call", tgt, g->name, g->sec_insn_off);
		return call_err(l, f, i, r ? r->sym : NULL, why);
	}
	if (l->placed[gi] < 0) {
		ret = append_func(l, (uint32_t)gi);
		if (ret)
			return ret;
		*pushed = gi;
	}
	d.kind = is_func_ptr ? RB_DEC_FUNC_PTR : RB_DEC_CALL;
	d.insn = at;
	d.func = piece;
	d.func_insn = i;
	d.width = is_func_ptr ? 2 : 1;
	memcpy(d.before, insn, d.width * sizeof(*insn));
	memcpy(d.after, insn, d.width * sizeof(*insn));
	d.after[0].imm = (int32_t)(l->placed[gi] - (int64_t)at - 1);
	if (is_func_ptr)
		d.after[0].src_reg = BPF_PSEUDO_FUNC;
	snprintf(target, sizeof(target), "%s '%s' at insn %" PRId64,
		 is_func_ptr ? "callback" : "subprogram", g->name, l->placed[gi]);
	if (is_func_ptr)
		snprintf(why, sizeof(why),
			 "function address: pseudo func, imm = %" PRId64 " - %u - 1%s",
			 l->placed[gi], at, *pushed >= 0 ? "; appended here" : "");
	else
		snprintf(why, sizeof(why), "bpf-to-bpf call: imm = %" PRId64 " - %u - 1%s",
			 l->placed[gi], at, *pushed >= 0 ? "; appended here" : "");
	d.sym = (char *)(r ? r->sym : g->name);
	d.target = target;
	d.reason = why;
	memcpy(&l->p->insns[at], d.after, d.width * sizeof(*insn));
	trace_emit(RB_TRACE_RELO, rb_decision_kind_name(d.kind), 0, 0, "%s: insn %u: %s: %s",
		   l->p->name, at, target, why);
	return push_decision(l, &d);
}

/* Walk the program depth first with an explicit stack (no recursion on hostile input). */
static int link_calls(struct linker *l)
{
	struct frame {
		uint32_t piece;
		uint32_t pos;
	} * stack;
	uint32_t sp = 0;
	int ret = 0;

	stack = calloc(l->ctx->func_cnt, sizeof(*stack));
	if (!stack)
		return oom(l);
	stack[sp++] = (struct frame){0, 0};
	while (sp) {
		struct frame *top = &stack[sp - 1];
		const struct relo_fcopy *f = &l->ctx->funcs[l->piece_of[top->piece]];
		uint32_t i = top->pos;
		int64_t pushed;

		if (i >= f->insn_cnt) {
			sp--;
			continue;
		}
		top->pos += f->insns[i].code == RELO_LD_IMM64 ? 2 : 1;
		ret = link_insn(l, top->piece, i, &pushed);
		if (ret)
			break;
		if (pushed >= 0)
			stack[sp++] = (struct frame){l->p->func_cnt - 1, 0};
	}
	free(stack);
	return ret;
}

/* Function-level decisions (relo_apply, CO-RE) move with each copy of their function. */
static int copy_func_decisions(struct linker *l)
{
	for (uint32_t piece = 0; piece < l->p->func_cnt; piece++) {
		const struct relo_fcopy *f = &l->ctx->funcs[l->piece_of[piece]];

		for (uint32_t k = 0; k < f->dec_cnt; k++) {
			struct rb_relo_decision d = f->dec[k];

			d.func = piece;
			d.func_insn = f->dec[k].insn;
			d.insn = l->p->funcs[piece].start + f->dec[k].insn;
			if (push_decision(l, &d))
				return -ENOMEM;
		}
	}
	return 0;
}

static int cmp_dec(const void *a, const void *b)
{
	const struct rb_relo_decision *x = a, *y = b;

	bool lx = x->kind == RB_DEC_CALL || x->kind == RB_DEC_FUNC_PTR;
	bool ly = y->kind == RB_DEC_CALL || y->kind == RB_DEC_FUNC_PTR;

	if (x->insn != y->insn)
		return x->insn < y->insn ? -1 : 1;
	/* Same instruction: function-level patches happened before linking; then as pushed. */
	if (lx != ly)
		return lx ? 1 : -1;
	return x->next < y->next ? -1 : x->next > y->next;
}

static void order_decisions(struct rb_linked_prog *p)
{
	for (uint32_t k = 0; k < p->decision_cnt; k++)
		p->decisions[k].next = (int32_t)k;
	if (p->decision_cnt)
		qsort(p->decisions, p->decision_cnt, sizeof(*p->decisions), cmp_dec);
	for (uint32_t k = 0; k < p->decision_cnt; k++)
		p->decisions[k].next = -1;
	for (uint32_t k = p->decision_cnt; k-- > 0;) {
		struct rb_insn_history *h = &p->hist[p->decisions[k].insn];

		p->decisions[k].next = h->first_decision;
		h->first_decision = (int32_t)k;
	}
}

/*
 * func_info / line_info: each piece's records shifted by its start. A main program without
 * records gets none (libbpf drops them too); a piece missing them when the main has them is
 * an error, since the kernel wants a func_info record at every subprogram start.
 */
static int rebuild_info(struct linker *l, bool line)
{
	const struct relo_fcopy *main_f = &l->ctx->funcs[l->piece_of[0]];
	struct rb_linked_prog *p = l->p;
	uint32_t total = 0, n = 0;
	void *arr;

	if (!(line ? main_f->line_info_cnt : main_f->func_info_cnt))
		return 0;
	for (uint32_t piece = 0; piece < p->func_cnt; piece++) {
		const struct relo_fcopy *f = &l->ctx->funcs[l->piece_of[piece]];
		uint32_t cnt = line ? f->line_info_cnt : f->func_info_cnt;

		if (!cnt)
			return rb_errorf(l->err, EINVAL,
					 "%s: program '%s': subprogram '%s' has no "
					 "%s records but the program has",
					 l->ctx->obj_name, p->name, f->name,
					 line ? "line_info" : "func_info");
		total += cnt;
	}
	arr = calloc(total, line ? sizeof(struct bpf_line_info) : sizeof(struct bpf_func_info));
	if (!arr)
		return oom(l);
	/* Pieces are laid out in increasing order, so the concatenation stays sorted. */
	for (uint32_t piece = 0; piece < p->func_cnt; piece++) {
		const struct relo_fcopy *f = &l->ctx->funcs[l->piece_of[piece]];
		uint32_t start = p->funcs[piece].start;

		if (line) {
			struct bpf_line_info *li = arr;

			for (uint32_t k = 0; k < f->line_info_cnt; k++, n++) {
				li[n] = f->line_info[k];
				li[n].insn_off += start;
			}
		} else {
			struct bpf_func_info *fi = arr;

			for (uint32_t k = 0; k < f->func_info_cnt; k++, n++) {
				fi[n] = f->func_info[k];
				fi[n].insn_off += start;
			}
		}
	}
	if (line) {
		p->line_info = arr;
		p->line_info_cnt = total;
	} else {
		p->func_info = arr;
		p->func_info_cnt = total;
	}
	return 0;
}

/* Each instruction's line: the last line_info record at or before it in the same piece. */
void relo_attach_lines(struct rb_linked_prog *p)
{
	uint32_t k = 0;
	int32_t cur = -1;

	for (uint32_t i = 0; i < p->insn_cnt; i++) {
		const struct rb_linked_func *lf = &p->funcs[p->hist[i].func];

		while (k < p->line_info_cnt && p->line_info[k].insn_off <= i)
			cur = (int32_t)k++;
		p->hist[i].line_info =
			cur >= 0 && p->line_info[cur].insn_off >= lf->start ? cur : -1;
	}
}

int relo_link(struct relo_ctx *ctx, uint32_t main_func, struct rb_linked_prog **out,
	      struct rb_error *err)
{
	struct linker l = {.ctx = ctx, .err = err};
	struct rb_linked_prog *p;
	int ret;

	*out = NULL;
	if (main_func >= ctx->func_cnt)
		return rb_errorf(err, EINVAL, "%s: no function %u to link", ctx->obj_name,
				 main_func);
	p = calloc(1, sizeof(*p));
	l.p = p;
	if (!p)
		return rb_errorf(err, ENOMEM, "out of memory");
	p->name = strdup(ctx->funcs[main_func].name);
	p->funcs = calloc(ctx->func_cnt, sizeof(*p->funcs));
	l.placed = malloc(ctx->func_cnt * sizeof(*l.placed));
	l.piece_of = calloc(ctx->func_cnt, sizeof(*l.piece_of));
	if (!p->name || !p->funcs || !l.placed || !l.piece_of) {
		ret = oom(&l);
		goto out;
	}
	for (uint32_t i = 0; i < ctx->func_cnt; i++)
		l.placed[i] = -1;
	ret = append_func(&l, main_func);
	if (!ret)
		ret = link_calls(&l);
	if (!ret)
		ret = copy_func_decisions(&l);
	if (!ret)
		ret = rebuild_info(&l, false);
	if (!ret)
		ret = rebuild_info(&l, true);
	if (ret)
		goto out;
	order_decisions(p);
	relo_attach_lines(p);
	*out = p;
	p = NULL;
out:
	free(l.placed);
	free(l.piece_of);
	rb_linked_prog_free(p);
	return ret;
}

int relo_set_map_fds(struct rb_linked_prog *p, const int *fds, uint32_t fd_cnt,
		     struct rb_error *err)
{
	for (uint32_t k = 0; k < p->decision_cnt; k++) {
		const struct rb_relo_decision *d = &p->decisions[k];
		struct bpf_insn *insn;
		uint32_t idx;

		if (d->kind != RB_DEC_MAP && d->kind != RB_DEC_DATA && d->kind != RB_DEC_KCONFIG)
			continue;
		insn = &p->insns[d->insn];
		idx = (uint32_t)d->after[0].imm;
		if (insn->src_reg != BPF_PSEUDO_MAP_FD && insn->src_reg != BPF_PSEUDO_MAP_VALUE)
			continue; /* overridden later (CO-RE poison) */
		if (idx >= fd_cnt || fds[idx] < 0)
			return rb_errorf(err, EINVAL,
					 "program '%s' insn %u: references map index "
					 "%u, which has no fd",
					 p->name, d->insn, idx);
		insn->imm = fds[idx];
	}
	return 0;
}
