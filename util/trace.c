// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>

#include "util/trace.h"

static rb_trace_fn trace_fn;
static void *trace_ctx;

RB_API void rb_set_trace(rb_trace_fn fn, void *ctx)
{
	trace_fn = fn;
	trace_ctx = ctx;
}

RB_API const char *rb_version(void)
{
	return "0.1.0";
}

bool trace_enabled(void)
{
	return trace_fn != NULL;
}

void trace_emit(enum rb_trace_kind kind, const char *what, long long result, uint64_t duration_ns,
		const char *fmt, ...)
{
	struct rb_trace_event ev;
	char detail[2048];
	va_list ap;

	if (!trace_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	ev.kind = kind;
	ev.what = what;
	ev.detail = detail;
	ev.result = result;
	ev.duration_ns = duration_ns;
	trace_fn(&ev, trace_ctx);
}
