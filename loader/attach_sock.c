// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach socket-level programs: sk_lookup to a network namespace (a netns link; this
 * process's namespace unless --attach PROG=/proc/PID/ns/net names another), and sk_msg /
 * sk_skb to a sockmap or sockhash of the object (the only one it has, or the one named by
 * --attach PROG=MAP): a BPF link where the kernel has sockmap links (6.10+), else
 * BPF_PROG_ATTACH on the map, undone with BPF_PROG_DETACH.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "loader/attach_kinds.h"
#include "util/err.h"
#include "util/strbuf.h"

static int attach_netns(struct loaded_prog *lp, const char *user, struct rb_error *e)
{
	const char *path = user ? user : "/proc/self/ns/net";
	struct sys_link_create_opts lo = {0};
	int ns, fd;

	att_set_target(lp, "netns", path);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return rb_errorf(e, -errno, "cannot open network namespace '%s': %s", path,
				 strerror(errno));
	lo.prog_fd = lp->fd;
	lo.target_fd = ns;
	lo.attach_type = BPF_SK_LOOKUP;
	fd = sys_link_create(&lo);
	close(ns); /* the link holds the namespace */
	if (fd < 0)
		return rb_errorf(e, fd, "BPF_LINK_CREATE (sk_lookup) on network namespace %s: %s",
				 path, strerror(-fd));
	return att_add_link(lp, fd, e);
}

static bool is_sockmap(uint32_t type)
{
	return type == BPF_MAP_TYPE_SOCKMAP || type == BPF_MAP_TYPE_SOCKHASH;
}

/* The map index of the sockmap to use, or -errno with e saying why there is none. */
static int pick_sockmap(const struct rb_loaded *l, const struct obj_prog *p, const char *user,
			struct rb_error *e)
{
	struct strbuf sb = STRBUF_INIT;
	int found = -1, n = 0, r;

	for (size_t i = 0; i < l->map_cnt; i++) {
		const struct obj_map *m = &l->obj->maps[i];

		if (user) {
			if (!strcmp(m->name, user) ||
			    (m->real_name && !strcmp(m->real_name, user))) {
				if (!is_sockmap(m->type))
					return rb_errorf(e, -EINVAL,
							 "map '%s' is not a sockmap or sockhash",
							 user);
				return (int)i;
			}
			continue;
		}
		if (!is_sockmap(m->type))
			continue;
		sb_printf(&sb, "%s%s", n ? ", " : "", m->name);
		found = (int)i;
		n++;
	}
	if (user)
		r = rb_errorf(e, -ENOENT, "the object has no map named '%s'", user);
	else if (n == 1)
		r = found;
	else if (!n)
		r = rb_errorf(e, -ENOENT,
			      "section '%s' attaches to a sockmap or sockhash, and the object "
			      "defines none",
			      p->sec_name);
	else
		r = rb_errorf(e, -EINVAL,
			      "the object has %d sockmaps/sockhashes (%s): say which with "
			      "--attach %s=MAP",
			      n, sb_str(&sb), p->name);
	sb_free(&sb);
	return r;
}

static int attach_sockmap(struct rb_loaded *l, struct loaded_prog *lp, const struct obj_prog *p,
			  const char *user, struct rb_error *e)
{
	struct sys_link_create_opts lo = {0};
	int idx = pick_sockmap(l, p, user, e), fd, r;
	struct attachment *a;

	if (idx < 0)
		return idx;
	att_set_target(lp, "sockmap", l->obj->maps[idx].name);
	lo.prog_fd = lp->fd;
	lo.target_fd = l->maps[idx].fd;
	lo.attach_type = (uint32_t)p->attach_type;
	fd = sys_link_create(&lo);
	if (fd >= 0)
		return att_add_link(lp, fd, e);
	if (fd != -EINVAL && fd != -EOPNOTSUPP)
		return rb_errorf(e, fd, "BPF_LINK_CREATE on map '%s': %s", l->obj->maps[idx].name,
				 strerror(-fd));
	/* no sockmap links (before 6.10): attach to the map itself */
	a = att_add(lp, ATT_MAP);
	if (!a)
		return rb_errorf(e, -ENOMEM, "out of memory");
	r = sys_prog_attach(lp->fd, l->maps[idx].fd, (uint32_t)p->attach_type, 0, 0);
	if (r < 0)
		return rb_errorf(e, r, "BPF_PROG_ATTACH on map '%s': %s", l->obj->maps[idx].name,
				 strerror(-r));
	a->u.map.map_fd = l->maps[idx].fd;
	a->u.map.attach_type = (uint32_t)p->attach_type;
	return 0;
}

int attach_sock(struct rb_loaded *l, struct loaded_prog *lp, const struct obj_prog *p,
		const struct rb_attach_opts *o, struct rb_error *e)
{
	const char *user = attach_override(o, p->name);

	switch (p->prog_type) {
	case BPF_PROG_TYPE_SK_LOOKUP:
		return attach_netns(lp, user, e);
	case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_SK_SKB:
		if (p->attach_type < 0)
			return 1; /* "sk_skb": parser or verdict, the section does not say */
		return attach_sockmap(l, lp, p, user, e);
	default:
		return 1;
	}
}
