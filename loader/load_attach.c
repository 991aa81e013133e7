// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach (stage 4), first kinds, driven by each program's section rule: tracepoints, raw
 * tracepoints and tracing programs whose target was fixed at load. Pinning of what was
 * loaded and attached, and its removal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/attach.h"
#include "bpf/perf.h"
#include "bpf/pin.h"
#include "bpf/sys.h"
#include "loader/attach_kinds.h"
#include "loader/load.h"
#include "loader/struct_ops.h"
#include "loader/target_hints.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/trace.h"

static char *fmt(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

const char *attach_btf_kind(const struct obj_prog *p)
{
	if (p->prog_type == BPF_PROG_TYPE_LSM)
		return p->attach_type == BPF_LSM_CGROUP ? "lsm_cgroup" : "lsm";
	switch (p->attach_type) {
	case BPF_TRACE_FENTRY:
		return "fentry";
	case BPF_TRACE_FEXIT:
		return "fexit";
	case BPF_MODIFY_RETURN:
		return "fmod_ret";
	case BPF_TRACE_RAW_TP:
		return "tp_btf";
	default:
		return p->def && p->def->btf_typedef ? "tp_btf" : "tracing";
	}
}

const char *attach_btf_shown_name(const struct obj_prog *p)
{
	const char *n = p->attach.btf_name ? p->attach.btf_name : "";
	const char *pre = p->def ? p->def->btf_prefix : NULL;
	size_t len = pre ? strlen(pre) : 0;

	return len && !strncmp(n, pre, len) && n[len] ? n + len : n;
}

/* A missing tracepoint: add the close ones tracefs has to the error. */
static void tracepoint_hint(const char *category, const char *name, struct rb_error *err)
{
	const char *dir = sys_tracefs_dir(NULL);
	struct strbuf sb = STRBUF_INIT;
	char events[300];

	if (!dir || !err)
		return;
	snprintf(events, sizeof(events), "%s/events", dir);
	if (hint_tracepoint(events, category, name, &sb, 5) == 0 && sb.len) {
		char *msg = strdup(err->msg);

		if (msg)
			rb_errorf(err, err->err, "%s; close: %s", msg, sb_str(&sb));
		free(msg);
	}
	sb_free(&sb);
}

/* Room for what a bpf/attach.h function makes, or -ENOMEM. */
static struct sys_attachment *sys_slot(struct loaded_prog *lp, struct rb_error *err)
{
	struct sys_attachment *s = att_add_sys(lp);

	if (!s)
		rb_errorf(err, -ENOMEM, "out of memory");
	return s;
}

static int attach_one(struct rb_loaded *l, struct loaded_prog *lp, const struct obj_prog *p,
		      const struct rb_attach_opts *o, struct rb_error *err)
{
	const struct secdef_attach *a = &p->attach;
	struct sys_attachment *s;
	int r;

	r = attach_perf(lp, p, o, err); /* perf_event; notes for syscall and socket programs */
	if (r != 1)
		return r;
	switch (a->kind) {
	case SECDEF_TGT_TRACEPOINT:
		if (!a->binary || !a->func)
			break;
		att_set_target(lp, "tracepoint", a->text ? a->text : "");
		if (!(s = sys_slot(lp, err)))
			return -ENOMEM;
		r = sys_attach_tracepoint(lp->fd, a->binary, a->func, 0, s, err);
		if (r == -ENOENT)
			tracepoint_hint(a->binary, a->func, err);
		return r;
	case SECDEF_TGT_RAW_TP:
		if (!a->func || !a->func[0])
			break;
		att_set_target(lp, "raw_tracepoint", a->func);
		if (!(s = sys_slot(lp, err)))
			return -ENOMEM;
		return sys_attach_raw_tracepoint(lp->fd, a->func, 0, s, err);
	case SECDEF_TGT_BTF:
		if (p->prog_type != BPF_PROG_TYPE_TRACING && p->prog_type != BPF_PROG_TYPE_LSM)
			break;
		if (p->attach_type == BPF_TRACE_ITER)
			return attach_iter(lp, p, err); /* read with rb_loaded_iter_open */
		att_set_target(lp, attach_btf_kind(p), attach_btf_shown_name(p));
		if (!(s = sys_slot(lp, err)))
			return -ENOMEM;
		return sys_attach_tracing(lp->fd, (uint32_t)p->attach_type, 0, s, err);
	case SECDEF_TGT_KPROBE:
	case SECDEF_TGT_KRETPROBE:
	case SECDEF_TGT_KSYSCALL:
	case SECDEF_TGT_UPROBE:
	case SECDEF_TGT_URETPROBE:
		return attach_probe(lp, p, o, err);
	case SECDEF_TGT_USDT:
		return attach_usdt(l, lp, p, o, err);
	case SECDEF_TGT_FREPLACE: {
		const char *t = attach_override(o, p->name);

		/* the target program and function were fixed at load (load.c) */
		att_set_target(lp, "freplace", t ? t : (a->func ? a->func : ""));
		if (!(s = sys_slot(lp, err)))
			return -ENOMEM;
		return sys_attach_tracing(lp->fd, 0, 0, s, err);
	}
	case SECDEF_TGT_STRUCT_OPS:
		if (!lp->att_note)
			lp->att_note = strdup("a struct_ops member: registered with its struct_ops "
					      "map");
		return 1;
	case SECDEF_TGT_UPROBE_MULTI:
	case SECDEF_TGT_KPROBE_MULTI:
		r = attach_multi(lp, p, o, err);
		if (r != 1)
			return r;
		break;
	default:
		break;
	}
	r = attach_sock(l, lp, p, o, err);
	if (r != 1)
		return r;
	r = attach_net(lp, p, o, err);
	if (r != 1)
		return r;
	return 1; /* not a kind attached here */
}

RB_API int rb_loaded_attach(struct rb_loaded *l, struct rb_error *err)
{
	return rb_loaded_attach_opts(l, NULL, err);
}

RB_API int rb_loaded_attach_opts(struct rb_loaded *l, const struct rb_attach_opts *o,
				 struct rb_error *err)
{
	int attached = 0, first = 0;

	for (size_t i = 0; i < l->prog_cnt; i++) {
		struct loaded_prog *lp = &l->progs[i];
		const struct obj_prog *p = &l->obj->progs[lp->obj_prog];
		struct rb_error e = { 0 };
		int r;

		if (lp->fd < 0 || lp->att_cnt)
			continue;
		r = attach_one(l, lp, p, o, &e);
		if (r == 1) {
			if (lp->att_note)
				continue; /* unattached on purpose, and it says why */
			lp->att_note = fmt("not attached: section '", p->sec_name,
					   "' names no target of a kind rawbpf attaches yet");
			continue;
		}
		if (r < 0) {
			/* a failed attach leaves nothing behind */
			att_detach_all(lp);
			lp->att_err = r;
			lp->att_note = strdup(e.msg);
			if (!first)
				first = rb_errorf(err, r, "program '%s': %s", p->name, e.msg);
			continue;
		}
		att_report(lp);
		trace_emit(RB_TRACE_STAGE, "attach", 0, 0, "program '%s': %s (%s)", p->name,
			   lp->target ? lp->target : "", lp->att_note ? lp->att_note : "");
		attached++;
	}
	if (l->st_ops_cnt) {
		struct rb_error e = { 0 };
		int r = attach_struct_ops(l, &e);

		if (r < 0 && !first)
			first = rb_errorf(err, r, "%s", e.msg);
		else if (r > 0)
			attached += r;
	}
	return first ? first : attached;
}

RB_API void rb_loaded_detach(struct rb_loaded *l)
{
	detach_struct_ops(l);
	for (size_t i = l ? l->prog_cnt : 0; i-- > 0;)
		att_detach_all(&l->progs[i]);
}

RB_API int rb_loaded_attach_result(const struct rb_loaded *l, size_t i,
				   struct rb_attach_result *out)
{
	const struct loaded_prog *lp;

	if (!l || i >= l->prog_cnt)
		return -ERANGE;
	lp = &l->progs[i];
	out->prog = l->obj->progs[lp->obj_prog].name;
	out->target = lp->target ? lp->target : "";
	out->attached = lp->att_cnt > 0;
	out->err = lp->att_err;
	out->note = lp->att_note ? lp->att_note : (lp->fd < 0 ? "not loaded" : "");
	out->link_id = lp->link_id;
	return 0;
}

/* What one rb_loaded_pin call created, so that a failure part-way can take it back. */
struct pin_undo {
	char **paths;
	size_t cnt;
};

/*
 * The file name a pinned object gets: bpffs refuses '.' in names (they are kept for its own
 * files) and '/' would be a directory, so both become '_' ("globals.rodata" is pinned as
 * "globals_rodata"), as libbpf does for its pin paths.
 */
static void pin_name(char *name)
{
	for (; *name; name++)
		if (*name == '/' || *name == '.')
			*name = '_';
}

static int pin_at(int fd, const char *dir, const char *kind, const char *name,
		  struct pin_undo *undo, struct rb_error *err)
{
	char path[4096], **n;
	int r;

	if (fd < 0)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", dir, kind, name) >= sizeof(path))
		return rb_errorf(err, -ENAMETOOLONG, "pin path under '%s' is too long", dir);
	pin_name(path + strlen(dir) + strlen(kind) + 2);
	n = realloc(undo->paths, (undo->cnt + 1) * sizeof(*n));
	if (!n)
		return rb_errorf(err, ENOMEM, "out of memory");
	undo->paths = n;
	r = sys_pin_fd(fd, path, err);
	if (r == 0 && !(undo->paths[undo->cnt] = strdup(path))) {
		unlink(path);
		return rb_errorf(err, ENOMEM, "out of memory");
	}
	if (r == 0)
		undo->cnt++;
	return r;
}

RB_API int rb_loaded_pin(const struct rb_loaded *l, const char *dir, struct rb_error *err)
{
	struct pin_undo undo = { 0 };
	bool existed = access(dir, F_OK) == 0;
	int r = sys_pin_mkdirs(dir, err);

	for (size_t i = 0; r == 0 && i < l->prog_cnt; i++) {
		const struct loaded_prog *lp = &l->progs[i];
		const char *name = l->obj->progs[lp->obj_prog].name;

		r = pin_at(lp->fd, dir, "progs", name, &undo, err);
		/*
		 * Attachments without a link (perf events set by ioctl, netlink filters, map
		 * attaches) cannot be pinned: they end with the process.
		 */
		for (size_t a = 0; r == 0 && a < lp->att_cnt; a++) {
			char link_name[512];

			if (att_pin_name(lp, a, name, link_name, sizeof(link_name)) == 0)
				r = pin_at(att_pin_fd(&lp->atts[a]), dir, "links", link_name,
					   &undo, err);
		}
	}
	for (size_t i = 0; r == 0 && i < l->map_cnt; i++)
		if (!l->maps[i].reused)
			r = pin_at(l->maps[i].fd, dir, "maps", l->obj->maps[i].name, &undo, err);
	/* struct_ops: links/<map>; a registered plain map stays registered (its pin holds it) */
	for (size_t i = 0; r == 0 && i < l->st_ops_cnt; i++)
		if (l->st_ops[i].link_fd >= 0)
			r = pin_at(l->st_ops[i].link_fd, dir, "links",
				   l->obj->maps[l->st_ops[i].map_idx].name, &undo, err);
	for (size_t i = 0; r == 0 && i < l->st_ops_cnt; i++)
		l->st_ops[i].pinned = l->st_ops[i].updated;
	/* a failure leaves nothing behind: the pins made here go, and the tree if it is new */
	for (size_t i = 0; i < undo.cnt; i++) {
		if (r)
			unlink(undo.paths[i]);
		free(undo.paths[i]);
	}
	free(undo.paths);
	if (r && !existed)
		sys_pin_remove_tree(dir, NULL);
	return r;
}

RB_API int rb_unpin(const char *dir, struct rb_error *err)
{
	return sys_pin_remove_tree(dir, err);
}

RB_API int rb_unpin_each(const char *dir, rb_unpinned_fn fn, void *ctx, struct rb_error *err)
{
	return sys_pin_remove_tree_each(dir, fn, ctx, err);
}
