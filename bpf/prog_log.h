/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BPF_PROG_LOAD with its verifier log captured by policy. Level 0 (the default) asks for no
 * log, so a program that loads costs nothing; when the load fails it is retried once at
 * level 1, so a failure always comes with the log that names the failing instruction.
 * A level > 0 (2 only on request: it can run to hundreds of megabytes) is used from the
 * start. The buffer grows until the log fits, to a stated bound: straight to the size the
 * kernel reports in log_true_size when it has that field, by doubling when it does not.
 */
#ifndef RB_BPF_PROG_LOG_H
#define RB_BPF_PROG_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/sys.h"

#define PROG_LOG_INITIAL_SIZE (64u * 1024)        /* first buffer */
#define PROG_LOG_DEFAULT_MAX (64u * 1024 * 1024)  /* default bound */
#define PROG_LOG_KERNEL_MAX (UINT32_MAX >> 2)     /* the kernel refuses larger buffers */

struct prog_log_policy {
	uint32_t level;	   /* 0: none on success, level 1 on failure; else this level always */
	uint32_t max_size; /* bound on the buffer; 0: PROG_LOG_DEFAULT_MAX */
};

struct prog_log {
	char *text;	    /* malloc'd, NUL-terminated; NULL when no log was taken */
	size_t len;
	uint32_t level;	    /* the level the text was captured at */
	uint32_t true_size; /* what the kernel said the whole log needs (0: not reported) */
	bool truncated;	    /* the log did not fit within the bound: text is its tail */
	int attempts;	    /* BPF_PROG_LOAD calls made */
};

/*
 * Load o->insns under the policy; o's own log fields are ignored (and left cleared).
 * Returns the program fd or the -errno of the load itself (not of a log retry).
 */
int prog_load_logged(struct sys_prog_load_opts *o, const struct prog_log_policy *p,
		     struct prog_log *log);
void prog_log_free(struct prog_log *log);

/*
 * The lines that hold the reason for a failure: the last max_lines lines of the log that
 * are not the verifier's statistics ("processed N insns ...", "verification time ...")
 * and not blank. Returns a malloc'd string ("" when the log is empty), NULL on ENOMEM.
 */
char *prog_log_reason(const char *log, int max_lines);

#endif
