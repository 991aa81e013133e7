// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf load, the run stage: stream what the programs send (ring buffer and perf buffer
 * records, decoded with the object's BTF where a struct fits, and bpf_printk lines) until
 * Ctrl-C or --duration.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "loader/cli/cli.h"

struct printer {
	bool quiet; /* --json: the document is printed, not the stream */
};

static void print_hex(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%s%02x", i && !(i % 8) ? "  " : (i ? " " : ""), p[i]);
}

static int on_event(const struct rb_event *ev, void *ctx)
{
	struct printer *pr = ctx;

	if (pr->quiet)
		return 0;
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
	fflush(stdout);
	return 0;
}

static void on_lost(const char *map, int cpu, uint64_t lost, void *ctx)
{
	struct printer *pr = ctx;

	if (!pr->quiet)
		printf("%s cpu %d: %llu records lost (the CPU's ring was full)\n", map, cpu,
		       (unsigned long long)lost);
}

static void on_line(const char *line, void *ctx)
{
	struct printer *pr = ctx;

	if (!pr->quiet) {
		printf("%s\n", line);
		fflush(stdout);
	}
}

static double since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

int load_run_events(const struct rb_loaded *l, const struct load_run_opts *o)
{
	struct printer pr = {.quiet = o->json};
	struct rb_event_reader_opts ro = {
		.sz = sizeof(ro),
		.on_event = on_event,
		.on_lost = on_lost,
		.on_line = on_line,
		.ctx = &pr,
		.event_type = o->event_type,
	};
	struct rb_event_reader *r = NULL;
	struct rb_event_stats st;
	struct rb_error e = {0};
	struct timespec t0;
	int rc = 0;

	if (rb_event_reader_new(l, &ro, &r, &e) < 0) {
		cli_error("%s", e.msg);
		return EXIT_INVALID;
	}
	if (rb_event_reader_printk_note(r)[0])
		cli_error("bpf_printk output will not be shown: %s",
			  rb_event_reader_printk_note(r));
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
	}
	rb_event_reader_poll(r, 0, &e); /* what arrived just before the end */
	rb_event_reader_stats(r, &st);
	if (!o->json && rb_event_reader_map_count(r))
		printf("%llu records, %llu discarded by the program (ring buffer), %llu lost "
		       "(perf buffer)\n",
		       (unsigned long long)st.records, (unsigned long long)st.discarded,
		       (unsigned long long)st.lost);
	rb_event_reader_free(r);
	return rc;
}
