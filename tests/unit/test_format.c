// SPDX-License-Identifier: GPL-2.0-only
/*
 * btf/format.c and the kernel-free parts of loader/mapdump.c: values formatted with
 * hand-built BTF, exact text for each kind in bpftool's plain style and in JSON; bitfields,
 * anonymous members, char arrays, nesting; errors (not crashes) for short values, types
 * that hold no value, deep chains; the possible-CPU list and bpftool's hex layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/format.h"
#include "btf_builder.h"
#include "loader/mapdump.h"
#include "testlib.h"

/* Type ids of the blob built below. */
enum {
	T_U8 = 1, T_S8, T_U16, T_S16, T_U32, T_S32, T_U64, T_S64, T_BOOL, T_CHAR, T_CCHAR,
	T_U128, T_ENUM, T_ENUM64, T_PTR, T_CHARS8, T_TCHAR, T_TCHARS4, T_GRID, T_ROW, T_BITS,
	T_OUTER, T_UNION, T_PAIR, T_BYTES4, T_FLOAT, T_DOUBLE, T_FWD, T_VAR, T_DATASEC,
	T_CHAIN /* first of 70 typedefs, each to the next, the last to u32 */
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
	bb_int(&b, "signed char", 1, BTF_INT_SIGNED, 8);
	bb_int(&b, "unsigned short", 2, 0, 16);
	bb_int(&b, "short", 2, BTF_INT_SIGNED, 16);
	bb_int(&b, "unsigned int", 4, 0, 32);
	bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	bb_int(&b, "unsigned long long", 8, 0, 64);
	bb_int(&b, "long long", 8, BTF_INT_SIGNED, 64);
	bb_int(&b, "_Bool", 1, BTF_INT_BOOL, 8);
	bb_int(&b, "char", 1, BTF_INT_SIGNED, 8);
	bb_int(&b, "char8", 1, BTF_INT_CHAR, 8);
	bb_int(&b, "unsigned __int128", 16, 0, 128);
	bb_type(&b, "colour", BTF_KIND_ENUM, 3, 1, 4);
	bb_word(&b, bb_str(&b, "RED"));
	bb_word(&b, 0);
	bb_word(&b, bb_str(&b, "GREEN"));
	bb_word(&b, 1);
	bb_word(&b, bb_str(&b, "NEG"));
	bb_word(&b, (uint32_t)-2);
	bb_type(&b, "big", BTF_KIND_ENUM64, 1, 0, 8);
	bb_word(&b, bb_str(&b, "HUGE"));
	bb_word(&b, 0);
	bb_word(&b, 1);
	bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 0);
	bb_array(&b, T_CHAR, T_U32, 8);
	bb_type(&b, "tchar", BTF_KIND_TYPEDEF, 0, 0, T_CHAR);
	bb_array(&b, T_TCHAR, T_U32, 4);
	bb_array(&b, T_ROW, T_U32, 2);
	bb_array(&b, T_U32, T_U32, 3);
	bb_type(&b, "bits", BTF_KIND_STRUCT, 4, 1, 8);
	bb_member(&b, "a", T_U32, (4u << 24) | 0);
	bb_member(&b, "b", T_U32, (12u << 24) | 4);
	bb_member(&b, "c", T_S32, (5u << 24) | 16);
	bb_member(&b, "d", T_BOOL, 32);
	bb_type(&b, "outer", BTF_KIND_STRUCT, 3, 0, 16);
	bb_member(&b, "x", T_U32, 0);
	bb_member(&b, NULL, T_UNION, 32);
	bb_member(&b, "pair", T_PAIR, 64);
	bb_type(&b, NULL, BTF_KIND_UNION, 2, 0, 4);
	bb_member(&b, "u", T_U32, 0);
	bb_member(&b, "b", T_BYTES4, 0);
	bb_type(&b, NULL, BTF_KIND_STRUCT, 2, 0, 8);
	bb_member(&b, "lo", T_U32, 0);
	bb_member(&b, "hi", T_U32, 32);
	bb_array(&b, T_U8, T_U32, 4);
	bb_type(&b, "float", BTF_KIND_FLOAT, 0, 0, 4);
	bb_type(&b, "double", BTF_KIND_FLOAT, 0, 0, 8);
	bb_type(&b, "fwd", BTF_KIND_FWD, 0, 0, 0);
	bb_type(&b, "counter", BTF_KIND_VAR, 0, 0, T_U64);
	bb_word(&b, BTF_VAR_GLOBAL_ALLOCATED);
	bb_type(&b, ".bss", BTF_KIND_DATASEC, 1, 0, 16);
	bb_word(&b, T_VAR);
	bb_word(&b, 8);
	bb_word(&b, 8);
	for (uint32_t i = 0; i < 70; i++)
		bb_type(&b, "chain", BTF_KIND_TYPEDEF, 0, 0, i == 69 ? T_U32 : T_CHAIN + i + 1);
	blob = bb_finish(&b, &len);
	ck_assert_int_eq(btf_parse(blob, len, NULL, "format.btf", &B, &E), 0);
}

/* Format and return the text (static buffer), or "ERR <errno>: <msg>". */
static const char *fmt(uint32_t id, const void *data, size_t size, bool pretty)
{
	static char out[4096];
	struct strbuf sb = STRBUF_INIT;
	struct fmt_out o;
	int r;

	memset(&E, 0, sizeof(E));
	fmt_init(&o, &sb, pretty);
	r = btf_format_value(&o, B, id, data, size, &E);
	if (r)
		snprintf(out, sizeof(out), "ERR %d: %s", -r, E.msg);
	else
		snprintf(out, sizeof(out), "%s", sb_str(&sb));
	sb_free(&sb);
	return out;
}

#define TEXT(id, v) fmt(id, &(v), sizeof(v), true)
#define JSON(id, v) fmt(id, &(v), sizeof(v), false)

START_TEST(integers)
{
	uint8_t ff[16];
	uint8_t a = 'A', one = 1, zero = 0;
	uint64_t w128[2] = { 1, 0 }, w128b[2] = { 2, 1 };

	build();
	memset(ff, 0xff, sizeof(ff));
	ck_assert_str_eq(fmt(T_U8, ff, 1, true), "255");
	ck_assert_str_eq(fmt(T_S8, ff, 1, true), "-1");
	ck_assert_str_eq(fmt(T_U16, ff, 2, true), "65535");
	ck_assert_str_eq(fmt(T_S16, ff, 2, true), "-1");
	ck_assert_str_eq(fmt(T_U32, ff, 4, true), "4294967295");
	ck_assert_str_eq(fmt(T_S32, ff, 4, false), "-1");
	ck_assert_str_eq(fmt(T_U64, ff, 8, true), "18446744073709551615");
	ck_assert_str_eq(fmt(T_S64, ff, 8, true), "-1");
	ck_assert_str_eq(TEXT(T_BOOL, one), "true");
	ck_assert_str_eq(JSON(T_BOOL, zero), "false");
	/* clang's plain char is a signed 1-byte int: a number, as bpftool prints it */
	ck_assert_str_eq(TEXT(T_CHAR, a), "65");
	/* the CHAR encoding: a quoted character, or its code when not printable */
	ck_assert_str_eq(TEXT(T_CCHAR, a), "\"A\"");
	ck_assert_str_eq(TEXT(T_CCHAR, one), "0x1");
	ck_assert_str_eq(JSON(T_CCHAR, one), "\"\\u0001\"");
	ck_assert_str_eq(TEXT(T_U128, w128), "0x1");
	ck_assert_str_eq(TEXT(T_U128, w128b), "0x10000000000000002");
	ck_assert_str_eq(JSON(T_U128, w128b), "\"0x10000000000000002\"");
	ck_assert_str_eq(fmt(T_U128, ff, 16, true), "0xffffffffffffffffffffffffffffffff");
	btf_free(B);
}
END_TEST

START_TEST(enums_pointers_floats)
{
	int32_t green = 1, five = 5, neg = -2, other = -16;
	uint64_t huge = 1ull << 32, seven = 7, p0 = 0, p = 0xffff888000001000ull;
	float f = 1.5f;
	double d = 0.1;

	build();
	ck_assert_str_eq(TEXT(T_ENUM, green), "\"GREEN\"");
	ck_assert_str_eq(TEXT(T_ENUM, five), "5");
	ck_assert_str_eq(TEXT(T_ENUM, neg), "\"NEG\"");
	ck_assert_str_eq(JSON(T_ENUM, other), "-16");
	ck_assert_str_eq(TEXT(T_ENUM64, huge), "\"HUGE\"");
	ck_assert_str_eq(TEXT(T_ENUM64, seven), "7");
	ck_assert_str_eq(TEXT(T_PTR, p0), "(nil)");
	ck_assert_str_eq(TEXT(T_PTR, p), "0xffff888000001000");
	ck_assert_str_eq(JSON(T_PTR, p), "18446612682070036480");
	ck_assert_str_eq(JSON(T_PTR, p0), "0");
	ck_assert_str_eq(TEXT(T_FLOAT, f), "1.5");
	ck_assert_str_eq(TEXT(T_DOUBLE, d), "0.10000000000000001");
	btf_free(B);
}
END_TEST

START_TEST(char_arrays)
{
	char hi[8] = "hi", full[8] = { 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h' };
	char ctl[8] = { 'a', 1, 0 }, quote[8] = "a\"b\\";
	char t4[4] = "ab";

	build();
	ck_assert_str_eq(TEXT(T_CHARS8, hi), "\"hi\"");
	ck_assert_str_eq(JSON(T_CHARS8, quote), "\"a\\\"b\\\\\"");
	/* no NUL inside the array: the bytes, as numbers */
	ck_assert_str_eq(TEXT(T_CHARS8, full), "[97,98,99,100,101,102,103,104\n]");
	ck_assert_str_eq(JSON(T_CHARS8, full), "[97,98,99,100,101,102,103,104]");
	/* a control character before the NUL */
	ck_assert_str_eq(JSON(T_CHARS8, ctl), "[97,1,0,0,0,0,0,0]");
	/* an array of a typedef of char is not a string */
	ck_assert_str_eq(JSON(T_TCHARS4, t4), "[97,98,0,0]");
	btf_free(B);
}
END_TEST

START_TEST(nesting)
{
	uint32_t grid[6] = { 1, 2, 3, 4, 5, 6 };
	uint32_t bits[2] = { 5u | (0xabcu << 4) | (0x1du << 16), 1 };
	uint32_t outer[4] = { 7, 0x04030201, 1, 2 };
	uint64_t bss[2] = { 99, 42 };

	build();
	ck_assert_str_eq(TEXT(T_GRID, grid), "[[1,2,3\n    ],[4,5,6\n    ]\n]");
	ck_assert_str_eq(JSON(T_GRID, grid), "[[1,2,3],[4,5,6]]");
	/* bitfields: raw bits in hex (c is -3 in 5 bits), across byte boundaries */
	ck_assert_str_eq(TEXT(T_BITS, bits),
			 "{\n    \"a\": 0x5,\n    \"b\": 0xabc,\n    \"c\": 0x1d,\n"
			 "    \"d\": true\n}");
	ck_assert_str_eq(JSON(T_BITS, bits), "{\"a\":\"0x5\",\"b\":\"0xabc\",\"c\":\"0x1d\",\"d\":true}");
	/* an anonymous union member is printed under the name "" */
	ck_assert_str_eq(TEXT(T_OUTER, outer),
			 "{\n    \"x\": 7,\n    \"\": {\n        \"u\": 67305985,\n"
			 "        \"b\": [1,2,3,4\n        ]\n    },\n    \"pair\": {\n"
			 "        \"lo\": 1,\n        \"hi\": 2\n    }\n}");
	ck_assert_str_eq(JSON(T_OUTER, outer),
			 "{\"x\":7,\"\":{\"u\":67305985,\"b\":[1,2,3,4]},\"pair\":{\"lo\":1,\"hi\":2}}");
	ck_assert_str_eq(TEXT(T_DATASEC, bss),
			 "{\n    \".bss\": [{\n            \"counter\": 42\n        }\n    ]\n}");
	/* 60 typedefs deep is fine; 70 is past the bound */
	ck_assert_str_eq(TEXT(T_CHAIN + 10, grid[0]), "1");
	btf_free(B);
}
END_TEST

START_TEST(errors)
{
	uint32_t v[8] = { 0 };
	char msg[256];

	build();
	ck_assert_str_eq(fmt(T_U32, v, 2, true),
			 "ERR 22: type [5] 'unsigned int' at byte 0 needs 4 bytes, but the value "
			 "has 2");
	ck_assert_str_eq(fmt(T_OUTER, v, 12, true),
			 "ERR 22: type [22] 'outer' at byte 0 needs 16 bytes, but the value has 12");
	ck_assert_str_eq(fmt(T_GRID, v, 20, false),
			 "ERR 22: type [19] '' at byte 0 needs 24 bytes, but the value has 20");
	/* a bitfield past the end of a short value */
	ck_assert_str_eq(fmt(T_BITS, v, 2, true),
			 "ERR 22: type [21] 'bits' at byte 0 needs 8 bytes, but the value has 2");
	ck_assert_str_eq(fmt(T_FWD, v, 4, true),
			 "ERR 22: type [28] 'fwd' is a FWD, which has no value to print");
	snprintf(msg, sizeof(msg), "ERR 22: type id 999 is out of range (last is %u)",
		 btf_nr_ids(B) - 1);
	ck_assert_str_eq(fmt(999, v, 4, true), msg);
	snprintf(msg, sizeof(msg),
		 "ERR %d: type [%u]: nested more than 64 levels deep (a reference loop?)", ELOOP,
		 T_CHAIN + 65);
	ck_assert_str_eq(fmt(T_CHAIN, v, 4, true), msg);
	ck_assert_str_eq(fmt(0, v, 4, true), "(unknown)");
	btf_free(B);
}
END_TEST

START_TEST(public_api)
{
	struct rb_btf *rb;
	struct bb b;
	const uint8_t *blob;
	size_t len;
	uint32_t v = 3;
	char *out = NULL;

	bb_init(&b);
	bb_int(&b, "unsigned int", 4, 0, 32);
	bb_type(&b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	bb_member(&b, "n", 1, 0);
	blob = bb_finish(&b, &len);
	ck_assert_int_eq(rb_btf_parse(blob, len, NULL, "api.btf", &rb, &E), 0);
	ck_assert_int_eq(rb_btf_format(rb, 2, &v, 4, RB_DUMP_TEXT, &out, &E), 0);
	ck_assert_str_eq(out, "{\n    \"n\": 3\n}");
	free(out);
	ck_assert_int_eq(rb_btf_format(rb, 2, &v, 4, RB_DUMP_JSON, &out, &E), 0);
	ck_assert_str_eq(out, "{\"n\":3}");
	free(out);
	ck_assert_int_eq(rb_btf_format(rb, 2, &v, 3, RB_DUMP_JSON, &out, &E), -EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(E.msg, "type [2] 's' at byte 0 needs 4 bytes, but the value has 3");
	rb_btf_free(rb);
}
END_TEST

START_TEST(cpus_and_hex)
{
	struct strbuf sb = STRBUF_INIT;
	uint8_t bytes[20];

	ck_assert_int_eq(mapdump_parse_cpus("0-1\n"), 2);
	ck_assert_int_eq(mapdump_parse_cpus("0\n"), 1);
	ck_assert_int_eq(mapdump_parse_cpus("0,2-3,8"), 4);
	ck_assert_int_eq(mapdump_parse_cpus(""), -EINVAL);
	ck_assert_int_eq(mapdump_parse_cpus("3-1\n"), -EINVAL);
	ck_assert_int_eq(mapdump_parse_cpus("x"), -EINVAL);
	ck_assert_int_eq(mapdump_parse_cpus("0-99999"), -EINVAL);
	ck_assert_int_eq(mapdump_parse_cpus("0;1"), -EINVAL);
	for (int i = 0; i < 20; i++)
		bytes[i] = (uint8_t)i;
	mapdump_hex(&sb, bytes, sizeof(bytes));
	ck_assert_str_eq(sb_str(&sb), "00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f\n"
				      "10 11 12 13");
	sb_free(&sb);
	ck_assert(mapdump_is_percpu(BPF_MAP_TYPE_PERCPU_ARRAY));
	ck_assert(mapdump_is_percpu(BPF_MAP_TYPE_LRU_PERCPU_HASH));
	ck_assert(!mapdump_is_percpu(BPF_MAP_TYPE_HASH));
	ck_assert_ptr_nonnull(mapdump_no_entries(BPF_MAP_TYPE_RINGBUF));
	ck_assert_ptr_null(mapdump_no_entries(BPF_MAP_TYPE_LRU_HASH));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, integers);
	tcase_add_test(tc, enums_pointers_floats);
	tcase_add_test(tc, char_arrays);
	tcase_add_test(tc, nesting);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, public_api);
	tcase_add_test(tc, cpus_and_hex);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
