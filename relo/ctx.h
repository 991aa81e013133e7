/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The engine's private state: a working copy of every function and its decisions. */
#ifndef RB_RELO_CTX_H
#define RB_RELO_CTX_H

#include "relo/relo.h"

struct relo_fcopy {
	char *name;
	char *sec_name;
	uint32_t sec_idx;
	uint32_t sec_insn_off;
	struct bpf_insn *insns;
	uint32_t insn_cnt;
	struct relo_ref *refs; /* sym strings owned */
	uint32_t ref_cnt;
	int32_t *ref_at; /* per instruction: index into refs, or -1 */
	struct bpf_func_info *func_info;
	uint32_t func_info_cnt;
	struct bpf_line_info *line_info;
	uint32_t line_info_cnt;
	struct rb_relo_decision *dec; /* function-local insn indices; func = this function */
	uint32_t dec_cnt;
	uint32_t dec_cap;
};

struct relo_ctx {
	char *obj_name;
	struct relo_fcopy *funcs;
	uint32_t func_cnt;
	uint32_t *by_pos;      /* function indices sorted by (sec_idx, sec_insn_off) */
	struct relo_map *maps; /* names owned */
	uint32_t map_cnt;
	struct relo_extern *externs; /* names owned */
	uint32_t extern_cnt;
	bool applied; /* relo_apply ran: a second run would patch twice */
};

#define RELO_LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define RELO_CALL     (BPF_JMP | BPF_CALL)

/* The function containing section instruction sec_insn of section sec, or -1. */
int64_t relo_find_func(const struct relo_ctx *ctx, uint32_t sec, uint64_t sec_insn);

/* "ld_imm64", "call", "ldx", ... for messages about the wrong instruction class. */
const char *relo_insn_class_name(const struct bpf_insn *insn);

/* Append a decision to a list (strings copied); returns its index or -ENOMEM. */
int relo_dec_push(struct rb_relo_decision **arr, uint32_t *cnt, uint32_t *cap,
		  const struct rb_relo_decision *d);
void relo_dec_free_strings(struct rb_relo_decision *d);

#endif
