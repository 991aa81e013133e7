/*
 * The kinds that are run rather than attached to an event, through the library: a
 * perf_event program sampling the cpu-clock of every online CPU (this process's samples
 * counted after a busy loop; none after the detach), a syscall program run once with
 * BPF_PROG_TEST_RUN (return value and the struct it wrote back), and the event reader over
 * a ring buffer map decoding a record of an execve this test makes, and over a perf buffer
 * too small for the execs the test makes, reporting the kernel's lost-sample counts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rawbpf.h"
#include "testlib.h"
#include "testload.h"

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile unsigned long spin_sink;

/* Burn this much CPU time (not wall time: the machine is shared). */
static void busy(double seconds)
{
	double end = cpu_seconds() + seconds;

	while (cpu_seconds() < end)
		for (int i = 0; i < 100000; i++)
			spin_sink += (unsigned long)i;
}

static uint64_t our_samples(int fd)
{
	uint32_t pid = (uint32_t)getpid();
	uint64_t n = 0;

	if (rb_map_lookup(fd, &pid, &n) < 0)
		return 0;
	return n;
}

START_TEST(perf_event_samples_our_busy_loop)
{
	struct rb_attach_opts ao = {.sz = sizeof(ao), .perf_freq = 999};
	struct rb_attach_result ar;
	struct rb_error e = {0};
	struct loaded_obj o;
	char want[96];
	uint64_t n, after;
	int fd, r;

	test_load(&o, "perf_event.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	snprintf(want, sizeof(want), "perf_event cpu-clock 999 Hz, %ld CPUs",
		 sysconf(_SC_NPROCESSORS_ONLN));
	ck_assert_str_eq(ar.target, want);
	ck_assert(ar.attached);
	fd = test_map_fd(o.l, "samples");
	busy(0.3); /* about 300 samples of this process at 999 Hz */
	n = our_samples(fd);
	ck_assert_msg(n >= 30, "only %llu samples of our busy loop", (unsigned long long)n);
	rb_loaded_detach(o.l);
	n = our_samples(fd);
	busy(0.1);
	after = our_samples(fd);
	ck_assert_msg(after == n, "samples still counted after detach: %llu -> %llu",
		      (unsigned long long)n, (unsigned long long)after);
	test_unload(&o);
}
END_TEST

START_TEST(perf_event_period)
{
	/* one sample every 10 ms of CPU clock: 0.3 s gives about 30 */
	struct rb_attach_opts ao = {.sz = sizeof(ao), .perf_period = 10000000};
	struct rb_attach_result ar;
	struct rb_error e = {0};
	struct loaded_obj o;
	uint64_t n;

	test_load(&o, "perf_event.bpf.o");
	ck_assert_msg(rb_loaded_attach_opts(o.l, &ao, &e) == 1, "%s", e.msg);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	ck_assert_msg(strstr(ar.target, "perf_event cpu-clock every 10000000 ns, "), "%s",
		      ar.target);
	busy(0.3);
	n = our_samples(test_map_fd(o.l, "samples"));
	ck_assert_msg(n >= 10 && n <= 60, "%llu samples in 0.3 s at 100 a second",
		      (unsigned long long)n);
	test_unload(&o);
}
END_TEST

START_TEST(syscall_program_runs_once)
{
	struct rb_attach_result ar;
	struct rb_syscall_run res;
	struct rb_error e = {0};
	struct loaded_obj o;
	const unsigned char ctx[] = {7, 0, 0, 0, 3, 0, 0, 0};
	uint64_t sum;

	test_load(&o, "syscall_prog.bpf.o");
	ck_assert_int_eq(rb_loaded_attach(o.l, &e), 0);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	ck_assert(!ar.attached);
	ck_assert_str_eq(ar.note, "not attached: a syscall program runs when asked "
				  "(BPF_PROG_TEST_RUN), not on an event");
	ck_assert_int_eq(rb_loaded_prog_run_once(o.l, 0), RB_RUN_ONCE_SYSCALL);

	/* a = 7, b = 3; sum is padded in with zeros up to sizeof(struct args) */
	ck_assert_msg(rb_loaded_run_syscall(o.l, 0, ctx, sizeof(ctx), &res, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(res.retval, 4);
	ck_assert_uint_eq(res.ctx_size, 16);
	ck_assert_str_eq(res.ctx_type, "struct args");
	memcpy(&sum, (char *)res.ctx + 8, sizeof(sum));
	ck_assert_uint_eq(sum, 10);
	ck_assert_str_eq(res.ctx_text, "{\"a\":7,\"b\":3,\"sum\":10}");
	rb_syscall_run_free(&res);

	/* no context: a zeroed struct args */
	ck_assert_msg(rb_loaded_run_syscall(o.l, 0, NULL, 0, &res, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(res.retval, 0);
	ck_assert_str_eq(res.ctx_text, "{\"a\":0,\"b\":0,\"sum\":0}");
	rb_syscall_run_free(&res);
	test_unload(&o);
}
END_TEST

START_TEST(syscall_run_refuses_other_programs)
{
	struct rb_syscall_run res;
	struct rb_error e = {0};
	struct loaded_obj o;

	test_load(&o, "perf_event.bpf.o");
	ck_assert_int_eq(rb_loaded_prog_run_once(o.l, 0), RB_RUN_ONCE_NONE);
	ck_assert_int_eq(rb_loaded_run_syscall(o.l, 0, NULL, 0, &res, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "program 'on_sample' is not a loaded syscall program");
	test_unload(&o);
}
END_TEST

struct seen {
	pid_t child;
	int records, ours, announced;
	char text[512];
};

static int on_event(const struct rb_event *ev, void *ctx)
{
	struct seen *s = ctx;
	uint32_t pid;

	s->records++;
	s->announced += ev->type_first;
	ck_assert_int_eq(ev->cpu, -1);
	ck_assert_str_eq(ev->map, "events");
	ck_assert_uint_eq(ev->size, 160);
	memcpy(&pid, ev->data, sizeof(pid));
	if ((pid_t)pid == s->child) {
		s->ours++;
		ck_assert_str_eq(ev->type_name, "struct event");
		ck_assert(!ev->type_forced);
		ck_assert_ptr_nonnull(ev->text);
		snprintf(s->text, sizeof(s->text), "%s", ev->text);
	}
	return 0;
}

START_TEST(event_reader_decodes_ringbuf_records)
{
	struct rb_event_reader_opts ro = {.sz = sizeof(ro), .on_event = on_event};
	struct rb_event_reader *r;
	struct rb_event_stats st;
	struct rb_error e = {0};
	struct loaded_obj o;
	struct seen s = {0};
	char want[128];
	int status;

	ro.ctx = &s;
	test_load(&o, "ringbuf.bpf.o");
	ck_assert_msg(rb_loaded_attach(o.l, &e) == 1, "%s", e.msg);
	ck_assert_msg(rb_event_reader_new(o.l, &ro, &r, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(rb_event_reader_map_count(r), 1);
	s.child = fork();
	ck_assert_int_ge(s.child, 0);
	if (!s.child) {
		char *argv[] = {"true", NULL};

		execv("/bin/true", argv);
		_exit(127);
	}
	waitpid(s.child, &status, 0);
	for (int i = 0; i < 50 && !s.ours; i++)
		ck_assert_int_ge(rb_event_reader_poll(r, 100, &e), 0);
	ck_assert_int_eq(s.ours, 1);
	ck_assert_int_eq(s.announced, 1);
	snprintf(want, sizeof(want), "{\"pid\":%d,\"uid\":0,\"timestamp_ns\":", (int)s.child);
	ck_assert_msg(!strncmp(s.text, want, strlen(want)), "%s", s.text);
	ck_assert_msg(strstr(s.text, ",\"filename\":\"/bin/true\"}"), "%s", s.text);
	rb_event_reader_stats(r, &st);
	ck_assert_uint_eq(st.records, (uint64_t)s.records);
	ck_assert_uint_eq(st.discarded, 0);
	rb_event_reader_free(r);
	test_unload(&o);
}
END_TEST

/* n times: fork, exec /bin/true, wait. */
static void run_true(int n)
{
	for (int i = 0; i < n; i++) {
		pid_t c = fork();
		int status;

		ck_assert_int_ge(c, 0);
		if (!c) {
			char *argv[] = { "true", NULL };

			execv("/bin/true", argv);
			_exit(127);
		}
		waitpid(c, &status, 0);
	}
}

struct lost_seen {
	int records;
	uint64_t lost;
};

static int count_record(const struct rb_event *ev, void *ctx)
{
	struct lost_seen *s = ctx;

	ck_assert_int_ge(ev->cpu, 0);
	ck_assert_uint_eq(ev->size, 164); /* 160 + padding after the 4-byte size */
	s->records++;
	return 0;
}

static void count_lost(const char *map, int cpu, uint64_t lost, void *ctx)
{
	struct lost_seen *s = ctx;

	ck_assert_str_eq(map, "events");
	ck_assert_int_ge(cpu, 0);
	s->lost += lost;
}

START_TEST(event_reader_reports_perf_buffer_losses)
{
	/* one data page per CPU holds 24 records of 168 bytes: 120 execs overflow it */
	struct rb_event_reader_opts ro = { .sz = sizeof(ro), .on_event = count_record,
					   .on_lost = count_lost, .perf_pages = 1 };
	struct rb_event_reader *r;
	struct rb_event_stats st;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	struct lost_seen s = { 0 };

	ro.ctx = &s;
	test_load(&o, "perfbuf.bpf.o");
	ck_assert_msg(rb_loaded_attach(o.l, &e) == 1, "%s", e.msg);
	ck_assert_msg(rb_event_reader_new(o.l, &ro, &r, &e) == 0, "%s", e.msg);
	run_true(120);
	ck_assert_int_ge(rb_event_reader_poll(r, 100, &e), 0);
	/* the kernel writes its "lost" record once the ring has room again: more execs */
	run_true(20);
	ck_assert_int_ge(rb_event_reader_poll(r, 100, &e), 0);
	rb_event_reader_stats(r, &st);
	ck_assert_msg(s.lost > 0, "nothing lost (%d records)", s.records);
	ck_assert_uint_eq(st.lost, s.lost);
	ck_assert_uint_eq(st.records, (uint64_t)s.records);
	/* a CPU's ring holds 24 records: what was not read was lost, not dropped silently */
	ck_assert_msg(s.records >= 20, "only %d records", s.records);
	rb_event_reader_free(r);
	test_unload(&o);
}
END_TEST

START_TEST(event_reader_unknown_type)
{
	struct rb_event_reader_opts ro = {
		.sz = sizeof(ro), .on_event = on_event, .event_type = "struct nosuch"};
	struct rb_event_reader *r = NULL;
	struct rb_error e = {0};
	struct loaded_obj o;

	test_load(&o, "ringbuf.bpf.o");
	ck_assert_int_eq(rb_event_reader_new(o.l, &ro, &r, &e), -ENOENT);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(e.msg, "--event-type 'struct nosuch': no struct or union of that name in "
				"the object's BTF; its named structs: struct syscall_enter_ctx "
				"(64 bytes), struct event (160 bytes)");
	test_unload(&o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("run_kinds");
	TCase *t = tcase_create("run_kinds");

	test_require_kernel();
	tcase_set_timeout(t, 60);
	tcase_add_test(t, perf_event_samples_our_busy_loop);
	tcase_add_test(t, perf_event_period);
	tcase_add_test(t, syscall_program_runs_once);
	tcase_add_test(t, syscall_run_refuses_other_programs);
	tcase_add_test(t, event_reader_decodes_ringbuf_records);
	tcase_add_test(t, event_reader_reports_perf_buffer_losses);
	tcase_add_test(t, event_reader_unknown_type);
	suite_add_tcase(s, t);
	return test_run_suite(s);
}
