// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Maps that need no BTF: legacy `maps` records (struct bpf_map_def and longer variants such
 * as iproute2's) and the global-data sections, each an internal one-entry array map holding
 * the section's bytes. Variables come from BTF when there is any (obj_btf.c), else from the
 * symbol table.
 */
#include <ctype.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/obj_btf.h"
#include "loader/object.h"
#include "util/err.h"

#define OBJ_NAME_LEN 16 /* BPF_OBJ_NAME_LEN, including the NUL */

char *obj_internal_map_name(const struct rb_object *obj, const char *real_name)
{
	char buf[OBJ_NAME_LEN];
	int sfx_len = strlen(real_name), pfx_len;

	if (sfx_len < 7)
		sfx_len = 7;
	/* Custom sections (".data.foo", ".rodata.str1.1") are named by themselves; the
	 * standard ones get as much of the object name as fits in front. */
	if (strchr(real_name + 1, '.'))
		pfx_len = 0;
	else {
		pfx_len = OBJ_NAME_LEN - 1 - sfx_len;
		if (pfx_len < 0)
			pfx_len = 0;
		if (pfx_len > (int)strlen(obj->name))
			pfx_len = strlen(obj->name);
	}
	snprintf(buf, sizeof(buf), "%.*s%.*s", pfx_len, obj->name, sfx_len, real_name);
	for (char *p = buf; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
			*p = '_';
	return strdup(buf);
}

static int sym_value_cmp(const void *a, const void *b, void *ctx)
{
	const struct elf_file *ef = ctx;
	uint64_t x = ef->syms[*(const uint32_t *)a].value, y = ef->syms[*(const uint32_t *)b].value;

	return x < y ? -1 : x > y;
}

int obj_collect_legacy_maps(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	const struct elf_section *s;
	uint32_t *syms;
	size_t n = 0;
	uint64_t rec;
	int ret = 0;

	if (obj->legacy_maps_sec < 0)
		return 0;
	s = &ef->secs[obj->legacy_maps_sec];
	syms = malloc((ef->sym_cnt ? ef->sym_cnt : 1) * sizeof(*syms));
	if (!syms)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	for (size_t i = 1; i < ef->sym_cnt; i++)
		if (ef->syms[i].shndx == s->idx && ef->syms[i].type != STT_SECTION &&
		    ef->syms[i].name[0])
			syms[n++] = i;
	if (n == 0) {
		free(syms);
		if (s->size == 0)
			return 0;
		return rb_errorf(err, EINVAL, "%s: section 'maps' [%u]: %llu bytes of map "
				 "definitions but no symbol names them", obj_file(obj), s->idx,
				 (unsigned long long)s->size);
	}
	if (!s->data || s->size % n) {
		ret = rb_errorf(err, EINVAL, "%s: section 'maps' [%u]: size %llu is not %zu equal "
				"map definitions (one per symbol)", obj_file(obj), s->idx,
				(unsigned long long)s->size, n);
		goto out;
	}
	qsort_r(syms, n, sizeof(*syms), sym_value_cmp, (void *)ef);
	rec = s->size / n;
	if (rec < 4 * 4) {
		ret = rb_errorf(err, EINVAL, "%s: section 'maps' [%u]: map records of %llu bytes "
				"are too short for type, key size, value size and max entries",
				obj_file(obj), s->idx, (unsigned long long)rec);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct elf_symbol *sym = &ef->syms[syms[i]];
		const uint8_t *d;
		struct obj_map *m;
		int idx;

		if (sym->value % rec || sym->value + rec > s->size) {
			ret = rb_errorf(err, EINVAL, "%s: section 'maps' [%u]: map '%s' at offset "
					"0x%llx is not on a %llu-byte record boundary inside the "
					"section", obj_file(obj), s->idx, sym->name,
					(unsigned long long)sym->value, (unsigned long long)rec);
			goto out;
		}
		idx = obj_add_map(obj);
		if (idx < 0) {
			ret = rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
			goto out;
		}
		m = &obj->maps[idx];
		d = s->data + sym->value;
		m->kind = OBJ_MAP_LEGACY;
		m->name = strdup(sym->name);
		m->real_name = strdup(sym->name);
		m->sec_idx = s->idx;
		m->sec_off = sym->value;
		m->def_size = rec;
		m->type = elf_file_u32(ef, d);
		m->key_size = elf_file_u32(ef, d + 4);
		m->value_size = elf_file_u32(ef, d + 8);
		m->max_entries = elf_file_u32(ef, d + 12);
		if (rec >= 20)
			m->map_flags = elf_file_u32(ef, d + 16);
		/* iproute2's struct bpf_elf_map: id at 20, pinning at 24 (2 = global namespace),
		 * inner_id and inner_idx up to 36. Anything else must be zero: bytes we do not
		 * understand would silently change what the map is. */
		if (rec >= 28 && elf_file_u32(ef, d + 24))
			m->pinning = 1;
		for (uint64_t b = rec >= 28 ? 36 : 20; b < rec; b++) {
			if (d[b]) {
				ret = rb_errorf(err, EINVAL, "%s: section 'maps' [%u]: map '%s' at "
						"offset 0x%llx: byte %llu of its %llu-byte definition "
						"is not zero and has no meaning to this loader",
						obj_file(obj), s->idx, sym->name,
						(unsigned long long)sym->value,
						(unsigned long long)b, (unsigned long long)rec);
				goto out;
			}
		}
		if (!m->name || !m->real_name) {
			ret = rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
			goto out;
		}
	}
out:
	free(syms);
	return ret;
}

static bool prefixed(const char *name, const char *base)
{
	size_t n = strlen(base);

	return !strncmp(name, base, n) && (name[n] == '\0' || name[n] == '.');
}

/* Which internal-map kind a section is, or -1. */
static int data_kind(const struct elf_section *s)
{
	if (s->flags & SHF_EXECINSTR)
		return -1;
	if (s->type == SHT_PROGBITS && prefixed(s->name, ".data"))
		return OBJ_MAP_DATA;
	if (s->type == SHT_PROGBITS && prefixed(s->name, ".rodata"))
		return OBJ_MAP_RODATA;
	if (s->type == SHT_NOBITS && prefixed(s->name, ".bss"))
		return OBJ_MAP_BSS;
	if (!strcmp(s->name, ".addr_space.1"))
		return OBJ_MAP_ARENA;
	return -1;
}

int obj_add_var(struct rb_object *obj, int map_idx, const char *name, uint32_t off,
		uint32_t size, uint32_t type_id, bool is_static, int sym)
{
	struct obj_var *n = realloc(obj->vars, (obj->var_cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	obj->vars = n;
	n += obj->var_cnt;
	n->name = strdup(name);
	if (!n->name)
		return -ENOMEM;
	n->map_idx = map_idx;
	n->offset = off;
	n->size = size;
	n->btf_type_id = type_id;
	n->is_static = is_static;
	n->sym = sym;
	obj->var_cnt++;
	return 0;
}

int obj_var_cmp(const void *a, const void *b)
{
	const struct obj_var *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Without BTF: every named data symbol of the section is a variable. */
int obj_vars_from_symbols(struct rb_object *obj, int map_idx, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	const struct elf_section *s = &ef->secs[obj->maps[map_idx].sec_idx];
	struct obj_map *m;

	obj->maps[map_idx].var_first = obj->var_cnt;
	for (size_t i = 1; i < ef->sym_cnt; i++) {
		const struct elf_symbol *y = &ef->syms[i];
		bool is_static;

		if (y->shndx != s->idx || y->type != STT_OBJECT || !y->name[0])
			continue;
		if (y->value > s->size || y->size > s->size - y->value)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: variable '%s' at offset "
					 "0x%llx size %llu runs past the end of the section (0x%llx "
					 "bytes)", obj_file(obj), s->name, s->idx, y->name,
					 (unsigned long long)y->value, (unsigned long long)y->size,
					 (unsigned long long)s->size);
		is_static = y->bind == STB_LOCAL || y->visibility == STV_HIDDEN ||
			    y->visibility == STV_INTERNAL;
		if (obj_add_var(obj, map_idx, y->name, y->value, y->size, 0, is_static, i))
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		if (!is_static)
			obj->maps[map_idx].mmapable = true;
	}
	m = &obj->maps[map_idx];
	m->var_cnt = obj->var_cnt - m->var_first;
	qsort(obj->vars + m->var_first, m->var_cnt, sizeof(*obj->vars), obj_var_cmp);
	return 0;
}

int obj_collect_data_maps(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	int ret;

	for (size_t i = 1; i < ef->sec_cnt; i++) {
		const struct elf_section *s = &ef->secs[i];
		int kind = data_kind(s), idx;
		struct obj_map *m;

		if (kind < 0)
			continue;
		if (s->size > UINT32_MAX)
			return rb_errorf(err, E2BIG, "%s: section '%s' [%zu]: %llu bytes is too large "
					 "for a map value", obj_file(obj), s->name, i,
					 (unsigned long long)s->size);
		idx = obj_add_map(obj);
		if (idx < 0)
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		m = &obj->maps[idx];
		m->kind = kind;
		m->real_name = strdup(s->name);
		m->name = kind == OBJ_MAP_ARENA ? strdup(s->name) : obj_internal_map_name(obj, s->name);
		if (!m->name || !m->real_name)
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		m->sec_idx = i;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = s->size;
		m->max_entries = 1;
		if (kind == OBJ_MAP_RODATA)
			m->map_flags = BPF_F_RDONLY_PROG;
		if (s->data && s->size) {
			m->data = malloc(s->size);
			if (!m->data)
				return rb_errorf(err, ENOMEM, "%s: out of memory for section '%s'",
						 obj_file(obj), s->name);
			memcpy(m->data, s->data, s->size);
		}
		if (obj->btf)
			ret = obj_btf_datasec_vars(obj, idx, err);
		else
			ret = obj_vars_from_symbols(obj, idx, err);
		if (ret)
			return ret;
		/* Global data the host can see gets mmapable, as libbpf does. */
		if (obj->maps[idx].mmapable && kind != OBJ_MAP_ARENA)
			obj->maps[idx].map_flags |= BPF_F_MMAPABLE;
		if (kind == OBJ_MAP_ARENA) {
			/* No map of its own: the bytes go into the arena map from .maps. */
			obj->maps[idx].type = 0;
			obj->maps[idx].key_size = obj->maps[idx].max_entries = 0;
		}
	}
	return obj_btf_kconfig_map(obj, err);
}
