/*
 * The verifier log analyzer on logs fresh from this kernel: small hand-assembled programs
 * loaded with a raw bpf(BPF_PROG_LOAD) at log level 1 (what a loader asks for after a
 * failure) and 2, the report checked against what the kernel said and counted.
 * With RB_VLOG_CAPTURE=DIR each log is also written to DIR/raw_<name>.l1.log (or .l2.log):
 * that is how the .l1.log fixtures of tests/unit/vlog/ were made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "testlib.h"
#include "rawbpf.h"

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV64_IMM(d, i)	 INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define MOV64_REG(d, s)	 INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ADD64_IMM(d, i)	 INSN(BPF_ALU64 | BPF_ADD | BPF_K, d, 0, 0, i)
#define ADD64_REG(d, s)	 INSN(BPF_ALU64 | BPF_ADD | BPF_X, d, s, 0, 0)
#define STX_W(d, s, o)	 INSN(BPF_STX | BPF_MEM | BPF_W, d, s, o, 0)
#define LDX_DW(d, s, o)	 INSN(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define JLT_IMM(d, i, o) INSN(BPF_JMP | BPF_JLT | BPF_K, d, 0, o, i)
#define CALL(id)	 INSN(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define EXIT()		 INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define LD_MAP_FD(d, fd)                                                                           \
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)

#define LOG_SIZE (1u << 20)

static long sys_bpf_call(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int hash_map(void)
{
	union bpf_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = 4;
	attr.value_size = 8;
	attr.max_entries = 4;
	fd = sys_bpf_call(BPF_MAP_CREATE, &attr);
	ck_assert_msg(fd >= 0, "BPF_MAP_CREATE: %s", strerror(errno));
	return (int)fd;
}

static void capture(const char *name, int level, const char *log)
{
	const char *dir = getenv("RB_VLOG_CAPTURE");
	char path[512];
	FILE *f;

	if (!dir || !dir[0])
		return;
	snprintf(path, sizeof(path), "%s/raw_%s.l%d.log", dir, name, level & 3);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(log, f);
	fclose(f);
}

/* Load a socket filter at the given log level; returns the fd or -errno, log in *log. */
static __u32 load_flags; /* prog_flags of the next load */

static int load(const char *name, const struct bpf_insn *insns, size_t n, int level, char **log)
{
	union bpf_attr attr;
	long fd;

	*log = calloc(1, LOG_SIZE);
	ck_assert_ptr_nonnull(*log);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = (__u32)n;
	attr.license = (uintptr_t) "GPL";
	attr.log_level = (__u32)level;
	attr.log_buf = (uintptr_t)*log;
	attr.log_size = LOG_SIZE;
	attr.prog_flags = load_flags;
	memcpy(attr.prog_name, name, strnlen(name, sizeof(attr.prog_name) - 1));
	fd = sys_bpf_call(BPF_PROG_LOAD, &attr);
	capture(name, level, *log);
	return fd >= 0 ? (int)fd : -errno;
}

static void analyze(const char *log, struct rb_vlog_report *r)
{
	struct rb_error err = {0};

	ck_assert_int_eq(rb_vlog_analyze(log, strlen(log), r, &err), 0);
}

START_TEST(null_deref_level1)
{
	int map = hash_map();
	const struct bpf_insn prog[] = {
		MOV64_IMM(1, 0),  STX_W(10, 1, -4),  MOV64_REG(2, 10),
		ADD64_IMM(2, -4), LD_MAP_FD(1, map), CALL(BPF_FUNC_map_lookup_elem),
		LDX_DW(0, 0, 0), /* 7: no NULL check */
		EXIT(),
	};
	struct rb_vlog_report r;
	char *log;
	int fd = load("null_deref", prog, sizeof(prog) / sizeof(prog[0]), 1 | 4, &log);

	ck_assert_int_eq(fd, -EACCES);
	analyze(log, &r);
	ck_assert_int_eq(r.verdict, RB_VLOG_REJECTED);
	ck_assert_int_eq(r.level, 1);
	ck_assert(!r.head_missing);
	ck_assert_int_eq(r.fail_insn, 7);
	ck_assert_str_eq(r.fail_code, "(79) r0 = *(u64 *)(r0 +0)");
	ck_assert_str_eq(r.message, "R0 invalid mem access 'map_value_or_null'");
	ck_assert_str_eq(r.family->id, "null-deref");
	ck_assert_uint_eq(r.nr_state, 3); /* r0, r10, fp-8 */
	ck_assert_str_eq(r.state[0].type, "map_value_or_null");
	ck_assert_uint_eq(r.stats.insns_processed, 7);
	ck_assert(r.stats.have_time);
	rb_vlog_report_free(&r);
	free(log);
	close(map);
}
END_TEST

START_TEST(uninit_reg_level1)
{
	const struct bpf_insn prog[] = {
		MOV64_REG(0, 3), /* r3 was never written */
		EXIT(),
	};
	struct rb_vlog_report r;
	char *log;

	ck_assert_int_eq(load("uninit_reg", prog, 2, 1, &log), -EACCES);
	analyze(log, &r);
	ck_assert_int_eq(r.fail_insn, 0);
	ck_assert_str_eq(r.message, "R3 !read_ok");
	ck_assert_str_eq(r.family->id, "uninit-reg");
	/* Level 1 without the stats flag (4) still ends with the processed line, no time. */
	ck_assert_uint_eq(r.stats.insns_processed, 1);
	ck_assert(!r.stats.have_time);
	rb_vlog_report_free(&r);
	free(log);
}
END_TEST

/* The kernel's own words for an instruction a loader poisoned after a CO-RE miss. */
START_TEST(core_poison_level1)
{
	const struct bpf_insn prog[] = {
		MOV64_IMM(0, 0),
		CALL(195896080), /* the helper id libbpf (0xbad2310) writes for a CO-RE miss */
		EXIT(),
	};
	struct rb_vlog_report r;
	char *log;

	ck_assert_int_eq(load("core_poison", prog, 3, 1 | 4, &log), -EINVAL);
	analyze(log, &r);
	ck_assert_int_eq(r.fail_insn, 1);
	ck_assert_str_eq(r.fail_code, "(85) call unknown#195896080");
	ck_assert_str_eq(r.message, "invalid func unknown#195896080");
	ck_assert_str_eq(r.family->id, "core-no-match");
	rb_vlog_report_free(&r);
	free(log);
}
END_TEST

/* Accepted at level 2: every visit is printed, so the visits add up to the kernel's count. */
START_TEST(loop_level2_counts)
{
	const struct bpf_insn prog[] = {
		MOV64_IMM(0, 0), MOV64_IMM(1, 0),   ADD64_REG(0, 1), /* 2: loop body */
		ADD64_IMM(1, 1), JLT_IMM(1, 4, -3), EXIT(),
	};
	struct bpf_prog_info info;
	union bpf_attr attr;
	struct rb_vlog_report r;
	uint64_t sum = 0;
	char *log;
	int fd = load("loop", prog, sizeof(prog) / sizeof(prog[0]), 2 | 4, &log);

	ck_assert_msg(fd >= 0, "load: %s\n%s", strerror(-fd), log);
	analyze(log, &r);
	ck_assert_int_eq(r.verdict, RB_VLOG_ACCEPTED);
	ck_assert_int_eq(r.level, 2);
	for (size_t i = 0; i < r.nr_visits; i++)
		sum += r.visits[i];
	ck_assert_uint_eq(sum, r.stats.insns_processed);
	ck_assert_uint_eq(r.visits[2], 4);
	ck_assert_uint_eq(r.visits[5], 1);
	/* ... and the statistics line agrees with the program's own verified_insns. */
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	ck_assert_int_eq(sys_bpf_call(BPF_OBJ_GET_INFO_BY_FD, &attr), 0);
	ck_assert_uint_eq(info.verified_insns, r.stats.insns_processed);
	rb_vlog_report_free(&r);
	free(log);
	close(fd);
}
END_TEST

/* Two paths meeting at one exit: the second is pruned ("from 2 to 4: safe"), and that
 * visit counts in the kernel's processed instructions too. */
START_TEST(pruned_branch_counts)
{
	const struct bpf_insn prog[] = {
		MOV64_IMM(0, 0),
		INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0), /* r2 = skb->len */
		INSN(BPF_JMP | BPF_JGT | BPF_K, 2, 0, 1, 10),
		MOV64_IMM(0, 1),
		EXIT(),
	};
	struct bpf_prog_info info;
	union bpf_attr attr;
	struct rb_vlog_report r;
	uint64_t sum = 0;
	char *log;
	int fd;

	/* Checkpoints at every prune point, so that so small a program has one to meet. */
	load_flags = BPF_F_TEST_STATE_FREQ;
	fd = load("pruned", prog, sizeof(prog) / sizeof(prog[0]), 2 | 4, &log);
	load_flags = 0;

	ck_assert_msg(fd >= 0, "load: %s\n%s", strerror(-fd), log);
	ck_assert_msg(strstr(log, "from 2 to 4: safe") != NULL, "no pruned branch in:\n%s", log);
	analyze(log, &r);
	for (size_t i = 0; i < r.nr_visits; i++)
		sum += r.visits[i];
	ck_assert_uint_eq(r.visits[4], 2);
	ck_assert_uint_eq(sum, r.stats.insns_processed);
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (__u32)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	ck_assert_int_eq(sys_bpf_call(BPF_OBJ_GET_INFO_BY_FD, &attr), 0);
	ck_assert_uint_eq(info.verified_insns, sum);
	rb_vlog_report_free(&r);
	free(log);
	close(fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vlog_live");
	TCase *tc = tcase_create("vlog_live");

	test_require_kernel();
	tcase_add_test(tc, null_deref_level1);
	tcase_add_test(tc, uninit_reg_level1);
	tcase_add_test(tc, core_poison_level1);
	tcase_add_test(tc, loop_level2_counts);
	tcase_add_test(tc, pruned_branch_counts);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
