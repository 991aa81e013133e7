// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf load, the run stage: first what runs once (iterators read to the end, syscall
 * programs run with --ctx), then stream what the programs send (ring buffer and perf buffer
 * records, decoded with the object's BTF where a struct fits, and bpf_printk lines) until
 * Ctrl-C or --duration.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loader/cli/cli.h"

struct printer {
	bool json; /* --json: one JSON line each (load_json.c) */
	bool printk_said; /* the header before the first bpf_printk line (verify helper) */
};

static void print_hex(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i && !(i % 8) ? "  " : (i ? " " : ""), p[i]);
}

static int on_event(const struct rb_event *ev, void *ctx)
{
	struct printer *pr = ctx;

	if (pr->json) {
		load_json_record(ev);
		return 0;
	}
	if (ev->type_first && ev->type_forced)
		printf("map %s: records decoded as %s (--event-type)\n", ev->map, ev->type_name);
	else if (ev->type_first)
		printf("map %s: %zu-byte records decoded as %s (the only struct of that size in "
		       "the object's BTF; --event-type NAME chooses another)\n",
		       ev->map, ev->size, ev->type_name);
	printf("%s", ev->map);
	if (ev->cpu >= 0)
		printf(" cpu %d", ev->cpu);
	if (ev->text) {
		printf(": %s\n", ev->text);
	} else {
		printf(": %zu bytes: ", ev->size);
		print_hex(ev->data, ev->size);
		if (ev->format_err)
			printf("  (not decoded as %s: %s)", ev->type_name, ev->format_err);
		printf("\n");
	}
	return 0;
}

static void on_lost(const char *map, int cpu, uint64_t lost, void *ctx)
{
	struct printer *pr = ctx;

	if (pr->json)
		load_json_lost(map, cpu, lost);
	else
		printf("%s cpu %d: %llu records lost (the CPU's ring was full)\n", map, cpu,
		       (unsigned long long)lost);
}

static void on_line(const char *line, void *ctx)
{
	struct printer *pr = ctx;

	if (pr->json) {
		load_json_printk(line);
	} else {
		if (!pr->printk_said)
			printf("%s\n", LOAD_PRINTK_HEADER);
		pr->printk_said = true;
		printf("%s\n", line);
	}
}

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The printer outlives one call: the reader keeps a pointer to it. */
static struct printer the_printer;

int load_events_open(const struct rb_loaded *l, const struct load_run_opts *o,
		     struct rb_event_reader **out)
{
	struct rb_event_reader_opts ro = {
		.sz = sizeof(ro),
		.on_event = on_event,
		.on_lost = on_lost,
		.on_line = on_line,
		.ctx = &the_printer,
		.event_type = o->event_type,
		.json_data = o->json,
	};
	struct rb_error e = {0};

	the_printer = (struct printer){.json = o->json};
	if (rb_event_reader_new(l, &ro, out, &e) < 0) {
		cli_error("%s", e.msg);
		return EXIT_INVALID;
	}
	if (rb_event_reader_printk_note(*out)[0])
		cli_error("bpf_printk output will not be shown: %s",
			  rb_event_reader_printk_note(*out));
	return 0;
}

int load_run_events(struct rb_event_reader *r, const struct load_run_opts *o)
{
	struct rb_event_stats st;
	struct rb_error e = {0};
	struct timespec t0;
	int rc = 0;

	if (o->duration == 0 || o->once_only) {
		/* nothing keeps running: show what is already there and stop */
		if (rb_event_reader_poll(r, 0, &e) < 0)
			cli_error("%s", e.msg);
		rb_event_reader_free(r);
		return 0;
	}
	if (!o->json) {
		if (o->duration > 0)
			printf("running for %g s (Ctrl-C to stop)\n", o->duration);
		else
			printf("running until Ctrl-C\n");
		fflush(stdout);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!*o->stop) {
		double left = o->duration > 0 ? o->duration - since(&t0) : 1;
		int wait = left < 0.1 ? (int)(left * 1000) : 100;

		if (left <= 0)
			break;
		if (rb_event_reader_poll(r, wait, &e) < 0) {
			cli_error("%s", e.msg);
			rc = EXIT_INVALID;
			break;
		}
		fflush(stdout); /* once per batch: records stream through a pipe too */
	}
	rb_event_reader_poll(r, 0, &e); /* what arrived just before the end */
	rb_event_reader_stats(r, &st);
	if (o->json)
		load_json_summary(&st);
	else if (rb_event_reader_map_count(r))
		printf("%llu records, %llu discarded by the program (ring buffer), %llu lost "
		       "(perf buffer)\n",
		       (unsigned long long)st.records, (unsigned long long)st.discarded,
		       (unsigned long long)st.lost);
	rb_event_reader_free(r);
	return rc;
}

int load_parse_sampling(struct rb_attach_opts *ao, const char *flag, const char *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || *end || !n || v[strspn(v, " \t")] == '-' ||
	    (!strcmp(flag, "--freq") && n > 1000000)) {
		cli_error("load: %s takes a positive number (%s), not '%s'", flag,
			  strcmp(flag, "--freq") ? "nanoseconds between samples"
						 : "samples a second",
			  v);
		return -1;
	}
	if (!strcmp(flag, "--freq")) {
		ao->perf_freq = (uint32_t)n;
		ao->perf_period = 0;
	} else {
		ao->perf_period = n;
		ao->perf_freq = 0;
	}
	return 0;
}

/* The bytes of --ctx, kept until exit. */
static unsigned char ctx_buf[65535];

int load_parse_ctx(struct load_run_opts *o, const char *hex)
{
	size_t n = 0;
	int hi = -1;

	for (const char *c = hex; *c; c++) {
		int v;

		if (*c == ' ' || *c == ':' || *c == '_')
			continue;
		if (!isxdigit((unsigned char)*c) || n == sizeof(ctx_buf))
			goto bad;
		v = isdigit((unsigned char)*c) ? *c - '0' : tolower((unsigned char)*c) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		ctx_buf[n++] = (unsigned char)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0 || !n)
		goto bad;
	o->ctx = ctx_buf;
	o->ctx_len = n;
	return 0;
bad:
	cli_error("load: --ctx wants bytes in hex, e.g. 0700000003000000 (at most %zu bytes)",
		  sizeof(ctx_buf));
	return -1;
}

/* --json: an iterator's output is one string of at most this many bytes (then cut). */
#define ITER_JSON_MAX (16u << 20)

/* Read one walk of the iterator to its end and print it (--json: one "iter" line). */
static int print_iter(const struct rb_loaded *l, size_t i, const char *name, bool json)
{
	struct rb_error e = {0};
	unsigned long long total = 0;
	char buf[8192], *all = NULL;
	size_t len = 0, cap = 0;
	int fd = rb_loaded_iter_open(l, i, &e);

	if (fd < 0) {
		cli_error("%s", e.msg);
		return -1;
	}
	if (!json)
		printf("iterator %s:\n", name);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("iterator %s: read: %s", name, strerror(errno));
			close(fd);
			free(all);
			return -1;
		}
		if (!n)
			break;
		total += (unsigned long long)n;
		if (!json) {
			fwrite(buf, 1, (size_t)n, stdout);
			continue;
		}
		if (len + (size_t)n > cap && cap < ITER_JSON_MAX) {
			size_t want = cap ? cap * 2 : 65536;
			char *p;

			while (want < len + (size_t)n && want < ITER_JSON_MAX)
				want *= 2;
			p = realloc(all, want < ITER_JSON_MAX ? want : ITER_JSON_MAX);
			if (p) {
				all = p;
				cap = want < ITER_JSON_MAX ? want : ITER_JSON_MAX;
			}
		}
		if (len < cap) {
			size_t take = cap - len < (size_t)n ? cap - len : (size_t)n;

			memcpy(all + len, buf, take);
			len += take;
		}
	}
	close(fd);
	if (json)
		load_json_iter(name, all ? all : "", len, total);
	else
		printf("(end of iterator %s: %llu bytes)\n", name, total);
	free(all);
	fflush(stdout);
	return 0;
}

static int run_syscall(const struct rb_loaded *l, size_t i, const char *name,
		       const struct load_run_opts *o)
{
	struct rb_syscall_run res;
	struct rb_error e = {0};

	if (rb_loaded_run_syscall(l, i, o->ctx, o->ctx_len, &res, &e) < 0) {
		cli_error("%s", e.msg);
		return -1;
	}
	if (o->json) {
		load_json_run(name, &res);
	} else {
		printf("program %s ran once (BPF_PROG_TEST_RUN): returned %u\n", name, res.retval);
		if (res.ctx_text)
			printf("  %s after the run: %s\n", res.ctx_type, res.ctx_text);
		else if (res.ctx) {
			printf("  context after the run (%zu bytes): ", res.ctx_size);
			print_hex(res.ctx, res.ctx_size);
			printf("\n");
		}
		fflush(stdout);
	}
	rb_syscall_run_free(&res);
	return 0;
}

int load_run_once(const struct rb_loaded *l, struct load_run_opts *o)
{
	size_t loaded = 0, once = 0;
	int rc = 0;

	for (size_t i = 0; i < rb_loaded_prog_count(l); i++) {
		struct rb_loaded_prog_info pi;
		enum rb_run_once kind = rb_loaded_prog_run_once(l, i);

		rb_loaded_prog(l, i, &pi);
		if (pi.fd < 0)
			continue;
		loaded++;
		if (kind == RB_RUN_ONCE_NONE)
			continue;
		once++;
		if (kind == RB_RUN_ONCE_ITER && print_iter(l, i, pi.name, o->json) < 0)
			rc = EXIT_INVALID;
		if (kind == RB_RUN_ONCE_SYSCALL && run_syscall(l, i, pi.name, o) < 0)
			rc = EXIT_INVALID;
	}
	o->once_only = loaded && once == loaded;
	return rc;
}
