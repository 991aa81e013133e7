/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What a loaded program is attached to: a list of tagged records, one per kernel-side
 * attachment (a link, a perf event, a netlink filter, a map attach). The attach kinds
 * (attach_*.c) add records as they make them; one detach function undoes a record by its
 * kind, and one description says how the program is attached (for the load summary, the
 * JSON and the pins). bpf/ keeps its kind-specific structs; the records wrap them.
 */
#ifndef RB_LOADER_ATTACHMENT_H
#define RB_LOADER_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/attach.h"
#include "bpf/dynprobe.h"
#include "bpf/netlink.h"
#include "rawbpf.h"

struct loaded_prog;

enum attachment_kind {
	ATT_SYS,	/* bpf/attach.h: a BPF link, a perf event set by ioctl, a raw_tp fd */
	ATT_DYNPROBE,	/* bpf/dynprobe.h: a kprobe/uprobe perf event and its link */
	ATT_TC_NETLINK, /* bpf/netlink.h: a cls_bpf filter made over netlink (no fd) */
	ATT_MAP,	/* BPF_PROG_ATTACH to a map (sockmap; no fd): undone by PROG_DETACH */
};

struct attachment {
	enum attachment_kind kind;
	int cpu; /* perf_event programs: the CPU of this event; -1 otherwise */
	union {
		struct sys_attachment sys;
		struct dynprobe probe;
		struct nl_tc_filter tc;
		struct {
			int map_fd; /* the object's map (owned by the map, not closed here) */
			uint32_t attach_type;
		} map;
	} u;
};

/*
 * What lp is attached to, for the summary: "<kind> <what>" ("xdp eth0", "uprobe
 * /bin/bash:readline"); replaces an earlier one. Out of memory leaves none (it is a label).
 */
void att_set_target(struct loaded_prog *lp, const char *kind, const char *what);

/*
 * A new record of kind at the end of lp's list, its fds -1 and cpu -1; NULL when out of
 * memory. The pointer is good until the next att_add on lp.
 */
struct attachment *att_add(struct loaded_prog *lp, enum attachment_kind kind);
/* att_add of an ATT_SYS record: where a bpf/attach.h function puts what it made; NULL: ENOMEM. */
struct sys_attachment *att_add_sys(struct loaded_prog *lp);
/* A BPF link fd, now lp's: 0, or -ENOMEM with the link closed and e saying so. */
int att_add_link(struct loaded_prog *lp, int link_fd, struct rb_error *e);
/* Move n dynamic probes (all attached) into lp's list; on ENOMEM they are detached. */
int att_add_probes(struct loaded_prog *lp, const struct dynprobe *d, size_t n);
/* Undo every attachment of lp, the last made first, and empty the list. */
void att_detach_all(struct loaded_prog *lp);

/* The BPF link fd of an attachment (its link id names it), or -1 when it has none. */
int att_link_fd(const struct attachment *a);
/* The fd that pins the attachment (a link, or a raw tracepoint fd), or -1 when none does. */
int att_pin_fd(const struct attachment *a);
/*
 * The name a pinned attachment i of lp gets under links/: the first is "<prog>", a
 * perf_event program's other CPUs "<prog>_cpuN", the other probes of a program attached at
 * several places (USDT sites, per-function uprobes) "<prog>_siteN". 0, or -1 when there is
 * no record i.
 */
int att_pin_name(const struct loaded_prog *lp, size_t i, const char *prog, char *buf, size_t len);
/*
 * The one account of what lp is attached to: its link id (0 without a link) and a note
 * saying how ("BPF link", "raw tracepoint fd", ...), from its first attachment.
 */
void att_report(struct loaded_prog *lp);

#endif
