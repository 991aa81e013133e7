/*
 * USDT attach through rb_loaded_attach_opts, end to end: this executable has the probes
 * (sys/sdt.h). usdt_args.bpf.o attached to rbu:args (with a semaphore) must see the raised
 * semaphore, the probe's argument count and values as usdt.bpf.h fetched them by our
 * recipe; usdt.bpf.o attached to rbu:twice must fire at both of its sites; a missing probe
 * is an error naming the probes that exist. usdt_sib.bpf.o (which declares libbpf 1.7's
 * recipe layout itself) reads arguments gcc placed at base + index * scale and every
 * register width, %ah included; usdt_args.bpf.o (the installed 1.1 layout) is refused such
 * a probe with the reason. Everything is detached on the way out.
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
#include "loader/usdt.h"
#include "rawbpf.h"
#include "testlib.h"
#include "testload.h"

unsigned short rbu_args_semaphore __attribute__((unused, section(".probes")));
unsigned short rbu_twice_semaphore __attribute__((unused, section(".probes")));
unsigned short rbu_sib_semaphore __attribute__((unused, section(".probes")));
unsigned short rbu_sib_int_semaphore __attribute__((unused, section(".probes")));
unsigned short rbu_regs_semaphore __attribute__((unused, section(".probes")));
unsigned short rbu_global_semaphore __attribute__((unused, section(".probes")));

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

/* gcc -O2 places an array element indexed at run time as "-8@(%rdi,%rsi,8)" */
__attribute__((noinline)) static void fire_sib(long *arr, long i)
{
	STAP_PROBE2(rbu, sib, arr[i], arr[i + 3]);
	__asm__ volatile("" : : : "memory");
}

__attribute__((noinline)) static void fire_sib_int(int *arr, long i)
{
	STAP_PROBE1(rbu, sib_int, arr[i]);
	__asm__ volatile("" : : : "memory");
}

/* Every width of %rax and %r8, %ah, and a constant: a probe written out by hand. */
__attribute__((noinline)) static void fire_regs(unsigned long a, unsigned long b)
{
	__asm__ volatile("movq %0, %%rax\n\tmovq %1, %%r8\n" STAP_PROBE_ASM(
				 rbu, regs,
				 1@%%ah -1@%%al 2@%%ax -4@%%eax -4@%%r8d -2@%%r8w 1@%%r8b -8@%%r8 -4@$-5)
			 :
			 : "r"(a), "r"(b)
			 : "rax", "r8", "memory");
}

/* gcc names a global and a function's static by symbol: "-8@rbu_global(%rip)" */
long rbu_global;

__attribute__((noinline)) static void fire_global(long v)
{
	static int rbu_local = -3;

	STAP_PROBE3(rbu, global, rbu_global, rbu_local, v);
	__asm__ volatile("" : "+m"(rbu_local) : : "memory"); /* not a constant to gcc */
}

struct usdt_seen {
	uint64_t hits;
	int64_t arg_cnt;
	int64_t args[3];
};

struct usdt_seen_all {
	uint64_t hits;
	int64_t arg_cnt;
	int64_t args[12];
	int64_t err;
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

/* Load usdt_sib.bpf.o, attach it to rbu:PROBE of this executable (for every process). */
static void attach_sib(struct loaded_obj *o, const char *probe)
{
	char self[PATH_MAX], t[PATH_MAX + 64];
	const char *targets[1] = {t};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_error e = {0};
	int r;

	test_self_exe(self, sizeof(self));
	snprintf(t, sizeof(t), "on_probe=%s:rbu:%s", self, probe);
	test_load(o, "usdt_sib.bpf.o");
	r = rb_loaded_attach_opts(o->l, &ao, &e);
	ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
}

/* The arguments gcc gave rbu:sib / rbu:sib_int, as the note says them. */
static void expect_sib_note(const char *probe, int nargs)
{
	char self[PATH_MAX];
	struct usdt_probe *p = NULL;
	struct rb_error e = {0};
	size_t n = 0;

	test_self_exe(self, sizeof(self));
	ck_assert_msg(!usdt_find(self, "rbu", probe, &p, &n, &e), "%s", e.msg);
	ck_assert_int_eq(p[0].nargs, nargs);
	for (int i = 0; i < nargs; i++)
		ck_assert_msg(p[0].args[i].kind == USDT_ARG_SIB,
			      "gcc did not emit base + index * scale for rbu:%s: '%s'", probe,
			      p[0].args_str);
	free(p);
}

START_TEST(usdt_sib_arguments)
{
	long arr[8] = {10, -20, 30, -40, 50, -60, 70, -80};
	int iarr[4] = {1, -2, 3, -4};
	struct usdt_seen_all s;
	struct loaded_obj o;
	uint32_t zero = 0;

	expect_sib_note("sib", 2);
	expect_sib_note("sib_int", 1);
	attach_sib(&o, "sib");
	fire_sib(arr, 1);
	fire_sib(arr, 2);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd(o.l, "seen"), &zero, &s, 0), 0);
	ck_assert_uint_eq(s.hits, 2);
	ck_assert_int_eq(s.err, 0);
	ck_assert_int_eq(s.arg_cnt, 2);
	ck_assert_int_eq(s.args[0], 30);
	ck_assert_int_eq(s.args[1], -60);
	rb_loaded_detach(o.l);
	test_unload(&o);

	attach_sib(&o, "sib_int");
	fire_sib_int(iarr, 3);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd(o.l, "seen"), &zero, &s, 0), 0);
	ck_assert_uint_eq(s.hits, 1);
	ck_assert_int_eq(s.err, 0);
	ck_assert_int_eq(s.arg_cnt, 1);
	ck_assert_int_eq(s.args[0], -4); /* four bytes, sign-extended */
	rb_loaded_detach(o.l);
	test_unload(&o);
}
END_TEST

START_TEST(usdt_register_widths)
{
	struct usdt_seen_all s;
	struct loaded_obj o;
	uint32_t zero = 0;

	attach_sib(&o, "regs");
	fire_regs(0xfedcba98UL, 0x123456789abcdef0UL);
	ck_assert_int_eq(sys_map_lookup_elem(test_map_fd(o.l, "seen"), &zero, &s, 0), 0);
	ck_assert_uint_eq(s.hits, 1);
	ck_assert_int_eq(s.err, 0);
	ck_assert_int_eq(s.arg_cnt, 9);
	ck_assert_int_eq(s.args[0], 0xba);	       /* %ah */
	ck_assert_int_eq(s.args[1], -104);	       /* %al 0x98, signed */
	ck_assert_int_eq(s.args[2], 0xba98);	       /* %ax */
	ck_assert_int_eq(s.args[3], (int32_t)0xfedcba98); /* %eax, signed */
	ck_assert_int_eq(s.args[4], (int32_t)0x9abcdef0); /* %r8d */
	ck_assert_int_eq(s.args[5], (int16_t)0xdef0);	  /* %r8w */
	ck_assert_int_eq(s.args[6], 0xf0);		  /* %r8b */
	ck_assert_int_eq(s.args[7], 0x123456789abcdef0LL); /* %r8 */
	ck_assert_int_eq(s.args[8], -5);
	rb_loaded_detach(o.l);
	test_unload(&o);
}
END_TEST

/* Variables named by symbol relative to %rip, in this PIE executable: with and without --pid. */
START_TEST(usdt_rip_relative_variables)
{
	char self[PATH_MAX], t[PATH_MAX + 64];
	const char *targets[1] = {t};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_error e = {0};
	struct usdt_seen s;
	struct usdt_probe *p = NULL;
	struct loaded_obj o;
	uint32_t zero = 0;
	size_t n = 0;
	int r;

	test_self_exe(self, sizeof(self));
	ck_assert_msg(!usdt_find(self, "rbu", "global", &p, &n, &e), "%s", e.msg);
	ck_assert_msg(strstr(p[0].args_str, "@rbu_global(%rip)") &&
			      strstr(p[0].args_str, "@rbu_local.0(%rip)"),
		      "gcc did not name the variables: '%s'", p[0].args_str);
	free(p);
	snprintf(t, sizeof(t), "on_args=%s:rbu:global", self);
	for (int with_pid = 0; with_pid < 2; with_pid++) {
		ao.pid = with_pid ? (int)getpid() : 0;
		test_load(&o, "usdt_args.bpf.o");
		r = rb_loaded_attach_opts(o.l, &ao, &e);
		ck_assert_msg(r == 1, "attached %d: %s", r, e.msg);
		rbu_global = 4242;
		fire_global(1);
		rbu_global = -77;
		fire_global(2);
		ck_assert_int_eq(sys_map_lookup_elem(test_map_fd(o.l, "seen"), &zero, &s, 0), 0);
		ck_assert_uint_eq(s.hits, 2);
		ck_assert_int_eq(s.arg_cnt, 3);
		ck_assert_int_eq(s.args[0], -77);
		ck_assert_int_eq(s.args[1], -3);
		ck_assert_int_eq(s.args[2], 2);
		rb_loaded_detach(o.l);
		test_unload(&o);
	}
}
END_TEST

/* The installed usdt.bpf.h's layout has no SIB kind: the attach says so, nothing attaches. */
START_TEST(usdt_sib_refused_by_old_layout)
{
	char self[PATH_MAX], t[PATH_MAX + 64];
	const char *targets[1] = {t};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_attach_result ar;
	struct rb_error e = {0};
	struct loaded_obj o;

	test_self_exe(self, sizeof(self));
	snprintf(t, sizeof(t), "on_args=%s:rbu:sib", self);
	test_load(&o, "usdt_args.bpf.o");
	ck_assert_int_eq(rb_loaded_attach_opts(o.l, &ao, &e), -EOPNOTSUPP);
	ck_assert_msg(strstr(e.msg, "USDT rbu:sib: argument 1 '-8@(%rdi,%rsi,8)' is read as base + "
				    "index * scale, which the object's usdt.bpf.h is too old to "
				    "fetch (its enum __bpf_usdt_arg_type has no BPF_USDT_ARG_SIB)"),
		      "%s", e.msg);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	ck_assert(!ar.attached);
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
	tcase_add_test(tc, usdt_sib_arguments);
	tcase_add_test(tc, usdt_register_widths);
	tcase_add_test(tc, usdt_sib_refused_by_old_layout);
	tcase_add_test(tc, usdt_rip_relative_variables);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
