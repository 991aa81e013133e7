// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data style of btf/format.c (what `rawbpf load --json` puts under "fields") and the
 * JSON string escaping shared by every JSON writer (util/json_str.c): exact output for each
 * kind of value: integers of every size and sign, bools, enums by name, pointers, floats,
 * 128-bit integers, signed and unsigned bitfields, unions, char arrays as strings (control
 * characters, quotes, invalid UTF-8), flexible arrays filled from the bytes past the struct.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/format.h"
#include "btf_builder.h"
#include "testlib.h"
#include "util/json_str.h"

enum {
	T_U8 = 1, T_CHAR, T_INT, T_UINT, T_CHARS8, T_BITS, T_ENUM, T_REC, T_CHARS0, T_BOOL,
	T_UNION, T_BYTES4, T_S64, T_U128, T_PTR, T_FLOAT, T_DOUBLE, T_REC2, T_UINTS0, T_S16,
	T_U64, T_TREC, T_REC2S,
};

static struct btf *B;
static struct rb_error E;

static void build(void)
{
	static struct bb b;
	const uint8_t *blob;
	size_t len;

	bb_init(&b);
	bb_int(&b, "unsigned char", 1, 0, 8);
	bb_int(&b, "char", 1, BTF_INT_SIGNED, 8);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_int(&b, "unsigned int", 4, 0, 32);
	bb_array(&b, T_CHAR, T_UINT, 8);
	bb_type(&b, "bits", BTF_KIND_STRUCT, 3, 1, 4);
	bb_member(&b, "a", T_UINT, (4u << 24) | 0);
	bb_member(&b, "c", T_INT, (5u << 24) | 4);
	bb_member(&b, "e", T_ENUM, (3u << 24) | 9);
	bb_type(&b, "colour", BTF_KIND_ENUM, 2, 0, 4);
	bb_word(&b, bb_str(&b, "RED"));
	bb_word(&b, 0);
	bb_word(&b, bb_str(&b, "GREEN"));
	bb_word(&b, 1);
	bb_type(&b, "rec", BTF_KIND_STRUCT, 3, 0, 12);
	bb_member(&b, "n", T_INT, 0);
	bb_member(&b, "name", T_CHARS8, 32);
	bb_member(&b, "data", T_CHARS0, 96);
	bb_array(&b, T_CHAR, T_UINT, 0);
	bb_int(&b, "_Bool", 1, BTF_INT_BOOL, 8);
	bb_type(&b, "u", BTF_KIND_UNION, 2, 0, 4);
	bb_member(&b, "x", T_UINT, 0);
	bb_member(&b, "b", T_BYTES4, 0);
	bb_array(&b, T_U8, T_UINT, 4);
	bb_int(&b, "long long", 8, BTF_INT_SIGNED, 64);
	bb_int(&b, "unsigned __int128", 16, 0, 128);
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, T_INT);
	bb_type(&b, "float", BTF_KIND_FLOAT, 0, 0, 4);
	bb_type(&b, "double", BTF_KIND_FLOAT, 0, 0, 8);
	bb_type(&b, "rec2", BTF_KIND_STRUCT, 2, 0, 4);
	bb_member(&b, "n", T_INT, 0);
	bb_member(&b, "vals", T_UINTS0, 32);
	bb_array(&b, T_UINT, T_UINT, 0);
	bb_int(&b, "short", 2, BTF_INT_SIGNED, 16);
	bb_int(&b, "unsigned long long", 8, 0, 64);
	bb_type(&b, "rec_t", BTF_KIND_TYPEDEF, 0, 0, T_REC);
	bb_array(&b, T_REC2, T_UINT, 2);
	blob = bb_finish(&b, &len);
	ck_assert_int_eq(btf_parse(blob, len, NULL, "data.btf", &B, &E), 0);
}

/* Format in the data style (or bpftool's JSON) and return the text, or "ERR <errno>: <msg>". */
static const char *fmt(uint32_t id, const void *data, size_t size, bool data_style)
{
	static char out[4096];
	struct strbuf sb = STRBUF_INIT;
	struct fmt_out o;
	int r;

	memset(&E, 0, sizeof(E));
	fmt_init(&o, &sb, false);
	o.data = data_style;
	r = btf_format_value(&o, B, id, data, size, &E);
	if (r)
		snprintf(out, sizeof(out), "ERR %d: %s", -r, E.msg);
	else
		snprintf(out, sizeof(out), "%s", sb_str(&sb));
	sb_free(&sb);
	return out;
}

#define DATA(id, v) fmt(id, &(v), sizeof(v), true)

START_TEST(numbers)
{
	uint8_t ff[16], one = 1;
	int32_t neg = -7, green = 1, five = 5;
	uint64_t p = 0xffff888000001000ull, w128[2] = { 2, 1 };
	float f = 1.5f, nan_f = NAN;
	double d = -0.25, inf_d = INFINITY;

	build();
	memset(ff, 0xff, sizeof(ff));
	ck_assert_str_eq(fmt(T_U8, ff, 1, true), "255");
	ck_assert_str_eq(fmt(T_CHAR, ff, 1, true), "-1");
	ck_assert_str_eq(fmt(T_S16, ff, 2, true), "-1");
	ck_assert_str_eq(fmt(T_INT, ff, 4, true), "-1");
	ck_assert_str_eq(fmt(T_UINT, ff, 4, true), "4294967295");
	ck_assert_str_eq(fmt(T_S64, ff, 8, true), "-1");
	ck_assert_str_eq(fmt(T_U64, ff, 8, true), "18446744073709551615");
	ck_assert_str_eq(DATA(T_INT, neg), "-7");
	ck_assert_str_eq(DATA(T_BOOL, one), "true");
	ck_assert_str_eq(DATA(T_ENUM, green), "\"GREEN\"");
	ck_assert_str_eq(DATA(T_ENUM, five), "5");
	ck_assert_str_eq(DATA(T_PTR, p), "18446612682070036480");
	/* above 64 bits a JSON number loses digits in most readers: a hex string */
	ck_assert_str_eq(DATA(T_U128, w128), "\"0x10000000000000002\"");
	ck_assert_str_eq(DATA(T_FLOAT, f), "1.5");
	ck_assert_str_eq(DATA(T_DOUBLE, d), "-0.25");
	/* not JSON numbers: strings */
	ck_assert_str_eq(DATA(T_FLOAT, nan_f), "\"nan\"");
	ck_assert_str_eq(DATA(T_DOUBLE, inf_d), "\"inf\"");
	btf_free(B);
}
END_TEST

START_TEST(bitfields_unions)
{
	/* a = 5 (4 bits), c = -3 (5 bits, 0x1d), e = GREEN (3 bits) */
	uint32_t bits = 5u | (0x1du << 4) | (1u << 9);
	uint32_t u = 0x04030201;

	build();
	ck_assert_str_eq(DATA(T_BITS, bits), "{\"a\":5,\"c\":-3,\"e\":1}");
	/* bpftool's style is unchanged: raw bits as hex strings */
	ck_assert_str_eq(fmt(T_BITS, &bits, 4, false), "{\"a\":\"0x5\",\"c\":\"0x1d\",\"e\":\"0x1\"}");
	/* a union: every member, each reading the same bytes */
	ck_assert_str_eq(DATA(T_UNION, u), "{\"x\":67305985,\"b\":[1,2,3,4]}");
	btf_free(B);
}
END_TEST

START_TEST(char_arrays)
{
	char hi[8] = "hi", full[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
	char ctl[8] = { 'a', 1, '\n', 0x7f, 0 }, quote[8] = "a\"b\\";
	char bad[8] = { 'a', (char)0xff, 'b', 0 }, utf8[8] = { (char)0xc3, (char)0xa9, 0 };
	char cut[8] = { 'x', (char)0xe2, (char)0x82, 0 }, sur[8] = { (char)0xed, (char)0xa0, (char)0x80 };
	char after_nul[8] = { 'o', 'k', 0, 1, 2, 3, 4, 5 };

	build();
	ck_assert_str_eq(DATA(T_CHARS8, hi), "\"hi\"");
	/* no NUL: all 8 bytes (bpftool's style shows the numbers) */
	ck_assert_str_eq(DATA(T_CHARS8, full), "\"abcdefgh\"");
	ck_assert_str_eq(fmt(T_CHARS8, full, 8, false), "[97,98,99,100,101,102,103,104]");
	ck_assert_str_eq(DATA(T_CHARS8, ctl), "\"a\\u0001\\n\\u007f\"");
	ck_assert_str_eq(DATA(T_CHARS8, quote), "\"a\\\"b\\\\\"");
	/* bytes that are not UTF-8 become U+FFFD, one each; valid sequences pass through */
	ck_assert_str_eq(DATA(T_CHARS8, bad), "\"a\\ufffdb\"");
	ck_assert_str_eq(DATA(T_CHARS8, utf8), "\"\xc3\xa9\"");
	ck_assert_str_eq(DATA(T_CHARS8, cut), "\"x\\ufffd\\ufffd\"");
	ck_assert_str_eq(DATA(T_CHARS8, sur), "\"\\ufffd\\ufffd\\ufffd\"");
	/* what follows the NUL is not text */
	ck_assert_str_eq(DATA(T_CHARS8, after_nul), "\"ok\"");
	btf_free(B);
}
END_TEST

START_TEST(flexible_arrays)
{
	uint8_t rec[15] = { 7, 0, 0, 0, 'a', 'b', 0, 0, 0, 0, 0, 0, 'x', 'y', 'z' };
	uint32_t rec2[4] = { 1, 10, 20, 0 };

	build();
	ck_assert_str_eq(fmt(T_REC, rec, 15, true), "{\"n\":7,\"name\":\"ab\",\"data\":\"xyz\"}");
	/* through a typedef too */
	ck_assert_str_eq(fmt(T_TREC, rec, 15, true), "{\"n\":7,\"name\":\"ab\",\"data\":\"xyz\"}");
	/* nothing past the struct: an empty string */
	ck_assert_str_eq(fmt(T_REC, rec, 12, true), "{\"n\":7,\"name\":\"ab\",\"data\":\"\"}");
	/* bpftool's style: the declared zero elements */
	ck_assert_str_eq(fmt(T_REC, rec, 15, false), "{\"n\":7,\"name\":\"ab\",\"data\":[]}");
	/* whole elements only: 2 u32 and 2 stray bytes */
	ck_assert_str_eq(fmt(T_REC2, rec2, 14, true), "{\"n\":1,\"vals\":[10,20]}");
	ck_assert_str_eq(fmt(T_REC2, rec2, 16, true), "{\"n\":1,\"vals\":[10,20,0]}");
	/* only the value's own struct reaches past itself: not the first of an array of them */
	ck_assert_str_eq(fmt(T_REC2S, rec2, 8, true), "[{\"n\":1,\"vals\":[]},{\"n\":10,\"vals\":[]}]");
	/* shorter than the struct: the same error as bpftool's style */
	ck_assert_str_eq(fmt(T_REC, rec, 10, true),
			 "ERR 22: type [8] 'rec' at byte 0 needs 12 bytes, but the value has 10");
	btf_free(B);
}
END_TEST

static const char *quote(const void *s, size_t len)
{
	static char out[256];
	char *q = rb_json_quote(s, len);

	ck_assert_ptr_nonnull(q);
	snprintf(out, sizeof(out), "%s", q);
	free(q);
	return out;
}

START_TEST(json_strings)
{
	static const char ctl[] = "a\"b\\c\n\t\r\f\b\x01\x1f\x7f";
	static const char nul[] = { 'a', 0, 'b' };
	static const char emoji[] = "\xf0\x9f\x90\x9d";
	static const char overlong[] = { (char)0xc0, (char)0xaf, 0 };
	static const char big[] = { (char)0xf4, (char)0x90, (char)0x80, (char)0x80, 0 };
	char *out = NULL;
	struct rb_btf *rb;
	struct bb b;
	const uint8_t *blob;
	size_t len;
	uint32_t v = (3u << 4) | 9u;

	ck_assert_str_eq(quote(ctl, strlen(ctl)),
			 "\"a\\\"b\\\\c\\n\\t\\r\\f\\b\\u0001\\u001f\\u007f\"");
	ck_assert_str_eq(quote(nul, 3), "\"a\\u0000b\"");
	ck_assert_str_eq(quote(emoji, 4), "\"\xf0\x9f\x90\x9d\"");
	ck_assert_str_eq(quote(emoji, 3), "\"\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(quote(overlong, 2), "\"\\ufffd\\ufffd\"");
	ck_assert_str_eq(quote(big, 4), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	ck_assert_str_eq(quote("", 0), "\"\"");
	/* the public API's data style */
	bb_init(&b);
	bb_int(&b, "unsigned int", 4, 0, 32);
	bb_type(&b, "s", BTF_KIND_STRUCT, 2, 1, 4);
	bb_member(&b, "lo", 1, 4u << 24);
	bb_member(&b, "hi", 1, (4u << 24) | 4);
	blob = bb_finish(&b, &len);
	ck_assert_int_eq(rb_btf_parse(blob, len, NULL, "api.btf", &rb, &E), 0);
	ck_assert_int_eq(rb_btf_format(rb, 2, &v, 4, RB_DUMP_JSON_DATA, &out, &E), 0);
	ck_assert_str_eq(out, "{\"lo\":9,\"hi\":3}");
	free(out);
	ck_assert_int_eq(rb_btf_format(rb, 2, &v, 4, RB_DUMP_JSON, &out, &E), 0);
	ck_assert_str_eq(out, "{\"lo\":\"0x9\",\"hi\":\"0x3\"}");
	free(out);
	rb_btf_free(rb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("format_data");
	TCase *tc = tcase_create("format_data");

	tcase_add_test(tc, numbers);
	tcase_add_test(tc, bitfields_unions);
	tcase_add_test(tc, char_arrays);
	tcase_add_test(tc, flexible_arrays);
	tcase_add_test(tc, json_strings);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
