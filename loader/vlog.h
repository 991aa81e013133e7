/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Verifier log analysis (rb_vlog_* in rawbpf.h): internal pieces shared by its files. */
#ifndef RB_LOADER_VLOG_H
#define RB_LOADER_VLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

/* The family used when no pattern matches a message. */
const struct rb_vlog_family *vlog_family_unknown(void);

/* Parse one statistics line (STATS, TIME or STACK kind) into st; false if malformed. */
bool vlog_stats_line(const struct rb_vlog_line *line, struct rb_vlog_stats *st);

#endif
