// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The verifier's statistics lines (log level 4, printed on success and on failure):
 *   verification time 145 usec
 *   stack depth 8+16
 *   processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 ...
 * Read by name, so a kernel that adds or drops a counter still parses.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "loader/vlog.h"

/* Parse an unsigned decimal at *pp (advancing it); false when there is none. */
static bool parse_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p >= end || *p < '0' || *p > '9')
		return false;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*pp = p;
	*out = v;
	return true;
}

static bool eat(const char **pp, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *pp) < n || memcmp(*pp, word, n))
		return false;
	*pp += n;
	return true;
}

static const char *next_word(const char *p, const char *end, const char **wend)
{
	while (p < end && *p == ' ')
		p++;
	*wend = p;
	while (*wend < end && **wend != ' ')
		(*wend)++;
	return p;
}

static bool parse_processed(const char *p, const char *end, struct rb_vlog_stats *st)
{
	struct rb_vlog_stats tmp = *st;
	static const struct {
		const char *name;
		size_t off;
	} counters[] = {
		{"max_states_per_insn", offsetof(struct rb_vlog_stats, max_states_per_insn)},
		{"total_states", offsetof(struct rb_vlog_stats, total_states)},
		{"peak_states", offsetof(struct rb_vlog_stats, peak_states)},
		{"mark_read", offsetof(struct rb_vlog_stats, mark_read)},
	};

	if (!eat(&p, end, "processed ") || !parse_u64(&p, end, &tmp.insns_processed) ||
	    !eat(&p, end, " insns (limit ") || !parse_u64(&p, end, &tmp.insn_limit) ||
	    !eat(&p, end, ")"))
		return false;
	/* Then "name value" pairs; unknown names are skipped with their value. */
	for (;;) {
		const char *name_end, *name = next_word(p, end, &name_end);
		const char *val_end, *val = next_word(name_end, end, &val_end);
		uint64_t v;

		if (name == name_end)
			break;
		if (!parse_u64(&val, val_end, &v) || val != val_end)
			return false;
		for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
			size_t n = strlen(counters[i].name);

			if ((size_t)(name_end - name) == n && !memcmp(name, counters[i].name, n))
				memcpy((char *)&tmp + counters[i].off, &v, sizeof(v));
		}
		p = val_end;
	}
	*st = tmp;
	st->have_processed = true;
	return true;
}

/* "stack depth 8+16+0": one number per subprogram. */
static bool parse_stack_depth(const char *p, const char *end, struct rb_vlog_stats *st)
{
	uint32_t depths[RB_VLOG_MAX_SUBPROGS];
	unsigned int n = 0;
	uint64_t v, total = 0;

	if (!eat(&p, end, "stack depth "))
		return false;
	for (;;) {
		if (!parse_u64(&p, end, &v) || v > UINT32_MAX || n == RB_VLOG_MAX_SUBPROGS)
			return false;
		depths[n++] = (uint32_t)v;
		total += v;
		if (p >= end || *p != '+')
			break;
		p++;
	}
	if (p != end)
		return false;
	memcpy(st->stack_depth, depths, n * sizeof(depths[0]));
	st->nr_stack_depths = n;
	st->stack_depth_total = total;
	return true;
}

bool vlog_stats_line(const struct rb_vlog_line *line, struct rb_vlog_stats *st)
{
	const char *p = line->text, *end = line->text + line->len;
	uint64_t v;

	while (end > p && (end[-1] == ' ' || end[-1] == '\r'))
		end--;
	switch (line->kind) {
	case RB_VLOG_STATS:
		return parse_processed(p, end, st);
	case RB_VLOG_TIME:
		if (!eat(&p, end, "verification time ") || !parse_u64(&p, end, &v) ||
		    !eat(&p, end, " usec") || p != end)
			return false;
		st->verification_usec = v;
		st->have_time = true;
		return true;
	case RB_VLOG_STACK:
		return parse_stack_depth(p, end, st);
	default:
		return false;
	}
}

struct stats_ctx {
	struct rb_vlog_stats *st;
};

static int stats_line(const struct rb_vlog_line *line, void *ctx)
{
	struct stats_ctx *c = ctx;

	vlog_stats_line(line, c->st);
	return 0;
}

/* The statistics are the last lines; looking at the last few is enough (and cheap). */
#define STATS_TAIL_LINES 100

int rb_vlog_stats_parse(const char *log, size_t len, struct rb_vlog_stats *out)
{
	struct stats_ctx c = {out};
	const char *start;
	size_t lines = 0;

	memset(out, 0, sizeof(*out));
	if (!log)
		return -ENOENT;
	/* A NUL ends the text, as the kernel writes a C string. */
	start = memchr(log, '\0', len);
	if (start)
		len = (size_t)(start - log);
	start = log + len;
	while (start > log) {
		if (start[-1] == '\n' && start != log + len && ++lines > STATS_TAIL_LINES)
			break;
		start--;
	}
	rb_vlog_foreach_line(start, len - (size_t)(start - log), stats_line, &c);
	return out->have_processed || out->have_time || out->nr_stack_depths ? 0 : -ENOENT;
}
