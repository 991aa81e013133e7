// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtnetlink for tc: one request at a time on a fresh NETLINK_ROUTE socket, acknowledged
 * (NLM_F_ACK), with extended acks turned on so a refusal comes with the kernel's sentence.
 * Messages: tcmsg + rtattrs; TCA_OPTIONS of a cls_bpf filter nests the program fd, a
 * name and the direct-action flag (the program's return value is the verdict, no action).
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/ethernet.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpf/netlink.h"
#include "util/err.h"
#include "util/trace.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NL_BUF 32768

struct nl_req {
	struct nlmsghdr n;
	struct tcmsg t;
	char attrs[512];
};

/* Called for every non-ack reply message of a request. */
typedef void (*nl_reply_fn)(const struct nlmsghdr *n, void *ctx);

static int add_attr(struct nl_req *r, unsigned short type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(r->n.nlmsg_len);
	struct rtattr *a = (struct rtattr *)((char *)r + at);

	if (at + RTA_SPACE(len) > sizeof(*r))
		return -E2BIG;
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->n.nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
	return 0;
}

static void init_req(struct nl_req *r, int type, int flags, int ifindex, uint32_t parent,
		     uint32_t handle, uint32_t info)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg));
	r->n.nlmsg_type = (unsigned short)type;
	r->n.nlmsg_flags = (unsigned short)(NLM_F_REQUEST | flags);
	r->t.tcm_family = AF_UNSPEC;
	r->t.tcm_ifindex = ifindex;
	r->t.tcm_parent = parent;
	r->t.tcm_handle = handle;
	r->t.tcm_info = info;
}

/* The kernel's extended-ack sentence, if the error message carries one. */
static void ext_ack(const struct nlmsghdr *n, char *msg, size_t len)
{
	const struct nlmsgerr *err = NLMSG_DATA(n);
	size_t off = sizeof(*err);
	const char *end = (const char *)n + n->nlmsg_len;
	const struct rtattr *a;

	if (!(n->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (n->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
		return;
	if (!(n->nlmsg_flags & NLM_F_CAPPED)) {
		/* the echoed request: a length the reply cannot hold ends the search */
		if (err->msg.nlmsg_len < NLMSG_HDRLEN ||
		    err->msg.nlmsg_len - NLMSG_HDRLEN > n->nlmsg_len - NLMSG_HDRLEN - off)
			return;
		off += err->msg.nlmsg_len - NLMSG_HDRLEN;
	}
	a = (const struct rtattr *)((const char *)NLMSG_DATA(n) + NLMSG_ALIGN(off));
	while ((const char *)a + sizeof(*a) <= end && a->rta_len >= sizeof(*a) &&
	       (const char *)a + a->rta_len <= end) {
		if (a->rta_type == NLMSGERR_ATTR_MSG && RTA_PAYLOAD(a) > 0) {
			snprintf(msg, len, "%.*s", (int)RTA_PAYLOAD(a), (const char *)RTA_DATA(a));
			msg[strcspn(msg, "\n")] = 0;
			return;
		}
		a = (const struct rtattr *)((const char *)a + RTA_ALIGN(a->rta_len));
	}
}

/*
 * Send r and read until its ack (or NLMSG_DONE of a dump); replies go to fn. 0 or -errno,
 * with the kernel's sentence in msg when it gave one.
 */
static int nl_talk(struct nl_req *r, nl_reply_fn fn, void *ctx, char *msg, size_t msglen,
		   const char *what)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	static uint32_t seq;
	char *buf = malloc(NL_BUF);
	int fd, one = 1, ret = -EIO;
	bool done = false;

	msg[0] = 0;
	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	r->n.nlmsg_seq = ++seq;
	if (send(fd, r, r->n.nlmsg_len, 0) < 0) {
		ret = -errno;
		goto out;
	}
	while (!done) {
		ssize_t n = recv(fd, buf, NL_BUF, 0);
		struct nlmsghdr *h;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		if (n == 0)
			break;
		left = (size_t)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_seq != r->n.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *err = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*err))) {
					ret = -EBADMSG;
				} else {
					ret = err->error;
					if (ret)
						ext_ack(h, msg, msglen);
				}
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_DONE) {
				ret = 0;
				done = true;
				break;
			}
			if (fn)
				fn(h, ctx);
		}
	}
out:
	trace_emit(RB_TRACE_SYSCALL, "netlink", ret, 0, "%s%s%s", what, msg[0] ? ": " : "", msg);
	if (fd >= 0)
		close(fd);
	free(buf);
	return ret;
}

/* Attribute type's payload in a reply (tcmsg first), or NULL. */
static const struct rtattr *find_attr(const struct nlmsghdr *n, unsigned short type)
{
	int len = (int)n->nlmsg_len - (int)NLMSG_LENGTH(sizeof(struct tcmsg));
	const struct rtattr *a;

	if (len < 0)
		return NULL;
	a = (const struct rtattr *)((const char *)NLMSG_DATA(n) +
				    NLMSG_ALIGN(sizeof(struct tcmsg)));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == type)
			return a;
	return NULL;
}

static bool kind_is(const struct nlmsghdr *n, const char *kind)
{
	const struct rtattr *a = find_attr(n, TCA_KIND);

	return a && RTA_PAYLOAD(a) == strlen(kind) + 1 && !memcmp(RTA_DATA(a), kind, strlen(kind));
}

static uint32_t hook_parent(bool egress)
{
	return TC_H_MAKE(TC_H_CLSACT, egress ? TC_H_MIN_EGRESS : TC_H_MIN_INGRESS);
}

static int qdisc_clsact(int type, int flags, int ifindex, char *msg, size_t len)
{
	struct nl_req r;
	char what[80];

	init_req(&r, type, NLM_F_ACK | flags, ifindex, TC_H_CLSACT, TC_H_MAKE(TC_H_CLSACT, 0), 0);
	add_attr(&r, TCA_KIND, "clsact", sizeof("clsact"));
	snprintf(what, sizeof(what), "%s clsact ifindex %d",
		 type == RTM_NEWQDISC ? "RTM_NEWQDISC" : "RTM_DELQDISC", ifindex);
	return nl_talk(&r, NULL, NULL, msg, len, what);
}

struct echo {
	uint32_t handle, prio;
	bool seen;
};

static void on_echo(const struct nlmsghdr *n, void *ctx)
{
	struct echo *e = ctx;
	const struct tcmsg *t = NLMSG_DATA(n);

	if (n->nlmsg_type != RTM_NEWTFILTER || n->nlmsg_len < NLMSG_LENGTH(sizeof(*t)))
		return;
	e->handle = t->tcm_handle;
	e->prio = TC_H_MAJ(t->tcm_info) >> 16;
	e->seen = true;
}

int nl_tc_attach(int ifindex, bool egress, int prog_fd, const char *name, struct nl_tc_filter *out,
		 struct rb_error *e)
{
	const char *hook = egress ? "egress" : "ingress";
	struct echo echo = {0};
	struct rtattr *opts;
	uint32_t fd = (uint32_t)prog_fd, flags = TCA_BPF_FLAG_ACT_DIRECT;
	char msg[256], what[96];
	struct nl_req r;
	int ret;

	memset(out, 0, sizeof(*out));
	out->ifindex = ifindex;
	out->egress = egress;
	ret = qdisc_clsact(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, msg, sizeof(msg));
	if (ret == 0)
		out->created_qdisc = true;
	else if (ret != -EEXIST)
		return rb_errorf(e, ret, "ifindex %d: adding a clsact qdisc (RTM_NEWQDISC): %s%s%s",
				 ifindex, strerror(-ret), msg[0] ? ": " : "", msg);
	/* priority 0: the kernel picks one, and tells it in the echo */
	init_req(&r, RTM_NEWTFILTER, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, ifindex,
		 hook_parent(egress), 1, TC_H_MAKE(0, htons(ETH_P_ALL)));
	ret = add_attr(&r, TCA_KIND, "bpf", sizeof("bpf"));
	opts = (struct rtattr *)((char *)&r + NLMSG_ALIGN(r.n.nlmsg_len));
	ret = ret ?: add_attr(&r, TCA_OPTIONS | NLA_F_NESTED, NULL, 0);
	ret = ret ?: add_attr(&r, TCA_BPF_FD, &fd, sizeof(fd));
	if (name)
		ret = ret ?: add_attr(&r, TCA_BPF_NAME, name, strlen(name) + 1);
	ret = ret ?: add_attr(&r, TCA_BPF_FLAGS, &flags, sizeof(flags));
	opts->rta_len = (unsigned short)((char *)&r + r.n.nlmsg_len - (char *)opts);
	snprintf(what, sizeof(what), "RTM_NEWTFILTER bpf da ifindex %d %s fd %d", ifindex, hook,
		 prog_fd);
	if (!ret)
		ret = nl_talk(&r, on_echo, &echo, msg, sizeof(msg), what);
	if (ret == 0 && !echo.seen)
		ret = -EPROTO;
	if (ret) {
		rb_errorf(e, ret,
			  "ifindex %d: adding a cls_bpf filter on %s (RTM_NEWTFILTER): %s%s%s",
			  ifindex, hook, strerror(-ret), msg[0] ? ": " : "", msg);
		if (out->created_qdisc)
			qdisc_clsact(RTM_DELQDISC, 0, ifindex, msg, sizeof(msg));
		out->created_qdisc = false;
		return ret;
	}
	out->handle = echo.handle;
	out->prio = echo.prio;
	out->attached = true;
	return 0;
}

static int count_filters(int ifindex, bool egress, const char *kind, struct rb_error *e);

/*
 * Filters (of any kind) left on the clsact qdisc's two hooks: another tool may have added
 * some since we made it, and deleting the qdisc would take them along. -errno when the
 * dump fails (then the qdisc is kept: better a leftover than someone's filters lost).
 */
static int filters_left(int ifindex)
{
	int in = count_filters(ifindex, false, NULL, NULL);
	int out = in < 0 ? in : count_filters(ifindex, true, NULL, NULL);

	return in < 0 ? in : out < 0 ? out : in + out;
}

int nl_tc_detach(struct nl_tc_filter *f)
{
	char msg[256], what[96];
	struct nl_req r;
	int ret = 0;

	if (f->attached) {
		init_req(&r, RTM_DELTFILTER, NLM_F_ACK, f->ifindex, hook_parent(f->egress),
			 f->handle, TC_H_MAKE(f->prio << 16, htons(ETH_P_ALL)));
		add_attr(&r, TCA_KIND, "bpf", sizeof("bpf"));
		snprintf(what, sizeof(what), "RTM_DELTFILTER ifindex %d prio %u handle %u",
			 f->ifindex, f->prio, f->handle);
		ret = nl_talk(&r, NULL, NULL, msg, sizeof(msg), what);
		f->attached = false;
	}
	if (f->created_qdisc) {
		int left = filters_left(f->ifindex), r2 = left;

		if (left == 0)
			r2 = qdisc_clsact(RTM_DELQDISC, 0, f->ifindex, msg, sizeof(msg));
		else if (left > 0)
			trace_emit(RB_TRACE_STAGE, "detach", 0, 0,
				   "clsact qdisc on ifindex %d kept: %d filter%s added by others",
				   f->ifindex, left, left == 1 ? "" : "s");
		if (!ret && r2 < 0)
			ret = r2;
		f->created_qdisc = false;
	}
	return ret;
}

struct counter {
	int n;
	int ifindex;
	const char *kind;
	bool need_handle;
};

static void on_dump(const struct nlmsghdr *n, void *ctx)
{
	struct counter *c = ctx;
	const struct tcmsg *t = NLMSG_DATA(n);

	if (n->nlmsg_len < NLMSG_LENGTH(sizeof(*t)) || t->tcm_ifindex != c->ifindex)
		return;
	/* a filter dump lists a head entry (handle 0) per priority besides the filters */
	if (c->need_handle && !t->tcm_handle)
		return;
	if (!c->kind || kind_is(n, c->kind))
		c->n++;
}

/* Filters of kind (NULL: any) on a hook of ifindex's clsact qdisc. */
static int count_filters(int ifindex, bool egress, const char *kind, struct rb_error *e)
{
	struct counter c = {.ifindex = ifindex, .kind = kind, .need_handle = true};
	struct nl_req r;
	char msg[256];
	int ret;

	init_req(&r, RTM_GETTFILTER, NLM_F_DUMP, ifindex, hook_parent(egress), 0, 0);
	ret = nl_talk(&r, on_dump, &c, msg, sizeof(msg), "RTM_GETTFILTER dump");
	if (ret == -EINVAL || ret == -ENOENT)
		return 0; /* no clsact qdisc: no hook to list */
	if (ret)
		return rb_errorf(e, ret, "ifindex %d: listing tc filters: %s", ifindex,
				 strerror(-ret));
	return c.n;
}

int nl_tc_count_filters(int ifindex, bool egress, struct rb_error *e)
{
	return count_filters(ifindex, egress, "bpf", e);
}

int nl_tc_count_all_filters(int ifindex, bool egress, struct rb_error *e)
{
	return count_filters(ifindex, egress, NULL, e);
}

int nl_tc_has_clsact(int ifindex, struct rb_error *e)
{
	struct counter c = {.ifindex = ifindex, .kind = "clsact"};
	struct nl_req r;
	char msg[256];
	int ret;

	init_req(&r, RTM_GETQDISC, NLM_F_DUMP, 0, 0, 0, 0);
	ret = nl_talk(&r, on_dump, &c, msg, sizeof(msg), "RTM_GETQDISC dump");
	if (ret)
		return rb_errorf(e, ret, "listing qdiscs: %s", strerror(-ret));
	return c.n > 0;
}
