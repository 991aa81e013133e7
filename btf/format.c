// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Values formatted with their BTF types, as `bpftool map dump` shows them. The rules follow
 * bpftool's observable output so the two can be compared byte for byte:
 *  - integers of 1, 2, 4, 8 bytes in decimal (signed or not), bool as true/false, 128-bit
 *    integers and every bitfield (or odd-width integer) in hex, raw bits, not sign-extended;
 *  - enums by enumerator name when the value matches one, else the number;
 *  - pointers: "(nil)"/0x... in text, a decimal number in JSON;
 *  - char arrays whose bytes are printable up to a NUL as strings, other arrays as lists;
 *  - structs and unions member by member (anonymous members under the name "");
 *  - VAR and DATASEC (global data maps) as bpftool nests them.
 * Floats, which bpftool refuses, are printed as numbers.
 * The data style (fmt_out.data: `rawbpf load --json` records) is JSON for programs rather
 * than for comparing with bpftool: every char array a string, bitfields numbers, a flexible
 * array at the end of a record with the elements the record holds.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "btf/format.h"
#include "util/err.h"
#include "util/json_str.h"

/* ---- the writer ------------------------------------------------------------------------ */

void fmt_init(struct fmt_out *o, struct strbuf *sb, bool pretty)
{
	memset(o, 0, sizeof(*o));
	o->sb = sb;
	o->pretty = pretty;
}

/* Separator before an item (and after it, the next one needs a comma). */
static void fmt_item(struct fmt_out *o)
{
	if (o->sep)
		sb_putc(o->sb, o->sep);
	o->sep = ',';
}

static void fmt_newline(struct fmt_out *o)
{
	if (!o->pretty)
		return;
	sb_putc(o->sb, '\n');
	for (unsigned int i = 0; i < o->depth; i++)
		sb_puts(o->sb, "    ");
}

void fmt_begin(struct fmt_out *o, char open)
{
	fmt_item(o);
	sb_putc(o->sb, open);
	o->depth++;
	o->sep = 0;
}

void fmt_end(struct fmt_out *o, char close)
{
	if (o->depth)
		o->depth--;
	if (o->sep) /* non-empty: the bracket goes on its own line */
		fmt_newline(o);
	sb_putc(o->sb, close);
	o->sep = ',';
}

static void put_quoted(struct strbuf *sb, const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && s[n]) /* len may be SIZE_MAX: a NUL-terminated string */
		n++;
	sb_json_quote(sb, s, n);
}

void fmt_name(struct fmt_out *o, const char *name)
{
	fmt_item(o);
	fmt_newline(o);
	o->sep = 0;
	put_quoted(o->sb, name, strlen(name));
	sb_puts(o->sb, o->pretty ? ": " : ":");
}

void fmt_value(struct fmt_out *o, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	fmt_item(o);
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sb_puts(o->sb, buf);
}

void fmt_string(struct fmt_out *o, const char *s, size_t len)
{
	fmt_item(o);
	put_quoted(o->sb, s, len);
}

void fmt_hex_array(struct fmt_out *o, const uint8_t *data, size_t len)
{
	fmt_begin(o, '[');
	for (size_t i = 0; i < len; i++)
		fmt_value(o, "\"0x%02x\"", data[i]);
	fmt_end(o, ']');
}

/* ---- the formatter --------------------------------------------------------------------- */

struct fmt_ctx {
	struct fmt_out *o;
	const struct btf *btf;
	const uint8_t *data;
	size_t size;
	uint32_t items; /* values visited, bounded by FMT_MAX_ITEMS */
	int root;	/* the value's own type (modifiers and typedefs followed): only its last
			 * member may be a flexible array reaching past it */
	struct rb_error *err;
};

static int fmt_type(struct fmt_ctx *c, uint32_t id, size_t off, unsigned int bit_off,
		    unsigned int nest);
static int fmt_last(struct fmt_ctx *c, uint32_t type, size_t off, unsigned int bit_off,
		    unsigned int nest);

/* The value at byte off needs len bytes: are they inside it? */
static int need(struct fmt_ctx *c, uint32_t id, size_t off, size_t len)
{
	if (off <= c->size && len <= c->size - off)
		return 0;
	return rb_errorf(c->err, EINVAL,
			 "type [%u] '%s' at byte %zu needs %zu bytes, but the value has %zu", id,
			 btf_name_of(c->btf, id), off, len, c->size);
}

/* Little-endian bytes into an unsigned 128-bit number. */
static unsigned __int128 load_le(const uint8_t *p, size_t n)
{
	unsigned __int128 v = 0;

	for (size_t i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

static void print_u128_hex(struct fmt_ctx *c, unsigned __int128 v)
{
	unsigned long long hi = (unsigned long long)(v >> 64), lo = (unsigned long long)v;
	const char *q = c->o->pretty ? "" : "\"";

	if (hi)
		fmt_value(c->o, "%s0x%llx%016llx%s", q, hi, lo, q);
	else
		fmt_value(c->o, "%s0x%llx%s", q, lo, q);
}

/*
 * nr_bits (1..128) starting bit_off bits into byte off, printed in hex as bpftool does (data
 * style: up to 64 bits as a decimal number, sign-extended when is_signed).
 */
static int print_bits(struct fmt_ctx *c, uint32_t id, size_t off, unsigned int bit_off,
		      unsigned int nr_bits, bool is_signed)
{
	size_t bytes;
	unsigned __int128 v;
	int r;

	off += bit_off / 8;
	bit_off %= 8;
	if (nr_bits == 0 || nr_bits > 128)
		return rb_errorf(c->err, EINVAL, "type [%u] '%s': a bitfield of %u bits", id,
				 btf_name_of(c->btf, id), nr_bits);
	bytes = (bit_off + nr_bits + 7) / 8;
	r = need(c, id, off, bytes);
	if (r)
		return r;
	/* up to 17 bytes when a 128-bit field is not byte-aligned: take the low 16 and the rest */
	v = load_le(c->data + off, bytes > 16 ? 16 : bytes) >> bit_off;
	if (bytes > 16)
		v |= (unsigned __int128)c->data[off + 16] << (128 - bit_off);
	if (nr_bits < 128)
		v &= ((unsigned __int128)1 << nr_bits) - 1;
	if (c->o->data && nr_bits <= 64 && is_signed) {
		unsigned int shift = 64 - nr_bits;

		fmt_value(c->o, "%lld", (long long)((int64_t)((uint64_t)v << shift) >> shift));
		return 0;
	}
	if (c->o->data && nr_bits <= 64) {
		fmt_value(c->o, "%llu", (unsigned long long)v);
		return 0;
	}
	print_u128_hex(c, v);
	return 0;
}

/* Is the integer (or enum) a bitfield member of type id holds signed? */
static bool signed_type(const struct btf *btf, uint32_t id)
{
	int real = btf_skip_mods_typedefs(btf, id);
	const struct btf_type *t = real > 0 ? btf_type(btf, (uint32_t)real) : NULL;

	if (!t)
		return false;
	if (btf_is_int(t))
		return btf_int_encoding(t) & BTF_INT_SIGNED;
	return (btf_kind(t) == BTF_KIND_ENUM || btf_kind(t) == BTF_KIND_ENUM64) && btf_kflag(t);
}

static int fmt_int(struct fmt_ctx *c, uint32_t id, const struct btf_type *t, size_t off,
		   unsigned int bit_off)
{
	unsigned int bits = btf_int_bits(t), enc = btf_int_encoding(t);
	const uint8_t *p;
	int r;

	if (bit_off || btf_int_offset(t) ||
	    (bits != 8 && bits != 16 && bits != 32 && bits != 64 && bits != 128))
		return print_bits(c, id, off, bit_off + btf_int_offset(t), bits,
				  enc & BTF_INT_SIGNED);
	r = need(c, id, off, bits / 8);
	if (r)
		return r;
	p = c->data + off;
	if (bits == 128) {
		print_u128_hex(c, load_le(p, 16));
		return 0;
	}
	if (enc & BTF_INT_BOOL) {
		fmt_value(c->o, "%s", load_le(p, bits / 8) ? "true" : "false");
		return 0;
	}
	if (enc & BTF_INT_CHAR) {
		char ch = (char)p[0];

		if (ch >= 0x20 && ch < 0x7f) {
			char s[2] = { ch, 0 };

			fmt_string(c->o, s, 1);
		} else if (c->o->pretty) {
			fmt_value(c->o, "0x%x", p[0]);
		} else {
			fmt_value(c->o, "\"\\u00%02x\"", p[0]);
		}
		return 0;
	}
	if (enc & BTF_INT_SIGNED) {
		int64_t v;

		switch (bits) {
		case 8: v = (int8_t)p[0]; break;
		case 16: v = (int16_t)load_le(p, 2); break;
		case 32: v = (int32_t)load_le(p, 4); break;
		default: v = (int64_t)load_le(p, 8); break;
		}
		fmt_value(c->o, "%lld", (long long)v);
		return 0;
	}
	fmt_value(c->o, "%llu", (unsigned long long)load_le(p, bits / 8));
	return 0;
}

static int fmt_enum(struct fmt_ctx *c, uint32_t id, const struct btf_type *t, size_t off)
{
	uint32_t sz = t->size;
	uint64_t raw;
	int64_t v;
	int r;

	if (sz != 1 && sz != 2 && sz != 4 && sz != 8)
		return rb_errorf(c->err, EINVAL, "enum [%u] '%s' has size %u (not 1, 2, 4 or 8)",
				 id, btf_name(c->btf, t), sz);
	r = need(c, id, off, sz);
	if (r)
		return r;
	raw = (uint64_t)load_le(c->data + off, sz);
	if (btf_is_enum64(t)) {
		v = (int64_t)raw;
	} else {
		/* 32-bit enumerators compare sign-extended, as bpftool reads them */
		unsigned int shift = 64 - 8 * sz;

		v = (int64_t)(raw << shift) >> shift;
	}
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		uint64_t ev = btf_enum_value(t, i);
		bool match = btf_is_enum64(t) ? ev == raw : (int64_t)(int32_t)ev == v;

		if (match) {
			const char *name = btf_str(c->btf, btf_enum_name_off(t, i));

			fmt_string(c->o, name ? name : "", SIZE_MAX);
			return 0;
		}
	}
	fmt_value(c->o, "%lld", (long long)v);
	return 0;
}

static int fmt_float(struct fmt_ctx *c, uint32_t id, const struct btf_type *t, size_t off)
{
	char buf[64];
	int r = need(c, id, off, t->size);

	if (r)
		return r;
	if (t->size == 4) {
		float f;

		memcpy(&f, c->data + off, 4);
		snprintf(buf, sizeof(buf), "%.9g", f);
	} else if (t->size == 8) {
		double d;

		memcpy(&d, c->data + off, 8);
		snprintf(buf, sizeof(buf), "%.17g", d);
	} else {
		return rb_errorf(c->err, EINVAL, "float [%u] '%s' of %u bytes cannot be printed",
				 id, btf_name(c->btf, t), t->size);
	}
	/* nan and inf are not JSON numbers */
	if (!c->o->pretty && (strchr(buf, 'n') || strchr(buf, 'i')))
		fmt_string(c->o, buf, sizeof(buf));
	else
		fmt_value(c->o, "%s", buf);
	return 0;
}

static int fmt_ptr(struct fmt_ctx *c, uint32_t id, size_t off)
{
	uint64_t v;
	int r = need(c, id, off, 8);

	if (r)
		return r;
	v = (uint64_t)load_le(c->data + off, 8);
	if (!c->o->pretty)
		fmt_value(c->o, "%llu", (unsigned long long)v);
	else if (v)
		fmt_value(c->o, "0x%llx", (unsigned long long)v);
	else
		fmt_value(c->o, "(nil)");
	return 0;
}

static int fmt_composite(struct fmt_ctx *c, uint32_t id, const struct btf_type *t, size_t off,
			 unsigned int nest)
{
	int r = need(c, id, off, t->size);
	bool outer = off == 0 && (int)id == c->root;

	if (r)
		return r;
	c->root = -1; /* entered once: a struct inside it (even of its type) is not the value */
	fmt_begin(c->o, '{');
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = &btf_members(t)[i];
		uint32_t bit = btf_member_bit_offset(t, i);
		uint32_t bf = btf_member_bitfield_size(t, i);

		fmt_name(c->o, btf_str(c->btf, m->name_off) ? btf_str(c->btf, m->name_off) : "");
		if (bf)
			r = print_bits(c, m->type, off + bit / 8, bit % 8, bf,
				       signed_type(c->btf, m->type));
		else if (c->o->data && outer && i + 1 == btf_vlen(t))
			r = fmt_last(c, m->type, off + bit / 8, bit % 8, nest);
		else
			r = fmt_type(c, m->type, off + bit / 8, bit % 8, nest + 1);
		if (r)
			return r;
	}
	fmt_end(c->o, '}');
	return 0;
}

/* Elements of 1-byte chars (qualifiers looked through, typedefs not: a typedef of char is
 * not text). */
static bool char_elems(const struct fmt_ctx *c, uint32_t elem)
{
	const struct btf_type *e = btf_type(c->btf, elem);
	int depth = 0;

	while (e && btf_is_mod(e) && depth++ < BTF_MAX_DEPTH)
		e = btf_type(c->btf, e->type);
	if (!e || !btf_is_int(e) || e->size != 1)
		return false;
	return (btf_int_encoding(e) & BTF_INT_CHAR) || !strcmp(btf_name(c->btf, e), "char");
}

/* A char array shown as a string: bpftool's rule (printable up to a NUL), or always in the
 * data style (up to a NUL, escaped). */
static bool is_string(struct fmt_ctx *c, uint32_t elem, uint32_t nelems, size_t off)
{
	if (!char_elems(c, elem))
		return false;
	if (off > c->size || nelems > c->size - off)
		return false; /* the element walk reports the short value */
	if (c->o->data)
		return true; /* an empty flexible array of chars too: "" */
	if (!nelems)
		return false;
	for (uint32_t i = 0; i < nelems; i++) {
		uint8_t ch = c->data[off + i];

		if (!ch)
			return true;
		if (ch < 0x20 || ch >= 0x7f)
			return false;
	}
	return false;
}

/* nelems elements of type elem from byte off (array type id, for messages). */
static int fmt_elems(struct fmt_ctx *c, uint32_t id, uint32_t elem, uint32_t nelems, size_t off,
		     unsigned int nest)
{
	size_t total;
	int64_t esz;
	int r;

	if (is_string(c, elem, nelems, off)) {
		fmt_string(c->o, (const char *)c->data + off, nelems);
		return 0;
	}
	esz = btf_resolve_size(c->btf, elem, c->err);
	if (esz < 0)
		return (int)esz;
	/* the whole array must lie inside the value before any element is printed */
	if (__builtin_mul_overflow((size_t)nelems, (size_t)esz, &total))
		total = SIZE_MAX;
	r = need(c, id, off, total);
	if (r)
		return r;
	fmt_begin(c->o, '[');
	for (uint32_t i = 0; i < nelems; i++) {
		r = fmt_type(c, elem, off + (size_t)i * (size_t)esz, 0, nest + 1);
		if (r)
			return r;
	}
	fmt_end(c->o, ']');
	return 0;
}

static int fmt_array(struct fmt_ctx *c, uint32_t id, const struct btf_type *t, size_t off,
		     unsigned int nest)
{
	const struct btf_array *a = btf_array_info(t);

	return fmt_elems(c, id, a->type, a->nelems, off, nest);
}

/*
 * The last member of the outermost struct, data style: a flexible array (no elements of its
 * own) when the value goes on past it shows the elements those bytes hold (whole ones only).
 */
static int fmt_last(struct fmt_ctx *c, uint32_t type, size_t off, unsigned int bit_off,
		    unsigned int nest)
{
	int real = btf_skip_mods_typedefs(c->btf, type);
	const struct btf_type *t = real > 0 ? btf_type(c->btf, (uint32_t)real) : NULL;
	const struct btf_array *a = t && btf_kind(t) == BTF_KIND_ARRAY ? btf_array_info(t) : NULL;
	int64_t esz;
	size_t n;

	if (!a || a->nelems || bit_off || off >= c->size)
		return fmt_type(c, type, off, bit_off, nest + 1);
	esz = btf_resolve_size(c->btf, a->type, c->err);
	if (esz < 0)
		return (int)esz;
	n = esz ? (c->size - off) / (size_t)esz : 0;
	if (n > FMT_MAX_ITEMS)
		n = FMT_MAX_ITEMS;
	return fmt_elems(c, (uint32_t)real, a->type, (uint32_t)n, off, nest);
}

static int fmt_datasec(struct fmt_ctx *c, const struct btf_type *t, size_t off,
		       unsigned int nest)
{
	const struct btf_var_secinfo *vs = btf_secinfos(t);
	int r;

	fmt_begin(c->o, '{');
	fmt_name(c->o, btf_name(c->btf, t));
	fmt_begin(c->o, '[');
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		r = need(c, vs[i].type, off + vs[i].offset, vs[i].size);
		if (r)
			return r;
		r = fmt_type(c, vs[i].type, off + vs[i].offset, 0, nest + 1);
		if (r)
			return r;
	}
	fmt_end(c->o, ']');
	fmt_end(c->o, '}');
	return 0;
}

static int fmt_type(struct fmt_ctx *c, uint32_t id, size_t off, unsigned int bit_off,
		    unsigned int nest)
{
	const struct btf_type *t;
	int r;

	if (nest > FMT_MAX_NEST)
		return rb_errorf(c->err, ELOOP,
				 "type [%u]: nested more than %d levels deep (a reference loop?)",
				 id, FMT_MAX_NEST);
	if (++c->items > FMT_MAX_ITEMS)
		return rb_errorf(c->err, E2BIG, "type [%u]: more than %u items in one value", id,
				 FMT_MAX_ITEMS);
	t = btf_type(c->btf, id);
	if (!t)
		return rb_errorf(c->err, EINVAL, "type id %u is out of range (last is %u)", id,
				 btf_nr_ids(c->btf) - 1);
	if (id == 0) {
		fmt_value(c->o, "(unknown)");
		return 0;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		return fmt_int(c, id, t, off, bit_off);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return fmt_enum(c, id, t, off);
	case BTF_KIND_FLOAT:
		return fmt_float(c, id, t, off);
	case BTF_KIND_PTR:
		return fmt_ptr(c, id, off);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return fmt_composite(c, id, t, off, nest);
	case BTF_KIND_ARRAY:
		return fmt_array(c, id, t, off, nest);
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return fmt_type(c, t->type, off, bit_off, nest + 1);
	case BTF_KIND_VAR:
		fmt_begin(c->o, '{');
		fmt_name(c->o, btf_name(c->btf, t));
		r = fmt_type(c, t->type, off, bit_off, nest + 1);
		if (r)
			return r;
		fmt_end(c->o, '}');
		return 0;
	case BTF_KIND_DATASEC:
		return fmt_datasec(c, t, off, nest);
	default:
		return rb_errorf(c->err, EINVAL, "type [%u] '%s' is a %s, which has no value to print",
				 id, btf_name(c->btf, t), btf_kind_name(btf_kind(t)));
	}
}

int btf_format_value(struct fmt_out *o, const struct btf *btf, uint32_t id, const void *data,
		     size_t size, struct rb_error *err)
{
	struct fmt_ctx c = {
		.o = o, .btf = btf, .data = data, .size = size, .err = err,
		.root = btf_skip_mods_typedefs(btf, id),
	};

	return fmt_type(&c, id, 0, 0, 0);
}
