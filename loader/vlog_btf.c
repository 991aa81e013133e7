// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The log of a refused BPF_BTF_LOAD: which type the kernel complained about and what it
 * said. The kernel logs the header, then each type as it checks it ("[N] KIND name" and the
 * kind's key=value details, struct members and enum values on "\t" lines below), and stops
 * at the first complaint, which it appends to the line of the type or member at fault. So
 * the complaint is on the last line: the words after the details. A complaint about the
 * header or the string section is a line of its own, without a type. Every read is bounded
 * by the length given: the log need not end with a NUL.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawbpf.h"

struct span {
	const char *p;
	size_t n;
};

static void copy_span(char *dst, size_t cap, const char *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

/* The next space-separated token of s within end; false at the end. */
static bool next_token(const char **s, const char *end, struct span *tok)
{
	const char *p = *s;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end)
		return false;
	tok->p = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	tok->n = (size_t)(p - tok->p);
	*s = p;
	return true;
}

static bool has_eq(const struct span *t)
{
	return memchr(t->p, '=', t->n) != NULL;
}

/*
 * After the kind's details (key=value tokens; FUNC_PROTO's "args=(1 a, 2 b)" which holds
 * spaces; FWD's "struct" or "union"), the rest of the line is the complaint.
 */
static void complaint(const char *p, const char *end, bool fwd, char *msg, size_t cap)
{
	struct span t;
	const char *at = p;
	bool in_args = false, first = true;

	msg[0] = '\0';
	while (next_token(&at, end, &t)) {
		if (in_args) {
			in_args = t.p[t.n - 1] != ')';
			continue;
		}
		if (t.n > 6 && !strncmp(t.p, "args=(", 6)) {
			in_args = t.p[t.n - 1] != ')';
			continue;
		}
		if (has_eq(&t) && !(t.n <= 2 && (t.p[0] == '!' || t.p[0] == '='))) {
			first = false;
			continue;
		}
		if (fwd && first && ((t.n == 6 && !strncmp(t.p, "struct", 6)) ||
				     (t.n == 5 && !strncmp(t.p, "union", 5)))) {
			first = false;
			continue;
		}
		copy_span(msg, cap, t.p, (size_t)(end - t.p));
		return;
	}
}

/* "[N] KIND name ...": fills id, kind and name; returns where the details begin. */
static const char *type_line(const char *p, const char *end, struct rb_btf_log_report *r)
{
	struct span kind, name;
	const char *at, *num_end;
	uint64_t id = 0;

	if (p >= end || *p != '[')
		return NULL;
	/* digits read here, not with strtoul: the log need not hold a NUL at end */
	for (num_end = p + 1; num_end < end && *num_end >= '0' && *num_end <= '9'; num_end++) {
		id = id * 10 + (uint64_t)(*num_end - '0');
		if (id > UINT32_MAX)
			return NULL;
	}
	if (num_end == p + 1 || num_end >= end || *num_end != ']')
		return NULL;
	at = num_end + 1;
	if (!next_token(&at, end, &kind) || !next_token(&at, end, &name))
		return NULL;
	r->type_id = (uint32_t)id;
	copy_span(r->kind, sizeof(r->kind), kind.p, kind.n);
	copy_span(r->name, sizeof(r->name), name.p, name.n);
	return at;
}

RB_API int rb_btf_log_analyze(const char *log, size_t len, struct rb_btf_log_report *out)
{
	const char *end, *line, *details, *p;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!log)
		return -ENOENT;
	n = strnlen(log, len);
	/* The last line with something on it. */
	while (n > 0 && (log[n - 1] == '\n' || log[n - 1] == ' ' || log[n - 1] == '\t'))
		n--;
	if (!n)
		return -ENOENT;
	end = log + n;
	line = end;
	while (line > log && line[-1] != '\n')
		line--;
	copy_span(out->line, sizeof(out->line), line, (size_t)(end - line));

	details = type_line(line, end, out);
	if (details) {
		complaint(details, end, !strcmp(out->kind, "FWD"), out->message,
			  sizeof(out->message));
		return 0;
	}
	if (*line == '\t') {
		/* A member, enum value or DATASEC entry: its type is the nearest "[N]" above. */
		struct span member;

		p = line;
		if (next_token(&p, end, &member)) {
			if (has_eq(&member)) /* DATASEC entries start with "type_id=" */
				p = member.p;
			else
				copy_span(out->member, sizeof(out->member), member.p, member.n);
			complaint(p, end, false, out->message, sizeof(out->message));
		}
		for (const char *q = line; q > log;) {
			const char *start = q - 1, *stop = q - 1;

			while (start > log && start[-1] != '\n')
				start--;
			if (type_line(start, stop, out))
				break;
			q = start;
		}
		return 0;
	}
	/* About the header or the sections: no type. */
	copy_span(out->message, sizeof(out->message), line, (size_t)(end - line));
	return 0;
}
