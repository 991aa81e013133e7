/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A growable text buffer: disassembly, dumps and trace details are built in one. */
#ifndef RB_UTIL_STRBUF_H
#define RB_UTIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;   /* always NUL-terminated once anything was written */
	size_t len;
	size_t cap;
	bool oom;    /* an allocation failed; the contents are truncated */
};

#define STRBUF_INIT { 0 }

void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_putc(struct strbuf *sb, char c);
void sb_puts(struct strbuf *sb, const char *s);
void sb_reset(struct strbuf *sb);           /* empty, keep the memory */
const char *sb_str(const struct strbuf *sb); /* "" when nothing was written */
char *sb_detach(struct strbuf *sb);          /* caller frees; sb becomes empty */
void sb_free(struct strbuf *sb);

#endif
