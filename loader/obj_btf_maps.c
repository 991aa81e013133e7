// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BTF-defined maps: each VAR of the `.maps` DATASEC is a struct whose members encode the
 * attributes (the __uint/__type/__array macros of bpf_helpers.h). An integer attribute is a
 * pointer to an array whose element count is the value; key/value are pointers to the types;
 * `values` is a zero-length array of pointers to the inner map's definition (map-in-map) or to
 * a function prototype (prog array), whose initial slots arrive as relocations in `.rel.maps`.
 */
#include <errno.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "loader/obj_btf.h"
#include "loader/object.h"
#include "util/err.h"

struct map_ctx {
	struct rb_object *obj;
	const char *name;     /* the map (outer map for an inner definition) */
	uint64_t off;         /* its offset in .maps */
	struct rb_error *err;
};

#define MAPS_SEC(c) (c)->obj->maps_sec

static int map_err(const struct map_ctx *c, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int map_err(const struct map_ctx *c, const char *member, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (member)
		return rb_errorf(c->err, EINVAL, "%s: section '.maps' [%d]: map '%s' at offset 0x%llx: "
				 "member '%s': %s", obj_file(c->obj), MAPS_SEC(c), c->name,
				 (unsigned long long)c->off, member, what);
	return rb_errorf(c->err, EINVAL, "%s: section '.maps' [%d]: map '%s' at offset 0x%llx: %s",
			 obj_file(c->obj), MAPS_SEC(c), c->name, (unsigned long long)c->off, what);
}

static const struct btf_type *skip(const struct btf *btf, uint32_t id, uint32_t *out_id)
{
	int r = btf_skip_mods_typedefs(btf, id);

	if (r <= 0)
		return NULL;
	if (out_id)
		*out_id = r;
	return btf_type(btf, r);
}

static const char *kind_of(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf_type(btf, id);

	return id == 0 ? "void" : t ? btf_kind_name(btf_kind(t)) : "?";
}

/* __uint(name, N): a pointer to an array of N elements. */
static int get_uint(const struct map_ctx *c, const char *mname, uint32_t type, uint32_t *out)
{
	const struct btf *btf = c->obj->btf;
	const struct btf_type *t = skip(btf, type, NULL), *a;

	if (!t || !btf_is_ptr(t))
		return map_err(c, mname, "expected a pointer to an array (the __uint encoding), got "
			       "%s", kind_of(btf, btf_skip_mods_typedefs(btf, type) > 0 ?
					      (uint32_t)btf_skip_mods_typedefs(btf, type) : 0));
	a = btf_type(btf, t->type);
	if (!a || !btf_is_array(a))
		return map_err(c, mname, "expected the pointer to point to an array (the __uint "
			       "encoding), got %s", kind_of(btf, t->type));
	*out = btf_array_info(a)->nelems;
	return 0;
}

/* map_extra may also be a one-value enum (64-bit values). */
static int get_u64(const struct map_ctx *c, const char *mname, uint32_t type, uint64_t *out)
{
	const struct btf *btf = c->obj->btf;
	const struct btf_type *t = skip(btf, type, NULL);
	uint32_t v;
	int ret;

	if (t && btf_is_any_enum(t)) {
		if (btf_vlen(t) != 1)
			return map_err(c, mname, "an enum giving a value must have exactly one "
				       "enumerator, it has %u", btf_vlen(t));
		*out = btf_enum_value(t, 0);
		return 0;
	}
	ret = get_uint(c, mname, type, &v);
	*out = v;
	return ret;
}

/* __type(key, T): a pointer to T; the size is T's. */
static int get_type(const struct map_ctx *c, const char *mname, uint32_t type, uint32_t *tid,
		    uint32_t *size)
{
	const struct btf *btf = c->obj->btf;
	const struct btf_type *t = skip(btf, type, NULL);
	struct rb_error sub = { 0 };
	int64_t sz;

	if (!t || !btf_is_ptr(t))
		return map_err(c, mname, "expected a pointer to the type (the __type encoding)");
	sz = btf_resolve_size(btf, t->type, &sub);
	if (sz <= 0 || sz > UINT32_MAX)
		return map_err(c, mname, "type [%u] has no usable size%s%s", t->type,
			       sub.msg[0] ? ": " : "", sub.msg);
	*tid = t->type;
	*size = sz;
	return 0;
}

static bool is_map_in_map(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

static int parse_def(const struct map_ctx *c, uint32_t def_id, bool inner, struct obj_map *m,
		     int64_t *values_off)
{
	const struct btf *btf = c->obj->btf;
	const struct btf_type *def = btf_type(btf, def_id);
	const struct btf_member *mem = btf_members(def);
	uint32_t key_size = 0, value_size = 0, v;
	bool have_key_size = false, have_value_size = false;
	int ret = 0;

	*values_off = -1;
	for (uint32_t i = 0; i < btf_vlen(def) && !ret; i++) {
		const char *mname = btf_str(btf, mem[i].name_off);

		if (!mname || !mname[0])
			return map_err(c, NULL, "member %u has no name", i);
		if (!strcmp(mname, "type")) {
			ret = get_uint(c, mname, mem[i].type, &m->type);
		} else if (!strcmp(mname, "max_entries")) {
			ret = get_uint(c, mname, mem[i].type, &m->max_entries);
		} else if (!strcmp(mname, "map_flags")) {
			ret = get_uint(c, mname, mem[i].type, &m->map_flags);
		} else if (!strcmp(mname, "numa_node")) {
			ret = get_uint(c, mname, mem[i].type, &m->numa_node);
		} else if (!strcmp(mname, "key_size")) {
			ret = get_uint(c, mname, mem[i].type, &v);
			if (!ret && m->btf_key_type_id && v != m->key_size)
				return map_err(c, mname, "%u conflicts with the key type's size %u",
					       v, m->key_size);
			key_size = v;
			have_key_size = true;
		} else if (!strcmp(mname, "value_size")) {
			ret = get_uint(c, mname, mem[i].type, &v);
			if (!ret && m->btf_value_type_id && v != m->value_size)
				return map_err(c, mname, "%u conflicts with the value type's size %u",
					       v, m->value_size);
			value_size = v;
			have_value_size = true;
		} else if (!strcmp(mname, "key")) {
			ret = get_type(c, mname, mem[i].type, &m->btf_key_type_id, &m->key_size);
			if (!ret && have_key_size && key_size != m->key_size)
				return map_err(c, mname, "size %u conflicts with key_size %u",
					       m->key_size, key_size);
		} else if (!strcmp(mname, "value")) {
			ret = get_type(c, mname, mem[i].type, &m->btf_value_type_id,
				       &m->value_size);
			if (!ret && have_value_size && value_size != m->value_size)
				return map_err(c, mname, "size %u conflicts with value_size %u",
					       m->value_size, value_size);
		} else if (!strcmp(mname, "pinning")) {
			ret = get_uint(c, mname, mem[i].type, &m->pinning);
			if (!ret && inner)
				return map_err(c, mname, "an inner map cannot be pinned");
			if (!ret && m->pinning > 1)
				return map_err(c, mname, "%u is neither 0 (none) nor 1 (by name)",
					       m->pinning);
		} else if (!strcmp(mname, "map_extra")) {
			ret = get_u64(c, mname, mem[i].type, &m->map_extra);
		} else if (!strcmp(mname, "values")) {
			const struct btf_type *a = skip(btf, mem[i].type, NULL), *p, *tgt;
			uint32_t tgt_id;

			if (inner)
				return map_err(c, mname, "an inner map cannot have inner maps or "
					       "initial values (one level only)");
			if (i + 1 != btf_vlen(def))
				return map_err(c, mname, "must be the last member");
			if (!a || !btf_is_array(a) || btf_array_info(a)->nelems)
				return map_err(c, mname, "expected a zero-length array of pointers");
			if (!is_map_in_map(m->type) && m->type != BPF_MAP_TYPE_PROG_ARRAY)
				return map_err(c, mname, "only map-in-map and prog-array maps have "
					       "initial values (type is %u)", m->type);
			if (have_value_size && value_size != 4)
				return map_err(c, mname, "value_size %u: slots hold 4-byte ids",
					       value_size);
			p = skip(btf, btf_array_info(a)->type, NULL);
			if (!p || !btf_is_ptr(p))
				return map_err(c, mname, "array elements must be pointers");
			tgt = skip(btf, p->type, &tgt_id);
			if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
				if (!tgt || !btf_is_func_proto(tgt))
					return map_err(c, mname, "a prog array's values point to "
						       "function prototypes");
			} else {
				struct map_ctx ic = *c;
				char iname[256];
				int64_t ignored;

				if (!tgt || !btf_is_struct(tgt))
					return map_err(c, mname, "a map-in-map's values point to the "
						       "inner map definition (a struct)");
				m->inner = calloc(1, sizeof(*m->inner));
				if (!m->inner)
					return rb_errorf(c->err, ENOMEM, "out of memory");
				m->inner->sec_idx = -1;
				snprintf(iname, sizeof(iname), "%s.inner", c->name);
				m->inner->name = strdup(iname);
				m->inner->real_name = strdup(iname);
				if (!m->inner->name || !m->inner->real_name)
					return rb_errorf(c->err, ENOMEM, "out of memory");
				m->inner->kind = OBJ_MAP_BTF;
				ic.name = m->inner->name;
				ret = parse_def(&ic, tgt_id, true, m->inner, &ignored);
			}
			m->value_size = 4;
			*values_off = btf_member_bit_offset(def, i) / 8;
		} else if (!c->obj->relaxed_maps) {
			return map_err(c, mname, "unknown map attribute (open with relaxed maps to "
				       "ignore it)");
		}
	}
	if (ret)
		return ret;
	if (have_key_size && !m->btf_key_type_id)
		m->key_size = key_size;
	if (have_value_size && !m->btf_value_type_id && *values_off < 0)
		m->value_size = value_size;
	if (m->type == 0)
		return map_err(c, NULL, "the map type is not given (member 'type')");
	return 0;
}

/* The ELF symbol in .maps naming a map, for its offset (compilers leave DATASEC empty). */
static int map_symbol(const struct rb_object *obj, const char *name)
{
	const struct elf_file *ef = &obj->elf;

	for (size_t i = 1; i < ef->sym_cnt; i++)
		if ((int)ef->syms[i].shndx == obj->maps_sec && !strcmp(ef->syms[i].name, name))
			return i;
	return -1;
}

static int collect_slots(struct rb_object *obj, const int64_t *values_off, size_t first,
			 struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	const struct elf_relsec *rs = elf_file_relsec_for(ef, obj->maps_sec);

	if (!rs)
		return 0;
	for (size_t i = 0; i < rs->cnt; i++) {
		const struct elf_reloc *r = &rs->relocs[i];
		const struct elf_symbol *y = &ef->syms[r->sym];
		struct obj_map_slot slot = { .map_idx = -1, .prog_idx = -1 };
		struct obj_map_slot *ns;
		struct obj_map *m = NULL;
		size_t mi;
		int64_t rel;

		for (mi = first; mi < obj->map_cnt; mi++) {
			struct obj_map *c = &obj->maps[mi];

			if (c->kind == OBJ_MAP_BTF && r->offset >= c->sec_off &&
			    r->offset < c->sec_off + c->def_size) {
				m = c;
				break;
			}
		}
		if (!m)
			return rb_errorf(err, EINVAL, "%s: section '.rel.maps': relocation %zu at offset "
					 "0x%llx of '.maps' is inside no map definition",
					 obj_file(obj), i, (unsigned long long)r->offset);
		rel = (int64_t)(r->offset - m->sec_off) - values_off[mi - first];
		if (values_off[mi - first] < 0 || rel < 0 || rel % 8)
			return rb_errorf(err, EINVAL, "%s: section '.rel.maps': relocation %zu at offset "
					 "0x%llx: not a slot of the 'values' of map '%s'",
					 obj_file(obj), i, (unsigned long long)r->offset, m->name);
		slot.index = rel / 8;
		if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
			struct obj_prog *p = NULL;

			if (y->type == STT_FUNC && y->shndx < ef->sec_cnt)
				p = obj_prog_at(obj, y->shndx, y->value);
			if (!p || p->sec_off != y->value || p->subprog)
				return rb_errorf(err, EINVAL, "%s: section '.rel.maps': relocation %zu: "
						 "slot %u of prog array '%s' names '%s', which is not "
						 "a program", obj_file(obj), i, slot.index, m->name,
						 y->name);
			slot.prog_idx = p - obj->progs;
		} else {
			int t = (int)y->shndx == obj->maps_sec ? obj_map_at(obj, y->shndx, y->value) :
								 -1;

			if (t < 0 || obj->maps[t].sec_off != y->value)
				return rb_errorf(err, EINVAL, "%s: section '.rel.maps': relocation %zu: "
						 "slot %u of map '%s' names '%s', which is not a map "
						 "in '.maps'", obj_file(obj), i, slot.index, m->name,
						 y->name);
			slot.map_idx = t;
		}
		ns = realloc(m->slots, (m->slot_cnt + 1) * sizeof(*ns));
		if (!ns)
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		m->slots = ns;
		ns[m->slot_cnt++] = slot;
	}
	return 0;
}

int obj_collect_btf_maps(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_section *s;
	const struct btf_type *ds;
	const struct btf *btf = obj->btf;
	int64_t *values_off;
	size_t first = obj->map_cnt;
	int id, ret = 0;

	if (obj->maps_sec < 0)
		return 0;
	s = &obj->elf.secs[obj->maps_sec];
	if (!btf)
		return rb_errorf(err, EINVAL, "%s: section '.maps' [%d]: BTF-defined maps need the "
				 "object's BTF, which it does not have (rebuild with -g)",
				 obj_file(obj), obj->maps_sec);
	id = btf_find(btf, ".maps", BTF_KIND_DATASEC);
	if (id < 0) {
		if (s->size == 0)
			return 0;
		return rb_errorf(err, EINVAL, "%s: section '.maps' [%d]: no '.maps' DATASEC in the "
				 "object's BTF describes its %llu bytes", obj_file(obj),
				 obj->maps_sec, (unsigned long long)s->size);
	}
	ds = btf_type(btf, id);
	values_off = calloc(btf_vlen(ds) + 1, sizeof(*values_off));
	if (!values_off)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	for (uint32_t i = 0; i < btf_vlen(ds) && !ret; i++) {
		const struct btf_var_secinfo *vs = &btf_secinfos(ds)[i];
		const struct btf_type *v = btf_type(btf, vs->type), *def;
		struct map_ctx c = { .obj = obj, .err = err };
		uint32_t def_id;
		struct obj_map *m;
		int sym, idx;

		if (!v || !btf_is_var(v)) {
			ret = rb_errorf(err, EINVAL, "%s: section '.BTF': DATASEC '.maps' [%d] entry %u "
					"is type [%u], not a VAR", obj_file(obj), id, i, vs->type);
			break;
		}
		c.name = btf_name(btf, v);
		sym = map_symbol(obj, c.name);
		c.off = sym >= 0 ? obj->elf.syms[sym].value : vs->offset;
		if (!c.name[0]) {
			ret = map_err(&c, NULL, "a map needs a name");
			break;
		}
		def = skip(btf, v->type, &def_id);
		if (!def || !btf_is_struct(def)) {
			ret = map_err(&c, NULL, "the definition is a %s, not a struct",
				      kind_of(btf, btf_skip_mods_typedefs(btf, v->type) > 0 ?
					      (uint32_t)btf_skip_mods_typedefs(btf, v->type) : 0));
			break;
		}
		if (c.off > s->size || def->size > s->size - c.off) {
			ret = map_err(&c, NULL, "the %u-byte definition runs past the end of the "
				      "section (0x%llx bytes)", def->size,
				      (unsigned long long)s->size);
			break;
		}
		idx = obj_add_map(obj);
		if (idx < 0) {
			ret = rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
			break;
		}
		m = &obj->maps[idx];
		m->kind = OBJ_MAP_BTF;
		m->name = strdup(c.name);
		m->real_name = strdup(c.name);
		m->sec_idx = obj->maps_sec;
		m->sec_off = c.off;
		/* `values` initialisers extend the object past the struct's own size. */
		m->def_size = def->size;
		if (sym >= 0 && obj->elf.syms[sym].size > def->size &&
		    obj->elf.syms[sym].size <= s->size - c.off)
			m->def_size = obj->elf.syms[sym].size;
		m->btf_var_id = vs->type;
		if (!m->name || !m->real_name) {
			ret = rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
			break;
		}
		ret = parse_def(&c, def_id, false, m, &values_off[i]);
		/* Attributes live in the types; bytes in the section mean an initialiser the
		 * loader would ignore (only `values` slots, relocated and zero, are allowed). */
		for (uint64_t b = 0; !ret && s->data && b < m->def_size; b++)
			if (s->data[c.off + b])
				ret = map_err(&c, NULL, "byte %llu of the definition is not zero "
					      "(map attributes are types, not values)",
					      (unsigned long long)b);
	}
	if (!ret)
		ret = collect_slots(obj, values_off, first, err);
	free(values_off);
	return ret;
}
