/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Why the kernel refused, in words a user can act on. An errno alone is often ambiguous
 * (EPERM with an empty log, EINVAL before verification, E2BIG): these functions look at
 * the request and, where that is not enough, run the relevant feature probe (or retry the
 * request without the suspicious part) after the failure to tell the cases apart.
 * Each appends one sentence (no trailing period) to sb.
 */
#ifndef RB_BPF_EXPLAIN_H
#define RB_BPF_EXPLAIN_H

#include "bpf/sys.h"
#include "util/strbuf.h"

/* err: the load's -errno; log: the verifier log taken for it ("" or NULL if none). */
void explain_prog_load(struct strbuf *sb, int err, const struct sys_prog_load_opts *o,
		       const char *log);
void explain_map_create(struct strbuf *sb, int err, const struct sys_map_create_opts *o);
void explain_btf_load(struct strbuf *sb, int err, const char *log);

#endif
