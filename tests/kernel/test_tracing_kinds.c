/*
 * The attach kinds this machine's kernel cannot run (no kprobes; fentry, fexit and LSM load
 * with EPERM) tested for real in the qemu guests (make test-kernels): a hand-assembled program
 * counts calls made by this process into an array map, and each test asserts the exact count
 * after triggering the target a known number of times.
 *   kprobe / kretprobe    the kprobe PMU (perf_event_open type from sysfs), on getpid
 *   kprobe_legacy         a tracefs kprobe_events probe opened as a tracepoint perf event
 *   fentry / fexit        BPF_PROG_TYPE_TRACING on do_unlinkat, triggered by unlink(2)
 *   lsm                   BPF_PROG_TYPE_LSM on bpf_lsm_file_open, triggered by open(2)
 * Each kind is its own Check case; a kind the kernel lacks is left out with its reason
 * printed, and the program skips when none can run (on the host), unless
 * RAWBPF_REQUIRE_TRACING=1 (the guests), where a missing kind is a failure.
 * guest-cases: kprobe kretprobe kprobe_legacy fentry fexit lsm
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf/attach.h"
#include "bpf/insn.h"
#include "bpf/perf.h"
#include "bpf/sys.h"
#include "btf/btf.h"
#include "testlib.h"

#define KPROBE_TARGET "__x64_sys_getpid"
#define NR_TRIGGERS 7

static char why_not[6][200];

static int counter_map(void)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 8, .max_entries = 1, .name = "rb_kinds" };

	return sys_map_create(&o);
}

static uint64_t count_of(int map_fd)
{
	uint32_t key = 0;
	uint64_t v = 0;

	ck_assert_int_eq(sys_map_lookup_elem(map_fd, &key, &v, 0), 0);
	return v;
}

/* if (current tgid == ours) counter[0] += 1; return 0 — valid for every kind here. */
static int load_counter(uint32_t type, uint32_t expected, uint32_t btf_id, int map_fd, char *log,
			size_t log_size)
{
	struct bpf_insn insns[9];
	struct sys_prog_load_opts o = { .prog_type = type, .expected_attach_type = expected,
					.attach_btf_id = btf_id, .insns = insns, .insn_cnt = 9,
					.license = "GPL", .name = "rb_kinds", .log_level = 1,
					.log_buf = log, .log_size = (uint32_t)log_size };

	insns[0] = insn_call_helper(BPF_FUNC_get_current_pid_tgid);
	insns[1] = insn_alu64_imm(BPF_RSH, 0, 32);
	insns[2] = insn_jmp_imm(BPF_JNE, 0, (int32_t)getpid(), 4);
	insn_ld_imm64(&insns[3], 1, BPF_PSEUDO_MAP_VALUE, (uint64_t)(uint32_t)map_fd);
	insns[5] = insn_mov64_imm(2, 1);
	insns[6] = insn_atomic(BPF_DW, BPF_ADD, 1, 2, 0);
	insns[7] = insn_mov64_imm(0, 0);
	insns[8] = insn_exit();
	log[0] = '\0';
	return sys_prog_load(&o);
}

static uint32_t vmlinux_func(const char *name)
{
	struct btf *vmlinux;
	struct rb_error e = { 0 };
	int id;

	if (btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &vmlinux, &e) < 0)
		return 0;
	id = btf_find(vmlinux, name, BTF_KIND_FUNC);
	btf_free(vmlinux);
	return id > 0 ? (uint32_t)id : 0;
}

static void trigger_getpid(void)
{
	for (int i = 0; i < NR_TRIGGERS; i++)
		syscall(SYS_getpid);
}

/* A kprobe or kretprobe through the kprobe PMU; the program is set by ioctl. */
static void run_pmu_kprobe(bool retprobe)
{
	struct rb_error e = { 0 };
	char log[4096];
	int type = sys_pmu_type("kprobe", &e), bit = 0, map, prog, pfd;
	struct perf_event_attr pa = { .size = sizeof(pa) };

	ck_assert_msg(type >= 0, "%s", e.msg);
	if (retprobe) {
		bit = sys_pmu_retprobe_bit("kprobe", &e);
		ck_assert_msg(bit >= 0, "%s", e.msg);
		pa.config = 1ULL << bit;
	}
	map = counter_map();
	ck_assert_int_ge(map, 0);
	prog = load_counter(BPF_PROG_TYPE_KPROBE, 0, 0, map, log, sizeof(log));
	ck_assert_msg(prog >= 0, "kprobe load: %s\n%s", strerror(-prog), log);
	pa.type = (uint32_t)type;
	pa.config1 = (uint64_t)(uintptr_t)KPROBE_TARGET; /* kprobe_func */
	pa.config2 = 0;					  /* offset */
	pfd = sys_perf_event_open(&pa, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	ck_assert_msg(pfd >= 0, "perf_event_open kprobe %s: %s", KPROBE_TARGET, strerror(-pfd));
	ck_assert_int_eq(sys_perf_event_set_bpf(pfd, prog), 0);
	ck_assert_int_eq(sys_perf_event_enable(pfd), 0);
	trigger_getpid();
	ck_assert_int_eq(sys_perf_event_disable(pfd), 0);
	ck_assert_uint_eq(count_of(map), NR_TRIGGERS);
	/* detached: no more counting */
	close(pfd);
	trigger_getpid();
	ck_assert_uint_eq(count_of(map), NR_TRIGGERS);
	close(prog);
	close(map);
}

START_TEST(kprobe_pmu_counts_getpid)
{
	run_pmu_kprobe(false);
}
END_TEST

START_TEST(kretprobe_pmu_counts_getpid)
{
	run_pmu_kprobe(true);
}
END_TEST

/* Append one line to tracefs kprobe_events; 0 or -errno. */
static int kprobe_events_write(const char *line)
{
	struct rb_error e = { 0 };
	const char *dir = sys_tracefs_dir(&e);
	char path[256];
	int fd, rc = 0;

	if (!dir)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, line, strlen(line)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static char legacy_event[64];

static void legacy_cleanup(void)
{
	char line[128];

	if (!legacy_event[0])
		return;
	snprintf(line, sizeof(line), "-:rawbpf_test/%s\n", legacy_event);
	kprobe_events_write(line);
	legacy_event[0] = '\0';
}

/* The path for kernels without the kprobe PMU: a kprobe_events entry is a tracepoint. */
START_TEST(kprobe_legacy_tracefs_counts_getpid)
{
	struct rb_error e = { 0 };
	struct perf_event_attr pa = { .size = sizeof(pa), .type = PERF_TYPE_TRACEPOINT };
	char line[160], log[4096];
	int map, prog, pfd, id;

	snprintf(legacy_event, sizeof(legacy_event), "kp_%d", (int)getpid());
	snprintf(line, sizeof(line), "p:rawbpf_test/%s %s\n", legacy_event, KPROBE_TARGET);
	ck_assert_int_eq(kprobe_events_write(line), 0);
	atexit(legacy_cleanup);
	id = sys_tracepoint_id("rawbpf_test", legacy_event, &e);
	ck_assert_msg(id > 0, "%s", e.msg);
	map = counter_map();
	ck_assert_int_ge(map, 0);
	prog = load_counter(BPF_PROG_TYPE_KPROBE, 0, 0, map, log, sizeof(log));
	ck_assert_msg(prog >= 0, "kprobe load: %s\n%s", strerror(-prog), log);
	pa.config = (uint64_t)id;
	pfd = sys_perf_event_open(&pa, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	ck_assert_msg(pfd >= 0, "perf_event_open tracepoint %d: %s", id, strerror(-pfd));
	ck_assert_int_eq(sys_perf_event_set_bpf(pfd, prog), 0);
	ck_assert_int_eq(sys_perf_event_enable(pfd), 0);
	trigger_getpid();
	ck_assert_int_eq(sys_perf_event_disable(pfd), 0);
	ck_assert_uint_eq(count_of(map), NR_TRIGGERS);
	close(pfd);
	close(prog);
	close(map);
	legacy_cleanup();
}
END_TEST

/* fentry/fexit on do_unlinkat, or LSM on bpf_lsm_file_open, attached with a link. */
static void run_btf_attach(uint32_t type, uint32_t attach, const char *func, bool use_open)
{
	struct sys_attachment a = SYS_ATTACHMENT_INIT;
	struct rb_error e = { 0 };
	char log[8192];
	uint32_t id = vmlinux_func(func);
	int map, prog;

	ck_assert_msg(id > 0, "%s is not in this kernel's BTF", func);
	map = counter_map();
	ck_assert_int_ge(map, 0);
	prog = load_counter(type, attach, id, map, log, sizeof(log));
	ck_assert_msg(prog >= 0, "load on %s: %s\n%s", func, strerror(-prog), log);
	ck_assert_msg(sys_attach_tracing(prog, attach, 0, &a, &e) == 0, "%s", e.msg);
	for (int i = 0; i < NR_TRIGGERS; i++) {
		if (use_open) {
			int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

			ck_assert_int_ge(fd, 0);
			close(fd);
		} else {
			ck_assert_int_eq(unlink("/nonexistent/rawbpf-kinds"), -1);
		}
	}
	sys_detach(&a);
	ck_assert_uint_eq(count_of(map), NR_TRIGGERS);
	close(prog);
	close(map);
}

START_TEST(fentry_counts_unlink)
{
	run_btf_attach(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "do_unlinkat", false);
}
END_TEST

START_TEST(fexit_counts_unlink)
{
	run_btf_attach(BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, "do_unlinkat", false);
}
END_TEST

START_TEST(lsm_counts_opens)
{
	run_btf_attach(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "bpf_lsm_file_open", true);
}
END_TEST

/* Can this kernel run the kind at all? Empty reason: yes. */
static void probe_kinds(void)
{
	struct rb_error e = { 0 };
	const char *dir = sys_tracefs_dir(&e);
	char log[4096], path[256];
	int map = counter_map(), prog;

	if (sys_pmu_type("kprobe", &e) < 0) {
		snprintf(why_not[0], sizeof(why_not[0]), "no kprobe PMU: %.150s", e.msg);
		snprintf(why_not[1], sizeof(why_not[1]), "no kprobe PMU");
	}
	snprintf(path, sizeof(path), "%s/kprobe_events", dir ? dir : "/nonexistent");
	if (!dir || access(path, W_OK) != 0)
		snprintf(why_not[2], sizeof(why_not[2]), "no writable %.150s", path);
	prog = load_counter(BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, vmlinux_func("do_unlinkat"),
			    map, log, sizeof(log));
	if (prog < 0) {
		snprintf(why_not[3], sizeof(why_not[3]), "fentry on do_unlinkat does not load: %s",
			 strerror(-prog));
		snprintf(why_not[4], sizeof(why_not[4]), "fexit: %.150s", why_not[3]);
	} else {
		close(prog);
	}
	prog = load_counter(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, vmlinux_func("bpf_lsm_file_open"), map,
			    log, sizeof(log));
	if (prog < 0)
		snprintf(why_not[5], sizeof(why_not[5]),
			 "LSM on bpf_lsm_file_open does not load: %s", strerror(-prog));
	else
		close(prog);
	if (map >= 0)
		close(map);
}

int main(void)
{
	static const char *names[] = { "kprobe", "kretprobe", "kprobe_legacy",
				       "fentry", "fexit",     "lsm" };
	const TTest *tests[] = { kprobe_pmu_counts_getpid, kretprobe_pmu_counts_getpid,
				 kprobe_legacy_tracefs_counts_getpid, fentry_counts_unlink,
				 fexit_counts_unlink, lsm_counts_opens };
	const char *req = getenv("RAWBPF_REQUIRE_TRACING");
	bool required = req && !strcmp(req, "1");
	Suite *s = suite_create("tracing_kinds");
	char skipped[1400] = "";
	int added = 0, missing = 0;

	test_require_kernel();
	probe_kinds();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		TCase *tc;

		if (why_not[i][0]) {
			printf("%s: not run: %s\n", names[i], why_not[i]);
			size_t n = strlen(skipped);
			snprintf(skipped + n, sizeof(skipped) - n, "%s%s: %s", n ? "; " : "",
				 names[i], why_not[i]);
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
