/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Bytes as a JSON string literal. What BPF programs hand us (comm, file names, printk lines,
 * iterator text) is not guaranteed to be UTF-8, and a JSON reader rejects a document with
 * invalid UTF-8, so every invalid byte becomes U+FFFD; control characters and DEL are escaped.
 */
#ifndef RB_UTIL_JSON_STR_H
#define RB_UTIL_JSON_STR_H

#include <stddef.h>

#include "util/strbuf.h"

/* Append len bytes of s (NULs included, escaped as \u0000) quoted and escaped. */
void sb_json_quote(struct strbuf *sb, const void *s, size_t len);
/* The length of the well-formed UTF-8 sequence at s (at most n bytes), 0 when it is not one. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

#endif
