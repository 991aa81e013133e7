/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Attach kinds beyond the first ones of load_attach.c: dynamic probes (uprobe, kprobe,
 * ksyscall) and network/cgroup hooks (xdp, tcx, cgroup). Each returns 1 when the program
 * is not of its kinds, 0 when attached, -errno with e naming the target otherwise.
 */
#ifndef RB_LOADER_ATTACH_KINDS_H
#define RB_LOADER_ATTACH_KINDS_H

#include "loader/load.h"
#include "rawbpf.h"

/* The user's per-program target ("--attach PROG=TARGET"), or NULL. */
const char *attach_override(const struct rb_attach_opts *o, const char *prog);

int attach_probe(struct loaded_prog *lp, const struct obj_prog *p, const struct rb_attach_opts *o,
		 struct rb_error *e);
int attach_net(struct loaded_prog *lp, const struct obj_prog *p, const struct rb_attach_opts *o,
	       struct rb_error *e);
int attach_iter(struct loaded_prog *lp, const struct obj_prog *p, struct rb_error *e);
/*
 * perf_event programs: a cpu-clock sampling event per online CPU (o's perf_freq or
 * perf_period; 99 Hz by default). Syscall and socket filter programs: 1 with lp->att_note
 * saying why they stay unattached.
 */
int attach_perf(struct loaded_prog *lp, const struct obj_prog *p, const struct rb_attach_opts *o,
		struct rb_error *e);
/* Undo attach_perf's events on the CPUs after the first (lp->att holds the first). */
void attach_perf_detach(struct loaded_prog *lp);
/* Undo attach_probe's dynamic probe, if any. */
void attach_probe_detach(struct loaded_prog *lp);

#endif
