// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The object's BTF: .BTF and .BTF.ext handed to btf/, each program's func_info/line_info
 * slice, global-data variables from their DATASEC (offsets completed from the symbol table,
 * as compilers leave them empty), externs classified by the DATASEC that lists them, the
 * .kconfig map laid out, and the C spelling of types for display. BTF-defined maps are in
 * obj_btf_maps.c.
 */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "loader/obj_btf.h"
#include "loader/object.h"
#include "util/err.h"

int obj_btf_open(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_section *s = elf_file_section(&obj->elf, ".BTF");
	const struct elf_section *x = elf_file_section(&obj->elf, ".BTF.ext");
	char what[512];
	int ret;

	if (!s || !s->data) {
		if (x && x->data)
			return rb_errorf(err, EINVAL, "%s: section '.BTF.ext' [%u] without a '.BTF' "
					 "section to name its types", obj_file(obj), x->idx);
		return 0;
	}
	snprintf(what, sizeof(what), "%s: section '.BTF' [%u]", obj_file(obj), s->idx);
	ret = btf_parse(s->data, s->size, NULL, what, &obj->btf, err);
	if (ret)
		return ret;
	if (!x || !x->data)
		return 0;
	snprintf(what, sizeof(what), "%s: section '.BTF.ext' [%u]", obj_file(obj), x->idx);
	return btf_ext_parse(x->data, x->size, obj->btf, what, &obj->btf_ext, err);
}

void obj_btf_free(struct rb_object *obj)
{
	for (size_t i = 0; i < obj->type_name_cnt; i++)
		free(obj->type_names[i].text);
	free(obj->type_names);
	obj->type_names = NULL;
	obj->type_name_cnt = 0;
	btf_ext_free(obj->btf_ext);
	btf_free(obj->btf);
	obj->btf_ext = NULL;
	obj->btf = NULL;
}

uint32_t obj_btf_type_cnt(const struct rb_object *obj, size_t *size)
{
	*size = 0;
	if (!obj->btf)
		return 0;
	btf_raw_data(obj->btf, size);
	return btf_nr_ids(obj->btf) - 1;
}

void obj_btf_ext_counts(const struct rb_object *obj, size_t *func, size_t *line, size_t *core)
{
	size_t *out[BTF_EXT_NR_KINDS] = { func, line, core };

	for (int k = 0; k < BTF_EXT_NR_KINDS; k++) {
		*out[k] = 0;
		if (!obj->btf_ext)
			continue;
		for (uint32_t i = 0; i < btf_ext_nr_secs(obj->btf_ext, k); i++)
			*out[k] += btf_ext_sec_at(obj->btf_ext, k, i)->nr;
	}
}

/* ---- .BTF.ext slices per program ------------------------------------------------------ */

/* Records must be on instruction boundaries, inside their section and sorted (checked once
 * per .BTF.ext section, so each program can take its slice by binary search). */
static int check_info_sec(const struct rb_object *obj, const struct btf_ext_sec *sec,
			  const char *kind, struct rb_error *err)
{
	const struct elf_section *es = elf_file_section(&obj->elf, sec->sec_name);
	uint32_t prev = 0;

	if (!es)
		return 0; /* records for a section this object does not have: never used */
	for (uint32_t i = 0; i < sec->nr; i++) {
		uint32_t off = *(const uint32_t *)btf_ext_rec(sec, i);

		if (off % 8 || off >= es->size || (i && off < prev))
			return rb_errorf(err, EINVAL, "%s: section '.BTF.ext': %s record %u of section "
					 "'%s': instruction offset 0x%x is %s", obj_file(obj), kind, i,
					 sec->sec_name, off,
					 off % 8 ? "not on an instruction boundary" :
					 off >= es->size ? "outside the section" :
					 "out of order");
		prev = off;
	}
	return 0;
}

/* The run of records of sec falling inside program p. */
static void info_slice(const struct obj_prog *p, const struct btf_ext_sec *sec, uint32_t *first,
		       uint32_t *cnt)
{
	uint64_t lo = p->sec_off, hi = p->sec_off + p->insn_cnt * 8;
	uint32_t a = 0, b = sec->nr;

	while (a < b) {
		uint32_t mid = a + (b - a) / 2;

		if (*(const uint32_t *)btf_ext_rec(sec, mid) < lo)
			a = mid + 1;
		else
			b = mid;
	}
	*first = a;
	*cnt = 0;
	while (a < sec->nr && *(const uint32_t *)btf_ext_rec(sec, a) < hi) {
		(*cnt)++;
		a++;
	}
}

int obj_collect_btf_ext(struct rb_object *obj, struct rb_error *err)
{
	static const char *const kinds[] = { "func_info", "line_info" };
	int ret;

	if (!obj->btf_ext)
		return 0;
	for (int k = BTF_EXT_FUNC_INFO; k <= BTF_EXT_LINE_INFO; k++)
		for (uint32_t i = 0; i < btf_ext_nr_secs(obj->btf_ext, k); i++) {
			ret = check_info_sec(obj, btf_ext_sec_at(obj->btf_ext, k, i), kinds[k], err);
			if (ret)
				return ret;
		}
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		struct obj_prog *p = &obj->progs[i];
		const struct btf_ext_sec *fs, *ls;

		fs = btf_ext_sec_find(obj->btf_ext, BTF_EXT_FUNC_INFO, p->sec_name);
		ls = btf_ext_sec_find(obj->btf_ext, BTF_EXT_LINE_INFO, p->sec_name);
		if (fs) {
			info_slice(p, fs, &p->func_info_first, &p->func_info_cnt);
			for (uint32_t k = 0; k < p->func_info_cnt; k++) {
				const struct bpf_func_info *fi =
					btf_ext_rec(fs, p->func_info_first + k);
				const struct btf_type *t = btf_type(obj->btf, fi->type_id);

				if (!t || !btf_is_func(t))
					return rb_errorf(err, EINVAL, "%s: section '.BTF.ext': func_info "
							 "of '%s' at offset 0x%x names type [%u], "
							 "which is not a FUNC", obj_file(obj),
							 p->sec_name, fi->insn_off, fi->type_id);
				if (fi->insn_off == p->sec_off)
					p->btf_func_id = fi->type_id;
			}
		}
		if (ls)
			info_slice(p, ls, &p->line_info_first, &p->line_info_cnt);
	}
	return 0;
}

/* ---- global-data variables --------------------------------------------------------------- */

static int find_datasec(const struct btf *btf, const char *name)
{
	return btf_find(btf, name, BTF_KIND_DATASEC);
}

/* The ELF symbol called name defined in section sec, or -1. */
static int sym_in_section(const struct rb_object *obj, const char *name, uint32_t sec)
{
	const struct elf_file *ef = &obj->elf;

	for (size_t i = 1; i < ef->sym_cnt; i++)
		if (ef->syms[i].shndx == sec && ef->syms[i].type != STT_SECTION &&
		    !strcmp(ef->syms[i].name, name))
			return i;
	return -1;
}

int obj_btf_datasec_vars(struct rb_object *obj, int map_idx, struct rb_error *err)
{
	const struct btf *btf = obj->btf;
	const struct elf_section *s = &obj->elf.secs[obj->maps[map_idx].sec_idx];
	const struct btf_var_secinfo *vs;
	const struct btf_type *ds;
	struct obj_map *m;
	int id = find_datasec(btf, s->name);

	obj->maps[map_idx].var_first = obj->var_cnt;
	if (id < 0) {
		/* String literal sections (.rodata.str1.1) have no DATASEC: symbols only. */
		return obj_vars_from_symbols(obj, map_idx, err);
	}
	obj->maps[map_idx].btf_var_id = id;
	ds = btf_type(btf, id);
	vs = btf_secinfos(ds);
	for (uint32_t i = 0; i < btf_vlen(ds); i++) {
		const struct btf_type *v = btf_type(btf, vs[i].type);
		const struct elf_symbol *y = NULL;
		uint32_t linkage, off = vs[i].offset, size = vs[i].size;
		const char *name;
		bool is_static;
		int sym;

		if (!v || !btf_is_var(v))
			return rb_errorf(err, EINVAL, "%s: section '.BTF': DATASEC '%s' [%d] entry %u "
					 "is type [%u], not a VAR", obj_file(obj), s->name, id, i,
					 vs[i].type);
		name = btf_name(btf, v);
		linkage = btf_var_info(v)->linkage;
		sym = sym_in_section(obj, name, s->idx);
		if (sym >= 0)
			y = &obj->elf.syms[sym];
		/* Compilers leave the offsets of globals to the symbol table. */
		if (y && linkage != BTF_VAR_STATIC)
			off = y->value;
		if (size == 0 && y)
			size = y->size;
		if (off > s->size || size > s->size - off)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: variable '%s' at offset "
					 "0x%x size %u runs past the end of the section (0x%llx "
					 "bytes)", obj_file(obj), s->name, s->idx, name, off, size,
					 (unsigned long long)s->size);
		is_static = linkage == BTF_VAR_STATIC ||
			    (y && (y->visibility == STV_HIDDEN || y->visibility == STV_INTERNAL));
		if (obj_add_var(obj, map_idx, name, off, size, v->type,
				is_static, sym))
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		if (!is_static)
			obj->maps[map_idx].mmapable = true;
	}
	m = &obj->maps[map_idx];
	m->var_cnt = obj->var_cnt - m->var_first;
	qsort(obj->vars + m->var_first, m->var_cnt, sizeof(*obj->vars), obj_var_cmp);
	return 0;
}

/* ---- externs ------------------------------------------------------------------------- */

/* The DATASEC (.kconfig / .ksyms) listing type id, or 0. */
static uint32_t datasec_of(const struct btf *btf, uint32_t id, const char **name)
{
	static const char *const secs[] = { ".kconfig", ".ksyms" };

	for (int k = 0; k < 2; k++) {
		int ds = find_datasec(btf, secs[k]);
		const struct btf_type *t;

		if (ds < 0)
			continue;
		t = btf_type(btf, ds);
		for (uint32_t i = 0; i < btf_vlen(t); i++)
			if (btf_secinfos(t)[i].type == id) {
				*name = secs[k];
				return ds;
			}
	}
	return 0;
}

struct extern_btf_find {
	const struct btf *btf;
	uint32_t found;
};

static int extern_candidate(uint32_t id, void *ctx)
{
	struct extern_btf_find *f = ctx;
	const struct btf_type *t = btf_type(f->btf, id);

	if ((btf_is_var(t) && btf_var_info(t)->linkage == BTF_VAR_GLOBAL_EXTERN) ||
	    (btf_is_func(t) && btf_vlen(t) == BTF_FUNC_EXTERN)) {
		f->found = id;
		return 1;
	}
	return 0;
}

static int classify_extern(struct rb_object *obj, struct obj_extern *e, struct rb_error *err)
{
	const struct btf *btf = obj->btf;
	struct extern_btf_find f = { .btf = btf };
	const struct btf_type *t;
	const char *sec = NULL;
	int64_t size;
	int tid;

	btf_find_each(btf, e->name, extern_candidate, &f);
	/* Not declared to BTF (an assembler-level symbol, or a function declared but never
	 * defined): keep the guess from the symbol table; prepare decides what it means. */
	if (!f.found)
		return 0;
	e->btf_id = f.found;
	t = btf_type(btf, f.found);
	if (!datasec_of(btf, f.found, &sec)) {
		/* Older compilers leave extern functions out of .ksyms. */
		if (!btf_is_func(t))
			return rb_errorf(err, ENOENT, "%s: extern '%s' [%u] is in neither the "
					 "'.kconfig' nor the '.ksyms' DATASEC", obj_file(obj),
					 e->name, f.found);
		sec = ".ksyms";
	}
	if (btf_is_func(t)) {
		if (strcmp(sec, ".ksyms"))
			return rb_errorf(err, EINVAL, "%s: extern function '%s' [%u] is in '%s'; "
					 "kernel functions belong in '.ksyms'", obj_file(obj),
					 e->name, f.found, sec);
		e->kind = OBJ_EXT_KFUNC;
		e->type_id = t->type;
		e->typed = true;
		return 0;
	}
	e->type_id = t->type;
	if (!strcmp(sec, ".ksyms")) {
		e->kind = OBJ_EXT_KSYM;
		tid = btf_skip_mods(btf, t->type);
		e->typed = tid > 0;
		return 0;
	}
	e->kind = OBJ_EXT_KCONFIG;
	size = btf_resolve_size(btf, t->type, err);
	if (size <= 0 || size > 4096)
		return rb_errorf(err, EINVAL, "%s: kconfig extern '%s' [%u]: type [%u] has no usable "
				 "size", obj_file(obj), e->name, f.found, t->type);
	e->size = size;
	return 0;
}

int obj_btf_classify_externs(struct rb_object *obj, struct rb_error *err)
{
	for (size_t i = 0; i < obj->extern_cnt; i++) {
		int ret = classify_extern(obj, &obj->externs[i], err);

		if (ret)
			return ret;
	}
	return 0;
}

struct kcfg_order {
	size_t idx;
	int align;
	uint32_t size;
	const char *name;
};

/* libbpf's layout order: alignment descending, then size ascending, then name. */
static int kcfg_cmp(const void *a, const void *b)
{
	const struct kcfg_order *x = a, *y = b;

	if (x->align != y->align)
		return x->align > y->align ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

int obj_btf_kconfig_map(struct rb_object *obj, struct rb_error *err)
{
	struct kcfg_order *ord;
	size_t n = 0;
	uint32_t off = 0;
	struct obj_map *m;
	int idx;

	if (!obj->btf)
		return 0;
	for (size_t i = 0; i < obj->extern_cnt; i++)
		n += obj->externs[i].kind == OBJ_EXT_KCONFIG;
	if (!n)
		return 0;
	ord = calloc(n, sizeof(*ord));
	if (!ord)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	n = 0;
	for (size_t i = 0; i < obj->extern_cnt; i++) {
		const struct obj_extern *e = &obj->externs[i];
		int a;

		if (e->kind != OBJ_EXT_KCONFIG)
			continue;
		a = btf_align(obj->btf, e->type_id, err);
		if (a <= 0) {
			free(ord);
			return a < 0 ? a : rb_errorf(err, EINVAL, "%s: kconfig extern '%s': no "
						     "alignment", obj_file(obj), e->name);
		}
		ord[n++] = (struct kcfg_order){ i, a, e->size, e->name };
	}
	qsort(ord, n, sizeof(*ord), kcfg_cmp);
	for (size_t k = 0; k < n; k++) {
		off = (off + ord[k].align - 1) / ord[k].align * ord[k].align;
		obj->externs[ord[k].idx].kcfg_off = off;
		off += ord[k].size;
	}
	free(ord);
	idx = obj_add_map(obj);
	if (idx < 0)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	m = &obj->maps[idx];
	m->kind = OBJ_MAP_KCONFIG;
	m->real_name = strdup(".kconfig");
	m->name = obj_internal_map_name(obj, ".kconfig");
	if (!m->name || !m->real_name)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = 4;
	m->value_size = off;
	m->max_entries = 1;
	m->map_flags = BPF_F_RDONLY_PROG | BPF_F_MMAPABLE;
	m->mmapable = true;
	{
		int ds = find_datasec(obj->btf, ".kconfig");

		m->btf_var_id = ds > 0 ? ds : 0;
	}
	return 0;
}

/* ---- C spelling of a type ------------------------------------------------------------ */

static void type_str(const struct btf *btf, uint32_t id, char *buf, size_t len, int depth)
{
	const struct btf_type *t = btf_type(btf, id);
	const char *name;
	char inner[256];

	if (!len)
		return;
	buf[0] = '\0';
	if (id == 0) {
		snprintf(buf, len, "void");
		return;
	}
	if (!t || depth > BTF_MAX_DEPTH) {
		snprintf(buf, len, "?");
		return;
	}
	name = btf_name(btf, t);
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
	case BTF_KIND_FWD: {
		const char *kw = btf_is_union(t) || (btf_is_fwd(t) && btf_kflag(t)) ? "union" :
				 btf_is_any_enum(t) ? "enum" : "struct";

		snprintf(buf, len, "%s %s", kw, name[0] ? name : "{...}");
		return;
	}
	case BTF_KIND_PTR:
		type_str(btf, t->type, inner, sizeof(inner), depth + 1);
		snprintf(buf, len, "%s *", inner);
		return;
	case BTF_KIND_ARRAY:
		type_str(btf, btf_array_info(t)->type, inner, sizeof(inner), depth + 1);
		snprintf(buf, len, "%s[%u]", inner, btf_array_info(t)->nelems);
		return;
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
		type_str(btf, t->type, inner, sizeof(inner), depth + 1);
		snprintf(buf, len, "%s %s", btf_kind(t) == BTF_KIND_CONST ? "const" :
			 btf_kind(t) == BTF_KIND_VOLATILE ? "volatile" : "restrict", inner);
		return;
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
		type_str(btf, t->type, buf, len, depth + 1);
		return;
	case BTF_KIND_FUNC_PROTO:
		snprintf(buf, len, "function");
		return;
	default:
		snprintf(buf, len, "%s", name[0] ? name : "?");
	}
}

const char *obj_btf_type_str(const struct rb_object *obj, uint32_t id, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (obj->btf && id)
		type_str(obj->btf, id, buf, len, 0);
	return buf;
}

static int cmp_type_name(const void *a, const void *b)
{
	const struct obj_type_name *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int obj_btf_cache_type_names(struct rb_object *obj, struct rb_error *err)
{
	size_t n = 0, cap, k = 0;
	uint32_t *ids;
	char buf[256];

	if (!obj->btf)
		return 0;
	cap = obj->map_cnt * 4 + obj->var_cnt + obj->extern_cnt + 1;
	ids = calloc(cap, sizeof(*ids));
	if (!ids)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	for (size_t i = 0; i < obj->map_cnt; i++) {
		const struct obj_map *m = &obj->maps[i];

		ids[n++] = m->btf_key_type_id;
		ids[n++] = m->btf_value_type_id;
		if (m->inner) {
			ids[n++] = m->inner->btf_key_type_id;
			ids[n++] = m->inner->btf_value_type_id;
		}
	}
	for (size_t i = 0; i < obj->var_cnt; i++)
		ids[n++] = obj->vars[i].btf_type_id;
	for (size_t i = 0; i < obj->extern_cnt; i++)
		ids[n++] = obj->externs[i].type_id;
	obj->type_names = calloc(n + 1, sizeof(*obj->type_names));
	if (!obj->type_names) {
		free(ids);
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	}
	for (size_t i = 0; i < n; i++) {
		if (!ids[i])
			continue;
		obj->type_names[k].id = ids[i];
		k++;
	}
	free(ids);
	qsort(obj->type_names, k, sizeof(*obj->type_names), cmp_type_name);
	obj->type_name_cnt = 0;
	for (size_t i = 0; i < k; i++) {
		struct obj_type_name *t = &obj->type_names[obj->type_name_cnt];

		if (obj->type_name_cnt && t[-1].id == obj->type_names[i].id)
			continue;
		t->id = obj->type_names[i].id;
		t->text = strdup(obj_btf_type_str(obj, t->id, buf, sizeof(buf)));
		if (!t->text)
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		obj->type_name_cnt++;
	}
	return 0;
}

const char *obj_btf_type_name(const struct rb_object *obj, uint32_t id)
{
	size_t lo = 0, hi = obj->type_name_cnt;

	if (!id)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (obj->type_names[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < obj->type_name_cnt && obj->type_names[lo].id == id && obj->type_names[lo].text[0])
		return obj->type_names[lo].text;
	return NULL;
}
