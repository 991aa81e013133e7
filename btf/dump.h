/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Text renderings of BTF: the raw dump (bpftool's syntax) and C declarations. */
#ifndef RB_BTF_DUMP_H
#define RB_BTF_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"
#include "util/strbuf.h"

/*
 * Append type id's raw dump: text ("[id] KIND 'name' ...\n", members on tab-indented
 * lines) exactly as `bpftool btf dump ... format raw` prints it, or with json one JSON
 * object as in `bpftool -j` (no separator, no newline).
 */
void btf_dump_raw_type(const struct btf *btf, uint32_t id, bool json, struct strbuf *sb);

#endif
