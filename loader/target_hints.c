// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Close names, in order of how likely they are what was meant: compiler-made copies of the
 * function (or its allocation-profiling "_noprof" body), then the same syscall under another
 * wrapper prefix, then names containing the one asked for, then names that begin with most
 * of its words (a renamed function). For tracepoints: the same event in another category, then events of the
 * category whose names contain the one asked for (or are contained in it).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "loader/target_hints.h"

#define RANKS	  4
#define PER_RANK  16
#define NAME_MAX_ 128

struct ranked {
	char names[RANKS][PER_RANK][NAME_MAX_];
	int n[RANKS];
};

static void keep(struct ranked *r, int rank, const char *name)
{
	if (r->n[rank] >= PER_RANK || strlen(name) >= NAME_MAX_)
		return;
	for (int i = 0; i < r->n[rank]; i++)
		if (!strcmp(r->names[rank][i], name))
			return;
	strcpy(r->names[rank][r->n[rank]++], name);
}

static void emit(const struct ranked *r, struct strbuf *out, int max)
{
	int k = 0;

	for (int rank = 0; rank < RANKS; rank++)
		for (int i = 0; i < r->n[rank] && k < max; i++, k++)
			sb_printf(out, "%s%s", k ? ", " : "", r->names[rank][i]);
}

/* Wrapper prefixes of syscalls across architectures and kernel versions. */
static const char *const sys_prefixes[] = {
	"__x64_sys_", "__ia32_sys_", "__arm64_sys_", "__s390x_sys_", "__riscv_sys_",
	"__se_sys_",  "__do_sys_",   "__sys_",	     "ksys_",	     "sys_"};

/* func without a syscall wrapper prefix ("__x64_sys_openat" -> "openat"). */
static const char *syscall_base(const char *func)
{
	for (size_t i = 0; i < sizeof(sys_prefixes) / sizeof(sys_prefixes[0]); i++) {
		size_t n = strlen(sys_prefixes[i]);

		if (!strncmp(func, sys_prefixes[i], n) && func[n])
			return func + n;
	}
	return func;
}

static bool is_wrapper_of(const char *name, const char *base)
{
	for (size_t i = 0; i < sizeof(sys_prefixes) / sizeof(sys_prefixes[0]); i++) {
		size_t n = strlen(sys_prefixes[i]);

		if (!strncmp(name, sys_prefixes[i], n) && !strcmp(name + n, base))
			return true;
	}
	return false;
}

/*
 * Symbols the kernel makes for each tracepoint (its iterator, stub, output and perf/BPF
 * glue): they contain the tracepoint's name but are not the function a kprobe meant.
 */
static const char *const tracepoint_glue[] = {
	"__traceiter_", "__probestub_", "trace_raw_output_", "__bpf_trace_", "perf_trace_",
	"trace_event_raw_event_", "__tracepoint_", "__SCT__tp_func_", "__SCK__tp_func_"};

static bool is_tracepoint_glue(const char *name)
{
	for (size_t i = 0; i < sizeof(tracepoint_glue) / sizeof(tracepoint_glue[0]); i++)
		if (!strncmp(name, tracepoint_glue[i], strlen(tracepoint_glue[i])))
			return true;
	return false;
}

/*
 * func under the name memory allocation profiling (6.10+) gives allocators: the function
 * became a macro around "func_noprof" or "__func_noprof" (kmem_cache_alloc ->
 * kmem_cache_alloc_noprof, kmalloc -> __kmalloc_noprof).
 */
static bool is_noprof_of(const char *name, const char *func, size_t flen)
{
	if (!strncmp(name, "__", 2) && strncmp(func, "__", 2))
		name += 2;
	return !strncmp(name, func, flen) && !strcmp(name + flen, "_noprof");
}

/*
 * A renamed function keeps its first words (migrate_misplaced_page became
 * migrate_misplaced_folio): whole "_"-separated words name shares with func, when they make
 * most of func.
 */
static bool shares_first_words(const char *name, const char *func, size_t flen)
{
	size_t n = 0, words = 0;

	for (; func[n] && func[n] == name[n]; n++)
		if (func[n] == '_')
			words = n + 1;
	return words >= 8 && words * 10 >= flen * 6;
}

int hint_kernel_func(const char *kallsyms, const char *func, struct strbuf *out, int max)
{
	struct ranked r;
	const char *base = syscall_base(func);
	size_t flen = strlen(func);
	bool found = false;
	char line[512];
	FILE *f;

	f = fopen(kallsyms ? kallsyms : "/proc/kallsyms", "re");
	if (!f)
		return -errno;
	memset(&r, 0, sizeof(r));
	while (fgets(line, sizeof(line), f)) {
		/* "<addr> <type> <name>[\t[module]]": text symbols only */
		char *t = strchr(line, ' '), *name;

		if (!t || (t[1] != 't' && t[1] != 'T') || t[2] != ' ')
			continue;
		name = t + 3;
		if (strstr(name, "\t[bpf]"))
			continue; /* BPF programs and trampolines: not kernel functions */
		name[strcspn(name, " \t\n")] = 0;
		if (!strncmp(name, "__pfx_", 6))
			continue; /* the padding before a function, not one */
		if (!strcmp(name, func)) {
			found = true;
			continue;
		}
		if ((!strncmp(name, func, flen) && name[flen] == '.') ||
		    is_noprof_of(name, func, flen))
			keep(&r, 0, name); /* f.isra.0, f.constprop.0, f.cold, f.part.0, f_noprof */
		else if (!strcmp(name, base) || is_wrapper_of(name, base))
			keep(&r, 1, name);
		else if (flen >= 4 && strstr(name, func) && !is_tracepoint_glue(name))
			keep(&r, 2, name);
		else if (shares_first_words(name, func, flen) && !is_tracepoint_glue(name))
			keep(&r, 3, name);
	}
	fclose(f);
	emit(&r, out, max);
	return found;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int hint_tracepoint(const char *events_dir, const char *category, const char *name,
		    struct strbuf *out, int max)
{
	struct ranked r;
	char path[1024];
	struct dirent *c;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s/%s", events_dir, category, name);
	if (is_dir(path))
		return 1;
	d = opendir(events_dir);
	if (!d)
		return -errno;
	memset(&r, 0, sizeof(r));
	while ((c = readdir(d))) {
		struct dirent *ev;
		DIR *cd;

		if (c->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", events_dir, c->d_name);
		cd = opendir(path);
		if (!cd)
			continue;
		while ((ev = readdir(cd))) {
			char full[2 * 256 + 2];
			bool same_cat = !strcmp(c->d_name, category);

			if (ev->d_name[0] == '.' || ev->d_type != DT_DIR ||
			    strlen(c->d_name) + strlen(ev->d_name) + 2 > NAME_MAX_)
				continue;
			snprintf(full, sizeof(full), "%s/%s", c->d_name, ev->d_name);
			if (!strcmp(ev->d_name, name))
				keep(&r, 0, full); /* the event, in another category */
			else if (same_cat && (strstr(ev->d_name, name) || strstr(name, ev->d_name)))
				keep(&r, 1, full);
			else if (strlen(name) >= 4 && strstr(ev->d_name, name))
				keep(&r, 2, full);
		}
		closedir(cd);
	}
	closedir(d);
	emit(&r, out, max);
	return 0;
}
