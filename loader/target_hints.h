/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * When an attach target does not exist, the names that do and are close to it: what a
 * user meant by "do_foo" is often a copy the compiler made ("do_foo.isra.0",
 * "do_foo.constprop.0"; a function inlined everywhere has no symbol at all), a syscall
 * through its wrapper ("__x64_sys_openat" for "sys_openat" or "openat"), or a tracepoint
 * under a slightly different name or category.
 */
#ifndef RB_LOADER_TARGET_HINTS_H
#define RB_LOADER_TARGET_HINTS_H

#include "util/strbuf.h"

/*
 * Look func up among the text symbols of kallsyms (NULL: /proc/kallsyms) and append up to
 * max close names to out ("a, b"). Returns 1 when func itself is there, 0 when it is not,
 * -errno when kallsyms cannot be read.
 */
int hint_kernel_func(const char *kallsyms, const char *func, struct strbuf *out, int max);

/*
 * Tracepoint category/name under events_dir (tracefs "events"): append up to max existing
 * "category/name" close to it. 1 when it exists, 0 when not, -errno when unreadable.
 */
int hint_tracepoint(const char *events_dir, const char *category, const char *name,
		    struct strbuf *out, int max);

#endif
