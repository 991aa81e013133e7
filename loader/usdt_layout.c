// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The USDT argument recipe as the object's own usdt.bpf.h lays it out. libbpf changed
 * struct __bpf_usdt_arg_spec in 1.7 (arg_type became an 8-bit bit-field followed by the
 * index register offset and the scale's shift for base + index * scale operands), so a
 * loader that hard-codes one layout writes garbage for objects built against the other.
 * Here every field is a bit offset and width read from the object's BTF, and the argument
 * kinds are found by enumerator name; the encoder writes bit by bit (little-endian: bit k
 * of a struct is bit k % 8 of byte k / 8, which is how BTF numbers bit-fields there).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "btf/btf.h"
#include "loader/usdt.h"
#include "util/err.h"

#define MAX_SPEC_ARGS 64 /* far more than <sys/sdt.h> can emit; bounds a hostile array */

void usdt_layout_legacy(struct usdt_spec_layout *lay)
{
	memset(lay, 0, sizeof(*lay));
	lay->size = 208;
	lay->arg_size = 16;
	lay->max_args = 12;
	lay->val_off = (struct usdt_field){0, 64};
	lay->arg_type = (struct usdt_field){64, 32};
	lay->reg_off = (struct usdt_field){96, 16};
	lay->arg_signed = (struct usdt_field){112, 8};
	lay->arg_bitshift = (struct usdt_field){120, 8};
	lay->cookie = (struct usdt_field){1536, 64};
	lay->arg_cnt = (struct usdt_field){1600, 16};
	lay->kind_const = 0;
	lay->kind_reg = 1;
	lay->kind_deref = 2;
}

/* Member name of composite t: its index, or -1. */
static int member_index(const struct btf *btf, const struct btf_type *t, const char *name)
{
	const struct btf_member *m = btf_members(t);

	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const char *n = btf_str(btf, m[i].name_off);

		if (n && !strcmp(n, name))
			return (int)i;
	}
	return -1;
}

/*
 * Integer-like member name of struct t (INT or enum, through typedefs and modifiers) as a
 * bit offset and width. Missing: bits 0, and an error only when required.
 */
static int int_field(const struct btf *btf, const struct btf_type *t, const char *sname,
		     const char *name, bool required, struct usdt_field *f, struct rb_error *e)
{
	int i = member_index(btf, t, name), id;
	const struct btf_type *mt;
	uint32_t off, bits;

	f->bit_off = f->bits = 0;
	if (i < 0)
		return required ? rb_errorf(e, EINVAL, "BTF struct %s has no member '%s'", sname,
					    name)
				: 0;
	id = btf_skip_mods_typedefs(btf, btf_members(t)[i].type);
	mt = id > 0 ? btf_type(btf, (uint32_t)id) : NULL;
	if (!mt || (!btf_is_int(mt) && !btf_is_any_enum(mt)))
		return rb_errorf(e, EINVAL, "BTF struct %s: member '%s' is not an integer or enum",
				 sname, name);
	off = btf_member_bit_offset(t, (uint32_t)i);
	bits = btf_member_bitfield_size(t, (uint32_t)i);
	if (!bits && btf_is_int(mt)) { /* a bit-field the old way: in the INT's encoding */
		bits = btf_int_bits(mt);
		off += btf_int_offset(mt);
	} else if (!bits) {
		bits = mt->size * 8;
	}
	if (!bits || bits > 64 || off > t->size * 8 || bits > t->size * 8 - off)
		return rb_errorf(e, EINVAL,
				 "BTF struct %s: member '%s' (%u bits at bit %u) does not fit its "
				 "%u bytes",
				 sname, name, bits, off, t->size);
	f->bit_off = off;
	f->bits = bits;
	return 0;
}

/* Value of enumerator name in enum t; false when it has none. */
static bool enum_value(const struct btf *btf, const struct btf_type *t, const char *name,
		       uint64_t *v)
{
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const char *n = btf_str(btf, btf_enum_name_off(t, i));

		if (n && !strcmp(n, name)) {
			*v = btf_enum_value(t, i);
			return true;
		}
	}
	return false;
}

/* The struct (or -EINVAL) that id names, through typedefs and modifiers. */
static const struct btf_type *struct_at(const struct btf *btf, uint32_t id)
{
	int r = btf_skip_mods_typedefs(btf, id);
	const struct btf_type *t = r > 0 ? btf_type(btf, (uint32_t)r) : NULL;

	return t && btf_is_struct(t) ? t : NULL;
}

int usdt_layout_from_btf(const struct btf *btf, uint32_t spec_type_id,
			 struct usdt_spec_layout *lay, struct rb_error *e)
{
	const struct btf_type *spec = struct_at(btf, spec_type_id), *arg, *at, *et;
	const struct btf_array *arr;
	int i, r, id;
	uint32_t off;

	memset(lay, 0, sizeof(*lay));
	if (!spec)
		return rb_errorf(e, EINVAL, "BTF type [%u] (the USDT specs map's value) is not a "
					    "struct", spec_type_id);
	if (!spec->size || spec->size > USDT_SPEC_MAX_SIZE)
		return rb_errorf(e, EINVAL, "BTF struct __bpf_usdt_spec [%u] has size %u (1..%d)",
				 spec_type_id, spec->size, USDT_SPEC_MAX_SIZE);
	lay->size = spec->size;
	i = member_index(btf, spec, "args");
	id = i < 0 ? -1 : btf_skip_mods_typedefs(btf, btf_members(spec)[i].type);
	at = id > 0 ? btf_type(btf, (uint32_t)id) : NULL;
	if (!at || !btf_is_array(at))
		return rb_errorf(e, EINVAL, "BTF struct __bpf_usdt_spec [%u] has no 'args' array",
				 spec_type_id);
	arr = btf_array_info(at);
	arg = struct_at(btf, arr->type);
	off = btf_member_bit_offset(spec, (uint32_t)i);
	if (!arg || !arg->size || !arr->nelems || arr->nelems > MAX_SPEC_ARGS || off % 8 ||
	    off / 8 > spec->size || (uint64_t)arg->size * arr->nelems > spec->size - off / 8)
		return rb_errorf(e, EINVAL,
				 "BTF struct __bpf_usdt_spec [%u]: 'args' is not an array of 1..%d "
				 "structs inside its %u bytes",
				 spec_type_id, MAX_SPEC_ARGS, spec->size);
	lay->args_off = off / 8;
	lay->arg_size = arg->size;
	lay->max_args = arr->nelems;
	r = int_field(btf, spec, "__bpf_usdt_spec", "usdt_cookie", true, &lay->cookie, e);
	if (!r)
		r = int_field(btf, spec, "__bpf_usdt_spec", "arg_cnt", true, &lay->arg_cnt, e);
	if (!r)
		r = int_field(btf, arg, "__bpf_usdt_arg_spec", "val_off", true, &lay->val_off, e);
	if (!r)
		r = int_field(btf, arg, "__bpf_usdt_arg_spec", "arg_type", true, &lay->arg_type, e);
	if (!r)
		r = int_field(btf, arg, "__bpf_usdt_arg_spec", "reg_off", true, &lay->reg_off, e);
	if (!r)
		r = int_field(btf, arg, "__bpf_usdt_arg_spec", "arg_signed", true,
			      &lay->arg_signed, e);
	if (!r)
		r = int_field(btf, arg, "__bpf_usdt_arg_spec", "arg_bitshift", true,
			      &lay->arg_bitshift, e);
	if (!r)
		r = int_field(btf, arg, "__bpf_usdt_arg_spec", "idx_reg_off", false,
			      &lay->idx_reg_off, e);
	if (!r)
		r = int_field(btf, arg, "__bpf_usdt_arg_spec", "scale_bitshift", false,
			      &lay->scale_bitshift, e);
	if (r)
		return r;
	/* the kinds: arg_type's own enum, or (a plain integer field) the enum by its name */
	i = member_index(btf, arg, "arg_type");
	id = btf_skip_mods_typedefs(btf, btf_members(arg)[i].type);
	et = id > 0 ? btf_type(btf, (uint32_t)id) : NULL;
	if (et && !btf_is_any_enum(et)) {
		id = btf_find(btf, "__bpf_usdt_arg_type", BTF_KIND_ENUM);
		et = id > 0 ? btf_type(btf, (uint32_t)id) : NULL;
	}
	if (!et || !btf_is_any_enum(et) ||
	    !enum_value(btf, et, "BPF_USDT_ARG_CONST", &lay->kind_const) ||
	    !enum_value(btf, et, "BPF_USDT_ARG_REG", &lay->kind_reg) ||
	    !enum_value(btf, et, "BPF_USDT_ARG_REG_DEREF", &lay->kind_deref))
		return rb_errorf(e, EINVAL,
				 "BTF struct __bpf_usdt_arg_spec: 'arg_type' is not an enum with "
				 "BPF_USDT_ARG_CONST, BPF_USDT_ARG_REG and BPF_USDT_ARG_REG_DEREF");
	/* SIB needs the kind and both fields; a layout with only some of them cannot use it */
	lay->has_sib = enum_value(btf, et, "BPF_USDT_ARG_SIB", &lay->kind_sib) &&
		       lay->idx_reg_off.bits && lay->scale_bitshift.bits;
	return 0;
}

/* v fits bits as an unsigned or as a two's complement signed value. */
static bool fits(uint64_t v, uint32_t bits)
{
	int64_t s = (int64_t)v;

	if (bits >= 64)
		return true;
	return v < (1ULL << bits) || (s < 0 && s >= -(int64_t)(1ULL << (bits - 1)));
}

static void put_bits(unsigned char *b, uint32_t off, uint32_t bits, uint64_t v)
{
	for (uint32_t k = 0; k < bits; k++) {
		uint32_t bit = off + k;

		if ((v >> k) & 1)
			b[bit / 8] |= (unsigned char)(1u << (bit % 8));
		else
			b[bit / 8] &= (unsigned char)~(1u << (bit % 8));
	}
}

struct enc {
	const struct usdt_probe *p;
	int arg; /* 1-based, 0 for the spec's own fields */
	struct rb_error *e;
};

static int put(const struct enc *c, unsigned char *b, const struct usdt_field *f, const char *name,
	       uint64_t v)
{
	if (!f->bits)
		return 0;
	if (!fits(v, f->bits))
		return rb_errorf(c->e, ERANGE,
				 "USDT %s:%s: %s %lld (argument %d) does not fit the %u-bit field "
				 "of the object's struct %s",
				 c->p->provider, c->p->name, name, (long long)v, c->arg, f->bits,
				 c->arg ? "__bpf_usdt_arg_spec" : "__bpf_usdt_spec");
	put_bits(b, f->bit_off, f->bits, v);
	return 0;
}

/* The argument as written in the note, rebuilt from what was parsed (for messages). */
static void arg_text(const struct usdt_arg *a, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%u@", a->is_signed ? "-" : "", a->size);

	if (n < 0 || (size_t)n >= len)
		return;
	if (a->val_off)
		n += snprintf(buf + n, len - (size_t)n, "%lld", (long long)a->val_off);
	if ((size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "(%s%s,%%%s,%u)", a->reg_off >= 0 ? "%" : "",
			 a->reg, a->idx_reg, a->scale);
}

static int encode_arg(const struct enc *c, const struct usdt_spec_layout *lay,
		      const struct usdt_arg *a, unsigned char *s)
{
	uint64_t kind, val = (uint64_t)a->val_off;
	int reg = a->reg_off, idx = 0, shift = 0, r;
	bool sib = false;

	if (a->sym[0])
		return rb_errorf(c->e, EINVAL,
				 "USDT %s:%s: argument %d is at symbol '%s', not yet resolved "
				 "against the binary",
				 c->p->provider, c->p->name, c->arg, a->sym);
	switch (a->kind) {
	case USDT_ARG_CONST:
		kind = lay->kind_const;
		reg = 0;
		break;
	case USDT_ARG_REG:
		kind = lay->kind_reg;
		val = 0;
		/*
		 * %ah and co: the BPF side reads 8 bytes of pt_regs at reg_off and keeps the
		 * low byte; starting one byte into the slot makes bits 8..15 that low byte.
		 */
		if (a->high8)
			reg += 1;
		break;
	case USDT_ARG_REG_DEREF:
		kind = lay->kind_deref;
		break;
	case USDT_ARG_SIB:
		if (a->reg_off < 0 && a->scale == 1) { /* (,%idx,1): just memory at %idx + disp */
			kind = lay->kind_deref;
			reg = a->idx_reg_off;
			break;
		}
		if (!lay->has_sib) {
			char t[96];

			arg_text(a, t, sizeof(t));
			return rb_errorf(c->e, EOPNOTSUPP,
					 "USDT %s:%s: argument %d '%s' is read as base + index * "
					 "scale, which the object's usdt.bpf.h is too old to fetch "
					 "(its enum __bpf_usdt_arg_type has no BPF_USDT_ARG_SIB): "
					 "build the object against libbpf 1.7's usdt.bpf.h or newer",
					 c->p->provider, c->p->name, c->arg, t);
		}
		kind = lay->kind_sib;
		sib = true;
		idx = a->idx_reg_off;
		shift = a->scale == 8 ? 3 : a->scale == 4 ? 2 : a->scale == 2 ? 1 : 0;
		if (a->reg_off < 0) {
			/* no base: only idx * 2 = idx + idx * 1 can be said with a base */
			if (a->scale != 2) {
				char t[96];

				arg_text(a, t, sizeof(t));
				return rb_errorf(c->e, EOPNOTSUPP,
						 "USDT %s:%s: argument %d '%s' has an index scaled "
						 "by %u and no base register, which usdt.bpf.h "
						 "cannot express",
						 c->p->provider, c->p->name, c->arg, t, a->scale);
			}
			reg = idx;
			shift = 0;
		}
		break;
	default:
		return rb_errorf(c->e, EINVAL, "USDT %s:%s: argument %d has no known kind",
				 c->p->provider, c->p->name, c->arg);
	}
	r = put(c, s, &lay->val_off, "val_off", val);
	if (!r)
		r = put(c, s, &lay->arg_type, "arg_type", kind);
	if (!r)
		r = put(c, s, &lay->reg_off, "reg_off", (uint64_t)(int64_t)reg);
	if (!r && sib)
		r = put(c, s, &lay->idx_reg_off, "idx_reg_off", (uint64_t)idx);
	if (!r && sib)
		r = put(c, s, &lay->scale_bitshift, "scale_bitshift", (uint64_t)shift);
	if (!r)
		r = put(c, s, &lay->arg_signed, "arg_signed", a->is_signed);
	if (!r)
		r = put(c, s, &lay->arg_bitshift, "arg_bitshift", 64 - 8 * (uint64_t)a->size);
	return r;
}

int usdt_spec_encode(const struct usdt_probe *p, const struct usdt_spec_layout *lay,
		     uint64_t cookie, void *out, size_t len, struct rb_error *e)
{
	unsigned char *b = out;
	struct enc c = {.p = p, .e = e};
	int r;

	if (len < lay->size)
		return rb_errorf(e, EINVAL, "USDT %s:%s: spec buffer of %zu bytes, need %u",
				 p->provider, p->name, len, lay->size);
	if (p->nargs < 0 || p->nargs > USDT_MAX_ARGS || (uint32_t)p->nargs > lay->max_args)
		return rb_errorf(e, E2BIG,
				 "USDT %s:%s: %d arguments, the object's usdt.bpf.h holds %u",
				 p->provider, p->name, p->nargs, lay->max_args);
	memset(b, 0, len);
	for (int i = 0; i < p->nargs; i++) {
		c.arg = i + 1;
		r = encode_arg(&c, lay, &p->args[i],
			       b + lay->args_off + (size_t)i * lay->arg_size);
		if (r)
			return r;
	}
	c.arg = 0;
	r = put(&c, b, &lay->cookie, "usdt_cookie", cookie);
	if (!r)
		r = put(&c, b, &lay->arg_cnt, "arg_cnt", (uint64_t)p->nargs);
	return r;
}
