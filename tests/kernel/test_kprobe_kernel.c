/*
 * Kprobes against the kernel: a hand-assembled counter on the getpid syscall wrapper
 * (prefix found in kallsyms), through the kprobe PMU or tracefs kprobe_events, checked by
 * calling getpid. On a kernel without kprobes (this machine: CONFIG_KPROBES off), the
 * attach must fail with EOPNOTSUPP and a sentence saying the kernel has no kprobes; the
 * test checks that and skips with the reason.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testlib.h"
#include "bpf/dynprobe.h"
#include "bpf/insn.h"
#include "bpf/sys.h"

static int load_counter(int map_fd, uint32_t tgid)
{
	struct bpf_insn p[16];
	struct sys_prog_load_opts o = {0};
	static char log[16384];
	int n = 0, fd;

	p[n++] = insn_call_helper(BPF_FUNC_get_current_pid_tgid);     /* 0 */
	p[n++] = insn_alu64_imm(BPF_RSH, 0, 32);		      /* 1 */
	p[n++] = insn_jmp_imm(BPF_JNE, 0, (int32_t)tgid, 8);	      /* 2 -> 11 */
	p[n++] = insn_st_mem(BPF_W, 10, -4, 0);			      /* 3 */
	insn_ld_imm64(&p[n], 1, BPF_PSEUDO_MAP_FD, (uint32_t)map_fd); /* 4 */
	n += 2;
	p[n++] = insn_mov64_reg(2, 10);			     /* 6 */
	p[n++] = insn_alu64_imm(BPF_ADD, 2, -4);	     /* 7 */
	p[n++] = insn_call_helper(BPF_FUNC_map_lookup_elem); /* 8 */
	p[n++] = insn_jmp_imm(BPF_JEQ, 0, 0, 2);	     /* 9 -> 12 */
	p[n++] = insn_st_mem(BPF_DW, 0, 0, 1);		     /* 10: mark */
	p[n++] = insn_mov64_imm(0, 0);			     /* 11 */
	p[n++] = insn_exit();				     /* 12 */
	o.prog_type = BPF_PROG_TYPE_KPROBE;
	o.name = "rb_kprobe_test";
	o.insns = p;
	o.insn_cnt = (uint32_t)n;
	o.license = "GPL";
	o.log_level = 1;
	o.log_buf = log;
	o.log_size = sizeof(log);
	fd = sys_prog_load(&o);
	ck_assert_msg(fd >= 0, "load: %s\n%s", strerror(-fd), log);
	return fd;
}

START_TEST(kprobe_on_getpid)
{
	struct sys_map_create_opts mo = {.map_type = BPF_MAP_TYPE_ARRAY,
					 .key_size = 4,
					 .value_size = 8,
					 .max_entries = 1,
					 .name = "rb_kprobe"};
	struct rb_error e = {0};
	struct dynprobe d;
	char prefix[32], func[64];
	uint64_t v = 0;
	uint32_t key = 0;
	int map_fd = sys_map_create(&mo), prog, ret;

	ck_assert_int_ge(map_fd, 0);
	prog = load_counter(map_fd, (uint32_t)getpid());
	ck_assert_msg(!dynprobe_syscall_prefix(NULL, prefix, sizeof(prefix), &e), "%s", e.msg);
	snprintf(func, sizeof(func), "%sgetpid", prefix);
	ret = dynprobe_kprobe(prog, func, 0, NULL, &d, &e);
	if (ret == -EOPNOTSUPP) {
		ck_assert_msg(strstr(e.msg, "this kernel has no kprobes"), "%s", e.msg);
		close(prog);
		close(map_fd);
		printf("SKIP: %s\n", e.msg);
		exit(TEST_SKIP);
	}
	ck_assert_msg(!ret, "%s", e.msg);
	syscall(SYS_getpid);
	dynprobe_detach(&d);
	ck_assert_int_eq(sys_map_lookup_elem(map_fd, &key, &v, 0), 0);
	ck_assert_uint_eq(v, 1);
	close(prog);
	close(map_fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kprobe_kernel");
	TCase *tc = tcase_create("kprobe_kernel");
	SRunner *sr;
	int failed;

	test_require_kernel();
	tcase_add_test(tc, kprobe_on_getpid);
	suite_add_tcase(s, tc);
	/* no fork: the test's skip must end this program with status 77 */
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
