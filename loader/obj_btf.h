/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The parts of opening that read the object's BTF: .BTF and .BTF.ext handed to btf/,
 * BTF-defined maps, DATASEC variables of global data, extern classification, and the C
 * spelling of a type for display. An object without BTF opens; these then do what can be
 * done without it and leave the rest to say "rebuild with -g" when it is needed.
 */
#ifndef RB_LOADER_OBJ_BTF_H
#define RB_LOADER_OBJ_BTF_H

#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

struct rb_object;

int obj_btf_open(struct rb_object *obj, struct rb_error *err);
void obj_btf_free(struct rb_object *obj);
/* Variables of internal map map_idx from its DATASEC (offsets completed from symbols). */
int obj_btf_datasec_vars(struct rb_object *obj, int map_idx, struct rb_error *err);
/* The .kconfig map, laid out for the kconfig externs (none: nothing to do). */
int obj_btf_kconfig_map(struct rb_object *obj, struct rb_error *err);
/* C spelling of type id ("unsigned int", "struct event", "char[16]"); "" without BTF. */
const char *obj_btf_type_str(const struct rb_object *obj, uint32_t id, char *buf, size_t len);
/* Spell every type the model names (map keys/values, variables, externs) once, at open, so
 * the info calls can hand out strings that live as long as the object. */
int obj_btf_cache_type_names(struct rb_object *obj, struct rb_error *err);
/* The cached spelling of type id, NULL for 0, without BTF or when not cached. */
const char *obj_btf_type_name(const struct rb_object *obj, uint32_t id);
/* Counts of .BTF.ext records (0 without). */
void obj_btf_ext_counts(const struct rb_object *obj, size_t *func, size_t *line, size_t *core);
uint32_t obj_btf_type_cnt(const struct rb_object *obj, size_t *size);

#endif
