/* btf/: the parser, validation errors, lookups and resolvers, on hand-built and real blobs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf.h"
#include "btf_builder.h"
#include "loader/btf_file.h"
#include "testlib.h"

static struct bb B;
static struct rb_error E;
static int test_line;

static struct btf *parse_ok(struct bb *b)
{
	struct btf *btf = NULL;
	size_t len;
	const uint8_t *blob = bb_finish(b, &len);
	int r;

	memset(&E, 0, sizeof(E));
	r = btf_parse(blob, len, NULL, "t.o", &btf, &E);
	ck_assert_msg(r == 0, "parse failed: %s", E.msg);
	return btf;
}

/* Parse the already finished (maybe tampered) blob, expect failure, return the message. */
static const char *parse_raw_err(const uint8_t *blob, size_t len, int want_err)
{
	struct btf *btf = (struct btf *)1;
	int r;

	memset(&E, 0, sizeof(E));
	r = btf_parse(blob, len, NULL, "t.o", &btf, &E);
	ck_assert_msg(r == -want_err, "got %d (%s) at line %d", r, E.msg, test_line);
	ck_assert_ptr_null(btf);
	return E.msg;
}

#define parse_err(b, e) (test_line = __LINE__, parse_err_(b, e))
static const char *parse_err_(struct bb *b, int want_err)
{
	size_t len;
	const uint8_t *blob = bb_finish(b, &len);

	return parse_raw_err(blob, len, want_err);
}

/* A blob with one of each kind; ids in comments. */
static void build_all_kinds(struct bb *b)
{
	bb_init(b);
	bb_int(b, "int", 4, BTF_INT_SIGNED, 32);		  /* 1 */
	bb_type(b, NULL, BTF_KIND_PTR, 0, 0, 1);		  /* 2 */
	bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);		  /* 3: int[5] */
	bb_word(b, 1), bb_word(b, 1), bb_word(b, 5);
	bb_type(b, "s", BTF_KIND_STRUCT, 3, 1, 24);		  /* 4: bitfields (kflag) */
	bb_member(b, "a", 1, 0 | (3u << 24));			  /* a:3 at bit 0 */
	bb_member(b, "b", 1, 3 | (5u << 24));			  /* b:5 at bit 3 */
	bb_member(b, "arr", 3, 32);
	bb_type(b, "u", BTF_KIND_UNION, 2, 0, 8);		  /* 5 */
	bb_member(b, "i", 1, 0);
	bb_member(b, "p", 2, 0);
	bb_type(b, "e", BTF_KIND_ENUM, 2, 1, 4);		  /* 6: signed */
	bb_word(b, bb_str(b, "NEG")), bb_word(b, (uint32_t)-7);
	bb_word(b, bb_str(b, "POS")), bb_word(b, 9);
	bb_type(b, "fw", BTF_KIND_FWD, 0, 1, 0);		  /* 7: union fwd */
	bb_type(b, "int_t", BTF_KIND_TYPEDEF, 0, 0, 1);	  /* 8 */
	bb_type(b, NULL, BTF_KIND_VOLATILE, 0, 0, 8);	  /* 9 */
	bb_type(b, NULL, BTF_KIND_CONST, 0, 0, 9);		  /* 10 */
	bb_type(b, NULL, BTF_KIND_RESTRICT, 0, 0, 2);	  /* 11 */
	bb_type(b, NULL, BTF_KIND_FUNC_PROTO, 2, 0, 1);	  /* 12: int (int x, ...) */
	bb_word(b, bb_str(b, "x")), bb_word(b, 1);
	bb_word(b, 0), bb_word(b, 0);
	bb_type(b, "fn", BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, 12); /* 13 */
	bb_type(b, "v", BTF_KIND_VAR, 0, 0, 4);		  /* 14 */
	bb_word(b, BTF_VAR_GLOBAL_ALLOCATED);
	bb_type(b, ".data", BTF_KIND_DATASEC, 1, 0, 24);	  /* 15 */
	bb_word(b, 14), bb_word(b, 0), bb_word(b, 24);
	bb_type(b, "float", BTF_KIND_FLOAT, 0, 0, 4);	  /* 16 */
	bb_type(b, "tag", BTF_KIND_DECL_TAG, 0, 0, 4);	  /* 17: on member 1 of s */
	bb_word(b, 1);
	bb_type(b, "user", BTF_KIND_TYPE_TAG, 0, 0, 1);	  /* 18 */
	bb_type(b, "e64", BTF_KIND_ENUM64, 2, 0, 8);	  /* 19 */
	bb_word(b, bb_str(b, "BIG")), bb_word(b, 0xffffffffu), bb_word(b, 0xff);
	bb_word(b, bb_str(b, "ONE")), bb_word(b, 1), bb_word(b, 0);
}

static void check_all_kinds(struct btf *btf)
{
	const struct btf_type *t;

	ck_assert_uint_eq(btf_nr_ids(btf), 20);
	for (uint32_t id = 1; id < 20; id++)
		ck_assert_int_eq(btf_kind(btf_type(btf, id)), id == 8 ? BTF_KIND_TYPEDEF :
							      id == 1 ? BTF_KIND_INT :
							      btf_kind(btf_type(btf, id)));
	t = btf_type(btf, 1);
	ck_assert_int_eq(btf_int_encoding(t), BTF_INT_SIGNED);
	ck_assert_int_eq(btf_int_bits(t), 32);
	t = btf_type(btf, 3);
	ck_assert_int_eq(btf_kind(t), BTF_KIND_ARRAY);
	ck_assert_uint_eq(btf_array_info(t)->nelems, 5);
	t = btf_type(btf, 4);
	ck_assert_str_eq(btf_name(btf, t), "s");
	ck_assert(btf_kflag(t));
	ck_assert_uint_eq(btf_member_bit_offset(t, 0), 0);
	ck_assert_uint_eq(btf_member_bitfield_size(t, 0), 3);
	ck_assert_uint_eq(btf_member_bit_offset(t, 1), 3);
	ck_assert_uint_eq(btf_member_bitfield_size(t, 1), 5);
	ck_assert_uint_eq(btf_member_bit_offset(t, 2), 32);
	ck_assert_uint_eq(btf_member_bitfield_size(t, 2), 0);
	ck_assert_str_eq(btf_str(btf, btf_members(t)[2].name_off), "arr");
	t = btf_type(btf, 6);
	ck_assert(btf_enum_signed(t));
	ck_assert_int_eq((int64_t)btf_enum_value(t, 0), -7);
	ck_assert_str_eq(btf_str(btf, btf_enum_name_off(t, 1)), "POS");
	ck_assert(btf_kflag(btf_type(btf, 7)));
	ck_assert_int_eq(btf_kind(btf_type(btf, 11)), BTF_KIND_RESTRICT);
	t = btf_type(btf, 12);
	ck_assert_int_eq(btf_vlen(t), 2);
	ck_assert_uint_eq(btf_params(t)[1].type, 0);
	ck_assert_int_eq(btf_vlen(btf_type(btf, 13)), BTF_FUNC_GLOBAL);
	ck_assert_uint_eq(btf_var_info(btf_type(btf, 14))->linkage, BTF_VAR_GLOBAL_ALLOCATED);
	ck_assert_uint_eq(btf_secinfos(btf_type(btf, 15))[0].type, 14);
	ck_assert_int_eq(btf_kind(btf_type(btf, 16)), BTF_KIND_FLOAT);
	ck_assert_int_eq(btf_decl_tag_info(btf_type(btf, 17))->component_idx, 1);
	ck_assert_str_eq(btf_name_of(btf, 18), "user");
	t = btf_type(btf, 19);
	ck_assert_uint_eq(btf_enum_value(t, 0), 0xffffffffffull);
	ck_assert_uint_eq(btf_enum_value(t, 1), 1);
	ck_assert_str_eq(btf_kind_name(BTF_KIND_ENUM64), "ENUM64");
	ck_assert_str_eq(btf_kind_name(99), "UNKNOWN");
}

START_TEST(every_kind)
{
	struct btf *btf;

	build_all_kinds(&B);
	btf = parse_ok(&B);
	ck_assert(!btf_swapped(btf));
	check_all_kinds(btf);
	btf_free(btf);
}
END_TEST

START_TEST(big_endian_blob)
{
	struct btf *btf = NULL;
	size_t len;

	build_all_kinds(&B);
	bb_finish(&B, &len);
	bb_to_be(&B);
	ck_assert_msg(!btf_parse(B.out, len, NULL, "be.o", &btf, &E), "%s", E.msg);
	ck_assert(btf_swapped(btf));
	check_all_kinds(btf);
	/* The raw data handed back is host order. */
	ck_assert_uint_eq(((const struct btf_header *)btf_raw_data(btf, NULL))->magic, BTF_MAGIC);
	btf_free(btf);
}
END_TEST

START_TEST(sizes_and_alignment)
{
	struct btf *btf;

	build_all_kinds(&B);
	/* 20: packed struct { char c; int i; } of size 5 */
	bb_int(&B, "char", 1, 0, 8);				/* 20 */
	bb_type(&B, "packed", BTF_KIND_STRUCT, 2, 0, 5);	/* 21 */
	bb_member(&B, "c", 20, 0);
	bb_member(&B, "i", 1, 8);
	bb_type(&B, NULL, BTF_KIND_ARRAY, 0, 0, 0);		/* 22: (int[5])[3] */
	bb_word(&B, 3), bb_word(&B, 1), bb_word(&B, 3);
	bb_type(&B, NULL, BTF_KIND_CONST, 0, 0, 25);		/* 23 -> 24 -> 25 -> 23: a loop */
	bb_type(&B, NULL, BTF_KIND_VOLATILE, 0, 0, 23);		/* 24 */
	bb_type(&B, "loop_t", BTF_KIND_TYPEDEF, 0, 0, 24);	/* 25 */
	bb_type(&B, NULL, BTF_KIND_ARRAY, 0, 0, 0);		/* 26: huge */
	bb_word(&B, 1), bb_word(&B, 1), bb_word(&B, 0x40000000);
	btf = parse_ok(&B);
	ck_assert_int_eq(btf_resolve_size(btf, 1, NULL), 4);
	ck_assert_int_eq(btf_resolve_size(btf, 2, NULL), 8);
	ck_assert_int_eq(btf_resolve_size(btf, 3, NULL), 20);
	ck_assert_int_eq(btf_resolve_size(btf, 10, NULL), 4); /* const volatile int_t */
	ck_assert_int_eq(btf_resolve_size(btf, 22, NULL), 60);
	ck_assert_int_eq(btf_resolve_size(btf, 19, NULL), 8);
	ck_assert_int_eq(btf_resolve_size(btf, 14, NULL), 24); /* VAR: its type */
	ck_assert_int_eq(btf_resolve_size(btf, 12, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "BTF: type [12]: FUNC_PROTO [12] has no size");
	ck_assert_int_eq(btf_resolve_size(btf, 0, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "BTF: type [0]: void [0] has no size");
	ck_assert_int_eq(btf_resolve_size(btf, 23, &E), -ELOOP);
	ck_assert_str_eq(E.msg, "BTF: type [23]: type chain deeper than 32 (a loop?)");
	ck_assert_int_eq(btf_resolve_size(btf, 26, &E), -E2BIG);
	ck_assert_str_eq(E.msg, "BTF: type [26]: size overflows 32 bits");
	ck_assert_int_eq(btf_align(btf, 1, NULL), 4);
	ck_assert_int_eq(btf_align(btf, 2, NULL), 8);
	ck_assert_int_eq(btf_align(btf, 4, NULL), 4);
	ck_assert_int_eq(btf_align(btf, 5, NULL), 8);
	ck_assert_int_eq(btf_align(btf, 21, NULL), 1);
	ck_assert_int_eq(btf_align(btf, 22, NULL), 4);
	ck_assert_int_eq(btf_align(btf, 23, &E), -ELOOP);
	ck_assert_int_eq(btf_skip_mods(btf, 10), 8);
	ck_assert_int_eq(btf_skip_mods_typedefs(btf, 10), 1);
	ck_assert_int_eq(btf_skip_mods(btf, 18), 1); /* TYPE_TAG is a modifier */
	ck_assert_int_eq(btf_skip_mods_typedefs(btf, 23), -ELOOP);
	btf_free(btf);
}
END_TEST

static int collect(uint32_t id, void *ctx)
{
	uint32_t *ids = ctx;

	ids[++ids[0]] = id;
	return 0;
}

START_TEST(name_lookup)
{
	uint32_t ids[8] = { 0 };
	struct btf *btf;

	bb_init(&B);
	bb_type(&B, "dup", BTF_KIND_FWD, 0, 0, 0);		/* 1 */
	bb_int(&B, "int", 4, 0, 32);				/* 2 */
	bb_type(&B, "dup", BTF_KIND_STRUCT, 0, 0, 0);		/* 3 */
	bb_type(&B, "dup", BTF_KIND_STRUCT, 0, 0, 0);		/* 4 */
	bb_type(&B, "dup", BTF_KIND_TYPEDEF, 0, 0, 3);		/* 5 */
	for (int i = 0; i < 300; i++) {				/* 6..305: fill buckets */
		char name[16];

		snprintf(name, sizeof(name), "n%d", i);
		bb_type(&B, name, BTF_KIND_TYPEDEF, 0, 0, 2);
	}
	bb_type(&B, "dup___v2", BTF_KIND_STRUCT, 0, 0, 0);	/* 306: a flavor */
	bb_type(&B, "a____b", BTF_KIND_STRUCT, 0, 0, 0);	/* 307: four underscores */
	bb_type(&B, "___c", BTF_KIND_STRUCT, 0, 0, 0);		/* 308: nothing before */
	bb_type(&B, "_x___y", BTF_KIND_STRUCT, 0, 0, 0);	/* 309: a flavor */
	btf = parse_ok(&B);
	{
		uint32_t nf, first;
		const uint32_t *fl = btf_flavored(btf, &nf, &first);

		ck_assert_uint_eq(nf, 2);
		ck_assert_uint_eq(first + fl[0], 306);
		ck_assert_uint_eq(first + fl[1], 309);
	}
	ck_assert_int_eq(btf_find(btf, "dup", BTF_KIND_STRUCT), 3);
	ck_assert_int_eq(btf_find(btf, "dup", BTF_KIND_TYPEDEF), 5);
	ck_assert_int_eq(btf_find(btf, "dup", -1), 1);
	ck_assert_int_eq(btf_find(btf, "dup", BTF_KIND_UNION), -ENOENT);
	ck_assert_int_eq(btf_find(btf, "n299", BTF_KIND_TYPEDEF), 305);
	ck_assert_int_eq(btf_find(btf, "n17", -1), 23);
	ck_assert_int_eq(btf_find(btf, "", -1), -ENOENT);
	ck_assert_int_eq(btf_find(btf, "nope", -1), -ENOENT);
	btf_find_each(btf, "dup", collect, ids);
	ck_assert_uint_eq(ids[0], 4);
	ck_assert_uint_eq(ids[1], 1);
	ck_assert_uint_eq(ids[4], 5);
	btf_free(btf);
}
END_TEST

/* The first lookups scan, later ones use the index built then: same answers, same order. */
START_TEST(lookups_scan_then_index)
{
	struct btf *btf;

	bb_init(&B);
	bb_type(&B, "dup", BTF_KIND_FWD, 0, 0, 0);		/* 1 */
	bb_int(&B, "int", 4, 0, 32);				/* 2 */
	bb_type(&B, "dup", BTF_KIND_STRUCT, 0, 0, 0);		/* 3 */
	for (int i = 0; i < 100; i++) {				/* 4..103 */
		char name[16];

		snprintf(name, sizeof(name), "n%d", i);
		bb_type(&B, name, BTF_KIND_TYPEDEF, 0, 0, 2);
	}
	btf = parse_ok(&B);
	for (int round = 0; round < 40; round++) {
		uint32_t ids[8] = { 0 };

		ck_assert_int_eq(btf_find(btf, "dup", BTF_KIND_STRUCT), 3);
		ck_assert_int_eq(btf_find(btf, "n99", -1), 103);
		ck_assert_int_eq(btf_find(btf, "nope", -1), -ENOENT);
		btf_find_each(btf, "dup", collect, ids);
		ck_assert_uint_eq(ids[0], 2);
		ck_assert_uint_eq(ids[1], 1);
		ck_assert_uint_eq(ids[2], 3);
	}
	btf_free(btf);
}
END_TEST

START_TEST(split_btf)
{
	struct btf *base, *split = NULL;
	static struct bb S;
	size_t len;
	const uint8_t *blob;
	struct btf_header *h;

	bb_init(&B);
	bb_int(&B, "int", 4, BTF_INT_SIGNED, 32);		/* 1 */
	bb_type(&B, "base_s", BTF_KIND_STRUCT, 1, 0, 4);	/* 2 */
	bb_member(&B, "x", 1, 0);
	base = parse_ok(&B);
	/* Split: strings continue after the base's (B.ns bytes); its own table has no "". */
	bb_init(&S);
	S.ns = 0;
	{
		uint32_t off_mod = B.ns + S.ns;

		memcpy(S.strs + S.ns, "mod_s", 6), S.ns += 6;
		bb_word(&S, off_mod);
		bb_word(&S, BB_INFO(BTF_KIND_STRUCT, 0, 2));
		bb_word(&S, 8);
		bb_word(&S, B.ns + S.ns); /* member "y" */
		memcpy(S.strs + S.ns, "y", 2), S.ns += 2;
		bb_word(&S, 1);	     /* base int */
		bb_word(&S, 0);
		bb_word(&S, 1); /* member named "int" by the base's string */
		bb_word(&S, 2); /* base_s */
		bb_word(&S, 32);
		S.nr = 1;
	}
	blob = bb_finish(&S, &len);
	ck_assert_msg(!btf_parse(blob, len, base, "mod", &split, &E), "%s", E.msg);
	ck_assert_uint_eq(btf_start_id(split), 3);
	ck_assert_uint_eq(btf_nr_ids(split), 4);
	ck_assert_ptr_eq(btf_base(split), base);
	ck_assert_str_eq(btf_name_of(split, 3), "mod_s");
	ck_assert_str_eq(btf_name_of(split, 1), "int");
	ck_assert_str_eq(btf_str(split, btf_members(btf_type(split, 3))[1].name_off), "int");
	ck_assert_int_eq(btf_find(split, "base_s", BTF_KIND_STRUCT), 2);
	ck_assert_int_eq(btf_find(split, "mod_s", BTF_KIND_STRUCT), 3);
	ck_assert_int_eq(btf_find(base, "mod_s", -1), -ENOENT);
	ck_assert_int_eq(btf_resolve_size(split, 3, NULL), 8);
	btf_free(split);
	/* A reference past the split's last id is caught. */
	S.types[4] = 9;
	blob = bb_finish(&S, &len);
	ck_assert_int_eq(btf_parse(blob, len, base, "mod", &split, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "mod: BTF: offset 36: type [3]: member type id 9 is out of range (last is 3)");
	h = (struct btf_header *)S.out;
	(void)h;
	btf_free(base);
}
END_TEST

/* Every header and type validation error, with its exact sentence. */
START_TEST(header_errors)
{
	struct btf_header *h;
	size_t len;

	bb_init(&B);
	bb_int(&B, "int", 4, 0, 32);
	bb_finish(&B, &len);
	ck_assert_str_eq(parse_raw_err(B.out, 10, EINVAL),
			 "t.o: BTF: offset 0: 10 bytes is shorter than the 24-byte header");
	h = (struct btf_header *)B.out;
	h->magic = 0x1234;
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 0: bad magic 0x1234 (expected 0xeb9f)");
	bb_finish(&B, &len);
	h->version = 2;
	ck_assert_str_eq(parse_raw_err(B.out, len, ENOTSUP), "t.o: BTF: offset 2: unsupported version 2");
	bb_finish(&B, &len);
	h->hdr_len = 8;
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 4: header length 8 is outside 24..45");
	bb_finish(&B, &len);
	h->type_len = 400;
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 8: type section 0+400 is past the end (21 bytes)");
	bb_finish(&B, &len);
	h->str_len = 100;
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 16: string section 16+100 is past the end (21 bytes)");
	bb_finish(&B, &len);
	h->type_len = 14;
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 8: type section 0+14 is not 4-byte aligned");
	bb_finish(&B, &len);
	h->str_off = 12;
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 8: type section 0+16 overlaps string section 12+5");
	bb_finish(&B, &len);
	B.out[len - 1] = 'x';
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 44: string section does not end with a NUL byte");
	bb_finish(&B, &len);
	B.out[40] = 'x';
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 40: string section does not start with an empty string");
	/* Type section cut in the middle of a record. */
	bb_finish(&B, &len);
	h->type_len = 8;
	h->str_off = 16;
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 24: type [1] header is cut off by the end of the type section");
	bb_finish(&B, &len);
	h->type_len = 12;
	ck_assert_str_eq(parse_raw_err(B.out, len, EINVAL),
			 "t.o: BTF: offset 24: type [1]: INT with vlen 0 needs 4 bytes, 0 are left");
	/* An empty blob (no types) is valid. */
	{
		struct btf *btf;

		bb_init(&B);
		bb_finish(&B, &len);
		ck_assert(!btf_parse(B.out, len, NULL, "t.o", &btf, &E));
		ck_assert_uint_eq(btf_nr_ids(btf), 1);
		ck_assert_int_eq(btf_find(btf, "int", -1), -ENOENT);
		btf_free(btf);
	}
}
END_TEST

START_TEST(type_errors)
{
	bb_init(&B);
	bb_type(&B, "x", 20, 0, 0, 0);
	ck_assert_str_eq(parse_err(&B, EINVAL), "t.o: BTF: offset 24: type [1]: unknown kind 20");
	bb_init(&B);
	bb_type(&B, "s", BTF_KIND_STRUCT, 1000, 0, 4);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: STRUCT with vlen 1000 needs 12000 bytes, 0 are left");
	bb_init(&B);
	bb_type(&B, NULL, BTF_KIND_PTR, 0, 0, 0);
	B.types[0] = 999;
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: name offset 999 is past the string section");
	bb_init(&B);
	bb_type(&B, NULL, BTF_KIND_PTR, 0, 0, 7);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: referenced type id 7 is out of range (last is 1)");
	bb_init(&B);
	bb_type(&B, NULL, BTF_KIND_CONST, 0, 0, 1);
	ck_assert_str_eq(parse_err(&B, EINVAL), "t.o: BTF: offset 24: type [1]: CONST refers to itself");
	bb_init(&B);
	bb_type(&B, NULL, BTF_KIND_TYPEDEF, 0, 0, 0);
	ck_assert_str_eq(parse_err(&B, EINVAL), "t.o: BTF: offset 24: type [1]: TYPEDEF has no name");
	bb_init(&B);
	bb_int(&B, "int", 3, 0, 24);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: INT size 3 is not 1, 2, 4, 8 or 16");
	bb_init(&B);
	bb_int(&B, "int", 4, 0, 33);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: INT bits 33 at bit offset 0 do not fit in 4 bytes");
	bb_init(&B);
	bb_int(&B, "int", 4, 8, 32);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: INT info 0x8000020 has unknown bits");
	bb_init(&B);
	bb_int(&B, "int", 4, 0, 32);
	bb_type(&B, "s", BTF_KIND_STRUCT, 1, 0, 4);
	bb_member(&B, "m", 1, 40);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 52: type [2]: member 0 at bit 40 is past the size 4");
	bb_init(&B);
	bb_type(&B, "s", BTF_KIND_STRUCT, 1, 0, 4);
	bb_member(&B, "m", 1, 0);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 36: type [1]: member 0 contains its own type");
	bb_init(&B);
	bb_type(&B, "e", BTF_KIND_ENUM, 0, 0, 3);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: ENUM size 3 is not 1, 2, 4 or 8");
	bb_init(&B);
	bb_type(&B, "e", BTF_KIND_ENUM, 1, 0, 4);
	bb_word(&B, 5000), bb_word(&B, 1);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 36: type [1]: enumerator name offset 5000 is past the string section");
	bb_init(&B);
	bb_type(&B, "f", BTF_KIND_FUNC, 0, 0, 0);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: FUNC 'f' prototype [0] is UNKNOWN");
	bb_init(&B);
	bb_type(&B, "f", BTF_KIND_FUNC, 5, 0, 0);
	ck_assert_str_eq(parse_err(&B, EINVAL), "t.o: BTF: offset 24: type [1]: FUNC linkage 5 is unknown");
	bb_init(&B);
	bb_type(&B, NULL, BTF_KIND_FUNC_PROTO, 2, 0, 0);
	bb_word(&B, 0), bb_word(&B, 0);
	bb_word(&B, 0), bb_word(&B, 0);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 36: type [1]: parameter 0 is void but not the last");
	bb_init(&B);
	bb_int(&B, "int", 4, 0, 32);
	bb_type(&B, ".data", BTF_KIND_DATASEC, 1, 0, 4);
	bb_word(&B, 1), bb_word(&B, 0), bb_word(&B, 4);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 52: type [2]: DATASEC entry 0 is INT, not VAR or FUNC");
	bb_init(&B);
	bb_int(&B, "int", 4, 0, 32);
	bb_type(&B, "t", BTF_KIND_DECL_TAG, 0, 0, 1);
	bb_word(&B, 0);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 40: type [2]: DECL_TAG component 0 does not exist in type [1]");
	bb_init(&B);
	bb_type(&B, "d", BTF_KIND_FLOAT, 0, 0, 5);
	ck_assert_str_eq(parse_err(&B, EINVAL),
			 "t.o: BTF: offset 24: type [1]: FLOAT size 5 is not 2, 4, 8, 12 or 16");
	bb_init(&B);
	bb_type(&B, NULL, BTF_KIND_VAR, 0, 0, 0);
	bb_word(&B, 0);
	ck_assert_str_eq(parse_err(&B, EINVAL), "t.o: BTF: offset 24: type [1]: VAR has no name");
	bb_init(&B);
	bb_type(&B, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(&B, 1), bb_word(&B, 1), bb_word(&B, 1);
	ck_assert_str_eq(parse_err(&B, EINVAL), "t.o: BTF: offset 24: type [1]: ARRAY of itself");
}
END_TEST

/* ---- .BTF.ext ---- */

struct extb {
	uint8_t buf[1024];
	size_t len;
};

/* Header of hdr_len bytes then subsections built by the test at buf + hdr_len. */
static void ext_header(struct extb *x, uint32_t hdr_len, const uint32_t off_len[6])
{
	memset(x, 0, sizeof(*x));
	x->buf[0] = 0x9f, x->buf[1] = 0xeb, x->buf[2] = 1, x->buf[3] = 0;
	memcpy(x->buf + 4, &hdr_len, 4);
	memcpy(x->buf + 8, off_len, (hdr_len - 8 < 24 ? hdr_len - 8 : 24));
	x->len = hdr_len;
}

static void ext_word(struct extb *x, uint32_t w)
{
	memcpy(x->buf + x->len, &w, 4);
	x->len += 4;
}

static struct btf *ext_btf(void)
{
	bb_init(&B);
	bb_int(&B, "int", 4, 0, 32);
	bb_str(&B, "tracepoint/x"); /* offset 5 */
	bb_str(&B, "0:1");	    /* offset 18 */
	return parse_ok(&B);
}

START_TEST(ext_records)
{
	struct btf *btf = ext_btf();
	struct btf_ext *ext;
	const struct btf_ext_sec *s;
	const struct btf_ext_core_relo *cr;
	const struct bpf_line_info *li;
	struct extb x;
	/* func_info: rec 12 (larger than 8), 1 sec, 2 recs = 4+8+24 = 36 bytes at 0;
	 * line_info: rec 16, 1 sec, 1 rec = 28 bytes at 36; core_relo: rec 16, 1 rec at 64. */
	uint32_t ol[6] = { 0, 36, 36, 28, 64, 28 };

	ext_header(&x, 32, ol);
	ext_word(&x, 12);
	ext_word(&x, 5), ext_word(&x, 2);
	ext_word(&x, 0), ext_word(&x, 1), ext_word(&x, 0xaaaa);
	ext_word(&x, 16), ext_word(&x, 1), ext_word(&x, 0xbbbb);
	ext_word(&x, 16);
	ext_word(&x, 5), ext_word(&x, 1);
	ext_word(&x, 8), ext_word(&x, 5), ext_word(&x, 18), ext_word(&x, (7 << 10) | 3);
	ext_word(&x, 16);
	ext_word(&x, 5), ext_word(&x, 1);
	ext_word(&x, 24), ext_word(&x, 1), ext_word(&x, 18), ext_word(&x, 0);
	ck_assert_msg(!btf_ext_parse(x.buf, x.len, btf, "t.o", &ext, &E), "%s", E.msg);
	ck_assert_uint_eq(btf_ext_nr_secs(ext, BTF_EXT_FUNC_INFO), 1);
	s = btf_ext_sec_find(ext, BTF_EXT_FUNC_INFO, "tracepoint/x");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->nr, 2);
	ck_assert_uint_eq(s->rec_size, 12);
	ck_assert_uint_eq(((const struct bpf_func_info *)btf_ext_rec(s, 1))->insn_off, 16);
	ck_assert_uint_eq(((const struct bpf_func_info *)btf_ext_rec(s, 1))->type_id, 1);
	s = btf_ext_sec_at(ext, BTF_EXT_LINE_INFO, 0);
	li = btf_ext_rec(s, 0);
	ck_assert_uint_eq(li->insn_off, 8);
	ck_assert_uint_eq(BPF_LINE_INFO_LINE_NUM(li->line_col), 7);
	s = btf_ext_sec_find(ext, BTF_EXT_CORE_RELO, "tracepoint/x");
	cr = btf_ext_rec(s, 0);
	ck_assert_uint_eq(cr->insn_off, 24);
	ck_assert_str_eq(btf_str(btf, cr->access_str_off), "0:1");
	ck_assert_ptr_null(btf_ext_sec_find(ext, BTF_EXT_CORE_RELO, "other"));
	ck_assert_ptr_null(btf_ext_sec_at(ext, BTF_EXT_CORE_RELO, 1));
	btf_ext_free(ext);

	/* Header without the core_relo fields (24 bytes): still fine. */
	ext_header(&x, 24, ol);
	ext_word(&x, 8);
	ext_word(&x, 5), ext_word(&x, 1), ext_word(&x, 0), ext_word(&x, 1);
	ol[0] = 0, ol[1] = 20, ol[2] = 0, ol[3] = 0;
	memcpy(x.buf + 8, ol, 16);
	ck_assert_msg(!btf_ext_parse(x.buf, x.len, btf, "t.o", &ext, &E), "%s", E.msg);
	ck_assert_uint_eq(btf_ext_nr_secs(ext, BTF_EXT_FUNC_INFO), 1);
	ck_assert_uint_eq(btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO), 0);
	btf_ext_free(ext);
	btf_free(btf);
}
END_TEST

START_TEST(ext_errors)
{
	struct btf *btf = ext_btf();
	struct btf_ext *ext;
	struct extb x;
	uint32_t ol[6] = { 0, 12, 0, 0, 0, 0 };

	/* func_info record size 4 is smaller than struct bpf_func_info. */
	ext_header(&x, 32, ol);
	ext_word(&x, 4), ext_word(&x, 5), ext_word(&x, 1);
	ck_assert_int_eq(btf_ext_parse(x.buf, x.len, btf, "t.o", &ext, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "t.o: BTF.ext: offset 32: func_info record size 4 is invalid "
				"(minimum 8, multiple of 4)");
	/* Count larger than the bytes left. */
	ext_header(&x, 32, ol);
	ext_word(&x, 8), ext_word(&x, 5), ext_word(&x, 1000);
	ck_assert_int_eq(btf_ext_parse(x.buf, x.len, btf, "t.o", &ext, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "t.o: BTF.ext: offset 36: func_info section with 1000 records "
				"of 8 bytes is past the end");
	/* Section name not in .BTF. */
	ol[1] = 20;
	ext_header(&x, 32, ol);
	ext_word(&x, 8), ext_word(&x, 500), ext_word(&x, 1), ext_word(&x, 0), ext_word(&x, 1);
	ck_assert_int_eq(btf_ext_parse(x.buf, x.len, btf, "t.o", &ext, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "t.o: BTF.ext: offset 36: func_info section name offset 500 is "
				"not a name in .BTF");
	/* Subsection past the end. */
	ol[1] = 2000;
	ext_header(&x, 32, ol);
	ck_assert_int_eq(btf_ext_parse(x.buf, x.len, btf, "t.o", &ext, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "t.o: BTF.ext: offset 8: func_info subsection 0+2000 is past the "
				"end (0 bytes)");
	/* Short, bad magic, bad version. */
	ck_assert_int_eq(btf_ext_parse(x.buf, 10, btf, "t.o", &ext, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "t.o: BTF.ext: offset 0: 10 bytes is shorter than the 24-byte header");
	x.buf[0] = 0;
	ck_assert_int_eq(btf_ext_parse(x.buf, x.len, btf, "t.o", &ext, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "t.o: BTF.ext: offset 0: bad magic 0xeb00 (expected 0xeb9f)");
	x.buf[0] = 0x9f, x.buf[2] = 3;
	ck_assert_int_eq(btf_ext_parse(x.buf, x.len, btf, "t.o", &ext, &E), -ENOTSUP);
	ck_assert_str_eq(E.msg, "t.o: BTF.ext: offset 2: unsupported version 3");
	btf_free(btf);
}
END_TEST

/* A clang-built object: .BTF and .BTF.ext through the loader's ELF helper. */
START_TEST(clang_object)
{
	const char *clang = access("/usr/bin/clang-19", X_OK) ? "clang" : "clang-19";
	char cmd[1024], obj[] = "/tmp/rb_btf_XXXXXX";
	struct btf *btf;
	struct btf_ext *ext;
	const struct btf_type *t;
	int fd = mkstemp(obj), id;

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s -target bpf -O2 -g -I/usr/include/$(gcc -dumpmachine) "
		 "-c tests/unit/btf/kinds.bpf.c -o %s", clang, obj);
	if (system(cmd)) {
		unlink(obj);
		ck_abort_msg("cannot compile tests/unit/btf/kinds.bpf.c");
	}
	ck_assert_msg(!elf_read_btf(obj, NULL, &btf, &E), "%s", E.msg);
	ck_assert_msg(!elf_read_btf_ext(obj, btf, &ext, &E), "%s", E.msg);
	unlink(obj);
	id = btf_find(btf, "bits", BTF_KIND_STRUCT);
	ck_assert_int_gt(id, 0);
	t = btf_type(btf, id);
	ck_assert_int_eq(btf_resolve_size(btf, id, NULL), 32);
	ck_assert_int_eq(btf_align(btf, id, NULL), 8);
	ck_assert_uint_eq(btf_member_bitfield_size(t, 1), 5);
	ck_assert_uint_eq(btf_member_bit_offset(t, 1), 3);
	id = btf_find(btf, "wide", BTF_KIND_ENUM64);
	ck_assert_int_gt(id, 0);
	ck_assert_uint_eq(btf_enum_value(btf_type(btf, id), 0), 0xffffffffffull);
	id = btf_find(btf, "sgn", BTF_KIND_ENUM);
	ck_assert(btf_enum_signed(btf_type(btf, id)));
	ck_assert_int_gt(btf_find(btf, "fwd_only", BTF_KIND_FWD), 0);
	ck_assert_int_gt(btf_find(btf, ".maps", BTF_KIND_DATASEC), 0);
	ck_assert_int_gt(btf_find(btf, "arg", BTF_KIND_DECL_TAG), 0);
	ck_assert_int_gt(btf_find(btf, "prog", BTF_KIND_FUNC), 0);
	ck_assert_ptr_nonnull(
		btf_ext_sec_find(ext, BTF_EXT_FUNC_INFO, "tracepoint/syscalls/sys_enter_getpid"));
	ck_assert_ptr_nonnull(
		btf_ext_sec_find(ext, BTF_EXT_LINE_INFO, "tracepoint/syscalls/sys_enter_getpid"));
	ck_assert_uint_eq(btf_ext_sec_find(ext, BTF_EXT_FUNC_INFO, ".text")->nr, 2);
	btf_ext_free(ext);
	btf_free(btf);
}
END_TEST

START_TEST(vmlinux)
{
	struct btf *btf;
	int id, pid;
	const struct btf_type *t;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return;
	ck_assert_msg(!btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &btf, &E), "%s", E.msg);
	id = btf_find(btf, "task_struct", BTF_KIND_STRUCT);
	ck_assert_int_gt(id, 0);
	ck_assert_int_gt(btf_resolve_size(btf, id, NULL), 1000);
	/* BTF has no explicit alignment: the widest member's (8), as libbpf says too. */
	ck_assert_int_eq(btf_align(btf, id, NULL), 8);
	t = btf_type(btf, id);
	for (pid = 0; pid < btf_vlen(t); pid++)
		if (!strcmp(btf_str(btf, btf_members(t)[pid].name_off), "pid"))
			break;
	ck_assert_int_lt(pid, btf_vlen(t));
	ck_assert_int_eq(btf_resolve_size(btf, btf_members(t)[pid].type, NULL), 4);
	ck_assert_int_eq(btf_find(btf, "int", BTF_KIND_INT), btf_find(btf, "int", -1));
	btf_free(btf);
	ck_assert_int_eq(btf_open_raw("/nonexistent/btf", NULL, &btf, &E), -ENOENT);
	ck_assert_str_eq(E.msg, "/nonexistent/btf: cannot open: No such file or directory");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("btf");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, every_kind);
	tcase_add_test(tc, big_endian_blob);
	tcase_add_test(tc, sizes_and_alignment);
	tcase_add_test(tc, name_lookup);
	tcase_add_test(tc, lookups_scan_then_index);
	tcase_add_test(tc, split_btf);
	tcase_add_test(tc, header_errors);
	tcase_add_test(tc, type_errors);
	tcase_add_test(tc, ext_records);
	tcase_add_test(tc, ext_errors);
	tcase_add_test(tc, clang_object);
	tcase_add_test(tc, vmlinux);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
