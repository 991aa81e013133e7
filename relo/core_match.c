// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CO-RE relations between a local type and a target type: "compat" (TYPE_EXISTS/SIZE/
 * ID_TARGET), "match" (TYPE_MATCHES, stricter), field compatibility, and matching a local
 * access spec against one candidate. Every walk is bounded (depth and a step budget), so
 * hostile BTF cannot make it loop or explode.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "relo/core.h"
#include "relo/core_internal.h"

size_t core_essential_len(const char *name)
{
	size_t n = strlen(name);

	/* The last "X___Y" (X and Y not underscores) starts the flavor. */
	for (long i = (long)n - 5; i >= 0; i--)
		if (name[i] != '_' && name[i + 1] == '_' && name[i + 2] == '_' &&
		    name[i + 3] == '_' && name[i + 4] != '_')
			return (size_t)i + 1;
	return n;
}

/* Kinds CO-RE treats as the same: equal, or ENUM and ENUM64. */
bool core_kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (btf_is_any_enum(a) && btf_is_any_enum(b));
}

static const struct btf_type *skip(const struct btf *btf, uint32_t id, uint32_t *out)
{
	int r = btf_skip_mods_typedefs(btf, id);

	if (r < 0)
		return NULL;
	*out = (uint32_t)r;
	return btf_type(btf, (uint32_t)r);
}

/* Anonymous only matches anonymous; otherwise essential names must be equal. */
static bool names_match(const struct btf *lb, uint32_t loff, const struct btf *tb, uint32_t toff)
{
	const char *l = btf_str(lb, loff), *t = btf_str(tb, toff);
	size_t ll, tl;

	l = l ? l : "";
	t = t ? t : "";
	if (!t[0])
		return !l[0];
	ll = core_essential_len(l);
	tl = core_essential_len(t);
	return ll == tl && !strncmp(l, t, ll);
}

int core_types_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	return core_types_compat_depth(lb, lid, tb, tid, BTF_MAX_DEPTH);
}

int core_types_compat_depth(const struct btf *lb, uint32_t lid, const struct btf *tb,
			    uint32_t tid, int level)
{
	const struct btf_type *lt, *tt;

	for (int depth = 0; depth < BTF_MAX_DEPTH; depth++) {
		if (level <= 0)
			return -ELOOP;
		lt = skip(lb, lid, &lid);
		tt = skip(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!core_kinds_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_UNKN:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_INT:
			/* Old-style bit-offset integers are not relocatable. */
			return btf_int_offset(lt) == 0 && btf_int_offset(tt) == 0;
		case BTF_KIND_PTR:
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			lid = btf_array_info(lt)->type;
			tid = btf_array_info(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);

			if (btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int r = core_types_compat_depth(lb, lp[i].type, tb, tp[i].type,
								level - 1);

				if (r <= 0)
					return r;
			}
			lid = lt->type; /* then the return type */
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -ELOOP;
}

/* Each local enumerator name must exist in the target enum of the same size. */
static int enums_match(const struct btf *lb, const struct btf_type *lt, const struct btf *tb,
		       const struct btf_type *tt)
{
	if (lt->size != tt->size || btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		bool found = false;

		for (uint32_t j = 0; j < btf_vlen(tt) && !found; j++)
			found = names_match(lb, btf_enum_name_off(lt, i), tb,
					    btf_enum_name_off(tt, j));
		if (!found)
			return 0;
	}
	return 1;
}

static int match_rec(struct core_budget *b, const struct btf *lb, uint32_t lid,
		     const struct btf *tb, uint32_t tid, bool behind_ptr, int level);

/* Every local member must have a same-named target member whose type matches. */
static int composites_match(struct core_budget *b, const struct btf *lb,
			    const struct btf_type *lt, const struct btf *tb,
			    const struct btf_type *tt, bool behind_ptr, int level)
{
	const struct btf_member *lm = btf_members(lt), *tm = btf_members(tt);

	if (btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		bool found = false;

		for (uint32_t j = 0; j < btf_vlen(tt) && !found; j++) {
			int r;

			if (!names_match(lb, lm[i].name_off, tb, tm[j].name_off))
				continue;
			r = match_rec(b, lb, lm[i].type, tb, tm[j].type, behind_ptr, level - 1);
			if (r < 0)
				return r;
			found = r > 0;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int match_rec(struct core_budget *b, const struct btf *lb, uint32_t lid,
		     const struct btf *tb, uint32_t tid, bool behind_ptr, int level)
{
	const struct btf_type *lt, *tt;
	uint16_t lk, tk;

	if (level <= 0)
		return -ELOOP;
	for (int depth = 0; depth < BTF_MAX_DEPTH; depth++) {
		if (++b->steps > CORE_STEP_BUDGET)
			return -E2BIG;
		lt = btf_type(lb, lid);
		tt = btf_type(tb, tid);
		if (!lt || !tt)
			return -EINVAL;
		/* Names are compared before and after typedefs are skipped. */
		if (!names_match(lb, lt->name_off, tb, tt->name_off))
			return 0;
		lt = skip(lb, lid, &lid);
		tt = skip(tb, tid, &tid);
		if (!lt || !tt)
			return -EINVAL;
		if (!names_match(lb, lt->name_off, tb, tt->name_off))
			return 0;
		lk = btf_kind(lt);
		tk = btf_kind(tt);
		switch (lk) {
		case BTF_KIND_UNKN:
			return lk == tk;
		case BTF_KIND_FWD: {
			bool lf = btf_kflag(lt);

			if (behind_ptr) {
				if (lk == tk)
					return lf == btf_kflag(tt);
				return (tk == BTF_KIND_STRUCT && !lf) || (tk == BTF_KIND_UNION && lf);
			}
			return lk == tk && lf == btf_kflag(tt);
		}
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return btf_is_any_enum(tt) && enums_match(lb, lt, tb, tt);
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				if (lk == tk)
					return 1;
				/* A forward declaration of the same kind is good behind a pointer. */
				return tk == BTF_KIND_FWD && (lk == BTF_KIND_UNION) == btf_kflag(tt);
			}
			if (lk != tk)
				return 0;
			return composites_match(b, lb, lt, tb, tt, behind_ptr, level);
		case BTF_KIND_INT:
			return lk == tk && lt->size == tt->size &&
			       (btf_int_encoding(lt) & BTF_INT_SIGNED) ==
				       (btf_int_encoding(tt) & BTF_INT_SIGNED);
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			lid = lt->type;
			tid = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk || btf_array_info(lt)->nelems != btf_array_info(tt)->nelems)
				return 0;
			lid = btf_array_info(lt)->type;
			tid = btf_array_info(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);

			if (lk != tk || btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int r = match_rec(b, lb, lp[i].type, tb, tp[i].type, behind_ptr,
						  level - 1);

				if (r <= 0)
					return r;
			}
			lid = lt->type;
			tid = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -ELOOP;
}

int core_types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	struct core_budget b = { 0 };

	return match_rec(&b, lb, lid, tb, tid, false, BTF_MAX_DEPTH);
}

/* Can a local field of type lid be read from a target field of type tid? */
int core_fields_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid)
{
	for (int depth = 0; depth < BTF_MAX_DEPTH; depth++) {
		const struct btf_type *lt = skip(lb, lid, &lid), *tt = skip(tb, tid, &tid);

		if (!lt || !tt)
			return -EINVAL;
		if (btf_is_composite(lt) && btf_is_composite(tt))
			return 1;
		if (!core_kinds_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64: {
			const char *ln = btf_name(lb, lt), *tn = btf_name(tb, tt);
			size_t ll = core_essential_len(ln), tl = core_essential_len(tn);

			/* Anonymous on either side, or the same name without flavors. */
			return !ll || !tl || (ll == tl && !strncmp(ln, tn, ll));
		}
		case BTF_KIND_INT:
			return btf_int_offset(lt) == 0 && btf_int_offset(tt) == 0;
		case BTF_KIND_ARRAY:
			lid = btf_array_info(lt)->type;
			tid = btf_array_info(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return -ELOOP;
}

/* A zero-length array that is the last member of its struct may be indexed past its end. */
static bool is_flex_array(const struct btf *btf, const struct core_access *parent,
			  const struct btf_array *a)
{
	if (!parent->name || a->nelems > 0)
		return false;
	return parent->idx + 1 == btf_vlen(btf_type(btf, parent->type_id));
}

/*
 * Find local member acc in target composite tid, looking through anonymous members; on
 * success push the target accessor on ts and set *next to the member's type.
 */
static int match_member(struct core_budget *b, const struct btf *lb,
			const struct core_access *acc, const struct btf *tb, uint32_t tid,
			struct core_spec *ts, uint32_t *next, char *why, size_t why_len)
{
	const struct btf_type *lt = btf_type(lb, acc->type_id), *tt;
	const struct btf_member *lm = &btf_members(lt)[acc->idx], *tm;

	if (++b->steps > CORE_STEP_BUDGET)
		return -E2BIG;
	tt = skip(tb, tid, &tid);
	if (!tt)
		return -EINVAL;
	if (!btf_is_composite(tt))
		return 0;
	tm = btf_members(tt);
	for (uint32_t i = 0; i < btf_vlen(tt); i++) {
		uint32_t bit = btf_member_bit_offset(tt, i);
		const char *tn = btf_str(tb, tm[i].name_off);
		int r;

		if (ts->raw_len == CORE_SPEC_MAX)
			return -E2BIG;
		ts->bit_offset += bit;
		ts->raw[ts->raw_len++] = i;
		if (!tn || !tn[0]) {
			r = match_member(b, lb, acc, tb, tm[i].type, ts, next, why, why_len);
			if (r)
				return r;
		} else if (!strcmp(acc->name, tn)) {
			struct core_access *ta = &ts->acc[ts->len++];

			ta->type_id = tid;
			ta->idx = i;
			ta->name = tn;
			*next = tm[i].type;
			r = core_fields_compat(lb, lm->type, tb, tm[i].type);
			if (r == 0) {
				ts->len--;
				snprintf(why, why_len, "field '%s' has an incompatible type (%s [%u])",
					 tn, btf_kind_name(btf_kind(btf_type(tb, tm[i].type))),
					 tm[i].type);
			}
			return r;
		}
		ts->bit_offset -= bit;
		ts->raw_len--;
	}
	return 0;
}

int core_spec_match(const struct core_spec *ls, const struct btf *tb, uint32_t tid,
		    struct core_spec *ts, char *why, size_t why_len)
{
	struct core_budget b = { 0 };
	const struct btf_type *tt = NULL;

	memset(ts, 0, sizeof(*ts));
	ts->btf = tb;
	ts->root_id = tid;
	ts->kind = ls->kind;
	why[0] = '\0';
	if (core_kind_is_type(ls->kind)) {
		int r = ls->kind == CORE_TYPE_MATCHES ? core_types_match(ls->btf, ls->root_id, tb, tid)
						      : core_types_compat(ls->btf, ls->root_id, tb, tid);

		if (r == 0)
			snprintf(why, why_len, "type does not %s the local one",
				 ls->kind == CORE_TYPE_MATCHES ? "match" : "agree with");
		return r;
	}
	if (core_kind_is_enumval(ls->kind)) {
		const char *ln = ls->acc[0].name;
		size_t ll = core_essential_len(ln);

		tt = skip(tb, tid, &tid);
		if (!tt || !btf_is_any_enum(tt)) {
			snprintf(why, why_len, "not an enum");
			return 0;
		}
		for (uint32_t i = 0; i < btf_vlen(tt); i++) {
			const char *tn = btf_str(tb, btf_enum_name_off(tt, i));

			if (tn && core_essential_len(tn) == ll && !strncmp(ln, tn, ll)) {
				ts->acc[0] = (struct core_access){ tid, i, tn };
				ts->len = 1;
				ts->raw[0] = i;
				ts->raw_len = 1;
				return 1;
			}
		}
		snprintf(why, why_len, "no enumerator '%.*s'", (int)ll, ln);
		return 0;
	}
	for (uint32_t i = 0; i < ls->len; i++) {
		const struct core_access *la = &ls->acc[i];

		tt = skip(tb, tid, &tid);
		if (!tt)
			return -EINVAL;
		if (la->name) {
			int r = match_member(&b, ls->btf, la, tb, tid, ts, &tid, why, why_len);

			if (r == 0 && !why[0])
				snprintf(why, why_len, "no field '%s' in %s", la->name,
					 btf_is_composite(tt) ? "it" : "a non-struct type");
			if (r <= 0)
				return r;
		} else {
			int64_t sz;

			if (i > 0) {
				const struct btf_array *a;

				if (!btf_is_array(tt)) {
					snprintf(why, why_len, "[%u] is applied to %s, not an array",
						 la->idx, btf_kind_name(btf_kind(tt)));
					return 0;
				}
				a = btf_array_info(tt);
				if (!is_flex_array(tb, &ts->acc[ts->len - 1], a) &&
				    la->idx >= a->nelems) {
					snprintf(why, why_len, "index %u is past the array's %u elements",
						 la->idx, a->nelems);
					return 0;
				}
				if (!skip(tb, a->type, &tid))
					return -EINVAL;
			}
			if (ts->raw_len == CORE_SPEC_MAX)
				return -E2BIG;
			ts->acc[ts->len++] = (struct core_access){ tid, la->idx, NULL };
			ts->raw[ts->raw_len++] = la->idx;
			sz = btf_resolve_size(tb, tid, NULL);
			if (sz < 0)
				return (int)sz;
			ts->bit_offset += la->idx * (uint32_t)sz * 8;
		}
	}
	return 1;
}
