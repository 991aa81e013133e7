// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CO-RE on the relocation engine's function copies: compute, patch, and record the
 * decision (with the whole explanation) on the instruction's history.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "relo/core.h"
#include "relo/core_apply.h"
#include "relo/ctx.h"
#include "util/err.h"

static bool is_poison(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->imm == RB_POISON_CORE;
}

int relo_core_apply(struct relo_ctx *ctx, struct core_ctx *cc, uint32_t func, uint32_t insn,
		    const struct btf_ext_core_relo *rec, uint32_t rec_idx, struct rb_error *err)
{
	struct core_result res;
	struct bpf_insn patched[2] = { 0 };
	const struct bpf_insn *insns;
	char target[320], reason[800], where[160];
	const char *name;
	uint32_t cnt, avail;
	int width, r;

	insns = relo_func_insns(ctx, func, &cnt);
	if (!insns)
		return rb_errorf(err, EINVAL, "%s: CO-RE: no function %u", ctx->obj_name, func);
	name = ctx->funcs[func].name;
	if (insn >= cnt)
		return rb_errorf(err, EINVAL, "%s: prog '%s': CO-RE record for insn %u is past the "
				 "end (%u insns)", ctx->obj_name, name, insn, cnt);
	r = core_calc(cc, rec, name, insn, &res, err);
	if (r)
		return r;
	avail = cnt - insn < 2 ? cnt - insn : 2;
	memcpy(patched, &insns[insn], avail * sizeof(*patched));
	width = core_patch(patched, avail, &res, name, insn, err);
	if (width < 0) {
		core_result_free(&res);
		return width;
	}
	if (res.target > 0) /* a module's BTF: say which */
		snprintf(target, sizeof(target), "[%u] %s in module %s", res.target_id,
			 res.target_c, core_ctx_target_name(cc, (uint32_t)res.target));
	else if (res.target == 0)
		snprintf(target, sizeof(target), "[%u] %s", res.target_id, res.target_c);
	else
		snprintf(target, sizeof(target), "%s", res.kind == CORE_TYPE_ID_LOCAL ?
			 "local BTF" : "nothing in the target BTF");
	core_ctx_where(cc, where, sizeof(where));
	/* Poison reasons are also the text of the instruction's own line_info record. */
	if (res.poison && !res.cand_cnt)
		snprintf(reason, sizeof(reason),
			 "CO-RE relocation #%u failed: %s %s: no candidate: no type of that name "
			 "and kind in %s; instruction poisoned", rec_idx, core_kind_name(res.kind),
			 res.local_c, where);
	else if (res.poison)
		snprintf(reason, sizeof(reason),
			 "CO-RE relocation #%u failed: %s %s: no candidate matches: %u type%s of "
			 "that name in %s, none with this access; instruction poisoned", rec_idx,
			 core_kind_name(res.kind), res.local_c, res.cand_cnt,
			 res.cand_cnt > 1 ? "s" : "", where);
	else if (is_poison(patched))
		snprintf(reason, sizeof(reason), "CO-RE relocation #%u failed: %s %s: field size "
			 "%u -> %u cannot be loaded safely (signed or mixed types); instruction "
			 "poisoned", rec_idx, core_kind_name(res.kind), res.local_c, res.orig_sz,
			 res.new_sz);
	else
		snprintf(reason, sizeof(reason), "%s %s: %llu -> %llu%s", core_kind_name(res.kind),
			 res.local_c, (unsigned long long)res.orig_val,
			 (unsigned long long)res.new_val,
			 res.orig_sz != res.new_sz && res.new_sz ? " (load size changed)" : "");
	r = relo_record(ctx, func, insn, is_poison(patched) ? RB_DEC_CORE_POISON : RB_DEC_CORE,
			patched, (uint32_t)width, res.local_c, target, reason, res.explain, err);
	core_result_free(&res);
	return r;
}
