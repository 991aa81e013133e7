/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Classic tc attach over rtnetlink, for kernels without tcx links (before 6.6): a clsact
 * qdisc on the interface (made if missing) and a cls_bpf filter in direct-action mode on its
 * ingress or egress hook, holding the program. Unlike a link, the filter outlives the
 * process: detach deletes it again, and the qdisc too when we were the ones who made it and
 * no filter (another tool's, added since) is left on either of its hooks.
 */
#ifndef RB_BPF_NETLINK_H
#define RB_BPF_NETLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "rawbpf.h"

struct nl_tc_filter {
	int ifindex;
	bool egress;
	uint32_t handle;    /* filter handle (we ask for 1) */
	uint32_t prio;	    /* priority, as the kernel chose it */
	bool created_qdisc; /* detach removes the clsact qdisc as well */
	bool attached;
};

/*
 * Attach prog_fd (named name in the filter, for `tc filter show`) on ifindex's ingress or
 * egress. 0 with out filled, or -errno with e naming the interface, the step and the
 * kernel's extended ack message when it gave one.
 */
int nl_tc_attach(int ifindex, bool egress, int prog_fd, const char *name, struct nl_tc_filter *out,
		 struct rb_error *e);
/*
 * Delete the filter, and the qdisc we made unless filters of others remain on it (the
 * qdisc is kept then, with a trace line); safe to call twice. 0 or -errno.
 */
int nl_tc_detach(struct nl_tc_filter *f);
/* How many cls_bpf filters sit on ifindex's hook (tests: detach must leave none). */
int nl_tc_count_filters(int ifindex, bool egress, struct rb_error *e);
/* How many filters of any kind sit there (u32, flower, ... and bpf). */
int nl_tc_count_all_filters(int ifindex, bool egress, struct rb_error *e);
/* Whether ifindex has a clsact qdisc: 1, 0, or -errno. */
int nl_tc_has_clsact(int ifindex, struct rb_error *e);

#endif
