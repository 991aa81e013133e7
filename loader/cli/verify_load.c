// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf verify OBJ: load each program of an object on its own, keep its log and the
 * kernel's program info, unload. Verifying must leave nothing behind and must not depend on
 * what other tools left: maps pinned by name go to a private directory on bpffs that is
 * removed afterwards, and maps whose size user space would choose (max_entries 0) get one
 * entry, said in a note, so that their programs can still be verified.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/cli/verify.h"

#define BPFFS_ROOT "/sys/fs/bpf"

int verify_note_add(struct verify_notes *notes, const char *file, bool error, const char *fmt,
		    ...)
{
	struct verify_note *grown = realloc(notes->v, (notes->n + 1) * sizeof(*notes->v));
	va_list ap;
	char *text;
	int r;

	if (!grown)
		return -ENOMEM;
	notes->v = grown;
	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	grown[notes->n].file = strdup(file);
	grown[notes->n].text = text;
	grown[notes->n].error = error;
	if (!grown[notes->n].file) {
		free(text);
		return -ENOMEM;
	}
	notes->n++;
	return 0;
}

void verify_notes_free(struct verify_notes *notes)
{
	for (size_t i = 0; i < notes->n; i++) {
		free(notes->v[i].file);
		free(notes->v[i].text);
	}
	free(notes->v);
	for (size_t i = 0; i < notes->nbtf; i++) {
		free(notes->btf[i].file);
		free(notes->btf[i].note);
		free(notes->btf[i].log);
	}
	free(notes->btf);
	memset(notes, 0, sizeof(*notes));
}

/* "NAME.ATTR=N"; the map name may hold dots (".bss" maps), the attribute does not. */
int verify_parse_override(char *arg, struct rb_map_override *ov)
{
	char *eq = strchr(arg, '='), *dot, *end;

	if (!eq)
		return -1;
	*eq = '\0';
	dot = strrchr(arg, '.');
	if (!dot || dot == arg || !dot[1]) {
		*eq = '=';
		return -1;
	}
	*dot = '\0';
	ov->map = arg;
	ov->attr = dot + 1;
	errno = 0;
	ov->value = strtoull(eq + 1, &end, 0);
	return errno || *end || end == eq + 1 ? -1 : 0;
}

/* Map types whose size is not max_entries' business, or that the loader sizes itself. */
static bool sized_elsewhere(const char *type)
{
	static const char *const types[] = {
		"cgroup_storage", "percpu_cgroup_storage", "sk_storage", "inode_storage",
		"task_storage",	  "cgrp_storage",	   "perf_event_array", "arena",
	};

	if (!type)
		return true; /* unknown to us: leave it to the loader to say */
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i]))
			return true;
	return false;
}

static bool overridden(const struct rb_map_override *ovs, size_t n, const struct rb_map_info *m,
		       const char *attr)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(ovs[i].attr, attr) &&
		    (!strcmp(ovs[i].map, m->name) || !strcmp(ovs[i].map, m->real_name)))
			return true;
	return false;
}

/*
 * The overrides to load with: the user's, then max_entries for every map left at 0 (one
 * entry; a page for ring buffers, whose size must be a multiple of it).
 */
static int size_maps(const struct rb_object *obj, const char *path,
		     const struct verify_load_opts *vl, struct rb_map_override **out, size_t *nout,
		     struct verify_notes *notes)
{
	size_t n = vl->override_cnt, cnt = rb_object_map_count(obj);
	struct rb_map_override *ovs = calloc(n + 2 * cnt + 1, sizeof(*ovs));
	long page = sysconf(_SC_PAGESIZE);

	if (!ovs)
		return -ENOMEM;
	if (n)
		memcpy(ovs, vl->overrides, n * sizeof(*ovs));
	for (size_t i = 0; i < cnt; i++) {
		struct rb_map_info m;
		bool ring;

		if (rb_object_map(obj, i, &m) < 0)
			continue;
		/* A stack trace map's value is the trace: user space sizes it from the
		 * perf_event_max_stack sysctl, 127 frames by default. */
		if (m.type && !strcmp(m.type, "stack_trace") && !m.value_size &&
		    !overridden(ovs, n, &m, "value_size")) {
			ovs[n].map = m.name;
			ovs[n].attr = "value_size";
			ovs[n].value = 127 * 8;
			if (verify_note_add(notes, path, false,
					    "map '%s' has value_size 0 (its user space sizes it): "
					    "verified with %llu (127 frames)",
					    m.name, (unsigned long long)ovs[n].value)) {
				free(ovs);
				return -ENOMEM;
			}
			n++;
		}
		if (m.max_entries || sized_elsewhere(m.type) ||
		    overridden(ovs, n, &m, "max_entries"))
			continue;
		ring = !strcmp(m.type, "ringbuf") || !strcmp(m.type, "user_ringbuf");
		ovs[n].map = m.name;
		ovs[n].attr = "max_entries";
		ovs[n].value = ring ? (uint64_t)(page > 0 ? page : 4096) : 1;
		if (verify_note_add(notes, path, false,
				    "map '%s' has max_entries 0 (its user space sizes it): verified "
				    "with %llu (--map %s.max_entries=N to choose)",
				    m.name, (unsigned long long)ovs[n].value, m.name)) {
			free(ovs);
			return -ENOMEM;
		}
		n++;
	}
	*out = ovs;
	*nout = n;
	return 0;
}

/* Unpin what the load pinned in our directory, then remove the directory. */
static void remove_pins(const struct rb_loaded *l, const char *dir, const char *path,
			struct verify_notes *notes)
{
	size_t len = strlen(dir);

	for (size_t i = 0; l && i < rb_loaded_map_count(l); i++) {
		struct rb_loaded_map_info mi;

		if (rb_loaded_map(l, i, &mi) < 0 || !mi.pin_path)
			continue;
		if (!strncmp(mi.pin_path, dir, len) && mi.pin_path[len] == '/')
			unlink(mi.pin_path);
	}
	if (rmdir(dir) < 0)
		verify_note_add(notes, path, false, "could not remove %s: %s", dir,
				strerror(errno));
}

static int add_loaded(const char *path, struct rb_loaded *l, struct verify_obj *vo,
		      struct verify_item **items, size_t *n)
{
	for (size_t i = 0; i < rb_loaded_prog_count(l); i++) {
		struct rb_loaded_prog_info pi;
		struct verify_item *it;
		const char *log;

		if (rb_loaded_prog(l, i, &pi) < 0 || pi.err == 1) /* 1: skipped (--prog) */
			continue;
		log = pi.log ? pi.log : "";
		if (verify_add_item(items, n, path, pi.name, log, strlen(log)))
			return -ENOMEM;
		it = &(*items)[*n - 1];
		it->load_err = pi.err;
		it->have_info = pi.err == 0;
		it->verified_insns = pi.verified_insns;
		it->xlated_len = pi.xlated_len;
		it->jited_len = pi.jited_len;
		it->explain = pi.explain && pi.explain[0] ? strdup(pi.explain) : NULL;
		for (size_t k = 0; k < rb_prepared_prog_count(vo->pp); k++) {
			size_t obj_prog;
			const struct rb_linked_prog *lp = rb_prepared_prog(vo->pp, k, &obj_prog);

			if (lp && obj_prog == pi.obj_prog)
				it->linked = lp;
		}
	}
	return 0;
}

/*
 * Load each program of the object on its own (one refusal does not hide the others), with
 * the statistics (level 4) on top of the level asked for, keep each log, unload.
 * 0: loaded; 1: the object as a whole failed (an error note says why); negative: no memory.
 */
int verify_load_object(const char *path, const struct verify_load_opts *vl,
		       struct verify_obj *vo, struct verify_item **items, size_t *n,
		       struct verify_notes *notes)
{
	struct rb_prepare_opts po = {.sz = sizeof(po)};
	struct rb_load_opts lo = {.sz = sizeof(lo)};
	const char *only[1] = {vl->prog};
	struct rb_map_override *ovs = NULL;
	char dir[] = BPFFS_ROOT "/rawbpf-verify-XXXXXX"; /* bpffs names have no dots */
	bool have_dir = false;
	struct rb_loaded *l = NULL;
	struct rb_error e = {0};
	size_t before = *n, novs = 0;
	int r;

	lo.keep_going = true;
	lo.log_level = vl->level | 4;
	if (vl->prog) {
		lo.only_progs = only;
		lo.only_prog_cnt = 1;
	}
	if (rb_object_open(path, NULL, &vo->obj, &e) < 0)
		return verify_note_add(notes, path, true, "%s", e.msg) ? -ENOMEM : 1;
	for (size_t i = 0; i < vl->type_cnt; i++)
		if (rb_object_set_prog_type(vo->obj, vl->types[i], &e) < 0)
			return verify_note_add(notes, path, true, "%s", e.msg) ? -ENOMEM : 1;
	if (load_apply_sets(vo->obj, vl->sets, vl->set_cnt, &e) < 0)
		return verify_note_add(notes, path, true, "%s", e.msg) ? -ENOMEM : 1;
	if (rb_object_prepare(vo->obj, &po, &vo->pp, &e) < 0)
		return verify_note_add(notes, path, true, "%s", e.msg) ? -ENOMEM : 1;
	if (size_maps(vo->obj, path, vl, &ovs, &novs, notes))
		return -ENOMEM;
	lo.overrides = ovs;
	lo.override_cnt = novs;
	/* Without bpffs at /sys/fs/bpf nothing can be pinned anyway: the loader says so. */
	if (mkdtemp(dir)) {
		have_dir = true;
		lo.pin_root = dir;
	} else if (verify_note_add(notes, path, false,
				   "no private directory for maps pinned by name (%s: %s): they "
				   "go to " BPFFS_ROOT " as the object asks",
				   dir, strerror(errno))) {
		free(ovs);
		return -ENOMEM;
	}
	r = rb_object_load(vo->obj, vo->pp, &lo, &l, &e);
	if (r < 0) {
		if (have_dir)
			remove_pins(NULL, dir, path, notes);
		free(ovs);
		return verify_note_add(notes, path, true, "%s", e.msg) ? -ENOMEM : 1;
	}
	r = add_loaded(path, l, vo, items, n);
	if (!r)
		r = verify_btf_add(notes, path, l);
	if (have_dir)
		remove_pins(l, dir, path, notes);
	rb_loaded_free(l); /* unload: nothing of the object stays in the kernel */
	free(ovs);
	if (r < 0)
		return r;
	if (vl->prog && *n == before)
		return verify_note_add(notes, path, true, "%s: no program '%s'", path, vl->prog)
			       ? -ENOMEM
			       : 1;
	if (*n == before && verify_note_add(notes, path, false, "the object has no programs"))
		return -ENOMEM;
	return 0;
}
