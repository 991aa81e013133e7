/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rawbpf — load BPF objects into the kernel without libbpf, and show the work.
 *
 * The public library API. Every function that can fail returns a negative errno and,
 * when given one, fills a struct rb_error with one sentence naming the object, section,
 * program, map or instruction concerned. The library never prints and never exits.
 */
#ifndef RAWBPF_H
#define RAWBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RB_API __attribute__((visibility("default")))

#define RB_VERSION_MAJOR 0
#define RB_VERSION_MINOR 1
#define RB_VERSION_PATCH 0

/* Error context: err is the negative errno, msg one human sentence. */
struct rb_error {
	int err;
	char msg[1024];
};

RB_API const char *rb_version(void);

/*
 * Trace hook: every stage of the load path and every syscall reports here. This is how
 * `rawbpf --trace` shows the load path; tests use it to assert on what happened.
 */
enum rb_trace_kind {
	RB_TRACE_STAGE,   /* a load-path stage begins: what = stage name */
	RB_TRACE_SYSCALL, /* a bpf(2)/perf_event_open(2)/... call completed */
	RB_TRACE_RELO,    /* a relocation decision */
	RB_TRACE_INFO,    /* anything else worth telling */
};

struct rb_trace_event {
	enum rb_trace_kind kind;
	const char *what;     /* stage name, syscall command ("BPF_PROG_LOAD"), ... */
	const char *detail;   /* key attributes or the decision, in words */
	long long result;     /* syscall result (fd, 0) or -errno */
	uint64_t duration_ns; /* syscall duration; 0 for other events */
};

typedef void (*rb_trace_fn)(const struct rb_trace_event *ev, void *ctx);

/* Install (or with NULL remove) the process-wide trace hook. */
RB_API void rb_set_trace(rb_trace_fn fn, void *ctx);

/* ===== BTF (btf/): open, dump ===== */

/* ===== kernel features (bpf/probe) ===== */

/* ===== instructions and disassembly (bpf/) ===== */

/* ===== objects (loader/): open, programs, maps, globals, externs ===== */

/*
 * An opened object: the ELF file as a model (stage 1 of the load path). Nothing is changed
 * by opening and nothing talks to the kernel. Programs, maps, variables and externs are
 * addressed by index (0 .. count-1); the info structs point into the object and stay valid
 * until rb_object_close().
 */
struct rb_object;
struct bpf_insn;

struct rb_open_opts {
	size_t sz;		/* sizeof(struct rb_open_opts) */
	const char *name;	/* the name used in messages for rb_object_open_mem() */
	bool relaxed_maps;	/* unknown .maps attributes are ignored instead of refused */
};

RB_API int rb_object_open(const char *path, const struct rb_open_opts *opts,
			  struct rb_object **out, struct rb_error *err);
RB_API int rb_object_open_mem(const void *buf, size_t len, const struct rb_open_opts *opts,
			      struct rb_object **out, struct rb_error *err);
RB_API void rb_object_close(struct rb_object *obj);

/* Relocation kinds, as counted per object and per program. */
enum rb_relo_kind {
	RB_RELO_MAP,		/* ldimm64 of a map */
	RB_RELO_DATA,		/* ldimm64 of global data */
	RB_RELO_EXTERN_VAR,	/* ldimm64 of an extern variable */
	RB_RELO_EXTERN_CALL,	/* call of a kfunc */
	RB_RELO_CALL,		/* bpf-to-bpf call */
	RB_RELO_SUBPROG_ADDR,	/* address of a function (callback) */
	RB_RELO_ARENA,		/* ldimm64 of an arena variable */
	RB_RELO_KIND_NR,
};
RB_API const char *rb_relo_kind_name(enum rb_relo_kind kind); /* "map", "data", ... */

struct rb_object_info {
	const char *name;	/* object name: file name up to the first '.' */
	const char *path;
	const char *license;	/* "" when the object has none */
	uint32_t kern_version;
	bool has_version;
	bool big_endian;	/* opens and disassembles; loading refuses it on this host */
	size_t section_cnt;
	size_t program_cnt;	/* programs and subprograms (rb_object_program) */
	size_t map_cnt;
	size_t var_cnt;
	size_t extern_cnt;
	bool has_btf;
	uint32_t btf_type_cnt;	/* type ids 1..btf_type_cnt */
	size_t btf_size;
	bool has_btf_ext;
	size_t func_info_cnt, line_info_cnt, core_relo_cnt;
	size_t relo_cnt[RB_RELO_KIND_NR];
};
RB_API void rb_object_info(const struct rb_object *obj, struct rb_object_info *info);

struct rb_section_info {
	uint32_t index;
	const char *name;
	const char *type;	/* "PROGBITS", "NOBITS", "SYMTAB", "REL", ... */
	uint64_t flags;		/* SHF_* */
	uint64_t size;
	const char *role;	/* "program", "subprograms", "maps", "legacy-maps", "data",
				 * "rodata", "bss", "arena", "license", "version", "btf",
				 * "btf-ext", "relocations", "symbols", "strings", "ignored" */
	int relocates;		/* for a relocation section: the section index it patches */
	size_t reloc_cnt;	/* relocation records in it (or patching it, for others) */
};
RB_API size_t rb_object_section_count(const struct rb_object *obj);
RB_API int rb_object_section(const struct rb_object *obj, size_t idx, struct rb_section_info *out);

struct rb_program_info {
	const char *name;
	const char *section;	   /* as written, with any leading '?' */
	const char *type;	   /* "kprobe", "xdp", ...; NULL for an unknown section name */
	uint32_t prog_type;	   /* enum bpf_prog_type (0 when unknown) */
	const char *attach_type;   /* "trace_fentry", ...; NULL when there is none */
	int attach_type_id;	   /* enum bpf_attach_type, -1 when there is none */
	const char *attach_target; /* "sched/sched_switch", "do_unlinkat+0x10", "" when none */
	const char *attach_btf_name; /* kernel BTF name the target resolves to, or NULL */
	const char *attach_error;  /* a malformed target (loading fails with this), or NULL */
	size_t insn_cnt;
	uint64_t section_offset;   /* byte offset of the function in its section */
	bool subprog;		   /* a .text function */
	bool is_static;
	bool autoload;		   /* false for SEC("?...") */
	bool sleepable;
	bool xdp_frags;
	size_t func_info_cnt, line_info_cnt;
	size_t relo_cnt[RB_RELO_KIND_NR];
};
RB_API size_t rb_object_program_count(const struct rb_object *obj);
RB_API int rb_object_program(const struct rb_object *obj, size_t idx, struct rb_program_info *out);
/* Index of the program or subprogram called name, or -ENOENT. */
RB_API int rb_object_program_find(const struct rb_object *obj, const char *name);
/* The instructions as in the object (host byte order); *cnt gets their number. */
RB_API const struct bpf_insn *rb_object_program_insns(const struct rb_object *obj, size_t idx,
						       size_t *cnt);
/* Indexes of the subprograms reachable from program idx (transitively), up to max; returns
 * how many there are (may exceed max). */
RB_API size_t rb_object_program_subprogs(const struct rb_object *obj, size_t idx, size_t *out,
					 size_t max);
/*
 * Why program idx could not be loaded as is: 0 when its type is known, else -ENOENT with a
 * sentence naming the unknown section, the nearest known prefix and the override.
 */
RB_API int rb_object_program_check_type(const struct rb_object *obj, size_t idx,
					struct rb_error *err);
/*
 * Override a program's type: spec is "PROG=TYPE[:ATTACH]" where TYPE is a program type
 * ("kprobe", "sched_cls") or a section prefix ("tp", "cgroup/skb") and ATTACH an attach type
 * ("cgroup_inet_ingress"). What `--type` on the command line does.
 */
RB_API int rb_object_set_prog_type(struct rb_object *obj, const char *spec, struct rb_error *err);
/* The section-name conventions: entry i as "kprobe+" style text, NULL past the end. */
RB_API const char *rb_section_rule(size_t i, const char **prog_type, const char **attach_type);

struct rb_map_info {
	const char *name;	/* the name the kernel gets */
	const char *real_name;	/* the ELF name (variable, symbol, section) */
	const char *kind;	/* "btf", "legacy", "data", "rodata", "bss", "kconfig", "arena" */
	const char *section;
	const char *type;	/* "hash", "array", ...; NULL if unknown */
	uint32_t type_id;	/* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries, map_flags, numa_node;
	uint32_t pinning;	/* 0 none, 1 by name */
	uint64_t map_extra;
	const char *key_type;	/* BTF type names, NULL without */
	const char *value_type;
	bool has_inner;		/* map-in-map: rb_object_map_inner() describes the template */
	size_t init_slot_cnt;	/* `.values` initial slots */
	size_t var_cnt;		/* global-data maps: variables */
	size_t data_size;	/* initial bytes (data, rodata, arena) */
};
RB_API size_t rb_object_map_count(const struct rb_object *obj);
RB_API int rb_object_map(const struct rb_object *obj, size_t idx, struct rb_map_info *out);
RB_API int rb_object_map_inner(const struct rb_object *obj, size_t idx, struct rb_map_info *out);
RB_API int rb_object_map_find(const struct rb_object *obj, const char *name);
/* Initial slot i of map idx: slot key and the map or program it holds (names). */
RB_API int rb_object_map_slot(const struct rb_object *obj, size_t idx, size_t i, uint32_t *key,
			      const char **target);
/* The initial bytes of a data/rodata/arena map (NULL for bss and definition maps). */
RB_API const void *rb_object_map_data(const struct rb_object *obj, size_t idx, size_t *size);

struct rb_var_info {
	const char *name;
	const char *section;	/* ".data", ".rodata.str1.1", ... */
	const char *map;	/* the internal map holding it */
	uint32_t offset, size;
	const char *type;	/* C spelling of its BTF type ("int", "struct cfg", "char[16]"),
				 * NULL without BTF */
	bool is_static;
};
RB_API size_t rb_object_var_count(const struct rb_object *obj);
RB_API int rb_object_var(const struct rb_object *obj, size_t idx, struct rb_var_info *out);

struct rb_extern_info {
	const char *name;
	const char *kind;	/* "kconfig", "ksym", "kfunc" */
	bool weak;
	bool typed;		/* ksym with a BTF type */
	const char *type;	/* C spelling of its type, NULL when typeless */
};
RB_API size_t rb_object_extern_count(const struct rb_object *obj);
RB_API int rb_object_extern(const struct rb_object *obj, size_t idx, struct rb_extern_info *out);

/* Names of the kernel's enums as bpftool prints them; NULL when unknown. */
RB_API const char *rb_prog_type_name(uint32_t type);
RB_API const char *rb_attach_type_name(int type);
RB_API const char *rb_map_type_name(uint32_t type);

/* ===== prepare (relo/, loader/): relocations and their records ===== */

/* ===== load, attach, run (loader/) ===== */

#ifdef __cplusplus
}
#endif

#endif /* RAWBPF_H */
