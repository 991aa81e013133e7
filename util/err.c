// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/err.h"

static int neg(int err)
{
	if (err > 0)
		return -err;
	return err ? err : -1;
}

int rb_errorf(struct rb_error *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
		e->err = neg(err);
	}
	return neg(err);
}

int rb_err_wrap(struct rb_error *e, int err, const char *fmt, ...)
{
	size_t cap = sizeof(e->msg), plen, olen;
	char prefix[512];
	va_list ap;

	if (!e)
		return neg(err);
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	e->msg[cap - 1] = '\0';
	olen = strlen(e->msg);
	plen = strlen(prefix) + (olen ? 2 : 0);
	if (plen >= cap / 2) /* keep room for the original sentence */
		plen = cap / 2;
	/* Shift the existing sentence right, truncating its tail, then write the prefix. */
	if (olen + plen >= cap)
		olen = cap - 1 - plen;
	memmove(e->msg + plen, e->msg, olen);
	e->msg[plen + olen] = '\0';
	memcpy(e->msg, prefix, plen - (olen ? 2 : 0));
	if (olen) {
		e->msg[plen - 2] = ':';
		e->msg[plen - 1] = ' ';
	}
	e->err = neg(err);
	return neg(err);
}

void rb_err_clear(struct rb_error *e)
{
	if (e) {
		e->err = 0;
		e->msg[0] = '\0';
	}
}
