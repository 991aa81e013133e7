/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BTF as data: a parsed, validated, host-endian view of a raw BTF blob (an ELF .BTF section,
 * a raw file such as /sys/kernel/btf/vmlinux, or a module's split BTF on top of a base).
 *
 * Types are the UAPI struct btf_type records (linux/btf.h), kept in host byte order: a
 * big-endian blob is byte-swapped into an owned copy at parse time. Every id, string offset
 * and vlen has been validated when btf_parse() succeeds, so the accessors below do not
 * re-check what the parser already proved (ids in range, strings NUL-terminated, member /
 * param / secinfo types valid). Resolvers that follow type chains still carry a depth bound
 * (BTF_MAX_DEPTH), because a chain of modifiers may legally-looking loop forever.
 *
 * Names here are internal (btf_ prefix, never libbpf's btf__ or its internal helpers).
 */
#ifndef RB_BTF_BTF_H
#define RB_BTF_BTF_H

#include <linux/bpf.h> /* struct bpf_func_info, bpf_line_info: .BTF.ext record formats */
#include <linux/btf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

/* Debian's 6.1 UAPI headers already have every kind through ENUM64 (19). */

/* How far a resolver follows typedef/modifier/array chains before calling it a loop. */
#define BTF_MAX_DEPTH 32

struct btf; /* opaque; btf/btf.c */

/* ---- opening ---------------------------------------------------------------------------- */

/*
 * Parse raw BTF bytes. The bytes are copied (the caller may free them afterwards); a BE
 * blob is byte-swapped. base (may be NULL) makes this split BTF: ids continue after the
 * base's last id and string offsets after the base's string section; base must outlive the
 * result. what names the input in error messages ("prog.o: section '.BTF'", a path).
 */
int btf_parse(const void *data, size_t size, const struct btf *base, const char *what,
	      struct btf **out, struct rb_error *err);

/*
 * Open a raw BTF file (e.g. /sys/kernel/btf/vmlinux): mmap read-only and use the mapping in
 * place (zero copy) when it is host-endian, otherwise read()/copy. base as for btf_parse().
 */
int btf_open_raw(const char *path, const struct btf *base, struct btf **out,
		 struct rb_error *err);

void btf_free(struct btf *btf);

/* ---- the blob --------------------------------------------------------------------------- */

/* One past the last valid type id (base types included): ids are 1 .. btf_nr_ids()-1. */
uint32_t btf_nr_ids(const struct btf *btf);
/* First id that belongs to this blob (1 for a base BTF, base's nr_ids for split BTF). */
uint32_t btf_start_id(const struct btf *btf);
const struct btf *btf_base(const struct btf *btf);
/* True when the blob was big-endian (types are still served in host order). */
bool btf_swapped(const struct btf *btf);
/* The raw blob of this BTF in host byte order (header, types, strings). */
const void *btf_raw_data(const struct btf *btf, size_t *size);
/* The header of this blob (host order). */
const struct btf_header *btf_header(const struct btf *btf);

/* ---- types and strings ------------------------------------------------------------------ */

/* Type by id (base ids too). Id 0 gives a zeroed "void" record; out of range gives NULL. */
const struct btf_type *btf_type(const struct btf *btf, uint32_t id);
/* A string by offset (split BTF: offsets continue from the base). NULL when out of range. */
const char *btf_str(const struct btf *btf, uint32_t off);
/* The type's name; "" for anonymous types (never NULL for a validated blob). */
const char *btf_name(const struct btf *btf, const struct btf_type *t);
/* Name of type id; "" for anonymous or id 0. */
const char *btf_name_of(const struct btf *btf, uint32_t id);

static inline uint16_t btf_kind(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}

static inline uint16_t btf_vlen(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}

static inline bool btf_kflag(const struct btf_type *t)
{
	return BTF_INFO_KFLAG(t->info);
}

/* "INT", "STRUCT", ... as bpftool spells kinds; "UNKNOWN" otherwise. */
const char *btf_kind_name(uint16_t kind);

static inline bool btf_is_int(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_INT; }
static inline bool btf_is_ptr(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_PTR; }
static inline bool btf_is_array(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_ARRAY; }
static inline bool btf_is_struct(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_STRUCT;
}
static inline bool btf_is_union(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_UNION; }
static inline bool btf_is_composite(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION;
}
static inline bool btf_is_enum(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_ENUM; }
static inline bool btf_is_enum64(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_ENUM64;
}
static inline bool btf_is_any_enum(const struct btf_type *t)
{
	return btf_is_enum(t) || btf_is_enum64(t);
}
static inline bool btf_is_fwd(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_FWD; }
static inline bool btf_is_typedef(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_TYPEDEF;
}
static inline bool btf_is_func(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_FUNC; }
static inline bool btf_is_func_proto(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_FUNC_PROTO;
}
static inline bool btf_is_var(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_VAR; }
static inline bool btf_is_datasec(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_DATASEC;
}
static inline bool btf_is_float(const struct btf_type *t) { return btf_kind(t) == BTF_KIND_FLOAT; }
static inline bool btf_is_decl_tag(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_DECL_TAG;
}
/* CONST, VOLATILE, RESTRICT, TYPE_TAG: qualifiers that do not change the layout. */
static inline bool btf_is_mod(const struct btf_type *t)
{
	uint16_t k = btf_kind(t);

	return k == BTF_KIND_CONST || k == BTF_KIND_VOLATILE || k == BTF_KIND_RESTRICT ||
	       k == BTF_KIND_TYPE_TAG;
}

/* The extra data after struct btf_type, per kind. */
static inline uint32_t btf_int_info(const struct btf_type *t)
{
	return *(const uint32_t *)(t + 1);
}
static inline uint8_t btf_int_encoding(const struct btf_type *t)
{
	return BTF_INT_ENCODING(btf_int_info(t));
}
static inline uint8_t btf_int_offset(const struct btf_type *t)
{
	return BTF_INT_OFFSET(btf_int_info(t));
}
static inline uint8_t btf_int_bits(const struct btf_type *t)
{
	return BTF_INT_BITS(btf_int_info(t));
}
static inline const struct btf_array *btf_array_info(const struct btf_type *t)
{
	return (const struct btf_array *)(t + 1);
}
static inline const struct btf_member *btf_members(const struct btf_type *t)
{
	return (const struct btf_member *)(t + 1);
}
static inline const struct btf_param *btf_params(const struct btf_type *t)
{
	return (const struct btf_param *)(t + 1);
}
static inline const struct btf_enum *btf_enums(const struct btf_type *t)
{
	return (const struct btf_enum *)(t + 1);
}
static inline const struct btf_enum64 *btf_enums64(const struct btf_type *t)
{
	return (const struct btf_enum64 *)(t + 1);
}
static inline const struct btf_var *btf_var_info(const struct btf_type *t)
{
	return (const struct btf_var *)(t + 1);
}
static inline const struct btf_var_secinfo *btf_secinfos(const struct btf_type *t)
{
	return (const struct btf_var_secinfo *)(t + 1);
}
static inline const struct btf_decl_tag *btf_decl_tag_info(const struct btf_type *t)
{
	return (const struct btf_decl_tag *)(t + 1);
}

/* Member i's offset in bits (kind_flag: low 24 bits; otherwise the whole field). */
static inline uint32_t btf_member_bit_offset(const struct btf_type *t, uint32_t i)
{
	uint32_t off = btf_members(t)[i].offset;

	return btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(off) : off;
}
/* Member i's bitfield size in bits (0: not a bitfield, or not encoded in the member). */
static inline uint32_t btf_member_bitfield_size(const struct btf_type *t, uint32_t i)
{
	return btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(btf_members(t)[i].offset) : 0;
}

/* Enumerator i of an ENUM or ENUM64: name offset and value (sign-extended when signed). */
uint32_t btf_enum_name_off(const struct btf_type *t, uint32_t i);
uint64_t btf_enum_value(const struct btf_type *t, uint32_t i);
/* kind_flag on ENUM/ENUM64 means the values are signed. */
static inline bool btf_enum_signed(const struct btf_type *t)
{
	return btf_kflag(t);
}

/* ---- lookups and resolvers -------------------------------------------------------------- */

/*
 * Id of the type named name with this kind (-1: any kind), searching base first then this
 * blob; uses a hash index built on first use. Returns the id (> 0) or -ENOENT.
 * When several types share name and kind, the lowest id is returned.
 */
int btf_find(const struct btf *btf, const char *name, int kind);
/* Call fn for every id with this name (any kind), lowest id first; stop when fn returns != 0. */
int btf_find_each(const struct btf *btf, const char *name,
		  int (*fn)(uint32_t id, void *ctx), void *ctx);

/*
 * Types of this blob (not the base's) whose names carry a "___flavor" suffix, as local
 * indexes (id = *first_id + index), ascending; built with the name index. CO-RE uses it to
 * find "task_struct___x"-style targets without scanning every type.
 */
const uint32_t *btf_flavored(const struct btf *btf, uint32_t *cnt, uint32_t *first_id);

/* Follow CONST/VOLATILE/RESTRICT/TYPE_TAG (and TYPEDEF with _typedefs). Returns the id of
 * the first other type (0 for void), or -ELOOP past BTF_MAX_DEPTH. */
int btf_skip_mods(const struct btf *btf, uint32_t id);
int btf_skip_mods_typedefs(const struct btf *btf, uint32_t id);
/* Is type id (modifiers and typedefs followed) a pointer to a FUNC_PROTO? */
bool btf_is_func_ptr(const struct btf *btf, uint32_t id);

/*
 * Size in bytes of type id as C sizeof would give it (arrays multiplied out, typedefs and
 * modifiers followed, pointers as 8). Negative errno (with err filled) for void, FUNC,
 * FUNC_PROTO, FWD, too-deep chains or a size that overflows.
 */
int64_t btf_resolve_size(const struct btf *btf, uint32_t id, struct rb_error *err);
/* Natural alignment in bytes (1..8 for scalars, max of members for composites). */
int btf_align(const struct btf *btf, uint32_t id, struct rb_error *err);

/* ---- .BTF.ext (btf/ext.c) --------------------------------------------------------------- */

/* One CO-RE relocation record (host order; the file may hold larger records). */
struct btf_ext_core_relo {
	uint32_t insn_off;	 /* byte offset of the instruction in its section */
	uint32_t type_id;	 /* local root type */
	uint32_t access_str_off; /* "0:1:2" in the .BTF strings */
	uint32_t kind;		 /* enum bpf_core_relo_kind */
};

/* The records of one kind for one ELF section: rec_size is what the file said (>= ours). */
struct btf_ext_sec {
	const char *sec_name; /* from the .BTF strings */
	uint32_t nr;
	uint32_t rec_size;
	const uint8_t *recs; /* nr records of rec_size bytes each, host order */
};

enum btf_ext_kind {
	BTF_EXT_FUNC_INFO, /* struct bpf_func_info */
	BTF_EXT_LINE_INFO, /* struct bpf_line_info */
	BTF_EXT_CORE_RELO, /* struct btf_ext_core_relo */
	BTF_EXT_NR_KINDS,
};

struct btf_ext;

/*
 * Parse .BTF.ext bytes (copied; byte-swapped when btf_swapped(btf)); section names are
 * offsets into btf's strings and are validated against it; btf must outlive the result.
 */
int btf_ext_parse(const void *data, size_t size, const struct btf *btf, const char *what,
		  struct btf_ext **out, struct rb_error *err);
void btf_ext_free(struct btf_ext *ext);

/* Number of sections of this kind, and section i. */
uint32_t btf_ext_nr_secs(const struct btf_ext *ext, enum btf_ext_kind kind);
const struct btf_ext_sec *btf_ext_sec_at(const struct btf_ext *ext, enum btf_ext_kind kind,
					 uint32_t i);
/* The section of this kind named sec_name, or NULL. */
const struct btf_ext_sec *btf_ext_sec_find(const struct btf_ext *ext, enum btf_ext_kind kind,
					   const char *sec_name);
/* Record i of a section (caller checked i < sec->nr); cast to the kind's struct. */
static inline const void *btf_ext_rec(const struct btf_ext_sec *sec, uint32_t i)
{
	return sec->recs + (size_t)i * sec->rec_size;
}

#endif /* RB_BTF_BTF_H */
