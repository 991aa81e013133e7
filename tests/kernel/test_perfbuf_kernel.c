/*
 * bpf/perfbuf against the kernel: a hand-assembled raw tracepoint program on sys_enter
 * sends {syscall id, ktime, magic} with bpf_perf_event_output for this process's getpid
 * calls. With the test pinned to one CPU and one 4 KiB data page per CPU: 5 rounds of 50
 * calls arrive in order (40-byte records: some wrap the ring's end and are reassembled);
 * then 200 calls without reading overflow the ring, and the kernel's lost-sample record
 * must account for every call that did not arrive.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testlib.h"
#include "bpf/insn.h"
#include "bpf/perfbuf.h"
#include "bpf/sys.h"

#define MAGIC 0x52425046

struct seen {
	int n, bad;
	uint64_t last_ts;
};

static int on_sample(void *ctx, int cpu, const void *data, size_t size)
{
	struct seen *s = ctx;
	uint64_t rec[3];

	(void)cpu;
	if (size < sizeof(rec)) {
		s->bad++;
		return 0;
	}
	memcpy(rec, data, sizeof(rec));
	if (rec[0] != SYS_getpid || rec[1] <= s->last_ts || rec[2] != MAGIC)
		s->bad++;
	s->last_ts = rec[1];
	s->n++;
	return 0;
}

static int load_prog(int map_fd, uint32_t tgid, char *log, size_t logsz)
{
	struct bpf_insn p[32];
	struct sys_prog_load_opts o = {0};
	int n = 0;

	p[n++] = insn_mov64_reg(6, 1);				      /* 0 */
	p[n++] = insn_call_helper(BPF_FUNC_get_current_pid_tgid);     /* 1 */
	p[n++] = insn_alu64_imm(BPF_RSH, 0, 32);		      /* 2 */
	p[n++] = insn_jmp_imm(BPF_JNE, 0, (int32_t)tgid, 14);	      /* 3 -> 18 */
	p[n++] = insn_ldx_mem(BPF_DW, 7, 6, 8);			      /* 4 */
	p[n++] = insn_jmp_imm(BPF_JNE, 7, SYS_getpid, 12);	      /* 5 -> 18 */
	p[n++] = insn_stx_mem(BPF_DW, 10, 7, -24);		      /* 6 */
	p[n++] = insn_call_helper(BPF_FUNC_ktime_get_ns);	      /* 7 */
	p[n++] = insn_stx_mem(BPF_DW, 10, 0, -16);		      /* 8 */
	p[n++] = insn_st_mem(BPF_DW, 10, -8, MAGIC);		      /* 9 */
	p[n++] = insn_mov64_reg(1, 6);				      /* 10 */
	insn_ld_imm64(&p[n], 2, BPF_PSEUDO_MAP_FD, (uint32_t)map_fd); /* 11 */
	n += 2;
	p[n++] = insn_alu32_imm(BPF_MOV, 3, -1);	       /* 13: BPF_F_CURRENT_CPU */
	p[n++] = insn_mov64_reg(4, 10);			       /* 14 */
	p[n++] = insn_alu64_imm(BPF_ADD, 4, -24);	       /* 15 */
	p[n++] = insn_mov64_imm(5, 24);			       /* 16 */
	p[n++] = insn_call_helper(BPF_FUNC_perf_event_output); /* 17 */
	p[n++] = insn_mov64_imm(0, 0);			       /* 18 */
	p[n++] = insn_exit();				       /* 19 */
	o.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	o.name = "rb_perfbuf_test";
	o.insns = p;
	o.insn_cnt = (uint32_t)n;
	o.license = "GPL";
	o.log_level = 1;
	o.log_buf = log;
	o.log_size = (uint32_t)logsz;
	return sys_prog_load(&o);
}

static void pin_to_one_cpu(void)
{
	cpu_set_t set;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set)) {
			CPU_ZERO(&set);
			CPU_SET(c, &set);
			ck_assert_int_eq(sched_setaffinity(0, sizeof(set), &set), 0);
			return;
		}
}

START_TEST(samples_wrap_and_lost)
{
	struct sys_map_create_opts mo = {.map_type = BPF_MAP_TYPE_PERF_EVENT_ARRAY,
					 .key_size = 4,
					 .value_size = 4,
					 .max_entries = (uint32_t)sysconf(_SC_NPROCESSORS_CONF),
					 .name = "rb_test_perf"};
	static char log[65536];
	struct seen s = {0};
	struct perfbuf_cbs cbs = {on_sample, NULL, &s};
	struct rb_error e = {0};
	struct perfbuf_reader *rd;
	int map_fd, prog_fd, tp_fd;
	long got;

	pin_to_one_cpu();
	map_fd = sys_map_create(&mo);
	ck_assert_msg(map_fd >= 0, "perf event array: %s", strerror(-map_fd));
	prog_fd = load_prog(map_fd, (uint32_t)getpid(), log, sizeof(log));
	ck_assert_msg(prog_fd >= 0, "load: %s\n%s", strerror(-prog_fd), log);
	rd = perfbuf_new(map_fd, 1, &cbs, &e);
	ck_assert_msg(rd, "%s", e.msg);
	ck_assert_uint_ge(perfbuf_ncpus(rd), 1);
	tp_fd = sys_raw_tracepoint_open("sys_enter", prog_fd, 0);
	ck_assert_msg(tp_fd >= 0, "raw tracepoint sys_enter: %s", strerror(-tp_fd));
	ck_assert_int_eq(perfbuf_poll(rd, 10, &e), 0);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 50; i++)
			syscall(SYS_getpid);
		got = perfbuf_poll(rd, 1000, &e);
		ck_assert_msg(got > 0, "round %d: poll gave %ld (%s)", round, got, e.msg);
		got += perfbuf_consume(rd);
		ck_assert_int_eq(got, 50);
	}
	ck_assert_int_eq(s.n, 250);
	ck_assert_int_eq(s.bad, 0);
	ck_assert_uint_eq(perfbuf_lost(rd), 0);
	/* overflow: 200 records of 40 bytes into 4096 */
	for (int i = 0; i < 200; i++)
		syscall(SYS_getpid);
	got = perfbuf_consume(rd);
	ck_assert_int_gt(got, 50);
	ck_assert_int_lt(got, 200);
	syscall(SYS_getpid); /* the kernel writes the lost record ahead of this sample */
	got += perfbuf_consume(rd);
	close(tp_fd);
	ck_assert_uint_gt(perfbuf_lost(rd), 0);
	ck_assert_uint_eq((uint64_t)got + perfbuf_lost(rd), 201);
	ck_assert_int_eq(s.bad, 0);
	perfbuf_free(rd);
	close(prog_fd);
	close(map_fd);
}
END_TEST

START_TEST(not_a_perf_event_array)
{
	struct sys_map_create_opts mo = {.map_type = BPF_MAP_TYPE_ARRAY,
					 .key_size = 4,
					 .value_size = 8,
					 .max_entries = 1,
					 .name = "rb_arr"};
	struct perfbuf_cbs cbs = {on_sample, NULL, NULL};
	struct rb_error e = {0};
	int map_fd = sys_map_create(&mo);

	ck_assert_int_ge(map_fd, 0);
	ck_assert_ptr_null(perfbuf_new(map_fd, 1, &cbs, &e));
	ck_assert_msg(strstr(e.msg, ") is not a perf event array (type 2)"), "%s", e.msg);
	ck_assert_ptr_null(perfbuf_new(map_fd, 3, &cbs, &e));
	ck_assert_str_eq(e.msg, "perf buffer: 3 pages per CPU is not a power of 2 up to 1024");
	close(map_fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perfbuf_kernel");
	TCase *tc = tcase_create("perfbuf_kernel");

	test_require_kernel();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, samples_wrap_and_lost);
	tcase_add_test(tc, not_a_perf_event_array);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
