// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Verifier log analysis: one pass over the log gives the verdict, the failing instruction
 * and the kernel's message, the register state there, the branches on the way, the
 * statistics, and how often each instruction and source line was visited.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "loader/vlog.h"
#include "util/err.h"

/* The verifier never processes more than 1M instructions of a program this large. */
#define VLOG_MAX_INSNS	   (1u << 20)
#define VLOG_MAX_SRC_LINES (1u << 16)

/* Hash table of source lines, for their visit counts. */
struct src_table {
	struct rb_vlog_src_visits *items;
	size_t nr, cap;
	uint32_t *slots; /* index + 1 into items, 0 = empty */
	size_t nr_slots;
};

/* Back-edges seen in instruction text, by latch index (a latch jumps to one target). */
struct edge_table {
	struct rb_vlog_loop *items;
	size_t nr, cap;
};

struct analyzer {
	struct rb_vlog_report *r;
	struct src_table src;
	struct edge_table edges;
	int32_t *insn_src; /* per instruction: src.items index + 1 of its source, 0 = none */
	size_t nr_insn_src;
	long cur_src;	      /* index into src.items of the last source comment, or -1 */
	int cur_frame;	      /* the frame of the last full state printed */
	bool clobber_pending; /* the last instruction was a helper call */
	bool seen_insn0_or_func;
	bool seen_walk; /* any instruction or state line so far */
	bool first_walk_checked;
	/* The message: OTHER lines since the last instruction-walk line. */
	char msg[sizeof(((struct rb_vlog_report *)0)->message)];
	size_t msg_len;
	bool msg_open; /* OTHER lines seen after the last walk line */
	/* Source of the last instruction line. */
	char last_src_file[128], last_src_text[256];
	int last_src_line;
	int err;
};

static void copy_text(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		len = cap - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

static uint64_t hash_src(const char *file, size_t flen, int line)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < flen; i++)
		h = (h ^ (unsigned char)file[i]) * 1099511628211ull;
	return (h ^ (uint64_t)line) * 1099511628211ull;
}

static int src_grow_slots(struct src_table *t)
{
	size_t n = t->nr_slots ? t->nr_slots * 2 : 64;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->nr; i++) {
		const struct rb_vlog_src_visits *s = &t->items[i];
		size_t h = hash_src(s->file, strlen(s->file), s->line) & (n - 1);

		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nr_slots = n;
	return 0;
}

/* The index of (file, line) in the table, added when new; -1 when full or out of memory. */
static long src_lookup(struct analyzer *a, const struct rb_vlog_line *l)
{
	struct src_table *t = &a->src;
	char file[sizeof(t->items[0].file)];
	size_t h;

	copy_text(file, sizeof(file), l->file, l->file_len);
	if (t->nr * 2 >= t->nr_slots && src_grow_slots(t)) {
		a->err = -ENOMEM;
		return -1;
	}
	h = hash_src(file, strlen(file), l->src_line) & (t->nr_slots - 1);
	while (t->slots[h]) {
		struct rb_vlog_src_visits *s = &t->items[t->slots[h] - 1];

		if (s->line == l->src_line && !strcmp(s->file, file))
			return (long)t->slots[h] - 1;
		h = (h + 1) & (t->nr_slots - 1);
	}
	if (t->nr >= VLOG_MAX_SRC_LINES)
		return -1;
	if (t->nr == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct rb_vlog_src_visits *items = realloc(t->items, cap * sizeof(*items));

		if (!items) {
			a->err = -ENOMEM;
			return -1;
		}
		t->items = items;
		t->cap = cap;
	}
	memset(&t->items[t->nr], 0, sizeof(t->items[0]));
	memcpy(t->items[t->nr].file, file, sizeof(file));
	t->items[t->nr].line = l->src_line;
	copy_text(t->items[t->nr].text, sizeof(t->items[0].text), l->code, l->code_len);
	t->slots[h] = (uint32_t)t->nr + 1;
	return (long)t->nr++;
}

/* Grow the per-instruction arrays so that insn is a valid index. */
static bool grow_insn_arrays(struct analyzer *a, int insn)
{
	struct rb_vlog_report *r = a->r;
	size_t n = r->nr_visits ? r->nr_visits : 64;
	uint32_t *v;
	int32_t *s;

	if ((size_t)insn < r->nr_visits)
		return true;
	while (n <= (size_t)insn)
		n *= 2;
	v = realloc(r->visits, n * sizeof(*v));
	if (!v) {
		a->err = -ENOMEM;
		return false;
	}
	r->visits = v;
	s = realloc(a->insn_src, n * sizeof(*s));
	if (!s) {
		a->err = -ENOMEM;
		return false;
	}
	a->insn_src = s;
	memset(v + r->nr_visits, 0, (n - r->nr_visits) * sizeof(*v));
	memset(s + r->nr_visits, 0, (n - r->nr_visits) * sizeof(*s));
	r->nr_visits = n;
	return true;
}

/* One more visit of insn; with_src: also to the source line printed last. */
static void count_visit(struct analyzer *a, int insn, bool with_src)
{
	struct rb_vlog_report *r = a->r;

	if (insn < 0 || (unsigned int)insn >= VLOG_MAX_INSNS || !grow_insn_arrays(a, insn))
		return;
	if (r->visits[insn] < UINT32_MAX)
		r->visits[insn]++;
	if (with_src && a->cur_src >= 0) {
		a->src.items[a->cur_src].visits++;
		if (!a->insn_src[insn])
			a->insn_src[insn] = (int32_t)a->cur_src + 1;
	}
}

#define VLOG_MAX_LOOPS 4096

/* "(05) goto pc-7", "(2d) if r1 > r2 goto pc-6": a jump backwards closes a loop. */
static void note_back_edge(struct analyzer *a, int insn, const char *code, size_t len)
{
	struct edge_table *t = &a->edges;
	const char *end = code + len, *p;
	long off = 0;
	int digits = 0;

	if (insn < 0 || (unsigned int)insn >= VLOG_MAX_INSNS)
		return;
	for (p = code; p + 8 < end; p++)
		if (!memcmp(p, "goto pc-", 8))
			break;
	if (p + 8 >= end)
		return;
	for (p += 8; p < end && *p >= '0' && *p <= '9' && digits < 8; p++, digits++)
		off = off * 10 + (*p - '0');
	if (!digits || off < 1 || off - 1 > insn) /* "goto pc-0" goes forward */
		return;
	for (size_t i = 0; i < t->nr; i++)
		if (t->items[i].latch == insn)
			return;
	if (t->nr == VLOG_MAX_LOOPS)
		return;
	if (t->nr == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct rb_vlog_loop *items = realloc(t->items, cap * sizeof(*items));

		if (!items) {
			a->err = -ENOMEM;
			return;
		}
		t->items = items;
		t->cap = cap;
	}
	memset(&t->items[t->nr], 0, sizeof(t->items[0]));
	t->items[t->nr].latch = insn;
	t->items[t->nr].header = insn - (int)off + 1;
	t->nr++;
}

static int cmp_loops(const void *x, const void *y)
{
	const struct rb_vlog_loop *a = x, *b = y;

	if (a->visits != b->visits)
		return a->visits < b->visits ? 1 : -1;
	return a->header < b->header ? -1 : a->header > b->header;
}

/* Each loop's visits and source line, once the whole log is read. */
static void finish_loops(struct analyzer *a)
{
	struct rb_vlog_report *r = a->r;

	for (size_t i = 0; i < a->edges.nr; i++) {
		struct rb_vlog_loop *l = &a->edges.items[i];
		bool have_src = false;

		for (int j = l->header; j <= l->latch && (size_t)j < r->nr_visits; j++) {
			l->visits += r->visits[j];
			if (!have_src && a->insn_src[j]) {
				const struct rb_vlog_src_visits *s =
					&a->src.items[a->insn_src[j] - 1];

				memcpy(l->src_file, s->file, sizeof(l->src_file));
				memcpy(l->src_text, s->text, sizeof(l->src_text));
				l->src_line = s->line;
				have_src = true;
			}
		}
	}
	if (a->edges.nr)
		qsort(a->edges.items, a->edges.nr, sizeof(a->edges.items[0]), cmp_loops);
	r->loops = a->edges.items;
	r->nr_loops = a->edges.nr;
	a->edges.items = NULL;
}

/* Replace (full) or update (delta) the reconstructed state with the values of text. */
static void apply_state(struct rb_vlog_report *r, const char *text, size_t len, bool full)
{
	struct rb_vlog_value vals[96];
	size_t n = rb_vlog_state_parse(text, len, vals, sizeof(vals) / sizeof(vals[0]));
	const size_t max = sizeof(r->state) / sizeof(r->state[0]);

	if (n > sizeof(vals) / sizeof(vals[0]))
		n = sizeof(vals) / sizeof(vals[0]);
	if (full)
		r->nr_state = 0;
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < r->nr_state; j++)
			if (r->state[j].frame == vals[i].frame && r->state[j].reg == vals[i].reg &&
			    (vals[i].reg >= 0 || r->state[j].stack_off == vals[i].stack_off))
				break;
		if (j == r->nr_state) {
			if (r->nr_state == max)
				continue;
			r->nr_state++;
		}
		r->state[j] = vals[i];
	}
}

static void drop_call_clobbered(struct rb_vlog_report *r, int frame)
{
	size_t j = 0;

	for (size_t i = 0; i < r->nr_state; i++) {
		const struct rb_vlog_value *v = &r->state[i];

		if (v->frame == frame && v->reg >= 1 && v->reg <= 5)
			continue;
		r->state[j++] = *v;
	}
	r->nr_state = j;
}

/* Registers first (by number), then stack slots from the frame pointer down; by frame. */
static int cmp_values(const void *x, const void *y)
{
	const struct rb_vlog_value *a = x, *b = y;

	if (a->frame != b->frame)
		return a->frame < b->frame ? -1 : 1;
	if ((a->reg < 0) != (b->reg < 0))
		return a->reg < 0 ? 1 : -1;
	if (a->reg != b->reg)
		return a->reg < b->reg ? -1 : 1;
	return a->stack_off > b->stack_off ? -1 : a->stack_off < b->stack_off;
}

/* The previous instruction was a helper call: its r1-r5 are gone now. */
static void settle_call(struct analyzer *a)
{
	if (a->clobber_pending)
		drop_call_clobbered(a->r, a->cur_frame);
	a->clobber_pending = false;
}

/* A line that belongs to the walk through the program closes the pending message. */
static void walk_line(struct analyzer *a)
{
	a->msg_open = false;
	a->msg_len = 0;
	a->msg[0] = '\0';
}

static void add_msg_line(struct analyzer *a, const struct rb_vlog_line *l)
{
	size_t cap = sizeof(a->msg), n = l->len;

	if (!a->msg_open) {
		a->msg_open = true;
		a->msg_len = 0;
	}
	if (a->msg_len && a->msg_len + 1 < cap)
		a->msg[a->msg_len++] = '\n';
	if (a->msg_len + n >= cap)
		n = cap - 1 - a->msg_len;
	memcpy(a->msg + a->msg_len, l->text, n);
	a->msg_len += n;
	a->msg[a->msg_len] = '\0';
}

static void first_walk_line(struct analyzer *a, const struct rb_vlog_line *l)
{
	if (a->first_walk_checked)
		return;
	a->first_walk_checked = true;
	if (l->insn == 0)
		a->seen_insn0_or_func = true;
}

static void on_insn(struct analyzer *a, const struct rb_vlog_line *l)
{
	struct rb_vlog_report *r = a->r;

	settle_call(a);
	first_walk_line(a, l);
	walk_line(a);
	a->seen_walk = true;
	count_visit(a, l->insn, true);
	note_back_edge(a, l->insn, l->code, l->code_len);
	r->fail_insn = l->insn;
	copy_text(r->fail_code, sizeof(r->fail_code), l->code, l->code_len);
	if (a->cur_src >= 0) {
		const struct rb_vlog_src_visits *s = &a->src.items[a->cur_src];

		memcpy(a->last_src_file, s->file, sizeof(a->last_src_file));
		memcpy(a->last_src_text, s->text, sizeof(s->text));
		a->last_src_line = s->line;
	}
	if (l->regs)
		apply_state(r, l->regs, l->regs_len, false);
	/* A helper or kfunc call leaves r1-r5 unset once it returns; the log does not say so,
	 * it stops printing them. Keep them until the next line: if the call is what failed,
	 * its arguments are the state that matters. ("call pc+N" starts a new frame.) */
	a->clobber_pending = l->code_len > 10 && !memcmp(l->code, "(85) call ", 10) &&
			     !(l->code_len > 12 && !memcmp(l->code + 10, "pc", 2));
}

static void on_branch(struct analyzer *a, const struct rb_vlog_line *l)
{
	struct rb_vlog_report *r = a->r;

	walk_line(a);
	a->clobber_pending = false; /* a branch line prints the whole state */
	if (l->safe) {
		/* Reaching a state proven safe is a processed instruction too (the kernel
		 * counts it before it compares states). */
		count_visit(a, l->insn, false);
		r->level = 2;
		r->nr_path = 0; /* that path ended; a later one is what failed */
		return;
	}
	if (r->nr_path == RB_VLOG_MAX_PATH) {
		memmove(r->path, r->path + 1, sizeof(r->path[0]) * (RB_VLOG_MAX_PATH - 1));
		r->nr_path--;
	}
	r->path[r->nr_path].from = l->from_insn;
	r->path[r->nr_path].to = l->insn;
	r->nr_path++;
	a->cur_frame = l->frame;
	if (l->regs)
		apply_state(r, l->regs, l->regs_len, true);
}

static int analyze_line(const struct rb_vlog_line *l, void *ctx)
{
	struct analyzer *a = ctx;
	struct rb_vlog_report *r = a->r;

	switch (l->kind) {
	case RB_VLOG_INSN:
		on_insn(a, l);
		break;
	case RB_VLOG_STATE:
		settle_call(a);
		first_walk_line(a, l);
		walk_line(a);
		a->seen_walk = true;
		a->cur_frame = l->frame;
		/* Only the registers the last steps touched (the first such line has all). */
		apply_state(r, l->regs, l->regs_len, false);
		break;
	case RB_VLOG_BRANCH:
		on_branch(a, l);
		break;
	case RB_VLOG_SAFE:
		walk_line(a);
		count_visit(a, l->insn, false);
		r->level = 2;
		r->nr_path = 0;
		break;
	case RB_VLOG_SOURCE:
		walk_line(a);
		a->cur_src = l->file ? src_lookup(a, l) : -1;
		break;
	case RB_VLOG_FUNC:
		if (l->frame == 0)
			a->seen_insn0_or_func = true;
		break;
	case RB_VLOG_LIVE_REGS:
		if (l->insn < 0) {
			r->level = 2; /* the "Live regs before insn:" table is a level-2 print */
			a->seen_insn0_or_func = true;
		} else {
			note_back_edge(a, l->insn, l->code, l->code_len);
		}
		break;
	case RB_VLOG_STATS:
	case RB_VLOG_TIME:
	case RB_VLOG_STACK:
		vlog_stats_line(l, &r->stats);
		break;
	case RB_VLOG_DEBUG:
	case RB_VLOG_BLANK:
		break;
	case RB_VLOG_OTHER:
		add_msg_line(a, l);
		break;
	}
	return a->err;
}

static int cmp_src_visits(const void *x, const void *y)
{
	const struct rb_vlog_src_visits *a = x, *b = y;

	if (a->visits != b->visits)
		return a->visits < b->visits ? 1 : -1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return strcmp(a->file, b->file);
}

int rb_vlog_analyze(const char *log, size_t len, struct rb_vlog_report *out, struct rb_error *err)
{
	struct analyzer a;
	int ret;

	memset(out, 0, sizeof(*out));
	memset(&a, 0, sizeof(a));
	out->fail_insn = -1;
	out->level = 1;
	a.r = out;
	a.cur_src = -1;
	ret = rb_vlog_foreach_line(log, log ? len : 0, analyze_line, &a);
	if (!ret)
		finish_loops(&a);
	free(a.edges.items);
	free(a.insn_src);
	free(a.src.slots);
	out->src_visits = a.src.items;
	out->nr_src_visits = a.src.nr;
	if (ret) {
		rb_vlog_report_free(out);
		return rb_errorf(err, ret, "verifier log: out of memory while reading %zu bytes",
				 len);
	}
	/* Drop the unused tail of the visits array. */
	while (out->nr_visits && !out->visits[out->nr_visits - 1])
		out->nr_visits--;
	if (out->nr_src_visits)
		qsort(out->src_visits, out->nr_src_visits, sizeof(out->src_visits[0]),
		      cmp_src_visits);
	out->head_missing = a.seen_walk && !a.seen_insn0_or_func;
	if (!a.seen_walk && !out->stats.have_processed && !a.msg_open) {
		out->verdict = RB_VLOG_EMPTY;
		return 0;
	}
	if (a.msg_open) {
		out->verdict = RB_VLOG_REJECTED;
		memcpy(out->message, a.msg, a.msg_len + 1);
		out->family = rb_vlog_classify(out->message);
		memcpy(out->src_file, a.last_src_file, sizeof(out->src_file));
		memcpy(out->src_text, a.last_src_text, sizeof(out->src_text));
		out->src_line = a.last_src_line;
		qsort(out->state, out->nr_state, sizeof(out->state[0]), cmp_values);
	} else {
		out->verdict = RB_VLOG_ACCEPTED;
		out->fail_insn = -1;
		out->fail_code[0] = '\0';
		out->nr_state = 0;
	}
	return 0;
}

void rb_vlog_report_free(struct rb_vlog_report *r)
{
	if (!r)
		return;
	free(r->visits);
	free(r->src_visits);
	free(r->loops);
	r->loops = NULL;
	r->nr_loops = 0;
	r->visits = NULL;
	r->src_visits = NULL;
	r->nr_visits = 0;
	r->nr_src_visits = 0;
}
