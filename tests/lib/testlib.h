/* Shared helpers for unit and kernel tests. */
#ifndef RB_TESTLIB_H
#define RB_TESTLIB_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit status a test program uses to say "skipped" (with the reason on stdout). */
#define TEST_SKIP 77

/* The build directory (env BUILD, default "build"): samples are under BUILD/samples. */
const char *test_build_dir(void);
/* BUILD/samples/<name> into buf; returns buf. */
const char *test_sample_path(char *buf, size_t len, const char *name);
/* How many fds this process has open (tests: a failure path leaves none behind). */
int test_count_fds(void);
/* Read a whole file; returns malloc'd bytes (NUL-terminated) or NULL. */
char *test_read_file(const char *path, size_t *len);

/*
 * Kernel tests call this first. When bpf(2) cannot be used at all (not root, no
 * CONFIG_BPF_SYSCALL), the test skips with the reason, unless RAWBPF_REQUIRE_KERNEL=1
 * (CI), where it fails instead.
 */
void test_require_kernel(void);
/* Skip the whole test program with a reason (a kernel feature this machine lacks). */
void test_skip(const char *reason) __attribute__((noreturn));

/* Run a suite in Check's forked mode; returns the process exit status. */
int test_run_suite(Suite *s);

#endif
