/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Values formatted with their BTF types: bytes + type id -> text, the way `bpftool map dump`
 * prints map entries (its indented plain text, or compact JSON for -j). Knows nothing of the
 * kernel: loader/mapdump.c fetches the bytes and the BTF and uses the writer below for the
 * whole dump, so entries, keys and values share one layout.
 */
#ifndef RB_BTF_FORMAT_H
#define RB_BTF_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf/btf.h"
#include "util/strbuf.h"

/*
 * A tiny JSON-shaped writer. pretty is bpftool's plain-text style: every object member on
 * its own indented line (4 spaces a level), array elements on one line, the closing bracket
 * of a non-empty container on its own line. Otherwise compact JSON.
 */
struct fmt_out {
	struct strbuf *sb;
	unsigned int depth;
	bool pretty;
	/*
	 * JSON for programs rather than bpftool's (compact only): char arrays are always
	 * strings (up to their first NUL, control characters escaped, bytes that are not
	 * UTF-8 as U+FFFD), bitfields of up to 64 bits are numbers (sign-extended when their
	 * type is signed), and a top-level struct ending in a flexible array shows the elements
	 * the value's bytes hold past the struct.
	 */
	bool data;
	char sep; /* what goes before the next item: ',' or nothing */
};

void fmt_init(struct fmt_out *o, struct strbuf *sb, bool pretty);
void fmt_begin(struct fmt_out *o, char open);  /* '{' or '[' */
void fmt_end(struct fmt_out *o, char close);   /* '}' or ']' */
void fmt_name(struct fmt_out *o, const char *name);
void fmt_value(struct fmt_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A quoted string of at most len bytes (stops at NUL), escaped for JSON. */
void fmt_string(struct fmt_out *o, const char *s, size_t len);
/* A JSON array of "0xNN" strings, one per byte (bpftool -j's raw key/value). */
void fmt_hex_array(struct fmt_out *o, const uint8_t *data, size_t len);

/*
 * Write the value of type id, size bytes at data. Every read is checked against size; type
 * chains and nesting are bounded. Returns 0 or a negative errno with err naming the type id
 * and byte offset concerned (the output then holds what was written before the problem).
 */
int btf_format_value(struct fmt_out *o, const struct btf *btf, uint32_t id, const void *data,
		     size_t size, struct rb_error *err);

/* How deep structs/arrays/typedef chains may nest, and how many items one value may have. */
#define FMT_MAX_NEST 64
#define FMT_MAX_ITEMS (1u << 20)

#endif
