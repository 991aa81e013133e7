// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * CO-RE on real objects (build/corpus, make corpus) against this kernel's vmlinux BTF.
 *
 * Part 1, the engine alone: each record's cost, the first record of an object (target name
 * index + flavored-name list + candidate search) apart from the rest.
 *
 * Part 2, rawbpf against libbpf on the same objects in one run. libbpf 1.1 has no
 * prepare-only entry point: its CO-RE and other relocations run inside bpf_object__load,
 * which also creates the maps and loads the programs. So the two are compared on the whole
 * load, rawbpf's rb_object_prepare + rb_object_load against libbpf's bpf_object__load, and
 * what is measured is the loader's own CPU time: the thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID, exact) minus the thread CPU time spent inside syscall(2) calls,
 * i.e. bpf(2) and perf_event_open(2), where the kernel verifies programs and creates maps.
 * Both loaders make those calls through libc's syscall(), which this program interposes
 * (libbpf from its shared library, rawbpf from bpf/sys.c). Reading files (vmlinux BTF,
 * kallsyms, the kernel config) stays in, as the loaders' own work. getrusage's user time is
 * printed too, but this kernel samples the user/system split at each tick (no
 * VIRT_CPU_ACCOUNTING), so it is only a rough cross-check. Only objects both loaders load
 * completely count; each is loaded REPS times by each, in alternating order.
 */
#include <bpf/libbpf.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "btf/btf.h"
#include "loader/btf_file.h"
#include "rawbpf.h"
#include "relo/core.h"

#define REPS 3

static volatile uint64_t in_syscalls_ns;

static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

typedef long (*syscall_fn)(long nr, ...);

/* Every syscall(2) of both loaders passes here: its thread CPU time is counted apart. */
long syscall(long nr, ...)
{
	static syscall_fn real;
	long a[6], r;
	uint64_t t0;
	int saved;
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (!real)
		real = (syscall_fn)dlsym(RTLD_NEXT, "syscall");
	t0 = thread_ns();
	r = real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	saved = errno;
	in_syscalls_ns += thread_ns() - t0;
	errno = saved;
	return r;
}

static uint64_t utime_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (uint64_t)ru.ru_utime.tv_sec * 1000000000ull + (uint64_t)ru.ru_utime.tv_usec * 1000;
}

/* One side's sums over the objects both loaded. */
struct side {
	uint64_t own_ns;     /* thread CPU outside syscall(2) */
	uint64_t sys_ns;     /* inside syscall(2) */
	uint64_t utime_ns;   /* getrusage user time (tick-sampled) */
	uint64_t prepare_ns; /* rawbpf: rb_object_prepare alone (no syscall(2) in it) */
};

struct sample {
	uint64_t own, sys, ut, prep;
};

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int load_libbpf(const char *path, struct sample *s)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	uint64_t c0, s0, u0;
	int r;

	if (!obj)
		return -1;
	c0 = thread_ns();
	s0 = in_syscalls_ns;
	u0 = utime_ns();
	r = bpf_object__load(obj);
	s->ut = utime_ns() - u0;
	s->sys = in_syscalls_ns - s0;
	s->own = thread_ns() - c0 - s->sys;
	s->prep = 0;
	bpf_object__close(obj);
	return r;
}

static int load_rawbpf(const char *path, struct sample *s)
{
	struct rb_load_opts lo = { .sz = sizeof(lo) };
	struct rb_object *obj = NULL;
	struct rb_prepared *pp = NULL;
	struct rb_loaded *l = NULL;
	struct rb_error e;
	uint64_t c0, s0, u0;
	int r;

	if (rb_object_open(path, NULL, &obj, &e))
		return -1;
	c0 = thread_ns();
	s0 = in_syscalls_ns;
	u0 = utime_ns();
	r = rb_object_prepare(obj, NULL, &pp, &e);
	s->prep = thread_ns() - c0;
	if (!r)
		r = rb_object_load(obj, pp, &lo, &l, &e);
	s->ut = utime_ns() - u0;
	s->sys = in_syscalls_ns - s0;
	s->own = thread_ns() - c0 - s->sys;
	rb_loaded_free(l);
	rb_prepared_free(pp);
	rb_object_close(obj);
	return r;
}

static void add(struct side *d, const struct sample *s)
{
	d->own_ns += s->own;
	d->sys_ns += s->sys;
	d->utime_ns += s->ut;
	d->prepare_ns += s->prep;
}

/* Objects with CO-RE records that both loaders load; sums per side. */
static void compare(const char *manifest)
{
	struct side lb = { 0 }, rb = { 0 };
	char line[1024], path[512], endian[8];
	unsigned int tried = 0, both = 0, only_lb = 0, only_rb = 0, none = 0;
	FILE *f = fopen(manifest, "r");

	if (!f)
		return;
	libbpf_set_print(silent);
	while (fgets(line, sizeof(line), f)) {
		struct rb_object_info oi;
		struct rb_object *obj;
		struct rb_error e;
		struct sample sl[REPS], sr[REPS];
		int okl = 0, okr = 0;

		if (sscanf(line, "%511s %*s %7s", path, endian) != 2 || strcmp(endian, "le"))
			continue;
		if (rb_object_open(path, NULL, &obj, &e))
			continue;
		rb_object_info(obj, &oi);
		rb_object_close(obj);
		if (!oi.core_relo_cnt)
			continue;
		tried++;
		for (int k = 0; k < REPS; k++) {
			if (k % 2) {
				okr += load_rawbpf(path, &sr[k]) == 0;
				okl += load_libbpf(path, &sl[k]) == 0;
			} else {
				okl += load_libbpf(path, &sl[k]) == 0;
				okr += load_rawbpf(path, &sr[k]) == 0;
			}
		}
		if (okl == REPS && okr == REPS) {
			both++;
			for (int k = 0; k < REPS; k++) {
				add(&lb, &sl[k]);
				add(&rb, &sr[k]);
			}
		} else if (okl == REPS) {
			only_lb++;
		} else if (okr == REPS) {
			only_rb++;
		} else {
			none++;
		}
	}
	fclose(f);
	printf("rawbpf vs libbpf %s, whole load of objects with CO-RE, %d runs each:\n",
	       libbpf_version_string(), REPS);
	printf("  %u objects with CO-RE: %u loaded by both (counted), %u only by libbpf, %u only "
	       "by rawbpf, %u by neither\n", tried, both, only_lb, only_rb, none);
	if (!both)
		return;
#define MS(ns) ((double)(ns) / 1e6 / (both * REPS))
	printf("  per object load (ms)          rawbpf    libbpf   rawbpf/libbpf\n");
	printf("  own CPU (outside bpf(2))    %8.3f  %8.3f   %.2f\n", MS(rb.own_ns),
	       MS(lb.own_ns), (double)rb.own_ns / (double)(lb.own_ns ? lb.own_ns : 1));
	printf("    of which rawbpf prepare   %8.3f\n", MS(rb.prepare_ns));
	printf("  in syscall(2) (kernel)      %8.3f  %8.3f\n", MS(rb.sys_ns), MS(lb.sys_ns));
	printf("  getrusage user (tick-sampled) %6.3f  %8.3f   %.2f\n", MS(rb.utime_ns),
	       MS(lb.utime_ns), (double)rb.utime_ns / (double)(lb.utime_ns ? lb.utime_ns : 1));
#undef MS
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: other load does not count */
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void engine(void);

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	char manifest[512];

	engine();
	snprintf(manifest, sizeof(manifest), "%s/corpus/MANIFEST", build);
	compare(manifest);
	return 0;
}

static void engine(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	char manifest[512], line[1024], path[512];
	double open_us, first_us = 0, rest_us = 0, t0, pre_us = 0, pre_rec_us = 0;
	uint32_t objs = 0, recs = 0, errs = 0;
	struct rb_error err;
	struct btf *vmlinux;
	FILE *f;

	t0 = now_us();
	if (btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &vmlinux, &err)) {
		printf("bench_core: SKIP: %s\n", err.msg);
		return;
	}
	open_us = now_us() - t0;
	snprintf(manifest, sizeof(manifest), "%s/corpus/MANIFEST", build);
	f = fopen(manifest, "r");
	if (!f) {
		printf("bench_core: SKIP: no %s (run make corpus)\n", manifest);
		btf_free(vmlinux);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		struct core_target tg = { vmlinux, "vmlinux" };
		struct btf *btf;
		struct btf_ext *ext;
		struct core_ctx *cc;
		char endian[8];
		bool first = true;

		if (sscanf(line, "%511s %*s %7s", path, endian) != 2 || strcmp(endian, "le"))
			continue;
		if (elf_read_btf(path, NULL, &btf, &err))
			continue;
		if (elf_read_btf_ext(path, btf, &ext, &err) ||
		    !btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO)) {
			btf_ext_free(ext);
			btf_free(btf);
			continue;
		}
		core_ctx_new(btf, &tg, 1, &cc, &err);
		objs++;
		for (uint32_t s = 0; s < btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO); s++) {
			const struct btf_ext_sec *sec = btf_ext_sec_at(ext, BTF_EXT_CORE_RELO, s);

			for (uint32_t i = 0; i < sec->nr; i++) {
				struct core_result res;
				double t = now_us();
				int r = core_calc(cc, btf_ext_rec(sec, i), "p", i, &res, &err);

				t = now_us() - t;
				if (first)
					first_us += t;
				else
					rest_us += t;
				first = false;
				recs++;
				if (r)
					errs++;
				else
					core_result_free(&res);
			}
		}
		core_ctx_free(cc);
		/* Again with the candidates of every root found in one pass first (prepare). */
		{
			uint32_t ids[4096], n = 0;

			for (uint32_t s = 0; s < btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO); s++) {
				const struct btf_ext_sec *sec =
					btf_ext_sec_at(ext, BTF_EXT_CORE_RELO, s);

				for (uint32_t i = 0; i < sec->nr && n < 4096; i++)
					ids[n++] = ((const struct btf_ext_core_relo *)
							    btf_ext_rec(sec, i))->type_id;
			}
			core_ctx_new(btf, &tg, 1, &cc, &err);
			t0 = now_us();
			core_ctx_prefetch(cc, ids, n, &err);
			pre_us += now_us() - t0;
			t0 = now_us();
			for (uint32_t s = 0; s < btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO); s++) {
				const struct btf_ext_sec *sec =
					btf_ext_sec_at(ext, BTF_EXT_CORE_RELO, s);

				for (uint32_t i = 0; i < sec->nr; i++) {
					struct core_result res;

					if (!core_calc(cc, btf_ext_rec(sec, i), "p", i, &res, &err))
						core_result_free(&res);
				}
			}
			pre_rec_us += now_us() - t0;
			core_ctx_free(cc);
		}
		btf_ext_free(ext);
		btf_free(btf);
	}
	fclose(f);
	printf("bench_core: %u objects with CO-RE, %u records (%u errors) against vmlinux\n", objs,
	       recs, errs);
	printf("  vmlinux open          %8.0f us (once)\n", open_us);
	printf("  one by one (core_calc finds each root's candidates through the name index):\n");
	printf("    first record/object %8.1f us avg (the very first builds vmlinux's index)\n",
	       objs ? first_us / objs : 0);
	printf("    other records       %8.2f us avg\n",
	       recs > objs ? rest_us / (recs - objs) : 0);
	printf("  prefetched (what prepare does: all roots' candidates in one pass, no index):\n");
	printf("    prefetch/object     %8.1f us avg\n", objs ? pre_us / objs : 0);
	printf("    records             %8.2f us avg\n", recs ? pre_rec_us / recs : 0);
	printf("  (thread CPU time)\n");
	btf_free(vmlinux);
}
