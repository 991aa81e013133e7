// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf verify --compare BASE.json: read an earlier run's JSON (a small reader for exactly
 * the values verify writes) and print, per program, how instructions processed, states and
 * verification time changed, the largest change first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/verify.h"

#define MAX_DEPTH 32

struct reader {
	const char *start, *p, *end;
	const char *path;
	bool failed;
	/* The program object being read (depth 3: top object > "programs" array > object). */
	struct verify_base cur;
	bool in_stats;
	struct verify_base *out;
	size_t n, cap;
};

static void fail(struct reader *r, const char *what)
{
	if (!r->failed)
		cli_error("verify: %s: not a verify --json file: %s at byte %zu", r->path, what,
			  (size_t)(r->p - r->start));
	r->failed = true;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && strchr(" \t\r\n", *r->p))
		r->p++;
}

/* A string into buf (escapes kept simple: \" \\ \n and \uXXXX as '?'). */
static bool read_string(struct reader *r, char *buf, size_t len)
{
	size_t n = 0;

	if (r->p >= r->end || *r->p != '"')
		return fail(r, "expected a string"), false;
	r->p++;
	while (r->p < r->end && *r->p != '"') {
		char c = *r->p++;

		if (c == '\\' && r->p < r->end) {
			c = *r->p++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'u') {
				r->p += (r->end - r->p >= 4) ? 4 : r->end - r->p;
				c = '?';
			}
		}
		if (n + 1 < len)
			buf[n++] = c;
	}
	if (r->p >= r->end)
		return fail(r, "unterminated string"), false;
	r->p++;
	buf[n] = '\0';
	return true;
}

static bool parse_value(struct reader *r, int depth, const char *key);

static void base_clear(struct verify_base *b)
{
	free(b->file);
	free(b->prog);
	free(b->verdict);
	memset(b, 0, sizeof(*b));
}

static void take_number(struct reader *r, const char *key, unsigned long long v)
{
	if (!key)
		return;
	if (!strcmp(key, "insns_processed"))
		r->cur.insns = v, r->cur.have_stats = true;
	else if (!strcmp(key, "total_states"))
		r->cur.total_states = v;
	else if (!strcmp(key, "peak_states"))
		r->cur.peak_states = v;
	else if (!strcmp(key, "verification_usec"))
		r->cur.usec = v;
}

static void take_string(struct reader *r, int depth, const char *key, const char *s)
{
	char **slot = NULL;

	if (depth != 4 || !key) /* the values of a program object's own keys */
		return;
	if (!strcmp(key, "file"))
		slot = &r->cur.file;
	else if (!strcmp(key, "program"))
		slot = &r->cur.prog;
	else if (!strcmp(key, "verdict"))
		slot = &r->cur.verdict;
	if (slot) {
		free(*slot);
		*slot = strdup(s);
	}
}

static bool finish_program(struct reader *r)
{
	if (!r->cur.file || !r->cur.prog) {
		base_clear(&r->cur);
		return true;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct verify_base *b = realloc(r->out, cap * sizeof(*b));

		if (!b)
			return fail(r, "out of memory"), false;
		r->out = b;
		r->cap = cap;
	}
	r->out[r->n++] = r->cur;
	memset(&r->cur, 0, sizeof(r->cur));
	return true;
}

static bool parse_object(struct reader *r, int depth)
{
	char key[64];

	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return true;
	}
	for (;;) {
		skip_ws(r);
		if (!read_string(r, key, sizeof(key)))
			return false;
		skip_ws(r);
		if (r->p >= r->end || *r->p != ':')
			return fail(r, "expected ':'"), false;
		r->p++;
		skip_ws(r);
		if (depth == 3 && !strcmp(key, "stats"))
			r->in_stats = true;
		if (!parse_value(r, depth + 1, key))
			return false;
		if (depth == 3 && !strcmp(key, "stats"))
			r->in_stats = false;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			return true;
		}
		return fail(r, "expected ',' or '}'"), false;
	}
}

static bool parse_array(struct reader *r, int depth, const char *key)
{
	bool programs = depth == 2 && key && !strcmp(key, "programs");

	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return true;
	}
	for (;;) {
		skip_ws(r);
		if (!parse_value(r, programs ? 3 : depth + 1, NULL))
			return false;
		if (programs && !finish_program(r))
			return false;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return true;
		}
		return fail(r, "expected ',' or ']'"), false;
	}
}

static bool parse_value(struct reader *r, int depth, const char *key)
{
	char buf[1024];

	if (depth > MAX_DEPTH)
		return fail(r, "nested too deeply"), false;
	skip_ws(r);
	if (r->p >= r->end)
		return fail(r, "unexpected end"), false;
	switch (*r->p) {
	case '{':
		/* The top object is depth 1; its "programs" array depth 2; programs depth 3. */
		return parse_object(r, depth == 0 ? 1 : depth);
	case '[':
		return parse_array(r, depth, key);
	case '"':
		if (!read_string(r, buf, sizeof(buf)))
			return false;
		take_string(r, depth, key, buf);
		return true;
	default:
		break;
	}
	if (!strncmp(r->p, "null", 4) || !strncmp(r->p, "true", 4)) {
		r->p += 4;
		return true;
	}
	if (!strncmp(r->p, "false", 5)) {
		r->p += 5;
		return true;
	}
	if ((*r->p >= '0' && *r->p <= '9') || *r->p == '-') {
		char *e;
		unsigned long long v = strtoull(r->p, &e, 10);

		if (*r->p == '-')
			v = 0;
		while (e < r->end && strchr("0123456789.eE+-", *e))
			e++;
		r->p = e;
		if (r->in_stats)
			take_number(r, key, v);
		return true;
	}
	return fail(r, "unexpected character"), false;
}

int verify_base_read(const char *path, struct verify_base **out, size_t *n)
{
	struct reader r = {.path = path};
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0, got;

	if (!f) {
		cli_error("verify: cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	do {
		if (cap - len < 4096) {
			char *t;

			cap = cap ? cap * 2 : 65536;
			if (cap > (256u << 20)) {
				cli_error("verify: '%s' is too large for a verify --json file",
					  path);
				free(text);
				fclose(f);
				return -1;
			}
			t = realloc(text, cap + 1);
			if (!t) {
				free(text);
				fclose(f);
				cli_error("verify: out of memory");
				return -1;
			}
			text = t;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);
	text[len] = '\0';
	r.start = r.p = text;
	r.end = text + len;
	parse_value(&r, 0, NULL);
	base_clear(&r.cur);
	free(text);
	if (r.failed) {
		verify_base_free(r.out, r.n);
		return -1;
	}
	*out = r.out;
	*n = r.n;
	return 0;
}

void verify_base_free(struct verify_base *b, size_t n)
{
	for (size_t i = 0; b && i < n; i++)
		base_clear(&b[i]);
	free(b);
}

struct change {
	const struct verify_item *it;
	const struct verify_base *base;
	long long d_insns, d_states, d_peak, d_usec;
	unsigned long long weight;
};

static long long diff(unsigned long long b, unsigned long long a)
{
	return (long long)b - (long long)a;
}

static unsigned long long mag(long long v)
{
	return v < 0 ? (unsigned long long)-v : (unsigned long long)v;
}

/* Largest change in instructions first, then states, then time. */
static int cmp_change(const void *x, const void *y)
{
	const struct change *a = x, *b = y;

	if (mag(a->d_insns) != mag(b->d_insns))
		return mag(a->d_insns) < mag(b->d_insns) ? 1 : -1;
	if (mag(a->d_states) != mag(b->d_states))
		return mag(a->d_states) < mag(b->d_states) ? 1 : -1;
	if (mag(a->d_usec) != mag(b->d_usec))
		return mag(a->d_usec) < mag(b->d_usec) ? 1 : -1;
	return strcmp(a->it->prog, b->it->prog);
}

static const struct verify_base *find_base(const struct verify_item *it,
					   const struct verify_base *base, size_t nbase)
{
	for (size_t i = 0; i < nbase; i++)
		if (!strcmp(base[i].prog, it->prog) &&
		    !strcmp(verify_basename(base[i].file), verify_basename(it->file)))
			return &base[i];
	return NULL;
}

/* "+12 (+3.4%)"; a change from 0 counts as 100%. */
static void fmt_diff(char *buf, size_t len, long long d, unsigned long long from)
{
	double pct = from ? 100.0 * (double)d / (double)from : (d ? 100.0 : 0.0);

	snprintf(buf, len, "%+lld (%+.1f%%)", d, d < 0 && !from ? -pct : pct);
}

void verify_compare_print(FILE *f, const struct verify_item *items, size_t n,
			  const struct verify_base *base, size_t nbase, bool json)
{
	struct change *ch = calloc(n ? n : 1, sizeof(*ch));
	struct json j;
	char a[48], b[48], c[48];

	if (!ch) {
		cli_error("verify: out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct rb_vlog_stats *st = &items[i].report.stats;

		ch[i].it = &items[i];
		ch[i].base = find_base(&items[i], base, nbase);
		if (ch[i].base && ch[i].base->have_stats && st->have_processed) {
			ch[i].d_insns = diff(st->insns_processed, ch[i].base->insns);
			ch[i].d_states = diff(st->total_states, ch[i].base->total_states);
			ch[i].d_peak = diff(st->peak_states, ch[i].base->peak_states);
			ch[i].d_usec = diff(st->verification_usec, ch[i].base->usec);
		}
	}
	qsort(ch, n, sizeof(*ch), cmp_change);
	if (json) {
		json_init(&j, f);
		json_begin_object(&j, NULL);
		json_begin_array(&j, "changes");
	} else {
		fprintf(f, "%-20s %-9s %-9s %-24s %-20s %s\n", "program", "base", "now",
			"insns processed", "total states", "time (us)");
	}
	for (size_t i = 0; i < n; i++) {
		const struct change *x = &ch[i];
		const struct rb_vlog_stats *st = &x->it->report.stats;
		const char *now = x->it->report.verdict == RB_VLOG_REJECTED   ? "rejected"
				  : x->it->report.verdict == RB_VLOG_ACCEPTED ? "accepted"
									      : "empty";
		bool both = x->base && x->base->have_stats && st->have_processed;

		if (json) {
			json_begin_object(&j, NULL);
			json_string(&j, "file", x->it->file);
			json_string(&j, "program", x->it->prog);
			json_string(&j, "base_verdict", x->base ? x->base->verdict : NULL);
			json_string(&j, "verdict", now);
			if (both) {
				json_int(&j, "insns_processed_diff", x->d_insns);
				json_int(&j, "total_states_diff", x->d_states);
				json_int(&j, "peak_states_diff", x->d_peak);
				json_int(&j, "verification_usec_diff", x->d_usec);
			}
			json_end_object(&j);
			continue;
		}
		if (!both) {
			fprintf(f, "%-20s %-9s %-9s %s\n", x->it->prog,
				x->base ? (x->base->verdict ? x->base->verdict : "?") : "N/A", now,
				x->base ? "no statistics on one side" : "not in the base run");
			continue;
		}
		fmt_diff(a, sizeof(a), x->d_insns, x->base->insns);
		fmt_diff(b, sizeof(b), x->d_states, x->base->total_states);
		fmt_diff(c, sizeof(c), x->d_usec, x->base->usec);
		fprintf(f, "%-20s %-9s %-9s %-24s %-20s %s\n", x->it->prog,
			x->base->verdict ? x->base->verdict : "?", now, a, b, c);
	}
	if (json) {
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	}
	free(ch);
}
