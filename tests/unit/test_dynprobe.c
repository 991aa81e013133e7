/*
 * bpf/dynprobe without a kernel: perf_event_open and bpf(2) are replaced by recording
 * hooks, sysfs and tracefs by a fake tree, and the test asserts on the exact perf event
 * attributes (PMU type, config bits, config1 string, config2 offset, pid/cpu), the link
 * request, the kprobe_events lines written and removed, and the error sentences.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "testbin.h"
#include "bpf/dynprobe.h"
#include "bpf/perf.h"
#include "bpf/sys.h"

static struct {
	struct perf_event_attr attr;
	char config1[256];
	int pid, cpu, nperf;
	int link_calls, link_target, link_prog;
	uint32_t link_type;
	uint64_t link_cookie;
	int link_ret; /* 0: succeed; else this -errno */
} rec;

static int perf_hook(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
		     unsigned long flags, void *ctx)
{
	(void)group_fd;
	(void)flags;
	(void)ctx;
	rec.attr = *attr;
	rec.config1[0] = '\0';
	if (attr->type != PERF_TYPE_TRACEPOINT && attr->config1)
		snprintf(rec.config1, sizeof(rec.config1), "%s",
			 (const char *)(uintptr_t)attr->config1);
	rec.pid = pid;
	rec.cpu = cpu;
	rec.nperf++;
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static long bpf_hook(int cmd, void *attr, unsigned int size, void *ctx)
{
	union bpf_attr a;

	(void)ctx;
	if (cmd != BPF_LINK_CREATE)
		return -ENOSYS;
	memset(&a, 0, sizeof(a));
	memcpy(&a, attr, size < sizeof(a) ? size : sizeof(a));
	rec.link_calls++;
	rec.link_prog = (int)a.link_create.prog_fd;
	rec.link_target = (int)a.link_create.target_fd;
	rec.link_type = a.link_create.attach_type;
	rec.link_cookie = a.link_create.perf_event.bpf_cookie;
	if (rec.link_ret)
		return rec.link_ret;
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static char pmu_dir[512], trace_dir[512];

static void setup(void)
{
	memset(&rec, 0, sizeof(rec));
	testbin_path(pmu_dir, sizeof(pmu_dir), "pmu");
	testbin_path(trace_dir, sizeof(trace_dir), "tracing");
	sys_set_perf_hook(perf_hook, NULL);
	sys_set_bpf_hook(bpf_hook, NULL);
	sys_set_fs_roots(trace_dir, pmu_dir);
}

START_TEST(kprobe_pmu_attrs_and_link)
{
	struct dynprobe_opts o = {.cookie = 42};
	struct dynprobe p;
	struct rb_error e = {0};

	setup();
	ck_assert_msg(!dynprobe_kprobe(33, "do_sys_openat2", 0x10, &o, &p, &e), "%s", e.msg);
	ck_assert_uint_eq(rec.attr.type, 7);
	ck_assert_uint_eq(rec.attr.config, 0);
	ck_assert_str_eq(rec.config1, "do_sys_openat2");
	ck_assert_uint_eq(rec.attr.config2, 0x10);
	ck_assert_int_eq(rec.pid, -1);
	ck_assert_int_eq(rec.cpu, 0);
	ck_assert_int_eq(rec.link_calls, 1);
	ck_assert_int_eq(rec.link_prog, 33);
	ck_assert_int_eq(rec.link_target, p.perf_fd);
	ck_assert_uint_eq(rec.link_type, BPF_PERF_EVENT);
	ck_assert_uint_eq(rec.link_cookie, 42);
	ck_assert_int_ge(p.link_fd, 0);
	ck_assert_str_eq(p.legacy_event, "");
	dynprobe_detach(&p);
	ck_assert_int_eq(p.perf_fd, -1);
	dynprobe_detach(&p); /* twice is fine */
	o.retprobe = true;
	ck_assert(!dynprobe_kprobe(33, "do_sys_openat2", 0, &o, &p, &e));
	ck_assert_uint_eq(rec.attr.config, 1ULL << 3); /* the fake PMU says config:3 */
	dynprobe_detach(&p);
}
END_TEST

START_TEST(uprobe_pmu_attrs)
{
	struct dynprobe_opts o = {.pid = 1234, .ref_ctr_offset = 0x4010};
	struct dynprobe p;
	struct rb_error e = {0};

	setup();
	ck_assert_msg(!dynprobe_uprobe(5, "/usr/bin/true", 0x1139, &o, &p, &e), "%s", e.msg);
	ck_assert_uint_eq(rec.attr.type, 8);
	ck_assert_uint_eq(rec.attr.config, 0x4010ULL << 32);
	ck_assert_str_eq(rec.config1, "/usr/bin/true");
	ck_assert_uint_eq(rec.attr.config2, 0x1139);
	ck_assert_int_eq(rec.pid, 1234);
	ck_assert_int_eq(rec.cpu, -1);
	dynprobe_detach(&p);
	o.retprobe = true;
	o.pid = 0;
	o.ref_ctr_offset = 0;
	ck_assert(!dynprobe_uprobe(5, "/usr/bin/true", 0x1139, &o, &p, &e));
	ck_assert_uint_eq(rec.attr.config, 1);
	ck_assert_int_eq(rec.pid, -1);
	ck_assert_int_eq(rec.cpu, 0);
	dynprobe_detach(&p);
	ck_assert_int_eq(dynprobe_uprobe(5, "bin/true", 0, NULL, &p, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "uprobe 'bin/true:0x0': needs an absolute path");
	o.ref_ctr_offset = 1ULL << 40;
	ck_assert_int_eq(dynprobe_uprobe(5, "/bin/true", 0, &o, &p, &e), -EINVAL);
}
END_TEST

static char *read_all(const char *path)
{
	return test_read_file(path, NULL);
}

START_TEST(legacy_kprobe_events)
{
	struct dynprobe_opts o = {0};
	struct dynprobe p;
	struct rb_error e = {0};
	char path[600], *text;

	setup();
	ck_assert_msg(!dynprobe_kprobe_legacy(9, "ev1", "do_sys_openat2", 16, &o, &p, &e), "%s",
		      e.msg);
	ck_assert_uint_eq(rec.attr.type, PERF_TYPE_TRACEPOINT);
	ck_assert_uint_eq(rec.attr.config, 1234);
	ck_assert_int_eq(rec.link_target, p.perf_fd);
	ck_assert_str_eq(p.legacy_event, "ev1");
	snprintf(path, sizeof(path), "%s/kprobe_events", trace_dir);
	text = read_all(path);
	ck_assert_str_eq(text, "p:kprobes/ev1 do_sys_openat2+16\n");
	free(text);
	dynprobe_detach(&p);
	text = read_all(path);
	ck_assert_str_eq(text, "p:kprobes/ev1 do_sys_openat2+16\n-:kprobes/ev1\n");
	free(text);
	o.retprobe = true;
	ck_assert_int_eq(dynprobe_kprobe_legacy(9, "ev1", "f", 8, &o, &p, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "kretprobe 'f+0x8' (tracefs event ev1): a return probe cannot "
				"have an offset");
	ck_assert(!dynprobe_kprobe_legacy(9, "ev1", "f", 0, &o, &p, &e));
	dynprobe_detach(&p);
	text = read_all(path);
	ck_assert(strstr(text, "r:kprobes/ev1 f\n-:kprobes/ev1\n"));
	free(text);
}
END_TEST

START_TEST(no_kprobes_at_all)
{
	struct dynprobe p;
	struct rb_error e = {0};
	char want[1500], dir[512];

	setup();
	sys_set_fs_roots(trace_dir, "/nonexistent-pmu");
	/* the fake tracefs has kprobe_events: the legacy path, with a unique event name */
	ck_assert_int_eq(testbin_sh("d=tracing/events/kprobes/rawbpf_%d_0_do_sys_openat2 && "
				    "mkdir -p $d && echo 77 > $d/id",
				    (int)getpid()),
			 0);
	ck_assert_msg(!dynprobe_kprobe(9, "do_sys_openat2", 0, NULL, &p, &e), "%s", e.msg);
	snprintf(want, sizeof(want), "rawbpf_%d_0_do_sys_openat2", (int)getpid());
	ck_assert_str_eq(p.legacy_event, want);
	ck_assert_uint_eq(rec.attr.config, 77);
	dynprobe_detach(&p);
	testbin_path(dir, sizeof(dir), "empty-tracing");
	sys_set_fs_roots(dir, "/nonexistent-pmu");
	ck_assert_int_eq(dynprobe_kprobe(9, "do_sys_openat2", 0, NULL, &p, &e), -EOPNOTSUPP);
	snprintf(
		want, sizeof(want),
		"kprobe 'do_sys_openat2+0x0': this kernel has no kprobes (CONFIG_KPROBES is off?): "
		"this kernel has no 'kprobe' PMU (no /nonexistent-pmu/kprobe/type), and no "
		"%s/kprobe_events",
		dir);
	ck_assert_str_eq(e.msg, want);
	ck_assert_int_eq(p.perf_fd, -1);
}
END_TEST

START_TEST(link_fallback_failure_leaks_nothing)
{
	struct dynprobe p;
	struct rb_error e = {0};
	int before;

	setup();
	rec.link_ret = -EINVAL; /* an old kernel: no perf links; the ioctl on /dev/null fails */
	before = test_count_fds();
	ck_assert_int_eq(dynprobe_uprobe(5, "/bin/true", 0, NULL, &p, &e), -ENOTTY);
	ck_assert(strstr(e.msg, "uprobe '/bin/true:0x0': attaching the program "
				"(PERF_EVENT_IOC_SET_BPF): "));
	ck_assert_int_eq(test_count_fds(), before);
	ck_assert_int_eq(p.perf_fd, -1);
	rec.link_ret = -EPERM;
	ck_assert_int_eq(dynprobe_uprobe(5, "/bin/true", 0, NULL, &p, &e), -EPERM);
	ck_assert_str_eq(e.msg, "uprobe '/bin/true:0x0': attaching the program (BPF_LINK_CREATE): "
				"Operation not permitted");
	ck_assert_int_eq(test_count_fds(), before);
}
END_TEST

START_TEST(syscall_prefix)
{
	struct rb_error e = {0};
	char out[32], path[512];

	testbin_write("ksyms1", "ffffffff81000000 T _stext\n"
				"ffffffff81234560 T __x64_sys_getpid\n"
				"ffffffff81234570 T __ia32_sys_getpid\n"
				"ffffffff81234580 t sys_getpid\t[fake]\n");
	ck_assert(!dynprobe_syscall_prefix(testbin_path(path, sizeof(path), "ksyms1"), out,
					   sizeof(out), &e));
	ck_assert_str_eq(out, "__x64_sys_");
	testbin_write("ksyms2", "0000000000000000 T sys_getpid\n");
	ck_assert(!dynprobe_syscall_prefix(testbin_path(path, sizeof(path), "ksyms2"), out,
					   sizeof(out), &e));
	ck_assert_str_eq(out, "sys_");
	testbin_write("ksyms3", "0000000000000000 T sys_getpidx\nbroken line\n\n");
	ck_assert_int_eq(dynprobe_syscall_prefix(testbin_path(path, sizeof(path), "ksyms3"), out,
						 sizeof(out), &e),
			 -ENOENT);
	ck_assert(strstr(e.msg, "syscall prefix: no getpid syscall wrapper"));
	/* every failure is a negative errno: unreadable kallsyms, a buffer too small */
	ck_assert_int_eq(dynprobe_syscall_prefix("/nonexistent/kallsyms", out, sizeof(out), &e),
			 -ENOENT);
	ck_assert_int_eq(e.err, -ENOENT);
	ck_assert(strstr(e.msg, "cannot read /nonexistent/kallsyms"));
	ck_assert_int_eq(dynprobe_syscall_prefix(testbin_path(path, sizeof(path), "ksyms1"), out,
						 4, &e),
			 -ENAMETOOLONG);
#if defined(__x86_64__)
	if (!access("/proc/kallsyms", R_OK)) {
		ck_assert_msg(!dynprobe_syscall_prefix(NULL, out, sizeof(out), &e), "%s", e.msg);
		ck_assert_str_eq(out, "__x64_sys_");
	}
#endif
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dynprobe");
	TCase *tc = tcase_create("dynprobe");
	int ret;

	/* the fake sysfs PMUs and tracefs */
	if (testbin_sh("mkdir -p pmu/kprobe/format pmu/uprobe/format tracing/events/kprobes/ev1 "
		       "empty-tracing/events && echo 7 > pmu/kprobe/type && "
		       "echo config:3 > pmu/kprobe/format/retprobe && echo 8 > pmu/uprobe/type && "
		       "echo config:0 > pmu/uprobe/format/retprobe && : > tracing/kprobe_events && "
		       "echo 1234 > tracing/events/kprobes/ev1/id")) {
		fprintf(stderr, "cannot build the fake sysfs/tracefs tree\n");
		return 1;
	}
	tcase_add_test(tc, kprobe_pmu_attrs_and_link);
	tcase_add_test(tc, uprobe_pmu_attrs);
	tcase_add_test(tc, legacy_kprobe_events);
	tcase_add_test(tc, no_kprobes_at_all);
	tcase_add_test(tc, link_fallback_failure_leaks_nothing);
	tcase_add_test(tc, syscall_prefix);
	suite_add_tcase(s, tc);
	ret = test_run_suite(s);
	testbin_cleanup();
	return ret;
}
