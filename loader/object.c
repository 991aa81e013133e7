// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Opening an object: the ELF file is read, then each part of the model is collected in an
 * order where every step finds what it needs (programs before relocations, maps before the
 * relocations that name them). On any failure the partial model is freed.
 */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "loader/object.h"
#include "loader/obj_btf.h"
#include "loader/struct_ops.h"
#include "util/err.h"
#include "util/trace.h"

void obj_decode_insns(const struct rb_object *obj, const uint8_t *src, size_t cnt,
		      struct bpf_insn *dst)
{
	const struct elf_file *ef = &obj->elf;

	for (size_t i = 0; i < cnt; i++, src += 8) {
		uint8_t regs = src[1];

		dst[i].code = src[0];
		/* In a big-endian object the destination register is the high nibble. */
		if (ef->big_endian) {
			dst[i].dst_reg = regs >> 4;
			dst[i].src_reg = regs & 0xf;
		} else {
			dst[i].dst_reg = regs & 0xf;
			dst[i].src_reg = regs >> 4;
		}
		dst[i].off = (int16_t)elf_file_u16(ef, src + 2);
		dst[i].imm = (int32_t)elf_file_u32(ef, src + 4);
	}
}

static char *object_name(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strcspn(base, ".");
	return strndup(base, n ? n : strlen(base));
}

static int read_license_version(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	const struct elf_section *s;

	s = elf_file_section(ef, "license");
	if (s && s->data) {
		size_t n = strnlen((const char *)s->data, s->size);

		if (n >= sizeof(obj->license))
			return rb_errorf(err, EINVAL, "%s: section 'license' [%u]: the license "
					 "string is longer than %zu bytes", obj_file(obj), s->idx,
					 sizeof(obj->license) - 1);
		memcpy(obj->license, s->data, n);
		obj->license[n] = '\0';
	}
	s = elf_file_section(ef, "version");
	if (s) {
		if (s->size != 4 || !s->data)
			return rb_errorf(err, EINVAL, "%s: section 'version' [%u]: size %llu, "
					 "expected a 4-byte kernel version", obj_file(obj), s->idx,
					 (unsigned long long)s->size);
		obj->kern_version = elf_file_u32(ef, s->data);
		obj->has_version = true;
	}
	return 0;
}

static void find_special_sections(struct rb_object *obj)
{
	const struct elf_file *ef = &obj->elf;

	obj->maps_sec = obj->legacy_maps_sec = obj->text_sec = obj->arena_sec = -1;
	for (size_t i = 1; i < ef->sec_cnt; i++) {
		const struct elf_section *s = &ef->secs[i];

		if (!strcmp(s->name, ".maps"))
			obj->maps_sec = i;
		else if (!strcmp(s->name, "maps"))
			obj->legacy_maps_sec = i;
		else if (!strcmp(s->name, ".text"))
			obj->text_sec = i;
		else if (!strcmp(s->name, ".addr_space.1"))
			obj->arena_sec = i;
	}
}

void obj_map_free(struct obj_map *m)
{
	if (!m)
		return;
	free(m->name);
	free(m->real_name);
	free(m->slots);
	free(m->data);
	obj_st_ops_free(m->st_ops);
	if (m->inner) {
		obj_map_free(m->inner);
		free(m->inner);
	}
}

RB_API void rb_object_close(struct rb_object *obj)
{
	if (!obj)
		return;
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		struct obj_prog *p = &obj->progs[i];

		free(p->name);
		free(p->insns);
		free(p->attach_error);
		free(p->attach_text);
		secdef_attach_free(&p->attach);
	}
	free(obj->progs);
	for (size_t i = 0; i < obj->map_cnt; i++)
		obj_map_free(&obj->maps[i]);
	free(obj->maps);
	for (size_t i = 0; i < obj->var_cnt; i++)
		free(obj->vars[i].name);
	free(obj->vars);
	for (size_t i = 0; i < obj->extern_cnt; i++)
		free(obj->externs[i].name);
	free(obj->externs);
	free(obj->relos);
	obj_btf_free(obj);
	free(obj->name);
	elf_file_close(&obj->elf);
	free(obj);
}

static int open_model(struct rb_object *obj, const struct rb_open_opts *opts,
		      struct rb_error *err)
{
	int ret;

	obj->name = object_name(obj->elf.name);
	if (!obj->name)
		return rb_errorf(err, ENOMEM, "out of memory");
	if (opts && opts->sz >= offsetof(struct rb_open_opts, relaxed_maps) + sizeof(bool))
		obj->relaxed_maps = opts->relaxed_maps;
	find_special_sections(obj);
	trace_emit(RB_TRACE_STAGE, "open", 0, 0, "%s", obj_file(obj));
	ret = read_license_version(obj, err);
	if (!ret)
		ret = obj_btf_open(obj, err);
	if (!ret)
		ret = obj_collect_programs(obj, err);
	if (!ret)
		ret = obj_collect_btf_ext(obj, err);
	if (!ret)
		ret = obj_collect_externs(obj, err);
	if (!ret)
		ret = obj_collect_btf_maps(obj, err);
	if (!ret)
		ret = obj_collect_legacy_maps(obj, err);
	if (!ret)
		ret = obj_collect_data_maps(obj, err);
	if (!ret)
		ret = obj_collect_struct_ops(obj, err);
	if (!ret)
		ret = obj_collect_relos(obj, err);
	if (!ret)
		ret = obj_btf_cache_type_names(obj, err);
	if (ret)
		return ret;
	trace_emit(RB_TRACE_INFO, "open", 0, 0,
		   "%s: %zu programs and subprograms, %zu maps, %zu variables, %zu externs, "
		   "%zu relocations", obj_file(obj), obj->prog_cnt, obj->map_cnt, obj->var_cnt,
		   obj->extern_cnt, obj->relo_cnt);
	return 0;
}

RB_API int rb_object_open_mem(const void *buf, size_t len, const struct rb_open_opts *opts,
			      struct rb_object **out, struct rb_error *err)
{
	struct rb_object *obj;
	const char *name = opts && opts->sz >= offsetof(struct rb_open_opts, name) +
		sizeof(const char *) && opts->name ? opts->name : "<memory>";
	int ret;

	*out = NULL;
	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return rb_errorf(err, ENOMEM, "out of memory");
	ret = elf_file_open_mem(&obj->elf, name, buf, len, err);
	if (!ret)
		ret = open_model(obj, opts, err);
	if (ret) {
		rb_object_close(obj);
		return ret;
	}
	*out = obj;
	return 0;
}

RB_API int rb_object_open(const char *path, const struct rb_open_opts *opts,
			  struct rb_object **out, struct rb_error *err)
{
	struct rb_object *obj;
	int ret;

	*out = NULL;
	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return rb_errorf(err, ENOMEM, "out of memory");
	ret = elf_file_open_path(&obj->elf, path, err);
	if (!ret)
		ret = open_model(obj, opts, err);
	if (ret) {
		rb_object_close(obj);
		return ret;
	}
	*out = obj;
	return 0;
}

struct obj_prog *obj_prog_at(const struct rb_object *obj, uint32_t sec, uint64_t off)
{
	size_t lo = 0, hi = obj->prog_cnt;

	/* Programs are collected section by section, each by offset: binary search. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct obj_prog *p = &obj->progs[mid];

		if (p->sec_idx < sec || (p->sec_idx == sec && p->sec_off + p->insn_cnt * 8 <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < obj->prog_cnt && obj->progs[lo].sec_idx == sec && off >= obj->progs[lo].sec_off &&
	    off < obj->progs[lo].sec_off + obj->progs[lo].insn_cnt * 8)
		return &obj->progs[lo];
	return NULL;
}

const struct obj_reloc *obj_prog_reloc(const struct rb_object *obj, const struct obj_prog *p,
				       uint32_t insn)
{
	size_t lo = 0, hi = p->relo_cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (obj->relos[p->relo_first + mid].insn_idx < insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->relo_cnt && obj->relos[p->relo_first + lo].insn_idx == insn)
		return &obj->relos[p->relo_first + lo];
	return NULL;
}

int obj_map_at(const struct rb_object *obj, uint32_t sec, uint64_t off)
{
	for (size_t i = 0; i < obj->map_cnt; i++) {
		const struct obj_map *m = &obj->maps[i];

		if (m->kind != OBJ_MAP_BTF && m->kind != OBJ_MAP_LEGACY)
			continue;
		if (m->sec_idx == (int)sec && off >= m->sec_off && off < m->sec_off + m->def_size)
			return i;
	}
	return -1;
}

int obj_map_for_section(const struct rb_object *obj, uint32_t sec)
{
	for (size_t i = 0; i < obj->map_cnt; i++) {
		const struct obj_map *m = &obj->maps[i];

		if (m->kind != OBJ_MAP_BTF && m->kind != OBJ_MAP_LEGACY &&
		    m->kind != OBJ_MAP_STRUCT_OPS && m->sec_idx == (int)sec)
			return i;
	}
	return -1;
}

int obj_add_map(struct rb_object *obj)
{
	struct obj_map *n = realloc(obj->maps, (obj->map_cnt + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	obj->maps = n;
	memset(&n[obj->map_cnt], 0, sizeof(*n));
	n[obj->map_cnt].sec_idx = -1;
	return obj->map_cnt++;
}
