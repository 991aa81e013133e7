/*
 * The word a BTF-targeted program's attach target line starts with comes from its expected
 * attach type: the fentry and fexit programs of samples/fentry.bpf.o on one function are
 * "fentry do_unlinkat" and "fexit do_unlinkat", not both "tracing do_unlinkat"; the name is
 * the section's ("lsm file_open", not the bpf_lsm_file_open looked up in BTF).
 */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#include "loader/attach_kinds.h"
#include "loader/object.h"
#include "testlib.h"

/* The attach kind word and shown target of program name in build/samples/file. */
static void expect_kind(const char *file, const char *name, const char *want,
			const char *want_target)
{
	char path[512];
	struct rb_object *obj = NULL;
	struct rb_error e = {0};
	bool seen = false;

	snprintf(path, sizeof(path), "%s/samples/%s", test_build_dir(), file);
	ck_assert_msg(!rb_object_open(path, NULL, &obj, &e), "%s", e.msg);
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		if (strcmp(obj->progs[i].name, name))
			continue;
		ck_assert_str_eq(attach_btf_kind(&obj->progs[i]), want);
		ck_assert_str_eq(attach_btf_shown_name(&obj->progs[i]), want_target);
		seen = true;
	}
	rb_object_close(obj);
	ck_assert_msg(seen, "%s has no program %s", file, name);
}

START_TEST(kind_from_expected_attach_type)
{
	expect_kind("fentry.bpf.o", "unlink_entry", "fentry", "do_unlinkat");
	expect_kind("fentry.bpf.o", "unlink_exit", "fexit", "do_unlinkat");
	expect_kind("fmod_ret.bpf.o", "deny_open", "fmod_ret", "security_file_open");
	expect_kind("lsm.bpf.o", "count_open", "lsm", "file_open");
	expect_kind("callbacks.bpf.o", "arm_timer", "tp_btf", "sys_enter");
}
END_TEST

/* Without a section rule's help: the attach type alone decides. */
START_TEST(kind_from_attach_type_alone)
{
	struct obj_prog p = {.prog_type = BPF_PROG_TYPE_TRACING};

	p.attach_type = BPF_TRACE_FEXIT;
	ck_assert_str_eq(attach_btf_kind(&p), "fexit");
	p.attach_type = BPF_MODIFY_RETURN;
	ck_assert_str_eq(attach_btf_kind(&p), "fmod_ret");
	p.attach_type = BPF_TRACE_RAW_TP;
	ck_assert_str_eq(attach_btf_kind(&p), "tp_btf");
	p.attach_type = BPF_TRACE_ITER;
	ck_assert_str_eq(attach_btf_kind(&p), "tracing");
	p.prog_type = BPF_PROG_TYPE_LSM;
	p.attach_type = BPF_LSM_CGROUP;
	ck_assert_str_eq(attach_btf_kind(&p), "lsm_cgroup");
	p.attach_type = BPF_LSM_MAC;
	ck_assert_str_eq(attach_btf_kind(&p), "lsm");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("attach_names");
	TCase *tc = tcase_create("attach_names");

	tcase_add_test(tc, kind_from_expected_attach_type);
	tcase_add_test(tc, kind_from_attach_type_alone);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
