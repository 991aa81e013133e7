// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* BPF_PROG_LOAD with the verifier log taken by policy, in a buffer that grows to fit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/prog_log.h"
#include "util/trace.h"

void prog_log_free(struct prog_log *log)
{
	if (log) {
		free(log->text);
		memset(log, 0, sizeof(*log));
	}
}

static void clear_log_fields(struct sys_prog_load_opts *o)
{
	o->log_level = 0;
	o->log_buf = NULL;
	o->log_size = 0;
}

/*
 * One load at level with a buffer that grows until the log fits or the bound is reached.
 * Returns the load's result; log holds the text (the tail, when truncated).
 */
static int load_with_log(struct sys_prog_load_opts *o, uint32_t level, uint32_t max,
			 struct prog_log *log)
{
	uint32_t size = PROG_LOG_INITIAL_SIZE < max ? PROG_LOG_INITIAL_SIZE : max;
	char *buf = NULL;
	int r;

	for (;;) {
		char *nb = realloc(buf, size);

		if (!nb) {
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		/* The kernel may refuse before it writes any log, or write less than asked:
		 * never read bytes nobody wrote (valgrind cannot see the kernel's writes). */
		memset(buf, 0, size);
		o->log_level = level;
		o->log_buf = buf;
		o->log_size = size;
		r = sys_prog_load(o);
		log->attempts++;
		log->true_size = o->log_true_size;
		if (r != -ENOSPC || size >= max)
			break;
		/* The log did not fit: grow to what the kernel said it needs, else double. */
		if (o->log_true_size > size)
			size = o->log_true_size <= max ? o->log_true_size : max;
		else
			size = size <= max / 2 ? size * 2 : max;
		trace_emit(RB_TRACE_INFO, "verifier log", 0, 0,
			   "log did not fit; retrying with a %u-byte buffer", size);
	}
	free(log->text);
	log->text = buf;
	log->len = strnlen(buf, o->log_size);
	if (log->len >= o->log_size) /* not terminated: keep what fits with the NUL */
		log->len = o->log_size - 1;
	buf[log->len] = '\0';
	log->level = level;
	log->truncated = r == -ENOSPC;
	clear_log_fields(o);
	return r;
}

int prog_load_logged(struct sys_prog_load_opts *o, const struct prog_log_policy *p,
		     struct prog_log *log)
{
	uint32_t max = p && p->max_size ? p->max_size : PROG_LOG_DEFAULT_MAX;
	uint32_t level = p ? p->level : 0;
	int r, r2;

	memset(log, 0, sizeof(*log));
	if (max > PROG_LOG_KERNEL_MAX)
		max = PROG_LOG_KERNEL_MAX;
	if (max < 128) /* the kernel's minimum for a log buffer */
		max = 128;
	if (level == 0) {
		clear_log_fields(o);
		r = sys_prog_load(o);
		log->attempts++;
		if (r >= 0 || r == -ENOMEM)
			return r;
		/* Failed without a log: load again at level 1 to learn why; report the first errno. */
		r2 = load_with_log(o, 1, max, log);
		if (r2 >= 0) /* loaded the second time (a transient failure): keep it */
			return r2;
		return r;
	}
	r = load_with_log(o, level, max, log);
	if (r == -ENOSPC && log->truncated) {
		/*
		 * The kernel fails a load whose log overflowed even when the program is fine:
		 * load once more without a log for the fd, keeping the (tail of the) log taken.
		 */
		clear_log_fields(o);
		r = sys_prog_load(o);
		log->attempts++;
	}
	return r;
}

static int is_stats_line(const char *s, size_t n)
{
	static const char *const prefixes[] = { "processed ", "verification time ",
						"stack depth ", "max_states_per_insn " };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);

		if (n >= pl && !strncmp(s, prefixes[i], pl))
			return 1;
	}
	return 0;
}

char *prog_log_reason(const char *log, int max_lines)
{
	const char *end, *p, *starts[64];
	int n = 0;
	size_t total = 0;
	char *out, *w;

	if (max_lines > 64)
		max_lines = 64;
	if (!log)
		log = "";
	end = log + strlen(log);
	/* Walk lines backwards, collecting up to max_lines that are neither blank nor stats. */
	p = end;
	while (p > log && n < max_lines) {
		const char *line_end = p, *line;

		while (line_end > log && line_end[-1] == '\n')
			line_end--;
		line = line_end;
		while (line > log && line[-1] != '\n')
			line--;
		if (line_end > line && !is_stats_line(line, (size_t)(line_end - line))) {
			starts[n++] = line;
			total += (size_t)(line_end - line) + 1;
		}
		p = line;
	}
	out = malloc(total + 1);
	if (!out)
		return NULL;
	w = out;
	while (n-- > 0) {
		const char *q = strchr(starts[n], '\n');
		size_t len = q ? (size_t)(q - starts[n]) : strlen(starts[n]);

		memcpy(w, starts[n], len);
		w += len;
		*w++ = '\n';
	}
	*w = '\0';
	return out;
}
