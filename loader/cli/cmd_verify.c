// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf verify: why the verifier rejected a program and what verifying it cost.
 * Reads verifier logs (a saved log with --log, as the kernel wrote it or inside libbpf's
 * "BEGIN PROG LOAD LOG" markers as bpftool -d prints it) and reports per program: the
 * failure (instruction, source line, the kernel's message, register state, family, hint),
 * the statistics, the most visited lines and loops, optionally the annotated log.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/verify.h"

#define TOP_LINES 5

static void verify_usage(FILE *f)
{
	fprintf(f,
		"usage: rawbpf verify OBJ... [--prog NAME] [--log-level 1|2] [--full-log] "
		"[--stats]\n"
		"                     [--json|--csv] [--compare BASE.json]\n"
		"                     [--map NAME.ATTR=N]... [--type PROG=TYPE]...\n"
		"       rawbpf verify --log FILE... [same options]\n"
		"  OBJ...             load each program of each object on its own (nothing is\n"
		"                     attached, everything is unloaded), with its verifier log\n"
		"  --log-level 1|2    1 (default): the failing path; 2: every path, for visit\n"
		"                     counts (large); statistics are always asked for\n"
		"  --log FILE...      read saved verifier logs: the kernel's text, or bpftool -d "
		"/\n"
		"                     libbpf output with one log per program between its\n"
		"                     'BEGIN PROG LOAD LOG' and 'END PROG LOAD LOG' lines\n"
		"  --prog NAME        only this program\n"
		"  --map NAME.ATTR=N  load a map with another size (max_entries=N); maps left\n"
		"                     at max_entries 0 get 1 (a page for ring buffers)\n"
		"  --type PROG=TYPE   the program's type where its section name does not say it\n"
		"  --set VAR=VALUE    set a global (a const volatile knob) before loading, as\n"
		"                     `rawbpf load --set` does: knobs change what is verified\n"
		"  --full-log         also print the log, each instruction with its visit count\n"
		"  --stats            one line of statistics per program (a table)\n"
		"  --json, --csv      for scripts (--json output is what --compare reads)\n"
		"  --compare BASE     change in instructions, states and time against an earlier\n"
		"                     --json run, largest change first\n"
		"Maps pinned by name are pinned in a private directory under /sys/fs/bpf, removed\n"
		"afterwards. An object that cannot be loaded (a map the kernel refuses) is reported\n"
		"(\"errors\" in --json) and the others are still verified.\n"
		"Exit status: 0 all verified, 1 some program refused (or bad input), 2 usage.\n");
}

const char *verify_basename(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int verify_add_item(struct verify_item **items, size_t *n, const char *file, const char *prog,
		    const char *log, size_t len)
{
	struct verify_item *it, *grown = realloc(*items, (*n + 1) * sizeof(**items));

	if (!grown)
		return -ENOMEM;
	*items = grown;
	it = &grown[*n];
	memset(it, 0, sizeof(*it));
	it->file = strdup(file);
	it->prog = strdup(prog);
	it->log = malloc(len + 1);
	if (!it->file || !it->prog || !it->log) {
		free(it->file);
		free(it->prog);
		free(it->log);
		return -ENOMEM;
	}
	memcpy(it->log, log, len);
	it->log[len] = '\0';
	it->log_len = len;
	(*n)++;
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *p;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			p = realloc(buf, cap + 1);
			if (!p) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static const char BEGIN_MARK[] = "-- BEGIN PROG LOAD LOG --";
static const char END_MARK[] = "-- END PROG LOAD LOG --";

/* Split libbpf's output into one item per "prog 'NAME': -- BEGIN PROG LOAD LOG --" block. */
static int split_libbpf(const char *file, const char *text, struct verify_item **items, size_t *n)
{
	const char *p = text, *begin;
	int found = 0;

	while ((begin = strstr(p, BEGIN_MARK))) {
		const char *line = begin, *q, *name_end, *body, *end;
		char name[128] = "?";

		while (line > text && line[-1] != '\n')
			line--;
		q = strstr(line, "prog '");
		if (q && q < begin) {
			q += 6;
			name_end = memchr(q, '\'', (size_t)(begin - q));
			if (name_end && (size_t)(name_end - q) < sizeof(name)) {
				memcpy(name, q, (size_t)(name_end - q));
				name[name_end - q] = '\0';
			}
		}
		body = strchr(begin, '\n');
		if (!body)
			break;
		body++;
		end = strstr(body, END_MARK);
		if (!end)
			end = body + strlen(body);
		/* The END marker follows the log on its own line (after "libbpf: " sometimes). */
		q = end;
		while (q > body && q[-1] != '\n')
			q--;
		if (verify_add_item(items, n, file, name, body, (size_t)(q - body)))
			return -ENOMEM;
		found++;
		p = *end ? end + strlen(END_MARK) : end;
	}
	return found;
}

static int read_logs(const char *path, struct verify_item **items, size_t *n)
{
	size_t len;
	char *text = read_file(path, &len);
	char name[128];
	const char *base;
	int found;

	if (!text) {
		cli_error("verify: cannot read '%s': %s", path, strerror(errno));
		return EXIT_INVALID;
	}
	found = split_libbpf(path, text, items, n);
	if (found == 0) {
		/* A bare kernel log: the program is named after the file. */
		base = verify_basename(path);
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(base, "."), base);
		found = verify_add_item(items, n, path, name, text, len) ? -ENOMEM : 1;
	}
	free(text);
	if (found < 0) {
		cli_error("verify: out of memory reading '%s'", path);
		return EXIT_INVALID;
	}
	return 0;
}

/*
 * When rawbpf loaded the program, the load's result is the verdict; the log explains it.
 * A refusal before verification (no log, or a log without a complaint) keeps the loader's
 * explanation as the message.
 */
static void settle_verdict(struct verify_item *it)
{
	struct rb_vlog_report *r = &it->report;

	if (it->load_err == 0) {
		r->verdict = RB_VLOG_ACCEPTED;
		return;
	}
	if (r->verdict == RB_VLOG_REJECTED)
		return;
	r->verdict = RB_VLOG_REJECTED;
	snprintf(r->message, sizeof(r->message), "%s",
		 it->explain ? it->explain : "the kernel refused the program (no log)");
	r->family = rb_vlog_classify(r->message);
}

static void free_objs(struct verify_obj *objs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rb_prepared_free(objs[i].pp);
		rb_object_close(objs[i].obj);
	}
	free(objs);
}

static const char *verdict_name(enum rb_vlog_verdict v)
{
	switch (v) {
	case RB_VLOG_ACCEPTED:
		return "accepted";
	case RB_VLOG_REJECTED:
		return "rejected";
	default:
		return "empty";
	}
}

/* "R0", "fp-8", with "frame1:" for values of a called function. */
static void value_name(const struct rb_vlog_value *v, char *buf, size_t len)
{
	char frame[16] = "";

	if (v->frame)
		snprintf(frame, sizeof(frame), "frame%d:", v->frame);
	if (v->reg >= 0)
		snprintf(buf, len, "%sR%d", frame, v->reg);
	else
		snprintf(buf, len, "%sfp%d", frame, v->stack_off);
}

static void print_value(FILE *f, const struct rb_vlog_value *v)
{
	char name[32];

	value_name(v, name, sizeof(name));
	fprintf(f, "    %-8s ", name);
	if (v->is_const)
		fprintf(f, "%s%lld (0x%llx)\n", v->precise ? "precise " : "", (long long)v->value,
			(unsigned long long)v->value);
	else if (v->detail[0])
		fprintf(f, "%s%s(%s)\n", v->precise ? "precise " : "", v->type, v->detail);
	else
		fprintf(f, "%s%s\n", v->precise ? "precise " : "", v->type);
}

/* Print text wrapped at about 100 columns, each line after the first with rest before it. */
static void print_wrapped(FILE *f, const char *first, const char *rest, const char *text)
{
	const size_t width = 100 - strlen(rest);
	const char *p = text;

	while (*p) {
		size_t n = strlen(p), cut = n;

		if (n > width) {
			cut = width;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (!cut)
				cut = width;
		}
		fprintf(f, "%s%.*s\n", p == text ? first : rest, (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
}

/* Print each line of text with a prefix (the kernel's message can be several lines). */
static void print_indented(FILE *f, const char *first, const char *rest, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");

		fprintf(f, "%s%.*s\n", p == text ? first : rest, (int)n, p);
		p += n;
		if (*p)
			p++;
	}
}

static void print_stats_line(FILE *f, const struct verify_item *it)
{
	const struct rb_vlog_stats *st = &it->report.stats;

	if (!st->have_processed) {
		fprintf(f, "  stats:   none in the log (log level 4 prints them)\n");
		return;
	}
	fprintf(f,
		"  stats:   %llu insns processed (limit %llu), %llu states (peak %llu), "
		"max %llu states per insn",
		(unsigned long long)st->insns_processed, (unsigned long long)st->insn_limit,
		(unsigned long long)st->total_states, (unsigned long long)st->peak_states,
		(unsigned long long)st->max_states_per_insn);
	if (st->have_time)
		fprintf(f, ", %llu us", (unsigned long long)st->verification_usec);
	if (st->nr_stack_depths) {
		fprintf(f, ", stack ");
		for (unsigned int i = 0; i < st->nr_stack_depths; i++)
			fprintf(f, "%s%u", i ? "+" : "", st->stack_depth[i]);
	}
	fputc('\n', f);
	if (it->have_info)
		fprintf(f,
			"           the kernel's program info: verified_insns %u, xlated %u bytes, "
			"jited %u bytes\n",
			it->verified_insns, it->xlated_len, it->jited_len);
}

static void print_hot(FILE *f, const struct rb_vlog_report *r)
{
	size_t i;

	bool revisited = false;

	/* Visits only mean something when the log shows every visit (level 2), and only
	 * when the verifier came back to some instruction (loops, several paths). */
	for (i = 0; i < r->nr_visits && !revisited; i++)
		revisited = r->visits[i] > 1;
	if (r->level < 2 || !revisited)
		return;
	if (r->nr_loops) {
		fprintf(f, "  loops (instructions verified inside them):\n");
		for (i = 0; i < r->nr_loops && i < TOP_LINES; i++) {
			const struct rb_vlog_loop *l = &r->loops[i];

			fprintf(f, "    insns %d-%d: %llu", l->header, l->latch,
				(unsigned long long)l->visits);
			if (l->src_line)
				fprintf(f, "  %s:%d: %s", l->src_file, l->src_line, l->src_text);
			fputc('\n', f);
		}
	}
	if (r->nr_src_visits) {
		fprintf(f, "  most verified source lines:\n");
		for (i = 0; i < r->nr_src_visits && i < TOP_LINES; i++)
			fprintf(f, "    %8llu  %s:%d: %s\n",
				(unsigned long long)r->src_visits[i].visits, r->src_visits[i].file,
				r->src_visits[i].line, r->src_visits[i].text);
	}
}

/* What the loader did to the failing instruction (only when rawbpf loaded it). */
static void print_history(FILE *f, const struct verify_item *it)
{
	const struct rb_vlog_report *r = &it->report;
	struct rb_vlog_insn_note note;

	if (!it->linked || r->fail_insn < 0 || rb_vlog_insn_note(it->linked, r->fail_insn, &note))
		return;
	if (note.func)
		fprintf(f, "  loader:  insn %d is insn %u of function '%s' (section '%s')\n",
			r->fail_insn, note.func_insn, note.func->name,
			note.func->sec_name ? note.func->sec_name : "?");
	for (unsigned int i = 0; i < note.nr_decisions; i++) {
		const struct rb_relo_decision *d = note.decisions[i];

		fprintf(f, "           %s relocation: %s%s%s\n", rb_decision_kind_name(d->kind),
			d->target ? d->target : "", d->reason && d->reason[0] ? "; " : "",
			d->reason ? d->reason : "");
	}
	if (note.poisoned)
		fprintf(f, "           the loader poisoned this instruction on purpose\n");
}

static void print_report(FILE *f, const struct verify_item *it, bool color)
{
	const struct rb_vlog_report *r = &it->report;
	const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "";
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";

	fprintf(f, "%s%s%s: prog '%s': %s%s%s", bold, it->file, off, it->prog,
		r->verdict == RB_VLOG_REJECTED ? red : green, verdict_name(r->verdict), off);
	if (r->verdict == RB_VLOG_REJECTED)
		fprintf(f, " [%s] %s", r->family->id, r->family->title);
	fputc('\n', f);
	if (r->head_missing)
		fprintf(f, "  note:    the log's beginning is missing (a full buffer keeps the "
			   "end)\n");
	if (r->verdict == RB_VLOG_REJECTED) {
		if (r->fail_insn >= 0)
			fprintf(f, "  at:      insn %d: %s\n", r->fail_insn, r->fail_code);
		if (r->src_line)
			fprintf(f, "  source:  %s:%d: %s\n", r->src_file, r->src_line, r->src_text);
		print_history(f, it);
		print_indented(f, "  kernel:  ", "           ", r->message);
		if (r->nr_state) {
			fprintf(f, "  state at insn %d:\n", r->fail_insn);
			for (size_t i = 0; i < r->nr_state; i++)
				print_value(f, &r->state[i]);
		}
		if (r->nr_path) {
			fprintf(f, "  branches taken:");
			for (unsigned int i = 0; i < r->nr_path; i++)
				fprintf(f, " %d->%d", r->path[i].from, r->path[i].to);
			fputc('\n', f);
		}
		print_wrapped(f, "  hint:    ", "           ", r->family->hint);
	}
	print_stats_line(f, it);
	print_hot(f, r);
}

struct full_log_ctx {
	FILE *f;
	const struct verify_item *it;
};

/* The log, each instruction line with how often it was verified and what the loader did. */
static int full_log_line(const struct rb_vlog_line *l, void *ctx)
{
	struct full_log_ctx *c = ctx;
	const struct rb_vlog_report *r = &c->it->report;
	struct rb_vlog_insn_note note;

	if (l->kind == RB_VLOG_INSN && l->insn >= 0) {
		uint32_t v = (size_t)l->insn < r->nr_visits ? r->visits[l->insn] : 0;

		if (r->level >= 2)
			fprintf(c->f, "%6u| ", v);
		else
			fprintf(c->f, "      | ");
		fprintf(c->f, "%.*s", (int)l->len, l->text);
		if (c->it->linked && !rb_vlog_insn_note(c->it->linked, l->insn, &note)) {
			if (note.func && note.func_start)
				fprintf(c->f, "   <- %s", note.func->name);
			for (unsigned int i = 0; i < note.nr_decisions; i++)
				fprintf(c->f, "   [%s %s]",
					rb_decision_kind_name(note.decisions[i]->kind),
					note.decisions[i]->target ? note.decisions[i]->target : "");
		}
		fputc('\n', c->f);
		return 0;
	}
	fprintf(c->f, "      | %.*s\n", (int)l->len, l->text);
	return 0;
}

static void json_value(struct json *j, const struct rb_vlog_value *v)
{
	char name[32];

	value_name(v, name, sizeof(name));
	json_begin_object(j, NULL);
	json_string(j, "name", name);
	json_int(j, "frame", v->frame);
	json_string(j, "type", v->type);
	json_string(j, "detail", v->detail);
	json_bool(j, "precise", v->precise);
	if (v->is_const)
		json_int(j, "value", (long long)v->value);
	else
		json_null(j, "value");
	json_end_object(j);
}

static void json_stats(struct json *j, const struct verify_item *it)
{
	const struct rb_vlog_stats *st = &it->report.stats;

	if (!st->have_processed) {
		json_null(j, "stats");
		return;
	}
	json_begin_object(j, "stats");
	json_uint(j, "insns_processed", st->insns_processed);
	json_uint(j, "insn_limit", st->insn_limit);
	json_uint(j, "total_states", st->total_states);
	json_uint(j, "peak_states", st->peak_states);
	json_uint(j, "max_states_per_insn", st->max_states_per_insn);
	json_uint(j, "mark_read", st->mark_read);
	if (st->have_time)
		json_uint(j, "verification_usec", st->verification_usec);
	else
		json_null(j, "verification_usec");
	json_begin_array(j, "stack_depth");
	for (unsigned int i = 0; i < st->nr_stack_depths; i++)
		json_uint(j, NULL, st->stack_depth[i]);
	json_end_array(j);
	json_uint(j, "stack_depth_total", st->stack_depth_total);
	if (it->have_info) {
		json_uint(j, "verified_insns", it->verified_insns);
		json_uint(j, "xlated_bytes", it->xlated_len);
		json_uint(j, "jited_bytes", it->jited_len);
	}
	json_end_object(j);
}

static void json_item(struct json *j, const struct verify_item *it)
{
	const struct rb_vlog_report *r = &it->report;

	json_begin_object(j, NULL);
	json_string(j, "file", it->file);
	json_string(j, "program", it->prog);
	json_string(j, "verdict", verdict_name(r->verdict));
	json_int(j, "log_level", r->level);
	json_bool(j, "log_head_missing", r->head_missing);
	if (r->verdict == RB_VLOG_REJECTED) {
		json_begin_object(j, "failure");
		json_string(j, "family", r->family->id);
		json_string(j, "title", r->family->title);
		json_string(j, "hint", r->family->hint);
		json_string(j, "message", r->message);
		json_int(j, "insn", r->fail_insn);
		json_string(j, "code", r->fail_code);
		if (r->src_line) {
			json_begin_object(j, "source");
			json_string(j, "file", r->src_file);
			json_int(j, "line", r->src_line);
			json_string(j, "text", r->src_text);
			json_end_object(j);
		} else {
			json_null(j, "source");
		}
		json_begin_array(j, "state");
		for (size_t i = 0; i < r->nr_state; i++)
			json_value(j, &r->state[i]);
		json_end_array(j);
		json_begin_array(j, "branches");
		for (unsigned int i = 0; i < r->nr_path; i++) {
			json_begin_object(j, NULL);
			json_int(j, "from", r->path[i].from);
			json_int(j, "to", r->path[i].to);
			json_end_object(j);
		}
		json_end_array(j);
		json_end_object(j);
	} else {
		json_null(j, "failure");
	}
	json_stats(j, it);
	json_begin_array(j, "loops");
	for (size_t i = 0; r->level >= 2 && i < r->nr_loops; i++) {
		json_begin_object(j, NULL);
		json_int(j, "header", r->loops[i].header);
		json_int(j, "latch", r->loops[i].latch);
		json_uint(j, "visits", r->loops[i].visits);
		json_string(j, "file", r->loops[i].src_line ? r->loops[i].src_file : NULL);
		json_int(j, "line", r->loops[i].src_line);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_array(j, "source_lines");
	for (size_t i = 0; r->level >= 2 && i < r->nr_src_visits; i++) {
		json_begin_object(j, NULL);
		json_string(j, "file", r->src_visits[i].file);
		json_int(j, "line", r->src_visits[i].line);
		json_string(j, "text", r->src_visits[i].text);
		json_uint(j, "visits", r->src_visits[i].visits);
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

static void print_csv(FILE *f, const struct verify_item *items, size_t n)
{
	fprintf(f, "file,program,verdict,family,insns_processed,insn_limit,total_states,"
		   "peak_states,max_states_per_insn,mark_read,verification_usec,stack_depth,"
		   "verified_insns,xlated_bytes,jited_bytes\n");
	for (size_t i = 0; i < n; i++) {
		const struct rb_vlog_report *r = &items[i].report;
		const struct rb_vlog_stats *st = &r->stats;

		csv_field(f, items[i].file);
		fputc(',', f);
		csv_field(f, items[i].prog);
		fprintf(f, ",%s,%s", verdict_name(r->verdict),
			r->verdict == RB_VLOG_REJECTED ? r->family->id : "");
		if (st->have_processed)
			fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu",
				(unsigned long long)st->insns_processed,
				(unsigned long long)st->insn_limit,
				(unsigned long long)st->total_states,
				(unsigned long long)st->peak_states,
				(unsigned long long)st->max_states_per_insn,
				(unsigned long long)st->mark_read);
		else
			fprintf(f, ",,,,,,");
		if (st->have_time)
			fprintf(f, ",%llu", (unsigned long long)st->verification_usec);
		else
			fputc(',', f);
		fprintf(f, ",%llu", (unsigned long long)st->stack_depth_total);
		if (items[i].have_info)
			fprintf(f, ",%u,%u,%u\n", items[i].verified_insns, items[i].xlated_len,
				items[i].jited_len);
		else
			fprintf(f, ",,,\n");
	}
}

static void print_stats_table(FILE *f, const struct verify_item *items, size_t n)
{
	fprintf(f, "%-28s %-20s %-9s %-21s %9s %7s %6s %9s %6s %7s %7s\n", "file", "program",
		"verdict", "family", "insns", "states", "peak", "time(us)", "stack", "xlated",
		"jited");
	for (size_t i = 0; i < n; i++) {
		const struct rb_vlog_report *r = &items[i].report;
		const struct rb_vlog_stats *st = &r->stats;

		fprintf(f, "%-28s %-20s %-9s %-21s ", verify_basename(items[i].file), items[i].prog,
			verdict_name(r->verdict),
			r->verdict == RB_VLOG_REJECTED ? r->family->id : "-");
		if (st->have_processed)
			fprintf(f, "%9llu %7llu %6llu ", (unsigned long long)st->insns_processed,
				(unsigned long long)st->total_states,
				(unsigned long long)st->peak_states);
		else
			fprintf(f, "%9s %7s %6s ", "-", "-", "-");
		if (st->have_time)
			fprintf(f, "%9llu ", (unsigned long long)st->verification_usec);
		else
			fprintf(f, "%9s ", "-");
		fprintf(f, "%6llu ", (unsigned long long)st->stack_depth_total);
		if (items[i].have_info)
			fprintf(f, "%7u %7u\n", items[i].xlated_len, items[i].jited_len);
		else
			fprintf(f, "%7s %7s\n", "-", "-");
	}
}

static void free_items(struct verify_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		rb_vlog_report_free(&items[i].report);
		free(items[i].file);
		free(items[i].prog);
		free(items[i].log);
		free(items[i].explain);
	}
	free(items);
}

/* Notes and object failures: on stderr, or in the JSON. */
static void print_notes(FILE *f, const struct verify_notes *notes)
{
	for (size_t i = 0; i < notes->n; i++) {
		if (notes->v[i].error) /* the loader's sentence names the file */
			fprintf(f, "rawbpf: verify: %s\n", notes->v[i].text);
		else
			fprintf(f, "rawbpf: verify: note: %s: %s\n", notes->v[i].file,
				notes->v[i].text);
	}
}

static void json_notes(struct json *j, const struct verify_notes *notes, bool errors)
{
	json_begin_array(j, errors ? "errors" : "notes");
	for (size_t i = 0; i < notes->n; i++) {
		if (notes->v[i].error != errors)
			continue;
		json_begin_object(j, NULL);
		json_string(j, "file", notes->v[i].file);
		json_string(j, "message", notes->v[i].text);
		json_end_object(j);
	}
	json_end_array(j);
}

#define MAX_OVERRIDES 64

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{"log", no_argument, NULL, 'l'},
		{"prog", required_argument, NULL, 'p'},
		{"full-log", no_argument, NULL, 'F'},
		{"stats", no_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"csv", no_argument, NULL, 'c'},
		{"compare", required_argument, NULL, 'C'},
		{"log-level", required_argument, NULL, 'L'},
		{"map", required_argument, NULL, 'm'},
		{"type", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{"set", required_argument, NULL, 'S'},
		{0},
	};
	bool json = false, csv = false, stats = false, full = false, rejected = false;
	bool from_logs = false;
	char *end;
	struct verify_obj *objs = NULL;
	size_t nobjs = 0;
	const char *compare = NULL;
	struct rb_map_override ovs[MAX_OVERRIDES];
	const char *types[MAX_OVERRIDES];
	char *sets[MAX_OVERRIDES];
	struct verify_load_opts vl = {.level = 1, .overrides = ovs, .types = types, .sets = sets};
	struct verify_notes notes = {0};
	struct verify_item *items = NULL;
	struct verify_base *base = NULL;
	size_t n = 0, nbase = 0, kept = 0;
	int c, ret = 0, nlogs = 0;
	char **logs = calloc((size_t)argc, sizeof(*logs));

	if (!logs) {
		cli_error("verify: out of memory");
		return EXIT_INVALID;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "lp:FsjcC:L:m:t:hS:", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			from_logs = true;
			break;
		case 'p':
			vl.prog = optarg;
			break;
		case 'F':
			full = true;
			break;
		case 's':
			stats = true;
			break;
		case 'j':
			json = true;
			break;
		case 'c':
			csv = true;
			break;
		case 'C':
			compare = optarg;
			break;
		case 'L':
			vl.level = (uint32_t)strtoul(optarg, &end, 0);
			if (*end || vl.level < 1 || vl.level > 2) {
				cli_error(
					"verify: --log-level is 1 or 2 (statistics are always on)");
				free(logs);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			if (vl.override_cnt == MAX_OVERRIDES ||
			    verify_parse_override(optarg, &ovs[vl.override_cnt])) {
				cli_error("verify: --map wants NAME.ATTR=N (e.g. "
					  "counts.max_entries=4096), at most %d times",
					  MAX_OVERRIDES);
				free(logs);
				return EXIT_USAGE;
			}
			vl.override_cnt++;
			break;
		case 't':
			if (vl.type_cnt == MAX_OVERRIDES) {
				cli_error("verify: at most %d --type", MAX_OVERRIDES);
				free(logs);
				return EXIT_USAGE;
			}
			types[vl.type_cnt++] = optarg;
			break;
		case 'S':
			if (!load_set_valid(optarg) || vl.set_cnt == MAX_OVERRIDES) {
				cli_error("verify: --set wants VAR=VALUE (e.g. target_pid=1234), at "
					  "most %d times", MAX_OVERRIDES);
				free(logs);
				return EXIT_USAGE;
			}
			sets[vl.set_cnt++] = optarg;
			break;
		case 'h':
			verify_usage(stdout);
			free(logs);
			return 0;
		default:
			verify_usage(stderr);
			free(logs);
			return EXIT_USAGE;
		}
	}
	if (json && csv) {
		cli_error("verify: --json and --csv exclude each other");
		free(logs);
		return EXIT_USAGE;
	}
	while (optind < argc)
		logs[nlogs++] = argv[optind++];
	if (!nlogs) {
		verify_usage(stderr);
		free(logs);
		return EXIT_USAGE;
	}
	if (!from_logs) {
		objs = calloc((size_t)nlogs, sizeof(*objs));
		if (!objs) {
			cli_error("verify: out of memory");
			free(logs);
			return EXIT_INVALID;
		}
	}
	/* An object that cannot be loaded at all does not stop the others: it is reported. */
	for (int i = 0; i < nlogs && !ret; i++) {
		if (from_logs) {
			ret = read_logs(logs[i], &items, &n);
			continue;
		}
		c = verify_load_object(logs[i], &vl, &objs[nobjs++], &items, &n, &notes);
		if (c < 0) {
			cli_error("verify: out of memory");
			ret = EXIT_INVALID;
		}
	}
	free(logs);
	if (ret) {
		free_items(items, n);
		free_objs(objs, nobjs);
		verify_notes_free(&notes);
		return ret;
	}
	/* Keep the programs asked for, analyze them. */
	for (size_t i = 0; i < n; i++) {
		struct rb_error err = {0};

		if (vl.prog && strcmp(items[i].prog, vl.prog)) {
			rb_vlog_report_free(&items[i].report);
			free(items[i].file);
			free(items[i].prog);
			free(items[i].log);
			free(items[i].explain);
			continue;
		}
		items[kept] = items[i];
		if (rb_vlog_analyze(items[kept].log, items[kept].log_len, &items[kept].report,
				    &err)) {
			cli_error("verify: %s: prog '%s': %s", items[kept].file, items[kept].prog,
				  err.msg);
			ret = EXIT_INVALID;
		}
		if (!from_logs)
			settle_verdict(&items[kept]);
		kept++;
	}
	n = kept;
	if (ret) {
		free_items(items, n);
		free_objs(objs, nobjs);
		verify_notes_free(&notes);
		return ret;
	}
	if (from_logs && vl.prog && !n) {
		cli_error("verify: no program '%s' in the logs given", vl.prog);
		free_items(items, n);
		free_objs(objs, nobjs);
		verify_notes_free(&notes);
		return EXIT_INVALID;
	}
	if (compare && verify_base_read(compare, &base, &nbase)) {
		free_items(items, n);
		free_objs(objs, nobjs);
		verify_notes_free(&notes);
		return EXIT_INVALID;
	}
	for (size_t i = 0; i < n; i++)
		if (items[i].report.verdict == RB_VLOG_REJECTED)
			rejected = true;
	for (size_t i = 0; i < notes.n; i++)
		if (notes.v[i].error)
			rejected = true;

	if (notes.nbtf)
		rejected = true; /* the kernel refused part of the object */
	if (compare) {
		print_notes(stderr, &notes);
		verify_btf_print(stderr, &notes, false, true);
		verify_compare_print(stdout, items, n, base, nbase, json);
	} else if (json) {
		struct json j;

		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_begin_array(&j, "programs");
		for (size_t i = 0; i < n; i++)
			json_item(&j, &items[i]);
		json_end_array(&j);
		json_notes(&j, &notes, true);
		json_notes(&j, &notes, false);
		verify_btf_json(&j, &notes);
		json_end_object(&j);
		json_finish(&j);
	} else if (csv) {
		print_notes(stderr, &notes);
		verify_btf_print(stderr, &notes, false, true);
		print_csv(stdout, items, n);
	} else if (stats) {
		print_notes(stderr, &notes);
		verify_btf_print(stderr, &notes, false, true);
		print_stats_table(stdout, items, n);
	} else {
		bool color = cli_color(stdout);

		print_notes(stderr, &notes);
		verify_btf_print(stdout, &notes, full, false);
		for (size_t i = 0; i < n; i++) {
			struct full_log_ctx ctx = {stdout, &items[i]};

			if (i)
				fputc('\n', stdout);
			print_report(stdout, &items[i], color);
			if (full) {
				printf("  log (visits | line):\n");
				rb_vlog_foreach_line(items[i].log, items[i].log_len, full_log_line,
						     &ctx);
			}
		}
	}
	verify_base_free(base, nbase);
	free_items(items, n);
	free_objs(objs, nobjs);
	verify_notes_free(&notes);
	return rejected ? EXIT_INVALID : 0;
}
