/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Load (stage 3): the state shared by its parts (BTF, maps, programs). */
#ifndef RB_LOADER_LOAD_H
#define RB_LOADER_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/attachment.h"
#include "loader/object.h"
#include "loader/prepare.h"
#include "rawbpf.h"

struct loaded_map {
	int fd;
	uint32_t id;
	bool reused;
	char *pin_path;
};

struct loaded_prog {
	size_t obj_prog;
	int fd;
	uint32_t id;
	char tag[17];
	int err;
	char *log;
	bool log_truncated;
	char *reason;
	char *explain;
	uint32_t verified_insns;
	uint32_t xlated_len, jited_len; /* bytes, from the program info after load */
	/* attach */
	struct attachment *atts; /* what it is attached to, in the order made (attachment.h) */
	size_t att_cnt;
	char *target;
	char *att_note;
	int att_err;
	uint32_t link_id;
};

struct rb_loaded {
	const struct rb_object *obj;
	int btf_fd;
	uint32_t btf_id;
	char btf_note[512];
	char *btf_log; /* the kernel's log when it refused the BTF, else NULL */
	struct loaded_map *maps; /* one per object map */
	size_t map_cnt;
	struct loaded_prog *progs; /* one per prepared program */
	size_t prog_cnt;
	uint32_t usdt_next_spec; /* next free slot of __bpf_usdt_specs (attach_usdt.c) */
	struct loaded_st_ops *st_ops; /* struct_ops maps' registrations (struct_ops.h) */
	size_t st_ops_cnt;
};

/* Sanitise and load the object's BTF; on failure sets l->btf_fd = -1 and a note. */
int load_btf(struct rb_loaded *l, const struct rb_object *obj, const struct rb_prepared *pp,
	     struct rb_error *err);
/* Create (or reuse) every map and write its initial bytes; frozen where read-only. */
int load_maps(struct rb_loaded *l, const struct rb_object *obj, const struct rb_prepared *pp,
	      const struct rb_load_opts *opts, struct rb_error *err);
/* Fill prog arrays and map-in-maps from their `.values` once programs are loaded. */
int load_fill_slots(struct rb_loaded *l, const struct rb_object *obj, struct rb_error *err);

#endif
