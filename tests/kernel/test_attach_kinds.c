/*
 * Attach kinds through rb_loaded_attach_opts on the samples: uprobe/uretprobe on a function
 * of this executable given as a per-program target (and limited to one pid), kprobes
 * refused with the missing feature named, xdp and tcx on one end of a veth pair in a private
 * network namespace, cgroup_skb on a cgroup v2 directory holding the test; counts read from
 * the maps after real events. Everything is detached and removed on the way out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/netlink.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "rawbpf.h"
#include "testlib.h"
#include "testload.h"

volatile int rb_sink;

__attribute__((noinline, used)) long rb_attach_target(long x)
{
	rb_sink = (int)x;
	return x * 2 + 1;
}

static void result(const struct rb_loaded *l, size_t i, struct rb_attach_result *ar)
{
	ck_assert_int_eq(rb_loaded_attach_result(l, i, ar), 0);
}

struct call_stats {
	uint64_t calls, returns, last_arg;
	int64_t last_ret;
};

START_TEST(uprobe_by_target_and_pid)
{
	char self[4200], t1[4300], t2[4300];
	const char *targets[2] = { t1, t2 };
	struct rb_attach_opts ao = { .sz = sizeof(ao), .targets = targets, .target_cnt = 2 };
	struct rb_attach_result ar;
	struct call_stats st = { 0 };
	struct rb_error e = { 0 };
	struct loaded_obj o;
	uint32_t pid = (uint32_t)getpid();
	pid_t child;
	int r, status;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ck_assert_int_gt(n, 0);
	self[n] = 0;
	snprintf(t1, sizeof(t1), "func_entry=%s:rb_attach_target", self);
	snprintf(t2, sizeof(t2), "func_return=%s:rb_attach_target", self);
	ao.pid = (int)pid;
	test_load(&o, "uprobe.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 2, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_msg(ar.attached && strstr(ar.target, "uprobe ") == ar.target, "%s", ar.target);
	ck_assert_msg(strstr(ar.target, ":rb_attach_target"), "%s", ar.target);
	/* a child runs the function too: --pid leaves it out */
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		rb_attach_target(7);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	for (long i = 1; i <= 3; i++)
		rb_attach_target(i * 100);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "stats"), &pid, &st, 0), 0);
	ck_assert_int_eq(st.calls, 3);
	ck_assert_int_eq(st.returns, 3);
	ck_assert_int_eq(st.last_arg, 300);
	ck_assert_int_eq(st.last_ret, 601);
	ck_assert_int_ne(sys_map_lookup_elem(test_map_fd_suffix(o.l, "stats"), &child, &st, 0), 0);
	rb_loaded_detach(o.l);
	rb_attach_target(5); /* detached: not counted */
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "stats"), &pid, &st, 0), 0);
	ck_assert_int_eq(st.calls, 3);
	test_unload(&o);
}
END_TEST

START_TEST(uprobe_without_target_is_named)
{
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;

	test_load(&o, "uprobe.bpf.o");
	ck_assert_int_eq(rb_loaded_attach(o.l, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "program 'func_entry': section 'uprobe' names no binary:function; "
				"give one with --attach func_entry=BINARY:FUNC");
	result(o.l, 0, &ar);
	ck_assert(!ar.attached);
	ck_assert_int_eq(ar.err, -EINVAL);
	test_unload(&o);
}
END_TEST

START_TEST(kprobe_refusal_names_the_feature)
{
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	int r;

	test_load(&o, "kprobe.bpf.o");
	r = rb_loaded_attach(o.l, &e);
	if (r >= 0) {
		rb_loaded_detach(o.l);
		test_unload(&o);
		return; /* a kernel with kprobes: attached, nothing to refuse */
	}
	ck_assert_int_eq(r, -EOPNOTSUPP);
	ck_assert_msg(strstr(e.msg, "this kernel has no kprobes"), "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "program '"), "%s", e.msg);
	result(o.l, 0, &ar);
	ck_assert(!ar.attached);
	ck_assert_msg(!strcmp(ar.target, "kprobe do_unlinkat"), "%s", ar.target);
	test_unload(&o);
}
END_TEST

/* A function the compiler only left as a copy (f.isra.0): the error names the copy. */
START_TEST(kprobe_missing_function_names_its_copies)
{
	char line[512], base[256] = "", copy[256] = "", t[300];
	const char *targets[1] = { t };
	struct rb_attach_opts ao = { .sz = sizeof(ao), .targets = targets, .target_cnt = 1 };
	struct rb_error e = { 0 };
	struct loaded_obj o;
	FILE *f = fopen("/proc/kallsyms", "r");
	int r;

	if (!f)
		test_skip("no /proc/kallsyms");
	/* a text symbol "X.isra.0" whose X kallsyms does not list */
	while (!copy[0] && fgets(line, sizeof(line), f)) {
		char *name = strrchr(line, ' ') + 1, *dot;
		char probe[300], l2[512];
		FILE *g;
		bool has_base = false;

		name[strcspn(name, "\t\n")] = 0;
		dot = strstr(name, ".isra.0");
		if (!dot || dot[7] || !strncmp(name, "__pfx_", 6) ||
		    (size_t)(dot - name) >= sizeof(base))
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(dot - name), name);
		snprintf(probe, sizeof(probe), " %s", base);
		g = fopen("/proc/kallsyms", "r");
		while (!has_base && g && fgets(l2, sizeof(l2), g)) {
			l2[strcspn(l2, "\t\n")] = 0;
			has_base = strlen(l2) >= strlen(probe) + 2 &&
				   !strcmp(l2 + strlen(l2) - strlen(probe), probe) &&
				   l2[strlen(l2) - strlen(probe) - 2] == ' ';
		}
		if (g)
			fclose(g);
		if (!has_base)
			snprintf(copy, sizeof(copy), "%s", name);
	}
	fclose(f);
	if (!copy[0])
		test_skip("no .isra.0 copy without its base name in kallsyms");
	snprintf(t, sizeof(t), "unlink_entry=%s", base);
	test_load(&o, "kprobe.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0) {
		ck_assert_int_eq(r, -ENOENT);
		ck_assert_msg(strstr(e.msg, "program 'unlink_entry': kernel function '") == e.msg,
			      "%s", e.msg);
	} else {
		/* no kprobes here: that is said first, the missing function after it */
		ck_assert_int_eq(r, -EOPNOTSUPP);
		ck_assert_msg(strstr(e.msg, "this kernel has no kprobes") &&
				      strstr(e.msg, "; and kernel function '"),
			      "%s", e.msg);
	}
	ck_assert_msg(strstr(e.msg, "' is not in /proc/kallsyms"), "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "; close: ") && strstr(e.msg, copy), "%s (want %s)", e.msg,
		      copy);
	test_unload(&o);
}
END_TEST

/* ---- network: a veth pair between this namespace (va, 10.77.0.1) and a peer's (vb, .2) */

static pid_t peer = -1;
static int ns_self = -1, ns_peer = -1;

static void sh(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

static void net_setup(void)
{
	int p[2];
	char c, cmd[128];

	if (unshare(CLONE_NEWNET) < 0)
		test_skip("no network namespaces (unshare CLONE_NEWNET)");
	ns_self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(ns_self, 0);
	ck_assert_int_eq(pipe(p), 0);
	peer = fork();
	ck_assert_int_ge(peer, 0);
	if (peer == 0) {
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	snprintf(cmd, sizeof(cmd), "/proc/%d/ns/net", (int)peer);
	ns_peer = open(cmd, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(ns_peer, 0);
	snprintf(cmd, sizeof(cmd), "ip link add va type veth peer name vb netns %d", (int)peer);
	sh(cmd);
	sh("ip addr add 10.77.0.1/24 dev va && ip link set va up && ip link set lo up");
	ck_assert_int_eq(setns(ns_peer, CLONE_NEWNET), 0);
	sh("ip addr add 10.77.0.2/24 dev vb && ip link set vb up && ip link set lo up");
	ck_assert_int_eq(setns(ns_self, CLONE_NEWNET), 0);
}

static void net_teardown(void)
{
	if (peer > 0) {
		kill(peer, SIGKILL);
		waitpid(peer, NULL, 0);
	}
	/* the namespaces (and the veth pair with them) go with their last process */
}

/* From the peer's namespace, n UDP datagrams of len bytes to 10.77.0.1:9. */
static void send_from_peer(int n, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	char buf[1500] = { 0 };
	int s;

	ck_assert_int_eq(setns(ns_peer, CLONE_NEWNET), 0);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	inet_pton(AF_INET, "10.77.0.1", &to.sin_addr);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(sendto(s, buf, len, 0, (struct sockaddr *)&to, sizeof(to)),
				 (ssize_t)len);
	close(s);
	ck_assert_int_eq(setns(ns_self, CLONE_NEWNET), 0);
	usleep(200 * 1000); /* veth delivers through a softirq */
}

static uint64_t percpu_sum(int fd, uint32_t key)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t *v = calloc((size_t)ncpu, sizeof(*v)), sum = 0;

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(sys_map_lookup_elem(fd, &key, v, 0), 0);
	for (long i = 0; i < ncpu; i++)
		sum += v[i];
	free(v);
	return sum;
}

static void xdp_on_veth(bool generic)
{
	struct rb_attach_opts ao = { .sz = sizeof(ao), .ifname = "va", .xdp_generic = generic };
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	int r;

	net_setup();
	test_load(&o, "xdp_count.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_str_eq(ar.target, generic ? "xdp (generic) va" : "xdp va");
	ck_assert_str_eq(ar.note, "BPF link");
	ck_assert_uint_gt(ar.link_id, 0);
	send_from_peer(5, 64);
	ck_assert_int_eq(percpu_sum(test_map_fd_suffix(o.l, "packets"), IPPROTO_UDP), 5);
	rb_loaded_detach(o.l);
	send_from_peer(2, 64);
	ck_assert_int_eq(percpu_sum(test_map_fd_suffix(o.l, "packets"), IPPROTO_UDP), 5);
	test_unload(&o);
	net_teardown();
}

START_TEST(xdp_native_counts_udp)
{
	xdp_on_veth(false);
}
END_TEST

START_TEST(xdp_generic_counts_udp)
{
	xdp_on_veth(true);
}
END_TEST

START_TEST(xdp_needs_an_interface)
{
	struct rb_attach_opts ao = { .sz = sizeof(ao), .ifname = "rb_no_such_if" };
	struct rb_error e = { 0 };
	struct loaded_obj o;

	test_load(&o, "xdp_count.bpf.o");
	ck_assert_int_eq(rb_loaded_attach(o.l, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "program 'count_packets': section 'xdp' attaches to a network "
				"interface: give one with --ifname IF");
	ck_assert_int_eq(rb_loaded_attach_opts(o.l, &ao, &e), -ENODEV);
	ck_assert_msg(strstr(e.msg, "no network interface named 'rb_no_such_if'"), "%s", e.msg);
	test_unload(&o);
}
END_TEST

START_TEST(tcx_ingress_counts)
{
	struct rb_attach_opts ao = { .sz = sizeof(ao), .ifname = "va" };
	struct rb_attach_result ar;
	struct rb_feature tcx;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	uint64_t bss[2] = { 0 };
	uint32_t zero = 0;
	int r;

	net_setup();
	test_load(&o, "tcx_count.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	/* kernels without tcx links (before 6.6, as 6.1 in the qemu guests) get netlink tc */
	ck_assert_int_eq(rb_probe_find("links", "tcx", &tcx), 0);
	if (tcx.state == RB_FEATURE_NO)
		ck_assert_str_eq(ar.target, "tc ingress (netlink) va");
	else
		ck_assert_str_eq(ar.target, "tcx ingress va");
	send_from_peer(4, 100);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, ".bss"), &zero, bss, 0), 0);
	/* ARP may add packets; our 4 datagrams are 100 + 8 + 20 + 14 bytes each */
	ck_assert_uint_ge(bss[0], 4);
	ck_assert_uint_ge(bss[1], 4 * 142);
	rb_loaded_detach(o.l);
	test_unload(&o);
	net_teardown();
}
END_TEST

/*
 * tc through netlink (what kernels before 6.6 get): a clsact qdisc and a cls_bpf filter in
 * direct-action mode; detach removes both, or only the filter when the qdisc was there.
 */
static void tc_netlink_on_veth(bool qdisc_there)
{
	struct rb_attach_opts ao = { .sz = sizeof(ao), .ifname = "va", .tc_netlink = true };
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	uint64_t bss[2] = { 0 };
	uint32_t zero = 0;
	int r, idx;

	net_setup();
	idx = (int)if_nametoindex("va");
	ck_assert_int_gt(idx, 0);
	if (qdisc_there)
		sh("tc qdisc add dev va clsact");
	ck_assert_int_eq(nl_tc_has_clsact(idx, &e), qdisc_there);
	test_load(&o, "tcx_count.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_str_eq(ar.target, "tc ingress (netlink) va");
	ck_assert_str_eq(ar.note, "netlink cls_bpf filter (direct action)");
	ck_assert_int_eq(nl_tc_has_clsact(idx, &e), 1);
	ck_assert_int_eq(nl_tc_count_filters(idx, false, &e), 1);
	ck_assert_int_eq(nl_tc_count_filters(idx, true, &e), 0);
	send_from_peer(4, 100);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, ".bss"), &zero, bss, 0), 0);
	ck_assert_uint_ge(bss[0], 4);
	ck_assert_uint_ge(bss[1], 4 * 142);
	rb_loaded_detach(o.l);
	ck_assert_int_eq(nl_tc_count_filters(idx, false, &e), 0);
	ck_assert_int_eq(nl_tc_has_clsact(idx, &e), qdisc_there);
	bss[0] = 0;
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, ".bss"), &zero, bss, 0), 0);
	r = (int)bss[0];
	send_from_peer(3, 100); /* detached: not counted */
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, ".bss"), &zero, bss, 0), 0);
	ck_assert_int_eq((int)bss[0], r);
	test_unload(&o);
	net_teardown();
}

START_TEST(tc_netlink_ingress_counts)
{
	tc_netlink_on_veth(false);
}
END_TEST

START_TEST(tc_netlink_keeps_a_qdisc_it_did_not_make)
{
	tc_netlink_on_veth(true);
}
END_TEST

/*
 * The qdisc we made, but another tool added a filter to it since (here `tc` adds a classic
 * BPF filter, cls_bpf being the classifier every kernel that runs these tests has, on the
 * other hook): detach removes our filter and keeps the qdisc with theirs.
 */
START_TEST(tc_netlink_keeps_its_qdisc_when_others_filter)
{
	struct rb_attach_opts ao = { .sz = sizeof(ao), .ifname = "va", .tc_netlink = true };
	struct rb_error e = { 0 };
	struct loaded_obj o;
	int r, idx;

	net_setup();
	idx = (int)if_nametoindex("va");
	ck_assert_int_eq(nl_tc_has_clsact(idx, &e), 0);
	test_load(&o, "tcx_count.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	ck_assert_int_eq(nl_tc_has_clsact(idx, &e), 1); /* ours */
	sh("tc filter add dev va egress prio 7 bpf bytecode '1,6 0 0 4294967295,'");
	ck_assert_int_gt(nl_tc_count_all_filters(idx, true, &e), 0);
	rb_loaded_detach(o.l);
	ck_assert_int_eq(nl_tc_count_filters(idx, false, &e), 0);
	ck_assert_int_eq(nl_tc_has_clsact(idx, &e), 1);
	ck_assert_int_gt(nl_tc_count_all_filters(idx, true, &e), 0);
	sh("tc filter show dev va egress | grep -q \"pref 7 bpf .* bytecode '1,6 0 0 4294967295'\"");
	test_unload(&o);
	/* with theirs gone, our next attach-detach cycle takes the qdisc it made */
	sh("tc qdisc del dev va clsact");
	test_load(&o, "tcx_count.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	rb_loaded_detach(o.l);
	ck_assert_int_eq(nl_tc_has_clsact(idx, &e), 0);
	test_unload(&o);
	net_teardown();
}
END_TEST

/* A classic "tc" section's direction comes from the target: IFNAME:egress. */
START_TEST(tc_netlink_direction_from_target)
{
	const char *targets[1] = { "count_ingress=va:egress" };
	struct rb_attach_opts ao = { .sz = sizeof(ao), .targets = targets, .target_cnt = 1,
				     .tc_netlink = true };
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	int r, idx;

	net_setup();
	idx = (int)if_nametoindex("va");
	test_load(&o, "tcx_count.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_str_eq(ar.target, "tc egress (netlink) va");
	ck_assert_int_eq(nl_tc_count_filters(idx, true, &e), 1);
	ck_assert_int_eq(nl_tc_count_filters(idx, false, &e), 0);
	rb_loaded_detach(o.l);
	ck_assert_int_eq(nl_tc_count_filters(idx, true, &e), 0);
	ck_assert_int_eq(nl_tc_has_clsact(idx, &e), 0);
	test_unload(&o);
	net_teardown();
}
END_TEST

/* ---- sockets: sk_lookup on this (private) network namespace, sk_msg/sk_skb on a sockmap */

static int udp_bound(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t sl = sizeof(a);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&a, &sl), 0);
	*port = ntohs(a.sin_port);
	return s;
}

static void udp_send(uint16_t port, int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
	close(s);
}

START_TEST(sk_lookup_counts_on_the_netns)
{
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	uint64_t n = 0;
	uint32_t key;
	uint16_t port;
	int r, rx;

	if (unshare(CLONE_NEWNET) < 0)
		test_skip("no network namespaces (unshare CLONE_NEWNET)");
	sh("ip link set lo up");
	rx = udp_bound(&port);
	key = port;
	test_load(&o, "sk_lookup.bpf.o");
	r = rb_loaded_attach(o.l, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_str_eq(ar.target, "netns /proc/self/ns/net");
	ck_assert_str_eq(ar.note, "BPF link");
	udp_send(port, 3);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "lookups"), &key, &n, 0), 0);
	ck_assert_uint_eq(n, 3);
	rb_loaded_detach(o.l);
	udp_send(port, 2); /* detached: not counted */
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "lookups"), &key, &n, 0), 0);
	ck_assert_uint_eq(n, 3);
	close(rx);
	test_unload(&o);
}
END_TEST

struct io_count {
	uint64_t count, bytes;
};

START_TEST(sockmap_programs_see_the_data)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 2 };
	struct io_count sent = { 0 }, recvd = { 0 };
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	socklen_t sl = sizeof(a);
	uint32_t k0 = 0, k1 = 1, v;
	char buf[64];
	int r, lsn, cli, srv;
	ssize_t got = 0;

	if (unshare(CLONE_NEWNET) < 0)
		test_skip("no network namespaces (unshare CLONE_NEWNET)");
	sh("ip link set lo up");
	test_load(&o, "sockmap.bpf.o");
	r = rb_loaded_attach(o.l, &e);
	ck_assert_msg(r == 2, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_str_eq(ar.target, "sockmap socks");
	result(o.l, 1, &ar);
	ck_assert_str_eq(ar.target, "sockmap socks");
	ck_assert(ar.attached);
	lsn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(bind(lsn, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(lsn, 1), 0);
	ck_assert_int_eq(getsockname(lsn, (struct sockaddr *)&a, &sl), 0);
	cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(connect(cli, (struct sockaddr *)&a, sizeof(a)), 0);
	srv = accept(lsn, NULL, NULL);
	ck_assert_int_ge(srv, 0);
	setsockopt(cli, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	v = (uint32_t)cli;
	ck_assert_int_eq(sys_map_update_elem(test_map_fd_suffix(o.l, "socks"), &k0, &v, 0), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(send(cli, "hello", 5, 0), 5);
	while (got < 15) {
		ssize_t n = recv(srv, buf, sizeof(buf), 0);

		ck_assert_int_gt(n, 0);
		got += n;
	}
	ck_assert_int_eq(send(srv, "abcd", 4, 0), 4);
	ck_assert_int_eq(recv(cli, buf, sizeof(buf), 0), 4); /* passed on to the socket */
	ck_assert_int_eq(memcmp(buf, "abcd", 4), 0);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "io"), &k0, &sent, 0), 0);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "io"), &k1, &recvd, 0), 0);
	ck_assert_uint_eq(sent.count, 3);
	ck_assert_uint_eq(sent.bytes, 15);
	ck_assert_uint_ge(recvd.count, 1);
	ck_assert_uint_eq(recvd.bytes, 4);
	rb_loaded_detach(o.l);
	close(cli);
	close(srv);
	close(lsn);
	test_unload(&o);
}
END_TEST

START_TEST(sockmap_target_must_be_a_sockmap)
{
	const char *targets[1] = { "on_send=io" };
	struct rb_attach_opts ao = { .sz = sizeof(ao), .targets = targets, .target_cnt = 1 };
	struct rb_error e = { 0 };
	struct loaded_obj o;

	test_load(&o, "sockmap.bpf.o");
	ck_assert_int_eq(rb_loaded_attach_opts(o.l, &ao, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "program 'on_send': map 'io' is not a sockmap or sockhash");
	rb_loaded_detach(o.l);
	test_unload(&o);
}
END_TEST

/* ---- cgroup_skb: the test moves itself into a fresh cgroup v2 directory */

static char cg_root[256], cg_dir[300], cg_mounted[64];

static void cg_write(const char *dir, long pid)
{
	char p[400];
	FILE *f;

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	f = fopen(p, "w");
	ck_assert_msg(f != NULL, "%s: %s", p, strerror(errno));
	fprintf(f, "%ld\n", pid);
	ck_assert_int_eq(fclose(f), 0);
}

static void cg_setup(void)
{
	if (access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0) {
		snprintf(cg_root, sizeof(cg_root), "/sys/fs/cgroup/unified");
	} else if (access("/sys/fs/cgroup/cgroup.subtree_control", F_OK) == 0) {
		snprintf(cg_root, sizeof(cg_root), "/sys/fs/cgroup");
	} else {
		snprintf(cg_mounted, sizeof(cg_mounted), "/tmp/rb_cg2_%d", (int)getpid());
		ck_assert_int_eq(mkdir(cg_mounted, 0700), 0);
		if (mount("cgroup2", cg_mounted, "cgroup2", 0, NULL) < 0)
			test_skip("no cgroup v2 hierarchy and none can be mounted");
		snprintf(cg_root, sizeof(cg_root), "%s", cg_mounted);
	}
	snprintf(cg_dir, sizeof(cg_dir), "%s/rb_attach_%d", cg_root, (int)getpid());
	ck_assert_int_eq(mkdir(cg_dir, 0755), 0);
	cg_write(cg_dir, 0);
}

static void cg_teardown(void)
{
	cg_write(cg_root, 0);
	rmdir(cg_dir);
	if (cg_mounted[0]) {
		umount(cg_mounted);
		rmdir(cg_mounted);
	}
}

struct traffic {
	uint64_t packets, bytes;
};

/* sockops on the test's cgroup: a TCP connection over lo seen from both ends. */
START_TEST(sockops_sees_both_ends_establish)
{
	struct rb_attach_opts ao = { .sz = sizeof(ao) };
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	socklen_t sl = sizeof(a);
	uint32_t k_connect = BPF_SOCK_OPS_TCP_CONNECT_CB;
	uint32_t k_active = BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB;
	uint32_t k_passive = BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB;
	uint64_t n_connect = 0, n_active = 0, n_passive = 0;
	int r, lsn, cli, srv;

	if (unshare(CLONE_NEWNET) < 0)
		test_skip("no network namespaces (unshare CLONE_NEWNET)");
	sh("ip link set lo up");
	cg_setup();
	ao.cgroup = cg_dir;
	test_load(&o, "sockops.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_msg(!strncmp(ar.target, "cgroup ", 7), "%s", ar.target);
	lsn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	ck_assert_int_eq(bind(lsn, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(lsn, 1), 0);
	ck_assert_int_eq(getsockname(lsn, (struct sockaddr *)&a, &sl), 0);
	cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(connect(cli, (struct sockaddr *)&a, sizeof(a)), 0);
	srv = accept(lsn, NULL, NULL);
	ck_assert_int_ge(srv, 0);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "ops"), &k_connect, &n_connect, 0), 0);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "ops"), &k_active, &n_active, 0), 0);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "ops"), &k_passive, &n_passive, 0), 0);
	ck_assert_uint_eq(n_connect, 1);
	ck_assert_uint_eq(n_active, 1);
	ck_assert_uint_eq(n_passive, 1);
	rb_loaded_detach(o.l);
	close(cli);
	close(srv);
	close(lsn);
	test_unload(&o);
	cg_teardown();
}
END_TEST

START_TEST(cgroup_skb_counts_both_ways)
{
	struct rb_attach_opts ao = { .sz = sizeof(ao) };
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct rb_attach_result ar;
	struct traffic in = { 0 }, out = { 0 };
	struct rb_error e = { 0 };
	struct loaded_obj o;
	socklen_t sl = sizeof(to);
	char buf[50] = { 0 };
	uint32_t k_in = 0, k_out = 1;
	int r, rx, tx;

	if (unshare(CLONE_NEWNET) < 0)
		test_skip("no network namespaces (unshare CLONE_NEWNET)");
	sh("ip link set lo up");
	cg_setup();
	ao.cgroup = cg_dir;
	test_load(&o, "cgroup_skb.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 2, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_msg(!strncmp(ar.target, "cgroup ", 7) && strstr(ar.target, cg_dir), "%s",
		      ar.target);
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(rx, 0);
	ck_assert_int_ge(tx, 0);
	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	ck_assert_int_eq(bind(rx, (struct sockaddr *)&to, sizeof(to)), 0);
	ck_assert_int_eq(getsockname(rx, (struct sockaddr *)&to, &sl), 0);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(sendto(tx, buf, sizeof(buf), 0, (struct sockaddr *)&to,
					sizeof(to)),
				 sizeof(buf));
		ck_assert_int_eq(recv(rx, buf, sizeof(buf), 0), sizeof(buf));
	}
	close(rx);
	close(tx);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "traffic"), &k_in, &in, 0), 0);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "traffic"), &k_out, &out, 0), 0);
	ck_assert_int_eq(out.packets, 3);
	ck_assert_int_eq(in.packets, 3);
	ck_assert_uint_ge(out.bytes, 3 * (sizeof(buf) + 8));
	rb_loaded_detach(o.l);
	test_unload(&o);
	cg_teardown();
}
END_TEST

START_TEST(cgroup_needs_a_path)
{
	struct rb_error e = { 0 };
	struct loaded_obj o;

	test_load(&o, "cgroup_skb.bpf.o");
	ck_assert_int_eq(rb_loaded_attach(o.l, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, "give a cgroup v2 directory with --cgroup PATH"), "%s", e.msg);
	test_unload(&o);
}
END_TEST

START_TEST(iter_task_lists_our_pid)
{
	struct rb_attach_result ar;
	struct rb_error e = { 0 };
	struct loaded_obj o;
	char *buf = malloc(1 << 20), line[64];
	size_t len = 0;
	ssize_t n;
	int r, fd;

	ck_assert_ptr_nonnull(buf);
	test_load(&o, "iter_task.bpf.o");
	r = rb_loaded_attach(o.l, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	result(o.l, 0, &ar);
	ck_assert_str_eq(ar.target, "iter task");
	fd = rb_loaded_iter_open(o.l, 0, &e);
	ck_assert_msg(fd >= 0, "%s", e.msg);
	while ((n = read(fd, buf + len, (1 << 20) - 1 - len)) > 0)
		len += (size_t)n;
	ck_assert_int_eq(n, 0);
	buf[len] = 0;
	close(fd);
	ck_assert_msg(!strncmp(buf, "     PID      TID COMM\n", 23), "%.60s", buf);
	snprintf(line, sizeof(line), "\n%8d %8d ", (int)getpid(), (int)getpid());
	ck_assert_msg(strstr(buf, line), "our pid not listed");
	free(buf);
	rb_loaded_detach(o.l);
	ck_assert_int_eq(rb_loaded_iter_open(o.l, 0, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "program 'list_tasks' is not an attached iterator");
	test_unload(&o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("attach_kinds");
	TCase *t = tcase_create("attach_kinds");

	test_require_kernel();
	tcase_set_timeout(t, 30);
	tcase_add_test(t, uprobe_by_target_and_pid);
	tcase_add_test(t, uprobe_without_target_is_named);
	tcase_add_test(t, kprobe_refusal_names_the_feature);
	tcase_add_test(t, kprobe_missing_function_names_its_copies);
	tcase_add_test(t, xdp_native_counts_udp);
	tcase_add_test(t, xdp_generic_counts_udp);
	tcase_add_test(t, xdp_needs_an_interface);
	tcase_add_test(t, tcx_ingress_counts);
	tcase_add_test(t, tc_netlink_ingress_counts);
	tcase_add_test(t, tc_netlink_keeps_a_qdisc_it_did_not_make);
	tcase_add_test(t, tc_netlink_keeps_its_qdisc_when_others_filter);
	tcase_add_test(t, tc_netlink_direction_from_target);
	tcase_add_test(t, sk_lookup_counts_on_the_netns);
	tcase_add_test(t, sockmap_programs_see_the_data);
	tcase_add_test(t, sockmap_target_must_be_a_sockmap);
	tcase_add_test(t, cgroup_skb_counts_both_ways);
	tcase_add_test(t, sockops_sees_both_ends_establish);
	tcase_add_test(t, cgroup_needs_a_path);
	tcase_add_test(t, iter_task_lists_our_pid);
	suite_add_tcase(s, t);
	return test_run_suite(s);
}
