/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The process-wide trace hook (rb_set_trace in rawbpf.h); cheap when nobody listens. */
#ifndef RB_UTIL_TRACE_H
#define RB_UTIL_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "rawbpf.h"

bool trace_enabled(void);
/* Emit an event; detail is printf-formatted only when a hook is installed. */
void trace_emit(enum rb_trace_kind kind, const char *what, long long result, uint64_t duration_ns,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
