/* btf/: the parser, validation errors, lookups and resolvers, on hand-built and real blobs. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf.h"
#include "btf_builder.h"
#include "testlib.h"

static struct bb B;

static struct btf *parse_ok(struct bb *b)
{
	struct rb_error e = { 0 };
	struct btf *btf = NULL;
	size_t len;
	const uint8_t *blob = bb_finish(b, &len);
	int r = btf_parse(blob, len, NULL, "t.o", &btf, &e);

	ck_assert_msg(r == 0, "parse failed: %s", e.msg);
	return btf;
}

/* Parse, expect failure, return the message. */
static const char *parse_err(struct bb *b, int want_err)
{
	static struct rb_error e;
	struct btf *btf = NULL;
	size_t len;
	const uint8_t *blob = bb_finish(b, &len);
	int r;

	memset(&e, 0, sizeof(e));
	r = btf_parse(blob, len, NULL, "t.o", &btf, &e);
	ck_assert_int_eq(r, -want_err);
	ck_assert_ptr_null(btf);
	return e.msg;
}

START_TEST(ints_and_struct)
{
	struct btf *btf;
	const struct btf_type *t;
	uint32_t i_int, i_s;

	bb_init(&B);
	i_int = bb_int(&B, "int", 4, BTF_INT_SIGNED, 32);
	i_s = bb_type(&B, "pair", BTF_KIND_STRUCT, 2, 0, 8);
	bb_member(&B, "a", i_int, 0);
	bb_member(&B, "b", i_int, 32);
	btf = parse_ok(&B);
	ck_assert_uint_eq(btf_nr_ids(btf), 3);
	t = btf_type(btf, i_s);
	ck_assert_str_eq(btf_name(btf, t), "pair");
	ck_assert_int_eq(btf_kind(t), BTF_KIND_STRUCT);
	ck_assert_int_eq(btf_vlen(t), 2);
	ck_assert_uint_eq(btf_member_bit_offset(t, 1), 32);
	ck_assert_int_eq(btf_find(btf, "pair", BTF_KIND_STRUCT), (int)i_s);
	ck_assert_int_eq(btf_find(btf, "pair", BTF_KIND_UNION), -ENOENT);
	ck_assert_int_eq(btf_resolve_size(btf, i_s, NULL), 8);
	ck_assert_int_eq(btf_align(btf, i_s, NULL), 4);
	ck_assert_ptr_null(btf_type(btf, 3));
	ck_assert_int_eq(btf_kind(btf_type(btf, 0)), BTF_KIND_UNKN);
	btf_free(btf);
}
END_TEST

START_TEST(bad_magic)
{
	bb_init(&B);
	bb_int(&B, "int", 4, 0, 32);
	bb_finish(&B, &B.out_len);
	B.out[0] = 0x12;
	{
		struct rb_error e = { 0 };
		struct btf *btf;

		ck_assert_int_eq(btf_parse(B.out, B.out_len, NULL, "t.o", &btf, &e), -EINVAL);
		ck_assert_str_eq(e.msg, "t.o: BTF: offset 0: bad magic 0xeb12 (expected 0xeb9f)");
	}
}
END_TEST

START_TEST(vmlinux)
{
	struct rb_error e = { 0 };
	struct btf *btf;
	int id;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return;
	ck_assert_msg(!btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &btf, &e), "%s", e.msg);
	id = btf_find(btf, "task_struct", BTF_KIND_STRUCT);
	ck_assert_int_gt(id, 0);
	ck_assert_int_gt(btf_resolve_size(btf, id, NULL), 1000);
	btf_free(btf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("btf");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, ints_and_struct);
	tcase_add_test(tc, bad_magic);
	tcase_add_test(tc, vmlinux);
	suite_add_tcase(s, tc);
	(void)parse_err;
	return test_run_suite(s);
}
