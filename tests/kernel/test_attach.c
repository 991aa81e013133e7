/*
 * Load building blocks against the kernel: hand-assembled counting programs attached to a
 * tracepoint (link and ioctl paths), a raw tracepoint and a tp_btf target, triggered with
 * getpid; the verifier log policy; explanations; trace_pipe; pin/unpin.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf/attach.h"
#include "bpf/explain.h"
#include "bpf/insn.h"
#include "bpf/perf.h"
#include "bpf/pin.h"
#include "bpf/probe.h"
#include "bpf/prog_log.h"
#include "bpf/sys.h"
#include "bpf/trace_pipe.h"
#include "btf/btf.h"
#include "rawbpf.h"
#include "testlib.h"

/* Whether this kernel reports the log size it needed (log_true_size, 6.4+). */
static bool kernel_has_log_true_size(void)
{
	struct rb_feature f;

	ck_assert_int_eq(rb_probe_find("misc", "log_true_size", &f), 0);
	return f.state == RB_FEATURE_YES;
}

static char pin_root[128];

static void cleanup(void)
{
	char cmd[200];

	if (pin_root[0] && access(pin_root, F_OK) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pin_root);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", pin_root);
	}
}

static int counter_map(void)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 8, .max_entries = 1, .name = "rb_count" };
	int fd = sys_map_create(&o);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static uint64_t count_of(int map_fd)
{
	uint32_t key = 0;
	uint64_t v = 0;

	ck_assert_int_eq(sys_map_lookup_elem(map_fd, &key, &v, 0), 0);
	return v;
}

/* if (current tgid == ours) counter[0] += 1; return 0 — for any tracing program type. */
static int load_counter(uint32_t type, uint32_t expected, uint32_t attach_btf_id, int map_fd)
{
	struct bpf_insn insns[9];
	char log[8192];
	struct sys_prog_load_opts o = { .prog_type = type, .expected_attach_type = expected,
					.attach_btf_id = attach_btf_id, .insns = insns,
					.insn_cnt = 9, .license = "GPL", .name = "rb_counter",
					.log_level = 1, .log_buf = log, .log_size = sizeof(log) };
	int fd;

	insns[0] = insn_call_helper(BPF_FUNC_get_current_pid_tgid);
	insns[1] = insn_alu64_imm(BPF_RSH, 0, 32);
	insns[2] = insn_jmp_imm(BPF_JNE, 0, (int32_t)getpid(), 4);
	insn_ld_imm64(&insns[3], 1, BPF_PSEUDO_MAP_VALUE, (uint64_t)(uint32_t)map_fd);
	insns[5] = insn_mov64_imm(2, 1);
	insns[6] = insn_atomic(BPF_DW, BPF_ADD, 1, 2, 0);
	insns[7] = insn_mov64_imm(0, 0);
	insns[8] = insn_exit();
	fd = sys_prog_load(&o);
	ck_assert_msg(fd >= 0, "load type %u: %d\n%s", type, fd, log);
	return fd;
}

static void getpid_n(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

START_TEST(tracepoint_link_counts_getpid)
{
	struct sys_attachment a;
	struct rb_error e = { 0 };
	int map = counter_map();
	int prog = load_counter(BPF_PROG_TYPE_TRACEPOINT, 0, 0, map);

	ck_assert_msg(sys_attach_tracepoint(prog, "syscalls", "sys_enter_getpid", 0, &a, &e) == 0,
		      "%s", e.msg);
	ck_assert_int_eq(a.how, SYS_ATTACH_LINK);
	getpid_n(5);
	ck_assert_uint_eq(count_of(map), 5);
	sys_detach(&a);
	ck_assert_int_eq(a.fd, -1);
	getpid_n(5);
	ck_assert_uint_eq(count_of(map), 5); /* detached: no more counting */
	ck_assert_int_eq(sys_attach_tracepoint(prog, "syscalls", "sys_enter_nope", 0, &a, &e),
			 -ENOENT);
	close(prog);
	close(map);
}
END_TEST

START_TEST(tracepoint_ioctl_path_counts_getpid)
{
	/* The pre-5.15 path, by hand: set the program on the perf event, then enable it. */
	struct rb_error e = { 0 };
	struct perf_event_attr pa = { .size = sizeof(pa), .type = PERF_TYPE_TRACEPOINT,
				      .sample_period = 1 };
	int map = counter_map();
	int prog = load_counter(BPF_PROG_TYPE_TRACEPOINT, 0, 0, map);
	int id = sys_tracepoint_id("syscalls", "sys_enter_getpid", &e), pfd;

	ck_assert_int_gt(id, 0);
	pa.config = (uint64_t)id;
	pfd = sys_perf_event_open(&pa, -1, 0, -1, 0);
	ck_assert_int_ge(pfd, 0);
	ck_assert_int_eq(sys_perf_event_set_bpf(pfd, prog), 0);
	ck_assert_int_eq(sys_perf_event_enable(pfd), 0);
	getpid_n(3);
	ck_assert_uint_eq(count_of(map), 3);
	ck_assert_int_eq(sys_perf_event_disable(pfd), 0);
	/* closing the event detaches the program (disabling alone does not stop BPF) */
	close(pfd);
	getpid_n(3);
	ck_assert_uint_le(count_of(map), 6);
	{
		uint64_t c = count_of(map);

		getpid_n(10);
		ck_assert_uint_eq(count_of(map), c);
	}
	close(prog);
	close(map);
}
END_TEST

START_TEST(raw_tracepoint_counts_syscalls)
{
	struct sys_attachment a;
	struct rb_error e = { 0 };
	int map = counter_map();
	int prog = load_counter(BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, map);
	uint64_t before;

	ck_assert_msg(sys_attach_raw_tracepoint(prog, "sys_enter", 0, &a, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(a.how, SYS_ATTACH_RAW_TP);
	getpid_n(10);
	before = count_of(map);
	ck_assert_uint_ge(before, 10); /* every syscall of ours, the getpids included */
	sys_detach(&a);
	before = count_of(map);
	getpid_n(100);
	/* detached: the 100 getpids are not counted (a syscall or two may race the release) */
	ck_assert_uint_le(count_of(map), before + 2);
	ck_assert_int_eq(sys_attach_raw_tracepoint(prog, "no_such_tp_rawbpf", 0, &a, &e),
			 -ENOENT);
	ck_assert_msg(strstr(e.msg, "no such tracepoint"), "%s", e.msg);
	close(prog);
	close(map);
}
END_TEST

START_TEST(tp_btf_counts_syscalls)
{
	struct sys_attachment a;
	struct rb_error e = { 0 };
	struct btf *vmlinux = NULL;
	int map = counter_map(), prog, id;

	if (btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &vmlinux, &e) < 0)
		test_skip("no vmlinux BTF");
	id = btf_find(vmlinux, "btf_trace_sys_enter", BTF_KIND_TYPEDEF);
	btf_free(vmlinux);
	ck_assert_int_gt(id, 0);
	prog = load_counter(BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, (uint32_t)id, map);
	ck_assert_msg(sys_attach_tracing(prog, BPF_TRACE_RAW_TP, 0, &a, &e) == 0, "%s", e.msg);
	getpid_n(10);
	ck_assert_uint_ge(count_of(map), 10);
	sys_detach(&a);
	close(prog);
	close(map);
}
END_TEST

START_TEST(log_policy_against_the_verifier)
{
	struct bpf_insn bad[] = { insn_exit() }, good[] = { insn_mov64_imm(0, 0), insn_exit() };
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = bad,
					.insn_cnt = 1, .license = "GPL" };
	struct prog_log_policy small = { .level = 2, .max_size = 128 };
	struct prog_log log;
	struct strbuf sb = STRBUF_INIT;
	char *reason;
	int fd;

	ck_assert_int_eq(prog_load_logged(&o, NULL, &log), -EACCES);
	ck_assert_int_eq(log.attempts, 2);
	ck_assert_uint_eq(log.level, 1);
	reason = prog_log_reason(log.text, 1);
	ck_assert_str_eq(reason, "R0 !read_ok\n");
	free(reason);
	explain_prog_load(&sb, -EACCES, &o, log.text);
	ck_assert_str_eq(sb_str(&sb), "the verifier rejected the program (EACCES); its log says why");
	sb_free(&sb);
	prog_log_free(&log);

	/* success at level 0: one load, no log */
	o.insns = good;
	o.insn_cnt = 2;
	fd = prog_load_logged(&o, NULL, &log);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(log.attempts, 1);
	ck_assert_ptr_null(log.text);
	close(fd);

	/* a bound too small for the level-2 log: the tail is kept and the program still loads */
	fd = prog_load_logged(&o, &small, &log);
	ck_assert_int_ge(fd, 0);
	ck_assert(log.truncated);
	if (kernel_has_log_true_size())
		ck_assert_uint_gt(log.true_size, 128);
	else
		ck_assert_uint_eq(log.true_size, 0); /* 6.1: the kernel does not say */
	ck_assert_uint_eq(log.len, 127);
	close(fd);
	prog_log_free(&log);
}
END_TEST

/*
 * A level-2 log larger than the first 64 KiB buffer: the buffer grows until it fits, to the
 * size the kernel asks for where it says (one retry), by doubling where it does not (6.1:
 * 64 KiB, 128 KiB, then 256 KiB fits).
 */
START_TEST(log_grows_past_the_first_buffer)
{
	enum { N = 4000 };
	struct bpf_insn *insns = calloc(N + 1, sizeof(*insns));
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns,
					.insn_cnt = N + 1, .license = "GPL" };
	struct prog_log_policy p = { .level = 2, .max_size = 16u << 20 };
	struct prog_log log;
	char want[64];
	int fd;

	ck_assert_ptr_nonnull(insns);
	for (int i = 0; i < N; i++)
		insns[i] = insn_mov64_imm(0, i & 1);
	insns[N] = insn_exit();
	fd = prog_load_logged(&o, &p, &log);
	ck_assert_msg(fd >= 0, "load: %d", fd);
	ck_assert(!log.truncated);
	ck_assert_uint_gt(log.len, PROG_LOG_INITIAL_SIZE);
	snprintf(want, sizeof(want), "processed %d insns", N + 1);
	ck_assert_msg(strstr(log.text, want), "no '%s' in the log's tail: %s", want,
		      log.text + log.len - (log.len > 300 ? 300 : log.len));
	if (kernel_has_log_true_size()) {
		ck_assert_int_eq(log.attempts, 2);
		ck_assert_uint_eq(log.true_size, log.len + 1);
	} else {
		ck_assert_uint_eq(log.true_size, 0);
		ck_assert_int_ge(log.attempts, 3); /* 64 KiB and 128 KiB did not fit */
	}
	close(fd);
	prog_log_free(&log);
	free(insns);
}
END_TEST

START_TEST(explain_a_real_ringbuf_refusal)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_RINGBUF, .max_entries = 5000 };
	struct strbuf sb = STRBUF_INIT;
	int r = sys_map_create(&o);

	ck_assert_int_eq(r, -EINVAL);
	explain_map_create(&sb, r, &o);
	ck_assert_msg(strstr(sb_str(&sb), "ring buffer size 5000 is not a power-of-two multiple"),
		      "%s", sb_str(&sb));
	sb_free(&sb);
}
END_TEST

START_TEST(trace_pipe_reads_a_marker)
{
	struct rb_error e = { 0 };
	struct trace_pipe *tp = trace_pipe_open(&e);
	const char *dir = sys_tracefs_dir(&e);
	char marker[64], path[256], line[512];
	int fd, found = 0;

	ck_assert_msg(tp, "%s", e.msg);
	ck_assert_ptr_nonnull(dir);
	snprintf(marker, sizeof(marker), "rawbpf-trace-pipe-test-%d", (int)getpid());
	/* the reader's own trace_marker: its private instance's when it has one */
	snprintf(path, sizeof(path), "%s/trace_marker", trace_pipe_dir(tp));
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, marker, strlen(marker)), (ssize_t)strlen(marker));
	close(fd);
	for (int i = 0; i < 200 && !found; i++) {
		int r = trace_pipe_read_line(tp, line, sizeof(line), 2000);

		if (r == -EAGAIN)
			break;
		ck_assert_int_ge(r, 0);
		found = strstr(line, marker) != NULL;
	}
	ck_assert_msg(found, "marker not seen in trace_pipe");
	trace_pipe_close(tp);
}
END_TEST

/*
 * Each reader has a private tracefs instance with the bpf_trace_printk event on: two can
 * read at once (a second open of the top-level trace_pipe is EBUSY on current kernels),
 * what is written to the top level is not theirs, and closing removes the instance.
 */
START_TEST(trace_pipe_readers_are_private)
{
	struct rb_error e = { 0 };
	const char *top = sys_tracefs_dir(&e);
	struct trace_pipe *a, *b;
	char path[1024], marker[96], line[512], inst_a[512];
	struct stat st;
	int fd, r, seen = 0;

	ck_assert_msg(top, "%s", e.msg);
	snprintf(path, sizeof(path), "%s/events/bpf_trace/bpf_trace_printk", top);
	if (stat(path, &st) < 0) {
		fprintf(stderr, "note: no bpf_trace_printk event here: readers use the top-level trace_pipe, nothing to check\n");
		return;
	}
	a = trace_pipe_open(&e);
	ck_assert_msg(a, "%s", e.msg);
	b = trace_pipe_open(&e);
	ck_assert_msg(b, "second reader: %s", e.msg);
	ck_assert_str_ne(trace_pipe_dir(a), top);
	ck_assert_str_ne(trace_pipe_dir(a), trace_pipe_dir(b));
	ck_assert_ptr_nonnull(strstr(trace_pipe_dir(a), "/instances/rawbpf-"));
	snprintf(path, sizeof(path), "%s/events/bpf_trace/bpf_trace_printk/enable",
		 trace_pipe_dir(a));
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(read(fd, line, 2), 2);
	close(fd);
	ck_assert_int_eq(line[0], '1');

	/* a line written to the top level only: not in the private pipe */
	snprintf(marker, sizeof(marker), "rawbpf-top-level-only-%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/trace_marker", top);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, marker, strlen(marker)), (ssize_t)strlen(marker));
	close(fd);
	while ((r = trace_pipe_read_line(a, line, sizeof(line), 300)) >= 0)
		seen |= strstr(line, marker) != NULL;
	ck_assert_int_eq(r, -EAGAIN);
	ck_assert_msg(!seen, "a top-level line reached the private pipe");

	snprintf(inst_a, sizeof(inst_a), "%s", trace_pipe_dir(a));
	trace_pipe_close(a);
	trace_pipe_close(b);
	ck_assert_int_eq(stat(inst_a, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(pin_tree_and_remove)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 4, .max_entries = 1 };
	struct rb_error e = { 0 };
	char path[256], tmpdir[] = "/tmp/rb_pin_test_XXXXXX";
	int fd = sys_map_create(&o), fd2;

	ck_assert_int_ge(fd, 0);
	snprintf(pin_root, sizeof(pin_root), "/sys/fs/bpf/rawbpf_test_pin_%d", (int)getpid());
	snprintf(path, sizeof(path), "%s/maps/deep/counts", pin_root);
	ck_assert_msg(sys_pin_fd(fd, path, &e) == 0, "%s", e.msg);
	fd2 = sys_obj_get(path, 0);
	ck_assert_int_ge(fd2, 0);
	close(fd2);
	ck_assert_int_eq(sys_pin_fd(fd, path, &e), -EEXIST);
	ck_assert_msg(sys_pin_remove_tree(pin_root, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(access(pin_root, F_OK), -1);
	/* never outside bpffs */
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_int_eq(sys_pin_remove_tree(tmpdir, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, "is not on a BPF filesystem"), "%s", e.msg);
	ck_assert_int_eq(access(tmpdir, F_OK), 0);
	rmdir(tmpdir);
	ck_assert_int_eq(sys_pin_mkdirs(tmpdir, &e), -EINVAL);
	rmdir(tmpdir);
	close(fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel-attach");
	TCase *tc = tcase_create("attach");

	test_require_kernel();
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, NULL, cleanup);
	tcase_add_test(tc, tracepoint_link_counts_getpid);
	tcase_add_test(tc, tracepoint_ioctl_path_counts_getpid);
	tcase_add_test(tc, raw_tracepoint_counts_syscalls);
	tcase_add_test(tc, tp_btf_counts_syscalls);
	tcase_add_test(tc, log_policy_against_the_verifier);
	tcase_add_test(tc, log_grows_past_the_first_buffer);
	tcase_add_test(tc, explain_a_real_ringbuf_refusal);
	tcase_add_test(tc, trace_pipe_reads_a_marker);
	tcase_add_test(tc, trace_pipe_readers_are_private);
	tcase_add_test(tc, pin_tree_and_remove);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
