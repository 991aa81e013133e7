// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The end-of-run map print: dumping every map of a loaded object, each map fetching and
 * parsing its BTF from the kernel (rb_map_dump), against all maps sharing one fetch through a
 * cache (rb_map_dump_cached, what `rawbpf load` does). Wall time of one pass over all maps,
 * median of RUNS passes, and the BPF_BTF_GET_FD_BY_ID calls of a pass (from the trace hook).
 *
 *   bench_mapdump [OBJ...]   (default: $BUILD/samples/mapdump/many.bpf.o, 34 maps)
 *
 * Env: BUILD (build dir), RUNS (default 15).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawbpf.h"

#define MAX_RUNS 101

static unsigned long btf_fetches;

static void on_trace(const struct rb_trace_event *ev, void *ctx)
{
	(void)ctx;
	if (ev->kind == RB_TRACE_SYSCALL && !strcmp(ev->what, "BPF_BTF_GET_FD_BY_ID"))
		btf_fetches++;
}

static int discard(const char *text, size_t len, void *ctx)
{
	(void)text;
	(void)len;
	(void)ctx;
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One pass over every map: with a fresh cache shared by the pass, or none. */
static double pass(const struct rb_loaded *l, bool cached)
{
	struct rb_btf_cache *c = cached ? rb_btf_cache_new() : NULL;
	double t0 = now_us();

	for (size_t i = 0; i < rb_loaded_map_count(l); i++) {
		struct rb_loaded_map_info mi;
		struct rb_error e = { 0 };

		if (rb_loaded_map(l, i, &mi) < 0 || mi.fd < 0)
			continue;
		if (rb_map_dump_cached(mi.fd, RB_DUMP_JSON, discard, NULL, c, NULL, &e) < 0)
			fprintf(stderr, "map %s: %s\n", mi.name, e.msg);
	}
	rb_btf_cache_free(c);
	return now_us() - t0;
}

static int bench(const char *path, int runs)
{
	struct rb_object *obj = NULL;
	struct rb_prepared *pp = NULL;
	struct rb_loaded *l = NULL;
	struct rb_error e = { 0 };
	double t[2][MAX_RUNS];
	unsigned long fetch[2];
	int r;

	r = rb_object_open(path, NULL, &obj, &e);
	if (!r)
		r = rb_object_prepare(obj, NULL, &pp, &e);
	if (!r)
		r = rb_object_load(obj, pp, NULL, &l, &e);
	if (r) {
		printf("%s: cannot load: %s\n", path, e.msg);
		goto out;
	}
	for (int k = 0; k < 2; k++) {
		btf_fetches = 0;
		rb_set_trace(on_trace, NULL);
		pass(l, k);
		rb_set_trace(NULL, NULL);
		fetch[k] = btf_fetches;
		for (int i = 0; i < runs; i++)
			t[k][i] = pass(l, k);
		qsort(t[k], (size_t)runs, sizeof(double), cmp_double);
	}
	printf("%s: %zu maps\n", path, rb_loaded_map_count(l));
	printf("  per map (rb_map_dump):          %6.0f us a pass, %lu BTF fetches\n",
	       t[0][runs / 2], fetch[0]);
	printf("  one cache (rb_map_dump_cached): %6.0f us a pass, %lu BTF fetches (%.1fx)\n",
	       t[1][runs / 2], fetch[1], t[1][runs / 2] > 0 ? t[0][runs / 2] / t[1][runs / 2] : 0);
out:
	rb_loaded_free(l);
	rb_prepared_free(pp);
	rb_object_close(obj);
	return r;
}

int main(int argc, char **argv)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	int runs = getenv("RUNS") ? atoi(getenv("RUNS")) : 15, rc = 0;
	char def[4096];

	if (runs < 1 || runs > MAX_RUNS)
		runs = 15;
	if (argc < 2) {
		snprintf(def, sizeof(def), "%s/samples/mapdump/many.bpf.o", build);
		return bench(def, runs) ? 1 : 0;
	}
	for (int i = 1; i < argc; i++)
		rc |= bench(argv[i], runs) != 0;
	return rc;
}
