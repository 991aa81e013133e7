// SPDX-License-Identifier: MIT
/*
 * oracle_samples: every sample, loaded and attached by libbpf (the reference loader), made
 * to run, and checked against what its comment promises (counts after N calls, values read
 * from the kernel, records received). This proves the samples themselves are right, so that
 * when rawbpf runs them, a wrong value is rawbpf's fault; the values checked here are the
 * expectations for rawbpf's own run tests.
 *
 *   oracle_samples SAMPLES_DIR [NAME...]
 *
 * One line per sample: "ok NAME: what was seen", "skip NAME: why", "FAIL NAME: why".
 * Exit 0 when nothing failed. Needs root. Everything it creates (links, cgroup, network
 * namespace) is released before it exits, on failure too.
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sdt.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46 /* UAPI 6.6; the build headers are 6.1 */
#endif

#define N_CALLS	  7
#define MAX_LINKS 16

/* One sample under test: its object, its links, and the sentence explaining the verdict. */
struct run {
	const char *name;
	struct bpf_object *obj;
	struct bpf_link *links[MAX_LINKS];
	int nlinks;
	char why[512];
};

static const char *samples_dir;

static int failf(struct run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return -1;
}

static void okf(struct run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

static int open_sample(struct run *r)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", samples_dir, r->name);
	r->obj = bpf_object__open_file(path, NULL);
	if (!r->obj)
		return failf(r, "libbpf cannot open %s: %s", path, strerror(errno));
	return 0;
}

static int load(struct run *r)
{
	int err = bpf_object__load(r->obj);

	if (err)
		return failf(r, "libbpf load failed: %s", strerror(-err));
	return 0;
}

static int add_link(struct run *r, struct bpf_link *l, const char *what)
{
	if (!l)
		return failf(r, "attach %s failed: %s", what, strerror(errno));
	if (r->nlinks == MAX_LINKS) {
		bpf_link__destroy(l);
		return failf(r, "too many links");
	}
	r->links[r->nlinks++] = l;
	return 0;
}

/* Attach every program by its section name (libbpf's auto-attach). */
static int attach_all(struct run *r)
{
	struct bpf_program *p;

	for (p = bpf_object__next_program(r->obj, NULL); p; p = bpf_object__next_program(r->obj, p))
		if (add_link(r, bpf_program__attach(p), bpf_program__name(p)))
			return -1;
	return 0;
}

static void finish(struct run *r)
{
	while (r->nlinks > 0)
		bpf_link__destroy(r->links[--r->nlinks]);
	bpf_object__close(r->obj);
	r->obj = NULL;
}

static struct bpf_map *map(struct run *r, const char *name)
{
	return bpf_object__find_map_by_name(r->obj, name);
}

/* Offset and size of global variable VAR in data section SEC, from the object's BTF. */
static int var_find(struct run *r, const char *sec, const char *var, size_t *off, size_t *size)
{
	struct btf *btf = bpf_object__btf(r->obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	int id, i;

	id = btf ? btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(t);
	for (i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), var) == 0) {
			*off = vs->offset;
			*size = vs->size;
			return 0;
		}
	}
	return -ENOENT;
}

/* Before load: where VAR sits in the section's initial image (write there to set it). */
static void *global_image(struct run *r, const char *sec, const char *var)
{
	struct bpf_map *m = map(r, sec);
	size_t off, size, len;
	char *base;

	if (!m || var_find(r, sec, var, &off, &size))
		return NULL;
	base = (char *)bpf_map__initial_value(m, &len);
	return base && off + size <= len ? base + off : NULL;
}

/*
 * After load: copy VAR (n bytes) out of the live map. libbpf 1.1.2 maps the live map into
 * memory only for skeletons, so we look element 0 up.
 */
static int read_global(struct run *r, const char *sec, const char *var, void *out, size_t n)
{
	struct bpf_map *m = map(r, sec);
	static char buf[65536];
	size_t off, size;
	__u32 zero = 0;

	if (!m || var_find(r, sec, var, &off, &size) || n > size ||
	    bpf_map__value_size(m) > sizeof(buf) || off + n > bpf_map__value_size(m))
		return failf(r, "no variable %s in %s", var, sec);
	if (bpf_map__lookup_elem(m, &zero, sizeof(zero), buf, bpf_map__value_size(m), 0))
		return failf(r, "cannot read map %s: %s", sec, strerror(errno));
	memcpy(out, buf + off, n);
	return 0;
}
static int lookup(struct run *r, const char *name, const void *key, void *val, size_t vsz)
{
	struct bpf_map *m = map(r, name);

	if (!m)
		return -ENOENT;
	return bpf_map__lookup_elem(m, key, bpf_map__key_size(m), val, vsz, 0);
}

static void getpid_n(int n)
{
	for (int i = 0; i < n; i++)
		syscall(SYS_getpid);
}

/* fork + exec /bin/true; returns the child's pid once it has exited, or -1. */
static pid_t run_true(void)
{
	/* On the stack, written by the child: a BPF program can read it (see ringbuf.bpf.c). */
	char path[] = "/bin/true";
	pid_t c = fork();

	if (c == 0) {
		execl(path, "true", (char *)NULL);
		_exit(127);
	}
	if (c < 0 || waitpid(c, NULL, 0) != c)
		return -1;
	return c;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* ---- the samples ---- */

static int t_hello(struct run *r)
{
	char line[512], want[64];
	int found = 0;
	FILE *f;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	getpid_n(1);
	/* The non-consuming view of the trace buffer: other readers are not disturbed. */
	f = fopen("/sys/kernel/tracing/trace", "r");
	if (!f)
		return failf(r, "cannot read /sys/kernel/tracing/trace: %s", strerror(errno));
	snprintf(want, sizeof(want), "hello from pid %d", getpid());
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, want) != NULL;
	fclose(f);
	if (!found)
		return failf(r, "no line '%s' in the trace buffer", want);
	okf(r, "'%s' in the trace buffer", want);
	return 0;
}

static int t_counter(struct run *r)
{
	__u32 pid = getpid();
	__u64 n = 0;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	getpid_n(N_CALLS);
	if (lookup(r, "counts", &pid, &n, sizeof(n)))
		return failf(r, "no entry for pid %u in map counts", pid);
	if (n != N_CALLS)
		return failf(r, "counts[%u] = %llu after %d getpid() calls", pid, n, N_CALLS);
	okf(r, "counts[pid] = %llu after %d getpid()", n, N_CALLS);
	return 0;
}

static int t_syscount(struct run *r)
{
	char key[16] = {0};
	__u64 n = 0;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	prctl(PR_GET_NAME, key);
	getpid_n(N_CALLS);
	if (lookup(r, "syscalls", key, &n, sizeof(n)) || n < N_CALLS)
		return failf(r, "syscalls['%s'] = %llu, want >= %d", key, n, N_CALLS);
	okf(r, "syscalls['%s'] = %llu", key, n);
	return 0;
}

static int t_readlat(struct run *r)
{
	__u64 total = 0, v;
	char buf[16];
	int fd, i;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	fd = open("/dev/zero", O_RDONLY);
	for (i = 0; i < N_CALLS; i++)
		if (read(fd, buf, sizeof(buf)) != sizeof(buf))
			break;
	close(fd);
	for (__u32 b = 0; b < 27; b++)
		if (lookup(r, "hist", &b, &v, sizeof(v)) == 0)
			total += v;
	if (total < N_CALLS)
		return failf(r, "histogram holds %llu reads after %d", total, N_CALLS);
	okf(r, "histogram holds %llu reads", total);
	return 0;
}

static int t_globals(struct run *r)
{
	struct {
		__u64 calls, skipped;
	} stats;
	__u64 matched;
	__u32 *target;
	int last;

	if (open_sample(r))
		return -1;
	/* Before load, .rodata is a plain memory image: set the knob there. */
	target = global_image(r, ".rodata", "target_pid");
	if (!target)
		return failf(r, "no .rodata variable target_pid");
	*target = getpid();
	if (load(r) || attach_all(r))
		return -1;
	getpid_n(N_CALLS);
	if (read_global(r, ".bss", "matched", &matched, sizeof(matched)) ||
	    read_global(r, ".data", "last_pid", &last, sizeof(last)) ||
	    read_global(r, ".data.stats", "stats", &stats, sizeof(stats)))
		return -1;
	if (matched != N_CALLS || last != getpid())
		return failf(r, "matched = %llu (want %d), last_pid = %d (want %d)", matched,
			     N_CALLS, last, getpid());
	if (stats.calls < N_CALLS || stats.calls - stats.skipped < N_CALLS)
		return failf(r, "stats.calls = %llu, stats.skipped = %llu", stats.calls,
			     stats.skipped);
	okf(r, "target_pid set: matched = %d, last_pid = ours, stats.calls = %llu", N_CALLS,
	    stats.calls);
	return 0;
}

static int t_subprogs(struct run *r)
{
	__u64 v[4] = {0};

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	getpid_n(N_CALLS);
	syscall(SYS_getppid);
	for (__u32 i = 0; i < 4; i++)
		lookup(r, "calls", &i, &v[i], sizeof(v[i]));
	/* Other processes call getpid() too: at least ours were counted, in both ways. */
	if (v[0] < N_CALLS || v[1] < N_CALLS || v[2] < 1 || v[3] < 1)
		return failf(r, "calls = {%llu, %llu, %llu, %llu}", v[0], v[1], v[2], v[3]);
	okf(r, "calls = {%llu, %llu, %llu, %llu}", v[0], v[1], v[2], v[3]);
	return 0;
}

static int t_callbacks(struct run *r)
{
	__u64 loop, total, fired;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	getpid_n(N_CALLS);
	for (int i = 0; i < 20; i++) {
		sleep_ms(5); /* a system call: arms the timer again */
		getpid_n(1);
	}
	if (read_global(r, ".bss", "loop_result", &loop, sizeof(loop)) ||
	    read_global(r, ".bss", "total_calls", &total, sizeof(total)) ||
	    read_global(r, ".bss", "timer_fired", &fired, sizeof(fired)))
		return -1;
	if (loop != 385 || total < N_CALLS || fired == 0)
		return failf(r, "loop_result = %llu (want 385), total_calls = %llu, fired = %llu",
			     loop, total, fired);
	okf(r, "loop_result = 385, total_calls = %llu, timer_fired = %llu", total, fired);
	return 0;
}

/* The value of CONFIG_NAME in /proc/config.gz, or "" if it is absent or not set. */
static void kconfig_value(const char *name, char *out, size_t n)
{
	char cmd[256], line[512];
	size_t len = strlen(name);
	FILE *p;

	out[0] = 0;
	snprintf(cmd, sizeof(cmd), "zcat /proc/config.gz 2>/dev/null");
	p = popen(cmd, "r");
	if (!p)
		return;
	while (fgets(line, sizeof(line), p))
		if (strncmp(line, name, len) == 0 && line[len] == '=') {
			snprintf(out, n, "%s", line + len + 1);
			out[strcspn(out, "\n")] = 0;
		}
	pclose(p);
}

static int t_kconfig(struct run *r)
{
	struct {
		__u32 ver;
		__s32 hz;
		__u32 jit, tun, kprobes;
		__s32 none;
	} s;
	unsigned int a = 0, b = 0, c = 0;
	char hz[32], kp[32], tun[32], jit[32];
	struct utsname u;
	__u32 want_ver, want_tun;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	getpid_n(1);
	if (read_global(r, ".bss", "seen", &s, sizeof(s)))
		return -1;
	uname(&u);
	sscanf(u.release, "%u.%u.%u", &a, &b, &c);
	want_ver = (a << 16) | (b << 8) | (c > 255 ? 255 : c);
	kconfig_value("CONFIG_HZ", hz, sizeof(hz));
	kconfig_value("CONFIG_KPROBES", kp, sizeof(kp));
	kconfig_value("CONFIG_TUN", tun, sizeof(tun));
	kconfig_value("CONFIG_BPF_JIT", jit, sizeof(jit));
	want_tun = tun[0] == 'y' ? 1 : tun[0] == 'm' ? 2 : 0;
	if (s.ver != want_ver || s.hz != atoi(hz) || s.jit != (jit[0] == 'y') ||
	    s.tun != want_tun || s.kprobes != (kp[0] == 'y') || s.none != 0)
		return failf(r,
			     "seen = {ver %#x (want %#x), hz %d (want %s), jit %u, tun %u, "
			     "kprobes %u, none %d}",
			     s.ver, want_ver, s.hz, hz, s.jit, s.tun, s.kprobes, s.none);
	okf(r, "LINUX_KERNEL_VERSION %#x, CONFIG_HZ %d, CONFIG_TUN %u, weak ones 0", s.ver, s.hz,
	    s.tun);
	return 0;
}

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

static int t_ksyms(struct run *r)
{
	struct {
		__u64 stext, missing;
		__u32 parent_tgid;
		char comm[16];
	} s;
	char me[16] = {0};
	__u32 child;
	pid_t c;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	prctl(PR_GET_NAME, me);
	c = run_true();
	child = c;
	if (c < 0 || lookup(r, "seen", &child, &s, sizeof(s)))
		return failf(r, "no entry for the exec'd child %d", c);
	if (s.stext != kallsyms_addr("_stext") || s.missing != 0 ||
	    s.parent_tgid != (__u32)getpid() || strncmp(s.comm, me, 16) != 0)
		return failf(r, "stext %#llx (kallsyms %#llx), missing %llu, parent %u '%.16s'",
			     s.stext, kallsyms_addr("_stext"), s.missing, s.parent_tgid, s.comm);
	okf(r, "_stext = %#llx as in kallsyms, weak missing = 0, parent via kfunc = us", s.stext);
	return 0;
}

static int t_core_task(struct run *r)
{
	struct {
		__u32 pid, tgid, ppid, in_execve, pidtype_tgid, state;
		char comm[16];
	} t;
	__u32 child;
	pid_t c;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	c = run_true();
	child = c;
	if (c < 0 || lookup(r, "tasks", &child, &t, sizeof(t)))
		return failf(r, "no entry for the exec'd child %d", c);
	if (t.pid != child || t.tgid != child || t.ppid != (__u32)getpid() || t.in_execve != 1 ||
	    t.pidtype_tgid != 1 || t.state != 0 || strcmp(t.comm, "true") != 0)
		return failf(r, "pid %u tgid %u ppid %u in_execve %u TGID %u state %u '%.16s'",
			     t.pid, t.tgid, t.ppid, t.in_execve, t.pidtype_tgid, t.state, t.comm);
	okf(r, "child pid/tgid, ppid = us, in_execve = 1, PIDTYPE_TGID = 1, comm 'true'");
	return 0;
}

/* The record of ringbuf.bpf.c and perfbuf.bpf.c. */
struct event {
	__u32 pid, uid;
	__u64 timestamp_ns;
	char comm[16];
	char filename[128];
};

struct seen_exec {
	pid_t child;
	int found;
};

static int on_ring_event(void *ctx, void *data, size_t size)
{
	struct seen_exec *s = ctx;
	const struct event *e = data;

	if (size >= sizeof(*e) && e->pid == (__u32)s->child && !strcmp(e->filename, "/bin/true"))
		s->found = 1;
	return 0;
}

static void on_perf_event(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	on_ring_event(ctx, data, size);
}

static int t_ringbuf(struct run *r)
{
	struct seen_exec s = {0};
	struct ring_buffer *rb;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	rb = ring_buffer__new(bpf_map__fd(map(r, "events")), on_ring_event, &s, NULL);
	if (!rb)
		return failf(r, "ring_buffer__new: %s", strerror(errno));
	s.child = run_true();
	for (int i = 0; i < 20 && !s.found; i++)
		ring_buffer__poll(rb, 50);
	ring_buffer__free(rb);
	if (!s.found)
		return failf(r, "no record {pid %d, filename /bin/true}", s.child);
	okf(r, "record {pid = child, filename = /bin/true} received");
	return 0;
}

static int t_perfbuf(struct run *r)
{
	struct seen_exec s = {0};
	struct perf_buffer *pb;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	pb = perf_buffer__new(bpf_map__fd(map(r, "events")), 8, on_perf_event, NULL, &s, NULL);
	if (!pb)
		return failf(r, "perf_buffer__new: %s", strerror(errno));
	s.child = run_true();
	for (int i = 0; i < 20 && !s.found; i++)
		perf_buffer__poll(pb, 50);
	perf_buffer__free(pb);
	if (!s.found)
		return failf(r, "no record {pid %d, filename /bin/true}", s.child);
	okf(r, "record {pid = child, filename = /bin/true} received");
	return 0;
}

static int t_iter_task(struct run *r)
{
	char buf[65536], want[64];
	ssize_t n, len = 0;
	int fd;

	if (open_sample(r) || load(r) || attach_all(r))
		return -1;
	fd = bpf_iter_create(bpf_link__fd(r->links[0]));
	if (fd < 0)
		return failf(r, "bpf_iter_create: %s", strerror(errno));
	while (len < (ssize_t)sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	snprintf(want, sizeof(want), "%8d %8d ", getpid(), getpid());
	if (strncmp(buf, "     PID      TID COMM", 22) != 0 || !strstr(buf, want))
		return failf(r, "no header or no line for pid %d in %zd bytes", getpid(), len);
	okf(r, "header and a line for our pid in %zd bytes", len);
	return 0;
}

/* syscall_prog: run once with a context; it returns |a - b| and writes a + b back. */
static int t_syscall_prog(struct run *r)
{
	struct {
		__u32 a, b;
		__u64 sum;
	} args = {.a = 7, .b = 3};
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = &args, .ctx_size_in = sizeof(args));
	struct bpf_program *p;
	int err;

	if (open_sample(r) || load(r))
		return -1;
	p = bpf_object__find_program_by_name(r->obj, "add");
	if (!p)
		return failf(r, "no program 'add'");
	err = bpf_prog_test_run_opts(bpf_program__fd(p), &o);
	if (err)
		return failf(r, "bpf_prog_test_run_opts: %s", strerror(-err));
	if (o.retval != 4 || args.sum != 10)
		return failf(r, "a = 7, b = 3: returned %u (want 4), sum %llu (want 10)", o.retval,
			     (unsigned long long)args.sum);
	okf(r, "a = 7, b = 3: returned 4, wrote sum = 10");
	return 0;
}

/*
 * Send N UDP datagrams over lo to a socket of this process (so that they are delivered: the
 * cgroup ingress hook runs at the receiving socket). Returns how many were received.
 */
static int send_udp(int n)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	socklen_t len = sizeof(to);
	int rx, tx, got = 0;
	char c;

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	if (rx < 0 || tx < 0 || bind(rx, (struct sockaddr *)&to, sizeof(to)) ||
	    getsockname(rx, (struct sockaddr *)&to, &len))
		goto out;
	for (int i = 0; i < n; i++)
		if (sendto(tx, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1 &&
		    recv(rx, &c, 1, 0) == 1)
			got++;
out:
	if (rx >= 0)
		close(rx);
	if (tx >= 0)
		close(tx);
	return got;
}

/* Network tests run in a network namespace of their own, whose lo only they use. */
static int private_lo(struct run *r)
{
	struct ifreq ifr = {0};
	int s;

	if (unshare(CLONE_NEWNET))
		return failf(r, "unshare(CLONE_NEWNET): %s", strerror(errno));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return failf(r, "lo: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return failf(r, "bringing lo up: %s", strerror(errno));
	close(s);
	return 0;
}

/* The network samples run in a child process: the namespace dies with it. */
static int in_child(struct run *r, int (*fn)(struct run *))
{
	int pipefd[2], status = 0;
	pid_t c;
	ssize_t n;

	if (pipe(pipefd))
		return failf(r, "pipe: %s", strerror(errno));
	c = fork();
	if (c == 0) {
		int rc;

		close(pipefd[0]);
		rc = fn(r);
		finish(r);
		n = write(pipefd[1], r->why, strlen(r->why));
		_exit(rc ? 1 : (n < 0 ? 1 : 0));
	}
	close(pipefd[1]);
	n = read(pipefd[0], r->why, sizeof(r->why) - 1);
	r->why[n > 0 ? n : 0] = 0;
	close(pipefd[0]);
	if (c < 0 || waitpid(c, &status, 0) != c || !WIFEXITED(status))
		return failf(r, "test process died");
	return WEXITSTATUS(status) ? -1 : 0;
}

static int xdp_body(struct run *r)
{
	__u64 per_cpu[256] = {0}, total = 0;
	int ncpu = libbpf_num_possible_cpus();
	__u32 udp = 17;

	if (private_lo(r) || open_sample(r) || load(r))
		return -1;
	if (add_link(r,
		     bpf_program__attach_xdp(
			     bpf_object__find_program_by_name(r->obj, "count_packets"),
			     if_nametoindex("lo")),
		     "xdp on lo"))
		return -1;
	send_udp(N_CALLS);
	if (ncpu <= 0 || ncpu > 256 || lookup(r, "packets", &udp, per_cpu, ncpu * sizeof(__u64)))
		return failf(r, "cannot read packets[17]");
	for (int i = 0; i < ncpu; i++)
		total += per_cpu[i];
	if (total < N_CALLS)
		return failf(r, "packets[UDP] = %llu after %d datagrams", total, N_CALLS);
	okf(r, "packets[UDP] = %llu after %d datagrams on lo", total, N_CALLS);
	return 0;
}

static int t_xdp_count(struct run *r)
{
	return in_child(r, xdp_body);
}

static int tcx_body(struct run *r)
{
	struct bpf_program *p;
	__u64 packets = 0;
	int fd;

	if (private_lo(r) || open_sample(r))
		return -1;
	/* libbpf 1.1.2 does not know "tcx/" sections: say the type, attach by hand. */
	p = bpf_object__find_program_by_name(r->obj, "count_ingress");
	bpf_program__set_type(p, BPF_PROG_TYPE_SCHED_CLS);
	if (load(r))
		return -1;
	fd = bpf_link_create(bpf_program__fd(p), if_nametoindex("lo"), BPF_TCX_INGRESS, NULL);
	if (fd < 0)
		return failf(r, "BPF_LINK_CREATE tcx ingress on lo: %s", strerror(errno));
	send_udp(N_CALLS);
	if (read_global(r, ".bss", "packets", &packets, sizeof(packets)) || packets < N_CALLS) {
		close(fd);
		return failf(r, "packets = %llu after %d datagrams", packets, N_CALLS);
	}
	okf(r, "packets = %llu after %d datagrams on lo (tcx link)", packets, N_CALLS);
	close(fd);
	return 0;
}

static int t_tcx_count(struct run *r)
{
	return in_child(r, tcx_body);
}

#define CGROUP_ROOT "/sys/fs/cgroup/unified"

static int cgroup_body(struct run *r)
{
	struct {
		__u64 packets, bytes;
	} in = {0}, out = {0};
	char dir[256], procs[300], pid[32];
	__u32 k_in = 0, k_out = 1;
	int cg, fd, rc = -1;

	snprintf(dir, sizeof(dir), CGROUP_ROOT "/rawbpf-oracle-%d", getpid());
	if (private_lo(r) || open_sample(r) || load(r))
		return -1;
	if (mkdir(dir, 0755))
		return failf(r, "mkdir %s: %s", dir, strerror(errno));
	cg = open(dir, O_RDONLY | O_DIRECTORY);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (cg < 0 || fd < 0 || write(fd, pid, strlen(pid)) < 0) {
		failf(r, "cannot enter %s: %s", dir, strerror(errno));
		goto out;
	}
	close(fd);
	if (add_link(r,
		     bpf_program__attach_cgroup(
			     bpf_object__find_program_by_name(r->obj, "count_ingress"), cg),
		     "cgroup ingress") ||
	    add_link(r,
		     bpf_program__attach_cgroup(
			     bpf_object__find_program_by_name(r->obj, "count_egress"), cg),
		     "cgroup egress"))
		goto out;
	send_udp(N_CALLS);
	lookup(r, "traffic", &k_in, &in, sizeof(in));
	lookup(r, "traffic", &k_out, &out, sizeof(out));
	if (out.packets < N_CALLS || in.packets < N_CALLS) {
		failf(r, "egress %llu, ingress %llu packets after %d datagrams", out.packets,
		      in.packets, N_CALLS);
		goto out;
	}
	okf(r, "egress %llu, ingress %llu packets (%llu/%llu bytes)", out.packets, in.packets,
	    out.bytes, in.bytes);
	rc = 0;
out:
	/* Leave the cgroup, then remove it. */
	fd = open(CGROUP_ROOT "/cgroup.procs", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, pid, strlen(pid)) < 0)
			rc = failf(r, "cannot leave %s", dir);
		close(fd);
	}
	finish(r);
	if (cg >= 0)
		close(cg);
	rmdir(dir);
	return rc;
}

static int t_cgroup_skb(struct run *r)
{
	struct stat st;

	if (stat(CGROUP_ROOT "/cgroup.procs", &st)) {
		okf(r, "no cgroup v2 at " CGROUP_ROOT);
		return 1;
	}
	return in_child(r, cgroup_body);
}

static int t_perf_event(struct run *r)
{
	struct perf_event_attr a = {.type = PERF_TYPE_SOFTWARE,
				    .size = sizeof(a),
				    .config = PERF_COUNT_SW_CPU_CLOCK,
				    .freq = 1,
				    .sample_freq = 1000};
	struct bpf_program *p;
	struct timespec t0, t;
	__u32 pid = getpid();
	__u64 n = 0;
	volatile unsigned long spin = 0;

	if (open_sample(r) || load(r))
		return -1;
	p = bpf_object__find_program_by_name(r->obj, "on_sample");
	for (int cpu = 0; cpu < libbpf_num_possible_cpus(); cpu++) {
		int fd = syscall(SYS_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);

		if (fd < 0)
			continue; /* an offline CPU */
		if (add_link(r, bpf_program__attach_perf_event(p, fd), "perf event")) {
			close(fd);
			return -1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do { /* 200 ms of CPU: about 200 samples at 1000 Hz */
		for (int i = 0; i < 100000; i++)
			spin++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 < 200);
	if (lookup(r, "samples", &pid, &n, sizeof(n)) || n < 10)
		return failf(r, "samples[pid] = %llu after 200 ms of CPU at 1000 Hz", n);
	okf(r, "samples[pid] = %llu after 200 ms of CPU", n);
	return 0;
}

/* The function the uprobe sample watches: in this very program. */
__attribute__((noinline)) long oracle_uprobe_target(long x)
{
	asm volatile("" ::: "memory");
	return x * 2;
}

static int t_uprobe(struct run *r)
{
	struct {
		__u64 calls, returns, last_arg;
		__s64 last_ret;
	} s = {0};
	LIBBPF_OPTS(bpf_uprobe_opts, entry, .func_name = "oracle_uprobe_target");
	LIBBPF_OPTS(bpf_uprobe_opts, ret, .func_name = "oracle_uprobe_target", .retprobe = true);
	__u32 pid = getpid();
	long sum = 0;

	if (open_sample(r) || load(r))
		return -1;
	if (add_link(r,
		     bpf_program__attach_uprobe_opts(
			     bpf_object__find_program_by_name(r->obj, "func_entry"), 0,
			     "/proc/self/exe", 0, &entry),
		     "uprobe") ||
	    add_link(r,
		     bpf_program__attach_uprobe_opts(
			     bpf_object__find_program_by_name(r->obj, "func_return"), 0,
			     "/proc/self/exe", 0, &ret),
		     "uretprobe"))
		return -1;
	for (long i = 1; i <= N_CALLS; i++)
		sum += oracle_uprobe_target(i * 10);
	if (lookup(r, "stats", &pid, &s, sizeof(s)) || s.calls != N_CALLS || s.returns != N_CALLS ||
	    s.last_arg != N_CALLS * 10 || s.last_ret != N_CALLS * 20)
		return failf(r, "calls %llu returns %llu last_arg %llu last_ret %lld (sum %ld)",
			     s.calls, s.returns, s.last_arg, s.last_ret, sum);
	okf(r, "%d calls and returns, last arg %llu, last return %lld", N_CALLS, s.last_arg,
	    s.last_ret);
	return 0;
}

static int sk_lookup_body(struct run *r)
{
	__u32 key, next, *prev = NULL;
	__u64 n, total = 0;
	int ns, fd;

	if (private_lo(r) || open_sample(r) || load(r))
		return -1;
	ns = open("/proc/self/ns/net", O_RDONLY);
	if (ns < 0)
		return failf(r, "/proc/self/ns/net: %s", strerror(errno));
	if (add_link(r,
		     bpf_program__attach_netns(
			     bpf_object__find_program_by_name(r->obj, "count_lookups"), ns),
		     "sk_lookup on the netns"))
		return -1;
	close(ns);
	send_udp(N_CALLS);
	fd = bpf_map__fd(map(r, "lookups"));
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &n))
			total += n;
	}
	if (total != N_CALLS)
		return failf(r, "%llu lookups after %d datagrams", total, N_CALLS);
	okf(r, "%llu lookups after %d datagrams", total, N_CALLS);
	return 0;
}

static int t_sk_lookup(struct run *r)
{
	return in_child(r, sk_lookup_body);
}

static int sockmap_body(struct run *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct timeval tv = {.tv_sec = 2};
	struct {
		__u64 count, bytes;
	} sent = {0}, recvd = {0};
	socklen_t sl = sizeof(a);
	__u32 k0 = 0, k1 = 1, v;
	int lsn, cli, srv, mfd, got = 0;
	char buf[64];

	if (private_lo(r) || open_sample(r) || load(r))
		return -1;
	mfd = bpf_map__fd(map(r, "socks"));
	if (bpf_prog_attach(bpf_program__fd(bpf_object__find_program_by_name(r->obj, "on_send")),
			    mfd, BPF_SK_MSG_VERDICT, 0) ||
	    bpf_prog_attach(
		    bpf_program__fd(bpf_object__find_program_by_name(r->obj, "on_receive")), mfd,
		    BPF_SK_SKB_STREAM_VERDICT, 0))
		return failf(r, "bpf_prog_attach to the sockmap: %s", strerror(errno));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsn = socket(AF_INET, SOCK_STREAM, 0);
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(lsn, (struct sockaddr *)&a, sizeof(a)) || listen(lsn, 1) ||
	    getsockname(lsn, (struct sockaddr *)&a, &sl) ||
	    connect(cli, (struct sockaddr *)&a, sizeof(a)))
		return failf(r, "TCP pair: %s", strerror(errno));
	srv = accept(lsn, NULL, NULL);
	setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	v = cli;
	if (srv < 0 || bpf_map_update_elem(mfd, &k0, &v, BPF_ANY))
		return failf(r, "socket into the sockmap: %s", strerror(errno));
	for (int i = 0; i < 3; i++)
		if (send(cli, "hello", 5, 0) != 5)
			return failf(r, "send: %s", strerror(errno));
	while (got < 15) {
		ssize_t n = recv(srv, buf, sizeof(buf), 0);

		if (n <= 0)
			return failf(r, "recv on the server: %s", strerror(errno));
		got += (int)n;
	}
	if (send(srv, "abcd", 4, 0) != 4 || recv(cli, buf, sizeof(buf), 0) != 4)
		return failf(r, "reply: %s", strerror(errno));
	if (lookup(r, "io", &k0, &sent, sizeof(sent)) ||
	    lookup(r, "io", &k1, &recvd, sizeof(recvd)) ||
	    sent.count != 3 || sent.bytes != 15 || recvd.count < 1 || recvd.bytes != 4)
		return failf(r, "sent %llu/%llu received %llu/%llu", sent.count, sent.bytes,
			     recvd.count, recvd.bytes);
	okf(r, "sk_msg saw 3 sends (15 bytes), sk_skb %llu receive(s) (4 bytes)", recvd.count);
	close(cli);
	close(srv);
	close(lsn);
	return 0;
}

static int t_sockmap(struct run *r)
{
	return in_child(r, sockmap_body);
}

/* One TCP connection over lo from inside a cgroup: sockops sees connect and both ends. */
static int sockops_body(struct run *r)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	char dir[256], procs[300], pid[32];
	__u32 k_conn = BPF_SOCK_OPS_TCP_CONNECT_CB, k_act = BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB,
	      k_pas = BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB;
	__u64 n_conn = 0, n_act = 0, n_pas = 0;
	socklen_t sl = sizeof(a);
	int cg, fd, rc = -1, lsn = -1, cli = -1, srv = -1;

	snprintf(dir, sizeof(dir), CGROUP_ROOT "/rawbpf-oracle-so-%d", getpid());
	if (private_lo(r) || open_sample(r) || load(r))
		return -1;
	if (mkdir(dir, 0755))
		return failf(r, "mkdir %s: %s", dir, strerror(errno));
	cg = open(dir, O_RDONLY | O_DIRECTORY);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (cg < 0 || fd < 0 || write(fd, pid, strlen(pid)) < 0) {
		failf(r, "cannot enter %s: %s", dir, strerror(errno));
		goto out;
	}
	close(fd);
	if (add_link(r,
		     bpf_program__attach_cgroup(
			     bpf_object__find_program_by_name(r->obj, "count_ops"), cg),
		     "cgroup sockops"))
		goto out;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lsn = socket(AF_INET, SOCK_STREAM, 0);
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(lsn, (struct sockaddr *)&a, sizeof(a)) || listen(lsn, 1) ||
	    getsockname(lsn, (struct sockaddr *)&a, &sl) ||
	    connect(cli, (struct sockaddr *)&a, sizeof(a)) || (srv = accept(lsn, NULL, NULL)) < 0) {
		failf(r, "TCP pair: %s", strerror(errno));
		goto out;
	}
	lookup(r, "ops", &k_conn, &n_conn, sizeof(n_conn));
	lookup(r, "ops", &k_act, &n_act, sizeof(n_act));
	lookup(r, "ops", &k_pas, &n_pas, sizeof(n_pas));
	if (n_conn != 1 || n_act != 1 || n_pas != 1) {
		failf(r, "connect %llu, active %llu, passive %llu", n_conn, n_act, n_pas);
		goto out;
	}
	okf(r, "one connection: connect, active and passive established seen once each");
	rc = 0;
out:
	if (lsn >= 0)
		close(lsn);
	if (cli >= 0)
		close(cli);
	if (srv >= 0)
		close(srv);
	fd = open(CGROUP_ROOT "/cgroup.procs", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, pid, strlen(pid)) < 0)
			rc = failf(r, "cannot leave %s", dir);
		close(fd);
	}
	finish(r);
	if (cg >= 0)
		close(cg);
	rmdir(dir);
	return rc;
}

static int t_sockops(struct run *r)
{
	return in_child(r, sockops_body);
}

static int t_freplace_target(struct run *r)
{
	unsigned char pkt[64] = {0};
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt));

	if (open_sample(r) || load(r))
		return -1;
	if (bpf_prog_test_run_opts(
		    bpf_program__fd(bpf_object__find_program_by_name(r->obj, "xdp_entry")), &t) ||
	    t.retval != XDP_PASS)
		return failf(r, "test run: %s, verdict %u", strerror(errno), t.retval);
	okf(r, "verdict XDP_PASS (pick_verdict, the function freplace.bpf.o replaces)");
	return 0;
}

/* freplace on freplace_target's pick_verdict: EXT programs need trampolines (EPERM here). */
static int t_freplace(struct run *r)
{
	struct run tr = {.name = "freplace_target"};
	struct bpf_program *p;
	int err, tfd;

	if (open_sample(&tr) || load(&tr))
		return failf(r, "the target: %s", tr.why);
	tfd = bpf_program__fd(bpf_object__find_program_by_name(tr.obj, "xdp_entry"));
	if (open_sample(r)) {
		finish(&tr);
		return -1;
	}
	p = bpf_object__find_program_by_name(r->obj, "new_verdict");
	bpf_program__set_attach_target(p, tfd, "pick_verdict");
	err = bpf_object__load(r->obj);
	finish(&tr);
	if (err == -EPERM) {
		okf(r, "load fails (%s): BPF trampolines are refused here", strerror(-err));
		return 1;
	}
	if (err)
		return failf(r, "load: %s", strerror(-err));
	okf(r, "loads against freplace_target's pick_verdict (attach not checked here)");
	return 0;
}

/* Samples that cannot run on the development kernel: load (and maybe attach) must fail. */
static int expect_fail(struct run *r, int at_attach, const char *reason)
{
	int err;

	if (open_sample(r))
		return -1;
	err = bpf_object__load(r->obj);
	if (!err && at_attach) {
		struct bpf_link *l = bpf_program__attach(bpf_object__next_program(r->obj, NULL));

		if (l) {
			add_link(r, l, "");
			return failf(r, "attached, but this kernel was expected to refuse (%s)",
				     reason);
		}
		okf(r, "loads; attach fails (%s): %s", strerror(errno), reason);
		return 1;
	}
	if (!err)
		return failf(r, "loaded, but this kernel was expected to refuse it (%s)", reason);
	okf(r, "load fails (%s): %s", strerror(-err), reason);
	return 1;
}

static int t_fentry(struct run *r)
{
	return expect_fail(r, 0, "BPF trampolines are refused here");
}

static int t_lsm(struct run *r)
{
	return expect_fail(r, 0, "BPF trampolines are refused here");
}

static int t_fmod_ret(struct run *r)
{
	return expect_fail(r, 0, "BPF trampolines are refused here");
}

/* ksyscall/kretsyscall: kprobes too; libbpf 1.1.2 knows the section names. */
static int t_ksyscall(struct run *r)
{
	char v[32];

	kconfig_value("CONFIG_KPROBES", v, sizeof(v));
	if (v[0] == 'y') {
		okf(r, "not checked: only the no-kprobes case is covered");
		return 1;
	}
	return expect_fail(r, 1, "kernel built without CONFIG_KPROBES");
}

static int t_kprobe(struct run *r)
{
	char v[32];

	kconfig_value("CONFIG_KPROBES", v, sizeof(v));
	if (v[0] == 'y') {
		okf(r, "not checked: only the no-kprobes case is covered");
		return 1;
	}
	return expect_fail(r, 1, "kernel built without CONFIG_KPROBES");
}

static int t_ksyms_typed(struct run *r)
{
	if (kallsyms_addr("runqueues")) {
		okf(r, "not checked: this kernel has runqueues in kallsyms");
		return 1;
	}
	return expect_fail(r, 0, "no CONFIG_KALLSYMS_ALL, no address for 'runqueues'");
}

/* A USDT probe in this very program (sys/sdt.h): provider "rawbpf", name "oracle_probe". */
__attribute__((noinline)) void oracle_usdt_target(long x)
{
	DTRACE_PROBE1(rawbpf, oracle_probe, x);
}

static int t_usdt(struct run *r)
{
	struct {
		__u64 hits;
		__s64 last_arg0;
	} s = {0};
	__u32 pid = getpid();

	if (open_sample(r) || load(r))
		return -1;
	if (add_link(r,
		     bpf_program__attach_usdt(bpf_object__find_program_by_name(r->obj, "on_probe"),
					      getpid(), "/proc/self/exe", "rawbpf", "oracle_probe",
					      NULL),
		     "usdt rawbpf:oracle_probe"))
		return -1;
	for (long i = 1; i <= N_CALLS; i++)
		oracle_usdt_target(i * 3);
	if (lookup(r, "hits", &pid, &s, sizeof(s)) || s.hits != N_CALLS ||
	    s.last_arg0 != N_CALLS * 3)
		return failf(r, "hits %llu (want %d), last_arg0 %lld (want %d)", s.hits, N_CALLS,
			     s.last_arg0, N_CALLS * 3);
	okf(r, "%d hits of rawbpf:oracle_probe, last argument %lld", N_CALLS, s.last_arg0);
	return 0;
}

/* A probe with three arguments of different kinds (register, constant, register/memory). */
__attribute__((noinline)) void oracle_usdt_args(long x)
{
	long y = x * 100 + 4;

	DTRACE_PROBE3(rawbpf, oracle_args, x, -7, y);
	asm volatile("" : : "r"(y) : "memory");
}

static int t_usdt_args(struct run *r)
{
	struct {
		__u64 hits;
		__s64 arg_cnt, args[3];
	} s = {0};
	__u32 zero = 0;

	if (open_sample(r) || load(r))
		return -1;
	if (add_link(r,
		     bpf_program__attach_usdt(bpf_object__find_program_by_name(r->obj, "on_args"),
					      getpid(), "/proc/self/exe", "rawbpf", "oracle_args",
					      NULL),
		     "usdt rawbpf:oracle_args"))
		return -1;
	for (long i = 1; i <= N_CALLS; i++)
		oracle_usdt_args(i);
	if (lookup(r, "seen", &zero, &s, sizeof(s)) || s.hits != N_CALLS || s.arg_cnt != 3 ||
	    s.args[0] != N_CALLS || s.args[1] != -7 || s.args[2] != N_CALLS * 100 + 4)
		return failf(r, "hits %llu arg_cnt %lld args %lld %lld %lld", s.hits, s.arg_cnt,
			     s.args[0], s.args[1], s.args[2]);
	okf(r, "%d hits, 3 arguments, last %lld %lld %lld", N_CALLS, s.args[0], s.args[1],
	    s.args[2]);
	return 0;
}

/* uprobe_multi's programs on two functions of this program. */
__attribute__((noinline)) long oracle_multi_a(long x)
{
	asm volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline)) long oracle_multi_b(long x)
{
	asm volatile("" ::: "memory");
	return x + 2;
}

/*
 * libbpf 1.1.2 predates uprobe.multi (1.3): the programs are loaded as plain kprobe-type
 * programs and attached as one uprobe per function, which runs the same BPF code.
 */
static int t_uprobe_multi(struct run *r)
{
	static const char *const funcs[] = {"oracle_multi_a", "oracle_multi_b"};
	struct {
		__u64 calls, arg_sum, returns;
		__s64 ret_sum;
	} s = {0};
	struct bpf_program *entry, *ret;
	__u32 zero = 0;

	if (open_sample(r))
		return -1;
	entry = bpf_object__find_program_by_name(r->obj, "on_entry");
	ret = bpf_object__find_program_by_name(r->obj, "on_return");
	if (!entry || !ret)
		return failf(r, "programs on_entry/on_return not found");
	bpf_program__set_type(entry, BPF_PROG_TYPE_KPROBE);
	bpf_program__set_type(ret, BPF_PROG_TYPE_KPROBE);
	if (load(r))
		return -1;
	for (int i = 0; i < 2; i++) {
		LIBBPF_OPTS(bpf_uprobe_opts, eo, .func_name = funcs[i]);
		LIBBPF_OPTS(bpf_uprobe_opts, ro, .func_name = funcs[i], .retprobe = true);

		if (add_link(r, bpf_program__attach_uprobe_opts(entry, 0, "/proc/self/exe", 0, &eo),
			     "uprobe") ||
		    add_link(r, bpf_program__attach_uprobe_opts(ret, 0, "/proc/self/exe", 0, &ro),
			     "uretprobe"))
			return -1;
	}
	oracle_multi_a(10);
	oracle_multi_b(20);
	if (lookup(r, "mstats", &zero, &s, sizeof(s)) || s.calls != 2 || s.arg_sum != 30 ||
	    s.returns != 2 || s.ret_sum != 33)
		return failf(r, "calls %llu arg_sum %llu returns %llu ret_sum %lld", s.calls,
			     s.arg_sum, s.returns, s.ret_sum);
	okf(r, "2 calls (args sum 30), 2 returns (sum 33), as single uprobes: libbpf 1.1.2 has "
	       "no uprobe.multi");
	return 0;
}

static int t_kprobe_multi(struct run *r)
{
	char v[32];

	kconfig_value("CONFIG_FPROBE", v, sizeof(v));
	if (v[0] == 'y') {
		okf(r, "not checked: only the no-fprobe case is covered");
		return 1;
	}
	return expect_fail(r, 1, "kernel built without CONFIG_FPROBE: no kprobe_multi link");
}

/* A TCP connection over the namespace's lo whose sender uses congestion control cc. */
static int tcp_with_cc(struct run *r, const char *cc)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	char buf[4096] = {0}, got[16] = "";
	socklen_t glen = sizeof(got);
	int ls = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s = -1;
	int rc = -1;

	if (ls < 0 || c < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) || listen(ls, 1) ||
	    getsockname(ls, (struct sockaddr *)&a, &alen)) {
		failf(r, "listening socket: %s", strerror(errno));
		goto out;
	}
	if (setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc, strlen(cc))) {
		failf(r, "setsockopt(TCP_CONGESTION, %s): %s", cc, strerror(errno));
		goto out;
	}
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) || (s = accept(ls, NULL, NULL)) < 0) {
		failf(r, "connect over lo: %s", strerror(errno));
		goto out;
	}
	for (int i = 0; i < 16; i++)
		if (send(c, buf, sizeof(buf), 0) < 0)
			break;
	if (getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, got, &glen) || strncmp(got, cc, 16)) {
		failf(r, "the socket's congestion control is '%.16s', not %s", got, cc);
		goto out;
	}
	rc = 0;
out:
	if (s >= 0)
		close(s);
	if (c >= 0)
		close(c);
	if (ls >= 0)
		close(ls);
	return rc;
}

static int cc_listed(const char *cc)
{
	char line[1024] = "", *tok, *save = NULL;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, cc))
			return 1;
	return 0;
}

/* struct_ops (plain .struct_ops): registered by the map update, used by a TCP socket. */
static int struct_ops_body(struct run *r)
{
	__u64 inits = 0;

	if (private_lo(r) || open_sample(r) || load(r))
		return -1;
	if (add_link(r, bpf_map__attach_struct_ops(map(r, "rb_cc")), "struct_ops rb_cc"))
		return -1;
	if (cc_listed("rb_cc_plain") != 1)
		return failf(r, "rb_cc_plain is not in tcp_available_congestion_control");
	if (tcp_with_cc(r, "rb_cc_plain") || read_global(r, ".bss", "init_calls", &inits, 8))
		return -1;
	if (inits < 1)
		return failf(r, "init_calls is %llu after a connection", (unsigned long long)inits);
	finish(r);
	if (cc_listed("rb_cc_plain") != 0)
		return failf(r, "rb_cc_plain is still registered after the map's link is gone");
	okf(r, "registered as tcp_congestion_ops rb_cc_plain, init_calls %llu after one TCP "
	       "connection, gone after detach", (unsigned long long)inits);
	return 0;
}

static int t_struct_ops_plain(struct run *r)
{
	return in_child(r, struct_ops_body);
}

/* libbpf 1.1.2 predates SEC(".struct_ops.link") (libbpf 1.2): the map is not seen, and its
 * programs load without a struct, which the kernel refuses (ENOTSUPP). */
static int t_struct_ops_cc(struct run *r)
{
	int err;

	if (open_sample(r))
		return -1;
	err = bpf_object__load(r->obj);
	if (!err) {
		okf(r, "loads (this libbpf knows .struct_ops.link)");
		return 0;
	}
	okf(r, "libbpf %s does not know SEC(\".struct_ops.link\"): load fails (%d)",
	    libbpf_version_string(), err);
	return 1;
}

/* An array element indexed at run time: gcc -O2 says "-8@(%rdi,%rsi,8)" in the note. */
__attribute__((noinline)) void oracle_usdt_sib(long *arr, long i)
{
	DTRACE_PROBE1(rawbpf, oracle_sib, arr[i]);
	asm volatile("" : : : "memory");
}

/*
 * usdt_sib declares libbpf 1.7's spec layout; libbpf 1.1.2 has no base + index * scale
 * argument and writes its own 208-byte spec, so it cannot run this sample. The sample loads
 * (checked here); rawbpf's tests/kernel/test_usdt_attach.c checks what it reads.
 */
static int t_usdt_sib(struct run *r)
{
	struct bpf_link *l;

	if (open_sample(r) || load(r))
		return -1;
	l = bpf_program__attach_usdt(bpf_object__find_program_by_name(r->obj, "on_probe"),
				     getpid(), "/proc/self/exe", "rawbpf", "oracle_sib", NULL);
	if (l) {
		bpf_link__destroy(l);
		okf(r, "not checked: this libbpf attached to a base + index * scale argument");
		return 1;
	}
	okf(r, "loads; libbpf 1.1.2 cannot attach it (%s): it has no base + index * scale "
	       "argument kind, rawbpf's test_usdt_attach checks this sample",
	    strerror(errno));
	return 1;
}

static const struct {
	const char *name;
	int (*fn)(struct run *r); /* 0 ok, 1 skip, -1 fail */
} tests[] = {
	{"hello", t_hello},
	{"counter", t_counter},
	{"syscount", t_syscount},
	{"readlat", t_readlat},
	{"globals", t_globals},
	{"subprogs", t_subprogs},
	{"callbacks", t_callbacks},
	{"kconfig", t_kconfig},
	{"ksyms", t_ksyms},
	{"ksyms_typed", t_ksyms_typed},
	{"core_task", t_core_task},
	{"ringbuf", t_ringbuf},
	{"perfbuf", t_perfbuf},
	{"iter_task", t_iter_task},
	{"syscall_prog", t_syscall_prog},
	{"xdp_count", t_xdp_count},
	{"tcx_count", t_tcx_count},
	{"cgroup_skb", t_cgroup_skb},
	{"perf_event", t_perf_event},
	{"uprobe", t_uprobe},
	{"fentry", t_fentry},
	{"lsm", t_lsm},
	{"kprobe", t_kprobe},
	{"fmod_ret", t_fmod_ret},
	{"ksyscall", t_ksyscall},
	{"usdt", t_usdt},
	{"usdt_args", t_usdt_args},
	{"usdt_sib", t_usdt_sib},
	{"uprobe_multi", t_uprobe_multi},
	{"kprobe_multi", t_kprobe_multi},
	{"sk_lookup", t_sk_lookup},
	{"sockmap", t_sockmap},
	{"sockops", t_sockops},
	{"freplace_target", t_freplace_target},
	{"freplace", t_freplace},
	{"struct_ops_cc", t_struct_ops_cc},
	{"struct_ops_plain", t_struct_ops_plain},
};

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: oracle_samples SAMPLES_DIR [NAME...]\n");
		return 2;
	}
	samples_dir = argv[1];
	if (!getenv("ORACLE_VERBOSE"))
		libbpf_set_print(silent);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		struct run r = {.name = tests[i].name};
		int rc, wanted = argc == 2;

		for (int a = 2; a < argc; a++)
			wanted |= !strcmp(argv[a], tests[i].name);
		if (!wanted)
			continue;
		rc = tests[i].fn(&r);
		finish(&r);
		printf("%s %s: %s\n", rc < 0 ? "FAIL" : rc ? "skip" : "ok", r.name, r.why);
		failed += rc < 0;
	}
	return failed ? 1 : 0;
}
