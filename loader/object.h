/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The object model (stage 1, "open"): what an ELF BPF object contains, as data for the later
 * stages. Nothing here is changed by opening; prepare (relo/) reads programs, symbols and the
 * classified relocation records, load (loader/) reads maps and programs.
 *
 * Indexes: programs, maps, variables and externs live in arrays of struct rb_object; they
 * refer to each other by array index (-1 = none). Sections and symbols are those of the ELF
 * file (obj->elf), by ELF index.
 */
#ifndef RB_LOADER_OBJECT_H
#define RB_LOADER_OBJECT_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loader/elf.h"
#include "loader/secdef.h"
#include "rawbpf.h"

struct btf;
struct btf_ext;
struct obj_st_ops;

/* What a relocation in a program does (classified like libbpf, by instruction and symbol). */
enum obj_reloc_kind {
	OBJ_RELO_MAP,          /* ldimm64 of a map (.maps or legacy maps): map fd */
	OBJ_RELO_DATA,         /* ldimm64 of global data: map value + offset */
	OBJ_RELO_EXTERN_VAR,   /* ldimm64 of an extern variable (kconfig, ksym) */
	OBJ_RELO_EXTERN_CALL,  /* call of an extern function (kfunc) */
	OBJ_RELO_CALL,         /* bpf-to-bpf call into .text (or the same section) */
	OBJ_RELO_SUBPROG_ADDR, /* ldimm64 of a function's address (callback) */
	OBJ_RELO_ARENA,        /* ldimm64 of a variable in the arena (.addr_space.1) */
	OBJ_RELO_KIND_NR,
};

struct obj_reloc {
	enum obj_reloc_kind kind;
	uint32_t insn_idx;  /* instruction index inside the program */
	uint32_t sym;       /* ELF symbol index */
	int map_idx;        /* MAP, DATA, ARENA: obj->maps index */
	int ext_idx;        /* EXTERN_*: obj->externs index */
	uint64_t sym_value; /* the symbol's value (offset inside its section) */
	/* CALL, SUBPROG_ADDR: the callee as (section, instruction index in that section), and
	 * the subprogram found there (obj->progs index, -1 if none starts there). */
	uint32_t callee_sec;
	int64_t callee_insn;
	int callee_prog;
};

/* A program or a subprogram: one function symbol in an executable section. */
struct obj_prog {
	char *name;
	uint32_t sec_idx;
	const char *sec_name;   /* the section name as written (leading '?' included) */
	uint64_t sec_off;       /* byte offset of the function in the section */
	size_t insn_cnt;
	struct bpf_insn *insns; /* host byte order (a big-endian object's are decoded) */
	uint32_t sym;           /* its ELF symbol (0 when the section had no function symbol) */
	bool subprog;           /* a function in .text: only ever appended to programs */
	bool is_static;         /* STB_LOCAL: libbpf refuses these, we load them */
	bool hidden;            /* STV_HIDDEN/INTERNAL */
	bool autoload;          /* false for SEC("?...") */
	/* Section rule; NULL when the section name is unknown (then type is UNSPEC). */
	const struct secdef *def;
	struct secdef_attach attach;
	char *attach_error;     /* a malformed target: the sentence; only auto-attach fails */
	char *attach_text;      /* the target in one line ("" when none) */
	uint32_t prog_type;
	int attach_type;        /* SECDEF_NO_ATTACH when none */
	uint32_t prog_flags;    /* BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS */
	bool type_overridden;   /* set with rb_object_set_prog_type() */
	/* Relocations of this program: obj->relos[relo_first .. relo_first + relo_cnt). */
	size_t relo_first, relo_cnt;
	/* .BTF.ext records for this function (byte offsets relative to the section; the
	 * records of [sec_off, sec_off + insn_cnt * 8)): indexes into the ext section. */
	uint32_t func_info_first, func_info_cnt;
	uint32_t line_info_first, line_info_cnt;
	uint32_t btf_func_id;   /* FUNC type from func_info (0: none) */
};

enum obj_map_kind {
	OBJ_MAP_BTF,      /* .maps */
	OBJ_MAP_LEGACY,   /* maps: struct bpf_map_def records */
	OBJ_MAP_DATA,     /* .data, .data.* */
	OBJ_MAP_RODATA,   /* .rodata, .rodata.* */
	OBJ_MAP_BSS,      /* .bss, .bss.* */
	OBJ_MAP_KCONFIG,  /* .kconfig externs: laid out by the loader */
	OBJ_MAP_ARENA,    /* .addr_space.1: initial bytes of the arena (no map of its own) */
	OBJ_MAP_STRUCT_OPS, /* a variable of .struct_ops / .struct_ops.link (struct_ops.h) */
};

/* A prog-array or map-in-map initial slot from `.values = { ... }`. */
struct obj_map_slot {
	uint32_t index;   /* slot (key) */
	int map_idx;      /* map-in-map: obj->maps index */
	int prog_idx;     /* prog array: obj->progs index */
};

struct obj_map {
	char *name;          /* what the kernel will be told (internal maps: libbpf naming) */
	char *real_name;     /* the ELF name: variable, symbol or section */
	enum obj_map_kind kind;
	int sec_idx;         /* ELF section of its definition/data (-1: none, .kconfig) */
	uint64_t sec_off;    /* offset of the definition inside the section */
	uint64_t def_size;   /* size of the definition record */
	uint32_t type;       /* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t numa_node;
	uint32_t pinning;    /* 0 none, 1 by name */
	uint64_t map_extra;
	uint32_t btf_var_id;       /* .maps VAR or the DATASEC of an internal map */
	uint32_t btf_key_type_id;  /* 0 when sizes were given without types */
	uint32_t btf_value_type_id;
	struct obj_map *inner;     /* map-in-map template (owned), or NULL */
	struct obj_map_slot *slots;
	size_t slot_cnt;
	uint8_t *data;             /* initial value bytes (data/rodata/arena), NULL for bss */
	bool mmapable;             /* at least one non-static variable (libbpf's rule) */
	uint32_t var_first, var_cnt; /* global variables: obj->vars range */
	struct obj_st_ops *st_ops; /* STRUCT_OPS: the struct and its programs (owned) */
};

/* A variable in a global-data map. */
struct obj_var {
	char *name;
	int map_idx;
	uint32_t offset;
	uint32_t size;
	uint32_t btf_type_id; /* the VAR's type (0 without BTF) */
	bool is_static;
	int sym;              /* ELF symbol (-1 if only BTF knows it) */
};

enum obj_extern_kind {
	OBJ_EXT_KCONFIG, /* CONFIG_*, LINUX_* in .kconfig */
	OBJ_EXT_KSYM,    /* a kernel variable (typed with BTF, or typeless address) */
	OBJ_EXT_KFUNC,   /* a kernel function called from BPF */
};

struct obj_extern {
	char *name;
	enum obj_extern_kind kind;
	int sym;            /* ELF symbol index */
	bool weak;
	bool typed;         /* KSYM: has a BTF type other than void */
	uint32_t btf_id;    /* VAR or FUNC in the object's BTF (0: no BTF) */
	uint32_t type_id;   /* the VAR's type / the FUNC's proto */
	uint32_t size;      /* KCONFIG: size of the value */
	uint32_t kcfg_off;  /* KCONFIG: offset inside the .kconfig map */
};

/* Counts of what the object refers to, for summaries. */
struct rb_object {
	struct elf_file elf;
	char *name;          /* basename up to the first '.' (libbpf's object name) */
	char license[64];
	uint32_t kern_version;
	bool has_version;
	struct btf *btf;         /* NULL without .BTF */
	struct btf_ext *btf_ext; /* NULL without .BTF.ext */
	struct obj_prog *progs;  /* programs and subprograms, in section then offset order */
	size_t prog_cnt;
	struct obj_map *maps;
	size_t map_cnt;
	struct obj_var *vars;
	size_t var_cnt;
	struct obj_extern *externs;
	size_t extern_cnt;
	struct obj_reloc *relos;
	size_t relo_cnt;
	int maps_sec;        /* .maps (-1) */
	int legacy_maps_sec; /* maps (-1) */
	int text_sec;        /* .text (-1) */
	int arena_sec;       /* .addr_space.1 (-1) */
	uint32_t kconfig_datasec; /* BTF id of the .kconfig DATASEC (0) */
	uint32_t ksyms_datasec;   /* BTF id of the .ksyms DATASEC (0) */
	bool relaxed_maps;
	/* C spellings of the types the info calls name, sorted by id (obj_btf.c) */
	struct obj_type_name {
		uint32_t id;
		char *text;
	} *type_names;
	size_t type_name_cnt;
};

/* Sentences about the object start with its file name. */
static inline const char *obj_file(const struct rb_object *obj)
{
	return obj->elf.name;
}

/* Stages of open, one file each. */
int obj_collect_programs(struct rb_object *obj, struct rb_error *err);
int obj_collect_legacy_maps(struct rb_object *obj, struct rb_error *err);
int obj_collect_data_maps(struct rb_object *obj, struct rb_error *err);
int obj_collect_btf_maps(struct rb_object *obj, struct rb_error *err);
int obj_collect_externs(struct rb_object *obj, struct rb_error *err);
int obj_collect_relos(struct rb_object *obj, struct rb_error *err);
int obj_collect_btf_ext(struct rb_object *obj, struct rb_error *err);

/* Append a global variable; -ENOMEM on failure. */
int obj_add_var(struct rb_object *obj, int map_idx, const char *name, uint32_t off,
		uint32_t size, uint32_t type_id, bool is_static, int sym);
/* Variables of internal map map_idx from the symbol table (no BTF, or no DATASEC). */
int obj_vars_from_symbols(struct rb_object *obj, int map_idx, struct rb_error *err);
/* With BTF: set each extern's kind, type and size from its VAR/FUNC and DATASEC. */
int obj_btf_classify_externs(struct rb_object *obj, struct rb_error *err);
/* Order variables by offset (then name). */
int obj_var_cmp(const void *a, const void *b);
/* Grow obj->maps by one zeroed map (sec_idx -1); returns its index or -ENOMEM. */
int obj_add_map(struct rb_object *obj);
void obj_map_free(struct obj_map *m);
/* libbpf's name for an internal map of section real_name. */
char *obj_internal_map_name(const struct rb_object *obj, const char *real_name);

/* The program whose instructions contain section byte offset off, or NULL. */
struct obj_prog *obj_prog_at(const struct rb_object *obj, uint32_t sec, uint64_t off);
/* The relocation of program p at instruction insn (its relocations are sorted), or NULL. */
const struct obj_reloc *obj_prog_reloc(const struct rb_object *obj, const struct obj_prog *p,
				       uint32_t insn);
/* The map defined in section sec at offset off (BTF/legacy maps), or -1. */
int obj_map_at(const struct rb_object *obj, uint32_t sec, uint64_t off);
/* The internal map whose data lives in section sec, or -1. */
int obj_map_for_section(const struct rb_object *obj, uint32_t sec);

/* Decode instructions from file bytes (byte-swapping big-endian ones). */
void obj_decode_insns(const struct rb_object *obj, const uint8_t *src, size_t cnt,
		      struct bpf_insn *dst);

#endif
