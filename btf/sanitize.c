// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BTF sanitising for older kernels. Every rewrite keeps the record's byte size (the
 * per-kind trailers have matching shapes: a VAR's linkage word becomes an INT's encoding,
 * DATASEC's var_secinfo records become struct members, ENUM64's 12-byte values become
 * 12-byte members, FUNC_PROTO's params become enum values), so type ids never move. The
 * additions, a placeholder INT (for ENUM64 unions and non-VAR DATASEC entries) and a dummy
 * VAR of it, go after the last type.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/sanitize.h"
#include "util/err.h"

/* Bytes a type record takes (struct btf_type and its kind's trailer). */
static size_t record_size(const struct btf_type *t)
{
	size_t vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return sizeof(*t) + 4;
	case BTF_KIND_ARRAY:
		return sizeof(*t) + sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return sizeof(*t) + vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return sizeof(*t) + vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return sizeof(*t) + vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return sizeof(*t) + vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return sizeof(*t) + vlen * sizeof(struct btf_enum64);
	default:
		return sizeof(*t);
	}
}

#define INFO(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (vlen))
#define INT_ENC(bits) ((uint32_t)(bits)) /* unsigned, offset 0 */

static const char placeholder_name[] = "enum64_placeholder";
static const char dummy_var_name[] = "dummy_ksym";
static const char arg_name[] = "arg"; /* for unnamed parameters turned enum values */

/* Make a section name a C identifier the kernel's STRUCT check accepts. */
static void identifier_in_place(char *strs, size_t strs_len, uint32_t off)
{
	for (size_t i = off; i < strs_len && strs[i]; i++)
		if (strs[i] == '.' || strs[i] == '?' || strs[i] == '-')
			strs[i] = '_';
}

/*
 * A DATASEC with entries but no bytes (.ksyms: no ELF section behind it) fails the kernel's
 * checks: give each entry its own 8-aligned slot and the section their total size.
 */
static void layout_sizeless(struct btf_type *t)
{
	struct btf_var_secinfo *vs = (struct btf_var_secinfo *)(t + 1);
	uint32_t off = 0;

	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		off = (off + 7) & ~7u;
		vs[i].offset = off;
		if (!vs[i].size)
			vs[i].size = 4;
		off += vs[i].size;
	}
	t->size = off;
}

/* Does a DATASEC list anything that is not a VAR (kfuncs in .ksyms)? */
static bool has_non_var_entry(const struct btf *btf, const struct btf_type *t)
{
	const struct btf_var_secinfo *vs = (const void *)(t + 1);

	/* .ksyms entries are resolved against the kernel: their own types never matter */
	if (btf_vlen(t) && !strcmp(btf_name(btf, t), ".ksyms"))
		return true;

	for (uint16_t i = 0; i < btf_vlen(t); i++) {
		const struct btf_type *v = btf_type(btf, vs[i].type);

		if (!v || btf_kind(v) != BTF_KIND_VAR)
			return true;
	}
	return false;
}

static bool name_listed(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; name && i < n; i++)
		if (list[i] && !strcmp(list[i], name))
			return true;
	return false;
}

int btf_sanitize(const struct btf *btf, const struct btf_kernel_kinds *have,
		 btf_datasec_fix_fn fix, void *fix_ctx, void **out, size_t *out_size,
		 struct btf_sanitize_counts *counts, struct rb_error *e)
{
	const struct btf_header *h = btf_header(btf);
	uint32_t first = btf_start_id(btf), n = btf_nr_ids(btf), placeholder = 0;
	size_t raw_size, types_len = 0, strs_len = h->str_len, extra_types = 0, extra_strs = 0;
	const uint8_t *raw = btf_raw_data(btf, &raw_size);
	struct btf_sanitize_counts c = { 0 };
	struct btf_header nh;
	uint8_t *buf, *tp;
	char *strs;
	bool any_enum64 = false, any_ksym_func = false;
	uint32_t dummy_var = 0, arg_off = 0;
	uint8_t *ksym_var;
	int r;

	if (btf_base(btf))
		return rb_errorf(e, -EINVAL, "BTF sanitising: split BTF is not supported");
	if ((size_t)h->hdr_len + h->str_off + h->str_len > raw_size)
		return rb_errorf(e, -EINVAL, "BTF sanitising: string section outside the blob");
	for (uint32_t id = first; id < n; id++) {
		const struct btf_type *t = btf_type(btf, id);

		types_len += record_size(t);
		any_enum64 |= btf_kind(t) == BTF_KIND_ENUM64;
		if (btf_kind(t) == BTF_KIND_DATASEC)
			any_ksym_func |= has_non_var_entry(btf, t);
	}
	if ((any_enum64 && !have->enum64) || any_ksym_func) {
		extra_types = sizeof(struct btf_type) + 4;
		extra_strs = sizeof(placeholder_name);
		placeholder = n;
	}
	if (any_ksym_func) {
		extra_types += sizeof(struct btf_type) + sizeof(struct btf_var);
		extra_strs += sizeof(dummy_var_name);
		dummy_var = placeholder + 1;
	}
	if (!have->func) {
		arg_off = (uint32_t)(strs_len + extra_strs);
		extra_strs += sizeof(arg_name);
	}
	buf = malloc(sizeof(nh) + types_len + extra_types + strs_len + extra_strs);
	ksym_var = calloc(n, 1);
	if (!buf || !ksym_var) {
		free(buf);
		free(ksym_var);
		return rb_errorf(e, -ENOMEM, "BTF sanitising: out of memory");
	}
	/* The VARs .ksyms lists: their types (void, forward structs) mean nothing here. */
	for (uint32_t id = first; id < n; id++) {
		const struct btf_type *t = btf_type(btf, id);
		const struct btf_var_secinfo *vs = (const void *)(t + 1);

		if (btf_kind(t) != BTF_KIND_DATASEC || strcmp(btf_name(btf, t), ".ksyms"))
			continue;
		for (uint16_t i = 0; i < btf_vlen(t); i++)
			if (vs[i].type < n)
				ksym_var[vs[i].type] = 1;
	}
	nh = *h;
	nh.hdr_len = sizeof(nh);
	nh.type_off = 0;
	nh.type_len = (uint32_t)(types_len + extra_types);
	nh.str_off = nh.type_len;
	nh.str_len = (uint32_t)(strs_len + extra_strs);
	memcpy(buf, &nh, sizeof(nh));
	strs = (char *)buf + sizeof(nh) + nh.type_len;
	memcpy(strs, raw + h->hdr_len + h->str_off, strs_len);
	if (placeholder)
		memcpy(strs + strs_len, placeholder_name, sizeof(placeholder_name));
	if (dummy_var)
		memcpy(strs + strs_len + sizeof(placeholder_name), dummy_var_name,
		       sizeof(dummy_var_name));
	if (arg_off)
		memcpy(strs + arg_off, arg_name, sizeof(arg_name));

	tp = buf + sizeof(nh);
	for (uint32_t id = first; id < n; id++) {
		const struct btf_type *src = btf_type(btf, id);
		size_t sz = record_size(src);
		struct btf_type *t = (struct btf_type *)tp;
		uint32_t *trailer = (uint32_t *)(t + 1);
		uint16_t vlen = btf_vlen(src);

		memcpy(tp, src, sz);
		switch (btf_kind(src)) {
		case BTF_KIND_VAR:
			if (ksym_var[id])
				t->type = placeholder;
			if (trailer[0] == BTF_VAR_GLOBAL_EXTERN) {
				trailer[0] = BTF_VAR_GLOBAL_ALLOCATED; /* .kconfig: the loader fills it */
				c.extern_var++;
			}
			if (!have->datasec) {
				t->name_off = 0;
				t->info = INFO(BTF_KIND_INT, 0, 0);
				t->size = 1;
				trailer[0] = INT_ENC(8);
				c.var++;
			}
			break;
		case BTF_KIND_DATASEC:
			if (fix) {
				r = fix(btf, id, btf_name(btf, src), &t->size,
					(struct btf_var_secinfo *)(t + 1), vlen, fix_ctx, e);
				if (r < 0) {
					free(buf);
					free(ksym_var);
					return r;
				}
			}
			if (dummy_var) {
				struct btf_var_secinfo *vs = (struct btf_var_secinfo *)(t + 1);

				bool ksyms = !strcmp(btf_name(btf, src), ".ksyms");

				for (uint16_t i = 0; i < vlen; i++) {
					const struct btf_type *v = btf_type(btf, vs[i].type);

					if (ksyms || !v || btf_kind(v) != BTF_KIND_VAR) {
						vs[i].type = dummy_var;
						vs[i].size = 4;
						c.ksym_entry++;
					}
				}
			}
			if (t->size == 0 && vlen)
				layout_sizeless(t);
			if (!have->datasec) {
				struct btf_var_secinfo *vs = (struct btf_var_secinfo *)(t + 1);
				struct btf_member *m = (struct btf_member *)(t + 1);

				identifier_in_place(strs, strs_len, t->name_off);
				t->info = INFO(BTF_KIND_STRUCT, 0, vlen);
				for (uint16_t i = 0; i < vlen; i++) {
					struct btf_var_secinfo v = vs[i];
					const struct btf_type *var = btf_type(btf, v.type);

					/* member: the variable's name, its type, bit offset */
					m[i].name_off = var ? var->name_off : 0;
					m[i].type = var && btf_kind(var) == BTF_KIND_VAR ? var->type
											  : v.type;
					m[i].offset = v.offset * 8;
				}
				c.datasec++;
			}
			break;
		case BTF_KIND_FLOAT:
			if (!have->float_kind) {
				t->name_off = 0;
				t->info = INFO(BTF_KIND_STRUCT, 0, 0); /* size kept */
				c.float_kind++;
			}
			break;
		case BTF_KIND_DECL_TAG:
			if (!have->decl_tag) {
				t->name_off = 0;
				t->info = INFO(BTF_KIND_INT, 0, 0);
				t->size = 1;
				trailer[0] = INT_ENC(8);
				c.decl_tag++;
			}
			break;
		case BTF_KIND_TYPE_TAG:
			if (!have->type_tag) {
				t->name_off = 0;
				t->info = INFO(BTF_KIND_CONST, 0, 0); /* type kept */
				c.type_tag++;
			}
			break;
		case BTF_KIND_ENUM:
			if (!have->enum64 && btf_kflag(src)) {
				t->info = INFO(BTF_KIND_ENUM, 0, vlen); /* signedness came with ENUM64 */
				c.enum_kflag++;
			}
			break;
		case BTF_KIND_ENUM64:
			if (!have->enum64) {
				struct btf_member *m = (struct btf_member *)(t + 1);

				t->info = INFO(BTF_KIND_UNION, 0, vlen);
				for (uint16_t i = 0; i < vlen; i++) {
					m[i].type = placeholder;
					m[i].offset = 0;
				}
				c.enum64++;
			}
			break;
		case BTF_KIND_FUNC:
			if (vlen == BTF_FUNC_EXTERN) {
				/*
				 * kfuncs: resolved against the kernel's BTF, never code of this
				 * program. The kernel takes no extern FUNC (and wants every FUNC's
				 * parameters named, which kfunc declarations often leave out): a
				 * TYPEDEF of the prototype keeps the name and the type.
				 */
				t->info = INFO(BTF_KIND_TYPEDEF, 0, 0);
				c.extern_func++;
			} else if (!have->func) {
				t->info = INFO(BTF_KIND_TYPEDEF, 0, 0);
				c.func++;
			} else if (!have->global_func && vlen == BTF_FUNC_GLOBAL) {
				t->info = INFO(BTF_KIND_FUNC, 0, BTF_FUNC_STATIC);
				c.global_func++;
			} else if (vlen == BTF_FUNC_GLOBAL &&
				   name_listed(btf_name(btf, src), have->static_funcs,
					       have->static_func_cnt)) {
				t->info = INFO(BTF_KIND_FUNC, 0, BTF_FUNC_STATIC);
				c.hidden_func++;
			}
			break;
		case BTF_KIND_FUNC_PROTO:
			if (!have->func) {
				/* params (name, type) read as enum values (name, value) */
				struct btf_param *pp = (struct btf_param *)(t + 1);

				t->info = INFO(BTF_KIND_ENUM, 0, vlen);
				t->size = sizeof(uint32_t);
				for (uint16_t i = 0; i < vlen; i++)
					if (!pp[i].name_off) /* enum values must be named */
						pp[i].name_off = arg_off;
				c.func_proto++;
			}
			break;
		default:
			break;
		}
		tp += sz;
	}
	if (placeholder) {
		struct btf_type *t = (struct btf_type *)tp;

		t->name_off = (uint32_t)strs_len;
		t->info = INFO(BTF_KIND_INT, 0, 0);
		t->size = 1;
		*(uint32_t *)(t + 1) = INT_ENC(8);
		tp += sizeof(*t) + 4;
	}
	if (dummy_var) {
		struct btf_type *t = (struct btf_type *)tp;

		t->name_off = (uint32_t)(strs_len + sizeof(placeholder_name));
		if (have->datasec) {
			t->info = INFO(BTF_KIND_VAR, 0, 0);
			t->type = placeholder;
			*(uint32_t *)(t + 1) = BTF_VAR_GLOBAL_ALLOCATED;
		} else { /* VARs become 1-byte INTs on such kernels: so does this one */
			t->name_off = 0;
			t->info = INFO(BTF_KIND_INT, 0, 0);
			t->size = 1;
			*(uint32_t *)(t + 1) = INT_ENC(8);
		}
	}
	free(ksym_var);
	*out = buf;
	*out_size = sizeof(nh) + nh.type_len + nh.str_len;
	if (counts)
		*counts = c;
	return 0;
}
