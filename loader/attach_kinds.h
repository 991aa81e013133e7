/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Attach kinds beyond the first ones of load_attach.c: dynamic probes (uprobe, kprobe,
 * ksyscall) and network/cgroup hooks (xdp, tcx, cgroup). Each returns 1 when the program
 * is not of its kinds, 0 when attached, -errno with e naming the target otherwise. What they
 * attach goes into the program's list of attachments (attachment.h); on an error the caller
 * detaches whatever the list holds, so a kind may leave its partial work there.
 */
#ifndef RB_LOADER_ATTACH_KINDS_H
#define RB_LOADER_ATTACH_KINDS_H

#include "loader/load.h"
#include "rawbpf.h"

/* The user's per-program target ("--attach PROG=TARGET"), or NULL. */
const char *attach_override(const struct rb_attach_opts *o, const char *prog);
/*
 * The word a BTF-targeted program's target line starts with, from its expected attach
 * type: "fentry", "fexit", "fmod_ret", "tp_btf", "lsm", "lsm_cgroup" ("tracing" otherwise).
 */
const char *attach_btf_kind(const struct obj_prog *p);
/*
 * Its target as the section names it: the BTF name looked up without the prefix the kind
 * adds ("file_open" for bpf_lsm_file_open, "sys_enter" for btf_trace_sys_enter).
 */
const char *attach_btf_shown_name(const struct obj_prog *p);

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
/* uprobe.multi/kprobe.multi (and their return forms): functions matching a glob. */
int attach_multi(struct loaded_prog *lp, const struct obj_prog *p, const struct rb_attach_opts *o,
		 struct rb_error *e);
/* usdt: every site of BINARY:PROVIDER:NAME, argument specs into the object's USDT maps. */
int attach_usdt(struct rb_loaded *l, struct loaded_prog *lp, const struct obj_prog *p,
		const struct rb_attach_opts *o, struct rb_error *e);
/* "BINARY:PROVIDER:NAME" (the binary may hold ':'); -EINVAL when malformed or too long. */
int usdt_parse_target(const char *t, char *bin, size_t binlen, char *prov, size_t provlen,
		      char *name, size_t namelen);
/* The run-time address of path's file offset in a process, from its maps file. */
int usdt_runtime_ip(const char *maps, const char *path, uint64_t file_off, uint64_t *ip);
/* sk_lookup (netns link), sk_msg/sk_skb (a sockmap of the object). */
int attach_sock(struct rb_loaded *l, struct loaded_prog *lp, const struct obj_prog *p,
		const struct rb_attach_opts *o, struct rb_error *e);

#endif
