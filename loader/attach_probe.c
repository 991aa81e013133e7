// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach dynamic probes: uprobe/uretprobe on "binary:func[+off]" (from the section or from
 * the user's per-program target), kprobe/kretprobe on "func[+off]", and ksyscall/kretsyscall
 * on the architecture's wrapper of the named syscall. The probe itself is made by
 * bpf/dynprobe.c; here the target is chosen and resolved.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/dynprobe.h"
#include "bpf/perf.h"
#include "loader/attach_kinds.h"
#include "loader/target_hints.h"
#include "loader/uprobe_target.h"
#include "util/err.h"
#include "util/strbuf.h"

const char *attach_override(const struct rb_attach_opts *o, const char *prog)
{
	size_t n = strlen(prog);

	for (size_t i = 0; o && i < o->target_cnt; i++) {
		const char *t = o->targets[i];

		if (t && !strncmp(t, prog, n) && t[n] == '=')
			return t + n + 1;
	}
	return NULL;
}

static int keep(struct loaded_prog *lp, struct dynprobe *d, struct rb_error *e)
{
	if (att_add_probes(lp, d, 1) < 0)
		return rb_errorf(e, -ENOMEM, "out of memory");
	return 0;
}

static int attach_uprobe(struct loaded_prog *lp, const char *spec, bool ret,
			 const struct rb_attach_opts *o, struct rb_error *e)
{
	struct dynprobe_opts po = {.retprobe = ret, .pid = o && o->pid > 0 ? o->pid : -1};
	struct dynprobe d = DYNPROBE_INIT;
	char *path = malloc(PATH_MAX);
	uint64_t off = 0;
	int r;

	if (!path)
		return -ENOMEM;
	att_set_target(lp, ret ? "uretprobe" : "uprobe", spec);
	r = uprobe_resolve(spec, path, PATH_MAX, &off, e);
	if (r == 0)
		r = dynprobe_uprobe(lp->fd, path, off, &po, &d, e);
	free(path);
	return r < 0 ? r : keep(lp, &d, e);
}

/*
 * Whether this kernel can make a kprobe at all (the kprobe PMU, or tracefs kprobe_events):
 * when it cannot, that is the reason to give, before any question about the function.
 */
static bool kernel_has_kprobes(void)
{
	const char *dir;
	char path[512];

	if (sys_pmu_type("kprobe", NULL) >= 0)
		return true;
	dir = sys_tracefs_dir(NULL);
	if (!dir)
		return false;
	snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	return access(path, F_OK) == 0;
}

/*
 * A function kallsyms does not list cannot be probed: say so, with the names it does list
 * that are close (compiler-made copies, other syscall wrappers), and how to probe another
 * (real tools name placeholders such as "dummy_*" and retarget them at run time). 0 when the
 * function is there or kallsyms cannot be read (the probe itself will tell).
 */
static int check_kernel_func(const char *prog, const char *func, struct rb_error *e)
{
	struct strbuf sb = STRBUF_INIT;
	int r = hint_kernel_func(NULL, func, &sb, 5);
	bool placeholder = !strncmp(func, "dummy_", 6);

	if (r == 0)
		r = rb_errorf(e, -ENOENT,
			      "kernel function '%s' is not in /proc/kallsyms (%s)%s%s; "
			      "--attach %s=FUNC probes another",
			      func,
			      placeholder ? "a placeholder name, which the object's own tool "
					    "replaces at run time"
					  : "static functions inlined everywhere have no symbol",
			      sb.len ? "; close: " : "", sb_str(&sb), prog);
	else
		r = 0;
	sb_free(&sb);
	return r;
}

static int attach_kprobe(struct loaded_prog *lp, const char *prog, const char *func, uint64_t off,
			 bool ret, const char *kind, const struct rb_attach_opts *o,
			 struct rb_error *e)
{
	struct dynprobe_opts po = {.retprobe = ret, .legacy = o && o->kprobe_legacy};
	struct dynprobe d = DYNPROBE_INIT;
	struct rb_error missing = {0};
	bool has_kprobes = kernel_has_kprobes();
	int r;

	att_set_target(lp, kind, func);
	r = check_kernel_func(prog, func, has_kprobes ? e : &missing);
	if (r < 0 && has_kprobes)
		return r;
	/* without kprobes that is the reason given first; a missing function comes after it */
	r = dynprobe_kprobe(lp->fd, func, off, &po, &d, e);
	if (r < 0 && missing.msg[0] && e) {
		char *why = strdup(e->msg);

		if (why)
			rb_errorf(e, r, "%s; and %s", why, missing.msg);
		free(why);
	}
	return r < 0 ? r : keep(lp, &d, e);
}

/* "func" or "func+off" (hex or decimal) of a user-given kprobe target. */
static int split_func(const char *t, char *func, size_t len, uint64_t *off)
{
	const char *plus = strchr(t, '+');
	size_t n = plus ? (size_t)(plus - t) : strlen(t);
	char *end;

	if (!n || n >= len)
		return -EINVAL;
	memcpy(func, t, n);
	func[n] = 0;
	*off = 0;
	if (plus) {
		*off = strtoull(plus + 1, &end, 0);
		if (end == plus + 1 || *end)
			return -EINVAL;
	}
	return 0;
}

int attach_probe(struct loaded_prog *lp, const struct obj_prog *p, const struct rb_attach_opts *o,
		 struct rb_error *e)
{
	const struct secdef_attach *a = &p->attach;
	const char *user = attach_override(o, p->name);
	bool ret = a->kind == SECDEF_TGT_URETPROBE || a->kind == SECDEF_TGT_KRETPROBE;
	char func[256], buf[PATH_MAX + 300];
	uint64_t off = a->offset;

	switch (a->kind) {
	case SECDEF_TGT_UPROBE:
	case SECDEF_TGT_URETPROBE:
		if (!user && !a->text)
			return rb_errorf(e, -EINVAL,
					 "section '%s' names no binary:function; give "
					 "one with --attach %s=BINARY:FUNC",
					 p->sec_name, p->name);
		return attach_uprobe(lp, user ? user : a->text, ret, o, e);
	case SECDEF_TGT_KPROBE:
	case SECDEF_TGT_KRETPROBE:
		if (user) {
			if (split_func(user, func, sizeof(func), &off) < 0)
				return rb_errorf(e, -EINVAL,
						 "kprobe target '%s' is not FUNC or "
						 "FUNC+OFFSET",
						 user);
		} else if (a->func && *a->func) {
			snprintf(func, sizeof(func), "%s", a->func);
		} else {
			return rb_errorf(e, -EINVAL,
					 "section '%s' names no kernel function; give "
					 "one with --attach %s=FUNC",
					 p->sec_name, p->name);
		}
		snprintf(buf, sizeof(buf), "%s", func);
		return attach_kprobe(lp, p->name, buf, off, ret, ret ? "kretprobe" : "kprobe", o, e);
	case SECDEF_TGT_KSYSCALL: {
		const char *sc = user ? user : a->func;
		char prefix[64];
		int r;

		ret = p->def && !strncmp(p->def->sec, "kret", 4);
		if (!sc || !*sc)
			return rb_errorf(e, -EINVAL,
					 "section '%s' names no syscall; give one with "
					 "--attach %s=SYSCALL",
					 p->sec_name, p->name);
		r = dynprobe_syscall_prefix(NULL, prefix, sizeof(prefix), e);
		if (r < 0) {
			att_set_target(lp, ret ? "kretsyscall" : "ksyscall", sc);
			return r;
		}
		snprintf(buf, sizeof(buf), "%s%s", prefix, sc);
		return attach_kprobe(lp, p->name, buf, 0, ret, ret ? "kretsyscall" : "ksyscall", o,
				     e);
	}
	default:
		return 1;
	}
}
