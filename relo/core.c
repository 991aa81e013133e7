// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The CO-RE engine's driver: candidates per local type (cached), the decision for one
 * record with its explanation, and the instruction patch.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relo/core_internal.h"
#include "util/err.h"
#include "util/strbuf.h"

#define POISON_IMM 195896080 /* 0xbad2310: a helper no kernel has */

static const char *const kind_names[CORE_KIND_CNT] = {
	[CORE_FIELD_BYTE_OFFSET] = "byte_off",	 [CORE_FIELD_BYTE_SIZE] = "byte_sz",
	[CORE_FIELD_EXISTS] = "field_exists",	 [CORE_FIELD_SIGNED] = "signed",
	[CORE_FIELD_LSHIFT_U64] = "lshift_u64",	 [CORE_FIELD_RSHIFT_U64] = "rshift_u64",
	[CORE_TYPE_ID_LOCAL] = "local_type_id",	 [CORE_TYPE_ID_TARGET] = "target_type_id",
	[CORE_TYPE_EXISTS] = "type_exists",	 [CORE_TYPE_SIZE] = "type_size",
	[CORE_ENUMVAL_EXISTS] = "enumval_exists", [CORE_ENUMVAL_VALUE] = "enumval_value",
	[CORE_TYPE_MATCHES] = "type_matches",
};

const char *core_kind_name(uint32_t kind)
{
	return kind < CORE_KIND_CNT ? kind_names[kind] : "unknown";
}

struct cand {
	uint32_t target;
	uint32_t id;
};

struct cand_list {
	struct cand *c;
	uint32_t n;
};

struct target_state {
	struct core_target t;
};

struct core_ctx {
	const struct btf *local;
	struct target_state *targets;
	uint32_t target_cnt;
	struct cand_list **cache; /* by local type id */
	uint32_t cache_len;
};

int core_ctx_new(const struct btf *local, const struct core_target *targets,
		 uint32_t target_cnt, struct core_ctx **out, struct rb_error *err)
{
	struct core_ctx *cc;

	*out = NULL;
	if (!target_cnt)
		return rb_errorf(err, EINVAL, "CO-RE: no target BTF given");
	cc = calloc(1, sizeof(*cc));
	if (!cc)
		return rb_errorf(err, ENOMEM, "CO-RE: out of memory");
	cc->local = local;
	cc->targets = calloc(target_cnt, sizeof(*cc->targets));
	cc->cache_len = btf_nr_ids(local);
	cc->cache = calloc(cc->cache_len, sizeof(*cc->cache));
	if (!cc->targets || !cc->cache) {
		core_ctx_free(cc);
		return rb_errorf(err, ENOMEM, "CO-RE: out of memory");
	}
	for (uint32_t i = 0; i < target_cnt; i++)
		cc->targets[i].t = targets[i];
	cc->target_cnt = target_cnt;
	*out = cc;
	return 0;
}

/* Where candidates are searched, in words: "vmlinux", "vmlinux and 3 module BTFs". */
void core_ctx_where(const struct core_ctx *cc, char *buf, size_t len)
{
	const char *name = cc->targets[0].t.name ? cc->targets[0].t.name : "the target BTF";
	const char *base = strrchr(name, '/');

	base = base && base[1] ? base + 1 : name;
	if (cc->target_cnt > 1)
		snprintf(buf, len, "%s and %u module BTF%s", base, cc->target_cnt - 1,
			 cc->target_cnt > 2 ? "s" : "");
	else
		snprintf(buf, len, "%s", base);
}

const char *core_ctx_target_name(const struct core_ctx *cc, uint32_t i)
{
	return i < cc->target_cnt && cc->targets[i].t.name ? cc->targets[i].t.name : "?";
}

void core_ctx_free(struct core_ctx *cc)
{
	if (!cc)
		return;
	for (uint32_t i = 0; cc->cache && i < cc->cache_len; i++)
		if (cc->cache[i]) {
			free(cc->cache[i]->c);
			free(cc->cache[i]);
		}
	free(cc->cache);
	free(cc->targets);
	free(cc);
}

void core_result_free(struct core_result *res)
{
	free(res->cands);
	free(res->explain);
	res->cands = NULL;
	res->explain = NULL;
}

struct add_ctx {
	struct cand_list *l;
	uint32_t cap;
	uint32_t target;
	uint32_t min_id;
	const struct btf *btf;
	const struct btf_type *local_t;
	const char *name;
	size_t ess;
	int err;
};

static int add_cand(uint32_t id, void *vctx)
{
	struct add_ctx *a = vctx;
	const struct btf_type *t = btf_type(a->btf, id);
	const char *tn = btf_name(a->btf, t);

	if (id < a->min_id || !core_kinds_compat(t, a->local_t) || !tn[0])
		return 0;
	if (core_essential_len(tn) != a->ess || strncmp(tn, a->name, a->ess))
		return 0;
	for (uint32_t i = 0; i < a->l->n; i++)
		if (a->l->c[i].target == a->target && a->l->c[i].id == id)
			return 0;
	if (a->l->n == a->cap) {
		struct cand *p = realloc(a->l->c, (a->cap ? a->cap * 2 : 4) * sizeof(*p));

		if (!p) {
			a->err = -ENOMEM;
			return 1;
		}
		a->l->c = p;
		a->cap = a->cap ? a->cap * 2 : 4;
	}
	a->l->c[a->l->n++] = (struct cand){ a->target, id };
	return 0;
}

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;

	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Candidates for local type id: same essential name, compatible kind. Cached. */
static int find_cands(struct core_ctx *cc, uint32_t local_id, struct cand_list **out,
		      struct rb_error *err, const char *where)
{
	const struct btf_type *lt = btf_type(cc->local, local_id);
	const char *name = btf_name(cc->local, lt);
	struct add_ctx a = { 0 };
	char ess[256];

	if (cc->cache[local_id]) {
		*out = cc->cache[local_id];
		return 0;
	}
	if (!name[0])
		return rb_errorf(err, EINVAL, "%s: local type [%u] is anonymous: CO-RE needs a "
				 "named type to find candidates", where, local_id);
	a.l = calloc(1, sizeof(*a.l));
	if (!a.l)
		return rb_errorf(err, ENOMEM, "CO-RE: out of memory");
	a.local_t = lt;
	a.name = name;
	a.ess = core_essential_len(name);
	snprintf(ess, sizeof(ess), "%.*s", (int)a.ess, name);
	for (uint32_t t = 0; t < cc->target_cnt && !a.err; t++) {
		struct target_state *ts = &cc->targets[t];

		/* Modules are searched only when the main target has nothing. */
		if (t > 0 && a.l->n)
			break;
		a.target = t;
		a.btf = ts->t.btf;
		a.min_id = t ? btf_start_id(ts->t.btf) : 1;
		if (a.ess < sizeof(ess))
			btf_find_each(a.btf, ess, add_cand, &a);
		{
			/* Targets named "x___flavor": listed by the BTF's name index. */
			uint32_t nf, first;
			const uint32_t *fl = btf_flavored(a.btf, &nf, &first);

			for (uint32_t i = 0; fl && i < nf && !a.err; i++)
				add_cand(first + fl[i], &a);
			/* A base's flavored types (split BTF targets search from the base up). */
			for (const struct btf *b = btf_base(a.btf); b && !t; b = btf_base(b)) {
				fl = btf_flavored(b, &nf, &first);
				for (uint32_t i = 0; fl && i < nf && !a.err; i++)
					add_cand(first + fl[i], &a);
			}
		}
		/* A name too long for the buffer: fall back to scanning everything. */
		for (uint32_t id = 1; a.ess >= sizeof(ess) && id < btf_nr_ids(a.btf); id++)
			add_cand(id, &a);
	}
	if (a.err) {
		free(a.l->c);
		free(a.l);
		return rb_errorf(err, ENOMEM, "CO-RE: out of memory");
	}
	if (a.l->n > 1)
		qsort(a.l->c, a.l->n, sizeof(*a.l->c), cmp_cand);
	cc->cache[local_id] = a.l;
	*out = a.l;
	return 0;
}

/* One wanted local type in core_ctx_prefetch. */
struct want {
	uint32_t local_id;
	const struct btf_type *t;
	const char *name;
	size_t ess;
	struct add_ctx a;
	uint32_t cap;
	bool served; /* the main target has candidates: modules are not searched */
};

/* The BTF kinds a wanted type's candidates may have, as a bit mask (ENUM ~ ENUM64). */
static uint32_t kind_bits(const struct btf_type *t)
{
	uint32_t k = btf_kind(t) & 31;

	if (btf_is_any_enum(t))
		return (1u << BTF_KIND_ENUM) | (1u << BTF_KIND_ENUM64);
	return 1u << k;
}

/*
 * Candidates for many local types in one pass over each target's types, instead of one
 * name lookup each (which needs the target's whole name index built first, the main cost
 * of the first CO-RE relocation on vmlinux). Only types of a wanted kind whose name starts
 * with a wanted letter are read further. Fills the same per-local-type cache, with the
 * same candidates in the same order as find_cands would; ids already cached, anonymous or
 * out of range are skipped. A failure only means the lazy path does the work later.
 */
int core_ctx_prefetch(struct core_ctx *cc, const uint32_t *local_ids, uint32_t n,
		      struct rb_error *err)
{
	struct want *w;
	uint32_t nw = 0;
	uint8_t first[256] = { 0 };
	uint32_t kinds = 0;
	int ret = 0;

	w = calloc(n ? n : 1, sizeof(*w));
	if (!w)
		return rb_errorf(err, ENOMEM, "CO-RE: out of memory");
	for (uint32_t i = 0; i < n; i++) {
		uint32_t id = local_ids[i];
		const struct btf_type *t;
		const char *name;
		bool dup = false;

		if (!id || id >= cc->cache_len || cc->cache[id])
			continue;
		for (uint32_t k = 0; k < nw && !dup; k++)
			dup = w[k].local_id == id;
		t = btf_type(cc->local, id);
		name = t ? btf_name(cc->local, t) : "";
		if (dup || !name[0])
			continue;
		w[nw] = (struct want){ .local_id = id, .t = t, .name = name };
		w[nw].ess = core_essential_len(name);
		w[nw].a.l = calloc(1, sizeof(*w[nw].a.l));
		if (!w[nw].a.l) {
			ret = rb_errorf(err, ENOMEM, "CO-RE: out of memory");
			goto out;
		}
		w[nw].a.local_t = t;
		w[nw].a.name = name;
		w[nw].a.ess = w[nw].ess;
		first[(uint8_t)name[0]] = 1;
		kinds |= kind_bits(t);
		nw++;
	}
	for (uint32_t tg = 0; tg < cc->target_cnt && nw; tg++) {
		const struct btf *tb = cc->targets[tg].t.btf;
		uint32_t lo = tg ? btf_start_id(tb) : 1, hi = btf_nr_ids(tb);
		bool need = false;

		/* Modules only for the local types the main target has no candidate for. */
		for (uint32_t k = 0; k < nw; k++)
			need |= !w[k].served;
		if (!need)
			break;
		for (uint32_t id = lo; id < hi; id++) {
			const struct btf_type *t = btf_type(tb, id);
			const char *tn;
			size_t ess;

			if (!t || !t->name_off || !(kinds & (1u << (btf_kind(t) & 31))))
				continue;
			tn = btf_name(tb, t);
			if (!first[(uint8_t)tn[0]])
				continue;
			ess = core_essential_len(tn);
			for (uint32_t k = 0; k < nw; k++) {
				struct add_ctx *a = &w[k].a;

				if (w[k].served)
					continue;
				if (ess != w[k].ess || strncmp(tn, w[k].name, ess))
					continue;
				a->target = tg;
				a->btf = tb;
				a->min_id = lo;
				a->cap = w[k].cap;
				add_cand(id, a);
				w[k].cap = a->cap;
				if (a->err) {
					ret = rb_errorf(err, ENOMEM, "CO-RE: out of memory");
					goto out;
				}
			}
		}
		/* After the main target, mark the local types it served. */
		for (uint32_t k = 0; k < nw && !tg; k++)
			w[k].served = w[k].a.l->n > 0;
	}
	for (uint32_t k = 0; k < nw; k++) {
		struct cand_list *l = w[k].a.l;

		if (l->n > 1)
			qsort(l->c, l->n, sizeof(*l->c), cmp_cand);
		cc->cache[w[k].local_id] = l;
		w[k].a.l = NULL;
	}
out:
	for (uint32_t k = 0; k < nw; k++)
		if (w[k].a.l) {
			free(w[k].a.l->c);
			free(w[k].a.l);
		}
	free(w);
	return ret;
}

static bool is_unsigned_int(const struct btf_type *t)
{
	return btf_is_int(t) && !(btf_int_encoding(t) & BTF_INT_SIGNED);
}

static void explain_value(struct strbuf *sb, uint32_t kind, const struct core_spec *spec,
			  uint64_t v)
{
	if (core_kind_is_field(kind) && kind != CORE_FIELD_EXISTS)
		sb_printf(sb, " (bit %u)", spec->bit_offset);
	if (kind == CORE_ENUMVAL_VALUE)
		sb_printf(sb, " = %lld", (long long)v);
	else
		sb_printf(sb, " -> %llu", (unsigned long long)v);
}

int core_calc(struct core_ctx *cc, const struct btf_ext_core_relo *rec, const char *prog,
	      uint32_t insn_idx, struct core_result *out, struct rb_error *err)
{
	struct core_spec *ls = NULL, *ts = NULL, *best = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct core_value lv, tv;
	struct cand_list *cl = NULL;
	const char *access;
	char where[256], why[160];
	bool big_endian = btf_swapped(cc->local) ? __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
						 : __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	uint32_t matched = 0;
	int r;

	memset(out, 0, sizeof(*out));
	out->kind = rec->kind;
	out->target = -1;
	snprintf(where, sizeof(where), "prog '%s': insn %u: CO-RE %s", prog ? prog : "?",
		 insn_idx, core_kind_name(rec->kind));
	if (rec->kind >= CORE_KIND_CNT)
		return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE relocation kind %u is "
				 "unknown", prog ? prog : "?", insn_idx, rec->kind);
	access = btf_str(cc->local, rec->access_str_off);
	if (!access)
		return rb_errorf(err, EINVAL, "%s: access string offset %u is not in .BTF", where,
				 rec->access_str_off);
	if (!rec->type_id || rec->type_id >= btf_nr_ids(cc->local))
		return rb_errorf(err, EINVAL, "%s: local type id %u does not exist", where,
				 rec->type_id);
	snprintf(out->spec_str, sizeof(out->spec_str), "%s", access);
	ls = calloc(3, sizeof(*ls));
	if (!ls)
		return rb_errorf(err, ENOMEM, "CO-RE: out of memory");
	ts = ls + 1;
	best = ls + 2;
	r = core_spec_parse(cc->local, rec->type_id, access, rec->kind, ls, why, sizeof(why));
	if (r) {
		r = rb_errorf(err, r, "%s: [%u] %s access '%s': %s", where, rec->type_id,
			      btf_name_of(cc->local, rec->type_id), access, why);
		goto out;
	}
	core_spec_spell(ls, out->local_c, sizeof(out->local_c));
	r = core_spec_value(ls, rec->kind, big_endian, &lv, why, sizeof(why));
	if (r) {
		r = rb_errorf(err, r, "%s: %s: %s", where, out->local_c, why);
		goto out;
	}
	out->orig_val = lv.val;
	out->orig_sz = lv.size;
	out->orig_type_id = lv.type_id;
	out->validate = lv.validate;
	sb_printf(&sb, "%s %s (%s) local [%u]", core_kind_name(rec->kind), out->local_c, access,
		  rec->type_id);
	explain_value(&sb, rec->kind, ls, lv.val);
	sb_putc(&sb, '\n');
	if (rec->kind == CORE_TYPE_ID_LOCAL) {
		/* No search: the id in the object's own BTF, never checked (linking moves it). */
		out->new_val = out->orig_val = rec->type_id;
		out->validate = false;
		sb_printf(&sb, "  local type id, no target search: %u\n", rec->type_id);
		goto done;
	}
	r = find_cands(cc, rec->type_id, &cl, err, where);
	if (r)
		goto out;
	out->cands = calloc(cl->n ? cl->n : 1, sizeof(*out->cands));
	if (!out->cands) {
		r = rb_errorf(err, ENOMEM, "CO-RE: out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < cl->n; i++) {
		const struct target_state *tgt = &cc->targets[cl->c[i].target];
		struct core_cand_note *note = &out->cands[out->cand_cnt++];
		char tc[256];
		bool poison = false;

		note->target = cl->c[i].target;
		note->id = cl->c[i].id;
		r = core_spec_match(ls, tgt->t.btf, cl->c[i].id, ts, note->why, sizeof(note->why));
		sb_printf(&sb, "  candidate [%u] %s in %s: ", cl->c[i].id,
			  btf_name_of(tgt->t.btf, cl->c[i].id), tgt->t.name);
		if (r < 0) {
			r = rb_errorf(err, r, "%s: %s: matching candidate [%u] in %s failed (%s)",
				      where, out->local_c, cl->c[i].id, tgt->t.name,
				      r == -E2BIG ? "too deep or too complex" : "malformed BTF");
			goto out;
		}
		if (r == 0) {
			sb_printf(&sb, "rejected: %s\n", note->why);
			continue;
		}
		r = core_spec_value(ts, rec->kind, big_endian, &tv, why, sizeof(why));
		if (r == -EUCLEAN) {
			poison = true;
		} else if (r) {
			r = rb_errorf(err, r, "%s: %s: candidate [%u] in %s: %s", where,
				      out->local_c, cl->c[i].id, tgt->t.name, why);
			goto out;
		}
		core_spec_spell(ts, tc, sizeof(tc));
		note->accepted = true;
		snprintf(note->why, sizeof(note->why), "%.150s", tc);
		sb_printf(&sb, "accepted: %s", tc);
		explain_value(&sb, rec->kind, ts, tv.val);
		sb_putc(&sb, '\n');
		if (matched == 0) {
			*best = *ts;
			out->poison = poison;
			out->new_val = tv.val;
			out->new_sz = tv.size;
			out->new_type_id = tv.type_id;
			out->target = (int32_t)cl->c[i].target;
			out->target_id = cl->c[i].id;
			snprintf(out->target_c, sizeof(out->target_c), "%s", tc);
		} else if (ts->bit_offset != best->bit_offset) {
			r = rb_errorf(err, EINVAL, "%s: %s: field offset ambiguity: candidate [%u] "
				      "%s puts it at bit %u, candidate [%u] %s at bit %u", where,
				      out->local_c, out->target_id,
				      btf_name_of(cc->targets[out->target].t.btf, out->target_id),
				      best->bit_offset, cl->c[i].id,
				      btf_name_of(tgt->t.btf, cl->c[i].id), ts->bit_offset);
			goto out;
		} else if (poison != out->poison || tv.val != out->new_val) {
			r = rb_errorf(err, EINVAL, "%s: %s: relocation decision ambiguity: "
				      "candidate [%u] %s gives %s%llu, candidate [%u] %s gives %s%llu",
				      where, out->local_c, out->target_id,
				      btf_name_of(cc->targets[out->target].t.btf, out->target_id),
				      out->poison ? "poison " : "", (unsigned long long)out->new_val,
				      cl->c[i].id, btf_name_of(tgt->t.btf, cl->c[i].id),
				      poison ? "poison " : "", (unsigned long long)tv.val);
			goto out;
		}
		/* Survivors stay candidates for the next record on this type (as libbpf). */
		cl->c[matched++] = cl->c[i];
	}
	if (matched > 0) {
		cl->n = matched;
		if (out->orig_sz != out->new_sz) {
			const struct btf_type *ot = btf_type(cc->local, out->orig_type_id);
			const struct btf_type *nt =
				btf_type(cc->targets[out->target].t.btf, out->new_type_id);

			/* Pointers and unsigned integers survive a load of another width. */
			out->fail_memsz_adjust = !(ot && nt && ((btf_is_ptr(ot) && btf_is_ptr(nt)) ||
						   (is_unsigned_int(ot) && is_unsigned_int(nt))));
		}
	} else {
		r = core_spec_value(NULL, rec->kind, big_endian, &tv, why, sizeof(why));
		if (r == -EUCLEAN) {
			out->poison = true;
		} else if (r) {
			r = rb_errorf(err, r, "%s: %s: %s", where, out->local_c, why);
			goto out;
		}
		out->new_val = tv.val;
		sb_printf(&sb, "  %s\n", cl->n ? "no candidate matches" : "no candidate type");
	}
done:
	if (out->poison)
		sb_printf(&sb, "  result: poisoned (the verifier rejects it if reached)\n");
	else
		sb_printf(&sb, "  result: %llu (compiled: %llu)%s\n",
			  (unsigned long long)out->new_val, (unsigned long long)out->orig_val,
			  out->fail_memsz_adjust ? ", but the field's size changed unsafely" : "");
	if (sb.oom) {
		r = rb_errorf(err, ENOMEM, "CO-RE: out of memory");
		goto out;
	}
	out->explain = sb_detach(&sb);
	r = 0;
out:
	if (r)
		core_result_free(out);
	sb_free(&sb);
	free(ls);
	return r;
}

static int size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
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

static int bytes_to_size(uint32_t n)
{
	switch (n) {
	case 1:
		return BPF_B;
	case 2:
		return BPF_H;
	case 4:
		return BPF_W;
	case 8:
		return BPF_DW;
	default:
		return -1;
	}
}

static bool is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static int poison(struct bpf_insn *insn, uint32_t insn_cnt)
{
	int width = is_ld_imm64(insn) && insn_cnt >= 2 ? 2 : 1;

	for (int i = 0; i < width; i++) {
		insn[i].code = BPF_JMP | BPF_CALL;
		insn[i].dst_reg = 0;
		insn[i].src_reg = 0;
		insn[i].off = 0;
		insn[i].imm = POISON_IMM;
	}
	return width;
}

int core_patch(struct bpf_insn *insn, uint32_t insn_cnt, const struct core_result *res,
	       const char *prog, uint32_t insn_idx, struct rb_error *err)
{
	uint8_t cls;

	if (!insn_cnt)
		return rb_errorf(err, EINVAL, "prog '%s': CO-RE relocation at insn %u is past the "
				 "end", prog, insn_idx);
	if (res->poison)
		return poison(insn, insn_cnt);
	cls = BPF_CLASS(insn->code);
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (BPF_SRC(insn->code) != BPF_K)
			return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE %s on an ALU "
					 "instruction with a register source", prog, insn_idx,
					 core_kind_name(res->kind));
		if (res->validate && (int64_t)insn->imm != (int64_t)res->orig_val)
			return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE %s: the instruction "
					 "holds %d but the object's BTF says %lld", prog, insn_idx,
					 core_kind_name(res->kind), insn->imm,
					 (long long)res->orig_val);
		insn->imm = (int32_t)res->new_val;
		return 1;
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		if (res->validate && (int64_t)insn->off != (int64_t)res->orig_val)
			return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE %s: the instruction "
					 "holds offset %d but the object's BTF says %lld", prog,
					 insn_idx, core_kind_name(res->kind), insn->off,
					 (long long)res->orig_val);
		if (res->new_val > SHRT_MAX)
			return rb_errorf(err, ERANGE, "prog '%s': insn %u: CO-RE %s: offset %llu does "
					 "not fit in an instruction", prog, insn_idx,
					 core_kind_name(res->kind),
					 (unsigned long long)res->new_val);
		if (res->fail_memsz_adjust)
			return poison(insn, insn_cnt);
		insn->off = (int16_t)res->new_val;
		if (res->new_sz != res->orig_sz) {
			int sz;

			if (size_bytes(insn->code) != (int)res->orig_sz)
				return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE %s: the "
						 "instruction accesses %d bytes, the field has %u",
						 prog, insn_idx, core_kind_name(res->kind),
						 size_bytes(insn->code), res->orig_sz);
			sz = bytes_to_size(res->new_sz);
			if (sz < 0)
				return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE %s: the "
						 "target field's %u bytes cannot be loaded at once",
						 prog, insn_idx, core_kind_name(res->kind),
						 res->new_sz);
			insn->code = (uint8_t)(BPF_MODE(insn->code) | sz | BPF_CLASS(insn->code));
		}
		return 1;
	case BPF_LD: {
		uint64_t imm;

		if (!is_ld_imm64(insn) || insn_cnt < 2 || insn[0].src_reg || insn[0].off ||
		    insn[1].code || insn[1].dst_reg || insn[1].src_reg || insn[1].off)
			return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE %s on an ld_imm64 "
					 "of an unexpected form", prog, insn_idx,
					 core_kind_name(res->kind));
		imm = (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
		if (res->validate && imm != res->orig_val)
			return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE %s: the instruction "
					 "holds %llu but the object's BTF says %llu", prog, insn_idx,
					 core_kind_name(res->kind), (unsigned long long)imm,
					 (unsigned long long)res->orig_val);
		insn[0].imm = (int32_t)(uint32_t)res->new_val;
		insn[1].imm = (int32_t)(uint32_t)(res->new_val >> 32);
		return 2;
	}
	default:
		return rb_errorf(err, EINVAL, "prog '%s': insn %u: CO-RE %s on an instruction it "
				 "cannot patch (code 0x%02x)", prog, insn_idx,
				 core_kind_name(res->kind), insn->code);
	}
}
