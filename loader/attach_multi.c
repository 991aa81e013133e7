// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach multi-probe programs: uprobe.multi/uretprobe.multi ("path:glob") with one
 * BPF_TRACE_UPROBE_MULTI link over every matching function of the binary, or, on kernels
 * without that link (before 6.6), one uprobe per function (the program was then loaded as
 * a plain kprobe-type program, see load.c); kprobe.multi/kretprobe.multi ("glob") with one
 * BPF_TRACE_KPROBE_MULTI link over the matching kernel functions.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/dynprobe.h"
#include "bpf/perf.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "loader/attach_kinds.h"
#include "loader/multi_targets.h"
#include "loader/uprobe_target.h"
#include "util/err.h"
#include "util/trace.h"

#ifndef BPF_F_UPROBE_MULTI_RETURN
#define BPF_F_UPROBE_MULTI_RETURN (1U << 0)
#endif
#ifndef BPF_F_KPROBE_MULTI_RETURN
#define BPF_F_KPROBE_MULTI_RETURN (1U << 0)
#endif

#define TRACEFS_FILTER_FUNCS "available_filter_functions"

static bool is_return(const struct obj_prog *p)
{
	return p->def &&
	       (!strncmp(p->def->sec, "uretprobe", 9) || !strncmp(p->def->sec, "kretprobe", 9));
}

static char *describe(const char *kind, const char *what, size_t n)
{
	char buf[PATH_MAX + 128];

	snprintf(buf, sizeof(buf), "%s %s (%zu function%s)", kind, what, n, n == 1 ? "" : "s");
	return strdup(buf);
}

/* One uprobe per function: kernels without the uprobe_multi link. */
static int per_function(struct loaded_prog *lp, const char *path, const struct multi_funcs *f,
			bool ret, const struct rb_attach_opts *o, struct rb_error *e)
{
	struct dynprobe_opts po = {.retprobe = ret, .pid = o && o->pid > 0 ? o->pid : -1};
	struct dynprobe *d = calloc(f->cnt, sizeof(*d));
	size_t i;
	int r = 0;

	if (!d)
		return rb_errorf(e, ENOMEM, "%s: no memory for the uprobes of %zu functions", path,
				 f->cnt);
	for (i = 0; i < f->cnt; i++) {
		r = dynprobe_uprobe(lp->fd, path, f->offs[i], &po, &d[i], e);
		if (r < 0) {
			rb_err_wrap(e, r, "function '%s' (%zu of %zu)", f->names[i], i + 1, f->cnt);
			break;
		}
	}
	if (r < 0) {
		while (i-- > 0)
			dynprobe_detach(&d[i]);
		free(d);
		return r;
	}
	r = att_add_probes(lp, d, f->cnt);
	free(d);
	if (r < 0)
		return rb_errorf(e, r, "out of memory keeping %zu uprobes", f->cnt);
	return 0;
}

static int uprobe_multi(struct loaded_prog *lp, const struct obj_prog *p,
			const struct rb_attach_opts *o, struct rb_error *e)
{
	const struct secdef_attach *a = &p->attach;
	const char *user = attach_override(o, p->name);
	struct sys_link_create_opts lo = {0};
	struct multi_funcs f = {0};
	char bin[PATH_MAX], *path = malloc(PATH_MAX);
	const char *glob, *colon;
	bool ret = is_return(p);
	int r;

	if (!path)
		return rb_errorf(e, ENOMEM, "no memory for the uprobe.multi binary path (%d bytes)",
				 PATH_MAX);
	if (user) {
		colon = strrchr(user, ':');
		if (!colon || colon == user || !colon[1] || (size_t)(colon - user) >= sizeof(bin)) {
			free(path);
			return rb_errorf(e, -EINVAL, "uprobe.multi target '%s' is not BINARY:GLOB",
					 user);
		}
		memcpy(bin, user, (size_t)(colon - user));
		bin[colon - user] = 0;
		glob = colon + 1;
	} else if (a->binary && a->func) {
		snprintf(bin, sizeof(bin), "%s", a->binary);
		glob = a->func;
	} else {
		free(path);
		return rb_errorf(e, -EINVAL,
				 "section '%s' names no binary:glob; give one with --attach "
				 "%s=BINARY:GLOB",
				 p->sec_name, p->name);
	}
	r = uprobe_find_binary(bin, path, PATH_MAX, e);
	if (!r)
		r = multi_uprobe_funcs(path, glob, &f, e);
	if (r) {
		char t[PATH_MAX + 64];

		snprintf(t, sizeof(t), "%s %s:%s", ret ? "uretprobe.multi" : "uprobe.multi", bin,
			 glob);
		lp->target = strdup(t);
		free(path);
		return r;
	}
	snprintf(bin, sizeof(bin), "%s:%s", path, glob);
	lp->target = describe(ret ? "uretprobe.multi" : "uprobe.multi", bin, f.cnt);
	if (probe_feature(PROBE_LINK_UPROBE_MULTI)->state == PROBE_NO) {
		/* loaded as a plain uprobe program: this kernel has no uprobe_multi link */
		trace_emit(RB_TRACE_STAGE, "attach", 0, 0,
			   "program '%s': no uprobe_multi link here, %zu single uprobes", p->name,
			   f.cnt);
		r = per_function(lp, path, &f, ret, o, e);
		goto out;
	}
	lo.prog_fd = lp->fd;
	lo.attach_type = BPF_TRACE_UPROBE_MULTI;
	lo.uprobe_path = path;
	lo.uprobe_offsets = f.offs;
	lo.multi_cnt = (uint32_t)f.cnt;
	lo.multi_flags = ret ? BPF_F_UPROBE_MULTI_RETURN : 0;
	lo.uprobe_pid = o && o->pid > 0 ? (uint32_t)o->pid : 0;
	r = sys_link_create(&lo);
	if (r < 0) {
		r = rb_errorf(e, r, "BPF_LINK_CREATE (uprobe_multi) on %zu function(s) of %s: %s",
			      f.cnt, path, strerror(-r));
		goto out;
	}
	r = att_add_link(lp, r, e);
out:
	multi_funcs_free(&f);
	free(path);
	return r;
}

static int kprobe_multi(struct loaded_prog *lp, const struct obj_prog *p,
			const struct rb_attach_opts *o, struct rb_error *e)
{
	const char *glob = attach_override(o, p->name);
	struct sys_link_create_opts lo = {0};
	const struct probe_result *pr;
	struct multi_funcs f = {0};
	char filter[320];
	const char *dir;
	bool ret = is_return(p);
	int r;

	if (!glob)
		glob = p->attach.func;
	if (!glob || !*glob)
		return rb_errorf(e, -EINVAL,
				 "section '%s' names no function glob; give one with --attach "
				 "%s=GLOB",
				 p->sec_name, p->name);
	dir = sys_tracefs_dir(NULL);
	snprintf(filter, sizeof(filter), "%s/%s", dir ? dir : "/sys/kernel/tracing",
		 TRACEFS_FILTER_FUNCS);
	r = multi_kprobe_funcs(filter, NULL, glob, &f, e);
	if (r) {
		char t[300];

		snprintf(t, sizeof(t), "%s %s", ret ? "kretprobe.multi" : "kprobe.multi", glob);
		lp->target = strdup(t);
		return r;
	}
	lp->target = describe(ret ? "kretprobe.multi" : "kprobe.multi", glob, f.cnt);
	lo.prog_fd = lp->fd;
	lo.attach_type = BPF_TRACE_KPROBE_MULTI;
	lo.kprobe_syms = (const char *const *)f.names;
	lo.multi_cnt = (uint32_t)f.cnt;
	lo.multi_flags = ret ? BPF_F_KPROBE_MULTI_RETURN : 0;
	r = sys_link_create(&lo);
	if (r < 0) {
		pr = probe_feature(PROBE_LINK_KPROBE_MULTI);
		if (pr->state == PROBE_NO)
			r = rb_errorf(e, -EOPNOTSUPP,
				      "BPF_LINK_CREATE (kprobe_multi) on %zu function(s) from %s: "
				      "this kernel has no kprobe_multi link (%s; CONFIG_FPROBE or "
				      "CONFIG_KPROBES is off?)",
				      f.cnt, f.source, pr->detail);
		else
			r = rb_errorf(e, r,
				      "BPF_LINK_CREATE (kprobe_multi) on %zu function(s) "
				      "from %s: %s",
				      f.cnt, f.source, strerror(-r));
	} else {
		r = att_add_link(lp, r, e);
	}
	multi_funcs_free(&f);
	return r;
}

int attach_multi(struct loaded_prog *lp, const struct obj_prog *p, const struct rb_attach_opts *o,
		 struct rb_error *e)
{
	switch (p->attach.kind) {
	case SECDEF_TGT_UPROBE_MULTI:
		if (p->def && strstr(p->def->sec, "session"))
			return 1; /* uprobe.session: not done */
		return uprobe_multi(lp, p, o, e);
	case SECDEF_TGT_KPROBE_MULTI:
		if (p->prog_type != BPF_PROG_TYPE_KPROBE || strstr(p->def->sec, "session"))
			return 1; /* fentry.multi and sessions: not done */
		return kprobe_multi(lp, p, o, e);
	default:
		return 1;
	}
}
