// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Load and attach for struct_ops maps. Once the programs are loaded, each map's value (the
 * kernel's layout, from prepare) gets the programs' fds at their members. Registering is
 * writing that value as the map's one element (key 0): for a plain `.struct_ops` map the
 * update itself registers it; a `.struct_ops.link` map (BPF_F_LINK) is registered by
 * BPF_LINK_CREATE on the map, and unregistered when the link closes. Undoing a plain one is
 * deleting key 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "bpf/uapi_compat.h"
#include "btf/btf.h"
#include "loader/load.h"
#include "loader/struct_ops.h"
#include "util/err.h"
#include "util/trace.h"

void loaded_struct_ops_free(struct rb_loaded *l)
{
	for (size_t i = 0; i < l->st_ops_cnt; i++) {
		free(l->st_ops[i].value);
		free(l->st_ops[i].note);
	}
	free(l->st_ops);
	l->st_ops = NULL;
	l->st_ops_cnt = 0;
}

/* The value's "name" member when it is a char array holding a string (for messages). */
static void value_name(const struct rb_object *obj, const struct obj_map *m, char *out,
		       size_t n)
{
	const struct btf_type *t = btf_type(obj->btf, m->st_ops->type_id);
	const struct btf_member *mb = btf_members(t);

	out[0] = '\0';
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		int id = btf_skip_mods_typedefs(obj->btf, mb[i].type);
		const struct btf_type *at = id > 0 ? btf_type(obj->btf, (uint32_t)id) : NULL;
		uint32_t off = btf_member_bit_offset(t, i) / 8, len;

		if (strcmp(btf_str(obj->btf, mb[i].name_off), "name") || !at || !btf_is_array(at))
			continue;
		len = btf_array_info(at)->nelems;
		if (off > m->value_size || len > m->value_size - off)
			return;
		snprintf(out, n, "%.*s", (int)strnlen((const char *)m->data + off, len),
			 (const char *)m->data + off);
		return;
	}
}

static int prog_fd(const struct rb_loaded *l, int obj_prog)
{
	for (size_t i = 0; i < l->prog_cnt; i++)
		if (l->progs[i].obj_prog == (size_t)obj_prog)
			return l->progs[i].fd;
	return -1;
}

int load_struct_ops(struct rb_loaded *l, const struct rb_object *obj,
		    const struct rb_prepared *pp, struct rb_error *err)
{
	if (!pp || !pp->st_ops_cnt)
		return 0;
	l->st_ops = calloc(pp->st_ops_cnt, sizeof(*l->st_ops));
	if (!l->st_ops)
		return rb_errorf(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < pp->st_ops_cnt; i++) {
		const struct st_ops_plan *pl = &pp->st_ops[i];
		const struct obj_map *m = &obj->maps[pl->map_idx];
		struct loaded_st_ops *so = &l->st_ops[l->st_ops_cnt++];

		so->map_idx = pl->map_idx;
		so->type_name = m->st_ops->type_name;
		so->link = m->st_ops->link;
		so->link_fd = -1;
		so->value_size = pl->value_size;
		value_name(obj, m, so->name, sizeof(so->name));
		so->value = malloc(pl->value_size ? pl->value_size : 1);
		if (!so->value)
			return rb_errorf(err, -ENOMEM, "out of memory");
		memcpy(so->value, pl->value, pl->value_size);
		so->ready = l->maps[pl->map_idx].fd >= 0;
		for (size_t s = 0; s < pl->slot_cnt; s++) {
			uint64_t fd = (uint64_t)(int64_t)prog_fd(l, pl->slots[s].prog);

			if ((int64_t)fd < 0) {
				/* --prog or --keep-going left it out: the map cannot be registered */
				so->ready = false;
				if (!so->note && asprintf(&so->note, "program '%s' "
							  "(member %u) is not loaded",
							  obj->progs[pl->slots[s].prog].name,
							  pl->slots[s].member) < 0)
					so->note = NULL;
				continue;
			}
			/* the kernel reads a program fd from the function pointer's 8 bytes */
			memcpy(so->value + pl->slots[s].value_off, &fd, sizeof(fd));
		}
	}
	return 0;
}

static int register_one(struct rb_loaded *l, struct loaded_st_ops *so, struct rb_error *err)
{
	const struct obj_map *m = &l->obj->maps[so->map_idx];
	int map_fd = l->maps[so->map_idx].fd, r;
	uint32_t zero = 0;

	r = sys_map_update_elem(map_fd, &zero, so->value, 0);
	if (r < 0)
		return rb_errorf(err, r, "struct_ops map '%s' (struct %s): writing its value "
				 "(BPF_MAP_UPDATE_ELEM) failed: %s%s", m->name, so->type_name,
				 strerror(-r), r == -EEXIST ? " (a struct_ops of that name is "
				 "registered already?)" : "");
	so->updated = true;
	if (so->link) {
		struct sys_link_create_opts o = { .prog_fd = map_fd,
						  .attach_type = BPF_STRUCT_OPS };
		struct bpf_link_info info;

		r = sys_link_create(&o);
		if (r < 0)
			return rb_errorf(err, r, "struct_ops map '%s' (struct %s): BPF_LINK_CREATE "
					 "failed: %s%s", m->name, so->type_name, strerror(-r),
					 r == -EEXIST ? " (a struct_ops of that name is registered "
					 "already?)" : "");
		so->link_fd = r;
		if (sys_link_get_info(r, &info) == 0)
			so->link_id = info.id;
	}
	return 0;
}

static void undo_one(struct rb_loaded *l, struct loaded_st_ops *so)
{
	uint32_t zero = 0;

	if (so->link_fd >= 0) {
		close(so->link_fd); /* a pinned link stays: the pin holds it */
		so->link_fd = -1;
	} else if (so->updated && !so->link && !so->pinned && l->maps[so->map_idx].fd >= 0) {
		sys_map_delete_elem(l->maps[so->map_idx].fd, &zero);
	}
	if (!so->pinned)
		so->updated = false;
}

int attach_struct_ops(struct rb_loaded *l, struct rb_error *err)
{
	int first = 0, done = 0;

	for (size_t i = 0; i < l->st_ops_cnt; i++) {
		struct loaded_st_ops *so = &l->st_ops[i];
		const char *name = l->obj->maps[so->map_idx].name;
		struct rb_error e = { 0 };
		int r;

		if (!so->ready || so->updated)
			continue;
		r = register_one(l, so, &e);
		if (r < 0) {
			so->err = r;
			free(so->note);
			so->note = strdup(e.msg);
			undo_one(l, so); /* a half-done registration is taken back */
			if (!first)
				first = rb_errorf(err, r, "%s", e.msg);
			continue;
		}
		free(so->note);
		so->note = strdup(so->link ? "BPF link" : "map element");
		trace_emit(RB_TRACE_STAGE, "attach", 0, 0, "struct_ops %s registered as %s%s%s%s (%s)",
			   name, so->type_name, so->name[0] ? " (" : "", so->name,
			   so->name[0] ? ")" : "", so->note ? so->note : "");
		done++;
	}
	return first ? first : done;
}

void detach_struct_ops(struct rb_loaded *l)
{
	for (size_t i = l ? l->st_ops_cnt : 0; i-- > 0;)
		undo_one(l, &l->st_ops[i]);
}

RB_API size_t rb_loaded_struct_ops_count(const struct rb_loaded *l)
{
	return l ? l->st_ops_cnt : 0;
}

RB_API int rb_loaded_struct_ops(const struct rb_loaded *l, size_t i,
				struct rb_struct_ops_info *out)
{
	const struct loaded_st_ops *so;

	if (!l || i >= l->st_ops_cnt)
		return -ERANGE;
	so = &l->st_ops[i];
	memset(out, 0, sizeof(*out));
	out->map = l->obj->maps[so->map_idx].name;
	out->type = so->type_name;
	out->name = so->name;
	out->link = so->link;
	out->registered = so->updated && (!so->link || so->link_fd >= 0 || so->pinned);
	out->err = so->err;
	out->note = so->note ? so->note : "";
	out->link_id = so->link_id;
	return 0;
}
