/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Error contexts: one precise sentence per failure, never printed by the library. */
#ifndef RB_UTIL_ERR_H
#define RB_UTIL_ERR_H

#include "rawbpf.h"

/*
 * Fill e (may be NULL) with a formatted sentence and return -|err|. The first error wins:
 * a caller that adds context uses rb_err_wrap(), which prefixes the existing sentence.
 */
int rb_errorf(struct rb_error *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the sentence already in e with "prefix: " (context from an outer layer). */
int rb_err_wrap(struct rb_error *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void rb_err_clear(struct rb_error *e);

#endif
