// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Load (stage 3) in order: feature probes, BTF, maps, programs, then the slots of prog
 * arrays and map-in-maps. Everything created is owned by struct rb_loaded and closed in
 * reverse order; a failure closes what was created so far before returning.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/explain.h"
#include "bpf/pin.h"
#include "bpf/probe.h"
#include "bpf/prog_log.h"
#include "bpf/sys.h"
#include "btf/btf.h"
#include "loader/freplace_target.h"
#include "loader/load.h"
#include "loader/struct_ops.h"
#include "loader/target_hints.h"
#include "relo/relo.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/trace.h"

#define REASON_LINES 5

RB_API void rb_loaded_free(struct rb_loaded *l)
{
	if (!l)
		return;
	rb_loaded_detach(l);
	loaded_struct_ops_free(l);
	for (size_t i = l->prog_cnt; i-- > 0;) {
		struct loaded_prog *p = &l->progs[i];

		free(p->target);
		free(p->att_note);
		if (p->fd >= 0)
			close(p->fd);
		free(p->log);
		free(p->reason);
		free(p->explain);
	}
	for (size_t i = l->map_cnt; i-- > 0;) {
		if (l->maps[i].fd >= 0)
			close(l->maps[i].fd);
		free(l->maps[i].pin_path);
	}
	if (l->btf_fd >= 0)
		close(l->btf_fd);
	free(l->progs);
	free(l->maps);
	free(l->btf_log);
	free(l);
}

static bool wanted(const struct rb_load_opts *o, const char *name, bool autoload)
{
	if (!o || !o->only_progs)
		return autoload;
	for (size_t i = 0; i < o->only_prog_cnt; i++)
		if (!strcmp(o->only_progs[i], name))
			return true;
	return false;
}

/* The running kernel's BTF, opened once per load for attach targets. */
struct target_btf {
	struct btf *btf;
	int err;
	bool tried;
};

static int attach_btf_id(struct target_btf *tb, const struct rb_object *obj,
			 const struct rb_prepared *pp, const struct obj_prog *p,
			 struct rb_error *err)
{
	const char *name = p->attach.btf_name;
	const char *path = pp && pp->btf_path ? pp->btf_path : "/sys/kernel/btf/vmlinux";
	int kind, id;

	if (!tb->tried) {
		tb->tried = true;
		tb->err = btf_open_raw(path, NULL, &tb->btf, NULL);
	}
	if (!tb->btf)
		return rb_errorf(err, tb->err ? tb->err : -ENOENT,
				 "%s: program '%s' needs the kernel's BTF to find '%s', and %s "
				 "cannot be read (a kernel built without CONFIG_DEBUG_INFO_BTF?); "
				 "--btf FILE supplies one",
				 obj_file(obj), p->name, name, path);
	kind = !strncmp(name, "btf_trace_", 10) ? BTF_KIND_TYPEDEF : BTF_KIND_FUNC;
	id = btf_find(tb->btf, name, kind);
	if (id < 0) {
		struct strbuf hint = STRBUF_INIT, names = STRBUF_INIT;
		int in_ksyms = kind == BTF_KIND_FUNC ? hint_kernel_func(NULL, name, &names, 5) : -1;

		if (in_ksyms == 1)
			sb_puts(&hint, "; /proc/kallsyms has it: a function without BTF (a kprobe "
				       "can still attach there)");
		if (in_ksyms >= 0 && names.len)
			sb_printf(&hint, "; close names in /proc/kallsyms: %s", sb_str(&names));
		id = rb_errorf(err, -ENOENT,
			       "%s: program '%s': attach target '%s' (%s) is not in the "
			       "kernel's BTF (%s)%s",
			       obj_file(obj), p->name, name, btf_kind_name((uint16_t)kind), path,
			       sb_str(&hint));
		sb_free(&hint);
		sb_free(&names);
	}
	return id;
}

/* freplace: the target program and function from --attach PROG=PINNED_PROG[:FUNC]. */
static int freplace_for(const struct obj_prog *p, const struct rb_load_opts *opts,
			struct sys_prog_load_opts *o, struct rb_error *err)
{
	bool have = opts && opts->sz > offsetof(struct rb_load_opts, attach_target_cnt);
	size_t n = strlen(p->name);
	const char *target = NULL;
	int fd, r;

	for (size_t i = 0; have && i < opts->attach_target_cnt; i++) {
		const char *t = opts->attach_targets[i];

		if (t && !strncmp(t, p->name, n) && t[n] == '=')
			target = t + n + 1;
	}
	if (!target)
		return rb_errorf(err, -EINVAL,
				 "program '%s' (section '%s') replaces a function of a loaded "
				 "program: name it with --attach %s=PINNED_PROG[:FUNC]",
				 p->name, p->sec_name, p->name);
	r = freplace_resolve(target, p->attach.func, &fd, &o->attach_btf_id, err);
	if (r < 0)
		return rb_err_wrap(err, r, "program '%s'", p->name);
	o->attach_prog_fd = fd;
	return 0;
}

/*
 * Bind every .rodata map to a loaded program, as libbpf does: the program then holds the
 * constants alive (and lists the map among its map ids) even when it reads none of them.
 * A failure is not fatal: the program works without the binding.
 */
static void bind_rodata(const struct rb_loaded *l, const struct rb_object *obj, int prog_fd)
{
	for (size_t i = 0; i < l->map_cnt; i++) {
		if (obj->maps[i].kind != OBJ_MAP_RODATA || l->maps[i].fd < 0)
			continue;
		/* probed only for objects that have a .rodata map */
		if (probe_feature(PROBE_PROG_BIND_MAP)->state != PROBE_YES)
			return;
		sys_prog_bind_map(prog_fd, l->maps[i].fd, 0);
	}
}

static int load_prog(struct rb_loaded *l, const struct rb_object *obj,
		     const struct rb_prepared *pp, const struct rb_linked_prog *lp,
		     struct loaded_prog *out, const int *map_fds, struct target_btf *tb,
		     const struct rb_load_opts *opts, struct rb_error *err)
{
	const struct obj_prog *p = &obj->progs[out->obj_prog];
	struct prog_log_policy pol = { opts ? opts->log_level : 0, opts ? opts->log_max : 0 };
	struct sys_prog_load_opts o = { 0 };
	struct rb_linked_prog copy = *lp;
	struct strbuf why = STRBUF_INIT;
	struct prog_log log;
	int r, id;

	if (!p->prog_type) {
		r = rb_object_program_check_type(obj, out->obj_prog, err);
		return r < 0 ? r : rb_errorf(err, -EINVAL, "%s: program '%s' has no type",
					     obj_file(obj), p->name);
	}
	/*
	 * A malformed target in the section name only stops loading when the kernel needs the
	 * target at load (a BTF id); a uprobe's binary or a kprobe's function is for attach.
	 */
	if (p->attach_error && p->def && (p->def->flags & SECDEF_ATTACH_BTF))
		return rb_errorf(err, -EINVAL, "%s", p->attach_error);
	copy.insns = malloc(sizeof(*copy.insns) * lp->insn_cnt);
	if (!copy.insns)
		return rb_errorf(err, -ENOMEM, "out of memory");
	memcpy(copy.insns, lp->insns, sizeof(*copy.insns) * lp->insn_cnt);
	r = relo_set_map_fds(&copy, map_fds, (uint32_t)obj->map_cnt, err);
	if (r < 0)
		goto out;
	o.prog_type = p->prog_type;
	o.expected_attach_type = p->attach_type >= 0 ? (uint32_t)p->attach_type : 0;
	/* uprobe.multi without the uprobe_multi link: a plain uprobe program (attach_multi.c) */
	if (p->attach_type == BPF_TRACE_UPROBE_MULTI &&
	    probe_feature(PROBE_LINK_UPROBE_MULTI)->state == PROBE_NO)
		o.expected_attach_type = 0;
	if (probe_feature(PROBE_PROG_NAME)->state != PROBE_NO)
		o.name = p->name;
	o.insns = copy.insns;
	o.insn_cnt = copy.insn_cnt;
	o.license = obj->license;
	o.kern_version = obj->kern_version;
	o.prog_flags = p->prog_flags;
	if (p->attach.kind == SECDEF_TGT_FREPLACE) {
		r = freplace_for(p, opts, &o, err);
		if (r < 0)
			goto out;
	}
	if (p->attach.btf_name) {
		id = attach_btf_id(tb, obj, pp, p, err);
		if (id < 0) {
			r = id;
			goto out;
		}
		o.attach_btf_id = (uint32_t)id;
	}
	if (pp && pp->st_prog_member && pp->st_prog_member[out->obj_prog] >= 0) {
		/* struct_ops: the kernel struct and the member this program fills */
		o.attach_btf_id = pp->st_prog_btf_id[out->obj_prog];
		o.expected_attach_type = (uint32_t)pp->st_prog_member[out->obj_prog];
	}
	if (l->btf_fd >= 0) {
		o.prog_btf_fd = l->btf_fd;
		if (lp->func_info_cnt && probe_feature(PROBE_BTF_FUNC)->state != PROBE_NO) {
			o.func_info = lp->func_info;
			o.func_info_rec_size = sizeof(struct bpf_func_info);
			o.func_info_cnt = lp->func_info_cnt;
		}
		if (lp->line_info_cnt && o.func_info_cnt) {
			o.line_info = lp->line_info;
			o.line_info_rec_size = sizeof(struct bpf_line_info);
			o.line_info_cnt = lp->line_info_cnt;
		}
	}
	r = prog_load_logged(&o, &pol, &log);
	out->log = log.text; /* ownership moves */
	out->log_truncated = log.truncated;
	if (r >= 0) {
		struct bpf_prog_info info;

		out->fd = r;
		bind_rodata(l, obj, r);
		if (sys_prog_get_info(r, &info) == 0) {
			out->id = info.id;
			for (int i = 0; i < 8; i++)
				snprintf(out->tag + 2 * i, 3, "%02x", info.tag[i]);
			out->verified_insns = info.verified_insns;
			out->xlated_len = info.xlated_prog_len;
			out->jited_len = info.jited_prog_len;
		}
		r = 0;
		goto out;
	}
	out->err = r;
	explain_prog_load(&why, r, &o, out->log);
	out->explain = sb_detach(&why);
	out->reason = prog_log_reason(out->log, REASON_LINES);
	rb_errorf(err, r, "%s: program '%s' (%s): %s%s%s", obj_file(obj), p->name,
		  sys_errno_name(r), out->explain ? out->explain : "",
		  out->reason && out->reason[0] ? ":\n" : "", out->reason ? out->reason : "");
out:
	if (o.attach_prog_fd > 0)
		close(o.attach_prog_fd); /* the loaded program holds its target */
	sb_free(&why);
	free(copy.insns);
	if (r < 0)
		out->err = r;
	return r;
}

RB_API int rb_object_load(struct rb_object *obj, const struct rb_prepared *pp,
			  const struct rb_load_opts *opts, struct rb_loaded **out,
			  struct rb_error *err)
{
	struct target_btf tb = { 0 };
	struct rb_loaded *l;
	int *map_fds = NULL, r = 0, first_err = 0;

	*out = NULL;
	if (obj->elf.big_endian)
		return rb_errorf(err, -EINVAL, "%s: a big-endian object cannot be loaded on this "
					       "little-endian host",
				 obj_file(obj));
	l = calloc(1, sizeof(*l));
	if (!l)
		return rb_errorf(err, -ENOMEM, "out of memory");
	l->obj = obj;
	l->btf_fd = -1;
	l->maps = calloc(obj->map_cnt ? obj->map_cnt : 1, sizeof(*l->maps));
	l->progs = calloc(pp && pp->prog_cnt ? pp->prog_cnt : 1, sizeof(*l->progs));
	map_fds = calloc(obj->map_cnt ? obj->map_cnt : 1, sizeof(*map_fds));
	if (!l->maps || !l->progs || !map_fds) {
		r = rb_errorf(err, -ENOMEM, "out of memory");
		goto fail;
	}
	l->map_cnt = obj->map_cnt;
	for (size_t i = 0; i < l->map_cnt; i++)
		l->maps[i].fd = -1;
	l->prog_cnt = pp ? pp->prog_cnt : 0;
	for (size_t i = 0; i < l->prog_cnt; i++) {
		l->progs[i].fd = -1;
		l->progs[i].obj_prog = pp->prog_idx[i];
	}
	trace_emit(RB_TRACE_STAGE, "load", 0, 0, "%s: %zu maps, %zu programs", obj_file(obj),
		   l->map_cnt, l->prog_cnt);
	r = sys_bump_memlock(err);
	if (r < 0)
		goto fail;
	r = load_btf(l, obj, pp, err);
	if (r < 0)
		goto fail;
	r = load_maps(l, obj, pp, opts, err);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < l->map_cnt; i++)
		map_fds[i] = l->maps[i].fd;
	for (size_t i = 0; i < l->prog_cnt; i++) {
		struct loaded_prog *lp = &l->progs[i];
		const struct obj_prog *p = &obj->progs[lp->obj_prog];

		if (!wanted(opts, p->name, p->autoload)) {
			lp->err = 1; /* skipped */
			continue;
		}
		if (p->prog_type == BPF_PROG_TYPE_STRUCT_OPS &&
		    !(pp->st_prog_member && pp->st_prog_member[lp->obj_prog] >= 0)) {
			/* no struct_ops map uses it: nothing to attach it to (libbpf skips too) */
			lp->err = 1;
			continue;
		}
		r = load_prog(l, obj, pp, pp->progs[i], lp, map_fds, &tb, opts, err);
		if (r < 0) {
			/* Refused before the syscall (type, attach target): the error says why. */
			lp->err = r;
			if (!lp->explain && err && err->msg[0])
				lp->explain = strdup(err->msg);
		}
		if (r < 0 && !(opts && opts->keep_going))
			goto fail;
		if (r < 0 && !first_err)
			first_err = r;
	}
	r = load_fill_slots(l, obj, err);
	if (r < 0)
		goto fail;
	r = load_struct_ops(l, obj, pp, err);
	if (r < 0)
		goto fail;
	btf_free(tb.btf);
	free(map_fds);
	*out = l;
	(void)first_err; /* keep_going: each program's verdict is in its info */
	return 0;
fail:
	btf_free(tb.btf);
	free(map_fds);
	/* Pins made by this load are taken back too: nothing is left behind. */
	for (size_t i = 0; l && i < l->map_cnt; i++)
		if (l->maps[i].pin_path && !l->maps[i].reused && l->maps[i].fd >= 0)
			unlink(l->maps[i].pin_path);
	rb_loaded_free(l);
	return r;
}

RB_API size_t rb_loaded_prog_count(const struct rb_loaded *l)
{
	return l ? l->prog_cnt : 0;
}

RB_API int rb_loaded_prog(const struct rb_loaded *l, size_t i, struct rb_loaded_prog_info *out)
{
	const struct loaded_prog *p;

	if (!l || i >= l->prog_cnt)
		return -ERANGE;
	p = &l->progs[i];
	memset(out, 0, sizeof(*out));
	out->name = l->obj->progs[p->obj_prog].name;
	out->obj_prog = p->obj_prog;
	out->fd = p->fd;
	out->id = p->id;
	memcpy(out->tag, p->tag, sizeof(out->tag));
	out->err = p->err;
	out->log = p->log;
	out->log_truncated = p->log_truncated;
	out->reason = p->reason ? p->reason : "";
	out->explain = p->explain ? p->explain : "";
	out->verified_insns = p->verified_insns;
	out->xlated_len = p->xlated_len;
	out->jited_len = p->jited_len;
	return 0;
}

RB_API size_t rb_loaded_map_count(const struct rb_loaded *l)
{
	return l ? l->map_cnt : 0;
}

RB_API int rb_loaded_map(const struct rb_loaded *l, size_t i, struct rb_loaded_map_info *out)
{
	if (!l || i >= l->map_cnt)
		return -ERANGE;
	out->name = l->obj->maps[i].name;
	out->obj_map = i;
	out->fd = l->maps[i].fd;
	out->id = l->maps[i].id;
	out->reused = l->maps[i].reused;
	out->pin_path = l->maps[i].pin_path;
	return 0;
}

RB_API int rb_loaded_btf(const struct rb_loaded *l, uint32_t *id)
{
	if (id)
		*id = l ? l->btf_id : 0;
	return l ? l->btf_fd : -1;
}

RB_API const char *rb_loaded_btf_note(const struct rb_loaded *l)
{
	return l ? l->btf_note : "";
}

RB_API const char *rb_loaded_btf_log(const struct rb_loaded *l)
{
	return l ? l->btf_log : NULL;
}
