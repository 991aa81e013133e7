/* Section rules: matching (exact, "x+", first match wins), flags and attach-target parsing. */
#include <errno.h>
#include <linux/bpf.h>

#include "loader/secdef.h"
#include "testlib.h"

static const struct secdef *find_ok(const char *sec)
{
	const struct secdef *d = secdef_find(sec);

	ck_assert_msg(d != NULL, "no rule for %s", sec);
	return d;
}

START_TEST(matching_rules)
{
	/* "x" is exact only */
	ck_assert_ptr_null(secdef_find("tc/foo"));
	ck_assert_ptr_null(secdef_find("xdpfoo"));
	ck_assert_ptr_null(secdef_find("socket/1"));
	ck_assert_str_eq(find_ok("socket")->sec, "socket");
	/* "x+" is exact or x/... but not a longer word */
	ck_assert_str_eq(find_ok("kprobe")->sec, "kprobe+");
	ck_assert_str_eq(find_ok("kprobe/do_sys_open")->sec, "kprobe+");
	ck_assert_str_eq(find_ok("kprobe.multi/vfs_*")->sec, "kprobe.multi+");
	ck_assert_ptr_null(secdef_find("kprobex/foo"));
	/* more specific entries come first */
	ck_assert_str_eq(find_ok("sk_reuseport/migrate")->sec, "sk_reuseport/migrate");
	ck_assert_str_eq(find_ok("xdp.frags/devmap")->sec, "xdp.frags/devmap");
	ck_assert_str_eq(find_ok("xdp/cpumap")->sec, "xdp/cpumap");
	ck_assert_str_eq(find_ok("tc/ingress")->sec, "tc/ingress");
	ck_assert_str_eq(find_ok("uprobe.s/bin:f")->sec, "uprobe.s+");
	ck_assert_str_eq(find_ok("uretprobe.multi.s/bin:f*")->sec, "uretprobe.multi.s+");
}
END_TEST

START_TEST(types_and_flags)
{
	const struct secdef *d;

	d = find_ok("tp_btf/sched_switch");
	ck_assert_uint_eq(d->prog_type, BPF_PROG_TYPE_TRACING);
	ck_assert_int_eq(d->attach_type, BPF_TRACE_RAW_TP);
	ck_assert(d->flags & SECDEF_ATTACH_BTF);
	d = find_ok("lsm.s/file_open");
	ck_assert_uint_eq(d->prog_type, BPF_PROG_TYPE_LSM);
	ck_assert(d->flags & SECDEF_SLEEPABLE);
	d = find_ok("cgroup_skb/ingress");
	ck_assert_int_eq(d->attach_type, BPF_CGROUP_INET_INGRESS); /* 0, but a real one */
	d = find_ok("cgroup/skb");
	ck_assert_int_eq(d->attach_type, SECDEF_NO_ATTACH);
	d = find_ok("xdp.frags");
	ck_assert(d->flags & SECDEF_XDP_FRAGS);
	d = find_ok("usdt/bin:prov:name");
	ck_assert(d->flags & SECDEF_USDT);
	d = find_ok("tcx/egress");
	ck_assert_int_eq(d->attach_type, SECDEF_ATTACH_TCX_EGRESS);
	ck_assert_str_eq(secdef_attach_type_name(d->attach_type), "tcx_egress");
	d = find_ok("netfilter");
	ck_assert_str_eq(secdef_prog_type_name(d->prog_type), "netfilter");
	ck_assert_str_eq(secdef_prog_type_name(find_ok("raw_tp.w/x")->prog_type),
			 "raw_tracepoint_writable");
	ck_assert_int_eq(secdef_prog_type_by_name("sched_cls"), BPF_PROG_TYPE_SCHED_CLS);
	ck_assert_int_eq(secdef_attach_type_by_name("trace_fentry"), BPF_TRACE_FENTRY);
	ck_assert_int_eq(secdef_attach_type_by_name("nope"), -1);
}
END_TEST

static void parse_ok(const char *sec, struct secdef_attach *a)
{
	struct rb_error err = { 0 };

	ck_assert_msg(secdef_parse_attach(find_ok(sec), sec, a, &err) == 0, "%s: %s", sec, err.msg);
}

static void parse_bad(const char *sec, const char *msg)
{
	struct rb_error err = { 0 };
	struct secdef_attach a;

	ck_assert_int_eq(secdef_parse_attach(find_ok(sec), sec, &a, &err), -EINVAL);
	ck_assert_str_eq(err.msg, msg);
	secdef_attach_free(&a);
}

START_TEST(attach_targets)
{
	struct secdef_attach a;
	char buf[256];

	parse_ok("tp/sched/sched_switch", &a);
	ck_assert_str_eq(a.binary, "sched");
	ck_assert_str_eq(a.func, "sched_switch");
	secdef_attach_free(&a);

	parse_ok("kprobe/do_sys_open+0x10", &a);
	ck_assert_str_eq(a.func, "do_sys_open");
	ck_assert_uint_eq(a.offset, 16);
	secdef_attach_describe(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "do_sys_open+0x10");
	secdef_attach_free(&a);

	parse_ok("uprobe//usr/bin/bash:readline+4", &a);
	ck_assert_str_eq(a.binary, "/usr/bin/bash");
	ck_assert_str_eq(a.func, "readline");
	ck_assert_uint_eq(a.offset, 4);
	secdef_attach_free(&a);

	parse_ok("uprobe/libc.so.6:0x1234", &a);
	ck_assert_str_eq(a.binary, "libc.so.6");
	ck_assert_ptr_null(a.func);
	ck_assert_uint_eq(a.offset, 0x1234);
	secdef_attach_describe(&a, buf, sizeof(buf));
	ck_assert_str_eq(buf, "libc.so.6:0x1234");
	secdef_attach_free(&a);

	parse_ok("usdt//usr/lib/libc.so.6:libc:setjmp", &a);
	ck_assert_str_eq(a.binary, "/usr/lib/libc.so.6");
	ck_assert_str_eq(a.func, "libc");
	ck_assert_str_eq(a.name, "setjmp");
	secdef_attach_free(&a);

	parse_ok("fentry/bpf_testmod:bpf_testmod_test_read", &a);
	ck_assert_str_eq(a.module, "bpf_testmod");
	ck_assert_str_eq(a.btf_name, "bpf_testmod_test_read");
	secdef_attach_free(&a);

	parse_ok("lsm/file_open", &a);
	ck_assert_str_eq(a.btf_name, "bpf_lsm_file_open");
	secdef_attach_free(&a);
	parse_ok("iter/task_file", &a);
	ck_assert_str_eq(a.btf_name, "bpf_iter_task_file");
	secdef_attach_free(&a);
	parse_ok("tp_btf/sched_switch", &a);
	ck_assert_str_eq(a.btf_name, "btf_trace_sched_switch");
	secdef_attach_free(&a);

	/* no target: fine, given at attach time */
	parse_ok("kprobe", &a);
	ck_assert_ptr_null(a.text);
	secdef_attach_free(&a);

	parse_bad("tp/sched", "section 'tp/sched': malformed attach target: expected "
		  "'category/name' after the prefix");
	parse_bad("kretprobe/f+8", "section 'kretprobe/f+8': malformed attach target: expected a "
		  "function without offset (a return probe fires at the function's return)");
	parse_bad("kprobe/f+zz", "section 'kprobe/f+zz': malformed attach target: expected "
		  "'function' or 'function+offset' after the prefix");
	parse_bad("usdt/bin:only", "section 'usdt/bin:only': malformed attach target: expected "
		  "'path:provider:name' after the prefix");
}
END_TEST

START_TEST(nearest_prefix)
{
	char buf[64];

	ck_assert_str_eq(secdef_nearest("kprob/foo", buf, sizeof(buf)), "kprobe");
	ck_assert_str_eq(secdef_nearest("tracepoitn/a/b", buf, sizeof(buf)), "tracepoint");
	ck_assert_str_eq(secdef_nearest("?xpd", buf, sizeof(buf)), "xdp");
	ck_assert_str_eq(secdef_nearest("cgroup_sbk/ingress", buf, sizeof(buf)), "cgroup_skb");
	ck_assert_ptr_null(secdef_nearest("completely_unrelated_name", buf, sizeof(buf)));
	ck_assert_ptr_null(secdef_nearest("static", buf, sizeof(buf)));
	ck_assert_ptr_null(secdef_nearest("other", buf, sizeof(buf)));
	/* a known prefix with more glued on */
	ck_assert_str_eq(secdef_nearest("socket_filter/x", buf, sizeof(buf)), "socket");
	ck_assert_str_eq(secdef_nearest("kprobe_multi/x", buf, sizeof(buf)), "kprobe.multi");
	ck_assert_str_eq(secdef_nearest("socket/tail", buf, sizeof(buf)), "socket");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("secdef");
	TCase *tc = tcase_create("secdef");

	tcase_add_test(tc, matching_rules);
	tcase_add_test(tc, types_and_flags);
	tcase_add_test(tc, attach_targets);
	tcase_add_test(tc, nearest_prefix);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
