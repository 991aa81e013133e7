// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The raw dump of one type, as text or JSON, in the exact spelling `bpftool btf dump ...
 * format raw` (and `bpftool -j`) uses, so the two can be diffed line by line.
 */
#include <inttypes.h>

#include "btf/btf.h"
#include "btf/dump.h"

/* bpftool prints offset 0 as "(anon)" and any other offset as the string there. */
static const char *dump_name(const struct btf *btf, uint32_t off)
{
	const char *s;

	if (!off)
		return "(anon)";
	s = btf_str(btf, off);
	return s ? s : "(invalid)";
}

static const char *int_encoding(uint8_t enc)
{
	switch (enc) {
	case 0:
		return "(none)";
	case BTF_INT_SIGNED:
		return "SIGNED";
	case BTF_INT_CHAR:
		return "CHAR";
	case BTF_INT_BOOL:
		return "BOOL";
	default:
		return "UNKN";
	}
}

static const char *func_linkage(uint32_t l)
{
	switch (l) {
	case BTF_FUNC_STATIC:
		return "static";
	case BTF_FUNC_GLOBAL:
		return "global";
	case BTF_FUNC_EXTERN:
		return "extern";
	default:
		return "(unknown)";
	}
}

static const char *var_linkage(uint32_t l)
{
	switch (l) {
	case BTF_VAR_STATIC:
		return "static";
	case BTF_VAR_GLOBAL_ALLOCATED:
		return "global";
	case BTF_VAR_GLOBAL_EXTERN:
		return "extern";
	default:
		return "(unknown)";
	}
}

static void json_str(struct strbuf *sb, const char *s)
{
	sb_putc(sb, '"');
	for (; *s; s++) {
		switch (*s) {
		case '\t':
			sb_puts(sb, "\\t");
			break;
		case '\n':
			sb_puts(sb, "\\n");
			break;
		case '\r':
			sb_puts(sb, "\\r");
			break;
		case '\f':
			sb_puts(sb, "\\f");
			break;
		case '\b':
			sb_puts(sb, "\\b");
			break;
		case '\\':
			sb_puts(sb, "\\\\");
			break;
		case '"':
			sb_puts(sb, "\\\"");
			break;
		default:
			sb_putc(sb, *s);
		}
	}
	sb_putc(sb, '"');
}

/*
 * One emitter for both syntaxes: text is "[id] KIND 'name' k=v k=v" with one tab-indented
 * line per member; JSON is {"id":..,"kind":..,"name":..,"k":v,...,"members":[{...}]}.
 */
struct emit {
	struct strbuf *sb;
	bool json;
	bool first; /* no separator before the next field (JSON) */
};

static void field_u(struct emit *e, const char *k, uint64_t v)
{
	if (e->json)
		sb_printf(e->sb, "%s\"%s\":%" PRIu64, e->first ? "" : ",", k, v);
	else
		sb_printf(e->sb, " %s=%" PRIu64, k, v);
	e->first = false;
}

static void field_s(struct emit *e, const char *k, const char *v)
{
	if (e->json) {
		sb_printf(e->sb, "%s\"%s\":", e->first ? "" : ",", k);
		json_str(e->sb, v);
	} else {
		sb_printf(e->sb, " %s=%s", k, v);
	}
	e->first = false;
}

/* A nested record (member, param, enumerator, secinfo). */
static void rec_begin(struct emit *e, bool first_rec)
{
	if (e->json)
		sb_puts(e->sb, first_rec ? "{" : ",{");
	else
		sb_puts(e->sb, "\n\t");
	e->first = true;
}

static void rec_end(struct emit *e)
{
	if (e->json)
		sb_putc(e->sb, '}');
}

static void rec_name(struct emit *e, const char *name)
{
	if (e->json) {
		field_s(e, "name", name);
	} else {
		sb_printf(e->sb, "'%s'", name);
		e->first = false;
	}
}

static void list_begin(struct emit *e, const char *key)
{
	if (e->json)
		sb_printf(e->sb, ",\"%s\":[", key);
}

static void list_end(struct emit *e)
{
	if (e->json)
		sb_putc(e->sb, ']');
}

static void enum_value(struct emit *e, const struct btf_type *t, uint32_t i)
{
	uint64_t v = btf_enum_value(t, i);
	bool sgn = btf_enum_signed(t), is64 = btf_is_enum64(t);

	if (e->json) {
		/* bpftool -j sign-extends unsigned 32-bit values: same output, on purpose. */
		if (!is64)
			v = (uint64_t)(int64_t)(int32_t)v;
		if (sgn)
			sb_printf(e->sb, ",\"val\":%" PRId64, (int64_t)v);
		else
			sb_printf(e->sb, ",\"val\":%" PRIu64, v);
		return;
	}
	if (is64)
		sb_printf(e->sb, sgn ? " val=%" PRId64 "LL" : " val=%" PRIu64 "ULL", v);
	else if (sgn)
		sb_printf(e->sb, " val=%d", (int32_t)v);
	else
		sb_printf(e->sb, " val=%u", (uint32_t)v);
}

void btf_dump_raw_type(const struct btf *btf, uint32_t id, bool json, struct strbuf *sb)
{
	const struct btf_type *t = btf_type(btf, id);
	struct emit e = { .sb = sb, .json = json, .first = true };
	uint32_t vlen, i;
	uint16_t kind;

	if (!t)
		return;
	kind = btf_kind(t);
	vlen = btf_vlen(t);
	if (json) {
		sb_puts(sb, "{");
		field_u(&e, "id", id);
		field_s(&e, "kind", btf_kind_name(kind));
		field_s(&e, "name", dump_name(btf, t->name_off));
	} else {
		sb_printf(sb, "[%u] %s '%s'", id, btf_kind_name(kind), dump_name(btf, t->name_off));
	}
	switch (kind) {
	case BTF_KIND_INT:
		field_u(&e, "size", t->size);
		field_u(&e, "bits_offset", btf_int_offset(t));
		field_u(&e, "nr_bits", btf_int_bits(t));
		field_s(&e, "encoding", int_encoding(btf_int_encoding(t)));
		break;
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_TYPE_TAG:
		field_u(&e, "type_id", t->type);
		break;
	case BTF_KIND_ARRAY:
		field_u(&e, "type_id", btf_array_info(t)->type);
		field_u(&e, "index_type_id", btf_array_info(t)->index_type);
		field_u(&e, "nr_elems", btf_array_info(t)->nelems);
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		field_u(&e, "size", t->size);
		field_u(&e, "vlen", vlen);
		list_begin(&e, "members");
		for (i = 0; i < vlen; i++) {
			const struct btf_member *m = &btf_members(t)[i];

			rec_begin(&e, i == 0);
			rec_name(&e, dump_name(btf, m->name_off));
			field_u(&e, "type_id", m->type);
			field_u(&e, "bits_offset", btf_member_bit_offset(t, i));
			if (btf_member_bitfield_size(t, i))
				field_u(&e, "bitfield_size", btf_member_bitfield_size(t, i));
			rec_end(&e);
		}
		list_end(&e);
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		field_s(&e, "encoding", btf_enum_signed(t) ? "SIGNED" : "UNSIGNED");
		field_u(&e, "size", t->size);
		field_u(&e, "vlen", vlen);
		list_begin(&e, "values");
		for (i = 0; i < vlen; i++) {
			rec_begin(&e, i == 0);
			rec_name(&e, dump_name(btf, btf_enum_name_off(t, i)));
			enum_value(&e, t, i);
			rec_end(&e);
		}
		list_end(&e);
		break;
	case BTF_KIND_FWD:
		field_s(&e, "fwd_kind", btf_kflag(t) ? "union" : "struct");
		break;
	case BTF_KIND_FUNC:
		field_u(&e, "type_id", t->type);
		field_s(&e, "linkage", func_linkage(vlen));
		break;
	case BTF_KIND_FUNC_PROTO:
		field_u(&e, "ret_type_id", t->type);
		field_u(&e, "vlen", vlen);
		list_begin(&e, "params");
		for (i = 0; i < vlen; i++) {
			rec_begin(&e, i == 0);
			rec_name(&e, dump_name(btf, btf_params(t)[i].name_off));
			field_u(&e, "type_id", btf_params(t)[i].type);
			rec_end(&e);
		}
		list_end(&e);
		break;
	case BTF_KIND_VAR:
		field_u(&e, "type_id", t->type);
		if (json)
			field_s(&e, "linkage", var_linkage(btf_var_info(t)->linkage));
		else
			sb_printf(sb, ", linkage=%s", var_linkage(btf_var_info(t)->linkage));
		break;
	case BTF_KIND_DATASEC:
		field_u(&e, "size", t->size);
		field_u(&e, "vlen", vlen);
		list_begin(&e, "vars");
		for (i = 0; i < vlen; i++) {
			const struct btf_var_secinfo *v = &btf_secinfos(t)[i];
			const struct btf_type *vt = btf_type(btf, v->type);

			rec_begin(&e, i == 0);
			if (!json)
				sb_printf(sb, "type_id=%u offset=%u size=%u", v->type, v->offset,
					  v->size);
			else {
				field_u(&e, "type_id", v->type);
				field_u(&e, "offset", v->offset);
				field_u(&e, "size", v->size);
			}
			if (!json && vt)
				sb_printf(sb, " (%s '%s')", btf_kind_name(btf_kind(vt)),
					  dump_name(btf, vt->name_off));
			rec_end(&e);
		}
		list_end(&e);
		break;
	case BTF_KIND_FLOAT:
		field_u(&e, "size", t->size);
		break;
	case BTF_KIND_DECL_TAG:
		field_u(&e, "type_id", t->type);
		if (json)
			sb_printf(sb, ",\"component_idx\":%d", btf_decl_tag_info(t)->component_idx);
		else
			sb_printf(sb, " component_idx=%d", btf_decl_tag_info(t)->component_idx);
		break;
	default:
		break;
	}
	sb_puts(sb, json ? "}" : "\n");
}
