/*
 * struct_ops, for real: samples/struct_ops_cc.bpf.o (a ".struct_ops.link" map) and
 * samples/struct_ops_plain.bpf.o (plain ".struct_ops") register a TCP congestion control
 * through the library. The test checks the name appears in
 * /proc/sys/net/ipv4/tcp_available_congestion_control, opens a TCP connection over lo (in a
 * network namespace of its own) with setsockopt(TCP_CONGESTION, name), checks the sample's
 * init counter, detaches, and checks the name is gone. A kernel that refuses struct_ops
 * programs (no BPF trampolines) makes the program skip, quoting the refusal.
 * guest-cases: link_map_registers plain_map_registers free_unregisters pinned_link_stays
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "testlib.h"
#include "testload.h"

#define BPFFS_MAGIC 0xcafe4a11

static int cc_listed(const char *cc)
{
	char line[1024] = "", *tok, *save = NULL;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control", "r");

	ck_assert_ptr_nonnull(f);
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		if (!strcmp(tok, cc))
			return 1;
	return 0;
}

/* This test process's own network namespace, with lo up: the connection stays in it. */
static void private_lo(void)
{
	struct ifreq ifr = { 0 };
	int s;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(s, 0);
	strcpy(ifr.ifr_name, "lo");
	ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	if (!(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		ck_assert_msg(ioctl(s, SIOCSIFFLAGS, &ifr) == 0, "lo up: %s", strerror(errno));
	}
	close(s);
}

/* One TCP connection over lo whose client uses cc, with some data sent. */
static void tcp_with_cc(const char *cc)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a), glen;
	char buf[4096] = { 0 }, got[16] = "";
	int ls = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;

	ck_assert_int_ge(ls, 0);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&a, &alen), 0);
	ck_assert_msg(setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc, strlen(cc)) == 0,
		      "setsockopt(TCP_CONGESTION, %s): %s", cc, strerror(errno));
	ck_assert_msg(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0, "connect: %s",
		      strerror(errno));
	s = accept(ls, NULL, NULL);
	ck_assert_int_ge(s, 0);
	for (int i = 0; i < 16; i++)
		ck_assert_int_eq(send(c, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	glen = sizeof(got);
	ck_assert_int_eq(getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, got, &glen), 0);
	ck_assert_str_eq(got, cc);
	close(s);
	close(c);
	close(ls);
}

static uint64_t init_calls(const struct rb_loaded *l)
{
	uint64_t bss[2] = { 0 };
	uint32_t zero = 0;

	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(l, ".bss"), &zero, bss, 0), 0);
	return bss[0]; /* init_calls, then cwnd_grows */
}

static void register_count_detach(const char *sample, const char *cc, bool link)
{
	struct rb_struct_ops_info so;
	struct loaded_obj o;
	struct rb_error e = { 0 };

	private_lo();
	ck_assert_int_eq(cc_listed(cc), 0);
	test_load(&o, sample);
	ck_assert_uint_eq(rb_loaded_struct_ops_count(o.l), 1);
	ck_assert_int_eq(rb_loaded_struct_ops(o.l, 0, &so), 0);
	ck_assert(!so.registered);
	ck_assert_int_eq(cc_listed(cc), 0); /* loading alone registers nothing */
	ck_assert_msg(rb_loaded_attach(o.l, &e) >= 1, "%s", e.msg);
	ck_assert_int_eq(rb_loaded_struct_ops(o.l, 0, &so), 0);
	ck_assert(so.registered);
	ck_assert_str_eq(so.map, "rb_cc");
	ck_assert_str_eq(so.type, "tcp_congestion_ops");
	ck_assert_str_eq(so.name, cc);
	ck_assert_int_eq(so.link, link);
	ck_assert(link ? so.link_id > 0 : so.link_id == 0);
	ck_assert_int_eq(cc_listed(cc), 1);
	ck_assert_uint_eq(init_calls(o.l), 0);
	tcp_with_cc(cc);
	ck_assert_uint_ge(init_calls(o.l), 1);
	rb_loaded_detach(o.l);
	ck_assert_int_eq(cc_listed(cc), 0);
	ck_assert_int_eq(rb_loaded_struct_ops(o.l, 0, &so), 0);
	ck_assert(!so.registered);
	test_unload(&o);
}

START_TEST(link_map_registers)
{
	register_count_detach("struct_ops_cc.bpf.o", "rb_cc", true);
}
END_TEST

START_TEST(plain_map_registers)
{
	register_count_detach("struct_ops_plain.bpf.o", "rb_cc_plain", false);
}
END_TEST

/* Freeing a loaded object with its registration undoes it too (the close path). */
START_TEST(free_unregisters)
{
	struct loaded_obj o;
	struct rb_error e = { 0 };

	test_load(&o, "struct_ops_plain.bpf.o");
	ck_assert_msg(rb_loaded_attach(o.l, &e) >= 1, "%s", e.msg);
	ck_assert_int_eq(cc_listed("rb_cc_plain"), 1);
	test_unload(&o);
	ck_assert_int_eq(cc_listed("rb_cc_plain"), 0);
}
END_TEST

/* --pin: the link is pinned as links/<map> and stays registered after the process lets go;
 * removing the pins unregisters it. */
START_TEST(pinned_link_stays)
{
	struct loaded_obj o;
	struct rb_error e = { 0 };
	struct statfs st;
	struct stat sb;
	char dir[128], link[256];

	if (statfs("/sys/fs/bpf", &st) || st.f_type != BPFFS_MAGIC) {
		printf("bpffs is not mounted at /sys/fs/bpf: pin case not run\n");
		return;
	}
	snprintf(dir, sizeof(dir), "/sys/fs/bpf/rawbpf-test-struct-ops-%d", (int)getpid());
	snprintf(link, sizeof(link), "%s/links/rb_cc", dir);
	test_load(&o, "struct_ops_cc.bpf.o");
	ck_assert_msg(rb_loaded_attach(o.l, &e) >= 1, "%s", e.msg);
	ck_assert_msg(rb_loaded_pin(o.l, dir, &e) == 0, "%s", e.msg);
	test_unload(&o);
	ck_assert_int_eq(stat(link, &sb), 0);
	ck_assert_int_eq(cc_listed("rb_cc"), 1);
	ck_assert_msg(rb_unpin(dir, &e) == 0, "%s", e.msg);
	/* the link goes with its last reference; the kernel frees it after an RCU grace period */
	for (int i = 0; i < 100 && cc_listed("rb_cc"); i++)
		usleep(20000);
	ck_assert_int_eq(cc_listed("rb_cc"), 0);
}
END_TEST

/* One Check case per test, named as the test: CK_RUN_CASE (the guests) picks one. */
static void add_case(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

int main(void)
{
	Suite *s = suite_create("struct_ops");
	struct loaded_obj o;
	struct rb_error e = { 0 };
	char why[600];

	test_require_kernel();
	/*
	 * A kernel without BPF trampolines refuses struct_ops programs: say so and skip. The
	 * plain map decides (struct_ops links, for struct_ops_cc, came later: 6.4).
	 */
	if (test_load_try(&o, "struct_ops_plain.bpf.o", NULL, &e) < 0) {
		snprintf(why, sizeof(why), "struct_ops_plain.bpf.o does not load here: %.500s",
			 e.msg);
		test_skip(why);
	}
	test_unload(&o);
	add_case(s, "link_map_registers", link_map_registers);
	add_case(s, "plain_map_registers", plain_map_registers);
	add_case(s, "free_unregisters", free_unregisters);
	add_case(s, "pinned_link_stays", pinned_link_stays);
	return test_run_suite(s);
}
