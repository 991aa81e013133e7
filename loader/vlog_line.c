// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Verifier log lines: what each line of the kernel's log is, and the register state text.
 * Pure text; every read stays inside the given length (logs are untrusted input).
 */
#include <string.h>

#include "loader/vlog.h"

/* Numbers in a log never exceed this; larger ones are treated as not a number. */
#define VLOG_MAX_INDEX 100000000

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool starts_with(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - p) >= n && !memcmp(p, prefix, n);
}

/* Parse a decimal index at *pp; advances *pp. -1 when there are no digits or it is huge. */
static int parse_index(const char **pp, const char *end)
{
	const char *p = *pp;
	long v = 0;

	if (p >= end || !is_digit(*p))
		return -1;
	while (p < end && is_digit(*p)) {
		v = v * 10 + (*p - '0');
		if (v > VLOG_MAX_INDEX)
			return -1;
		p++;
	}
	*pp = p;
	return (int)v;
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *trim_end(const char *start, const char *end)
{
	while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	return end;
}

static const char *find(const char *p, const char *end, const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - p) >= n; p++)
		if (!memcmp(p, needle, n))
			return p;
	return NULL;
}

/* "frameN: " at p: returns N and advances *pp past it, or -1. */
static int parse_frame_prefix(const char **pp, const char *end)
{
	const char *p = *pp;
	int n;

	if (!starts_with(p, end, "frame"))
		return -1;
	p += 5;
	n = parse_index(&p, end);
	if (n < 0 || p >= end || *p != ':')
		return -1;
	*pp = skip_spaces(p + 1, end);
	return n;
}

/* Does the text at p look like register state ("R0=", "R10_w=", "fp-8=", "frame1:")? */
static bool looks_like_state(const char *p, const char *end)
{
	if (starts_with(p, end, "frame"))
		return true;
	if (p < end && *p == 'R') {
		p++;
		if (p >= end || !is_digit(*p))
			return false;
		while (p < end && (is_digit(*p) || *p == '_' || *p == 'w' || *p == 'r'))
			p++;
		return p < end && *p == '=';
	}
	return starts_with(p, end, "fp-") || starts_with(p, end, "fp0") ||
	       starts_with(p, end, "refs=");
}

/* "N: (85) call ..." with the optional "   ; R0=..." after the instruction. */
static void parse_insn_rest(const char *p, const char *end, struct rb_vlog_line *out)
{
	const char *semi = find(p, end, "; ");

	out->kind = RB_VLOG_INSN;
	out->code = p;
	if (semi) {
		out->code_len = (size_t)(trim_end(p, semi) - p);
		out->regs = semi + 2;
		out->regs_len = (size_t)(trim_end(out->regs, end) - out->regs);
	} else {
		out->code_len = (size_t)(trim_end(p, end) - p);
	}
}

/* A line that starts with "N:" (after no indentation). */
static void parse_numbered(const char *p, const char *end, int idx, struct rb_vlog_line *out)
{
	const char *q;
	int frame;

	p = skip_spaces(p, end);
	out->insn = idx;
	if (p < end && (*p == '(' || *p == '<')) {
		parse_insn_rest(p, end, out);
		return;
	}
	if ((size_t)(trim_end(p, end) - p) == 4 && starts_with(p, end, "safe")) {
		out->kind = RB_VLOG_SAFE;
		out->safe = true;
		return;
	}
	q = p;
	frame = parse_frame_prefix(&q, end);
	if (looks_like_state(p, end)) {
		out->kind = RB_VLOG_STATE;
		out->frame = frame > 0 ? frame : 0;
		out->regs = p;
		out->regs_len = (size_t)(trim_end(p, end) - p);
		return;
	}
	out->insn = -1; /* a message that happens to start with a number */
}

/* "      3: .12....... (85) call ..." under "Live regs before insn:". */
static bool parse_live_regs(const char *p, const char *end, struct rb_vlog_line *out)
{
	const char *mask;
	int idx;

	p = skip_spaces(p, end);
	idx = parse_index(&p, end);
	if (idx >= 0 && p < end && *p == ' ') {
		/* "  1  10: ...": a loop (strongly connected component) number comes first */
		p = skip_spaces(p, end);
		idx = parse_index(&p, end);
	}
	if (idx < 0 || p >= end || *p != ':')
		return false;
	p = skip_spaces(p + 1, end);
	mask = p;
	while (p < end && (*p == '.' || is_digit(*p)))
		p++;
	if (p == mask || p >= end || *p != ' ')
		return false;
	p = skip_spaces(p, end);
	out->kind = RB_VLOG_LIVE_REGS;
	out->insn = idx;
	out->code = p;
	out->code_len = (size_t)(trim_end(p, end) - p);
	return true;
}

/* "; source text @ file.c:19" (the " @ file:line" part is absent on older kernels). */
static void parse_source(const char *p, const char *end, struct rb_vlog_line *out)
{
	const char *at = NULL, *s, *colon, *num;
	int line;

	out->kind = RB_VLOG_SOURCE;
	p += 2;
	end = trim_end(p, end);
	for (s = p; (s = find(s, end, " @ ")); s++)
		at = s;
	out->code = p;
	out->code_len = (size_t)(end - p);
	if (!at)
		return;
	colon = NULL;
	for (s = at + 3; s < end; s++)
		if (*s == ':')
			colon = s;
	if (!colon || colon == at + 3)
		return;
	num = colon + 1;
	line = parse_index(&num, end);
	if (line < 0 || num != end)
		return;
	out->code_len = (size_t)(trim_end(p, at) - p);
	out->file = at + 3;
	out->file_len = (size_t)(colon - out->file);
	out->src_line = line;
}

/* "from 6 to 9: R0=..." or "from 6 to 8: safe". */
static bool parse_branch(const char *p, const char *end, struct rb_vlog_line *out)
{
	int from, to, frame;
	const char *q;

	p += 5;
	from = parse_index(&p, end);
	if (from < 0 || !starts_with(p, end, " to "))
		return false;
	p += 4;
	to = parse_index(&p, end);
	if (to < 0 || p >= end || *p != ':')
		return false;
	p = skip_spaces(p + 1, end);
	out->kind = RB_VLOG_BRANCH;
	out->from_insn = from;
	out->insn = to;
	if ((size_t)(trim_end(p, end) - p) == 4 && starts_with(p, end, "safe")) {
		out->safe = true;
		return true;
	}
	q = p;
	frame = parse_frame_prefix(&q, end);
	out->frame = frame > 0 ? frame : 0;
	out->regs = p;
	out->regs_len = (size_t)(trim_end(p, end) - p);
	return true;
}

void rb_vlog_line_parse(const char *text, size_t len, struct rb_vlog_line *out)
{
	const char *p = text, *end = text + len;
	int idx;

	memset(out, 0, sizeof(*out));
	out->text = text;
	out->len = len;
	out->insn = -1;
	out->from_insn = -1;
	out->kind = RB_VLOG_OTHER;
	if (trim_end(p, end) == p) {
		out->kind = RB_VLOG_BLANK;
		return;
	}
	if (*p == ' ' || *p == '\t') {
		parse_live_regs(p, end, out);
		return;
	}
	if (is_digit(*p)) {
		idx = parse_index(&p, end);
		if (idx >= 0 && p < end && *p == ':')
			parse_numbered(p + 1, end, idx, out);
		return;
	}
	if (starts_with(p, end, "; ")) {
		parse_source(p, end, out);
	} else if (starts_with(p, end, "from ")) {
		parse_branch(p, end, out);
	} else if (starts_with(p, end, "func#")) {
		p += 5;
		idx = parse_index(&p, end);
		if (idx >= 0 && starts_with(p, end, " @")) {
			p += 2;
			out->frame = idx;
			out->insn = parse_index(&p, end);
			out->kind = RB_VLOG_FUNC;
		}
	} else if (starts_with(p, end, "Live regs before insn:")) {
		out->kind = RB_VLOG_LIVE_REGS;
	} else if (starts_with(p, end, "mark_precise:") || starts_with(p, end, "SCC ") ||
		   (*p == '(' && len > 2 && is_digit(p[1]))) {
		out->kind = RB_VLOG_DEBUG;
	} else if (starts_with(p, end, "processed ") && find(p, end, " insns (limit ")) {
		out->kind = RB_VLOG_STATS;
	} else if (starts_with(p, end, "verification time ")) {
		out->kind = RB_VLOG_TIME;
	} else if (starts_with(p, end, "stack depth ")) {
		out->kind = RB_VLOG_STACK;
	}
}

int rb_vlog_foreach_line(const char *log, size_t len, rb_vlog_line_fn fn, void *ctx)
{
	const char *p = log, *end = log + len, *nl;
	struct rb_vlog_line line;
	int ret;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		/* A NUL ends the text (the kernel's buffer is a C string). */
		if (memchr(p, '\0', (size_t)(nl - p)))
			nl = memchr(p, '\0', (size_t)(nl - p));
		rb_vlog_line_parse(p, (size_t)(nl - p), &line);
		ret = fn(&line, ctx);
		if (ret)
			return ret;
		if (nl < end && *nl == '\0')
			break;
		p = nl + 1;
	}
	return 0;
}

/* ---- register state ---- */

static void copy_text(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* A decimal or hex number, optionally negative, spanning exactly [p, end). */
static bool parse_number(const char *p, const char *end, uint64_t *out)
{
	bool neg = false, hex = false;
	uint64_t v = 0;
	int digits = 0;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (end - p > 2 && p[0] == '0' && p[1] == 'x') {
		hex = true;
		p += 2;
	}
	for (; p < end; p++, digits++) {
		unsigned int d;

		if (is_digit(*p))
			d = (unsigned int)(*p - '0');
		else if (hex && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else
			return false;
		if (digits >= (hex ? 16 : 20))
			return false;
		v = v * (hex ? 16 : 10) + d;
	}
	if (!digits)
		return false;
	*out = neg ? (uint64_t)0 - v : v;
	return true;
}

/* Stack slot contents as the verifier prints them: one character per byte. */
static bool is_slot_text(const char *p, const char *end)
{
	if (end - p != 8)
		return false;
	for (; p < end; p++)
		if (!strchr("?rm0difpI", *p))
			return false;
	return true;
}

static void parse_value(const char *p, const char *end, bool slot, struct rb_vlog_value *v)
{
	const char *paren;
	size_t dlen;

	if (!slot && end - p > 1 && *p == 'P' && p[1] != '(') {
		v->precise = true;
		p++;
	}
	if (slot && is_slot_text(p, end)) {
		copy_text(v->type, sizeof(v->type), p, (size_t)(end - p));
		return;
	}
	if (parse_number(p, end, &v->value)) {
		v->is_const = true;
		strcpy(v->type, "scalar");
		return;
	}
	if (starts_with(p, end, "fp") && p + 2 < end && (p[2] == '-' || is_digit(p[2]))) {
		strcpy(v->type, "fp");
		dlen = (size_t)(end - p - 2);
		memcpy(v->detail, "off=", 4);
		copy_text(v->detail + 4, sizeof(v->detail) - 4, p + 2, dlen);
		return;
	}
	paren = memchr(p, '(', (size_t)(end - p));
	if (paren && end[-1] == ')') {
		copy_text(v->type, sizeof(v->type), p, (size_t)(paren - p));
		copy_text(v->detail, sizeof(v->detail), paren + 1, (size_t)(end - paren - 2));
		return;
	}
	copy_text(v->type, sizeof(v->type), p, (size_t)(end - p));
}

/* One "NAME=VALUE" token; false when it is no register or stack slot. */
static bool parse_token(const char *p, const char *end, int frame, struct rb_vlog_value *v)
{
	const char *eq = memchr(p, '=', (size_t)(end - p));
	const char *name_end;
	uint64_t off;

	if (!eq)
		return false;
	memset(v, 0, sizeof(*v));
	v->frame = frame;
	/* Older kernels mark liveness with a suffix: R0_w, R1_rw, fp-8_r. */
	name_end = eq;
	{
		const char *us = memchr(p, '_', (size_t)(eq - p));

		if (us)
			name_end = us;
	}
	if (*p == 'R' && name_end - p >= 2 && name_end - p <= 3) {
		int reg = 0;

		for (const char *q = p + 1; q < name_end; q++) {
			if (!is_digit(*q))
				return false;
			reg = reg * 10 + (*q - '0');
		}
		if (reg > 10)
			return false;
		v->reg = reg;
		parse_value(eq + 1, end, false, v);
		return true;
	}
	if (starts_with(p, name_end, "fp-") && parse_number(p + 2, name_end, &off)) {
		v->reg = -1;
		v->stack_off = (int)(int64_t)off;
		if (v->stack_off < -(1 << 20))
			return false;
		parse_value(eq + 1, end, true, v);
		return true;
	}
	return false;
}

size_t rb_vlog_state_parse(const char *text, size_t len, struct rb_vlog_value *out, size_t max)
{
	const char *p = text, *end = text + len, *tok;
	size_t n = 0;
	int frame = 0, depth;
	struct rb_vlog_value v;

	while (p < end) {
		p = skip_spaces(p, end);
		if (p >= end)
			break;
		tok = p;
		depth = 0;
		while (p < end && (depth > 0 || *p != ' ')) {
			if (*p == '(')
				depth++;
			else if (*p == ')' && depth > 0)
				depth--;
			p++;
		}
		{
			const char *q = tok;
			int f = parse_frame_prefix(&q, p);

			if (f >= 0) {
				frame = f;
				continue;
			}
		}
		if (!parse_token(tok, p, frame, &v))
			continue;
		if (n < max)
			out[n] = v;
		n++;
	}
	return n;
}
