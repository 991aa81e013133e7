/* bpf/probe and bpf/perf without a kernel: how answers are read, caching, sysfs parsing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "testlib.h"

static long answer;
static int calls;
static char verifier_says[128];

static long shim(int cmd, void *attr, unsigned int size, void *ctx)
{
	(void)ctx;
	(void)size;
	calls++;
	if (cmd == BPF_PROG_LOAD && verifier_says[0]) {
		struct sys_prog_load_attr *a = attr;

		if (a->log_buf && a->log_size > strlen(verifier_says))
			strcpy((char *)(uintptr_t)a->log_buf, verifier_says);
	}
	return answer;
}

static void setup(void)
{
	probe_reset();
	calls = 0;
	verifier_says[0] = '\0';
	sys_set_bpf_hook(shim, NULL);
}

static void teardown(void)
{
	sys_set_bpf_hook(NULL, NULL);
	sys_set_fs_roots(NULL, NULL);
}

START_TEST(prog_type_answers)
{
	const struct probe_result *r;

	answer = 1000; /* an fd (unused, so closing it harms nothing): loaded */
	r = probe_prog_type(BPF_PROG_TYPE_XDP);
	ck_assert_int_eq(r->state, PROBE_YES);
	ck_assert_int_eq(calls, 1);
	/* cached: no second request */
	ck_assert_ptr_eq(probe_prog_type(BPF_PROG_TYPE_XDP), r);
	ck_assert_int_eq(calls, 1);

	answer = -EINVAL; /* refused before verification: unknown type */
	r = probe_prog_type(BPF_PROG_TYPE_LIRC_MODE2);
	ck_assert_int_eq(r->state, PROBE_NO);
	ck_assert_int_eq(r->err, -EINVAL);

	answer = -EPERM; /* lockdown/privileges: cannot tell */
	r = probe_prog_type(BPF_PROG_TYPE_LSM);
	ck_assert_int_eq(r->state, PROBE_UNKNOWN);
	ck_assert_msg(strstr(r->detail, "EPERM"), "%s", r->detail);

	/* a type that needs a target: a verifier complaint means it is known */
	answer = -EINVAL;
	strcpy(verifier_says, "Tracing programs must provide btf_id\n");
	r = probe_prog_type(BPF_PROG_TYPE_TRACING);
	ck_assert_int_eq(r->state, PROBE_YES);

	ck_assert_ptr_null(probe_prog_type(0));
	ck_assert_ptr_null(probe_prog_type(999));
}
END_TEST

START_TEST(map_and_link_answers)
{
	const struct probe_result *r;

	answer = -EINVAL;
	r = probe_map_type(BPF_MAP_TYPE_ARENA);
	ck_assert_int_eq(r->state, PROBE_NO);
	answer = -524; /* ENOTSUPP: struct_ops looked for the value type: known */
	r = probe_map_type(BPF_MAP_TYPE_STRUCT_OPS);
	ck_assert_int_eq(r->state, PROBE_YES);

	/* perf link: the "fd" answers for the load and the link alike: a link was made */
	answer = 1000;
	r = probe_feature(PROBE_LINK_PERF);
	ck_assert_int_eq(r->state, PROBE_YES);
	ck_assert_str_eq(r->detail, "a perf_event link was created");
}
END_TEST

START_TEST(btf_kinds_follow_base_btf)
{
	answer = -EINVAL; /* no BTF at all: every kind is "no" because of that */
	ck_assert_int_eq(probe_feature(PROBE_BTF_ENUM64)->state, PROBE_NO);
	ck_assert_str_eq(probe_feature(PROBE_BTF_ENUM64)->detail,
			 "the kernel does not load BTF at all");
	ck_assert_str_eq(probe_feature_name(PROBE_BTF_ENUM64), "btf_enum64");
	ck_assert_str_eq(probe_feature_group(PROBE_LINK_TCX), "links");
	ck_assert_ptr_null(probe_feature(PROBE_FEATURE_COUNT));
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(sysfs_and_tracefs_parsing)
{
	char root[] = "/tmp/rb_test_probe_XXXXXX", p[256];
	struct rb_error e = { 0 };

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/uprobe", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/uprobe/format", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/uprobe/type", root);
	write_file(p, "9\n");
	snprintf(p, sizeof(p), "%s/uprobe/format/retprobe", root);
	write_file(p, "config:3\n");
	snprintf(p, sizeof(p), "%s/bad", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/bad/type", root);
	write_file(p, "nine\n");
	snprintf(p, sizeof(p), "%s/events", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/events/sched", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/events/sched/sched_switch", root);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/events/sched/sched_switch/id", root);
	write_file(p, "316\n");

	sys_set_fs_roots(root, root);
	ck_assert_int_eq(sys_pmu_type("uprobe", &e), 9);
	ck_assert_int_eq(sys_pmu_retprobe_bit("uprobe", &e), 3);
	ck_assert_int_eq(sys_pmu_type("bad", &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, "holds 'nine', not a type number"), "%s", e.msg);
	ck_assert_int_eq(sys_pmu_type("kprobe", &e), -ENOENT);
	ck_assert_int_eq(sys_pmu_type("../etc", &e), -EINVAL);
	ck_assert_int_eq(sys_tracepoint_id("sched", "sched_switch", &e), 316);
	ck_assert_int_eq(sys_tracepoint_id("sched", "nope", &e), -ENOENT);
	ck_assert_int_eq(sys_tracepoint_id("sched/..", "x", &e), -EINVAL);

	snprintf(p, sizeof(p), "rm -rf '%s'", root);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("probe");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, prog_type_answers);
	tcase_add_test(tc, map_and_link_answers);
	tcase_add_test(tc, btf_kinds_follow_base_btf);
	tcase_add_test(tc, sysfs_and_tracefs_parsing);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
