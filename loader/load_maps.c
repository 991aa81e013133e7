// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Maps into the kernel: BPF_MAP_CREATE with every attribute the object gives (name, flags,
 * BTF key/value types, inner map template, map_extra, numa node), user overrides applied
 * first; maps pinned by name reused when compatible; global data written and .rodata and
 * .kconfig frozen; prog arrays and map-in-maps filled after the programs load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/explain.h"
#include "bpf/names.h"
#include "bpf/pin.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "loader/load.h"
#include "loader/struct_ops.h"
#include "util/err.h"
#include "util/strbuf.h"

static bool sizeless_by_design(uint32_t type)
{
	/* Storage maps have no max_entries; user space sizes the others. */
	return type == BPF_MAP_TYPE_CGROUP_STORAGE || type == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE ||
	       type == BPF_MAP_TYPE_SK_STORAGE || type == BPF_MAP_TYPE_INODE_STORAGE ||
	       type == BPF_MAP_TYPE_TASK_STORAGE || type == BPF_MAP_TYPE_CGRP_STORAGE;
}

static int apply_overrides(const struct rb_object *obj, const struct obj_map *m,
			   struct sys_map_create_opts *o, const struct rb_load_opts *opts,
			   struct rb_error *err)
{
	for (size_t i = 0; opts && i < opts->override_cnt; i++) {
		const struct rb_map_override *ov = &opts->overrides[i];

		if (strcmp(ov->map, m->name) && strcmp(ov->map, m->real_name))
			continue;
		if (ov->value > UINT32_MAX)
			return rb_errorf(err, -ERANGE, "%s: map '%s': %s=%llu does not fit 32 bits",
					 obj_file(obj), m->name, ov->attr,
					 (unsigned long long)ov->value);
		if (!strcmp(ov->attr, "max_entries"))
			o->max_entries = (uint32_t)ov->value;
		else if (!strcmp(ov->attr, "value_size"))
			o->value_size = (uint32_t)ov->value;
		else if (!strcmp(ov->attr, "key_size"))
			o->key_size = (uint32_t)ov->value;
		else if (!strcmp(ov->attr, "map_flags"))
			o->map_flags = (uint32_t)ov->value;
		else
			return rb_errorf(err, -EINVAL,
					 "map '%s': unknown attribute '%s' (max_entries, value_size, "
					 "key_size, map_flags)",
					 m->name, ov->attr);
	}
	return 0;
}

/*
 * Map types whose kernel code has no BTF check for key and value: the kernel refuses BTF
 * type ids for them (ENOTSUPP), so, like libbpf, they are created without (the values are
 * fds, ids or stack traces, which BTF cannot describe usefully anyway).
 */
static bool btf_types_allowed(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case BPF_MAP_TYPE_CGROUP_ARRAY:
	case BPF_MAP_TYPE_STACK_TRACE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
	case BPF_MAP_TYPE_DEVMAP:
	case BPF_MAP_TYPE_DEVMAP_HASH:
	case BPF_MAP_TYPE_CPUMAP:
	case BPF_MAP_TYPE_XSKMAP:
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
		return false;
	default:
		return true;
	}
}

/* The attributes of map m for BPF_MAP_CREATE (inner_fd: its template's fd, or 0). */
#define KERNEL_ENOTSUPP 524 /* the kernel's internal "not supported", as bpf(2) returns it */

static int map_opts(struct rb_loaded *l, const struct rb_object *obj, const struct obj_map *m,
		    int inner_fd, const struct rb_load_opts *opts, struct sys_map_create_opts *o,
		    struct rb_error *err)
{
	bool internal = m->kind != OBJ_MAP_BTF && m->kind != OBJ_MAP_LEGACY;

	memset(o, 0, sizeof(*o));
	o->map_type = m->type;
	o->key_size = m->key_size;
	o->value_size = m->value_size;
	o->max_entries = m->max_entries;
	o->map_flags = m->map_flags;
	o->numa_node = m->numa_node;
	o->map_extra = m->map_extra;
	o->inner_map_fd = inner_fd;
	if (probe_feature(PROBE_PROG_NAME)->state != PROBE_NO)
		o->name = m->name;
	if (internal && (m->map_flags & BPF_F_MMAPABLE) &&
	    probe_feature(PROBE_ARRAY_MMAP)->state == PROBE_NO)
		o->map_flags &= ~BPF_F_MMAPABLE;
	if (m->kind == OBJ_MAP_STRUCT_OPS) {
		/* the value is the kernel's type: only its id, with the object's BTF alongside */
		o->btf_vmlinux_value_type_id = m->btf_value_type_id;
		o->btf_fd = l->btf_fd >= 0 ? l->btf_fd : 0;
		return apply_overrides(obj, m, o, opts, err);
	}
	if (l->btf_fd >= 0) {
		o->btf_fd = l->btf_fd;
		if (internal) { /* value: the section's DATASEC */
			o->btf_value_type_id = m->btf_value_type_id ? m->btf_value_type_id
								    : m->btf_var_id;
		} else {
			o->btf_key_type_id = m->btf_key_type_id;
			o->btf_value_type_id = m->btf_value_type_id;
		}
		if (!btf_types_allowed(m->type))
			o->btf_key_type_id = o->btf_value_type_id = 0;
		if (!o->btf_key_type_id && !o->btf_value_type_id)
			o->btf_fd = 0;
	}
	/* A perf event array sized 0 gets one slot per CPU, as libbpf does. */
	if (m->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && !o->max_entries) {
		o->max_entries = (uint32_t)sys_possible_cpus();
	}
	return apply_overrides(obj, m, o, opts, err);
}

static int check_sizes(const struct rb_object *obj, const struct obj_map *m,
		       const struct sys_map_create_opts *o, struct rb_error *err)
{
	if (!o->max_entries && !sizeless_by_design(o->map_type))
		return rb_errorf(err, -EINVAL,
				 "%s: map '%s' has max_entries 0 (its user space would size it): "
				 "give a size with --map %s.max_entries=N",
				 obj_file(obj), m->name, m->name);
	/* real tools size a stack trace map's values at run time, from their frame count */
	if (o->map_type == BPF_MAP_TYPE_STACK_TRACE && !o->value_size)
		return rb_errorf(err, -EINVAL,
				 "%s: map '%s' (stack_trace) has value_size 0 (its user space would "
				 "size it: 8 bytes a frame, 127 frames by default): give a size with "
				 "--map %s.value_size=N",
				 obj_file(obj), m->name, m->name);
	return 0;
}

static int create_one(struct rb_loaded *l, const struct rb_object *obj, const struct obj_map *m,
		      int inner_fd, const struct rb_load_opts *opts, struct rb_error *err)
{
	struct sys_map_create_opts o;
	struct strbuf why = STRBUF_INIT;
	int r;

	r = map_opts(l, obj, m, inner_fd, opts, &o, err);
	if (r < 0)
		return r;
	r = check_sizes(obj, m, &o, err);
	if (r < 0)
		return r;
	r = sys_map_create(&o);
	if ((r == -EINVAL || r == -KERNEL_ENOTSUPP || r == -EOPNOTSUPP) && o.btf_fd) {
		/*
		 * Some kernels refuse BTF types for a map type they predate (EINVAL), and some
		 * map types take none at all (sockmap, sockhash, devmap: ENOTSUPP): retry
		 * without, as libbpf does.
		 */
		struct sys_map_create_opts plain = o;
		int first = r;

		plain.btf_fd = 0;
		plain.btf_key_type_id = plain.btf_value_type_id = 0;
		if ((r = sys_map_create(&plain)) >= 0)
			return r;
		r = first;
	}
	if (r < 0) {
		explain_map_create(&why, r, &o);
		rb_errorf(err, r, "%s: map '%s' (%s): %s", obj_file(obj), m->name,
			  sys_map_type_name(o.map_type) ? sys_map_type_name(o.map_type) : "?",
			  sb_str(&why));
		sb_free(&why);
	}
	return r;
}

/* Pinning by name: reuse a compatible pinned map, refuse an incompatible one. */
static int reuse_pinned(const struct rb_object *obj, const struct obj_map *m,
			const struct sys_map_create_opts *o, const char *path, struct rb_error *err)
{
	struct bpf_map_info info;
	int fd = sys_obj_get(path, 0), r;
	char diff[160] = "";

	if (fd < 0)
		return fd; /* -ENOENT: nothing pinned yet */
	r = sys_map_get_info(fd, &info);
	if (r < 0) {
		close(fd);
		return rb_errorf(err, r, "%s: map '%s': cannot read the map pinned at %s: %s",
				 obj_file(obj), m->name, path, strerror(-r));
	}
	if (info.type != o->map_type)
		snprintf(diff, sizeof(diff), "type %s, not %s",
			 sys_map_type_name(info.type) ? sys_map_type_name(info.type) : "?",
			 sys_map_type_name(o->map_type) ? sys_map_type_name(o->map_type) : "?");
	else if (info.key_size != o->key_size)
		snprintf(diff, sizeof(diff), "key_size %u, not %u", info.key_size, o->key_size);
	else if (info.value_size != o->value_size)
		snprintf(diff, sizeof(diff), "value_size %u, not %u", info.value_size,
			 o->value_size);
	else if (info.max_entries != o->max_entries)
		snprintf(diff, sizeof(diff), "max_entries %u, not %u", info.max_entries,
			 o->max_entries);
	else if (info.map_flags != o->map_flags)
		snprintf(diff, sizeof(diff), "map_flags 0x%x, not 0x%x", info.map_flags,
			 o->map_flags);
	if (diff[0]) {
		close(fd);
		return rb_errorf(err, -EEXIST,
				 "%s: map '%s': the map pinned at %s is incompatible (%s); unpin it or "
				 "use another --pin-root",
				 obj_file(obj), m->name, path, diff);
	}
	return fd;
}

static int write_initial(struct rb_loaded *l, const struct rb_object *obj, size_t idx,
			 const struct rb_prepared *pp, struct rb_error *err)
{
	const struct obj_map *m = &obj->maps[idx];
	const void *bytes = m->data;
	uint32_t zero = 0;
	int r;

	if (m->kind == OBJ_MAP_KCONFIG)
		bytes = pp && pp->kconfig_map == (int)idx ? pp->kconfig : NULL;
	if (m->kind == OBJ_MAP_STRUCT_OPS)
		return 0; /* its value is written when it is registered (attach_struct_ops.c) */
	if (bytes && m->value_size) {
		r = sys_map_update_elem(l->maps[idx].fd, &zero, bytes, 0);
		if (r < 0)
			return rb_errorf(err, r, "%s: map '%s': writing its initial %u bytes failed: %s",
					 obj_file(obj), m->name, m->value_size, strerror(-r));
	}
	if (m->kind == OBJ_MAP_RODATA || m->kind == OBJ_MAP_KCONFIG) {
		/* read-only for programs; frozen so user space cannot change it either */
		r = sys_map_freeze(l->maps[idx].fd);
		if (r < 0)
			return rb_errorf(err, r, "%s: map '%s': freezing failed: %s", obj_file(obj),
					 m->name, strerror(-r));
	}
	return 0;
}

/*
 * A struct_ops map as the kernel sees it: the value is the kernel's wrapper struct (size and
 * id from prepare). 0: not to be created (its section is marked '?').
 */
static int struct_ops_map(const struct rb_loaded *l, const struct rb_object *obj,
			  const struct rb_prepared *pp, size_t i, struct obj_map *out,
			  struct rb_error *err)
{
	const struct st_ops_plan *pl = st_ops_plan_for(pp, i);

	if (!pl)
		return 0;
	if (l->btf_fd < 0)
		return rb_errorf(err, -EINVAL, "%s: struct_ops map '%s' needs the object's BTF in "
				 "the kernel, which was not loaded (%s)", obj_file(obj),
				 obj->maps[i].name, l->btf_note);
	*out = obj->maps[i];
	out->value_size = pl->value_size;
	out->btf_key_type_id = 0;
	out->btf_value_type_id = pl->value_type_id;
	out->inner = NULL;
	return 1;
}

int load_maps(struct rb_loaded *l, const struct rb_object *obj, const struct rb_prepared *pp,
	      const struct rb_load_opts *opts, struct rb_error *err)
{
	const char *root = opts && opts->pin_root ? opts->pin_root : SYS_BPFFS_DEFAULT;
	int r;

	for (size_t i = 0; i < obj->map_cnt; i++) {
		const struct obj_map *m = &obj->maps[i];
		struct loaded_map *lm = &l->maps[i];
		struct bpf_map_info info;
		struct obj_map st_map;
		int inner = 0;

		if (m->kind == OBJ_MAP_ARENA)
			continue; /* its bytes belong to the arena map from .maps */
		if (m->kind == OBJ_MAP_STRUCT_OPS) {
			r = struct_ops_map(l, obj, pp, i, &st_map, err);
			if (r < 0)
				return r;
			if (r == 0)
				continue; /* '?' section: not created */
			m = &st_map;
		}
		if (m->pinning) {
			struct sys_map_create_opts o;
			char path[4096];

			r = map_opts(l, obj, m, 0, opts, &o, err);
			if (r < 0)
				return r;
			snprintf(path, sizeof(path), "%s/%s", root, m->name);
			lm->pin_path = strdup(path);
			if (!lm->pin_path)
				return rb_errorf(err, -ENOMEM, "out of memory");
			r = reuse_pinned(obj, m, &o, path, err);
			if (r >= 0) {
				lm->fd = r;
				lm->reused = true;
				if (sys_map_get_info(r, &info) == 0)
					lm->id = info.id;
				continue;
			}
			if (r != -ENOENT)
				return r;
		}
		if (m->inner) {
			inner = create_one(l, obj, m->inner, 0, opts, err);
			if (inner < 0)
				return rb_err_wrap(err, inner, "inner map of '%s'", m->name);
		}
		r = create_one(l, obj, m, inner, opts, err);
		if (inner > 0)
			close(inner); /* the outer map keeps what it needs */
		if (r < 0)
			return r;
		lm->fd = r;
		if (sys_map_get_info(r, &info) == 0)
			lm->id = info.id;
		r = write_initial(l, obj, i, pp, err);
		if (r < 0)
			return r;
		if (lm->pin_path) {
			r = sys_pin_fd(lm->fd, lm->pin_path, err);
			if (r < 0)
				return rb_err_wrap(err, r, "%s: map '%s'", obj_file(obj), m->name);
		}
	}
	return 0;
}

int load_fill_slots(struct rb_loaded *l, const struct rb_object *obj, struct rb_error *err)
{
	for (size_t i = 0; i < obj->map_cnt; i++) {
		const struct obj_map *m = &obj->maps[i];

		for (size_t s = 0; s < m->slot_cnt; s++) {
			const struct obj_map_slot *sl = &m->slots[s];
			int fd = -1, r;

			if (sl->map_idx >= 0 && (size_t)sl->map_idx < l->map_cnt)
				fd = l->maps[sl->map_idx].fd;
			for (size_t p = 0; sl->prog_idx >= 0 && p < l->prog_cnt; p++)
				if (l->progs[p].obj_prog == (size_t)sl->prog_idx)
					fd = l->progs[p].fd;
			if (fd < 0 || l->maps[i].fd < 0)
				continue; /* the program was not loaded (--prog, --keep-going) */
			r = sys_map_update_elem(l->maps[i].fd, &sl->index, &fd, 0);
			if (r < 0)
				return rb_errorf(err, r, "%s: map '%s': filling slot %u failed: %s",
						 obj_file(obj), m->name, sl->index, strerror(-r));
		}
	}
	return 0;
}
