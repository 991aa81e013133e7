/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * struct_ops maps: a kernel structure of function pointers (tcp_congestion_ops, ...) whose
 * members are BPF programs. Each variable of a `.struct_ops` / `.struct_ops.link` section is
 * one map (open: obj_struct_ops.c); prepare matches the object's struct to the kernel's by
 * member NAME and lays the value out in the kernel's layout (struct_ops.c); load fills the
 * programs' fds in and registration updates the map and, for `.link`, creates a BPF link
 * (attach_struct_ops.c).
 */
#ifndef RB_LOADER_STRUCT_OPS_H
#define RB_LOADER_STRUCT_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

struct btf;
struct rb_object;
struct rb_prepared;
struct rb_loaded;

/* Open: what the object says about one struct_ops map (owned by its struct obj_map). */
struct obj_st_ops {
	uint32_t type_id;   /* the object's STRUCT (modifiers skipped) */
	const char *type_name; /* its name, in the object's BTF */
	uint32_t member_cnt;
	int *member_prog;   /* per member of type_id: the obj->progs index filling it, or -1 */
	bool link;          /* .struct_ops.link: BPF_F_LINK, registered through a BPF link */
	bool optional;      /* '?' section: not created (libbpf's autocreate off) */
};

int obj_collect_struct_ops(struct rb_object *obj, struct rb_error *err);
void obj_st_ops_free(struct obj_st_ops *so);

/* Prepare: one function-pointer member of the kernel's value that a program fills. */
struct st_ops_slot {
	uint32_t value_off; /* byte offset in the value (the wrapper struct) */
	uint32_t member;    /* member index in the kernel struct: the program's attach type */
	int prog;           /* obj->progs index */
};

struct st_ops_plan {
	size_t map_idx;
	uint32_t kern_type_id;  /* struct <name> in the kernel's BTF: the programs' attach id */
	uint32_t value_type_id; /* struct bpf_struct_ops_<name>: btf_vmlinux_value_type_id */
	uint32_t value_size;
	uint32_t data_off;      /* where struct <name> sits inside the value */
	uint8_t *value;         /* value_size bytes, kernel layout; program slots still zero */
	struct st_ops_slot *slots;
	size_t slot_cnt;
};

/*
 * Lay map map_idx out against the kernel's BTF kbtf (named kbtf_name in messages). Members
 * are matched by name; a member the kernel lacks must be zero and have no program.
 */
int st_ops_plan_build(const struct rb_object *obj, size_t map_idx, const struct btf *kbtf,
		      const char *kbtf_name, struct st_ops_plan *out, struct rb_error *err);
void st_ops_plan_free(struct st_ops_plan *p);

/*
 * Prepare every struct_ops map of obj against kbtf: plans into pp->st_ops, and each
 * program's attach BTF id and member index into pp->st_prog_btf_id / pp->st_prog_member
 * (one per object program; member -1: none). A program two maps use differently is refused.
 */
int st_ops_prepare(const struct rb_object *obj, const struct btf *kbtf, const char *kbtf_name,
		   struct rb_prepared *pp, struct rb_error *err);
void st_ops_prepared_free(struct rb_prepared *pp);
const struct st_ops_plan *st_ops_plan_for(const struct rb_prepared *pp, size_t map_idx);

/* Load and attach: the registration state of one struct_ops map. */
struct loaded_st_ops {
	size_t map_idx;
	const char *type_name;
	char *value;        /* the plan's value with the programs' fds filled in */
	uint32_t value_size;
	bool ready;         /* every program of the value loaded */
	bool link;
	bool updated;       /* the element is written (registered, for a plain map) */
	bool pinned;        /* rb_loaded_pin pinned it: left registered on exit */
	int link_fd;
	uint32_t link_id;
	int err;
	char *note;
	char name[64];      /* the value's "name" member when it is a string, else "" */
};

/* After the programs load: one loaded_st_ops per planned map, fds filled in. */
int load_struct_ops(struct rb_loaded *l, const struct rb_object *obj,
		    const struct rb_prepared *pp, struct rb_error *err);
/* Register every ready map (update key 0; BPF_LINK_CREATE for link maps). */
int attach_struct_ops(struct rb_loaded *l, struct rb_error *err);
/* Undo the registrations not pinned: close the link, or delete key 0. */
void detach_struct_ops(struct rb_loaded *l);
void loaded_struct_ops_free(struct rb_loaded *l);

#endif
