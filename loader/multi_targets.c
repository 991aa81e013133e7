// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Glob resolution for uprobe.multi and kprobe.multi. Names are collected, then sorted and
 * made unique (by address for uprobes: aliases of one function would probe it twice; by
 * name for kprobes: available_filter_functions lists some names more than once).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/elf_open.h"
#include "loader/multi_targets.h"
#include "loader/uprobe_target.h"
#include "util/err.h"
#include "util/strbuf.h"

#define MAX_CLOSE 5

struct collect {
	struct multi_funcs *f;
	size_t cap;
	const char *glob;
	char close[MAX_CLOSE][128]; /* names sharing the glob's longest literal run */
	int nclose;
	char lit[128];
	size_t ifuncs; /* ifunc resolvers the glob matched and that were left out */
};

/* The glob's longest run without wildcards, to find names close to it. */
static void longest_literal(const char *glob, char *out, size_t len)
{
	size_t best = 0;

	out[0] = 0;
	for (const char *p = glob; *p;) {
		size_t n = strcspn(p, "*?[");

		if (n > best && n < len) {
			memcpy(out, p, n);
			out[n] = 0;
			best = n;
		}
		p += n;
		if (*p)
			p++;
	}
}

static void note_close(struct collect *c, const char *name)
{
	if (c->nclose >= MAX_CLOSE || !c->lit[0] || !strstr(name, c->lit) ||
	    strlen(name) >= sizeof(c->close[0]))
		return;
	for (int i = 0; i < c->nclose; i++)
		if (!strcmp(c->close[i], name))
			return;
	strcpy(c->close[c->nclose++], name);
}

static int add(struct collect *c, const char *name, uint64_t off, bool with_off, struct rb_error *e)
{
	struct multi_funcs *f = c->f;

	if (f->cnt == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		char **n;

		if (c->cap >= MULTI_MAX_TARGETS)
			return rb_errorf(e, E2BIG, "%s: glob '%s' matches more than %d functions",
					 f->source, c->glob, MULTI_MAX_TARGETS);
		n = realloc(f->names, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		f->names = n;
		if (with_off) {
			uint64_t *o = realloc(f->offs, cap * sizeof(*o));

			if (!o)
				return -ENOMEM;
			f->offs = o;
		}
		c->cap = cap;
	}
	f->names[f->cnt] = strdup(name);
	if (!f->names[f->cnt])
		return -ENOMEM;
	if (with_off)
		f->offs[f->cnt] = off;
	f->cnt++;
	return 0;
}

void multi_funcs_free(struct multi_funcs *f)
{
	for (size_t i = 0; f->names && i < f->cnt; i++)
		free(f->names[i]);
	free(f->names);
	free(f->offs);
	f->names = NULL;
	f->offs = NULL;
	f->cnt = 0;
}

static int none_found(struct collect *c, const char *where, struct rb_error *e)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	for (int i = 0; i < c->nclose; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", c->close[i]);
	r = rb_errorf(e, ENOENT, "no function matching '%s' in %s%s%s%s", c->glob, where,
		      c->nclose ? " (close: " : "", sb_str(&sb), c->nclose ? ")" : "");
	sb_free(&sb);
	return r;
}

/* ---- uprobe.multi: an ELF file's function symbols ---------------------------------- */

static int scan(Elf *elf, Elf_Scn *scn, struct collect *c, struct rb_error *e)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	GElf_Shdr sh;
	size_t n;

	if (!d || !gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return 0;
	n = d->d_size / sh.sh_entsize;
	for (size_t i = 1; i < n; i++) {
		char base[256];
		const char *name;
		uint64_t off;
		GElf_Sym sym;
		size_t bl;
		int r, kind = uprobe_func_sym(elf, d, sh.sh_link, i, &sym, &name);

		if (kind < 0)
			break;
		if (!kind)
			continue;
		bl = strcspn(name, "@"); /* .symtab spells versions into the name */
		if (bl >= sizeof(base))
			continue;
		memcpy(base, name, bl);
		base[bl] = 0;
		if (fnmatch(c->glob, base, 0)) {
			note_close(c, base);
			continue;
		}
		/*
		 * An ifunc symbol names its resolver, run once at binding time: probing it
		 * would count nothing of the calls. libbpf's glob takes STT_FUNC only; so do we.
		 */
		if (kind == 2) {
			c->ifuncs++;
			continue;
		}
		if (uprobe_vaddr_to_offset(elf, sym.st_value, &off))
			continue;
		r = add(c, base, off, true, e);
		if (r)
			return r;
	}
	return 0;
}

struct by_off {
	uint64_t off;
	char *name;
};

static int cmp_off(const void *a, const void *b)
{
	const struct by_off *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Sort by offset, one entry per offset. */
static int unique_by_offset(struct multi_funcs *f)
{
	struct by_off *v = calloc(f->cnt ? f->cnt : 1, sizeof(*v));
	size_t k = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < f->cnt; i++)
		v[i] = (struct by_off){f->offs[i], f->names[i]};
	qsort(v, f->cnt, sizeof(*v), cmp_off);
	for (size_t i = 0; i < f->cnt; i++) {
		if (k && v[i].off == f->offs[k - 1]) {
			free(v[i].name);
			continue;
		}
		f->offs[k] = v[i].off;
		f->names[k++] = v[i].name;
	}
	f->cnt = k;
	free(v);
	return 0;
}

int multi_uprobe_funcs(const char *path, const char *glob, struct multi_funcs *out,
		       struct rb_error *e)
{
	struct collect c = {.f = out, .glob = glob};
	Elf_Scn *scn = NULL;
	bool any = false;
	Elf *elf;
	int fd, r = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->source, sizeof(out->source), "%s", path);
	longest_literal(glob, c.lit, sizeof(c.lit));
	r = elf_open_path(path, &elf, &fd, e);
	if (r)
		return r;
	while (!r && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		any = true;
		r = scan(elf, scn, &c, e);
	}
	if (!r)
		r = unique_by_offset(out);
	if (!r && !out->cnt) {
		char where[400];

		snprintf(where, sizeof(where), "the symbol tables of %s%s%s", path,
			 any ? " (.symtab, .dynsym)" : " (it has none: stripped?)",
			 c.ifuncs ? "; ifunc symbols are resolvers that run once at binding "
				    "and are left out" : "");
		r = none_found(&c, where, e);
	}
	elf_open_close(elf, fd);
	if (r) {
		multi_funcs_free(out);
		if (r == -ENOMEM)
			rb_errorf(e, ENOMEM, "%s: out of memory", path);
	}
	return r;
}

/* ---- kprobe.multi: the kernel's probeable functions --------------------------------- */

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_names(FILE *f, bool kallsyms, struct collect *c, struct rb_error *e)
{
	bool glob_has_dot = strchr(c->glob, '.') != NULL;
	char line[1024]; /* a name (up to 511 bytes) with its address, type and module */

	while (fgets(line, sizeof(line), f)) {
		char *name = line, *end;
		int r;

		if (!strchr(line, '\n') && !feof(f)) {
			/* longer than any real line: skip all of it, never half a name */
			int ch;

			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			continue;
		}

		if (kallsyms) {
			/* "<addr> <type> <name>[\t[module]]": text symbols only */
			char *t = strchr(line, ' ');

			if (!t || (t[1] != 't' && t[1] != 'T') || t[2] != ' ')
				continue;
			name = t + 3;
		}
		end = name + strcspn(name, " \t\n");
		*end = 0;
		if (!*name || !strncmp(name, "__ftrace_invalid_address__", 26) ||
		    (kallsyms && !strncmp(name, "__pfx_", 6)))
			continue;
		/* kallsyms lists the split-off parts of functions: no entry to probe */
		if (kallsyms && !glob_has_dot && (strstr(name, ".cold") || strstr(name, ".part")))
			continue;
		if (fnmatch(c->glob, name, 0)) {
			note_close(c, name);
			continue;
		}
		r = add(c, name, 0, false, e);
		if (r)
			return r;
	}
	return 0;
}

int multi_kprobe_funcs(const char *filter_functions, const char *kallsyms, const char *glob,
		       struct multi_funcs *out, struct rb_error *e)
{
	struct collect c = {.f = out, .glob = glob};
	char where[700];
	bool from_kallsyms = false;
	FILE *f = NULL;
	size_t k = 0;
	int r;

	memset(out, 0, sizeof(*out));
	longest_literal(glob, c.lit, sizeof(c.lit));
	where[0] = 0;
	if (filter_functions) {
		f = fopen(filter_functions, "re");
		if (!f)
			snprintf(where, sizeof(where), "%s (unreadable: %s), then ",
				 filter_functions, strerror(errno));
	}
	if (!f) {
		if (!kallsyms)
			kallsyms = "/proc/kallsyms";
		f = fopen(kallsyms, "re");
		if (!f)
			return rb_errorf(e, errno, "kprobe.multi '%s': cannot read %s%s: %s", glob,
					 where, kallsyms, strerror(errno));
		from_kallsyms = true;
	}
	snprintf(where + strlen(where), sizeof(where) - strlen(where), "%s%s",
		 from_kallsyms ? kallsyms : filter_functions,
		 from_kallsyms ? " (text symbols)" : "");
	snprintf(out->source, sizeof(out->source), "%s", where);
	r = read_names(f, from_kallsyms, &c, e);
	fclose(f);
	if (!r && out->cnt) {
		qsort(out->names, out->cnt, sizeof(*out->names), cmp_name);
		for (size_t i = 0; i < out->cnt; i++) {
			if (k && !strcmp(out->names[i], out->names[k - 1])) {
				free(out->names[i]);
				continue;
			}
			out->names[k++] = out->names[i];
		}
		out->cnt = k;
	}
	if (!r && !out->cnt)
		r = none_found(&c, where, e);
	if (r) {
		multi_funcs_free(out);
		if (r == -ENOMEM)
			rb_errorf(e, ENOMEM, "kprobe.multi '%s': out of memory", glob);
	}
	return r;
}
