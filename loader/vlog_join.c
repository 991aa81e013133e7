// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The join between a verifier log and the loader's history: the verifier names
 * instructions of the final (linked, relocated) program by index; the linked program keeps,
 * per index, where the instruction came from and which decisions patched it.
 */
#include <errno.h>
#include <string.h>

#include "rawbpf.h"

int rb_vlog_insn_note(const struct rb_linked_prog *p, int insn, struct rb_vlog_insn_note *out)
{
	const struct rb_insn_history *h;
	int32_t d;
	uint32_t steps = 0;

	memset(out, 0, sizeof(*out));
	if (!p || !p->hist || insn < 0 || (uint32_t)insn >= p->insn_cnt)
		return -ENOENT;
	h = &p->hist[insn];
	if (h->func < p->func_cnt && p->funcs) {
		out->func = &p->funcs[h->func];
		out->func_insn = h->func_insn;
		out->func_start = (uint32_t)insn == out->func->start;
	}
	/* The chain comes from the loader, but a broken one must not loop forever. */
	for (d = h->first_decision;
	     d >= 0 && (uint32_t)d < p->decision_cnt && steps < p->decision_cnt;
	     d = p->decisions[d].next, steps++) {
		const struct rb_relo_decision *dec = &p->decisions[d];

		if (dec->kind == RB_DEC_CORE_POISON || dec->kind == RB_DEC_WEAK_POISON)
			out->poisoned = true;
		if (out->nr_decisions < sizeof(out->decisions) / sizeof(out->decisions[0]))
			out->decisions[out->nr_decisions++] = dec;
	}
	return 0;
}
