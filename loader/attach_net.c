// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach network and cgroup hooks through BPF links: xdp on an interface (native, or the
 * generic skb mode for drivers without XDP), tcx ingress/egress (kernel 6.6+; older kernels,
 * or --tc-netlink, get a netlink cls_bpf filter on a clsact qdisc instead, as do classic "tc"
 * sections given a direction), and cgroup programs on a cgroup v2 directory with the
 * program's expected attach type.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/netlink.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "loader/attach_kinds.h"
#include "util/err.h"

#ifndef XDP_FLAGS_SKB_MODE
#define XDP_FLAGS_SKB_MODE (1U << 1)
#endif
#define ATTACH_TCX_INGRESS 46
#define ATTACH_TCX_EGRESS  47

static int link_into(struct loaded_prog *lp, const struct sys_link_create_opts *lo,
		     struct rb_error *e)
{
	int fd = sys_link_create(lo);

	if (fd < 0)
		return rb_errorf(e, fd, "BPF_LINK_CREATE on %s failed: %s",
				 lp->target ? lp->target : "?", strerror(-fd));
	return att_add_link(lp, fd, e);
}

static int netdev(const struct obj_prog *p, const char *user, const struct rb_attach_opts *o,
		  char *name, struct rb_error *e)
{
	const char *ifname = user ? user : (o ? o->ifname : NULL);
	int idx;

	if (!ifname && o && o->ifindex > 0) {
		snprintf(name, IF_NAMESIZE + 8, "ifindex %d", o->ifindex);
		return o->ifindex;
	}
	if (!ifname || !*ifname)
		return rb_errorf(e, -EINVAL,
				 "section '%s' attaches to a network interface: give one "
				 "with --ifname IF",
				 p->sec_name);
	idx = (int)if_nametoindex(ifname);
	if (!idx)
		return rb_errorf(e, -ENODEV, "no network interface named '%s'", ifname);
	snprintf(name, IF_NAMESIZE + 8, "%s", ifname);
	return idx;
}

static int attach_cgroup(struct loaded_prog *lp, const struct obj_prog *p, const char *path,
			 struct rb_error *e)
{
	struct sys_link_create_opts lo = {0};
	int cg, r;

	att_set_target(lp, "cgroup", path ? path : "");
	if (!path || !*path)
		return rb_errorf(e, -EINVAL,
				 "section '%s' attaches to a cgroup: give a cgroup v2 "
				 "directory with --cgroup PATH",
				 p->sec_name);
	cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return rb_errorf(e, -errno, "cannot open cgroup '%s': %s", path, strerror(errno));
	lo.prog_fd = lp->fd;
	lo.target_fd = cg;
	lo.attach_type = (uint32_t)p->attach_type;
	r = link_into(lp, &lo, e);
	close(cg); /* the link holds the cgroup */
	return r;
}

/*
 * The direction at the end of a tc target ("va:egress", or just "ingress" with --ifname):
 * 0 ingress, 1 egress, -1 none given; the interface part, if any, goes to ifname.
 */
static int tc_direction(const char *user, char *ifname, size_t len)
{
	const char *c = user ? strrchr(user, ':') : NULL;
	const char *dir = c ? c + 1 : user;
	int d;

	ifname[0] = 0;
	if (!dir)
		return -1;
	d = !strcmp(dir, "ingress") ? 0 : !strcmp(dir, "egress") ? 1 : -1;
	if (d < 0) {
		snprintf(ifname, len, "%s", user);
		return -1;
	}
	if (c)
		snprintf(ifname, len, "%.*s", (int)(c - user), user);
	return d;
}

static int attach_tc(struct loaded_prog *lp, const struct obj_prog *p, const char *user,
		     const struct rb_attach_opts *o, struct rb_error *e)
{
	bool tcx = p->attach_type == ATTACH_TCX_INGRESS || p->attach_type == ATTACH_TCX_EGRESS;
	bool force_nl = o && o->sz > offsetof(struct rb_attach_opts, tc_netlink) && o->tc_netlink;
	struct sys_link_create_opts lo = {0};
	char name[IF_NAMESIZE + 8], ifn[IF_NAMESIZE + 8];
	int idx, dir = tc_direction(user, ifn, sizeof(ifn)), r;
	struct attachment *a;

	if (tcx && dir < 0)
		dir = p->attach_type == ATTACH_TCX_EGRESS;
	if (dir < 0)
		return 1; /* a classic "tc" section without a direction: nothing says where */
	idx = netdev(p, ifn[0] ? ifn : NULL, o, name, e);
	if (idx < 0)
		return idx;
	if (tcx && !force_nl && probe_feature(PROBE_LINK_TCX)->state != PROBE_NO) {
		att_set_target(lp, dir ? "tcx egress" : "tcx ingress", name);
		lo.prog_fd = lp->fd;
		lo.target_fd = idx;
		lo.attach_type = dir ? ATTACH_TCX_EGRESS : ATTACH_TCX_INGRESS;
		return link_into(lp, &lo, e);
	}
	att_set_target(lp, dir ? "tc egress (netlink)" : "tc ingress (netlink)", name);
	a = att_add(lp, ATT_TC_NETLINK);
	if (!a)
		return rb_errorf(e, -ENOMEM, "out of memory");
	r = nl_tc_attach(idx, dir == 1, lp->fd, p->name, &a->u.tc, e);
	if (r < 0)
		return rb_err_wrap(e, r, "%s", name);
	return 0;
}

int attach_net(struct loaded_prog *lp, const struct obj_prog *p, const struct rb_attach_opts *o,
	       struct rb_error *e)
{
	const char *user = attach_override(o, p->name);
	struct sys_link_create_opts lo = {0};
	char name[IF_NAMESIZE + 8];
	int idx;

	switch (p->prog_type) {
	case BPF_PROG_TYPE_XDP:
		if (p->attach_type != BPF_XDP)
			return 1; /* devmap/cpumap programs go into maps, not on a device */
		idx = netdev(p, user, o, name, e);
		if (idx < 0)
			return idx;
		att_set_target(lp, o && o->xdp_generic ? "xdp (generic)" : "xdp", name);
		lo.prog_fd = lp->fd;
		lo.target_fd = idx;
		lo.attach_type = BPF_XDP;
		lo.flags = o && o->xdp_generic ? XDP_FLAGS_SKB_MODE : 0;
		return link_into(lp, &lo, e);
	case BPF_PROG_TYPE_SCHED_CLS:
		return attach_tc(lp, p, user, o, e);
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_SOCK_OPS:
		if (p->attach_type < 0)
			return 1; /* "cgroup/skb": no attach type known */
		return attach_cgroup(lp, p, user ? user : (o ? o->cgroup : NULL), e);
	default:
		return 1;
	}
}
