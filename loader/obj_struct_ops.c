// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Open: struct_ops maps. Every variable of a `.struct_ops` or `.struct_ops.link` section
 * (a leading '?' marks one not to create) is one BPF_MAP_TYPE_STRUCT_OPS map named after the
 * variable, its value the variable's struct as the object lays it out. The section's
 * relocations (R_BPF_64_ABS64 against a function symbol, at a member's offset) say which
 * program fills which function-pointer member.
 */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "loader/object.h"
#include "loader/struct_ops.h"
#include "util/err.h"
#include "util/trace.h"

#ifndef R_BPF_64_ABS64
#define R_BPF_64_ABS64 2
#endif

void obj_st_ops_free(struct obj_st_ops *so)
{
	if (!so)
		return;
	free(so->member_prog);
	free(so);
}

/* ".struct_ops" (0), ".struct_ops.link" (1), either with '?' (optional), or -1. */
static int st_ops_section(const char *name, bool *optional)
{
	*optional = name[0] == '?';
	if (*optional)
		name++;
	if (!strcmp(name, ".struct_ops"))
		return 0;
	if (!strcmp(name, ".struct_ops.link"))
		return 1;
	return -1;
}

static int sym_in_section(const struct rb_object *obj, const char *name, uint32_t sec)
{
	const struct elf_file *ef = &obj->elf;

	for (size_t i = 1; i < ef->sym_cnt; i++)
		if (ef->syms[i].shndx == sec && ef->syms[i].type != STT_SECTION &&
		    !strcmp(ef->syms[i].name, name))
			return (int)i;
	return -1;
}

/* One variable of the section's DATASEC: a map. */
static int add_map(struct rb_object *obj, const struct elf_section *s, bool link, bool optional,
		   const struct btf_var_secinfo *vs, struct rb_error *err)
{
	const struct btf *btf = obj->btf;
	const struct btf_type *v = btf_type(btf, vs->type), *t;
	struct obj_st_ops *so;
	struct obj_map *m;
	const char *name;
	uint64_t off = vs->offset;
	int tid, sym, idx;

	if (!v || !btf_is_var(v))
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: DATASEC entry type [%u] is "
				 "not a VAR", obj_file(obj), s->name, s->idx, vs->type);
	name = btf_name(btf, v);
	if (btf_var_info(v)->linkage != BTF_VAR_GLOBAL_ALLOCATED)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: struct_ops variable '%s' "
				 "must be a global variable (its linkage is %u)", obj_file(obj),
				 s->name, s->idx, name, btf_var_info(v)->linkage);
	tid = btf_skip_mods(btf, v->type);
	t = tid > 0 ? btf_type(btf, (uint32_t)tid) : NULL;
	if (!t || !btf_is_struct(t))
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: struct_ops variable '%s' "
				 "is not a struct (type [%u])", obj_file(obj), s->name, s->idx,
				 name, v->type);
	if (!btf_name(btf, t)[0])
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: struct_ops variable '%s' "
				 "has an anonymous struct type: the kernel's is found by name",
				 obj_file(obj), s->name, s->idx, name);
	sym = sym_in_section(obj, name, s->idx);
	if (sym >= 0)
		off = obj->elf.syms[sym].value; /* compilers leave the offset to the symbol */
	if (!s->data || off > s->size || t->size > s->size - off || !t->size)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: struct_ops variable '%s' at "
				 "offset 0x%llx (%u bytes) is not inside the section's %llu bytes",
				 obj_file(obj), s->name, s->idx, name, (unsigned long long)off,
				 t->size, (unsigned long long)s->size);
	idx = obj_add_map(obj);
	if (idx < 0)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	m = &obj->maps[idx];
	m->kind = OBJ_MAP_STRUCT_OPS;
	m->name = strdup(name);
	m->real_name = strdup(name);
	m->sec_idx = (int)s->idx;
	m->sec_off = off;
	m->def_size = t->size;
	m->type = BPF_MAP_TYPE_STRUCT_OPS;
	m->key_size = 4;
	m->value_size = t->size;
	m->max_entries = 1;
	m->map_flags = link ? (1U << 13) /* BPF_F_LINK */ : 0;
	m->btf_var_id = vs->type;
	m->data = malloc(t->size);
	m->st_ops = so = calloc(1, sizeof(*so));
	if (so)
		so->member_prog = malloc((btf_vlen(t) + 1) * sizeof(*so->member_prog));
	if (!m->name || !m->real_name || !m->data || !so || !so->member_prog)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	memcpy(m->data, s->data + off, t->size);
	so->type_id = (uint32_t)tid;
	so->type_name = btf_name(btf, t);
	so->member_cnt = btf_vlen(t);
	for (uint32_t i = 0; i < so->member_cnt; i++)
		so->member_prog[i] = -1;
	so->link = link;
	so->optional = optional;
	trace_emit(RB_TRACE_INFO, "struct_ops", 0, 0, "map '%s': struct %s, %u bytes at 0x%llx of "
		   "section '%s'%s", name, so->type_name, t->size, (unsigned long long)off,
		   s->name, link ? ", BPF_F_LINK" : "");
	return 0;
}

/* The struct_ops map of section sec covering byte off, or -1. */
static int map_covering(const struct rb_object *obj, uint32_t sec, uint64_t off)
{
	for (size_t i = 0; i < obj->map_cnt; i++) {
		const struct obj_map *m = &obj->maps[i];

		if (m->kind == OBJ_MAP_STRUCT_OPS && m->sec_idx == (int)sec && off >= m->sec_off &&
		    off < m->sec_off + m->def_size)
			return (int)i;
	}
	return -1;
}

/* One relocation of the section: a program into a function-pointer member. */
static int bind_member(struct rb_object *obj, const struct elf_section *s, size_t ri,
		       const struct elf_reloc *r, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	const struct elf_symbol *y = &ef->syms[r->sym];
	const struct btf_type *t;
	const struct btf_member *mb;
	const struct obj_prog *p;
	struct obj_map *m;
	uint64_t moff;
	uint32_t k;
	int mi;

#define BAD(fmt, ...)                                                                          \
	rb_errorf(err, EINVAL, "%s: section '%s' [%u]: relocation %zu at offset 0x%llx: " fmt,  \
		  obj_file(obj), s->name, s->idx, ri, (unsigned long long)r->offset, __VA_ARGS__)
	if (r->type != R_BPF_64_ABS64)
		return BAD("type %u, expected R_BPF_64_ABS64 (a function's address)", r->type);
	mi = map_covering(obj, s->idx, r->offset);
	if (mi < 0)
		return BAD("%s", "no struct_ops variable covers this offset");
	m = &obj->maps[mi];
	moff = r->offset - m->sec_off;
	t = btf_type(obj->btf, m->st_ops->type_id);
	mb = btf_members(t);
	for (k = 0; k < btf_vlen(t); k++)
		if (btf_member_bit_offset(t, k) == moff * 8)
			break;
	if (k == btf_vlen(t))
		return BAD("no member of struct %s (map '%s') starts at its byte %llu",
			   m->st_ops->type_name, m->name, (unsigned long long)moff);
	if (!btf_is_func_ptr(obj->btf, mb[k].type))
		return BAD("member '%s' of struct %s (map '%s') is not a function pointer",
			   btf_str(obj->btf, mb[k].name_off), m->st_ops->type_name, m->name);
	if (y->shndx == SHN_UNDEF || y->shndx >= ef->sec_cnt ||
	    !(ef->secs[y->shndx].flags & SHF_EXECINSTR))
		return BAD("symbol '%s' for member '%s' is not a function in a program section",
			   y->name, btf_str(obj->btf, mb[k].name_off));
	p = obj_prog_at(obj, y->shndx, y->value);
	if (!p || p->sec_off != y->value || p->subprog)
		return BAD("symbol '%s' for member '%s' is not the start of a program",
			   y->name, btf_str(obj->btf, mb[k].name_off));
	if (p->prog_type != BPF_PROG_TYPE_STRUCT_OPS)
		return BAD("program '%s' (section '%s') fills member '%s' but is not a struct_ops "
			   "program (SEC(\"struct_ops/...\"))", p->name, p->sec_name,
			   btf_str(obj->btf, mb[k].name_off));
	if (m->st_ops->member_prog[k] >= 0)
		return BAD("member '%s' of map '%s' is filled twice",
			   btf_str(obj->btf, mb[k].name_off), m->name);
#undef BAD
	m->st_ops->member_prog[k] = (int)(p - obj->progs);
	return 0;
}

int obj_collect_struct_ops(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;

	for (size_t i = 1; i < ef->sec_cnt; i++) {
		const struct elf_section *s = &ef->secs[i];
		const struct elf_relsec *rs;
		const struct btf_type *ds;
		bool optional;
		int link = st_ops_section(s->name, &optional), id;

		if (link < 0)
			continue;
		if (!obj->btf)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%zu]: struct_ops maps need "
					 "the object's BTF (.BTF) to know their struct", obj_file(obj),
					 s->name, i);
		id = btf_find(obj->btf, s->name, BTF_KIND_DATASEC);
		if (id < 0)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%zu]: no DATASEC '%s' in "
					 ".BTF describes its variables", obj_file(obj), s->name, i,
					 s->name);
		ds = btf_type(obj->btf, (uint32_t)id);
		for (uint32_t k = 0; k < btf_vlen(ds); k++) {
			int r = add_map(obj, s, link, optional, &btf_secinfos(ds)[k], err);

			if (r)
				return r;
		}
		rs = elf_file_relsec_for(ef, s->idx);
		for (size_t k = 0; rs && k < rs->cnt; k++) {
			int r = bind_member(obj, s, k, &rs->relocs[k], err);

			if (r)
				return r;
		}
	}
	return 0;
}
