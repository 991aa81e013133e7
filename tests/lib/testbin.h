/* Test binaries built at test time with gcc: uprobe and USDT targets. */
#ifndef RB_TESTBIN_H
#define RB_TESTBIN_H

#include <stddef.h>

/* A fresh temporary directory (removed by testbin_cleanup); aborts the test on failure. */
const char *testbin_dir(void);
/* Write text to dir/name; returns the path (static buffer per call slot: copy it). */
const char *testbin_write(const char *name, const char *text);
/* Run a shell command in the directory; returns its exit status (output on stderr). */
int testbin_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Path of dir/name into buf. */
const char *testbin_path(char *buf, size_t len, const char *name);
void testbin_cleanup(void);

/*
 * The C source of the standard target program: rb_target_func (global), rb_static_func
 * (static), a USDT probe rbtest:hit(int x, long y) with a semaphore, and "bytes FUNC"
 * printing the first 16 bytes of a function's code as hex (to check file offsets).
 */
extern const char testbin_target_src[];

#endif
