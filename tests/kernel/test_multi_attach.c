/*
 * Multi-probe attach through rb_loaded_attach_opts: uprobe_multi.bpf.o on the functions of
 * this executable matching "rb_multi_*" (three of them; rb_multi_other_ is not matched by
 * the narrower glob used for the return probe), arguments and return values added up in a
 * map; a glob matching nothing names the file and the close names; kprobe_multi.bpf.o,
 * which this kernel refuses for want of the kprobe_multi link, says so (where the kernel
 * has it, the test unlinks a file and counts).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "rawbpf.h"
#include "testlib.h"
#include "testload.h"

volatile long rb_sink;

__attribute__((noinline, used)) long rb_multi_one(long x)
{
	rb_sink = x;
	return x + 1;
}

__attribute__((noinline, used)) long rb_multi_two(long x)
{
	rb_sink = x;
	return x + 2;
}

__attribute__((noinline, used)) long rb_multi_three(long x)
{
	rb_sink = x;
	return x + 3;
}

__attribute__((noinline, used)) long rb_single(long x)
{
	rb_sink = x;
	return x + 4;
}

struct multi_stats {
	uint64_t calls, arg_sum, returns;
	int64_t ret_sum;
};

START_TEST(uprobe_multi_on_a_glob)
{
	char self[PATH_MAX], t1[PATH_MAX + 64], t2[PATH_MAX + 64];
	const char *targets[2] = {t1, t2};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 2};
	struct rb_attach_result ar;
	struct multi_stats st = {0};
	struct rb_error e = {0};
	struct loaded_obj o;
	uint32_t zero = 0;
	int r;

	test_self_exe(self, sizeof(self));
	snprintf(t1, sizeof(t1), "on_entry=%s:rb_multi_*", self);
	snprintf(t2, sizeof(t2), "on_return=%s:rb_multi_t*", self);
	ao.pid = (int)getpid();
	test_load(&o, "uprobe_multi.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 2, "attached %d: %s", r, e.msg);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	ck_assert(ar.attached);
	ck_assert_msg(strstr(ar.target, "uprobe.multi ") == ar.target &&
			      strstr(ar.target, ":rb_multi_* (3 functions)"),
		      "%s", ar.target);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 1, &ar), 0);
	ck_assert_msg(strstr(ar.target, ":rb_multi_t* (2 functions)"), "%s", ar.target);
	rb_multi_one(10);
	rb_multi_two(20);
	rb_multi_three(30);
	rb_single(40); /* matches neither glob */
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd(o.l, "mstats"), &zero, &st, 0), 0);
	ck_assert_uint_eq(st.calls, 3);
	ck_assert_uint_eq(st.arg_sum, 60);
	ck_assert_uint_eq(st.returns, 2);      /* two and three */
	ck_assert_int_eq(st.ret_sum, 22 + 33); /* their return values */
	rb_loaded_detach(o.l);
	rb_multi_one(1000); /* detached: not counted */
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd(o.l, "mstats"), &zero, &st, 0), 0);
	ck_assert_uint_eq(st.calls, 3);
	test_unload(&o);
}
END_TEST

START_TEST(uprobe_multi_glob_matching_nothing)
{
	char self[PATH_MAX], t1[PATH_MAX + 64];
	const char *targets[1] = {t1};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_error e = {0};
	struct loaded_obj o;

	test_self_exe(self, sizeof(self));
	snprintf(t1, sizeof(t1), "on_entry=%s:*multi_thre", self);
	test_load(&o, "uprobe_multi.bpf.o");
	ck_assert_int_eq(rb_loaded_attach_opts(o.l, &ao, &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "program 'on_entry': no function matching '*multi_thre' in "
				    "the symbol tables of /"),
		      "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "(close: rb_multi_three)"), "%s", e.msg);
	test_unload(&o);
}
END_TEST

START_TEST(kprobe_multi_or_its_refusal)
{
	struct rb_attach_result ar;
	struct rb_feature km;
	struct rb_error e = {0};
	struct loaded_obj o;
	uint32_t zero = 0;
	uint64_t n = 0;
	char tmp[] = "/tmp/rb_kmulti_XXXXXX";
	int r, fd;

	test_load(&o, "kprobe_multi.bpf.o");
	r = rb_loaded_attach(o.l, &e);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	ck_assert_msg(strstr(ar.target, "kprobe.multi do_unlinkat*") == ar.target, "%s", ar.target);
	/* the refusal only where the probe says the link is missing (6.12 has it, 6.1 not) */
	ck_assert_int_eq(rb_probe_find("links", "kprobe_multi", &km), 0);
	ck_assert_msg((r < 0) == (km.state == RB_FEATURE_NO), "attach %d, probe %d: %s", r,
		      (int)km.state, e.msg);
	if (r < 0) {
		ck_assert_int_eq(r, -EOPNOTSUPP);
		ck_assert_msg(strstr(e.msg, "program 'count_unlinks': BPF_LINK_CREATE "
					    "(kprobe_multi) on "),
			      "%s", e.msg);
		ck_assert_msg(strstr(e.msg, "this kernel has no kprobe_multi link"), "%s", e.msg);
		ck_assert(!ar.attached);
		test_unload(&o);
		return;
	}
	ck_assert_int_eq(r, 1);
	fd = mkstemp(tmp);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(unlink(tmp), 0);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd(o.l, "unlinks"), &zero, &n, 0), 0);
	ck_assert_uint_ge(n, 1);
	rb_loaded_detach(o.l);
	test_unload(&o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("multi_attach");
	TCase *tc = tcase_create("multi_attach");

	test_require_kernel();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, uprobe_multi_on_a_glob);
	tcase_add_test(tc, uprobe_multi_glob_matching_nothing);
	tcase_add_test(tc, kprobe_multi_or_its_refusal);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
