/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The CO-RE engine: given the object's (local) BTF, one .BTF.ext core_relo record and the
 * target BTF (vmlinux, or any BTF file; module BTFs as extra targets), compute what the
 * instruction must hold on the target, and patch it. Pure user space: no syscalls.
 *
 *   core_ctx_new()   once per object: local BTF + targets, and the candidate cache
 *   core_calc()      per record: local spec, candidates, matching, the result + explanation
 *   core_patch()     per record: rewrite the instruction (or poison it) from the result
 *   relo_core_apply() both, on a relo_ctx function copy, recording the decision
 *
 * Behaviour follows libbpf's (relo_core.c) so objects relocate to the same instructions.
 */
#ifndef RB_RELO_CORE_H
#define RB_RELO_CORE_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"
#include "rawbpf.h"

/* The kinds (enum bpf_core_relo_kind in the UAPI; spelled out for older headers). */
enum core_kind {
	CORE_FIELD_BYTE_OFFSET = 0,
	CORE_FIELD_BYTE_SIZE = 1,
	CORE_FIELD_EXISTS = 2,
	CORE_FIELD_SIGNED = 3,
	CORE_FIELD_LSHIFT_U64 = 4,
	CORE_FIELD_RSHIFT_U64 = 5,
	CORE_TYPE_ID_LOCAL = 6,
	CORE_TYPE_ID_TARGET = 7,
	CORE_TYPE_EXISTS = 8,
	CORE_TYPE_SIZE = 9,
	CORE_ENUMVAL_EXISTS = 10,
	CORE_ENUMVAL_VALUE = 11,
	CORE_TYPE_MATCHES = 12,
	CORE_KIND_CNT,
};

/* "byte_off", "byte_sz", "field_exists", ... (libbpf's short names). */
const char *core_kind_name(uint32_t kind);

/* Access strings are at most this many indices deep (as libbpf). */
#define CORE_SPEC_MAX 64

/* One high-level accessor: a named member, an array index, or the root / enumerator. */
struct core_access {
	uint32_t type_id;  /* member: the composite; array: the element type; enum: the enum */
	uint32_t idx;	   /* member index, array index, enumerator index */
	const char *name;  /* member or enumerator name; NULL for array indexes */
};

/* A parsed access on one BTF: the local one from the record, or a candidate's. */
struct core_spec {
	const struct btf *btf;
	uint32_t root_id;
	uint32_t kind;
	uint32_t raw[CORE_SPEC_MAX]; /* raw access string, anonymous members included */
	uint32_t raw_len;
	struct core_access acc[CORE_SPEC_MAX]; /* named members and array indexes only */
	uint32_t len;
	uint32_t bit_offset; /* from the start of the root type */
};

/* A target BTF: vmlinux or a file, and optionally module BTFs on top of it. */
struct core_target {
	const struct btf *btf;
	const char *name; /* "vmlinux", a module name or a file name, for explanations */
};

struct core_ctx;

/*
 * targets[0] is the main target (vmlinux or --btf FILE); the others (module split BTFs)
 * are searched only when the main target has no candidate at all, as libbpf does. All
 * BTFs must outlive the context.
 */
int core_ctx_new(const struct btf *local, const struct core_target *targets,
		 uint32_t target_cnt, struct core_ctx **out, struct rb_error *err);
void core_ctx_free(struct core_ctx *cc);
/* Where candidates are searched, for sentences: "vmlinux", "vmlinux and 2 module BTFs". */
void core_ctx_where(const struct core_ctx *cc, char *buf, size_t len);
/* The name of target i as given to core_ctx_new ("?" when out of range). */
const char *core_ctx_target_name(const struct core_ctx *cc, uint32_t i);

/*
 * Find the candidates of these local types (the roots of an object's CO-RE records) in one
 * pass over each target, filling the cache core_calc uses; optional (core_calc finds them
 * one by one through the target's name index otherwise), same results. 0 or -ENOMEM.
 */
int core_ctx_prefetch(struct core_ctx *cc, const uint32_t *local_ids, uint32_t n,
		      struct rb_error *err);

/* What happened to one candidate. */
struct core_cand_note {
	uint32_t target;   /* index in the targets given to core_ctx_new */
	uint32_t id;	   /* type id in that target */
	bool accepted;
	char why[160];	   /* accepted: the target access; rejected: the reason */
};

struct core_result {
	uint32_t kind;
	bool poison;		/* no target: the instruction becomes a call to 0xbad2310 */
	bool validate;		/* the instruction must hold orig_val before patching */
	bool fail_memsz_adjust; /* field size changed in a way a load cannot follow */
	uint64_t orig_val;	/* what the local BTF says (the compiler wrote it) */
	uint64_t new_val;	/* what the target says */
	uint32_t orig_sz, new_sz; /* field byte sizes (BYTE_OFFSET of a non-bitfield) */
	uint32_t orig_type_id, new_type_id;
	int32_t target;		/* index of the target that matched, -1 when none */
	uint32_t target_id;	/* the matched candidate's type id */
	char local_c[256];	/* the local access spelled in C: "struct task_struct->pid" */
	char target_c[256];	/* the target access, or "" */
	char spec_str[128];	/* access string as written: "0:1:2" */
	struct core_cand_note *cands; /* every candidate considered, in id order */
	uint32_t cand_cnt;
	char *explain;		/* several lines: spec, candidates, result (owned) */
};

/*
 * Compute the relocation for record rec (insn_off/type_id/access/kind from .BTF.ext, on
 * the local BTF). insn is the instruction it applies to (only read, for the explanation);
 * prog/insn_idx name it in error messages. Fills out (free with core_result_free) and
 * returns 0, or a negative errno with one sentence in err (bad record, ambiguity, ...).
 */
int core_calc(struct core_ctx *cc, const struct btf_ext_core_relo *rec, const char *prog,
	      uint32_t insn_idx, struct core_result *out, struct rb_error *err);
void core_result_free(struct core_result *res);

/*
 * Patch insn (insn_cnt instructions available from it: 2 are needed for ld_imm64) from
 * res: check first that it holds res->orig_val when res->validate; write new_val into
 * imm / off / the 64-bit immediate; change a load's size when the field's size changed
 * safely; poison it (both slots of ld_imm64) when res->poison or the size change is unsafe.
 * Returns the number of instructions rewritten (1 or 2), or a negative errno.
 */
int core_patch(struct bpf_insn *insn, uint32_t insn_cnt, const struct core_result *res,
	       const char *prog, uint32_t insn_idx, struct rb_error *err);

/* Length of name without its "___flavor" suffix (the last "X___Y" with X, Y not '_'). */
size_t core_essential_len(const char *name);

/* Relations between a local and a target type (1 yes, 0 no, <0 error), as libbpf's. */
int core_types_compat(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid);
int core_types_match(const struct btf *lb, uint32_t lid, const struct btf *tb, uint32_t tid);

#endif
