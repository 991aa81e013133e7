// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Open and index vmlinux BTF: rawbpf (rb_btf_open + a name lookup, which builds the name
 * index) against libbpf (btf__parse + btf__find_by_name_kind), in the same run. Times are
 * the median of many runs; peak memory is each side's ru_maxrss in a forked child, minus
 * that of a child that does nothing.
 */
#include <bpf/btf.h>
#include <linux/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rawbpf.h"

static const char *path = RB_BTF_VMLINUX;

static int run_rawbpf(void)
{
	struct rb_error err;
	struct rb_btf *btf;
	int id;

	if (rb_btf_open(path, NULL, &btf, &err)) {
		fprintf(stderr, "rawbpf: %s\n", err.msg);
		return -1;
	}
	id = rb_btf_find(btf, "task_struct", BTF_KIND_STRUCT);
	rb_btf_free(btf);
	return id;
}

static int run_libbpf(void)
{
	struct btf *btf = btf__parse(path, NULL);
	int id;

	if (!btf) {
		fprintf(stderr, "libbpf: cannot parse %s\n", path);
		return -1;
	}
	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	btf__free(btf);
	return id;
}

static int run_nothing(void)
{
	return 1;
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

/* Interleaved runs so both sides see the same machine state; returns the medians. */
static void time_both(int runs, double *raw_med, double *lib_med)
{
	double *r = calloc(runs, sizeof(*r)), *l = calloc(runs, sizeof(*l));

	for (int i = 0; i < runs; i++) {
		double t0 = now_us();

		if (run_rawbpf() <= 0)
			exit(1);
		r[i] = now_us() - t0;
		t0 = now_us();
		if (run_libbpf() <= 0)
			exit(1);
		l[i] = now_us() - t0;
	}
	qsort(r, runs, sizeof(*r), cmp_double);
	qsort(l, runs, sizeof(*l), cmp_double);
	*raw_med = r[runs / 2];
	*lib_med = l[runs / 2];
	free(r);
	free(l);
}

/* Peak RSS (KiB) of a child that runs fn once. */
static long child_maxrss(int (*fn)(void))
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(fn() > 0 ? 0 : 1);
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return -1;
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	int runs = 31;
	double raw_us, lib_us;
	long base, raw_kb, lib_kb;

	if (argc > 1)
		path = argv[1];
	if (argc > 2)
		runs = atoi(argv[2]) > 0 ? atoi(argv[2]) : runs;
	if (access(path, R_OK)) {
		printf("bench_btf: SKIP: %s is not readable\n", path);
		return 0;
	}
	/* Memory first, from a clean parent: children inherit no warm heap. */
	base = child_maxrss(run_nothing);
	raw_kb = child_maxrss(run_rawbpf) - base;
	lib_kb = child_maxrss(run_libbpf) - base;
	if (run_rawbpf() != run_libbpf()) {
		fprintf(stderr, "bench_btf: rawbpf and libbpf disagree on task_struct's id\n");
		return 1;
	}
	time_both(runs, &raw_us, &lib_us);
	printf("bench_btf: open+index %s (median of %d)\n", path, runs);
	printf("  time    rawbpf %9.0f us   libbpf %9.0f us   ratio %.2f\n", raw_us, lib_us,
	       raw_us / lib_us);
	printf("  memory  rawbpf %9ld KiB  libbpf %9ld KiB  ratio %.2f  (peak RSS above a "
	       "%ld KiB idle child)\n",
	       raw_kb, lib_kb, lib_kb > 0 ? (double)raw_kb / lib_kb : 0.0, base);
	return 0;
}
