// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The BTF parser: header, strings and types of one blob, validated once so that every other
 * module can walk types without re-checking ids and offsets.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf/btf.h"
#include "btf/btf_internal.h"
#include "util/err.h"

static const struct btf_type void_type;

/* Bytes of kind-specific data following a struct btf_type; -1 for an unknown kind. */
static long extra_size(const struct btf_type *t)
{
	uint32_t vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return 4;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return (long)vlen * sizeof(struct btf_enum64);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR:
		return sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_decl_tag);
	default:
		return -1;
	}
}

static const char *const kind_names[] = {
	[BTF_KIND_UNKN] = "UNKNOWN",	 [BTF_KIND_INT] = "INT",
	[BTF_KIND_PTR] = "PTR",		 [BTF_KIND_ARRAY] = "ARRAY",
	[BTF_KIND_STRUCT] = "STRUCT",	 [BTF_KIND_UNION] = "UNION",
	[BTF_KIND_ENUM] = "ENUM",	 [BTF_KIND_FWD] = "FWD",
	[BTF_KIND_TYPEDEF] = "TYPEDEF",	 [BTF_KIND_VOLATILE] = "VOLATILE",
	[BTF_KIND_CONST] = "CONST",	 [BTF_KIND_RESTRICT] = "RESTRICT",
	[BTF_KIND_FUNC] = "FUNC",	 [BTF_KIND_FUNC_PROTO] = "FUNC_PROTO",
	[BTF_KIND_VAR] = "VAR",		 [BTF_KIND_DATASEC] = "DATASEC",
	[BTF_KIND_FLOAT] = "FLOAT",	 [BTF_KIND_DECL_TAG] = "DECL_TAG",
	[BTF_KIND_TYPE_TAG] = "TYPE_TAG", [BTF_KIND_ENUM64] = "ENUM64",
};

const char *btf_kind_name(uint16_t kind)
{
	if (kind < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[kind])
		return kind_names[kind];
	return "UNKNOWN";
}

uint32_t btf_nr_ids(const struct btf *btf)
{
	return btf->start_id + btf->nr;
}

uint32_t btf_start_id(const struct btf *btf)
{
	return btf->start_id;
}

const struct btf *btf_base(const struct btf *btf)
{
	return btf->base;
}

bool btf_swapped(const struct btf *btf)
{
	return btf->swapped;
}

const void *btf_raw_data(const struct btf *btf, size_t *size)
{
	if (size)
		*size = btf->raw_size;
	return btf->raw;
}

const struct btf_header *btf_header(const struct btf *btf)
{
	return &btf->hdr;
}

const struct btf_type *btf_type(const struct btf *btf, uint32_t id)
{
	while (btf && id < btf->start_id) {
		if (id == 0)
			return &void_type;
		btf = btf->base;
	}
	if (!btf || id - btf->start_id >= btf->nr)
		return NULL;
	return (const struct btf_type *)(btf->types + btf->offs[id - btf->start_id]);
}

const char *btf_str(const struct btf *btf, uint32_t off)
{
	while (btf && off < btf->start_str)
		btf = btf->base;
	if (!btf || off - btf->start_str >= btf->str_len)
		return NULL;
	return btf->strs + (off - btf->start_str);
}

const char *btf_name(const struct btf *btf, const struct btf_type *t)
{
	const char *s = btf_str(btf, t->name_off);

	return s ? s : "";
}

const char *btf_name_of(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type(btf, id);

	return t ? btf_name(btf, t) : "";
}

uint32_t btf_enum_name_off(const struct btf_type *t, uint32_t i)
{
	return btf_is_enum64(t) ? btf_enums64(t)[i].name_off : btf_enums(t)[i].name_off;
}

uint64_t btf_enum_value(const struct btf_type *t, uint32_t i)
{
	if (btf_is_enum64(t)) {
		const struct btf_enum64 *e = &btf_enums64(t)[i];

		return ((uint64_t)e->val_hi32 << 32) | e->val_lo32;
	}
	if (btf_kflag(t))
		return (uint64_t)(int64_t)btf_enums(t)[i].val;
	return (uint32_t)btf_enums(t)[i].val;
}

/* ---- byte order ------------------------------------------------------------------------- */

static void swap_words(uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t v;

		memcpy(&v, p + i, 4);
		v = __builtin_bswap32(v);
		memcpy(p + i, &v, 4);
	}
}

/*
 * Every field of the header and of every type record (struct btf_type and all the per-kind
 * data) is a 32-bit word, except the header's leading magic/version/flags.
 */
static void swap_header(struct btf_header *h)
{
	h->magic = __builtin_bswap16(h->magic);
	h->hdr_len = __builtin_bswap32(h->hdr_len);
	h->type_off = __builtin_bswap32(h->type_off);
	h->type_len = __builtin_bswap32(h->type_len);
	h->str_off = __builtin_bswap32(h->str_off);
	h->str_len = __builtin_bswap32(h->str_len);
}

/* ---- validation ------------------------------------------------------------------------- */

struct parse {
	struct btf *btf;
	const char *what;
	struct rb_error *err;
	size_t type_base; /* file offset of the type section */
};

#define FAIL(p, e, off, fmt, ...)                                                                \
	rb_errorf((p)->err, (e), "%s: BTF: offset %zu: " fmt, (p)->what, (size_t)(off),         \
		  ##__VA_ARGS__)

static bool id_ok(const struct btf *btf, uint32_t id)
{
	return id < btf_nr_ids(btf);
}

static bool str_ok(const struct btf *btf, uint32_t off)
{
	return btf_str(btf, off) != NULL;
}

/* C-identifier-ish check is left to the kernel; we only need valid offsets. */
static int check_name(struct parse *p, size_t off, uint32_t id, uint32_t name_off,
		      const char *field)
{
	if (!str_ok(p->btf, name_off))
		return FAIL(p, EINVAL, off, "type [%u]: %s offset %u is past the string section",
			    id, field, name_off);
	return 0;
}

static int check_ref(struct parse *p, size_t off, uint32_t id, uint32_t ref, const char *field)
{
	if (!id_ok(p->btf, ref))
		return FAIL(p, EINVAL, off, "type [%u]: %s type id %u is out of range (last is %u)",
			    id, field, ref, btf_nr_ids(p->btf) - 1);
	return 0;
}

static int check_type(struct parse *p, uint32_t id, const struct btf_type *t, size_t off)
{
	uint32_t vlen = btf_vlen(t), i;
	uint16_t kind = btf_kind(t);
	int r;

	if ((r = check_name(p, off, id, t->name_off, "name")))
		return r;
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t info = btf_int_info(t), bits = BTF_INT_BITS(info);

		if (vlen || btf_kflag(t))
			return FAIL(p, EINVAL, off, "type [%u]: INT has vlen/kind_flag set", id);
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
			return FAIL(p, EINVAL, off, "type [%u]: INT size %u is not 1, 2, 4, 8 or 16",
				    id, t->size);
		if (bits > 128 || BTF_INT_OFFSET(info) + bits > t->size * 8)
			return FAIL(p, EINVAL, off,
				    "type [%u]: INT bits %u at bit offset %u do not fit in %u bytes",
				    id, bits, BTF_INT_OFFSET(info), t->size);
		if (info & 0xf0000000u || BTF_INT_ENCODING(info) & ~7u)
			return FAIL(p, EINVAL, off, "type [%u]: INT info 0x%x has unknown bits", id,
				    info);
		return 0;
	}
	case BTF_KIND_PTR:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_TYPE_TAG:
		if (vlen)
			return FAIL(p, EINVAL, off, "type [%u]: %s has vlen %u", id,
				    btf_kind_name(kind), vlen);
		if (btf_kflag(t) && kind != BTF_KIND_TYPE_TAG)
			return FAIL(p, EINVAL, off, "type [%u]: %s has kind_flag set", id,
				    btf_kind_name(kind));
		if ((kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_TYPE_TAG) && !t->name_off)
			return FAIL(p, EINVAL, off, "type [%u]: %s has no name", id,
				    btf_kind_name(kind));
		if (t->type == id)
			return FAIL(p, EINVAL, off, "type [%u]: %s refers to itself", id,
				    btf_kind_name(kind));
		return check_ref(p, off, id, t->type, "referenced");
	case BTF_KIND_FWD:
		if (vlen)
			return FAIL(p, EINVAL, off, "type [%u]: FWD has vlen %u", id, vlen);
		if (!t->name_off)
			return FAIL(p, EINVAL, off, "type [%u]: FWD has no name", id);
		return 0;
	case BTF_KIND_FUNC:
		if (vlen > BTF_FUNC_EXTERN)
			return FAIL(p, EINVAL, off, "type [%u]: FUNC linkage %u is unknown", id,
				    vlen);
		if (!t->name_off)
			return FAIL(p, EINVAL, off, "type [%u]: FUNC has no name", id);
		return check_ref(p, off, id, t->type, "prototype");
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array_info(t);

		if (vlen || btf_kflag(t) || t->size)
			return FAIL(p, EINVAL, off, "type [%u]: ARRAY has vlen/kind_flag/size set",
				    id);
		if ((r = check_ref(p, off, id, a->type, "element")))
			return r;
		if (a->type == id)
			return FAIL(p, EINVAL, off, "type [%u]: ARRAY of itself", id);
		return check_ref(p, off, id, a->index_type, "index");
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		for (i = 0; i < vlen; i++) {
			size_t moff = off + sizeof(*t) + i * sizeof(*m);

			if ((r = check_name(p, moff, id, m[i].name_off, "member name")))
				return r;
			if ((r = check_ref(p, moff, id, m[i].type, "member")))
				return r;
			if (m[i].type == id)
				return FAIL(p, EINVAL, moff,
					    "type [%u]: member %u contains its own type", id, i);
			if ((uint64_t)btf_member_bit_offset(t, i) +
				    btf_member_bitfield_size(t, i) >
			    (uint64_t)t->size * 8)
				return FAIL(p, EINVAL, moff,
					    "type [%u]: member %u at bit %u is past the size %u",
					    id, i, btf_member_bit_offset(t, i), t->size);
		}
		return 0;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return FAIL(p, EINVAL, off, "type [%u]: %s size %u is not 1, 2, 4 or 8", id,
				    btf_kind_name(kind), t->size);
		for (i = 0; i < vlen; i++) {
			size_t eoff = off + sizeof(*t) + (size_t)i * (extra_size(t) / (vlen ? vlen : 1));

			if ((r = check_name(p, eoff, id, btf_enum_name_off(t, i),
					    "enumerator name")))
				return r;
		}
		return 0;
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *a = btf_params(t);

		if (btf_kflag(t) || t->name_off)
			return FAIL(p, EINVAL, off, "type [%u]: FUNC_PROTO has a name or kind_flag",
				    id);
		if ((r = check_ref(p, off, id, t->type, "return")))
			return r;
		for (i = 0; i < vlen; i++) {
			size_t aoff = off + sizeof(*t) + i * sizeof(*a);

			if ((r = check_name(p, aoff, id, a[i].name_off, "parameter name")))
				return r;
			if ((r = check_ref(p, aoff, id, a[i].type, "parameter")))
				return r;
			if (!a[i].type && i + 1 != vlen)
				return FAIL(p, EINVAL, aoff,
					    "type [%u]: parameter %u is void but not the last", id, i);
		}
		return 0;
	}
	case BTF_KIND_VAR:
		if (vlen || btf_kflag(t))
			return FAIL(p, EINVAL, off, "type [%u]: VAR has vlen/kind_flag set", id);
		if (!t->name_off)
			return FAIL(p, EINVAL, off, "type [%u]: VAR has no name", id);
		return check_ref(p, off, id, t->type, "variable");
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *s = btf_secinfos(t);

		if (!t->name_off)
			return FAIL(p, EINVAL, off, "type [%u]: DATASEC has no name", id);
		for (i = 0; i < vlen; i++) {
			size_t soff = off + sizeof(*t) + i * sizeof(*s);

			if ((r = check_ref(p, soff, id, s[i].type, "variable")))
				return r;
		}
		return 0;
	}
	case BTF_KIND_FLOAT:
		if (vlen || btf_kflag(t))
			return FAIL(p, EINVAL, off, "type [%u]: FLOAT has vlen/kind_flag set", id);
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 &&
		    t->size != 16)
			return FAIL(p, EINVAL, off, "type [%u]: FLOAT size %u is not 2, 4, 8, 12 or 16",
				    id, t->size);
		return 0;
	case BTF_KIND_DECL_TAG:
		if (vlen)
			return FAIL(p, EINVAL, off, "type [%u]: DECL_TAG has vlen %u", id, vlen);
		if (!t->name_off)
			return FAIL(p, EINVAL, off, "type [%u]: DECL_TAG has no name", id);
		if (btf_decl_tag_info(t)->component_idx < -1)
			return FAIL(p, EINVAL, off, "type [%u]: DECL_TAG component %d is invalid",
				    id, btf_decl_tag_info(t)->component_idx);
		return check_ref(p, off, id, t->type, "tagged");
	}
	return FAIL(p, EINVAL, off, "type [%u]: unknown kind %u", id, kind);
}

/* Checks that need the referenced type's kind (done once every type is indexed). */
static int check_refs(struct parse *p, uint32_t id, const struct btf_type *t, size_t off)
{
	const struct btf_type *r;

	switch (btf_kind(t)) {
	case BTF_KIND_FUNC:
		r = btf_type(p->btf, t->type);
		if (!btf_is_func_proto(r))
			return FAIL(p, EINVAL, off, "type [%u]: FUNC '%s' prototype [%u] is %s", id,
				    btf_name(p->btf, t), t->type, btf_kind_name(btf_kind(r)));
		return 0;
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *s = btf_secinfos(t);

		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			r = btf_type(p->btf, s[i].type);
			if (!btf_is_var(r) && !btf_is_func(r))
				return FAIL(p, EINVAL, off + sizeof(*t) + i * sizeof(*s),
					    "type [%u]: DATASEC entry %u is %s, not VAR or FUNC", id,
					    i, btf_kind_name(btf_kind(r)));
		}
		return 0;
	}
	case BTF_KIND_DECL_TAG: {
		int32_t c = btf_decl_tag_info(t)->component_idx;

		r = btf_type(p->btf, t->type);
		if (c >= 0 && !((btf_is_composite(r) || btf_is_func_proto(r) || btf_is_func(r)) &&
				(btf_is_func(r) ? true : (uint32_t)c < btf_vlen(r))))
			return FAIL(p, EINVAL, off,
				    "type [%u]: DECL_TAG component %d does not exist in type [%u]",
				    id, c, t->type);
		return 0;
	}
	default:
		return 0;
	}
}

static int parse_header(struct parse *p, const uint8_t *data, size_t size, struct btf_header *h)
{
	uint64_t tend, send;

	if (size < sizeof(*h))
		return FAIL(p, EINVAL, 0, "%zu bytes is shorter than the %zu-byte header", size,
			    sizeof(*h));
	memcpy(h, data, sizeof(*h));
	if (h->magic == __builtin_bswap16(BTF_MAGIC)) {
		swap_header(h);
		p->btf->swapped = true;
	} else if (h->magic != BTF_MAGIC) {
		return FAIL(p, EINVAL, 0, "bad magic 0x%04x (expected 0x%04x)", h->magic,
			    BTF_MAGIC);
	}
	if (h->version != BTF_VERSION)
		return FAIL(p, ENOTSUP, 2, "unsupported version %u", h->version);
	if (h->hdr_len < sizeof(*h) || h->hdr_len > size)
		return FAIL(p, EINVAL, 4, "header length %u is outside %zu..%zu", h->hdr_len,
			    sizeof(*h), size);
	tend = (uint64_t)h->hdr_len + h->type_off + h->type_len;
	send = (uint64_t)h->hdr_len + h->str_off + h->str_len;
	if (tend > size)
		return FAIL(p, EINVAL, 8, "type section %u+%u is past the end (%zu bytes)",
			    h->type_off, h->type_len, size - h->hdr_len);
	if (send > size)
		return FAIL(p, EINVAL, 16, "string section %u+%u is past the end (%zu bytes)",
			    h->str_off, h->str_len, size - h->hdr_len);
	if (h->type_off % 4 || h->type_len % 4)
		return FAIL(p, EINVAL, 8, "type section %u+%u is not 4-byte aligned", h->type_off,
			    h->type_len);
	if (h->type_len && h->str_len && h->type_off < h->str_off + (uint64_t)h->str_len &&
	    h->str_off < h->type_off + (uint64_t)h->type_len)
		return FAIL(p, EINVAL, 8, "type section %u+%u overlaps string section %u+%u",
			    h->type_off, h->type_len, h->str_off, h->str_len);
	return 0;
}

static int parse_strings(struct parse *p, struct btf *btf)
{
	const struct btf_header *h = &btf->hdr;
	size_t off = h->hdr_len + h->str_off;

	btf->strs = (const char *)btf->raw + off;
	btf->str_len = h->str_len;
	if (btf->base) {
		uint64_t start = (uint64_t)btf->base->start_str + btf->base->str_len;

		if (start + h->str_len > UINT32_MAX)
			return FAIL(p, E2BIG, 16, "split string section too large");
		btf->start_str = (uint32_t)start;
	}
	/* Base BTF starts with the empty string; split BTF may have no strings at all. */
	if (!btf->base && (!h->str_len || btf->strs[0]))
		return FAIL(p, EINVAL, off, "string section does not start with an empty string");
	if (h->str_len && btf->strs[h->str_len - 1])
		return FAIL(p, EINVAL, off + h->str_len - 1,
			    "string section does not end with a NUL byte");
	return 0;
}

static int parse_types(struct parse *p, struct btf *btf)
{
	const struct btf_header *h = &btf->hdr;
	const uint8_t *start = btf->raw + h->hdr_len + h->type_off;
	uint32_t len = h->type_len, off, n = 0;
	int r;

	p->type_base = h->hdr_len + h->type_off;
	btf->types = start;
	/*
	 * Pass 1: walk the records, check that each fits and note where it starts. A record
	 * takes at least sizeof(struct btf_type) bytes, which bounds their number.
	 */
	btf->offs = malloc(((size_t)len / sizeof(struct btf_type) + 1) * sizeof(*btf->offs));
	if (!btf->offs)
		return rb_errorf(p->err, ENOMEM, "%s: BTF: out of memory for %u bytes of types",
				 p->what, len);
	for (off = 0; off < len; n++) {
		const struct btf_type *t = (const struct btf_type *)(start + off);
		long extra;

		if (len - off < sizeof(*t))
			return FAIL(p, EINVAL, p->type_base + off,
				    "type [%u] header is cut off by the end of the type section",
				    btf->start_id + n);
		extra = extra_size(t);
		if (extra < 0)
			return FAIL(p, EINVAL, p->type_base + off, "type [%u]: unknown kind %u",
				    btf->start_id + n, btf_kind(t));
		if ((uint64_t)len - off - sizeof(*t) < (uint64_t)extra)
			return FAIL(p, EINVAL, p->type_base + off,
				    "type [%u]: %s with vlen %u needs %ld bytes, %u are left",
				    btf->start_id + n, btf_kind_name(btf_kind(t)), btf_vlen(t),
				    extra, (uint32_t)(len - off - sizeof(*t)));
		btf->offs[n] = off;
		off += sizeof(*t) + (uint32_t)extra;
	}
	if ((uint64_t)btf->start_id + n > INT32_MAX)
		return FAIL(p, E2BIG, p->type_base, "too many types (%u)", n);
	btf->nr = n;
	/*
	 * Pass 2: every id and string reference now has something to point at. check_refs
	 * looks into the types a record refers to, which check_type has just range-checked.
	 */
	for (n = 0; n < btf->nr; n++) {
		const struct btf_type *t = (const struct btf_type *)(start + btf->offs[n]);
		size_t toff = p->type_base + btf->offs[n];

		if ((r = check_type(p, btf->start_id + n, t, toff)) ||
		    (r = check_refs(p, btf->start_id + n, t, toff)))
			return r;
	}
	return 0;
}

/* raw/size: the blob; owned says whether btf takes the malloc'd buffer raw. */
static int parse_blob(struct btf *btf, const char *what, struct rb_error *err)
{
	struct parse p = { .btf = btf, .what = what ? what : "BTF", .err = err };
	struct btf_header h;
	int r;

	if ((r = parse_header(&p, btf->raw, btf->raw_size, &h)))
		return r;
	btf->hdr = h;
	if (btf->swapped) {
		/* The owned copy is rewritten in place: header fields, then every type word. */
		uint8_t *w = (uint8_t *)btf->raw;

		memcpy(w, &h, sizeof(h));
		swap_words(w + h.hdr_len + h.type_off, h.type_len);
	}
	if ((r = parse_strings(&p, btf)))
		return r;
	return parse_types(&p, btf);
}

static struct btf *btf_alloc(const struct btf *base)
{
	struct btf *btf = calloc(1, sizeof(*btf));

	if (!btf)
		return NULL;
	btf->base = base;
	btf->start_id = base ? btf_nr_ids(base) : 1;
	return btf;
}

int btf_parse(const void *data, size_t size, const struct btf *base, const char *what,
	      struct btf **out, struct rb_error *err)
{
	struct btf *btf;
	int r;

	*out = NULL;
	if (size > UINT32_MAX)
		return rb_errorf(err, E2BIG, "%s: BTF: %zu bytes is too large", what ? what : "BTF",
				 size);
	btf = btf_alloc(base);
	if (!btf)
		return rb_errorf(err, ENOMEM, "%s: BTF: out of memory", what ? what : "BTF");
	btf->owned = malloc(size ? size : 1);
	if (!btf->owned) {
		free(btf);
		return rb_errorf(err, ENOMEM, "%s: BTF: out of memory for %zu bytes",
				 what ? what : "BTF", size);
	}
	if (size)
		memcpy(btf->owned, data, size);
	btf->raw = btf->owned;
	btf->raw_size = size;
	r = parse_blob(btf, what, err);
	if (r) {
		btf_free(btf);
		return r;
	}
	*out = btf;
	return 0;
}

static int read_all(int fd, uint8_t *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

int btf_open_raw(const char *path, const struct btf *base, struct btf **out,
		 struct rb_error *err)
{
	struct btf_header h;
	struct stat st;
	struct btf *btf;
	void *map;
	int fd, r;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rb_errorf(err, errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		r = rb_errorf(err, errno, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		return r;
	}
	if ((uint64_t)st.st_size > UINT32_MAX) {
		close(fd);
		return rb_errorf(err, E2BIG, "%s: BTF: %lld bytes is too large", path,
				 (long long)st.st_size);
	}
	/* A host-endian file is used in place; peek at the magic to decide. */
	if (st.st_size >= (off_t)sizeof(h) && pread(fd, &h, sizeof(h), 0) == sizeof(h) &&
	    h.magic == BTF_MAGIC) {
		map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map != MAP_FAILED) {
			close(fd);
			btf = btf_alloc(base);
			if (!btf) {
				munmap(map, st.st_size);
				return rb_errorf(err, ENOMEM, "%s: BTF: out of memory", path);
			}
			btf->map = map;
			btf->map_len = st.st_size;
			btf->raw = map;
			btf->raw_size = st.st_size;
			r = parse_blob(btf, path, err);
			if (r) {
				btf_free(btf);
				return r;
			}
			*out = btf;
			return 0;
		}
	}
	/* Fallback (or a BE file): read it into memory; btf_parse copies, so read once more. */
	{
		uint8_t *buf = malloc(st.st_size ? st.st_size : 1);

		if (!buf) {
			close(fd);
			return rb_errorf(err, ENOMEM, "%s: out of memory for %lld bytes", path,
					 (long long)st.st_size);
		}
		r = read_all(fd, buf, st.st_size);
		close(fd);
		if (r) {
			free(buf);
			return rb_errorf(err, r, "%s: cannot read: %s", path, strerror(-r));
		}
		btf = btf_alloc(base);
		if (!btf) {
			free(buf);
			return rb_errorf(err, ENOMEM, "%s: BTF: out of memory", path);
		}
		btf->owned = buf;
		btf->raw = buf;
		btf->raw_size = st.st_size;
		r = parse_blob(btf, path, err);
		if (r) {
			btf_free(btf);
			return r;
		}
		*out = btf;
		return 0;
	}
}

void btf_free(struct btf *btf)
{
	if (!btf)
		return;
	if (btf->map)
		munmap(btf->map, btf->map_len);
	free(btf->owned);
	free(btf->offs);
	free(btf->buckets);
	free(btf->chain);
	free(btf->flavored);
	free(btf);
}
