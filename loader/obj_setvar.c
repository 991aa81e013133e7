// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rb_object_set_var: write a global variable's initial value before the maps are created,
 * which is how real tools set their `const volatile` knobs. The variable is found through the
 * DATASEC entries collected at open (obj->vars); its bytes live in the internal map's
 * initial data (obj_map.data), which load writes into the map before freezing .rodata.
 * The text is parsed against the variable's BTF type, so a value that would not mean what
 * the user wrote (out of range, too long, not an enumerator) is refused instead of truncated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "loader/obj_btf.h"
#include "loader/object.h"
#include "util/bytes.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/trace.h"

#define SUGGEST_MAX 8 /* settable variables named in an "unknown variable" sentence */

/* The variable being set, for error sentences. */
struct setvar {
	const struct rb_object *obj;
	const struct obj_var *var;
	const char *value;
	char type[128]; /* C spelling of the variable's type */
	struct rb_error *err;
};

static bool settable_map(const struct obj_map *m)
{
	return m->kind == OBJ_MAP_DATA || m->kind == OBJ_MAP_RODATA || m->kind == OBJ_MAP_BSS;
}

/* One sentence: "FILE: cannot set variable 'x' (TYPE, in SEC) to 'V': WHY". */
static int refuse(struct setvar *s, int e, const char *why)
{
	return rb_errorf(s->err, e, "%s: cannot set variable '%s' (%s, in %s) to '%s': %s",
			 obj_file(s->obj), s->var->name, s->type,
			 s->obj->maps[s->var->map_idx].real_name, s->value, why);
}

/*
 * A decimal or 0x-hexadecimal integer with an optional '-': *neg and the magnitude. Leading
 * zeros are decimal (no octal surprise); no spaces, no '+'. Returns false when not a number
 * or when the magnitude exceeds 64 bits (*overflow set).
 */
static bool parse_number(const char *s, bool *neg, uint64_t *mag, bool *overflow)
{
	unsigned base = 10;
	uint64_t v = 0;

	*overflow = false;
	*neg = *s == '-';
	if (*neg)
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return false;
		if (v > (UINT64_MAX - d) / base) {
			*overflow = true;
			return false;
		}
		v = v * base + d;
	}
	*mag = v;
	return true;
}

/*
 * Parse text as an integer of size bytes and signedness into *out (two's complement).
 * what says what the type is in the sentence ("an unsigned 4-byte integer").
 */
static int parse_int(struct setvar *s, const char *text, uint32_t size, bool is_signed,
		     const char *what, uint64_t *out)
{
	char why[256];
	bool neg, overflow;
	uint64_t mag, max;

	if (!parse_number(text, &neg, &mag, &overflow)) {
		snprintf(why, sizeof(why),
			 overflow ? "the number does not fit in 64 bits"
				  : "%s takes a decimal or 0x-hexadecimal number",
			 what);
		return refuse(s, EINVAL, why);
	}
	if (neg && !is_signed && mag) {
		snprintf(why, sizeof(why), "%s cannot hold a negative value", what);
		return refuse(s, ERANGE, why);
	}
	max = size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
	if (is_signed)
		max >>= 1;
	if (mag > max + (neg && is_signed ? 1 : 0)) {
		if (is_signed)
			snprintf(why, sizeof(why), "%s holds -%llu to %llu", what,
				 (unsigned long long)max + 1, (unsigned long long)max);
		else
			snprintf(why, sizeof(why), "%s holds 0 to %llu", what,
				 (unsigned long long)max);
		return refuse(s, ERANGE, why);
	}
	*out = neg ? (uint64_t)0 - mag : mag;
	return 0;
}

/* Plain char takes 'c'; __u8 and __s8 (unsigned/signed char) are numbers. */
static bool is_char_int(const struct btf *btf, const struct btf_type *t)
{
	return btf_is_int(t) && t->size == 1 &&
	       ((btf_int_encoding(t) & BTF_INT_CHAR) || !strcmp(btf_name(btf, t), "char"));
}

/* Arrays of any 1-byte char type hold strings. */
static bool is_string_elem(const struct btf *btf, const struct btf_type *t)
{
	return btf_is_int(t) && t->size == 1 && !(btf_int_encoding(t) & BTF_INT_BOOL) &&
	       strstr(btf_name(btf, t), "char");
}

static int set_int(struct setvar *s, const struct btf *btf, const struct btf_type *t, uint8_t *dst)
{
	uint8_t enc = btf_int_encoding(t);
	bool is_signed = enc & BTF_INT_SIGNED;
	const char *v = s->value;
	char what[64];
	uint64_t x;
	int r;

	if (btf_int_offset(t) || btf_int_bits(t) != t->size * 8 ||
	    (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8))
		return refuse(s, EOPNOTSUPP,
			      t->size == 16 ? "128-bit integers cannot be set"
					    : "integers with padding bits cannot be set");
	if (enc & BTF_INT_BOOL) {
		if (!strcmp(v, "true") || !strcmp(v, "1"))
			x = 1;
		else if (!strcmp(v, "false") || !strcmp(v, "0"))
			x = 0;
		else
			return refuse(s, EINVAL, "a bool takes true, false, 1 or 0");
		bytes_store_uint(dst, t->size, x);
		return 0;
	}
	if (is_char_int(btf, t)) {
		/* 'c' (quoted) or a single non-digit character; otherwise a number */
		if (v[0] == '\'' && v[1] && v[2] == '\'' && !v[3]) {
			bytes_store_uint(dst, 1, (uint8_t)v[1]);
			return 0;
		}
		if (v[0] && !v[1] && !(v[0] >= '0' && v[0] <= '9')) {
			bytes_store_uint(dst, 1, (uint8_t)v[0]);
			return 0;
		}
		snprintf(what, sizeof(what), "a %s char (a 'c' or a number)",
			 is_signed ? "signed" : "unsigned");
	} else {
		snprintf(what, sizeof(what), "%s %s %u-byte integer", is_signed ? "a" : "an",
			 is_signed ? "signed" : "unsigned", t->size);
	}
	r = parse_int(s, v, t->size, is_signed, what, &x);
	if (r)
		return r;
	bytes_store_uint(dst, t->size, x);
	return 0;
}

static int set_enum(struct setvar *s, const struct btf *btf, const struct btf_type *t, uint8_t *dst)
{
	bool is_signed = btf_enum_signed(t);
	struct strbuf names = {0};
	char what[64];
	uint64_t x;
	int r;

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
		return refuse(s, EOPNOTSUPP, "enums of this size cannot be set");
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		if (!strcmp(btf_str(btf, btf_enum_name_off(t, i)), s->value)) {
			bytes_store_uint(dst, t->size, btf_enum_value(t, i));
			return 0;
		}
	}
	snprintf(what, sizeof(what), "a %u-byte enum", t->size);
	if (parse_number(s->value, &(bool){0}, &x, &(bool){0})) {
		r = parse_int(s, s->value, t->size, is_signed, what, &x);
		if (r)
			return r;
		bytes_store_uint(dst, t->size, x);
		return 0;
	}
	for (uint32_t i = 0; i < btf_vlen(t) && i < 16; i++)
		sb_printf(&names, "%s%s", i ? ", " : "", btf_str(btf, btf_enum_name_off(t, i)));
	if (btf_vlen(t) > 16)
		sb_printf(&names, ", ... (%u in all)", btf_vlen(t));
	{
		char why[768];

		snprintf(why, sizeof(why), "not an enumerator of it (%s) nor a number",
			 btf_vlen(t) ? sb_str(&names) : "it has none");
		r = refuse(s, EINVAL, why);
	}
	sb_free(&names);
	return r;
}

static int set_char_array(struct setvar *s, const struct btf *btf, const struct btf_type *t,
			  uint8_t *dst, uint32_t size)
{
	const struct btf_array *a = btf_array_info(t);
	int elem = btf_skip_mods_typedefs(btf, a->type);
	const struct btf_type *et = elem > 0 ? btf_type(btf, elem) : NULL;
	size_t len = strlen(s->value);
	char why[128];

	if (!et || !is_string_elem(btf, et))
		return refuse(s, EOPNOTSUPP, "only arrays of char can be set (from a string)");
	if (a->nelems != size)
		return refuse(s, EINVAL, "the array's size does not match the variable's");
	if (len + 1 > a->nelems) {
		snprintf(why, sizeof(why), "%zu characters and the NUL do not fit in %u bytes", len,
			 a->nelems);
		return refuse(s, ERANGE, why);
	}
	memset(dst, 0, size);
	memcpy(dst, s->value, len);
	return 0;
}

static int set_typed(struct setvar *s, uint8_t *dst)
{
	const struct btf *btf = s->obj->btf;
	const struct btf_type *t;
	int id = btf_skip_mods_typedefs(btf, s->var->btf_type_id);

	t = id > 0 ? btf_type(btf, id) : NULL;
	if (!t)
		return refuse(s, EINVAL, "its BTF type cannot be resolved");
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (t->size != s->var->size)
			return refuse(s, EINVAL, "its type's size differs from the variable's");
		return btf_is_int(t) ? set_int(s, btf, t, dst) : set_enum(s, btf, t, dst);
	case BTF_KIND_ARRAY:
		return set_char_array(s, btf, t, dst, s->var->size);
	case BTF_KIND_PTR:
		return refuse(s, EOPNOTSUPP,
			      "a pointer cannot be set (an address from the command "
			      "line would mean nothing to the program)");
	case BTF_KIND_FLOAT:
		return refuse(s, EOPNOTSUPP, "floating-point variables cannot be set");
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return refuse(s, EOPNOTSUPP,
			      "structs and unions cannot be set from text (write "
			      "their fields as separate variables)");
	default:
		return refuse(s, EOPNOTSUPP, "variables of this kind of type cannot be set");
	}
}

/* Edit distance between a and b (bounded lengths: names longer than 63 count as 63). */
static unsigned distance(const char *a, const char *b)
{
	unsigned row[64], la = strnlen(a, 63), lb = strnlen(b, 63);

	for (unsigned j = 0; j <= lb; j++)
		row[j] = j;
	for (unsigned i = 1; i <= la; i++) {
		unsigned diag = row[0], tmp;

		row[0] = i;
		for (unsigned j = 1; j <= lb; j++) {
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

static bool var_settable(const struct rb_object *obj, const struct obj_var *v)
{
	return v->btf_type_id && settable_map(&obj->maps[v->map_idx]);
}

/* "no variable 'x' ...; settable: a, b" with the closest names first. */
static int unknown_var(const struct rb_object *obj, const char *name, struct rb_error *err)
{
	size_t idx[SUGGEST_MAX], n = 0, total = 0;
	unsigned dist[SUGGEST_MAX];
	struct strbuf sb = {0};
	int r;

	for (size_t i = 0; i < obj->var_cnt; i++) {
		const struct obj_var *v = &obj->vars[i];
		unsigned d;
		size_t k;

		if (!var_settable(obj, v))
			continue;
		total++;
		d = distance(name, v->name);
		for (k = n; k > 0 && dist[k - 1] > d; k--)
			;
		if (k >= SUGGEST_MAX)
			continue;
		if (n < SUGGEST_MAX)
			n++;
		memmove(&idx[k + 1], &idx[k], (n - 1 - k) * sizeof(idx[0]));
		memmove(&dist[k + 1], &dist[k], (n - 1 - k) * sizeof(dist[0]));
		idx[k] = i;
		dist[k] = d;
	}
	for (size_t k = 0; k < n; k++)
		sb_printf(&sb, "%s%s", k ? ", " : "", obj->vars[idx[k]].name);
	if (total > n)
		sb_printf(&sb, ", ... (%zu in all)", total);
	if (total)
		r = rb_errorf(err, ENOENT,
			      "%s: no global variable '%s' in .data, .rodata or .bss; "
			      "the settable ones are, closest first: %s",
			      obj_file(obj), name, sb_str(&sb));
	else
		r = rb_errorf(err, ENOENT,
			      "%s: no global variable '%s': the object has no settable "
			      "variables in .data, .rodata or .bss (with BTF)",
			      obj_file(obj), name);
	sb_free(&sb);
	return r;
}

RB_API int rb_object_set_var(struct rb_object *obj, const char *name, const char *value,
			     struct rb_error *err)
{
	struct setvar s = {.obj = obj, .value = value, .err = err};
	const struct obj_var *found = NULL;
	struct obj_map *m;
	uint8_t tmp[8];
	int r;

	if (!obj || !name || !value)
		return rb_errorf(err, EINVAL,
				 "rb_object_set_var: object, name and value are needed");
	for (size_t i = 0; i < obj->var_cnt; i++) {
		const struct obj_var *v = &obj->vars[i];

		if (strcmp(v->name, name) || !settable_map(&obj->maps[v->map_idx]))
			continue;
		if (found)
			return rb_errorf(err, EINVAL,
					 "%s: variable '%s' is in both %s and %s: the name "
					 "alone does not say which to set",
					 obj_file(obj), name, obj->maps[found->map_idx].real_name,
					 obj->maps[v->map_idx].real_name);
		found = v;
	}
	if (!found)
		return unknown_var(obj, name, err);
	s.var = found;
	m = &obj->maps[found->map_idx];
	if (!found->btf_type_id || !obj->btf)
		return rb_errorf(err, EINVAL,
				 "%s: cannot set variable '%s' (in %s): it has no BTF "
				 "type to check the value against (build the object with -g)",
				 obj_file(obj), name, m->real_name);
	obj_btf_type_str(obj, found->btf_type_id, s.type, sizeof(s.type));
	if ((uint64_t)found->offset + found->size > m->value_size)
		return refuse(&s, EINVAL, "it lies outside its section's bytes");
	if (!m->data && m->value_size) {
		/* .bss has no bytes in the file: it gets a zeroed image once something is set */
		m->data = calloc(1, m->value_size);
		if (!m->data)
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	}
	/* Parse into a scratch copy so that a refused value leaves the old bytes alone. */
	if (found->size <= sizeof(tmp)) {
		memcpy(tmp, m->data + found->offset, found->size);
		r = set_typed(&s, tmp);
		if (r == 0)
			memcpy(m->data + found->offset, tmp, found->size);
	} else {
		uint8_t *buf = malloc(found->size);

		if (!buf)
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		memcpy(buf, m->data + found->offset, found->size);
		r = set_typed(&s, buf);
		if (r == 0)
			memcpy(m->data + found->offset, buf, found->size);
		free(buf);
	}
	if (r == 0)
		trace_emit(RB_TRACE_INFO, "set", 0, 0, "variable '%s' (%s) in %s at offset %u = %s",
			   name, s.type, m->real_name, found->offset, value);
	return r;
}
