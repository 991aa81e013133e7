// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A loaded program's attachments: one list of tagged records, one detach, one account. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "loader/attachment.h"
#include "loader/load.h"
#include "util/err.h"

void att_set_target(struct loaded_prog *lp, const char *kind, const char *what)
{
	size_t n = strlen(kind) + strlen(what) + 2;

	free(lp->target);
	lp->target = malloc(n);
	if (lp->target)
		snprintf(lp->target, n, "%s %s", kind, what);
}

struct attachment *att_add(struct loaded_prog *lp, enum attachment_kind kind)
{
	struct attachment *n = realloc(lp->atts, (lp->att_cnt + 1) * sizeof(*n)), *a;

	if (!n)
		return NULL;
	lp->atts = n;
	a = &n[lp->att_cnt++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->cpu = -1;
	switch (kind) {
	case ATT_SYS:
		a->u.sys = (struct sys_attachment)SYS_ATTACHMENT_INIT;
		break;
	case ATT_DYNPROBE:
		a->u.probe = (struct dynprobe)DYNPROBE_INIT;
		break;
	case ATT_MAP:
		a->u.map.map_fd = -1;
		break;
	case ATT_TC_NETLINK:
		break;
	}
	return a;
}

struct sys_attachment *att_add_sys(struct loaded_prog *lp)
{
	struct attachment *a = att_add(lp, ATT_SYS);

	return a ? &a->u.sys : NULL;
}

int att_add_link(struct loaded_prog *lp, int link_fd, struct rb_error *e)
{
	struct sys_attachment *s = att_add_sys(lp);

	if (!s) {
		close(link_fd);
		return rb_errorf(e, -ENOMEM, "out of memory keeping link fd %d", link_fd);
	}
	s->how = SYS_ATTACH_LINK;
	s->fd = link_fd;
	return 0;
}

int att_add_probes(struct loaded_prog *lp, const struct dynprobe *d, size_t n)
{
	struct attachment *a;
	size_t i;

	for (i = 0; i < n; i++) {
		a = att_add(lp, ATT_DYNPROBE);
		if (!a)
			break;
		a->u.probe = d[i];
	}
	if (i == n)
		return 0;
	/* the ones not moved are still only ours; those moved go with the caller's rollback */
	for (; i < n; i++) {
		struct dynprobe left = d[i];

		dynprobe_detach(&left);
	}
	return -ENOMEM;
}

static void detach_one(const struct loaded_prog *lp, struct attachment *a)
{
	switch (a->kind) {
	case ATT_SYS:
		sys_detach(&a->u.sys);
		break;
	case ATT_DYNPROBE:
		dynprobe_detach(&a->u.probe);
		break;
	case ATT_TC_NETLINK:
		nl_tc_detach(&a->u.tc);
		break;
	case ATT_MAP:
		if (a->u.map.map_fd >= 0)
			sys_prog_detach(lp->fd, a->u.map.map_fd, a->u.map.attach_type);
		a->u.map.map_fd = -1;
		break;
	}
}

void att_detach_all(struct loaded_prog *lp)
{
	for (size_t i = lp->att_cnt; i-- > 0;)
		detach_one(lp, &lp->atts[i]);
	free(lp->atts);
	lp->atts = NULL;
	lp->att_cnt = 0;
}

int att_link_fd(const struct attachment *a)
{
	if (a->kind == ATT_SYS)
		return a->u.sys.how == SYS_ATTACH_LINK ? a->u.sys.fd : -1;
	if (a->kind == ATT_DYNPROBE)
		return a->u.probe.link_fd;
	return -1;
}

int att_pin_fd(const struct attachment *a)
{
	if (a->kind == ATT_SYS && a->u.sys.how == SYS_ATTACH_RAW_TP)
		return a->u.sys.fd; /* a raw tracepoint fd is a link too, and pins like one */
	return att_link_fd(a);
}

int att_pin_name(const struct loaded_prog *lp, size_t i, const char *prog, char *buf, size_t len)
{
	if (i >= lp->att_cnt)
		return -1;
	if (i == 0)
		snprintf(buf, len, "%s", prog);
	else if (lp->atts[i].cpu >= 0)
		snprintf(buf, len, "%s_cpu%d", prog, lp->atts[i].cpu);
	else
		snprintf(buf, len, "%s_site%zu", prog, i); /* USDT sites, per-function uprobes */
	return 0;
}

static const char *how_of(const struct attachment *a)
{
	if (att_link_fd(a) >= 0)
		return "BPF link";
	switch (a->kind) {
	case ATT_SYS:
		return a->u.sys.how == SYS_ATTACH_RAW_TP ? "raw tracepoint fd"
							 : "perf event (PERF_EVENT_IOC_SET_BPF)";
	case ATT_DYNPROBE:
		return "perf event (PERF_EVENT_IOC_SET_BPF)";
	case ATT_TC_NETLINK:
		return "netlink cls_bpf filter (direct action)";
	case ATT_MAP:
		return "BPF_PROG_ATTACH on the map";
	}
	return "";
}

void att_report(struct loaded_prog *lp)
{
	struct bpf_link_info info;
	int fd;

	if (!lp->att_cnt)
		return;
	fd = att_link_fd(&lp->atts[0]);
	if (fd >= 0 && sys_link_get_info(fd, &info) == 0)
		lp->link_id = info.id;
	free(lp->att_note);
	lp->att_note = strdup(how_of(&lp->atts[0]));
}
