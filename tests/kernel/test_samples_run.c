/*
 * Every sample this kernel can attach, run through rawbpf's library: open, (set globals),
 * prepare, load, attach, trigger the event from the test, and check what the sample's own
 * maps say, with the expectations that tests/oracle/oracle_samples.c proves with libbpf.
 * Other processes run while the tests do (tracepoints see the whole machine), so counts
 * keyed by our pid are exact and whole-machine counts are lower bounds.
 *
 * Also: --pin, then a second process (`rawbpf map dump`) reads the pinned map; unpin and
 * close leave nothing (the pin directory is gone, the program, map and link ids are free).
 *
 * Not here yet: perf_event, uprobe and usdt, whose attach needs a target from the caller
 * (an event, a binary:function, a probe: test_attach_kinds.c and test_uprobe_kernel.c cover
 * those attach paths, not these samples' counts),
 * ksyms_typed (needs a kallsyms address for 'runqueues', which this kernel does not give).
 * Samples this kernel refuses by kind (fentry/fexit/lsm: EPERM here, kprobe: no kprobes)
 * are in test_samples_tracing.c, run in the qemu guests; network samples (xdp, tcx,
 * cgroup_skb) and the buffers (ringbuf, perfbuf) have their own kernel tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "rawbpf.h"
#include "testlib.h"

#define N_CALLS 7

struct run {
	struct rb_object *obj;
	struct rb_prepared *pp;
	struct rb_loaded *l;
};

/* Open, set each "NAME=VALUE" (NULL-terminated), prepare, load, attach: all must work. */
static void run_start(struct run *r, const char *sample, const char *const *sets)
{
	struct rb_load_opts lo = { .sz = sizeof(lo) };
	struct rb_error e = { 0 };
	char path[512];
	int n;

	memset(r, 0, sizeof(*r));
	test_sample_path(path, sizeof(path), sample);
	ck_assert_msg(rb_object_open(path, NULL, &r->obj, &e) == 0, "%s", e.msg);
	for (; sets && *sets; sets++) {
		char name[64];
		const char *eq = strchr(*sets, '=');

		snprintf(name, sizeof(name), "%.*s", (int)(eq - *sets), *sets);
		ck_assert_msg(rb_object_set_var(r->obj, name, eq + 1, &e) == 0, "%s", e.msg);
	}
	ck_assert_msg(rb_object_prepare(r->obj, NULL, &r->pp, &e) == 0, "%s", e.msg);
	ck_assert_msg(rb_object_load(r->obj, r->pp, &lo, &r->l, &e) == 0, "%s", e.msg);
	n = rb_loaded_attach(r->l, &e);
	ck_assert_msg(n > 0, "%s: nothing attached (%d): %s", sample, n, e.msg);
}

static void run_stop(struct run *r)
{
	rb_loaded_detach(r->l);
	rb_loaded_free(r->l);
	rb_prepared_free(r->pp);
	rb_object_close(r->obj);
}

static int map_fd(struct run *r, const char *name)
{
	for (size_t i = 0; i < rb_loaded_map_count(r->l); i++) {
		struct rb_loaded_map_info mi;

		rb_loaded_map(r->l, i, &mi);
		if (!strcmp(mi.name, name))
			return mi.fd;
	}
	ck_abort_msg("no map %s", name);
	return -1;
}

static int lookup(struct run *r, const char *map, const void *key, void *val)
{
	return rb_map_lookup(map_fd(r, map), key, val);
}

/* Read global var (n bytes) from the kernel's copy of its section's map. */
static void read_global(struct run *r, const char *var, void *out, size_t n)
{
	for (size_t i = 0; i < rb_object_var_count(r->obj); i++) {
		struct rb_var_info vi;
		struct rb_map_fd_info fi;
		uint8_t buf[4096];
		uint32_t zero = 0;
		int fd;

		rb_object_var(r->obj, i, &vi);
		if (strcmp(vi.name, var))
			continue;
		ck_assert_uint_eq(vi.size, n);
		fd = map_fd(r, vi.map);
		ck_assert_int_eq(rb_map_fd_info(fd, &fi), 0);
		ck_assert_uint_le(fi.value_size, sizeof(buf));
		ck_assert_int_eq(rb_map_lookup(fd, &zero, buf), 0);
		memcpy(out, buf + vi.offset, n);
		return;
	}
	ck_abort_msg("no global %s", var);
}

static void getpid_n(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

/* fork + exec /bin/true; the child's pid once it has exited. */
static pid_t run_true(void)
{
	pid_t c = fork();

	if (c == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(c, 0);
	ck_assert_int_eq(waitpid(c, NULL, 0), c);
	return c;
}

START_TEST(counter_counts_our_getpids)
{
	uint32_t pid = getpid();
	uint64_t n = 0;
	struct run r;

	run_start(&r, "counter.bpf.o", NULL);
	getpid_n(N_CALLS);
	ck_assert_int_eq(lookup(&r, "counts", &pid, &n), 0);
	ck_assert_uint_eq(n, N_CALLS);
	run_stop(&r);
}
END_TEST

START_TEST(syscount_counts_our_syscalls)
{
	char comm[16] = { 0 };
	uint64_t n = 0;
	struct run r;

	run_start(&r, "syscount.bpf.o", NULL);
	prctl(PR_GET_NAME, comm);
	getpid_n(N_CALLS);
	ck_assert_int_eq(lookup(&r, "syscalls", comm, &n), 0);
	ck_assert_uint_ge(n, N_CALLS);
	run_stop(&r);
}
END_TEST

START_TEST(readlat_histogram_holds_our_reads)
{
	uint64_t total = 0, v;
	char buf[16];
	struct run r;
	int fd;

	run_start(&r, "readlat.bpf.o", NULL);
	fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < N_CALLS; i++)
		ck_assert_int_eq(read(fd, buf, sizeof(buf)), sizeof(buf));
	close(fd);
	for (uint32_t b = 0; b < 27; b++)
		if (lookup(&r, "hist", &b, &v) == 0)
			total += v;
	ck_assert_uint_ge(total, N_CALLS);
	run_stop(&r);
}
END_TEST

struct stats {
	uint64_t calls, skipped;
};

/* --set target_pid=<us>: only our calls match, and .data/.bss show it. */
START_TEST(globals_set_target_pid_to_us)
{
	char set[64];
	const char *sets[] = { set, NULL };
	struct stats st;
	uint64_t matched;
	int32_t last;
	struct run r;

	snprintf(set, sizeof(set), "target_pid=%d", getpid());
	run_start(&r, "globals.bpf.o", sets);
	getpid_n(N_CALLS);
	read_global(&r, "matched", &matched, sizeof(matched));
	read_global(&r, "last_pid", &last, sizeof(last));
	read_global(&r, "stats", &st, sizeof(st));
	ck_assert_uint_eq(matched, N_CALLS);
	ck_assert_int_eq(last, getpid());
	ck_assert_uint_ge(st.calls, N_CALLS);
	ck_assert_uint_ge(st.calls - st.skipped, N_CALLS);
	run_stop(&r);
}
END_TEST

/* --set target_pid to a pid that does not exist: every call is skipped, nothing matches. */
START_TEST(globals_set_target_pid_elsewhere)
{
	const char *sets[] = { "target_pid=0x7ffffff0", "greeting=unused", NULL };
	struct stats st;
	uint64_t matched;
	int32_t last;
	char greeting[16];
	struct run r;

	run_start(&r, "globals.bpf.o", sets);
	getpid_n(N_CALLS);
	read_global(&r, "matched", &matched, sizeof(matched));
	read_global(&r, "last_pid", &last, sizeof(last));
	read_global(&r, "stats", &st, sizeof(st));
	read_global(&r, "greeting", greeting, sizeof(greeting));
	ck_assert_uint_eq(matched, 0);
	ck_assert_int_eq(last, -1);
	ck_assert_uint_ge(st.skipped, N_CALLS);
	ck_assert_str_eq(greeting, "unused");
	run_stop(&r);
}
END_TEST

START_TEST(hello_prints_to_the_trace_buffer)
{
	char line[512], want[64];
	bool found = false;
	struct run r;
	FILE *f;

	run_start(&r, "hello.bpf.o", NULL);
	getpid_n(1);
	/* the non-consuming view: other readers of trace_pipe are not disturbed */
	f = fopen("/sys/kernel/tracing/trace", "r");
	ck_assert_msg(f != NULL, "/sys/kernel/tracing/trace: %s", strerror(errno));
	snprintf(want, sizeof(want), "hello from pid %d", getpid());
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, want) != NULL;
	fclose(f);
	ck_assert_msg(found, "no line '%s' in the trace buffer", want);
	run_stop(&r);
}
END_TEST

START_TEST(subprogs_count_both_ways)
{
	uint64_t v[4] = { 0 };
	struct run r;

	run_start(&r, "subprogs.bpf.o", NULL);
	getpid_n(N_CALLS);
	syscall(SYS_getppid);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_int_eq(lookup(&r, "calls", &i, &v[i]), 0);
	ck_assert_msg(v[0] >= N_CALLS && v[1] >= N_CALLS && v[2] >= 1 && v[3] >= 1,
		      "calls = {%llu, %llu, %llu, %llu}", (unsigned long long)v[0],
		      (unsigned long long)v[1], (unsigned long long)v[2], (unsigned long long)v[3]);
	run_stop(&r);
}
END_TEST

START_TEST(callbacks_loop_and_timer)
{
	uint64_t loop, total, fired;
	struct run r;

	run_start(&r, "callbacks.bpf.o", NULL);
	getpid_n(N_CALLS);
	for (int i = 0; i < 20; i++) {
		usleep(5000); /* a system call: arms the timer again */
		getpid_n(1);
	}
	read_global(&r, "loop_result", &loop, sizeof(loop));
	read_global(&r, "total_calls", &total, sizeof(total));
	read_global(&r, "timer_fired", &fired, sizeof(fired));
	ck_assert_uint_eq(loop, 385);
	ck_assert_uint_ge(total, N_CALLS);
	ck_assert_uint_gt(fired, 0);
	run_stop(&r);
}
END_TEST

START_TEST(core_task_sees_the_exec)
{
	struct {
		uint32_t pid, tgid, ppid, in_execve, pidtype_tgid, state;
		char comm[16];
	} t;
	uint32_t child;
	struct run r;

	run_start(&r, "core_task.bpf.o", NULL);
	child = (uint32_t)run_true();
	ck_assert_int_eq(lookup(&r, "tasks", &child, &t), 0);
	ck_assert_uint_eq(t.pid, child);
	ck_assert_uint_eq(t.tgid, child);
	ck_assert_uint_eq(t.ppid, (uint32_t)getpid());
	ck_assert_uint_eq(t.in_execve, 1);
	ck_assert_uint_eq(t.pidtype_tgid, 1);
	ck_assert_uint_eq(t.state, 0);
	ck_assert_str_eq(t.comm, "true");
	run_stop(&r);
}
END_TEST

/* CONFIG_NAME's value in /proc/config.gz ("" when absent or not set). */
static void kconfig_value(const char *name, char *out, size_t n)
{
	char line[512];
	size_t len = strlen(name);
	FILE *p = popen("zcat /proc/config.gz 2>/dev/null", "r");

	out[0] = 0;
	if (!p)
		return;
	while (fgets(line, sizeof(line), p))
		if (strncmp(line, name, len) == 0 && line[len] == '=') {
			snprintf(out, n, "%s", line + len + 1);
			out[strcspn(out, "\n")] = 0;
		}
	pclose(p);
}

START_TEST(kconfig_values_match_the_kernel)
{
	struct {
		uint32_t ver;
		int32_t hz;
		uint32_t jit, tun, kprobes;
		int32_t none;
	} s;
	char hz[32], kp[32], tun[32], jit[32];
	unsigned int a = 0, b = 0, c = 0;
	struct utsname u;
	struct run r;

	run_start(&r, "kconfig.bpf.o", NULL);
	getpid_n(1);
	read_global(&r, "seen", &s, sizeof(s));
	uname(&u);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	kconfig_value("CONFIG_HZ", hz, sizeof(hz));
	kconfig_value("CONFIG_KPROBES", kp, sizeof(kp));
	kconfig_value("CONFIG_TUN", tun, sizeof(tun));
	kconfig_value("CONFIG_BPF_JIT", jit, sizeof(jit));
	ck_assert_uint_eq(s.ver, (a << 16) | (b << 8) | (c > 255 ? 255 : c));
	ck_assert_int_eq(s.hz, atoi(hz));
	ck_assert_uint_eq(s.jit, jit[0] == 'y');
	ck_assert_uint_eq(s.tun, tun[0] == 'y' ? 1 : tun[0] == 'm' ? 2 : 0);
	ck_assert_uint_eq(s.kprobes, kp[0] == 'y');
	ck_assert_int_eq(s.none, 0);
	run_stop(&r);
}
END_TEST

static unsigned long long kallsyms_addr(const char *name)
{
	char line[512], sym[256], type;
	unsigned long long addr, found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 && !strcmp(sym, name)) {
			found = addr;
			break;
		}
	fclose(f);
	return found;
}

START_TEST(ksyms_reads_kernel_symbols)
{
	struct {
		uint64_t stext, missing;
		uint32_t parent_tgid;
		char comm[16];
	} s;
	char me[16] = { 0 };
	uint32_t child;
	struct run r;

	run_start(&r, "ksyms.bpf.o", NULL);
	prctl(PR_GET_NAME, me);
	child = (uint32_t)run_true();
	ck_assert_int_eq(lookup(&r, "seen", &child, &s), 0);
	ck_assert_uint_eq(s.stext, kallsyms_addr("_stext"));
	ck_assert_uint_eq(s.missing, 0);
	ck_assert_uint_eq(s.parent_tgid, (uint32_t)getpid());
	ck_assert_int_eq(strncmp(s.comm, me, 16), 0);
	run_stop(&r);
}
END_TEST

START_TEST(iter_task_lists_us)
{
	char buf[65536], want[64];
	struct rb_error e = { 0 };
	ssize_t n, len = 0;
	struct run r;
	int fd;

	run_start(&r, "iter_task.bpf.o", NULL);
	fd = rb_loaded_iter_open(r.l, 0, &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	snprintf(want, sizeof(want), "%8d %8d ", getpid(), getpid());
	ck_assert_int_eq(strncmp(buf, "     PID      TID COMM", 22), 0);
	ck_assert_msg(strstr(buf, want) != NULL, "no line for pid %d in %zd bytes", getpid(), len);
	run_stop(&r);
}
END_TEST

/* Run argv with stdout into out (NUL-terminated); returns the exit status. */
static int run_capture(char *const argv[], char *out, size_t len)
{
	int p[2], st = -1;
	size_t got = 0;
	ssize_t n;
	pid_t c;

	ck_assert_int_eq(pipe(p), 0);
	c = fork();
	if (c == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	while (got < len - 1 && (n = read(p[0], out + got, len - 1 - got)) > 0)
		got += n;
	out[got] = 0;
	close(p[0]);
	waitpid(c, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool id_exists(enum sys_obj_kind kind, uint32_t id)
{
	/* the kernel frees ids when the last reference goes; give it a moment */
	for (int i = 0; i < 50; i++) {
		int fd = sys_get_fd_by_id(kind, id);

		if (fd < 0)
			return false;
		close(fd);
		usleep(10000);
	}
	return true;
}

/* --pin: another process reads the pinned map while the loader is gone; unpin frees all. */
START_TEST(pin_then_second_process_reads_then_unpin)
{
	char dir[128], mapp[200], rawbpf[512], out[65536], want[96];
	char *argv[] = { rawbpf, "map", "dump", mapp, "--json", NULL };
	struct rb_loaded_prog_info pi;
	struct rb_loaded_map_info mi;
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	uint32_t prog_id, map_id, link_id;
	struct stat sb;
	struct run r;
	int st;

	snprintf(dir, sizeof(dir), "/sys/fs/bpf/rawbpf_samples_run_%d", getpid());
	snprintf(mapp, sizeof(mapp), "%s/maps/counts", dir);
	snprintf(rawbpf, sizeof(rawbpf), "%s/rawbpf", test_build_dir());
	run_start(&r, "counter.bpf.o", NULL);
	ck_assert_msg(rb_loaded_pin(r.l, dir, &e) == 0, "%s", e.msg);
	rb_loaded_prog(r.l, 0, &pi);
	rb_loaded_map(r.l, 0, &mi);
	rb_loaded_attach_result(r.l, 0, &ar);
	prog_id = pi.id;
	map_id = mi.id;
	link_id = ar.link_id;
	ck_assert_uint_gt(link_id, 0);
	/* the loader lets go of everything: the pins keep the program attached and counting */
	rb_loaded_free(r.l);
	rb_prepared_free(r.pp);
	rb_object_close(r.obj);
	getpid_n(N_CALLS);
	st = run_capture(argv, out, sizeof(out));
	snprintf(want, sizeof(want), "\"formatted\":{\"key\":%d,\"value\":%d}", getpid(), N_CALLS);
	if (st != 0 || !strstr(out, want)) {
		rb_unpin(dir, NULL);
		ck_abort_msg("rawbpf map dump %s: exit %d, no %s in: %.300s", mapp, st, want, out);
	}
	ck_assert_msg(rb_unpin(dir, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(stat(dir, &sb), -1);
	ck_assert(!id_exists(SYS_OBJ_LINK, link_id));
	ck_assert(!id_exists(SYS_OBJ_PROG, prog_id));
	ck_assert(!id_exists(SYS_OBJ_MAP, map_id));
}
END_TEST

/* Global data maps have '.' in their names, which bpffs refuses: they pin as '_'. */
START_TEST(pin_global_data_maps)
{
	char dir[128], p[256];
	struct rb_error e = { 0 };
	struct stat sb;
	struct run r;

	snprintf(dir, sizeof(dir), "/sys/fs/bpf/rawbpf_samples_glob_%d", getpid());
	run_start(&r, "globals.bpf.o", NULL);
	ck_assert_msg(rb_loaded_pin(r.l, dir, &e) == 0, "%s", e.msg);
	snprintf(p, sizeof(p), "%s/maps/globals_rodata", dir);
	ck_assert_int_eq(stat(p, &sb), 0);
	snprintf(p, sizeof(p), "%s/maps/_data_stats", dir);
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_msg(rb_unpin(dir, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(stat(dir, &sb), -1);
	run_stop(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("samples_run");
	TCase *tc = tcase_create("samples_run");

	test_require_kernel();
	if (system("scripts/mount-fs.sh >/dev/null 2>&1") != 0)
		printf("note: scripts/mount-fs.sh failed; bpffs and tracefs may be missing\n");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, counter_counts_our_getpids);
	tcase_add_test(tc, syscount_counts_our_syscalls);
	tcase_add_test(tc, readlat_histogram_holds_our_reads);
	tcase_add_test(tc, globals_set_target_pid_to_us);
	tcase_add_test(tc, globals_set_target_pid_elsewhere);
	tcase_add_test(tc, hello_prints_to_the_trace_buffer);
	tcase_add_test(tc, subprogs_count_both_ways);
	tcase_add_test(tc, callbacks_loop_and_timer);
	tcase_add_test(tc, core_task_sees_the_exec);
	tcase_add_test(tc, ksyms_reads_kernel_symbols);
	if (access("/proc/config.gz", R_OK) == 0)
		tcase_add_test(tc, kconfig_values_match_the_kernel);
	else
		printf("kconfig: not run: no /proc/config.gz to compare with\n");
	tcase_add_test(tc, iter_task_lists_us);
	tcase_add_test(tc, pin_then_second_process_reads_then_unpin);
	tcase_add_test(tc, pin_global_data_maps);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
