/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The relocation engine: instructions + relocation descriptors in, linked programs with
 * every decision recorded out. Pure: no syscalls, no ELF, no files. The loader (prepare)
 * turns the object model into a relo_input, resolves externs from the kernel, and hands
 * the values in; the CO-RE engine patches function copies through relo_record().
 *
 * Flow: relo_ctx_new() copies each function's instructions; relo_apply() resolves map,
 * global-data and extern references on those copies; CO-RE patches them with relo_record();
 * relo_link() builds one main program with its subprograms appended (each main program gets
 * its own copy of each subprogram it reaches) and calls/callbacks fixed.
 */
#ifndef RB_RELO_RELO_H
#define RB_RELO_RELO_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/bpf.h>

#include "rawbpf.h"
#include "util/strbuf.h"

struct btf;

/* What a relocation names, as classified by the loader from the ELF symbol. */
enum relo_ref_kind {
	RELO_REF_MAP,	  /* a map: map_idx */
	RELO_REF_DATA,	  /* global data: map_idx (the section's map), sym_off */
	RELO_REF_SUBPROG, /* a call into an executable section: target_sec, sym_off */
	RELO_REF_FUNC,	  /* a function's address (callback): target_sec, sym_off */
	RELO_REF_EXTERN,  /* an extern: extern_idx */
};

struct relo_ref {
	uint32_t insn; /* index inside the function */
	enum relo_ref_kind kind;
	const char *sym;     /* symbol name for messages ("" for an unnamed section symbol) */
	bool sym_is_section; /* relocation against a section symbol (offset lives in imm) */
	uint32_t map_idx;    /* MAP, DATA */
	uint32_t target_sec; /* SUBPROG, FUNC: section index of the symbol */
	int64_t sym_off;     /* DATA, SUBPROG, FUNC: the symbol's value (bytes) */
	uint32_t extern_idx; /* EXTERN */
};

struct relo_func {
	const char *name;
	const char *sec_name;
	uint32_t sec_idx;
	uint32_t sec_insn_off; /* start inside the section, in instructions */
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	const struct relo_ref *refs; /* any order */
	uint32_t ref_cnt;
	/* insn_off in instructions relative to the function start; sorted */
	const struct bpf_func_info *func_info;
	uint32_t func_info_cnt;
	const struct bpf_line_info *line_info;
	uint32_t line_info_cnt;
};

struct relo_map {
	const char *name;
	uint32_t value_size; /* data maps: the section size; bounds data offsets */
	bool is_data;	     /* global data / kconfig map (referenced by value) */
};

enum relo_extern_kind {
	RELO_EXT_KCONFIG,	/* value lives in the kconfig map at data_off */
	RELO_EXT_KSYM_TYPELESS, /* const void sym __ksym: an address from kallsyms */
	RELO_EXT_KSYM_TYPED,	/* typed ksym: a vmlinux BTF VAR id */
	RELO_EXT_KFUNC,		/* a kernel function: a vmlinux BTF FUNC id */
};

struct relo_extern {
	const char *name;
	enum relo_extern_kind kind;
	bool weak;
	bool resolved;	      /* the loader found a value (kconfig: the bytes are written) */
	uint32_t map_idx;     /* KCONFIG: the kconfig map */
	uint32_t data_off;    /* KCONFIG: offset inside it */
	uint64_t addr;	      /* KSYM_TYPELESS */
	uint32_t btf_id;      /* KSYM_TYPED, KFUNC */
	int32_t btf_obj_fd;   /* KSYM_TYPED: 0 = vmlinux */
	int16_t fd_array_idx; /* KFUNC: 0 = vmlinux */
};

struct relo_input {
	const char *obj_name; /* for messages */
	const struct relo_func *funcs;
	uint32_t func_cnt;
	const struct relo_map *maps;
	uint32_t map_cnt;
	const struct relo_extern *externs;
	uint32_t extern_cnt;
};

struct relo_ctx;

/* Copy the input (instructions, names). The input may be freed afterwards. */
int relo_ctx_new(const struct relo_input *in, struct relo_ctx **out, struct rb_error *err);
void relo_ctx_free(struct relo_ctx *ctx);

/* Apply map, global-data and extern references to every function's copy. */
int relo_apply(struct relo_ctx *ctx, struct rb_error *err);

/*
 * Patch width (1 or 2) instructions of function func at insn and record the decision
 * (CO-RE engine, and relo_apply itself). Strings are copied; detail may be NULL.
 */
int relo_record(struct relo_ctx *ctx, uint32_t func, uint32_t insn, enum rb_decision_kind kind,
		const struct bpf_insn *after, uint32_t width, const char *sym, const char *target,
		const char *reason, const char *detail, struct rb_error *err);

/* A function's current instructions (after relo_apply / CO-RE). */
const struct bpf_insn *relo_func_insns(const struct relo_ctx *ctx, uint32_t func, uint32_t *cnt);

/* Decisions recorded on a function so far (before linking; insn/func are function-local). */
const struct rb_relo_decision *relo_func_decisions(const struct relo_ctx *ctx, uint32_t func,
						   uint32_t *cnt);

/* Link main function main_func with every subprogram it reaches. */
int relo_link(struct relo_ctx *ctx, uint32_t main_func, struct rb_linked_prog **out,
	      struct rb_error *err);

/* Each instruction's line_info record in p->hist, from p->line_info (sorted). */
void relo_attach_lines(struct rb_linked_prog *p);

/*
 * Give each CO-RE-poisoned instruction of p a line_info record of its own whose text is the
 * decision's reason (relo/poison_line.c): the text is added to strs (NUL-terminated strings,
 * shared by all programs, identical texts once) and the record's line_off is the size of
 * btf's string section (the object's BTF) plus its place there, so the loader appends strs
 * to that section before BPF_BTF_LOAD. The record keeps the file name and line of the one it
 * displaces (the name as a copy in strs: see the file); the next instruction gets the source
 * line back. Nothing changes for a program without line_info.
 */
int relo_poison_lines(struct rb_linked_prog *p, const struct btf *btf, struct strbuf *strs,
		      struct rb_error *err);

/*
 * Load time: replace the map-index placeholders (pseudo map fd / map value) with real
 * fds. fds[i] is map i's fd.
 */
int relo_set_map_fds(struct rb_linked_prog *p, const int *fds, uint32_t fd_cnt,
		     struct rb_error *err);

#endif
