/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* CO-RE applied on the relocation engine's function copies (relo/core_apply.c). */
#ifndef RB_RELO_CORE_APPLY_H
#define RB_RELO_CORE_APPLY_H

#include "relo/core.h"
#include "relo/relo.h"

/*
 * Apply one .BTF.ext CO-RE record to instruction insn (index inside function func of ctx):
 * compute it with cc, patch the function copy, and record an RB_DEC_CORE (or
 * RB_DEC_CORE_POISON) decision whose detail is the full explanation (each candidate, why
 * accepted or rejected). The prepare stage calls this where it finds a record; insn is
 * (rec->insn_off - the function's byte offset in its section) / 8; rec_idx is the record's
 * index in its .BTF.ext section ("CO-RE relocation #rec_idx", as libbpf numbers them).
 */
int relo_core_apply(struct relo_ctx *ctx, struct core_ctx *cc, uint32_t func, uint32_t insn,
		    const struct btf_ext_core_relo *rec, uint32_t rec_idx, struct rb_error *err);

#endif
