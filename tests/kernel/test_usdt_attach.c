/*
 * USDT attach through rb_loaded_attach_opts, end to end: this executable has the probes
 * (sys/sdt.h). usdt_args.bpf.o attached to rbu:args (with a semaphore) must see the raised
 * semaphore, the probe's argument count and values as usdt.bpf.h fetched them by our
 * recipe; usdt.bpf.o attached to rbu:twice must fire at both of its sites; a missing probe
 * is an error naming the probes that exist. Everything is detached on the way out.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "rawbpf.h"
#include "testlib.h"
#include "testload.h"

unsigned short rbu_args_semaphore __attribute__((unused, section(".probes")));
unsigned short rbu_twice_semaphore __attribute__((unused, section(".probes")));

__attribute__((noinline)) static void fire_args(long x, long y)
{
	long local = x * 100 + y;

	STAP_PROBE3(rbu, args, x, -7, local);
	__asm__ volatile("" : : "r"(local) : "memory");
}

__attribute__((noinline)) static void twice_a(int x)
{
	STAP_PROBE1(rbu, twice, x);
}

__attribute__((noinline)) static void twice_b(int x)
{
	STAP_PROBE1(rbu, twice, x + 1000);
}

struct usdt_seen {
	uint64_t hits;
	int64_t arg_cnt;
	int64_t args[3];
};

struct probe_stats {
	uint64_t hits;
	int64_t last_arg0;
};

/* Entries of a hash map (the ip-to-spec map). */
static int count_keys(int fd)
{
	long key, next;
	int n = 0;
	void *prev = NULL;

	while (sys_map_get_next_key(fd, prev, &next) == 0 && n < 1000) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

START_TEST(usdt_arguments_and_semaphore)
{
	char self[PATH_MAX], t[PATH_MAX + 64];
	const char *targets[1] = {t};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_attach_result ar;
	struct rb_error e = {0};
	struct usdt_seen s = {0};
	struct loaded_obj o;
	uint32_t zero = 0;
	int r;

	test_self_exe(self, sizeof(self));
	snprintf(t, sizeof(t), "on_args=%s:rbu:args", self);
	ao.pid = (int)getpid();
	test_load(&o, "usdt_args.bpf.o");
	ck_assert_uint_eq(rbu_args_semaphore, 0);
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	ck_assert(ar.attached);
	ck_assert_msg(strstr(ar.target, "usdt ") == ar.target && strstr(ar.target, ":rbu:args"),
		      "%s", ar.target);
	ck_assert_uint_eq(rbu_args_semaphore, 1); /* the kernel raised it for us */
	for (long i = 1; i <= 3; i++)
		if (rbu_args_semaphore)
			fire_args(i, 4);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "seen"), &zero, &s, 0), 0);
	ck_assert_uint_eq(s.hits, 3);
	ck_assert_int_eq(s.arg_cnt, 3);
	ck_assert_int_eq(s.args[0], 3);
	ck_assert_int_eq(s.args[1], -7);
	ck_assert_int_eq(s.args[2], 304);
	/* with --pid the run-time address of the site is known: the ip map has it too */
	ck_assert_int_eq(count_keys(test_map_fd_suffix(o.l, "__bpf_usdt_ip_to_spec_id")), 1);
	rb_loaded_detach(o.l);
	ck_assert_uint_eq(rbu_args_semaphore, 0);
	fire_args(9, 9); /* detached: not counted */
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "seen"), &zero, &s, 0), 0);
	ck_assert_uint_eq(s.hits, 3);
	test_unload(&o);
}
END_TEST

START_TEST(usdt_every_site)
{
	char self[PATH_MAX], t[PATH_MAX + 64];
	const char *targets[1] = {t};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_error e = {0};
	struct probe_stats st = {0};
	struct loaded_obj o;
	uint32_t pid = (uint32_t)getpid();
	int r;

	test_self_exe(self, sizeof(self));
	snprintf(t, sizeof(t), "on_probe=%s:rbu:twice", self);
	test_load(&o, "usdt.bpf.o");
	r = rb_loaded_attach_opts(o.l, &ao, &e); /* no --pid: every process */
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
	twice_a(5);
	twice_b(6);
	twice_a(7);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd_suffix(o.l, "hits"), &pid, &st, 0), 0);
	ck_assert_uint_eq(st.hits, 3);
	ck_assert_int_eq(st.last_arg0, 7);
	rb_loaded_detach(o.l);
	test_unload(&o);
}
END_TEST

START_TEST(usdt_missing_probe_names_what_exists)
{
	char self[PATH_MAX], t[PATH_MAX + 64];
	const char *targets[1] = {t};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_attach_result ar;
	struct rb_error e = {0};
	struct loaded_obj o;

	test_self_exe(self, sizeof(self));
	snprintf(t, sizeof(t), "on_args=%s:rbu:nosuch", self);
	test_load(&o, "usdt_args.bpf.o");
	ck_assert_int_eq(rb_loaded_attach_opts(o.l, &ao, &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "program 'on_args': ") == e.msg, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "no USDT probe rbu:nosuch in .note.stapsdt (it has "), "%s",
		      e.msg);
	ck_assert_msg(strstr(e.msg, "rbu:args") && strstr(e.msg, "rbu:twice"), "%s", e.msg);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	ck_assert(!ar.attached);
	ck_assert_uint_eq(rbu_args_semaphore, 0);
	test_unload(&o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("usdt_attach");
	TCase *tc = tcase_create("usdt_attach");

	test_require_kernel();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, usdt_arguments_and_semaphore);
	tcase_add_test(tc, usdt_every_site);
	tcase_add_test(tc, usdt_missing_probe_names_what_exists);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
