// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CO-RE access specs: the record's access string ("0:1:2") turned into a chain of members
 * and indexes on a BTF, its C spelling, and the value it gives for a relocation kind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "relo/core_internal.h"

static const struct btf_type *skip(const struct btf *btf, uint32_t id, uint32_t *out)
{
	int r = btf_skip_mods_typedefs(btf, id);

	if (r < 0)
		return NULL;
	*out = (uint32_t)r;
	return btf_type(btf, (uint32_t)r);
}

#define WHY(...) (snprintf(why, why_len, __VA_ARGS__), -EINVAL)

int core_spec_parse(const struct btf *btf, uint32_t root, const char *str, uint32_t kind,
		    struct core_spec *spec, char *why, size_t why_len)
{
	const struct btf_type *t;
	const char *p = str;
	uint32_t id;
	int64_t sz;

	memset(spec, 0, sizeof(*spec));
	spec->btf = btf;
	spec->root_id = root;
	spec->kind = kind;
	if (!btf_type(btf, root) || !root)
		return WHY("local type id %u does not exist", root);
	if (!str[0])
		return WHY("empty access string");
	while (*p) {
		unsigned long v = 0;
		const char *start = p;

		while (*p >= '0' && *p <= '9' && v <= UINT32_MAX)
			v = v * 10 + (unsigned long)(*p++ - '0');
		if (p == start || v > UINT32_MAX || (*p && *p != ':'))
			return WHY("access string '%s' is not a list of numbers", str);
		if (spec->raw_len == CORE_SPEC_MAX)
			return WHY("access string '%s' is deeper than %d", str, CORE_SPEC_MAX);
		spec->raw[spec->raw_len++] = (uint32_t)v;
		if (*p == ':')
			p++;
	}
	if (core_kind_is_type(kind)) {
		if (strcmp(str, "0"))
			return WHY("type relocation with access string '%s' (must be \"0\")", str);
		return 0;
	}
	t = skip(btf, root, &id);
	if (!t)
		return WHY("local type [%u] is a loop of modifiers", root);
	spec->acc[0] = (struct core_access){ id, spec->raw[0], NULL };
	spec->len = 1;
	if (core_kind_is_enumval(kind)) {
		if (!btf_is_any_enum(t) || spec->raw_len > 1 || spec->raw[0] >= btf_vlen(t))
			return WHY("enum relocation on [%u] %s with access '%s'", id,
				   btf_kind_name(btf_kind(t)), str);
		spec->acc[0].name = btf_str(btf, btf_enum_name_off(t, spec->raw[0]));
		return 0;
	}
	if (!core_kind_is_field(kind))
		return WHY("unknown relocation kind %u", kind);
	sz = btf_resolve_size(btf, id, NULL);
	if (sz < 0)
		return WHY("local type [%u] has no size", id);
	spec->bit_offset = spec->raw[0] * (uint32_t)sz * 8;
	for (uint32_t i = 1; i < spec->raw_len; i++) {
		uint32_t idx = spec->raw[i];

		t = skip(btf, id, &id);
		if (!t)
			return WHY("local type [%u] is a loop of modifiers", id);
		if (btf_is_composite(t)) {
			const struct btf_member *m;
			const char *name;

			if (idx >= btf_vlen(t))
				return WHY("member %u of [%u] %s does not exist (%u members)", idx, id,
					   btf_name(btf, t), btf_vlen(t));
			m = &btf_members(t)[idx];
			spec->bit_offset += btf_member_bit_offset(t, idx);
			name = btf_str(btf, m->name_off);
			if (name && name[0])
				spec->acc[spec->len++] = (struct core_access){ id, idx, name };
			id = m->type;
		} else if (btf_is_array(t)) {
			const struct btf_array *a = btf_array_info(t);
			const struct core_access *parent = &spec->acc[spec->len - 1];
			bool flex = parent->name && a->nelems == 0 &&
				    parent->idx + 1 == btf_vlen(btf_type(btf, parent->type_id));

			if (!skip(btf, a->type, &id))
				return WHY("array element type [%u] is a loop", a->type);
			if (!flex && idx >= a->nelems)
				return WHY("index %u is past the %u elements of array [%u]", idx,
					   a->nelems, spec->acc[spec->len - 1].type_id);
			spec->acc[spec->len++] = (struct core_access){ id, idx, NULL };
			sz = btf_resolve_size(btf, id, NULL);
			if (sz < 0)
				return WHY("array element [%u] has no size", id);
			spec->bit_offset += idx * (uint32_t)sz * 8;
		} else {
			return WHY("access %u of '%s' goes into [%u] %s, not a struct, union or array",
				   i, str, id, btf_kind_name(btf_kind(t)));
		}
	}
	return 0;
}

static const char *kind_word(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
		return "struct ";
	case BTF_KIND_UNION:
		return "union ";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return "enum ";
	case BTF_KIND_FWD:
		return btf_kflag(t) ? "union " : "struct ";
	default:
		return "";
	}
}

void core_spec_spell(const struct core_spec *spec, char *buf, size_t len)
{
	const struct btf_type *root = btf_type(spec->btf, spec->root_id);
	struct strbuf sb = STRBUF_INIT;
	const char *name = root ? btf_name(spec->btf, root) : "";

	sb_printf(&sb, "%s%s", root ? kind_word(root) : "", name[0] ? name : "(anon)");
	if (core_kind_is_enumval(spec->kind) && spec->len) {
		sb_printf(&sb, "::%s", spec->acc[0].name ? spec->acc[0].name : "?");
	} else if (core_kind_is_field(spec->kind)) {
		/* p->a.b[2]: the root index first ("->" for 0, "[n]." otherwise). */
		for (uint32_t i = 0; i < spec->len; i++) {
			const struct core_access *a = &spec->acc[i];

			if (i == 0 && spec->len == 1)
				sb_printf(&sb, "[%u]", a->idx);
			else if (i == 0)
				sb_puts(&sb, a->idx ? "" : "->");
			if (i == 0 && a->idx && spec->len > 1)
				sb_printf(&sb, "[%u].", a->idx);
			if (i > 0 && a->name)
				sb_printf(&sb, "%s%s", i > 1 ? "." : "", a->name);
			else if (i > 0)
				sb_printf(&sb, "[%u]", a->idx);
		}
	}
	snprintf(buf, len, "%s", sb.oom ? "?" : sb_str(&sb));
	sb_free(&sb);
}

int core_spec_value(const struct core_spec *spec, uint32_t kind, bool big_endian,
		    struct core_value *out, char *why, size_t why_len)
{
	const struct core_access *acc;
	const struct btf_type *t, *mt;
	uint32_t bit_off, bit_sz, byte_off, byte_sz, ftype;
	bool bitfield;
	int64_t sz;

	memset(out, 0, sizeof(*out));
	out->validate = true;
	if (core_kind_is_type(kind)) {
		if (!spec)
			return 0; /* exists/matches 0, size 0, target id 0 */
		switch (kind) {
		case CORE_TYPE_ID_LOCAL:
		case CORE_TYPE_ID_TARGET:
			out->val = spec->root_id;
			return 0;
		case CORE_TYPE_EXISTS:
		case CORE_TYPE_MATCHES:
			out->val = 1;
			return 0;
		default:
			sz = btf_resolve_size(spec->btf, spec->root_id, NULL);
			if (sz < 0)
				return WHY("type [%u] has no size", spec->root_id);
			out->val = (uint64_t)sz;
			return 0;
		}
	}
	if (core_kind_is_enumval(kind)) {
		if (kind == CORE_ENUMVAL_EXISTS) {
			out->val = spec ? 1 : 0;
			return 0;
		}
		if (!spec)
			return -EUCLEAN;
		t = btf_type(spec->btf, spec->acc[0].type_id);
		/* A 32-bit enumerator is a signed int in BTF: sign-extended, as libbpf does. */
		out->val = btf_is_enum64(t) ? btf_enum_value(t, spec->acc[0].idx)
					    : (uint64_t)(int64_t)btf_enums(t)[spec->acc[0].idx].val;
		return 0;
	}
	if (kind == CORE_FIELD_EXISTS) {
		out->val = spec ? 1 : 0;
		return 0;
	}
	if (!spec)
		return -EUCLEAN;
	acc = &spec->acc[spec->len - 1];
	if (!acc->name) {
		/* The access ends on an array element (or the root itself). */
		sz = btf_resolve_size(spec->btf, acc->type_id, NULL);
		if (sz < 0)
			return WHY("type [%u] has no size", acc->type_id);
		if (kind == CORE_FIELD_BYTE_OFFSET) {
			out->val = spec->bit_offset / 8;
			out->size = (uint32_t)sz;
			out->type_id = acc->type_id;
		} else if (kind == CORE_FIELD_BYTE_SIZE) {
			out->val = (uint64_t)sz;
		} else {
			return WHY("%s cannot be applied to an array element", core_kind_name(kind));
		}
		return 0;
	}
	t = btf_type(spec->btf, acc->type_id);
	mt = skip(spec->btf, btf_members(t)[acc->idx].type, &ftype);
	if (!mt)
		return WHY("field type [%u] is a loop", btf_members(t)[acc->idx].type);
	bit_off = spec->bit_offset;
	bit_sz = btf_member_bitfield_size(t, acc->idx);
	bitfield = bit_sz > 0;
	if (bitfield) {
		/* The smallest naturally aligned load, from the field's own size, that covers it. */
		byte_sz = mt->size;
		if (!byte_sz || byte_sz > 8)
			return WHY("bitfield '%s' has an underlying size of %u", acc->name, byte_sz);
		byte_off = bit_off / 8 / byte_sz * byte_sz;
		while (bit_off + bit_sz - byte_off * 8 > byte_sz * 8) {
			if (byte_sz >= 8) {
				snprintf(why, why_len, "bitfield '%s' cannot be read with one 8-byte "
					 "load", acc->name);
				return -E2BIG;
			}
			byte_sz *= 2;
			byte_off = bit_off / 8 / byte_sz * byte_sz;
		}
	} else {
		sz = btf_resolve_size(spec->btf, ftype, NULL);
		if (sz < 0)
			return WHY("field '%s' type [%u] has no size", acc->name, ftype);
		byte_sz = (uint32_t)sz;
		byte_off = bit_off / 8;
		bit_sz = byte_sz * 8;
	}
	/* The compiler may lay out bitfield loads differently: only sign/rshift are checked. */
	out->validate = !bitfield;
	switch (kind) {
	case CORE_FIELD_BYTE_OFFSET:
		out->val = byte_off;
		if (!bitfield) {
			out->size = byte_sz;
			out->type_id = ftype;
		}
		break;
	case CORE_FIELD_BYTE_SIZE:
		out->val = byte_sz;
		break;
	case CORE_FIELD_SIGNED:
		out->val = (btf_is_any_enum(mt) && btf_kflag(mt)) ||
			   (btf_is_int(mt) && (btf_int_encoding(mt) & BTF_INT_SIGNED));
		out->validate = true;
		break;
	case CORE_FIELD_LSHIFT_U64:
		if (big_endian)
			out->val = (8 - byte_sz) * 8 + (bit_off - byte_off * 8);
		else
			out->val = 64 - (bit_off + bit_sz - byte_off * 8);
		break;
	case CORE_FIELD_RSHIFT_U64:
		out->val = 64 - bit_sz;
		out->validate = true;
		break;
	default:
		return WHY("unknown field relocation kind %u", kind);
	}
	return 0;
}
