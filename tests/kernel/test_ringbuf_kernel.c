/*
 * bpf/ringbuf against the kernel: a hand-assembled raw tracepoint program on sys_enter, for
 * this process's getpid calls only, reserves and discards one record, then outputs a second
 * {syscall id, ktime} record. The test makes 5 rounds of 50 getpid calls through a 4 KiB
 * ring (48 bytes per call: the positions wrap around the ring three times) and checks that
 * exactly the output records arrive, in order, with the discarded ones counted and skipped.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testlib.h"
#include "bpf/insn.h"
#include "bpf/ringbuf.h"
#include "bpf/sys.h"

struct seen {
	int n, bad;
	uint64_t last_ts;
};

static int on_record(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;
	uint64_t rec[2];

	if (size != sizeof(rec)) {
		s->bad++;
		return 0;
	}
	memcpy(rec, data, sizeof(rec));
	if (rec[0] != SYS_getpid || rec[1] <= s->last_ts)
		s->bad++;
	s->last_ts = rec[1];
	s->n++;
	return 0;
}

/* The program: see the file comment. Jump offsets are counted by hand. */
static int load_prog(int map_fd, uint32_t tgid, char *log, size_t logsz)
{
	struct bpf_insn p[40];
	struct sys_prog_load_opts o = {0};
	int n = 0;

	p[n++] = insn_mov64_reg(6, 1);				      /* 0 */
	p[n++] = insn_call_helper(BPF_FUNC_get_current_pid_tgid);     /* 1 */
	p[n++] = insn_alu64_imm(BPF_RSH, 0, 32);		      /* 2 */
	p[n++] = insn_jmp_imm(BPF_JNE, 0, (int32_t)tgid, 24);	      /* 3 -> 28 */
	p[n++] = insn_ldx_mem(BPF_DW, 7, 6, 8);			      /* 4: syscall id */
	p[n++] = insn_jmp_imm(BPF_JNE, 7, SYS_getpid, 22);	      /* 5 -> 28 */
	insn_ld_imm64(&p[n], 1, BPF_PSEUDO_MAP_FD, (uint32_t)map_fd); /* 6 */
	n += 2;
	p[n++] = insn_mov64_imm(2, 16);				      /* 8 */
	p[n++] = insn_mov64_imm(3, 0);				      /* 9 */
	p[n++] = insn_call_helper(BPF_FUNC_ringbuf_reserve);	      /* 10 */
	p[n++] = insn_jmp_imm(BPF_JEQ, 0, 0, 4);		      /* 11 -> 16 */
	p[n++] = insn_st_mem(BPF_DW, 0, 0, 0xdead);		      /* 12 */
	p[n++] = insn_mov64_reg(1, 0);				      /* 13 */
	p[n++] = insn_mov64_imm(2, 0);				      /* 14 */
	p[n++] = insn_call_helper(BPF_FUNC_ringbuf_discard);	      /* 15 */
	p[n++] = insn_stx_mem(BPF_DW, 10, 7, -16);		      /* 16 */
	p[n++] = insn_call_helper(BPF_FUNC_ktime_get_ns);	      /* 17 */
	p[n++] = insn_stx_mem(BPF_DW, 10, 0, -8);		      /* 18 */
	insn_ld_imm64(&p[n], 1, BPF_PSEUDO_MAP_FD, (uint32_t)map_fd); /* 19 */
	n += 2;
	p[n++] = insn_mov64_reg(2, 10);			    /* 21 */
	p[n++] = insn_alu64_imm(BPF_ADD, 2, -16);	    /* 22 */
	p[n++] = insn_mov64_imm(3, 16);			    /* 23 */
	p[n++] = insn_mov64_imm(4, 0);			    /* 24 */
	p[n++] = insn_call_helper(BPF_FUNC_ringbuf_output); /* 25 */
	p[n++] = insn_mov64_imm(0, 0);			    /* 26 */
	p[n++] = insn_exit();				    /* 27 */
	p[n++] = insn_mov64_imm(0, 0);			    /* 28 */
	p[n++] = insn_exit();				    /* 29 */
	o.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	o.name = "rb_ringbuf_test";
	o.insns = p;
	o.insn_cnt = (uint32_t)n;
	o.license = "GPL";
	o.log_level = 1;
	o.log_buf = log;
	o.log_size = (uint32_t)logsz;
	return sys_prog_load(&o);
}

START_TEST(records_arrive_wrap_and_discard)
{
	struct sys_map_create_opts mo = {
		.map_type = BPF_MAP_TYPE_RINGBUF, .max_entries = 4096, .name = "rb_test_ring"};
	static char log[65536];
	struct rb_error e = {0};
	struct ringbuf_reader *rd;
	struct seen s = {0};
	int map_fd, prog_fd, tp_fd;
	long got;

	map_fd = sys_map_create(&mo);
	ck_assert_msg(map_fd >= 0, "ringbuf map: %s", strerror(-map_fd));
	prog_fd = load_prog(map_fd, (uint32_t)getpid(), log, sizeof(log));
	ck_assert_msg(prog_fd >= 0, "load: %s\n%s", strerror(-prog_fd), log);
	rd = ringbuf_new(&e);
	ck_assert_ptr_nonnull(rd);
	ck_assert_msg(!ringbuf_add(rd, map_fd, on_record, &s, &e), "%s", e.msg);
	tp_fd = sys_raw_tracepoint_open("sys_enter", prog_fd, 0);
	ck_assert_msg(tp_fd >= 0, "raw tracepoint sys_enter: %s", strerror(-tp_fd));
	/* nothing yet: a poll times out with no records */
	ck_assert_int_eq(ringbuf_poll(rd, 10, &e), 0);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 50; i++)
			syscall(SYS_getpid);
		got = ringbuf_poll(rd, 1000, &e);
		/* the kernel woke epoll: the first record after we caught up notifies */
		ck_assert_msg(got > 0, "round %d: poll gave %ld (%s)", round, got, e.msg);
		got += ringbuf_consume(rd);
		ck_assert_int_eq(got, 50);
	}
	close(tp_fd);
	ck_assert_int_eq(s.n, 250);
	ck_assert_int_eq(s.bad, 0);
	ck_assert_uint_eq(ringbuf_discarded(rd), 250);
	ringbuf_free(rd);
	close(prog_fd);
	close(map_fd);
}
END_TEST

START_TEST(not_a_ringbuf_map)
{
	struct sys_map_create_opts mo = {.map_type = BPF_MAP_TYPE_ARRAY,
					 .key_size = 4,
					 .value_size = 8,
					 .max_entries = 1,
					 .name = "rb_arr"};
	struct rb_error e = {0};
	struct ringbuf_reader *rd = ringbuf_new(&e);
	int map_fd = sys_map_create(&mo);

	ck_assert_int_ge(map_fd, 0);
	ck_assert_int_eq(ringbuf_add(rd, map_fd, on_record, NULL, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, "map 'rb_arr' (id ") && strstr(e.msg, ") is not a ring buffer"
									  " (type 2)"),
		      "%s", e.msg);
	/* 6.18 says EBADFD for a closed fd, older kernels EBADF */
	ck_assert_int_lt(ringbuf_add(rd, 9999, on_record, NULL, &e), 0);
	ck_assert_msg(strstr(e.msg, "ring buffer map fd 9999: BPF_OBJ_GET_INFO_BY_FD: "), "%s",
		      e.msg);
	ringbuf_free(rd);
	close(map_fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ringbuf_kernel");
	TCase *tc = tcase_create("ringbuf_kernel");

	test_require_kernel();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, records_arrive_wrap_and_discard);
	tcase_add_test(tc, not_a_ringbuf_map);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
