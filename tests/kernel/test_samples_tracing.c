/*
 * The samples this machine's kernel cannot run, loaded by the library (open, prepare, load)
 * and attached for real in the qemu guests (make test-kernels):
 *   fentry   samples/fentry.bpf.c (fentry + fexit on do_unlinkat)
 *   lsm      samples/lsm.bpf.c (lsm/file_open)
 *   kprobe   samples/kprobe.bpf.c (kprobe + kretprobe on do_unlinkat, kprobe PMU)
 * Each triggers its target a known number of times and asserts the sample's own .bss counters.
 * A sample this kernel cannot load or attach is left out with the reason printed; the program
 * skips when none can run (on the host), unless RAWBPF_REQUIRE_TRACING=1 (the guests).
 * guest-cases: fentry lsm kprobe
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/attach.h"
#include "bpf/perf.h"
#include "bpf/sys.h"
#include "testlib.h"

#define NR_TRIGGERS 5

struct sample {
	struct rb_object *obj;
	struct rb_prepared *pp;
	struct rb_loaded *l;
};

static int sample_load(const char *name, struct sample *s, char *why, size_t why_len)
{
	struct rb_load_opts lo = { .sz = sizeof(lo) };
	struct rb_error e = { 0 };
	char path[512];
	int r;

	memset(s, 0, sizeof(*s));
	test_sample_path(path, sizeof(path), name);
	r = rb_object_open(path, NULL, &s->obj, &e);
	if (r == 0)
		r = rb_object_prepare(s->obj, NULL, &s->pp, &e);
	if (r == 0)
		r = rb_object_load(s->obj, s->pp, &lo, &s->l, &e);
	if (r < 0)
		snprintf(why, why_len, "%s does not load: %.200s", name, e.msg);
	return r;
}

static void sample_free(struct sample *s)
{
	rb_loaded_free(s->l);
	rb_prepared_free(s->pp);
	rb_object_close(s->obj);
}

static int prog_fd(struct sample *s, const char *name)
{
	for (size_t i = 0; i < rb_loaded_prog_count(s->l); i++) {
		struct rb_loaded_prog_info pi;

		rb_loaded_prog(s->l, i, &pi);
		if (!strcmp(pi.name, name))
			return pi.fd;
	}
	return -1;
}

/* The .bss map's value as u64 words; returns how many. */
static size_t bss_words(struct sample *s, uint64_t *w, size_t max)
{
	for (size_t i = 0; i < rb_loaded_map_count(s->l); i++) {
		struct rb_loaded_map_info mi;
		struct bpf_map_info info;
		uint32_t key = 0;
		size_t n = strlen((rb_loaded_map(s->l, i, &mi), mi.name));

		if (n < 4 || strcmp(mi.name + n - 4, ".bss"))
			continue;
		ck_assert_int_eq(sys_map_get_info(mi.fd, &info), 0);
		ck_assert_uint_le(info.value_size, max * 8);
		memset(w, 0, max * 8);
		ck_assert_int_eq(sys_map_lookup_elem(mi.fd, &key, w, 0), 0);
		return info.value_size / 8;
	}
	ck_abort_msg("no .bss map");
	return 0;
}

static void unlink_n(void)
{
	for (int i = 0; i < NR_TRIGGERS; i++)
		ck_assert_int_eq(unlink("/nonexistent/rawbpf-samples"), -1);
}

/* fentry and fexit on do_unlinkat: unlinks (entry) and unlink_fails (exit, ret != 0). */
START_TEST(fentry_sample_counts_unlinks)
{
	struct sys_attachment in = SYS_ATTACHMENT_INIT, out = SYS_ATTACHMENT_INIT;
	struct rb_error e = { 0 };
	struct sample s;
	char why[300];
	uint64_t w[4];

	ck_assert_msg(sample_load("fentry.bpf.o", &s, why, sizeof(why)) == 0, "%s", why);
	ck_assert_msg(sys_attach_tracing(prog_fd(&s, "unlink_entry"), BPF_TRACE_FENTRY, 0, &in,
					 &e) == 0, "%s", e.msg);
	ck_assert_msg(sys_attach_tracing(prog_fd(&s, "unlink_exit"), BPF_TRACE_FEXIT, 0, &out,
					 &e) == 0, "%s", e.msg);
	unlink_n();
	sys_detach(&in);
	sys_detach(&out);
	/* both counters (whatever their order in .bss) saw every failed unlink */
	ck_assert_uint_eq(bss_words(&s, w, 4), 2);
	ck_assert_uint_eq(w[0], NR_TRIGGERS);
	ck_assert_uint_eq(w[1], NR_TRIGGERS);
	sample_free(&s);
}
END_TEST

START_TEST(lsm_sample_counts_opens)
{
	struct sys_attachment a = SYS_ATTACHMENT_INIT;
	struct rb_error e = { 0 };
	struct sample s;
	char why[300];
	uint64_t w[2];

	ck_assert_msg(sample_load("lsm.bpf.o", &s, why, sizeof(why)) == 0, "%s", why);
	ck_assert_msg(sys_attach_tracing(prog_fd(&s, "count_open"), BPF_LSM_MAC, 0, &a, &e) == 0,
		      "%s", e.msg);
	for (int i = 0; i < NR_TRIGGERS; i++) {
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		ck_assert_int_ge(fd, 0);
		close(fd);
	}
	sys_detach(&a);
	/* the guest runs nothing else: every file_open was ours */
	ck_assert_uint_eq(bss_words(&s, w, 2), 1);
	ck_assert_uint_eq(w[0], NR_TRIGGERS);
	sample_free(&s);
}
END_TEST

static int kprobe_open(const char *func, bool ret, int prog)
{
	struct rb_error e = { 0 };
	struct perf_event_attr pa = { .size = sizeof(pa) };
	int type = sys_pmu_type("kprobe", &e), fd;

	ck_assert_msg(type >= 0, "%s", e.msg);
	pa.type = (uint32_t)type;
	if (ret)
		pa.config = 1ULL << sys_pmu_retprobe_bit("kprobe", &e);
	pa.config1 = (uint64_t)(uintptr_t)func;
	fd = sys_perf_event_open(&pa, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	ck_assert_msg(fd >= 0, "perf_event_open kprobe %s: %s", func, strerror(-fd));
	ck_assert_int_eq(sys_perf_event_set_bpf(fd, prog), 0);
	ck_assert_int_eq(sys_perf_event_enable(fd), 0);
	return fd;
}

START_TEST(kprobe_sample_counts_unlinks)
{
	struct sample s;
	char why[300];
	uint64_t w[4];
	int in, out;

	ck_assert_msg(sample_load("kprobe.bpf.o", &s, why, sizeof(why)) == 0, "%s", why);
	in = kprobe_open("do_unlinkat", false, prog_fd(&s, "unlink_entry"));
	out = kprobe_open("do_unlinkat", true, prog_fd(&s, "unlink_exit"));
	unlink_n();
	close(in);
	close(out);
	ck_assert_uint_eq(bss_words(&s, w, 4), 2);
	ck_assert_uint_eq(w[0], NR_TRIGGERS);
	ck_assert_uint_eq(w[1], NR_TRIGGERS);
	sample_free(&s);
}
END_TEST

int main(void)
{
	static const char *names[] = { "fentry", "lsm", "kprobe" };
	static const char *objs[] = { "fentry.bpf.o", "lsm.bpf.o", "kprobe.bpf.o" };
	const TTest *tests[] = { fentry_sample_counts_unlinks, lsm_sample_counts_opens,
				 kprobe_sample_counts_unlinks };
	const char *req = getenv("RAWBPF_REQUIRE_TRACING");
	bool required = req && !strcmp(req, "1");
	Suite *s = suite_create("samples_tracing");
	char skipped[1400] = "", why[300];
	struct rb_error e = { 0 };
	int added = 0, missing = 0;

	test_require_kernel();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct sample smp;
		TCase *tc;

		why[0] = '\0';
		if (sample_load(objs[i], &smp, why, sizeof(why)) == 0) {
			for (size_t p = 0; p < rb_loaded_prog_count(smp.l); p++) {
				struct rb_loaded_prog_info pi;

				rb_loaded_prog(smp.l, p, &pi);
				if (pi.fd < 0 && !why[0])
					snprintf(why, sizeof(why), "%s: '%s' does not load: %.200s",
						 objs[i], pi.name, pi.explain);
			}
			sample_free(&smp);
		}
		if (!why[0] && !strcmp(names[i], "kprobe") && sys_pmu_type("kprobe", &e) < 0)
			snprintf(why, sizeof(why), "no kprobe PMU: %.200s", e.msg);
		if (why[0]) {
			size_t n = strlen(skipped);

			printf("%s: not run: %s\n", names[i], why);
			snprintf(skipped + n, sizeof(skipped) - n, "%s%s", n ? "; " : "", why);
			missing++;
			continue;
		}
		tc = tcase_create(names[i]);
		tcase_set_timeout(tc, 30);
		tcase_add_test(tc, tests[i]);
		suite_add_tcase(s, tc);
		added++;
	}
	if (required && missing) {
		printf("FAIL: RAWBPF_REQUIRE_TRACING=1 and %s\n", skipped);
		return 1;
	}
	if (!added)
		test_skip(skipped); /* the unused suite goes with the process */
	return test_run_suite(s);
}
