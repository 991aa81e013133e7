// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Prepare: struct_ops maps against the kernel's BTF, no syscall. The kernel describes each
 * struct_ops type twice: `struct <name>` (what the programs attach to: their attach BTF id,
 * and the member index as their expected attach type) and `struct bpf_struct_ops_<name>`,
 * the map's value, which wraps a `struct <name>` (the member called data) after a header of
 * its own. The object's struct may declare fewer members, in another order and with other
 * offsets: members are matched by name, data members copied to the kernel's offset (sizes
 * must agree), function pointers left for the programs' fds, filled in at load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "loader/object.h"
#include "loader/prepare.h"
#include "loader/struct_ops.h"
#include "util/err.h"
#include "util/trace.h"

#define VALUE_PREFIX "bpf_struct_ops_"

static int kind_of(const struct btf *btf, uint32_t id)
{
	int t = btf_skip_mods_typedefs(btf, id);
	const struct btf_type *bt = t > 0 ? btf_type(btf, (uint32_t)t) : NULL;

	return bt ? btf_kind(bt) : -1;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

void st_ops_plan_free(struct st_ops_plan *p)
{
	if (!p)
		return;
	free(p->value);
	free(p->slots);
	memset(p, 0, sizeof(*p));
}

/* The kernel member of struct kt called name, or -1. */
static int kern_member(const struct btf *kbtf, const struct btf_type *kt, const char *name)
{
	const struct btf_member *km = btf_members(kt);

	for (uint32_t i = 0; i < btf_vlen(kt); i++)
		if (!strcmp(btf_str(kbtf, km[i].name_off), name))
			return (int)i;
	return -1;
}

/* Find struct <name>, its value wrapper and where the wrapper holds it. */
static int kern_types(const struct rb_object *obj, const struct obj_map *m,
		      const struct btf *kbtf, const char *kbtf_name, struct st_ops_plan *out,
		      struct rb_error *err)
{
	const char *tname = m->st_ops->type_name;
	const struct btf_type *kt, *vt;
	const struct btf_member *vm;
	char vname[256];
	int kid, vid;
	uint32_t k;

	kid = btf_find(kbtf, tname, BTF_KIND_STRUCT);
	if (kid < 0)
		return rb_errorf(err, ENOENT, "%s: struct_ops map '%s': struct %s is not in the "
				 "kernel's BTF (%s): this kernel has no such struct_ops type",
				 obj_file(obj), m->name, tname, kbtf_name);
	if ((size_t)snprintf(vname, sizeof(vname), VALUE_PREFIX "%s", tname) >= sizeof(vname))
		return rb_errorf(err, ENAMETOOLONG, "%s: struct_ops map '%s': struct name %s is "
				 "too long", obj_file(obj), m->name, tname);
	vid = btf_find(kbtf, vname, BTF_KIND_STRUCT);
	if (vid < 0)
		return rb_errorf(err, ENOENT, "%s: struct_ops map '%s': the kernel's BTF (%s) has "
				 "struct %s but no struct %s: it is not a struct_ops type of this "
				 "kernel", obj_file(obj), m->name, kbtf_name, tname, vname);
	kt = btf_type(kbtf, (uint32_t)kid);
	vt = btf_type(kbtf, (uint32_t)vid);
	vm = btf_members(vt);
	for (k = 0; k < btf_vlen(vt); k++)
		if (btf_skip_mods(kbtf, vm[k].type) == kid)
			break;
	if (k == btf_vlen(vt) || btf_member_bit_offset(vt, k) % 8 ||
	    btf_member_bit_offset(vt, k) / 8 > vt->size ||
	    kt->size > vt->size - btf_member_bit_offset(vt, k) / 8)
		return rb_errorf(err, EINVAL, "%s: struct_ops map '%s': struct %s in %s holds no "
				 "struct %s member (data) inside its %u bytes", obj_file(obj),
				 m->name, vname, kbtf_name, tname, vt->size);
	out->kern_type_id = (uint32_t)kid;
	out->value_type_id = (uint32_t)vid;
	out->value_size = vt->size;
	out->data_off = btf_member_bit_offset(vt, k) / 8;
	return 0;
}

static int add_slot(struct st_ops_plan *out, uint32_t off, uint32_t member, int prog)
{
	struct st_ops_slot *n = realloc(out->slots, (out->slot_cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	out->slots = n;
	n[out->slot_cnt++] = (struct st_ops_slot){ off, member, prog };
	return 0;
}

/* One member of the object's struct into the kernel's layout. */
static int place_member(const struct rb_object *obj, const struct obj_map *m, uint32_t i,
			const struct btf *kbtf, const char *kbtf_name, const struct btf_type *kt,
			struct st_ops_plan *out, struct rb_error *err)
{
	const struct btf *btf = obj->btf;
	const struct btf_type *t = btf_type(btf, m->st_ops->type_id);
	const struct btf_member *mb = &btf_members(t)[i], *km;
	const char *name = btf_str(btf, mb->name_off), *tname = m->st_ops->type_name;
	int prog = m->st_ops->member_prog[i], k;
	uint32_t moff = btf_member_bit_offset(t, i) / 8, kmoff;
	int64_t size, ksize;

#define BAD(e, fmt, ...)                                                                        \
	rb_errorf(err, e, "%s: struct_ops map '%s': member '%s' of struct %s: " fmt, obj_file(obj), \
		  m->name, name, tname, __VA_ARGS__)
	if (btf_member_bitfield_size(t, i) || btf_member_bit_offset(t, i) % 8)
		return BAD(EINVAL, "%s", "a bitfield, which struct_ops values cannot carry");
	size = btf_resolve_size(btf, mb->type, NULL);
	if (size < 0 || moff > t->size || (uint64_t)size > t->size - moff)
		return BAD(EINVAL, "its size cannot be resolved inside the struct's %u bytes",
			   t->size);
	k = name[0] ? kern_member(kbtf, kt, name) : -1;
	if (k < 0) {
		/* as libbpf: a member this kernel lacks may stay if it is zero and unused */
		if (prog >= 0)
			return BAD(ENOTSUP, "not in the kernel's struct (%s), yet program '%s' "
				   "fills it", kbtf_name, obj->progs[prog].name);
		if (!all_zero(m->data + moff, (size_t)size))
			return BAD(ENOTSUP, "not in the kernel's struct (%s), and its value is not "
				   "zero", kbtf_name);
		trace_emit(RB_TRACE_INFO, "struct_ops", 0, 0, "map '%s': member '%s' is not in "
			   "the kernel's struct %s; it is zero, so it is left out", m->name, name,
			   tname);
		return 0;
	}
	km = &btf_members(kt)[k];
	kmoff = btf_member_bit_offset(kt, (uint32_t)k) / 8;
	if (btf_member_bitfield_size(kt, (uint32_t)k) || btf_member_bit_offset(kt, (uint32_t)k) % 8)
		return BAD(EINVAL, "a bitfield in the kernel's struct (%s)", kbtf_name);
	if (kind_of(btf, mb->type) != kind_of(kbtf, km->type))
		return BAD(EINVAL, "a %s in the object but a %s in the kernel (%s)",
			   btf_kind_name((uint16_t)kind_of(btf, mb->type)),
			   btf_kind_name((uint16_t)kind_of(kbtf, km->type)), kbtf_name);
	ksize = btf_resolve_size(kbtf, km->type, NULL);
	if (ksize < 0 || kmoff > kt->size || (uint64_t)ksize > kt->size - kmoff)
		return BAD(EINVAL, "its kernel size cannot be resolved inside the kernel struct's "
			   "%u bytes", kt->size);
	if (btf_is_func_ptr(btf, mb->type)) {
		if (!btf_is_func_ptr(kbtf, km->type))
			return BAD(EINVAL, "a function pointer in the object but not in the "
				   "kernel (%s)", kbtf_name);
		if (prog < 0) {
			if (!all_zero(m->data + moff, (size_t)size))
				return BAD(EINVAL, "%s", "a function pointer holding a value that "
					   "is not a program");
			return 0;
		}
		if (ksize != 8)
			return BAD(EINVAL, "a %lld-byte function pointer in the kernel",
				   (long long)ksize);
		if (add_slot(out, out->data_off + kmoff, (uint32_t)k, prog))
			return rb_errorf(err, ENOMEM, "out of memory");
		trace_emit(RB_TRACE_INFO, "struct_ops", 0, 0, "map '%s': member '%s' (kernel member "
			   "%d, value offset %u) <- program '%s'", m->name, name, k,
			   out->data_off + kmoff, obj->progs[prog].name);
		return 0;
	}
	/* a pointer the object declares otherwise must not put its bytes in a function slot */
	if (btf_is_func_ptr(kbtf, km->type) && !all_zero(m->data + moff, (size_t)size))
		return BAD(EINVAL, "a function pointer in the kernel (%s) but not in the object, "
			   "and its value is not zero", kbtf_name);
	if (size != ksize)
		return BAD(EINVAL, "%lld bytes in the object but %lld in the kernel (%s)",
			   (long long)size, (long long)ksize, kbtf_name);
#undef BAD
	memcpy(out->value + out->data_off + kmoff, m->data + moff, (size_t)size);
	return 0;
}

int st_ops_plan_build(const struct rb_object *obj, size_t map_idx, const struct btf *kbtf,
		      const char *kbtf_name, struct st_ops_plan *out, struct rb_error *err)
{
	const struct obj_map *m = &obj->maps[map_idx];
	const struct btf_type *t, *kt;
	int r;

	memset(out, 0, sizeof(*out));
	out->map_idx = map_idx;
	if (m->kind != OBJ_MAP_STRUCT_OPS || !m->st_ops || !obj->btf)
		return rb_errorf(err, EINVAL, "%s: map '%s' is not a struct_ops map", obj_file(obj),
				 m->name);
	r = kern_types(obj, m, kbtf, kbtf_name, out, err);
	if (r)
		return r;
	out->value = calloc(1, out->value_size ? out->value_size : 1);
	if (!out->value)
		return rb_errorf(err, ENOMEM, "out of memory");
	t = btf_type(obj->btf, m->st_ops->type_id);
	kt = btf_type(kbtf, out->kern_type_id);
	for (uint32_t i = 0; i < btf_vlen(t) && i < m->st_ops->member_cnt; i++) {
		r = place_member(obj, m, i, kbtf, kbtf_name, kt, out, err);
		if (r) {
			st_ops_plan_free(out);
			return r;
		}
	}
	trace_emit(RB_TRACE_INFO, "struct_ops", 0, 0, "map '%s': struct %s [%u], value struct "
		   VALUE_PREFIX "%s [%u] of %u bytes, data at %u, %zu programs", m->name,
		   m->st_ops->type_name, out->kern_type_id, m->st_ops->type_name,
		   out->value_type_id, out->value_size, out->data_off, out->slot_cnt);
	return 0;
}

void st_ops_prepared_free(struct rb_prepared *pp)
{
	for (size_t i = 0; i < pp->st_ops_cnt; i++)
		st_ops_plan_free(&pp->st_ops[i]);
	free(pp->st_ops);
	free(pp->st_prog_btf_id);
	free(pp->st_prog_member);
	pp->st_ops = NULL;
	pp->st_prog_btf_id = NULL;
	pp->st_prog_member = NULL;
	pp->st_ops_cnt = 0;
}

const struct st_ops_plan *st_ops_plan_for(const struct rb_prepared *pp, size_t map_idx)
{
	for (size_t i = 0; pp && i < pp->st_ops_cnt; i++)
		if (pp->st_ops[i].map_idx == map_idx)
			return &pp->st_ops[i];
	return NULL;
}

/* Give a program its attach id and member; one program serves one (struct, member) only. */
static int bind_prog(const struct rb_object *obj, struct rb_prepared *pp,
		     const struct st_ops_plan *pl, const struct st_ops_slot *sl, struct rb_error *err)
{
	const struct obj_prog *p = &obj->progs[sl->prog];

	if (pp->st_prog_member[sl->prog] >= 0 &&
	    (pp->st_prog_btf_id[sl->prog] != pl->kern_type_id ||
	     pp->st_prog_member[sl->prog] != (int)sl->member))
		return rb_errorf(err, EINVAL, "%s: program '%s' fills member %u of struct_ops map "
				 "'%s' and also member %d of another struct or map: a struct_ops "
				 "program attaches to one member of one struct only",
				 obj_file(obj), p->name, sl->member, obj->maps[pl->map_idx].name,
				 pp->st_prog_member[sl->prog]);
	pp->st_prog_btf_id[sl->prog] = pl->kern_type_id;
	pp->st_prog_member[sl->prog] = (int)sl->member;
	return 0;
}

int st_ops_prepare(const struct rb_object *obj, const struct btf *kbtf, const char *kbtf_name,
		   struct rb_prepared *pp, struct rb_error *err)
{
	size_t n = 0;
	int r;

	for (size_t i = 0; i < obj->map_cnt; i++)
		n += obj->maps[i].kind == OBJ_MAP_STRUCT_OPS && !obj->maps[i].st_ops->optional;
	pp->st_prog_btf_id = calloc(obj->prog_cnt + 1, sizeof(*pp->st_prog_btf_id));
	pp->st_prog_member = malloc((obj->prog_cnt + 1) * sizeof(*pp->st_prog_member));
	pp->st_ops = calloc(n + 1, sizeof(*pp->st_ops));
	if (!pp->st_prog_btf_id || !pp->st_prog_member || !pp->st_ops)
		return rb_errorf(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < obj->prog_cnt; i++)
		pp->st_prog_member[i] = -1;
	for (size_t i = 0; i < obj->map_cnt; i++) {
		const struct obj_map *m = &obj->maps[i];
		struct st_ops_plan *pl = &pp->st_ops[pp->st_ops_cnt];

		if (m->kind != OBJ_MAP_STRUCT_OPS)
			continue;
		if (m->st_ops->optional) {
			trace_emit(RB_TRACE_INFO, "struct_ops", 0, 0, "map '%s': its section is "
				   "marked '?': not created", m->name);
			continue;
		}
		if (!kbtf)
			return rb_errorf(err, ENOENT, "%s: struct_ops map '%s' needs the kernel's "
					 "BTF (%s), which cannot be read", obj_file(obj), m->name,
					 kbtf_name);
		r = st_ops_plan_build(obj, i, kbtf, kbtf_name, pl, err);
		if (r)
			return r;
		pp->st_ops_cnt++;
		for (size_t s = 0; s < pl->slot_cnt; s++) {
			r = bind_prog(obj, pp, pl, &pl->slots[s], err);
			if (r)
				return r;
		}
	}
	return 0;
}
