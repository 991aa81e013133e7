/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The disassembler: one instruction to the text the kernel prints for it in a verifier log
 * (log_level 2) and in `bpftool prog dump xlated`, e.g. "(b7) r0 = 0",
 * "(85) call bpf_get_current_pid_tgid#14", "(15) if r0 == 0x0 goto pc+3".
 * The "N: " index prefix is not part of the text: callers print it.
 */
#ifndef RB_BPF_DISASM_H
#define RB_BPF_DISASM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "rawbpf.h"
#include "util/strbuf.h"

/*
 * Append the text of insns[idx] to sb. Returns the slots consumed (2 for ld_imm64, else 1),
 * or -EINVAL when idx is out of range or a ld_imm64 has no second slot (the text then says
 * so). cbs may be NULL. Invalid encodings get the kernel's "BUG_..." style text, never a
 * crash: every table lookup is bounds-checked.
 */
int disasm_insn(struct strbuf *sb, const struct bpf_insn *insns, size_t cnt, size_t idx,
		const struct rb_disasm_cbs *cbs);

/* Helper names as the kernel prints them ("bpf_map_lookup_elem"), NULL when unknown. */
const char *disasm_helper_name(int32_t id);
/* Helper id for a name, with or without the "bpf_" prefix; -ENOENT when unknown. */
int disasm_helper_id(const char *name);
/* One past the largest helper id known (the kernel's __BPF_FUNC_MAX_ID as of 6.18). */
int disasm_helper_count(void);

#endif
