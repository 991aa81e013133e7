// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The section-name table and its matching rules. An entry "x" matches only "x"; "x+" matches
 * "x" or "x/anything"; the first match wins, so more specific entries come first.
 */
#include <ctype.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/secdef.h"
#include "util/err.h"

#define P(x) BPF_PROG_TYPE_##x
#define A(x) BPF_##x
#define NOA SECDEF_NO_ATTACH
#define ATT_OPT (SECDEF_ATTACHABLE | SECDEF_EXP_ATTACH_OPT)
#define BTF_ SECDEF_ATTACH_BTF
#define SLP SECDEF_SLEEPABLE

static const struct secdef table[] = {
	{ "socket", P(SOCKET_FILTER), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "sk_reuseport/migrate", P(SK_REUSEPORT), A(SK_REUSEPORT_SELECT_OR_MIGRATE),
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "sk_reuseport", P(SK_REUSEPORT), A(SK_REUSEPORT_SELECT), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "kprobe+", P(KPROBE), NOA, 0, SECDEF_TGT_KPROBE, NULL, false },
	{ "uprobe+", P(KPROBE), NOA, 0, SECDEF_TGT_UPROBE, NULL, false },
	{ "uprobe.s+", P(KPROBE), NOA, SLP, SECDEF_TGT_UPROBE, NULL, false },
	{ "kretprobe+", P(KPROBE), NOA, 0, SECDEF_TGT_KRETPROBE, NULL, false },
	{ "uretprobe+", P(KPROBE), NOA, 0, SECDEF_TGT_URETPROBE, NULL, false },
	{ "uretprobe.s+", P(KPROBE), NOA, SLP, SECDEF_TGT_URETPROBE, NULL, false },
	{ "kprobe.multi+", P(KPROBE), A(TRACE_KPROBE_MULTI), 0, SECDEF_TGT_KPROBE_MULTI, NULL,
	  false },
	{ "kretprobe.multi+", P(KPROBE), A(TRACE_KPROBE_MULTI), 0, SECDEF_TGT_KPROBE_MULTI, NULL,
	  false },
	{ "kprobe.session+", P(KPROBE), SECDEF_ATTACH_KPROBE_SESSION, 0, SECDEF_TGT_KPROBE_MULTI,
	  NULL, false },
	{ "uprobe.multi+", P(KPROBE), SECDEF_ATTACH_UPROBE_MULTI, 0, SECDEF_TGT_UPROBE_MULTI, NULL,
	  false },
	{ "uretprobe.multi+", P(KPROBE), SECDEF_ATTACH_UPROBE_MULTI, 0, SECDEF_TGT_UPROBE_MULTI,
	  NULL, false },
	{ "uprobe.session+", P(KPROBE), SECDEF_ATTACH_UPROBE_SESSION, 0, SECDEF_TGT_UPROBE_MULTI,
	  NULL, false },
	{ "uprobe.multi.s+", P(KPROBE), SECDEF_ATTACH_UPROBE_MULTI, SLP, SECDEF_TGT_UPROBE_MULTI,
	  NULL, false },
	{ "uretprobe.multi.s+", P(KPROBE), SECDEF_ATTACH_UPROBE_MULTI, SLP,
	  SECDEF_TGT_UPROBE_MULTI, NULL, false },
	{ "uprobe.session.s+", P(KPROBE), SECDEF_ATTACH_UPROBE_SESSION, SLP,
	  SECDEF_TGT_UPROBE_MULTI, NULL, false },
	{ "ksyscall+", P(KPROBE), NOA, 0, SECDEF_TGT_KSYSCALL, NULL, false },
	{ "kretsyscall+", P(KPROBE), NOA, 0, SECDEF_TGT_KSYSCALL, NULL, false },
	{ "usdt+", P(KPROBE), NOA, SECDEF_USDT, SECDEF_TGT_USDT, NULL, false },
	{ "usdt.s+", P(KPROBE), NOA, SECDEF_USDT | SLP, SECDEF_TGT_USDT, NULL, false },
	{ "tc/ingress", P(SCHED_CLS), SECDEF_ATTACH_TCX_INGRESS, 0, SECDEF_TGT_NONE, NULL, false },
	{ "tc/egress", P(SCHED_CLS), SECDEF_ATTACH_TCX_EGRESS, 0, SECDEF_TGT_NONE, NULL, false },
	{ "tcx/ingress", P(SCHED_CLS), SECDEF_ATTACH_TCX_INGRESS, 0, SECDEF_TGT_NONE, NULL, false },
	{ "tcx/egress", P(SCHED_CLS), SECDEF_ATTACH_TCX_EGRESS, 0, SECDEF_TGT_NONE, NULL, false },
	{ "tc", P(SCHED_CLS), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "classifier", P(SCHED_CLS), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "action", P(SCHED_ACT), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "netkit/primary", P(SCHED_CLS), SECDEF_ATTACH_NETKIT_PRIMARY, 0, SECDEF_TGT_NONE, NULL,
	  false },
	{ "netkit/peer", P(SCHED_CLS), SECDEF_ATTACH_NETKIT_PEER, 0, SECDEF_TGT_NONE, NULL, false },
	{ "tracepoint+", P(TRACEPOINT), NOA, 0, SECDEF_TGT_TRACEPOINT, NULL, false },
	{ "tp+", P(TRACEPOINT), NOA, 0, SECDEF_TGT_TRACEPOINT, NULL, false },
	{ "tracepoint.s+", P(TRACEPOINT), NOA, SLP, SECDEF_TGT_TRACEPOINT, NULL, false },
	{ "tp.s+", P(TRACEPOINT), NOA, SLP, SECDEF_TGT_TRACEPOINT, NULL, false },
	{ "raw_tracepoint+", P(RAW_TRACEPOINT), NOA, 0, SECDEF_TGT_RAW_TP, NULL, false },
	{ "raw_tp+", P(RAW_TRACEPOINT), NOA, 0, SECDEF_TGT_RAW_TP, NULL, false },
	{ "raw_tracepoint.s+", P(RAW_TRACEPOINT), NOA, SLP, SECDEF_TGT_RAW_TP, NULL, false },
	{ "raw_tp.s+", P(RAW_TRACEPOINT), NOA, SLP, SECDEF_TGT_RAW_TP, NULL, false },
	{ "raw_tracepoint.w+", P(RAW_TRACEPOINT_WRITABLE), NOA, 0, SECDEF_TGT_RAW_TP, NULL, false },
	{ "raw_tp.w+", P(RAW_TRACEPOINT_WRITABLE), NOA, 0, SECDEF_TGT_RAW_TP, NULL, false },
	{ "tp_btf+", P(TRACING), A(TRACE_RAW_TP), BTF_, SECDEF_TGT_BTF, "btf_trace_", true },
	{ "tp_btf.s+", P(TRACING), A(TRACE_RAW_TP), BTF_ | SLP, SECDEF_TGT_BTF, "btf_trace_",
	  true },
	{ "fentry+", P(TRACING), A(TRACE_FENTRY), BTF_, SECDEF_TGT_BTF, "", false },
	{ "fmod_ret+", P(TRACING), A(MODIFY_RETURN), BTF_, SECDEF_TGT_BTF, "", false },
	{ "fexit+", P(TRACING), A(TRACE_FEXIT), BTF_, SECDEF_TGT_BTF, "", false },
	{ "fentry.s+", P(TRACING), A(TRACE_FENTRY), BTF_ | SLP, SECDEF_TGT_BTF, "", false },
	{ "fmod_ret.s+", P(TRACING), A(MODIFY_RETURN), BTF_ | SLP, SECDEF_TGT_BTF, "", false },
	{ "fexit.s+", P(TRACING), A(TRACE_FEXIT), BTF_ | SLP, SECDEF_TGT_BTF, "", false },
	{ "fsession+", P(TRACING), SECDEF_ATTACH_FSESSION, BTF_, SECDEF_TGT_BTF, "", false },
	{ "fsession.s+", P(TRACING), SECDEF_ATTACH_FSESSION, BTF_ | SLP, SECDEF_TGT_BTF, "",
	  false },
	{ "fentry.multi+", P(TRACING), SECDEF_ATTACH_FENTRY_MULTI, 0, SECDEF_TGT_KPROBE_MULTI,
	  NULL, false },
	{ "fexit.multi+", P(TRACING), SECDEF_ATTACH_FEXIT_MULTI, 0, SECDEF_TGT_KPROBE_MULTI, NULL,
	  false },
	{ "fsession.multi+", P(TRACING), SECDEF_ATTACH_FSESSION_MULTI, 0, SECDEF_TGT_KPROBE_MULTI,
	  NULL, false },
	{ "fentry.multi.s+", P(TRACING), SECDEF_ATTACH_FENTRY_MULTI, SLP, SECDEF_TGT_KPROBE_MULTI,
	  NULL, false },
	{ "fexit.multi.s+", P(TRACING), SECDEF_ATTACH_FEXIT_MULTI, SLP, SECDEF_TGT_KPROBE_MULTI,
	  NULL, false },
	{ "fsession.multi.s+", P(TRACING), SECDEF_ATTACH_FSESSION_MULTI, SLP,
	  SECDEF_TGT_KPROBE_MULTI, NULL, false },
	{ "freplace+", P(EXT), NOA, BTF_, SECDEF_TGT_FREPLACE, NULL, false },
	{ "lsm+", P(LSM), A(LSM_MAC), BTF_, SECDEF_TGT_BTF, "bpf_lsm_", false },
	{ "lsm.s+", P(LSM), A(LSM_MAC), BTF_ | SLP, SECDEF_TGT_BTF, "bpf_lsm_", false },
	{ "lsm_cgroup+", P(LSM), A(LSM_CGROUP), BTF_, SECDEF_TGT_BTF, "bpf_lsm_", false },
	{ "iter+", P(TRACING), A(TRACE_ITER), BTF_, SECDEF_TGT_BTF, "bpf_iter_", false },
	{ "iter.s+", P(TRACING), A(TRACE_ITER), BTF_ | SLP, SECDEF_TGT_BTF, "bpf_iter_", false },
	{ "syscall", P(SYSCALL), NOA, SLP, SECDEF_TGT_NONE, NULL, false },
	{ "xdp.frags/devmap", P(XDP), A(XDP_DEVMAP), SECDEF_XDP_FRAGS, SECDEF_TGT_NONE, NULL,
	  false },
	{ "xdp/devmap", P(XDP), A(XDP_DEVMAP), SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "xdp.frags/cpumap", P(XDP), A(XDP_CPUMAP), SECDEF_XDP_FRAGS, SECDEF_TGT_NONE, NULL,
	  false },
	{ "xdp/cpumap", P(XDP), A(XDP_CPUMAP), SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "xdp.frags", P(XDP), A(XDP), SECDEF_XDP_FRAGS, SECDEF_TGT_NONE, NULL, false },
	{ "xdp", P(XDP), A(XDP), ATT_OPT, SECDEF_TGT_NONE, NULL, false },
	{ "perf_event", P(PERF_EVENT), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "lwt_in", P(LWT_IN), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "lwt_out", P(LWT_OUT), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "lwt_xmit", P(LWT_XMIT), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "lwt_seg6local", P(LWT_SEG6LOCAL), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "sockops", P(SOCK_OPS), A(CGROUP_SOCK_OPS), ATT_OPT, SECDEF_TGT_NONE, NULL, false },
	{ "sk_skb/stream_parser", P(SK_SKB), A(SK_SKB_STREAM_PARSER), ATT_OPT, SECDEF_TGT_NONE,
	  NULL, false },
	{ "sk_skb/stream_verdict", P(SK_SKB), A(SK_SKB_STREAM_VERDICT), ATT_OPT, SECDEF_TGT_NONE,
	  NULL, false },
	{ "sk_skb/verdict", P(SK_SKB), A(SK_SKB_VERDICT), ATT_OPT, SECDEF_TGT_NONE, NULL, false },
	{ "sk_skb", P(SK_SKB), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "sk_msg", P(SK_MSG), A(SK_MSG_VERDICT), ATT_OPT, SECDEF_TGT_NONE, NULL, false },
	{ "lirc_mode2", P(LIRC_MODE2), A(LIRC_MODE2), ATT_OPT, SECDEF_TGT_NONE, NULL, false },
	{ "flow_dissector", P(FLOW_DISSECTOR), A(FLOW_DISSECTOR), ATT_OPT, SECDEF_TGT_NONE, NULL,
	  false },
	{ "cgroup_skb/ingress", P(CGROUP_SKB), A(CGROUP_INET_INGRESS), ATT_OPT, SECDEF_TGT_NONE,
	  NULL, false },
	{ "cgroup_skb/egress", P(CGROUP_SKB), A(CGROUP_INET_EGRESS), ATT_OPT, SECDEF_TGT_NONE,
	  NULL, false },
	{ "cgroup/skb", P(CGROUP_SKB), NOA, 0, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/sock_create", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_CREATE), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/sock_release", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_RELEASE), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/sock", P(CGROUP_SOCK), A(CGROUP_INET_SOCK_CREATE), ATT_OPT, SECDEF_TGT_NONE,
	  NULL, false },
	{ "cgroup/post_bind4", P(CGROUP_SOCK), A(CGROUP_INET4_POST_BIND), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/post_bind6", P(CGROUP_SOCK), A(CGROUP_INET6_POST_BIND), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/bind4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_BIND), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/bind6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_BIND), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/connect4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_CONNECT), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/connect6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_CONNECT), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/connect_unix", P(CGROUP_SOCK_ADDR), SECDEF_ATTACH_UNIX_CONNECT,
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/sendmsg4", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP4_SENDMSG), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/sendmsg6", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP6_SENDMSG), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/sendmsg_unix", P(CGROUP_SOCK_ADDR), SECDEF_ATTACH_UNIX_SENDMSG,
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/recvmsg4", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP4_RECVMSG), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/recvmsg6", P(CGROUP_SOCK_ADDR), A(CGROUP_UDP6_RECVMSG), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/recvmsg_unix", P(CGROUP_SOCK_ADDR), SECDEF_ATTACH_UNIX_RECVMSG,
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/getpeername4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_GETPEERNAME),
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/getpeername6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_GETPEERNAME),
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/getpeername_unix", P(CGROUP_SOCK_ADDR), SECDEF_ATTACH_UNIX_GETPEERNAME,
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/getsockname4", P(CGROUP_SOCK_ADDR), A(CGROUP_INET4_GETSOCKNAME),
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/getsockname6", P(CGROUP_SOCK_ADDR), A(CGROUP_INET6_GETSOCKNAME),
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/getsockname_unix", P(CGROUP_SOCK_ADDR), SECDEF_ATTACH_UNIX_GETSOCKNAME,
	  SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/sysctl", P(CGROUP_SYSCTL), A(CGROUP_SYSCTL), SECDEF_ATTACHABLE, SECDEF_TGT_NONE,
	  NULL, false },
	{ "cgroup/getsockopt", P(CGROUP_SOCKOPT), A(CGROUP_GETSOCKOPT), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/setsockopt", P(CGROUP_SOCKOPT), A(CGROUP_SETSOCKOPT), SECDEF_ATTACHABLE,
	  SECDEF_TGT_NONE, NULL, false },
	{ "cgroup/dev", P(CGROUP_DEVICE), A(CGROUP_DEVICE), ATT_OPT, SECDEF_TGT_NONE, NULL, false },
	{ "struct_ops+", P(STRUCT_OPS), NOA, 0, SECDEF_TGT_STRUCT_OPS, NULL, false },
	{ "struct_ops.s+", P(STRUCT_OPS), NOA, SLP, SECDEF_TGT_STRUCT_OPS, NULL, false },
	{ "sk_lookup", P(SK_LOOKUP), A(SK_LOOKUP), SECDEF_ATTACHABLE, SECDEF_TGT_NONE, NULL, false },
	{ "netfilter", SECDEF_PROG_TYPE_NETFILTER, SECDEF_ATTACH_NETFILTER, 0, SECDEF_TGT_NONE,
	  NULL, false },
};

const struct secdef *secdef_table(size_t *cnt)
{
	*cnt = sizeof(table) / sizeof(table[0]);
	return table;
}

static bool matches(const struct secdef *d, const char *sec)
{
	size_t n = strlen(d->sec);

	if (n && d->sec[n - 1] == '+') {
		n--;
		if (strncmp(sec, d->sec, n))
			return false;
		return sec[n] == '\0' || sec[n] == '/';
	}
	return !strcmp(sec, d->sec);
}

const struct secdef *secdef_find(const char *sec)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (matches(&table[i], sec))
			return &table[i];
	return NULL;
}

const char *secdef_prefix(const struct secdef *d, char *buf, size_t len)
{
	size_t n = strlen(d->sec);

	if (n && d->sec[n - 1] == '+')
		n--;
	snprintf(buf, len, "%.*s", (int)n, d->sec);
	return buf;
}

void secdef_attach_free(struct secdef_attach *a)
{
	free(a->text);
	free(a->module);
	free(a->binary);
	free(a->func);
	free(a->name);
	free(a->btf_name);
	memset(a, 0, sizeof(*a));
}

static char *dupn(const char *s, size_t n)
{
	return strndup(s, n);
}

/* "name+off" or "name": split at '+' and parse the offset (decimal or 0x). */
static int split_offset(const char *s, char **func, uint64_t *off, bool *bad)
{
	const char *plus = strrchr(s, '+');
	char *end;

	*bad = false;
	*off = 0;
	if (!plus) {
		*func = strdup(s);
		return *func ? 0 : -ENOMEM;
	}
	errno = 0;
	*off = strtoull(plus + 1, &end, 0);
	if (plus[1] == '\0' || *end || errno || plus[1] == '-') {
		*bad = true;
		return 0;
	}
	*func = dupn(s, plus - s);
	return *func ? 0 : -ENOMEM;
}

static bool is_number(const char *s)
{
	char *end;

	if (!*s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	strtoull(s, &end, 0);
	return !*end && !errno;
}

static int bad_target(struct rb_error *err, const char *sec, const char *what)
{
	return rb_errorf(err, EINVAL, "section '%s': malformed attach target: expected %s", sec,
			 what);
}

int secdef_parse_attach(const struct secdef *d, const char *sec, struct secdef_attach *out,
			struct rb_error *err)
{
	const char *slash = strchr(sec, '/');
	const char *rest = slash ? slash + 1 : NULL;
	const char *colon;
	bool bad;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->kind = d->target;
	if (!rest || !*rest || d->target == SECDEF_TGT_NONE)
		return 0;
	out->text = strdup(rest);
	if (!out->text)
		return -ENOMEM;
	switch (d->target) {
	case SECDEF_TGT_NONE:
		break;
	case SECDEF_TGT_TRACEPOINT: {
		const char *s2 = strchr(rest, '/');

		if (!s2 || s2 == rest || !s2[1] || strchr(s2 + 1, '/'))
			return bad_target(err, sec, "'category/name' after the prefix");
		out->binary = dupn(rest, s2 - rest);
		out->func = strdup(s2 + 1);
		break;
	}
	case SECDEF_TGT_RAW_TP:
	case SECDEF_TGT_KSYSCALL:
	case SECDEF_TGT_KPROBE_MULTI:
	case SECDEF_TGT_STRUCT_OPS:
	case SECDEF_TGT_FREPLACE:
		out->func = strdup(rest);
		break;
	case SECDEF_TGT_KPROBE:
	case SECDEF_TGT_KRETPROBE:
		ret = split_offset(rest, &out->func, &out->offset, &bad);
		if (!ret && (bad || !out->func || !*out->func))
			return bad_target(err, sec, "'function' or 'function+offset' after the prefix");
		if (!ret && d->target == SECDEF_TGT_KRETPROBE && out->offset)
			return bad_target(err, sec, "a function without offset (a return probe "
					  "fires at the function's return)");
		break;
	case SECDEF_TGT_UPROBE:
	case SECDEF_TGT_URETPROBE:
		colon = strrchr(rest, ':');
		if (!colon || colon == rest || !colon[1])
			return bad_target(err, sec, "'binary:function[+offset]' after the prefix");
		out->binary = dupn(rest, colon - rest);
		if (is_number(colon + 1)) {
			out->offset = strtoull(colon + 1, NULL, 0);
			break;
		}
		ret = split_offset(colon + 1, &out->func, &out->offset, &bad);
		if (!ret && (bad || !out->func || !*out->func))
			return bad_target(err, sec, "'binary:function[+offset]' after the prefix");
		if (!ret && d->target == SECDEF_TGT_URETPROBE && out->offset)
			return bad_target(err, sec, "'binary:function' without offset for a return "
					  "probe");
		break;
	case SECDEF_TGT_UPROBE_MULTI:
		colon = strrchr(rest, ':');
		if (!colon || colon == rest || !colon[1])
			return bad_target(err, sec, "'path:function-glob' after the prefix");
		out->binary = dupn(rest, colon - rest);
		out->func = strdup(colon + 1);
		break;
	case SECDEF_TGT_USDT: {
		const char *c2;

		colon = strrchr(rest, ':');
		if (!colon || colon == rest)
			return bad_target(err, sec, "'path:provider:name' after the prefix");
		for (c2 = colon - 1; c2 > rest && *c2 != ':'; c2--)
			;
		if (c2 == rest || !colon[1] || c2 + 1 == colon)
			return bad_target(err, sec, "'path:provider:name' after the prefix");
		out->binary = dupn(rest, c2 - rest);
		out->func = dupn(c2 + 1, colon - c2 - 1);
		out->name = strdup(colon + 1);
		break;
	}
	case SECDEF_TGT_BTF: {
		const char *fn = rest;
		size_t plen = strlen(d->btf_prefix ? d->btf_prefix : "");

		colon = strchr(rest, ':');
		if (colon) {
			if (colon == rest || !colon[1])
				return bad_target(err, sec, "'[module:]name' after the prefix");
			out->module = dupn(rest, colon - rest);
			fn = colon + 1;
		}
		out->func = strdup(fn);
		out->btf_name = malloc(plen + strlen(fn) + 1);
		if (out->btf_name) {
			memcpy(out->btf_name, d->btf_prefix ? d->btf_prefix : "", plen);
			strcpy(out->btf_name + plen, fn);
		}
		if (!out->btf_name)
			ret = -ENOMEM;
		break;
	}
	}
	if (ret)
		return rb_errorf(err, ret, "section '%s': out of memory", sec);
	return 0;
}

void secdef_attach_describe(const struct secdef_attach *a, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!a->text)
		return;
	switch (a->kind) {
	case SECDEF_TGT_KPROBE:
		if (a->offset)
			snprintf(buf, len, "%s+0x%llx", a->func, (unsigned long long)a->offset);
		else
			snprintf(buf, len, "%s", a->func);
		break;
	case SECDEF_TGT_UPROBE:
	case SECDEF_TGT_URETPROBE:
		if (!a->func)
			snprintf(buf, len, "%s:0x%llx", a->binary, (unsigned long long)a->offset);
		else if (a->offset)
			snprintf(buf, len, "%s:%s+0x%llx", a->binary, a->func,
				 (unsigned long long)a->offset);
		else
			snprintf(buf, len, "%s:%s", a->binary, a->func);
		break;
	default:
		snprintf(buf, len, "%s", a->text);
	}
}

/* Edit distance counting a swap of neighbours as one edit (typos are mostly that). */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	unsigned char d[40][40];

	if (la > 39)
		la = 39;
	if (lb > 39)
		lb = 39;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			unsigned int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1u < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1u < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1u < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *secdef_nearest(const char *sec, char *buf, size_t len)
{
	size_t best = (size_t)-1, glued = 0, n;
	const struct secdef *bd = NULL, *bg = NULL;
	char p[64];

	if (sec[0] == '?')
		sec++;
	n = strcspn(sec, "/");
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		size_t d, pl;

		secdef_prefix(&table[i], p, sizeof(p));
		pl = strcspn(p, "/");
		/* Compare like with like: the first component of the table entry. */
		d = edit_distance(sec, n, p, pl);
		if (d < best) {
			best = d;
			bd = &table[i];
		}
		/* A known prefix with more text glued on ("socket_filter"). */
		if (pl < n && pl > glued && !strncmp(sec, p, pl)) {
			glued = pl;
			bg = &table[i];
		}
	}
	/* A hint only helps if it is close: a typo, not another word. */
	if (!bd || best > (n / 3 > 1 ? n / 3 : 1))
		bd = bg;
	if (!bd)
		return NULL;
	secdef_prefix(bd, buf, len);
	buf[strcspn(buf, "/")] = '\0';
	return buf;
}

static const char *const prog_type_names[] = {
	"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp",
	"perf_event", "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops",
	"sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint", "cgroup_sock_addr",
	"lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector", "cgroup_sysctl",
	"raw_tracepoint_writable", "cgroup_sockopt", "tracing", "struct_ops", "ext", "lsm",
	"sk_lookup", "syscall", "netfilter",
};

static const char *const attach_type_names[SECDEF_ATTACH_MAX] = {
	"cgroup_inet_ingress", "cgroup_inet_egress", "cgroup_inet_sock_create", "cgroup_sock_ops",
	"sk_skb_stream_parser", "sk_skb_stream_verdict", "cgroup_device", "sk_msg_verdict",
	"cgroup_inet4_bind", "cgroup_inet6_bind", "cgroup_inet4_connect", "cgroup_inet6_connect",
	"cgroup_inet4_post_bind", "cgroup_inet6_post_bind", "cgroup_udp4_sendmsg",
	"cgroup_udp6_sendmsg", "lirc_mode2", "flow_dissector", "cgroup_sysctl",
	"cgroup_udp4_recvmsg", "cgroup_udp6_recvmsg", "cgroup_getsockopt", "cgroup_setsockopt",
	"trace_raw_tp", "trace_fentry", "trace_fexit", "modify_return", "lsm_mac", "trace_iter",
	"cgroup_inet4_getpeername", "cgroup_inet6_getpeername", "cgroup_inet4_getsockname",
	"cgroup_inet6_getsockname", "xdp_devmap", "cgroup_inet_sock_release", "xdp_cpumap",
	"sk_lookup", "xdp", "sk_skb_verdict", "sk_reuseport_select",
	"sk_reuseport_select_or_migrate", "perf_event", "trace_kprobe_multi", "lsm_cgroup",
	"struct_ops", "netfilter", "tcx_ingress", "tcx_egress", "trace_uprobe_multi",
	"cgroup_unix_connect", "cgroup_unix_sendmsg", "cgroup_unix_recvmsg",
	"cgroup_unix_getpeername", "cgroup_unix_getsockname", "netkit_primary", "netkit_peer",
	"trace_kprobe_session", "trace_uprobe_session", "trace_fsession", "trace_fentry_multi",
	"trace_fexit_multi", "trace_fsession_multi",
};

const char *secdef_prog_type_name(uint32_t t)
{
	if (t < sizeof(prog_type_names) / sizeof(prog_type_names[0]))
		return prog_type_names[t];
	return NULL;
}

const char *secdef_attach_type_name(int t)
{
	if (t >= 0 && t < SECDEF_ATTACH_MAX)
		return attach_type_names[t];
	return NULL;
}

int secdef_prog_type_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(prog_type_names) / sizeof(prog_type_names[0]); i++)
		if (!strcmp(prog_type_names[i], name))
			return i;
	return -1;
}

int secdef_attach_type_by_name(const char *name)
{
	for (int i = 0; i < SECDEF_ATTACH_MAX; i++)
		if (!strcmp(attach_type_names[i], name))
			return i;
	return -1;
}
