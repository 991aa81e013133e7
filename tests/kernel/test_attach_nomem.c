/*
 * Allocation failures in the USDT and uprobe.multi attach paths: each says what was being
 * allocated (not a bare "Cannot allocate memory"), and nothing is left attached. This
 * program replaces malloc and calloc with versions that fail once, on the first request of
 * an armed size, and otherwise pass through to glibc's own.
 *
 * host-only: replacing malloc clashes with libc.a's when the guests link tests static.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <unistd.h>

#include "bpf/dynprobe.h"
#include "rawbpf.h"
#include "testlib.h"
#include "testload.h"

void *__libc_malloc(size_t n) __attribute__((weak));
void *__libc_calloc(size_t n, size_t size) __attribute__((weak));

static size_t fail_malloc_size, fail_calloc_size;

__attribute__((weak)) void *malloc(size_t n)
{
	if (fail_malloc_size && n == fail_malloc_size) {
		fail_malloc_size = 0;
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

__attribute__((weak)) void *calloc(size_t n, size_t size)
{
	if (fail_calloc_size && n * size == fail_calloc_size) {
		fail_calloc_size = 0;
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, size);
}

__attribute__((noinline)) static void fire(int x)
{
	STAP_PROBE1(rbnomem, probe, x);
}

__attribute__((noinline, used)) long rb_nomem_target(long x)
{
	return x + 1;
}

/* Attach usdt_args.bpf.o's on_args to rbnomem:probe with one allocation armed to fail. */
static void usdt_attach_fails(size_t malloc_size, size_t calloc_size, const char *want)
{
	char self[PATH_MAX], t[PATH_MAX + 64];
	const char *targets[1] = {t};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_attach_result ar;
	struct rb_error e = {0};
	struct loaded_obj o;
	int r;

	test_self_exe(self, sizeof(self));
	snprintf(t, sizeof(t), "on_args=%s:rbnomem:probe", self);
	test_load(&o, "usdt_args.bpf.o");
	fail_malloc_size = malloc_size;
	fail_calloc_size = calloc_size;
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	fail_malloc_size = fail_calloc_size = 0;
	ck_assert_int_eq(r, -ENOMEM);
	ck_assert_msg(!strcmp(e.msg, want), "got '%s', want '%s'", e.msg, want);
	ck_assert_int_eq(rb_loaded_attach_result(o.l, 0, &ar), 0);
	ck_assert(!ar.attached);
	test_unload(&o);
	fire(1);
}

START_TEST(usdt_target_buffers)
{
	char want[200];

	snprintf(want, sizeof(want),
		 "program 'on_args': no memory for the USDT target and binary path (%d bytes)",
		 PATH_MAX + PATH_MAX + 128);
	usdt_attach_fails(PATH_MAX, 0, want);
}
END_TEST

START_TEST(usdt_spec_buffer)
{
	usdt_attach_fails(208, 0, "program 'on_args': USDT rbnomem:probe: no memory for a 208-byte "
				  "argument spec");
}
END_TEST

START_TEST(usdt_site_arrays)
{
	usdt_attach_fails(0, sizeof(struct dynprobe),
			  "program 'on_args': USDT rbnomem:probe: no memory for the uprobes and "
			  "spec ids of its 1 sites");
}
END_TEST

START_TEST(uprobe_multi_path)
{
	char self[PATH_MAX], t[PATH_MAX + 64], want[200];
	const char *targets[1] = {t};
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	struct rb_error e = {0};
	struct loaded_obj o;
	int r;

	test_self_exe(self, sizeof(self));
	snprintf(t, sizeof(t), "on_entry=%s:rb_nomem_*", self);
	test_load(&o, "uprobe_multi.bpf.o");
	fail_malloc_size = PATH_MAX;
	r = rb_loaded_attach_opts(o.l, &ao, &e);
	fail_malloc_size = 0;
	ck_assert_int_eq(r, -ENOMEM);
	snprintf(want, sizeof(want),
		 "program 'on_entry': no memory for the uprobe.multi binary path (%d bytes)",
		 PATH_MAX);
	ck_assert_str_eq(e.msg, want);
	test_unload(&o);
	ck_assert_int_eq(rb_nomem_target(1), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("attach_nomem");
	TCase *tc = tcase_create("attach_nomem");
	void *volatile probe;

	test_require_kernel();
	fail_malloc_size = 12345;
	probe = malloc(12345);
	if (probe) /* glibc's malloc, not ours (a static link) */
		test_skip("malloc cannot be replaced in this build (statically linked)");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, usdt_target_buffers);
	tcase_add_test(tc, usdt_spec_buffer);
	tcase_add_test(tc, usdt_site_arrays);
	tcase_add_test(tc, uprobe_multi_path);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
