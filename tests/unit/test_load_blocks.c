/* Load building blocks without a kernel: verifier log policy and growth, explanations. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/explain.h"
#include "bpf/probe.h"
#include "bpf/prog_log.h"
#include "bpf/sys.h"
#include "testlib.h"

/* The shim plays a kernel whose behaviour each test sets. */
enum mode { M_FAIL_VERIFY, M_TRUE_SIZE, M_DOUBLING, M_ALWAYS_ENOSPC, M_PER_TYPE, M_EINVAL };
static enum mode mode;
static int calls;
static uint32_t sizes[16], levels[16];
static long map_answer; /* MAP_CREATE answers */
static uint32_t ok_prog_type; /* M_PER_TYPE: this type loads, others get -EPERM */

static const char verifier_log[] = "0: R1=ctx() R10=fp0\n0: (95) exit\nR0 !read_ok\n"
				   "processed 1 insns (limit 1000000) max_states_per_insn 0\n";

static long shim(int cmd, void *attr, unsigned int size, void *ctx)
{
	struct sys_prog_load_attr *a = attr;
	char *buf;

	(void)size;
	(void)ctx;
	if (cmd == BPF_MAP_CREATE || cmd == BPF_BTF_LOAD)
		return map_answer;
	if (cmd != BPF_PROG_LOAD)
		return -EINVAL;
	if (calls < 16) {
		sizes[calls] = a->log_size;
		levels[calls] = a->log_level;
	}
	calls++;
	buf = (char *)(uintptr_t)a->log_buf;
	switch (mode) {
	case M_FAIL_VERIFY:
		if (a->log_level && a->log_size > sizeof(verifier_log))
			memcpy(buf, verifier_log, sizeof(verifier_log));
		return -EACCES;
	case M_TRUE_SIZE:
		if (!a->log_level)
			return 1000;
		if (a->log_size < 100000) {
			a->log_true_size = 100000;
			return -ENOSPC;
		}
		strcpy(buf, "all fine\n");
		return 1000;
	case M_DOUBLING:
		if (a->log_size < 256 * 1024)
			return -ENOSPC;
		strcpy(buf, "all fine\n");
		return 1000;
	case M_ALWAYS_ENOSPC:
		if (!a->log_level)
			return 1000;
		memset(buf, 'x', a->log_size - 1);
		buf[a->log_size - 1] = '\0';
		return -ENOSPC;
	case M_PER_TYPE:
		return a->prog_type == ok_prog_type ? 1000 : -EPERM;
	case M_EINVAL:
		return -EINVAL;
	}
	return -EINVAL;
}

static void setup(void)
{
	calls = 0;
	memset(sizes, 0, sizeof(sizes));
	memset(levels, 0, sizeof(levels));
	map_answer = -EINVAL;
	probe_reset();
	sys_set_bpf_hook(shim, NULL);
}

static void teardown(void)
{
	sys_set_bpf_hook(NULL, NULL);
}

static struct bpf_insn exit_only[] = { { .code = BPF_JMP | BPF_EXIT } };

START_TEST(no_log_on_success_then_level1_on_failure)
{
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
					.insns = exit_only, .insn_cnt = 1 };
	struct prog_log log;

	mode = M_FAIL_VERIFY;
	ck_assert_int_eq(prog_load_logged(&o, NULL, &log), -EACCES);
	ck_assert_int_eq(log.attempts, 2);
	ck_assert_uint_eq(levels[0], 0); /* first try: no log asked */
	ck_assert_uint_eq(sizes[0], 0);
	ck_assert_uint_eq(levels[1], 1); /* retry: level 1 */
	ck_assert_uint_eq(sizes[1], PROG_LOG_INITIAL_SIZE);
	ck_assert_uint_eq(log.level, 1);
	ck_assert_str_eq(log.text, verifier_log);
	ck_assert(!log.truncated);
	ck_assert_ptr_null(o.log_buf); /* o's own log fields are left cleared */
	prog_log_free(&log);
}
END_TEST

START_TEST(buffer_grows_to_log_true_size)
{
	struct sys_prog_load_opts o = { .prog_type = 1, .insns = exit_only, .insn_cnt = 1 };
	struct prog_log_policy p = { .level = 2 };
	struct prog_log log;

	mode = M_TRUE_SIZE;
	ck_assert_int_eq(prog_load_logged(&o, &p, &log), 1000);
	ck_assert_int_eq(log.attempts, 2);
	ck_assert_uint_eq(sizes[0], PROG_LOG_INITIAL_SIZE);
	ck_assert_uint_eq(sizes[1], 100000); /* straight to what the kernel asked for */
	ck_assert_uint_eq(levels[1], 2);
	ck_assert_str_eq(log.text, "all fine\n");
	prog_log_free(&log);
}
END_TEST

START_TEST(buffer_doubles_without_true_size)
{
	struct sys_prog_load_opts o = { .prog_type = 1, .insns = exit_only, .insn_cnt = 1 };
	struct prog_log_policy p = { .level = 1 };
	struct prog_log log;

	mode = M_DOUBLING;
	ck_assert_int_eq(prog_load_logged(&o, &p, &log), 1000);
	ck_assert_int_eq(log.attempts, 3);
	ck_assert_uint_eq(sizes[1], 2 * PROG_LOG_INITIAL_SIZE);
	ck_assert_uint_eq(sizes[2], 4 * PROG_LOG_INITIAL_SIZE);
	prog_log_free(&log);
}
END_TEST

START_TEST(bound_keeps_tail_and_still_loads)
{
	struct sys_prog_load_opts o = { .prog_type = 1, .insns = exit_only, .insn_cnt = 1 };
	struct prog_log_policy p = { .level = 1, .max_size = 128 * 1024 };
	struct prog_log log;

	mode = M_ALWAYS_ENOSPC;
	/* 64K, 128K (the bound: truncated), then one load without a log for the fd */
	ck_assert_int_eq(prog_load_logged(&o, &p, &log), 1000);
	ck_assert_int_eq(log.attempts, 3);
	ck_assert_uint_eq(sizes[1], 128 * 1024);
	ck_assert_uint_eq(levels[2], 0);
	ck_assert(log.truncated);
	ck_assert_uint_eq(log.len, 128 * 1024 - 1);
	prog_log_free(&log);
}
END_TEST

START_TEST(reason_is_the_last_lines_without_stats)
{
	char *r = prog_log_reason(verifier_log, 2);

	ck_assert_str_eq(r, "0: (95) exit\nR0 !read_ok\n");
	free(r);
	r = prog_log_reason("", 3);
	ck_assert_str_eq(r, "");
	free(r);
	r = prog_log_reason("one line, no newline", 3);
	ck_assert_str_eq(r, "one line, no newline\n");
	free(r);
}
END_TEST

START_TEST(explain_ringbuf_size)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_RINGBUF, .max_entries = 5000 };
	struct strbuf sb = STRBUF_INIT;
	char want[160];

	explain_map_create(&sb, -EINVAL, &o);
	snprintf(want, sizeof(want),
		 "ring buffer size 5000 is not a power-of-two multiple of the page size (%ld bytes)",
		 sysconf(_SC_PAGESIZE));
	ck_assert_str_eq(sb_str(&sb), want);
	sb_free(&sb);
}
END_TEST

START_TEST(explain_unknown_map_type_and_flags)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_ARENA, .max_entries = 1 };
	struct strbuf sb = STRBUF_INIT;

	map_answer = -EINVAL; /* the probe's create fails too: the type is unknown */
	explain_map_create(&sb, -EINVAL, &o);
	ck_assert_str_eq(sb_str(&sb), "this kernel does not support arena maps");

	/* the type is known (probe creates), and the map without its flags creates: flags */
	probe_reset();
	sb_reset(&sb);
	map_answer = 1000;
	o.map_type = BPF_MAP_TYPE_ARRAY;
	o.key_size = 4;
	o.value_size = 4;
	o.map_flags = BPF_F_MMAPABLE;
	explain_map_create(&sb, -EINVAL, &o);
	ck_assert_str_eq(sb_str(&sb), "map flags 0x400 are not supported for array maps on this kernel");
	sb_free(&sb);
}
END_TEST

START_TEST(explain_eperm_for_one_program_type)
{
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_LSM, .insns = exit_only,
					.insn_cnt = 1 };
	struct strbuf sb = STRBUF_INIT;

	mode = M_PER_TYPE;
	ok_prog_type = BPF_PROG_TYPE_SOCKET_FILTER; /* socket filters (and the memcg probe) load */
	explain_prog_load(&sb, -EPERM, &o, "");
	if (geteuid() == 0)
		ck_assert_str_eq(sb_str(&sb),
				 "the kernel refuses lsm programs outright (EPERM before verification, "
				 "while other program types load): kernel lockdown, a security policy, "
				 "or a kernel built without what this type needs");
	else
		ck_assert_msg(strstr(sb_str(&sb), "needs privileges"), "%s", sb_str(&sb));

	/* everything refused: lockdown of BPF as a whole */
	probe_reset();
	sb_reset(&sb);
	ok_prog_type = 9999;
	explain_prog_load(&sb, -EPERM, &o, NULL);
	if (geteuid() == 0)
		ck_assert_msg(strstr(sb_str(&sb), "the kernel refuses every BPF program"), "%s",
			      sb_str(&sb));
	sb_free(&sb);
}
END_TEST

/* struct_ops programs a kernel without trampolines turns away: the type, not the object */
START_TEST(explain_enotsupp_struct_ops)
{
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_STRUCT_OPS, .insns = exit_only,
					.insn_cnt = 1, .expected_attach_type = 3,
					.attach_btf_id = 14447 };
	struct strbuf sb = STRBUF_INIT;

	explain_prog_load(&sb, -524, &o, "");
	ck_assert_str_eq(sb_str(&sb),
			 "the kernel refuses struct_ops programs outright here (ENOTSUPP before "
			 "verification): it calls them through BPF trampolines, which this kernel "
			 "cannot make, or it has no struct_ops support for member 3 of the struct "
			 "(BTF id 14447)");
	/* a verifier log that reached instructions: not the type's fault */
	sb_reset(&sb);
	explain_prog_load(&sb, -524, &o, "0: R1=ctx() R10=fp0\nprocessed 3 insns\n");
	ck_assert_str_eq(sb_str(&sb), "the program uses something this kernel does not support "
			 "for struct_ops programs (ENOTSUPP)");
	sb_free(&sb);
}
END_TEST

START_TEST(explain_einval_and_e2big)
{
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_LIRC_MODE2, .insns = exit_only,
					.insn_cnt = 1 };
	struct strbuf sb = STRBUF_INIT;

	mode = M_EINVAL; /* the probe's trivial load is refused before verification too */
	explain_prog_load(&sb, -EINVAL, &o, "");
	ck_assert_str_eq(sb_str(&sb), "this kernel does not support lirc_mode2 programs");

	/* the probe may not ask (EPERM): support unknown, so no claim about the type */
	probe_reset();
	sb_reset(&sb);
	mode = M_PER_TYPE;
	ok_prog_type = 9999;
	explain_prog_load(&sb, -EINVAL, &o, "");
	ck_assert_str_eq(sb_str(&sb), "the kernel refused the program before verification (EINVAL)");

	sb_reset(&sb);
	explain_prog_load(&sb, -EINVAL, &o, "R0 !read_ok\n");
	ck_assert_str_eq(sb_str(&sb), "the verifier rejected the program (EINVAL); its log says why");

	sb_reset(&sb);
	o.insn_cnt = 2000000;
	explain_prog_load(&sb, -E2BIG, &o, "");
	ck_assert_str_eq(sb_str(&sb),
			 "the program has 2000000 instructions, more than the kernel's limit of 1000000");
	sb_free(&sb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("load_blocks");
	TCase *tc = tcase_create("load_blocks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_log_on_success_then_level1_on_failure);
	tcase_add_test(tc, buffer_grows_to_log_true_size);
	tcase_add_test(tc, buffer_doubles_without_true_size);
	tcase_add_test(tc, bound_keeps_tail_and_still_loads);
	tcase_add_test(tc, reason_is_the_last_lines_without_stats);
	tcase_add_test(tc, explain_ringbuf_size);
	tcase_add_test(tc, explain_unknown_map_type_and_flags);
	tcase_add_test(tc, explain_eperm_for_one_program_type);
	tcase_add_test(tc, explain_einval_and_e2big);
	tcase_add_test(tc, explain_enotsupp_struct_ops);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
