// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Iterators: an iter/ program is attached with a BPF link of type BPF_TRACE_ITER (no
 * target: it walks what its section names, all tasks for iter/task); each BPF_ITER_CREATE
 * on the link gives a new fd whose read() runs one walk and returns what the program
 * printed with bpf_seq_printf.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/sys.h"
#include "loader/attach_kinds.h"
#include "util/err.h"
#include "util/trace.h"

int attach_iter(struct loaded_prog *lp, const struct obj_prog *p, struct rb_error *e)
{
	struct sys_link_create_opts lo = {0};
	const char *what = p->attach.text ? p->attach.text : "";
	int fd;

	if (p->prog_type != BPF_PROG_TYPE_TRACING || p->attach_type != BPF_TRACE_ITER)
		return 1;
	att_set_target(lp, "iter", what);
	lo.prog_fd = lp->fd;
	lo.attach_type = BPF_TRACE_ITER;
	fd = sys_link_create(&lo);
	if (fd < 0)
		return rb_errorf(e, fd, "program '%s': BPF_LINK_CREATE for iterator %s failed: %s",
				 p->name, what, strerror(-fd));
	return att_add_link(lp, fd, e);
}

RB_API int rb_loaded_iter_open(const struct rb_loaded *l, size_t i, struct rb_error *err)
{
	const struct loaded_prog *lp;
	const struct obj_prog *p;
	int fd;

	if (!l || i >= l->prog_cnt)
		return rb_errorf(err, -ERANGE, "no program %zu", i);
	lp = &l->progs[i];
	p = &l->obj->progs[lp->obj_prog];
	if (p->attach_type != BPF_TRACE_ITER || !lp->att_cnt || att_link_fd(&lp->atts[0]) < 0)
		return rb_errorf(err, -EINVAL, "program '%s' is not an attached iterator", p->name);
	fd = sys_iter_create(att_link_fd(&lp->atts[0]));
	if (fd < 0)
		return rb_errorf(err, fd, "program '%s': BPF_ITER_CREATE failed: %s", p->name,
				 strerror(-fd));
	trace_emit(RB_TRACE_STAGE, "iter", 0, 0, "program '%s': iterator fd %d", p->name, fd);
	return fd;
}
