// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Resolvers that follow type chains: modifiers, typedefs, sizes and alignment. */
#include <errno.h>
#include <stdint.h>

#include "btf/btf.h"
#include "util/err.h"

static int skip(const struct btf *btf, uint32_t id, bool typedefs)
{
	for (int depth = 0; depth <= BTF_MAX_DEPTH; depth++) {
		const struct btf_type *t = btf_type(btf, id);

		if (!t)
			return -EINVAL;
		if (!btf_is_mod(t) && !(typedefs && btf_is_typedef(t)))
			return (int)id;
		id = t->type;
	}
	return -ELOOP;
}

int btf_skip_mods(const struct btf *btf, uint32_t id)
{
	return skip(btf, id, false);
}

int btf_skip_mods_typedefs(const struct btf *btf, uint32_t id)
{
	return skip(btf, id, true);
}

bool btf_is_func_ptr(const struct btf *btf, uint32_t id)
{
	int t = btf_skip_mods_typedefs(btf, id);
	const struct btf_type *pt = t > 0 ? btf_type(btf, (uint32_t)t) : NULL;

	if (!pt || !btf_is_ptr(pt))
		return false;
	t = btf_skip_mods_typedefs(btf, pt->type);
	pt = t > 0 ? btf_type(btf, (uint32_t)t) : NULL;
	return pt && btf_is_func_proto(pt);
}

int64_t btf_resolve_size(const struct btf *btf, uint32_t id, struct rb_error *err)
{
	uint64_t nelems = 1;
	uint32_t start = id;

	for (int depth = 0; depth <= BTF_MAX_DEPTH; depth++) {
		const struct btf_type *t = btf_type(btf, id);
		uint64_t size;

		if (!t)
			return rb_errorf(err, EINVAL, "BTF: type [%u] does not exist", id);
		switch (btf_kind(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			size = t->size;
			goto done;
		case BTF_KIND_PTR:
			size = 8;
			goto done;
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_CONST:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
		case BTF_KIND_VAR:
			id = t->type;
			break;
		case BTF_KIND_ARRAY:
			nelems *= btf_array_info(t)->nelems;
			if (nelems > UINT32_MAX)
				return rb_errorf(err, E2BIG,
						 "BTF: type [%u]: array size overflows 32 bits",
						 start);
			id = btf_array_info(t)->type;
			break;
		default:
			return rb_errorf(err, EINVAL, "BTF: type [%u]: %s [%u] has no size", start,
					 id ? btf_kind_name(btf_kind(t)) : "void", id);
		}
		continue;
done:
		size *= nelems;
		if (size > UINT32_MAX)
			return rb_errorf(err, E2BIG, "BTF: type [%u]: size overflows 32 bits", start);
		return (int64_t)size;
	}
	return rb_errorf(err, ELOOP, "BTF: type [%u]: type chain deeper than %d (a loop?)", start,
			 BTF_MAX_DEPTH);
}

static int align_rec(const struct btf *btf, uint32_t id, int depth, struct rb_error *err)
{
	const struct btf_type *t;
	int r;

	if (depth > BTF_MAX_DEPTH)
		return rb_errorf(err, ELOOP, "BTF: type [%u]: type chain deeper than %d (a loop?)",
				 id, BTF_MAX_DEPTH);
	t = btf_type(btf, id);
	if (!t)
		return rb_errorf(err, EINVAL, "BTF: type [%u] does not exist", id);
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FLOAT:
		return t->size < 8 ? (int)t->size : 8;
	case BTF_KIND_PTR:
		return 8;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
		return align_rec(btf, t->type, depth + 1, err);
	case BTF_KIND_ARRAY:
		return align_rec(btf, btf_array_info(t)->type, depth + 1, err);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		int max = 1;

		for (uint32_t i = 0; i < btf_vlen(t); i++) {
			r = align_rec(btf, btf_members(t)[i].type, depth + 1, err);
			if (r < 0)
				return r;
			/* A member that is not naturally aligned means the struct is packed. */
			if (btf_member_bit_offset(t, i) % (8u * r) &&
			    !btf_member_bitfield_size(t, i))
				return 1;
			if (r > max)
				max = r;
		}
		if (t->size % max)
			return 1; /* packed: the size is not a multiple of the alignment */
		return max;
	}
	default:
		return rb_errorf(err, EINVAL, "BTF: type [%u]: %s has no alignment", id,
				 id ? btf_kind_name(btf_kind(t)) : "void");
	}
}

int btf_align(const struct btf *btf, uint32_t id, struct rb_error *err)
{
	return align_rec(btf, id, 0, err);
}
