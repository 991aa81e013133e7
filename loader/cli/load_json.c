// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf load --json: a stream of JSON documents, one a line (JSON Lines), each flushed as
 * it is written so a consumer reading the pipe (jq) sees records while the programs run.
 * The load document comes first ("type":"load"); then one object per thing the programs
 * produce, each with a "type": record, lost, printk, iter, run, summary; then one "map"
 * object per map at the end. docs/json-stream.md describes every field.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/cli.h"

static void begin(struct json *j, const char *type)
{
	json_init(j, stdout);
	j->pretty = false;
	json_begin_object(j, NULL);
	json_string(j, "type", type);
}

static void end(struct json *j)
{
	json_end_object(j);
	json_finish(j); /* newline and fflush */
}

static void hex_string(struct json *j, const char *key, const void *data, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = data;
	char *s = malloc(size * 2 + 1);

	if (!s) {
		json_null(j, key);
		return;
	}
	for (size_t i = 0; i < size; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[size * 2] = '\0';
	json_string(j, key, s);
	free(s);
}

/* "struct event" as "struct":"event", "union u" as "union":"u". */
static void type_name(struct json *j, const char *name)
{
	if (!strncmp(name, "union ", 6))
		json_string(j, "union", name + 6);
	else
		json_string(j, "struct", name + (strncmp(name, "struct ", 7) ? 0 : 7));
}

void load_json_record(const struct rb_event *ev)
{
	struct json j;

	begin(&j, "record");
	json_string(&j, "map", ev->map);
	if (ev->cpu >= 0)
		json_int(&j, "cpu", ev->cpu);
	json_uint(&j, "size", ev->size);
	if (ev->type_name)
		type_name(&j, ev->type_name);
	if (ev->text) {
		json_raw(&j, "fields", ev->text);
	} else {
		hex_string(&j, "hex", ev->data, ev->size);
		if (ev->format_err)
			json_string(&j, "error", ev->format_err);
	}
	end(&j);
}

void load_json_lost(const char *map, int cpu, uint64_t count)
{
	struct json j;

	begin(&j, "lost");
	json_string(&j, "map", map);
	json_int(&j, "cpu", cpu);
	json_uint(&j, "count", count);
	end(&j);
}

/* A trace_pipe line: "<task>-<pid> [(<tgid>)] [<cpu>] [<flags>] <seconds>: <event>: <text>". */
struct printk_parts {
	const char *task;
	size_t task_len;
	long pid, cpu;
	const char *ts, *msg; /* ts: ts_len bytes, a decimal number */
	size_t ts_len;
};

/* A JSON number of the shape 123 or 123.456. */
static bool is_decimal(const char *s, size_t n)
{
	size_t dots = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '.')
			dots++;
		else if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0 && dots <= 1 && isdigit((unsigned char)s[0]) &&
	       isdigit((unsigned char)s[n - 1]);
}

/*
 * Take the line apart where it has the usual shape; false (only "line" given) otherwise.
 * "<task>-<pid> [(<tgid>)] [<cpu>] <flags> <seconds>: bpf_trace_printk: <message>": read
 * from the event name leftwards, since all but the task name is the kernel's own (a task can
 * name itself "a-7 [5]").
 */
static bool parse_printk(const char *line, struct printk_parts *p)
{
	static const char tag[] = ": bpf_trace_printk: ";
	const char *ev = strstr(line, tag), *c, *t;

	if (!ev)
		return false;
	p->msg = ev + sizeof(tag) - 1;
	/* the timestamp: the last word before the event name */
	for (t = ev; t > line && t[-1] != ' '; t--)
		;
	p->ts = t;
	p->ts_len = (size_t)(ev - t);
	if (!is_decimal(p->ts, p->ts_len))
		return false;
	/* the flags word, then "[cpu]" */
	for (c = t; c > line && c[-1] == ' '; c--)
		;
	for (; c > line && c[-1] != ' '; c--)
		;
	for (; c > line && c[-1] == ' '; c--)
		;
	if (c == line || c[-1] != ']')
		return false;
	for (c--; c > line && isdigit((unsigned char)c[-1]); c--)
		;
	if (c == line || c[-1] != '[' || !isdigit((unsigned char)*c))
		return false;
	p->cpu = strtol(c, NULL, 10);
	c--;
	/* an optional "(tgid)" column, then "-pid" */
	for (; c > line && c[-1] == ' '; c--)
		;
	if (c > line && c[-1] == ')') {
		for (c--; c > line && c[-1] != '('; c--)
			;
		if (c == line)
			return false;
		for (c--; c > line && c[-1] == ' '; c--)
			;
	}
	t = c;
	for (; c > line && isdigit((unsigned char)c[-1]); c--)
		;
	if (c == t || c == line || c[-1] != '-')
		return false;
	p->pid = strtol(c, NULL, 10);
	c--;
	for (t = line; *t == ' ' && t < c; t++)
		;
	p->task = t;
	p->task_len = (size_t)(c - t);
	return true;
}

void load_json_printk(const char *line)
{
	struct printk_parts pp;
	struct json j;

	begin(&j, "printk");
	json_string(&j, "line", line);
	if (parse_printk(line, &pp)) {
		char ts[32];

		json_string_n(&j, "task", pp.task, pp.task_len);
		json_int(&j, "pid", pp.pid);
		json_int(&j, "cpu", pp.cpu);
		snprintf(ts, sizeof(ts), "%.*s", (int)pp.ts_len, pp.ts);
		json_raw(&j, "timestamp", ts); /* seconds, as the kernel printed them */
		json_string(&j, "message", pp.msg);
	}
	end(&j);
}

void load_json_iter(const char *prog, const char *out, size_t len, unsigned long long bytes)
{
	struct json j;

	begin(&j, "iter");
	json_string(&j, "program", prog);
	json_uint(&j, "bytes", bytes);
	json_string_n(&j, "output", out, len);
	if (len < bytes)
		json_bool(&j, "truncated", true);
	end(&j);
}

void load_json_run(const char *prog, const struct rb_syscall_run *res)
{
	struct json j;

	begin(&j, "run");
	json_string(&j, "program", prog);
	json_uint(&j, "retval", res->retval);
	json_uint(&j, "duration_ns", res->duration_ns);
	if (res->ctx_json) {
		type_name(&j, res->ctx_type);
		json_raw(&j, "ctx", res->ctx_json);
	} else if (res->ctx) {
		hex_string(&j, "ctx_hex", res->ctx, res->ctx_size);
	}
	end(&j);
}

void load_json_summary(const struct rb_event_stats *st)
{
	struct json j;

	begin(&j, "summary");
	json_uint(&j, "records", st->records);
	json_uint(&j, "discarded", st->discarded);
	json_uint(&j, "lost", st->lost);
	json_uint(&j, "printk_lines", st->lines);
	end(&j);
}

struct map_ctx {
	size_t limit, shown;
};

/* rb_map_dump's JSON chunks: "[{entry}", ",{entry}"..., then "]\n" (or "[]\n"). */
static int on_entry(const char *text, size_t len, void *ctx)
{
	struct map_ctx *mc = ctx;
	const char *end = text + len;

	while (text < end && (*text == '[' || *text == ','))
		text++;
	if (text >= end || *text != '{')
		return 0;
	while (end > text && end[-1] != '}')
		end--; /* "]\n" after the last entry */
	if (mc->shown++ < mc->limit) {
		if (mc->shown > 1)
			fputc(',', stdout);
		fwrite(text, 1, (size_t)(end - text), stdout);
	}
	return 0;
}

void load_json_map(const char *name, int fd, size_t limit, struct rb_btf_cache **cache)
{
	struct map_ctx mc = {.limit = limit};
	struct rb_map_dump_info info;
	struct rb_map_fd_info mi;
	struct rb_error e = {0};
	struct json j;
	int r;

	if (fd < 0)
		return; /* not created (--keep-going, or a map of a refused program only) */
	begin(&j, "map");
	json_string(&j, "name", name);
	r = rb_map_fd_info(fd, &mi);
	if (r < 0) {
		json_string(&j, "error", strerror(-r));
		end(&j);
		return;
	}
	json_string(&j, "map_type", rb_map_type_name(mi.type));
	json_uint(&j, "id", mi.id);
	json_raw(&j, "entries", "["); /* the entries are streamed in as rb_map_dump walks */
	if (!*cache)
		*cache = rb_btf_cache_new(); /* NULL (no memory): each map fetches its own */
	r = rb_map_dump_cached(fd, RB_DUMP_JSON, on_entry, &mc, *cache, &info, &e);
	fputc(']', stdout);
	if (r < 0)
		json_string(&j, "error", e.msg);
	else if (info.no_entries)
		json_string(&j, "note", info.no_entries);
	if (mc.shown > limit)
		json_uint(&j, "more", mc.shown - limit);
	end(&j);
}
