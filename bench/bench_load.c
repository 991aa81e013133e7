// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Load whole objects: `rawbpf load OBJ --no-attach --pin DIR` against `bpftool prog loadall
 * OBJ DIR pinmaps DIR/maps` (libbpf inside), on the samples and a few real objects of the
 * corpus, each command run as a child and measured with wait4(): user CPU time (the loader's
 * own work), system time (mostly the kernel's verifier, reported apart: it is the same
 * programs for both) and peak RSS. CPU times come in scheduler ticks, so a sample is the mean
 * of BATCH runs; the figures are medians of RUNS samples per object. The pins are removed
 * between runs (not measured). An object either side cannot load is listed and left out.
 *
 *   bench_load [OBJ...]      (default: the samples below and the corpus objects found)
 *
 * Env: BUILD (build dir), RUNS (default 7), BATCH (default 5), CORPUS (default
 * $BUILD/corpus/objs).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 51
#define MAX_OBJS 64

static const char *const samples[] = {
	"counter", "syscount", "globals", "readlat", "subprogs", "callbacks",
	"core_task", "ringbuf", "perfbuf", "iter_task", "kconfig", "xdp_count",
};
static const char *const corpus[] = {
	"libxdp1/xdp-dispatcher.o",	     "libxdp1/xdpfilt_alw_all.o",
	"libbpf-tools/biolatency.bpf.o",     "libbpf-tools/execsnoop.bpf.o",
	"libbpf-tools/opensnoop.bpf.o",	     "libbpf-tools/runqslower.bpf.o",
	"libbpf-tools/tcpconnect.bpf.o",     "xdp-tools/xdp-bench.bpf.o",
	"cilium-ebpf/el/raw_tracepoint-el.elf",
};

struct sample {
	double user_ms, sys_ms;
	long rss_kb;
};

/* Run argv quietly; fill *s from wait4's rusage; returns the exit status (-1: signal). */
static int measure(char *const argv[], struct sample *s)
{
	struct rusage ru;
	int st = 0;
	pid_t c = fork();

	if (c == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (c < 0 || wait4(c, &st, 0, &ru) != c)
		return -1;
	s->user_ms = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
	s->sys_ms = ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	s->rss_kb = ru.ru_maxrss;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int quiet(const char *cmd)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s >/dev/null 2>&1", cmd);
	return system(buf);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct result {
	double user, sys, rss; /* medians */
};

/* RUNS runs of one loader on obj; false when any run failed. */
static bool bench_one(bool rawbpf, const char *build, const char *obj, int runs, int batch,
		      struct result *out)
{
	double user[MAX_RUNS], sys[MAX_RUNS], rss[MAX_RUNS];
	char dir[128], maps[160], rb[512], cleanup[512];

	snprintf(dir, sizeof(dir), "/sys/fs/bpf/rawbpf_bench_%d", getpid());
	snprintf(maps, sizeof(maps), "%s/maps", dir);
	snprintf(rb, sizeof(rb), "%s/rawbpf", build);
	snprintf(cleanup, sizeof(cleanup), "rm -rf %s", dir);
	for (int i = 0; i < runs; i++) {
		char *rargv[] = { rb, "load", (char *)obj, "--no-attach", "--pin", dir, NULL };
		char *bargv[] = { "bpftool", "prog", "loadall", (char *)obj, dir, "pinmaps", maps,
				  NULL };

		/* CPU times come in scheduler ticks: a sample is the mean of a batch of runs */
		user[i] = sys[i] = rss[i] = 0;
		for (int k = 0; k < batch; k++) {
			struct sample s;
			int st;

			quiet(cleanup);
			st = measure(rawbpf ? rargv : bargv, &s);
			quiet(cleanup);
			if (st != 0)
				return false;
			user[i] += s.user_ms / batch;
			sys[i] += s.sys_ms / batch;
			if (s.rss_kb > rss[i])
				rss[i] = (double)s.rss_kb;
		}
	}
	out->user = median(user, runs);
	out->sys = median(sys, runs);
	out->rss = median(rss, runs);
	return true;
}

int main(int argc, char **argv)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	const char *runs_env = getenv("RUNS");
	int runs = runs_env ? atoi(runs_env) : 7;
	int batch = getenv("BATCH") ? atoi(getenv("BATCH")) : 5;
	char corpus_dir[512], *objs[MAX_OBJS];
	double ratios_user[MAX_OBJS], ratios_rss[MAX_OBJS];
	double tot_ru = 0, tot_bu = 0, tot_rs = 0, tot_bs = 0;
	int nobj = 0, nres = 0;
	struct stat sb;

	if (runs < 1 || runs > MAX_RUNS)
		runs = 7;
	if (batch < 1 || batch > 100)
		batch = 5;
	if (geteuid() != 0) {
		printf("bench_load: skipped: needs root (bpf(2), bpffs)\n");
		return 0;
	}
	if (quiet("command -v bpftool") != 0) {
		printf("bench_load: skipped: no bpftool\n");
		return 0;
	}
	quiet("scripts/mount-fs.sh");
	snprintf(corpus_dir, sizeof(corpus_dir), "%s",
		 getenv("CORPUS") ? getenv("CORPUS") : "");
	if (!corpus_dir[0])
		snprintf(corpus_dir, sizeof(corpus_dir), "%s/corpus/objs", build);
	if (argc > 1) {
		for (int i = 1; i < argc && nobj < MAX_OBJS; i++)
			objs[nobj++] = argv[i];
	} else {
		for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
			char *p = malloc(512);

			snprintf(p, 512, "%s/samples/%s.bpf.o", build, samples[i]);
			objs[nobj++] = p;
		}
		for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
			char *p = malloc(1024);

			snprintf(p, 1024, "%s/%s", corpus_dir, corpus[i]);
			if (stat(p, &sb) == 0)
				objs[nobj++] = p;
			else
				free(p);
		}
		if (stat(corpus_dir, &sb) != 0)
			printf("note: no corpus at %s (make corpus, or CORPUS=DIR): samples only\n",
			       corpus_dir);
	}
	printf("rawbpf load --no-attach --pin vs bpftool prog loadall ... pinmaps: medians of %d "
	       "samples, each the mean of %d runs (CPU times), peak RSS the batch's largest\n",
	       runs, batch);
	printf("%-40s %9s %9s %6s  %9s %9s  %8s %8s %6s\n", "object", "user rb", "user bt",
	       "ratio", "sys rb", "sys bt", "rss rb", "rss bt", "ratio");
	for (int i = 0; i < nobj; i++) {
		const char *name = strrchr(objs[i], '/') ? strrchr(objs[i], '/') + 1 : objs[i];
		struct result r, b;
		bool okr = bench_one(true, build, objs[i], runs, batch, &r);
		bool okb = okr && bench_one(false, build, objs[i], runs, batch, &b);

		if (!okr || !okb) {
			printf("%-40s left out: %s fails to load it\n", name,
			       !okr ? "rawbpf" : "bpftool");
			continue;
		}
		printf("%-40s %7.2fms %7.2fms %6.2f  %7.2fms %7.2fms  %6.0fKB %6.0fKB %6.2f\n", name,
		       r.user, b.user, b.user > 0 ? r.user / b.user : 0, r.sys, b.sys, r.rss, b.rss,
		       r.rss / b.rss);
		ratios_user[nres] = b.user > 0 ? r.user / b.user : 0;
		ratios_rss[nres] = r.rss / b.rss;
		tot_ru += r.user;
		tot_bu += b.user;
		tot_rs += r.sys;
		tot_bs += b.sys;
		nres++;
	}
	if (!nres) {
		printf("no object loaded with both\n");
		return 1;
	}
	printf("over %d objects: user CPU rawbpf/bpftool = %.2f (median of ratios), %.2f (sum "
	       "%.1f ms / %.1f ms); peak RSS ratio %.2f (median)\n",
	       nres, median(ratios_user, nres), tot_bu > 0 ? tot_ru / tot_bu : 0, tot_ru, tot_bu,
	       median(ratios_rss, nres));
	printf("system time (the kernel: BTF, maps, verifier), reported apart: rawbpf %.1f ms, "
	       "bpftool %.1f ms in all\n", tot_rs, tot_bs);
	return 0;
}
