// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The public read-only view of an opened object (include/rawbpf.h, objects section). */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "loader/obj_btf.h"
#include "loader/object.h"
#include "loader/struct_ops.h"
#include "util/err.h"

static const char *cached_type_name(const struct rb_object *obj, uint32_t id)
{
	return obj_btf_type_name(obj, id);
}

RB_API const char *rb_relo_kind_name(enum rb_relo_kind kind)
{
	static const char *const names[] = { "map", "data", "extern_var", "extern_call", "call",
					     "subprog_addr", "arena" };

	if ((unsigned int)kind < RB_RELO_KIND_NR)
		return names[kind];
	return NULL;
}

RB_API void rb_object_info(const struct rb_object *obj, struct rb_object_info *info)
{
	memset(info, 0, sizeof(*info));
	info->name = obj->name;
	info->path = obj->elf.name;
	info->license = obj->license;
	info->kern_version = obj->kern_version;
	info->has_version = obj->has_version;
	info->big_endian = obj->elf.big_endian;
	info->section_cnt = obj->elf.sec_cnt;
	info->program_cnt = obj->prog_cnt;
	info->map_cnt = obj->map_cnt;
	info->var_cnt = obj->var_cnt;
	info->extern_cnt = obj->extern_cnt;
	info->has_btf = obj->btf != NULL;
	info->btf_type_cnt = obj_btf_type_cnt(obj, &info->btf_size);
	info->has_btf_ext = obj->btf_ext != NULL;
	obj_btf_ext_counts(obj, &info->func_info_cnt, &info->line_info_cnt, &info->core_relo_cnt);
	for (size_t i = 0; i < obj->relo_cnt; i++)
		info->relo_cnt[obj->relos[i].kind]++;
}

static const char *sh_type_name(uint32_t t)
{
	switch (t) {
	case SHT_NULL: return "NULL";
	case SHT_PROGBITS: return "PROGBITS";
	case SHT_SYMTAB: return "SYMTAB";
	case SHT_STRTAB: return "STRTAB";
	case SHT_RELA: return "RELA";
	case SHT_NOBITS: return "NOBITS";
	case SHT_REL: return "REL";
	case SHT_NOTE: return "NOTE";
	case SHT_GROUP: return "GROUP";
	case 0x6fff4c03: return "LLVM_ADDRSIG";
	default: return "OTHER";
	}
}

static const char *section_role(const struct rb_object *obj, const struct elf_section *s)
{
	if (s->idx == 0)
		return "null";
	if (s->type == SHT_SYMTAB)
		return "symbols";
	if (s->type == SHT_STRTAB)
		return "strings";
	if (s->type == SHT_REL || s->type == SHT_RELA)
		return "relocations";
	if ((int)s->idx == obj->maps_sec)
		return "maps";
	if ((int)s->idx == obj->legacy_maps_sec)
		return "legacy-maps";
	if (s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR))
		return (int)s->idx == obj->text_sec ? "subprograms" : "program";
	if (!strcmp(s->name, "license"))
		return "license";
	if (!strcmp(s->name, "version"))
		return "version";
	if (!strcmp(s->name, ".BTF"))
		return "btf";
	if (!strcmp(s->name, ".BTF.ext"))
		return "btf-ext";
	for (size_t i = 0; i < obj->map_cnt; i++) {
		const struct obj_map *m = &obj->maps[i];

		if (m->sec_idx != (int)s->idx)
			continue;
		switch (m->kind) {
		case OBJ_MAP_DATA: return "data";
		case OBJ_MAP_RODATA: return "rodata";
		case OBJ_MAP_BSS: return "bss";
		case OBJ_MAP_ARENA: return "arena";
		default: break;
		}
	}
	return "ignored";
}

RB_API size_t rb_object_section_count(const struct rb_object *obj)
{
	return obj->elf.sec_cnt;
}

RB_API int rb_object_section(const struct rb_object *obj, size_t idx, struct rb_section_info *out)
{
	const struct elf_section *s;
	const struct elf_relsec *rs;

	if (idx >= obj->elf.sec_cnt)
		return -ERANGE;
	s = &obj->elf.secs[idx];
	memset(out, 0, sizeof(*out));
	out->index = idx;
	out->name = s->name;
	out->type = sh_type_name(s->type);
	out->flags = s->flags;
	out->size = s->size;
	out->role = section_role(obj, s);
	out->relocates = -1;
	if (s->type == SHT_REL || s->type == SHT_RELA) {
		out->relocates = s->info;
		for (size_t i = 0; i < obj->elf.rel_cnt; i++)
			if (obj->elf.rels[i].sec == idx)
				out->reloc_cnt = obj->elf.rels[i].cnt;
	} else if ((rs = elf_file_relsec_for(&obj->elf, idx))) {
		out->reloc_cnt = rs->cnt;
	}
	return 0;
}

RB_API size_t rb_object_program_count(const struct rb_object *obj)
{
	return obj->prog_cnt;
}

RB_API int rb_object_program(const struct rb_object *obj, size_t idx, struct rb_program_info *out)
{
	const struct obj_prog *p;

	if (idx >= obj->prog_cnt)
		return -ERANGE;
	p = &obj->progs[idx];
	memset(out, 0, sizeof(*out));
	out->name = p->name;
	out->section = p->sec_name;
	out->type = (p->def || p->type_overridden) && !p->subprog ?
		secdef_prog_type_name(p->prog_type) : NULL;
	out->prog_type = p->prog_type;
	out->attach_type = secdef_attach_type_name(p->attach_type);
	out->attach_type_id = p->attach_type;
	out->attach_target = p->attach_text ? p->attach_text : "";
	out->attach_btf_name = p->attach.btf_name;
	out->attach_error = p->attach_error;
	out->insn_cnt = p->insn_cnt;
	out->section_offset = p->sec_off;
	out->subprog = p->subprog;
	out->is_static = p->is_static;
	out->autoload = p->autoload;
	out->sleepable = p->prog_flags & BPF_F_SLEEPABLE;
	out->xdp_frags = p->prog_flags & (1U << 5);
	out->func_info_cnt = p->func_info_cnt;
	out->line_info_cnt = p->line_info_cnt;
	for (size_t i = 0; i < p->relo_cnt; i++)
		out->relo_cnt[obj->relos[p->relo_first + i].kind]++;
	return 0;
}

RB_API int rb_object_program_find(const struct rb_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].name, name))
			return i;
	return -ENOENT;
}

RB_API const struct bpf_insn *rb_object_program_insns(const struct rb_object *obj, size_t idx,
						       size_t *cnt)
{
	if (idx >= obj->prog_cnt) {
		*cnt = 0;
		return NULL;
	}
	*cnt = obj->progs[idx].insn_cnt;
	return obj->progs[idx].insns;
}

/* Callees of program i: relocated calls and callbacks, and unrelocated calls within the
 * same section (static functions the compiler resolved itself). */
static void mark_callees(const struct rb_object *obj, size_t i, bool *seen)
{
	const struct obj_prog *p = &obj->progs[i];

	for (size_t r = 0; r < p->relo_cnt; r++) {
		const struct obj_reloc *rl = &obj->relos[p->relo_first + r];

		if ((rl->kind == OBJ_RELO_CALL || rl->kind == OBJ_RELO_SUBPROG_ADDR) &&
		    rl->callee_prog >= 0 && !seen[rl->callee_prog]) {
			seen[rl->callee_prog] = true;
			mark_callees(obj, rl->callee_prog, seen);
		}
	}
	for (size_t k = 0; k < p->insn_cnt; k++) {
		const struct bpf_insn *in = &p->insns[k];
		bool relocated = false;
		int64_t tgt;

		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != BPF_PSEUDO_CALL)
			continue;
		const struct obj_prog *callee;

		relocated = obj_prog_reloc(obj, p, k) != NULL;
		if (relocated)
			continue;
		tgt = (int64_t)(p->sec_off / 8 + k) + in->imm + 1;
		callee = tgt >= 0 ? obj_prog_at(obj, p->sec_idx, (uint64_t)tgt * 8) : NULL;
		if (callee && callee->sec_off == (uint64_t)tgt * 8 && !seen[callee - obj->progs]) {
			seen[callee - obj->progs] = true;
			mark_callees(obj, callee - obj->progs, seen);
		}
	}
}

RB_API size_t rb_object_program_subprogs(const struct rb_object *obj, size_t idx, size_t *out,
					 size_t max)
{
	bool *seen;
	size_t n = 0;

	if (idx >= obj->prog_cnt)
		return 0;
	seen = calloc(obj->prog_cnt, sizeof(*seen));
	if (!seen)
		return 0;
	seen[idx] = true;
	mark_callees(obj, idx, seen);
	seen[idx] = false;
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		if (!seen[i])
			continue;
		if (n < max)
			out[n] = i;
		n++;
	}
	free(seen);
	return n;
}

static const char *const map_type_names[] = {
	"unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash",
	"percpu_array", "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie",
	"array_of_maps", "hash_of_maps", "devmap", "sockmap", "cpumap", "xskmap", "sockhash",
	"cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage", "queue", "stack",
	"sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage", "task_storage",
	"bloom_filter", "user_ringbuf", "cgrp_storage", "arena", "insn_array",
};

RB_API const char *rb_map_type_name(uint32_t type)
{
	if (type < sizeof(map_type_names) / sizeof(map_type_names[0]))
		return map_type_names[type];
	return NULL;
}

RB_API const char *rb_prog_type_name(uint32_t type)
{
	return secdef_prog_type_name(type);
}

RB_API const char *rb_attach_type_name(int type)
{
	return secdef_attach_type_name(type);
}

static const char *map_kind_name(enum obj_map_kind k)
{
	switch (k) {
	case OBJ_MAP_BTF: return "btf";
	case OBJ_MAP_LEGACY: return "legacy";
	case OBJ_MAP_DATA: return "data";
	case OBJ_MAP_RODATA: return "rodata";
	case OBJ_MAP_BSS: return "bss";
	case OBJ_MAP_KCONFIG: return "kconfig";
	case OBJ_MAP_ARENA: return "arena";
	case OBJ_MAP_STRUCT_OPS: return "struct_ops";
	}
	return "?";
}

static void map_info(const struct rb_object *obj, const struct obj_map *m,
		     struct rb_map_info *out)
{
	memset(out, 0, sizeof(*out));
	out->name = m->name;
	out->real_name = m->real_name;
	out->kind = map_kind_name(m->kind);
	out->section = m->sec_idx >= 0 ? obj->elf.secs[m->sec_idx].name : m->real_name;
	out->type = m->kind == OBJ_MAP_ARENA ? NULL : rb_map_type_name(m->type);
	out->type_id = m->type;
	out->key_size = m->key_size;
	out->value_size = m->value_size;
	out->max_entries = m->max_entries;
	out->map_flags = m->map_flags;
	out->numa_node = m->numa_node;
	out->pinning = m->pinning;
	out->map_extra = m->map_extra;
	out->key_type = cached_type_name(obj, m->btf_key_type_id);
	out->value_type = cached_type_name(obj, m->btf_value_type_id);
	if (m->st_ops)
		out->value_type = m->st_ops->type_name; /* the struct the kernel's is matched to */
	out->has_inner = m->inner != NULL;
	out->init_slot_cnt = m->slot_cnt;
	out->var_cnt = m->var_cnt;
	out->data_size = m->data ? m->value_size : 0;
	if (m->kind == OBJ_MAP_ARENA)
		out->data_size = m->data ? obj->elf.secs[m->sec_idx].size : 0;
}

RB_API size_t rb_object_map_count(const struct rb_object *obj)
{
	return obj->map_cnt;
}

RB_API int rb_object_map(const struct rb_object *obj, size_t idx, struct rb_map_info *out)
{
	if (idx >= obj->map_cnt)
		return -ERANGE;
	map_info(obj, &obj->maps[idx], out);
	return 0;
}

RB_API int rb_object_map_inner(const struct rb_object *obj, size_t idx, struct rb_map_info *out)
{
	if (idx >= obj->map_cnt || !obj->maps[idx].inner)
		return -ENOENT;
	map_info(obj, obj->maps[idx].inner, out);
	return 0;
}

RB_API int rb_object_map_find(const struct rb_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->map_cnt; i++)
		if (!strcmp(obj->maps[i].name, name) || !strcmp(obj->maps[i].real_name, name))
			return i;
	return -ENOENT;
}

RB_API int rb_object_map_slot(const struct rb_object *obj, size_t idx, size_t i, uint32_t *key,
			      const char **target)
{
	const struct obj_map *m;

	if (idx >= obj->map_cnt || i >= obj->maps[idx].slot_cnt)
		return -ERANGE;
	m = &obj->maps[idx];
	*key = m->slots[i].index;
	if (m->slots[i].map_idx >= 0)
		*target = obj->maps[m->slots[i].map_idx].name;
	else if (m->slots[i].prog_idx >= 0)
		*target = obj->progs[m->slots[i].prog_idx].name;
	else
		*target = NULL;
	return 0;
}

RB_API int rb_object_struct_ops_member(const struct rb_object *obj, size_t idx, size_t i,
				       const char **member, const char **prog)
{
	const struct obj_map *m = idx < obj->map_cnt ? &obj->maps[idx] : NULL;
	const struct btf_type *t;

	if (!m || !m->st_ops)
		return -ERANGE;
	t = btf_type(obj->btf, m->st_ops->type_id);
	for (uint32_t k = 0; k < m->st_ops->member_cnt; k++) {
		if (m->st_ops->member_prog[k] < 0 || i--)
			continue;
		*member = btf_str(obj->btf, btf_members(t)[k].name_off);
		*prog = obj->progs[m->st_ops->member_prog[k]].name;
		return 0;
	}
	return -ERANGE;
}

RB_API const void *rb_object_map_data(const struct rb_object *obj, size_t idx, size_t *size)
{
	struct rb_map_info info;

	*size = 0;
	if (idx >= obj->map_cnt || !obj->maps[idx].data)
		return NULL;
	map_info(obj, &obj->maps[idx], &info);
	*size = info.data_size;
	return obj->maps[idx].data;
}

RB_API size_t rb_object_var_count(const struct rb_object *obj)
{
	return obj->var_cnt;
}

RB_API int rb_object_var(const struct rb_object *obj, size_t idx, struct rb_var_info *out)
{
	const struct obj_var *v;
	const struct obj_map *m;

	if (idx >= obj->var_cnt)
		return -ERANGE;
	v = &obj->vars[idx];
	m = &obj->maps[v->map_idx];
	memset(out, 0, sizeof(*out));
	out->name = v->name;
	out->section = m->real_name;
	out->map = m->name;
	out->offset = v->offset;
	out->size = v->size;
	out->type = cached_type_name(obj, v->btf_type_id);
	out->is_static = v->is_static;
	return 0;
}

RB_API size_t rb_object_extern_count(const struct rb_object *obj)
{
	return obj->extern_cnt;
}

RB_API int rb_object_extern(const struct rb_object *obj, size_t idx, struct rb_extern_info *out)
{
	static const char *const kinds[] = { "kconfig", "ksym", "kfunc" };
	const struct obj_extern *e;

	if (idx >= obj->extern_cnt)
		return -ERANGE;
	e = &obj->externs[idx];
	memset(out, 0, sizeof(*out));
	out->name = e->name;
	out->kind = kinds[e->kind];
	out->weak = e->weak;
	out->typed = e->typed;
	out->type = cached_type_name(obj, e->type_id);
	return 0;
}
