// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Run (stage 5) for programs that no event triggers: iterators, read once by the caller
 * (attach_iter.c creates them), and syscall programs, run once with BPF_PROG_TEST_RUN. A
 * syscall program's argument is a pointer to memory the caller hands in; the kernel copies
 * it in, runs the program and copies it back (ctx_out must stay unset), so the program's
 * writes to it are its result alongside the return value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf/sys.h"
#include "btf/format.h"
#include "loader/load.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/trace.h"

/* The kernel refuses a syscall program's context above 64 KiB - 1. */
#define SYSCALL_CTX_MAX 65535u

RB_API enum rb_run_once rb_loaded_prog_run_once(const struct rb_loaded *l, size_t i)
{
	const struct loaded_prog *lp;
	const struct obj_prog *p;

	if (!l || i >= l->prog_cnt || l->progs[i].fd < 0)
		return RB_RUN_ONCE_NONE;
	lp = &l->progs[i];
	p = &l->obj->progs[lp->obj_prog];
	if (p->prog_type == BPF_PROG_TYPE_SYSCALL)
		return RB_RUN_ONCE_SYSCALL;
	if (p->prog_type == BPF_PROG_TYPE_TRACING && p->attach_type == BPF_TRACE_ITER &&
	    lp->att_cnt && att_link_fd(&lp->atts[0]) >= 0)
		return RB_RUN_ONCE_ITER;
	return RB_RUN_ONCE_NONE;
}

/* The struct or union the program's first argument points to, from its FUNC in the BTF. */
static uint32_t ctx_struct(const struct btf *btf, const struct obj_prog *p)
{
	const struct btf_type *fn = btf && p->btf_func_id ? btf_type(btf, p->btf_func_id) : NULL;
	const struct btf_type *proto, *t;
	int id;

	if (!fn || !btf_is_func(fn))
		return 0;
	proto = btf_type(btf, fn->type);
	if (!proto || !btf_is_func_proto(proto) || btf_vlen(proto) < 1)
		return 0;
	id = btf_skip_mods_typedefs(btf, btf_params(proto)[0].type);
	t = id > 0 ? btf_type(btf, (uint32_t)id) : NULL;
	if (!t || !btf_is_ptr(t))
		return 0;
	id = btf_skip_mods_typedefs(btf, t->type);
	t = id > 0 ? btf_type(btf, (uint32_t)id) : NULL;
	return t && btf_is_composite(t) && t->size ? (uint32_t)id : 0;
}

RB_API int rb_loaded_run_syscall(const struct rb_loaded *l, size_t i, const void *ctx,
				 size_t ctx_size, struct rb_syscall_run *out, struct rb_error *err)
{
	const struct btf *btf = l ? l->obj->btf : NULL;
	struct sys_test_run_opts o = {0};
	const struct loaded_prog *lp;
	const struct obj_prog *p;
	const struct btf_type *t = NULL;
	size_t size = ctx ? ctx_size : 0;
	struct timespec t0, t1;
	int r;

	memset(out, 0, sizeof(*out));
	if (!l || i >= l->prog_cnt)
		return rb_errorf(err, ERANGE, "no program %zu", i);
	lp = &l->progs[i];
	p = &l->obj->progs[lp->obj_prog];
	if (lp->fd < 0 || p->prog_type != BPF_PROG_TYPE_SYSCALL)
		return rb_errorf(err, EINVAL, "program '%s' is not a loaded syscall program",
				 p->name);
	out->ctx_type_id = ctx_struct(btf, p);
	if (out->ctx_type_id) {
		t = btf_type(btf, out->ctx_type_id);
		snprintf(out->ctx_type, sizeof(out->ctx_type), "%s %s",
			 btf_is_union(t) ? "union" : "struct", btf_name(btf, t));
		if (size < t->size)
			size = t->size; /* zeros after what was given */
	}
	if (size > SYSCALL_CTX_MAX)
		return rb_errorf(err, E2BIG,
				 "program '%s': a context of %zu bytes is more than the kernel "
				 "takes for a syscall program (%u)",
				 p->name, size, SYSCALL_CTX_MAX);
	if (size) {
		out->ctx = calloc(1, size);
		if (!out->ctx)
			return rb_errorf(err, ENOMEM, "out of memory");
		if (ctx)
			memcpy(out->ctx, ctx, ctx_size);
		out->ctx_size = size;
	}
	o.ctx_in = out->ctx; /* the kernel writes the program's changes back here */
	o.ctx_size_in = (uint32_t)size;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = sys_prog_test_run(lp->fd, &o);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r < 0) {
		rb_syscall_run_free(out);
		return rb_errorf(err, r,
				 "program '%s': BPF_PROG_TEST_RUN with a %zu-byte context failed: "
				 "%s%s",
				 p->name, size, strerror(-r),
				 r == -EINVAL ? " (the kernel refuses a context shorter than what "
						"the program reads: give a longer --ctx)"
					      : "");
	}
	out->retval = o.retval;
	/* the kernel times test runs of packet programs, not of syscall programs: ours */
	out->duration_ns = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
				      (t1.tv_nsec - t0.tv_nsec));
	trace_emit(RB_TRACE_STAGE, "run", 0, 0, "program '%s': syscall program returned %u",
		   p->name, o.retval);
	if (t && out->ctx) {
		struct strbuf sb = STRBUF_INIT;
		struct fmt_out fo;
		struct rb_error fe = {0};

		fmt_init(&fo, &sb, false);
		if (btf_format_value(&fo, btf, out->ctx_type_id, out->ctx, t->size, &fe) == 0 &&
		    !sb.oom)
			out->ctx_text = sb_detach(&sb);
		sb_free(&sb);
		fmt_init(&fo, &sb, false);
		fo.data = true;
		if (btf_format_value(&fo, btf, out->ctx_type_id, out->ctx, t->size, &fe) == 0 &&
		    !sb.oom)
			out->ctx_json = sb_detach(&sb);
		sb_free(&sb);
	}
	return 0;
}

RB_API void rb_syscall_run_free(struct rb_syscall_run *r)
{
	if (!r)
		return;
	free(r->ctx);
	free(r->ctx_text);
	free(r->ctx_json);
	r->ctx = NULL;
	r->ctx_text = NULL;
	r->ctx_json = NULL;
}
