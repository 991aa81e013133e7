// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Bytes as a JSON string literal: escapes, and U+FFFD for what is not UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/json_str.h"

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned int lo = 0x80, hi = 0xbf; /* the range of the second byte */

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong */
		else if (c == 0xed)
			hi = 0x9f; /* UTF-16 surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong */
		else if (c == 0xf4)
			hi = 0x8f; /* past U+10FFFF */
	} else {
		return 0; /* a continuation byte, 0xc0/0xc1 (overlong) or 0xf5.. */
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void sb_json_quote(struct strbuf *sb, const void *data, size_t len)
{
	const unsigned char *s = data;

	sb_putc(sb, '"');
	for (size_t i = 0; i < len;) {
		unsigned char c = s[i];
		size_t n;

		switch (c) {
		case '"': sb_puts(sb, "\\\""); break;
		case '\\': sb_puts(sb, "\\\\"); break;
		case '\n': sb_puts(sb, "\\n"); break;
		case '\t': sb_puts(sb, "\\t"); break;
		case '\r': sb_puts(sb, "\\r"); break;
		case '\f': sb_puts(sb, "\\f"); break;
		case '\b': sb_puts(sb, "\\b"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				sb_printf(sb, "\\u%04x", c);
			} else if (c < 0x80) {
				sb_putc(sb, (char)c);
			} else {
				n = utf8_seq_len(s + i, len - i);
				if (!n) {
					sb_puts(sb, "\\ufffd");
					break;
				}
				for (size_t k = 0; k < n; k++)
					sb_putc(sb, (char)s[i + k]);
				i += n;
				continue;
			}
		}
		i++;
	}
	sb_putc(sb, '"');
}

RB_API char *rb_json_quote(const void *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	sb_json_quote(&sb, s, len);
	if (sb.oom) {
		sb_free(&sb);
		return NULL;
	}
	return sb_detach(&sb);
}
