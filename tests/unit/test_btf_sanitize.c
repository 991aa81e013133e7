/* btf/sanitize: every kind rewritten for a kernel without it, ids and sizes kept, valid BTF. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/sanitize.h"
#include "testlib.h"

#define INFO(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (vlen))

/* "\0int\0float\0x\0.data\0tag\0e\0a\0b\0s\0f" */
enum { S_INT = 1, S_FLOAT = 5, S_X = 11, S_DATA = 13, S_TAG = 19, S_E = 23, S_A = 25, S_B = 27,
       S_S = 29, S_F = 31 };
static const char strs[] = "\0int\0float\0x\0.data\0tag\0e\0a\0b\0s\0f";

static const uint32_t types[] = {
	S_INT, INFO(BTF_KIND_INT, 0, 0), 4, (BTF_INT_SIGNED << 24) | 32,  /* [1] int */
	S_FLOAT, INFO(BTF_KIND_FLOAT, 0, 0), 4,				  /* [2] float */
	S_X, INFO(BTF_KIND_VAR, 0, 0), 1, BTF_VAR_GLOBAL_ALLOCATED,	  /* [3] x */
	S_DATA, INFO(BTF_KIND_DATASEC, 0, 1), 4, 3, 0, 4,		  /* [4] .data */
	S_TAG, INFO(BTF_KIND_DECL_TAG, 0, 0), 3, (uint32_t)-1,		  /* [5] tag on x */
	S_TAG, INFO(BTF_KIND_TYPE_TAG, 0, 0), 1,			  /* [6] int __tag */
	0, INFO(BTF_KIND_PTR, 0, 0), 6,					  /* [7] ptr */
	S_E, INFO(BTF_KIND_ENUM64, 0, 2), 8, S_A, 1, 0, S_B, 0, 1,	  /* [8] enum64 e */
	S_S, INFO(BTF_KIND_ENUM, 1, 1), 4, S_A, (uint32_t)-1,		  /* [9] signed enum s */
	0, INFO(BTF_KIND_FUNC_PROTO, 0, 1), 1, S_X, 1,			  /* [10] int (int x) */
	S_F, INFO(BTF_KIND_FUNC, 0, BTF_FUNC_GLOBAL), 10,		  /* [11] global f */
};

static struct btf *blob(void)
{
	static uint8_t buf[1024];
	struct btf_header h = { .magic = BTF_MAGIC, .version = 1, .hdr_len = sizeof(h),
				.type_len = sizeof(types), .str_off = sizeof(types),
				.str_len = sizeof(strs) };
	struct rb_error e = { 0 };
	struct btf *b = NULL;

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), types, sizeof(types));
	memcpy(buf + sizeof(h) + sizeof(types), strs, sizeof(strs));
	ck_assert_msg(btf_parse(buf, sizeof(h) + sizeof(types) + sizeof(strs), NULL, "test", &b,
				&e) == 0,
		      "%s", e.msg);
	return b;
}

START_TEST(all_kinds_rewritten_for_an_old_kernel)
{
	struct btf_kernel_kinds none = { 0 };
	struct btf_sanitize_counts c;
	struct rb_error e = { 0 };
	struct btf *in = blob(), *out = NULL;
	const struct btf_type *t;
	void *data;
	size_t size;

	ck_assert_int_eq(btf_sanitize(in, &none, NULL, NULL, &data, &size, &c, &e), 0);
	ck_assert_msg(btf_parse(data, size, NULL, "sanitised", &out, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(btf_nr_ids(out), btf_nr_ids(in) + 1); /* + the enum64 placeholder */
	ck_assert_int_eq(btf_kind(btf_type(out, 1)), BTF_KIND_INT);
	t = btf_type(out, 2);
	ck_assert_int_eq(btf_kind(t), BTF_KIND_STRUCT);
	ck_assert_uint_eq(t->size, 4);
	ck_assert_int_eq(btf_kind(btf_type(out, 3)), BTF_KIND_INT);
	t = btf_type(out, 4);
	ck_assert_int_eq(btf_kind(t), BTF_KIND_STRUCT);
	ck_assert_str_eq(btf_name(out, t), "_data");
	ck_assert_uint_eq(btf_vlen(t), 1);
	{
		const struct btf_member *m = (const void *)(t + 1);

		ck_assert_str_eq(btf_str(out, m->name_off), "x");
		ck_assert_uint_eq(m->type, 1); /* the variable's type, int */
		ck_assert_uint_eq(m->offset, 0);
	}
	ck_assert_int_eq(btf_kind(btf_type(out, 5)), BTF_KIND_INT);
	t = btf_type(out, 6);
	ck_assert_int_eq(btf_kind(t), BTF_KIND_CONST);
	ck_assert_uint_eq(t->type, 1);
	t = btf_type(out, 8);
	ck_assert_int_eq(btf_kind(t), BTF_KIND_UNION);
	ck_assert_uint_eq(t->size, 8);
	{
		const struct btf_member *m = (const void *)(t + 1);

		ck_assert_uint_eq(m[0].type, 12);
		ck_assert_uint_eq(m[1].type, 12);
		ck_assert_str_eq(btf_name_of(out, 12), "enum64_placeholder");
	}
	t = btf_type(out, 9);
	ck_assert_int_eq(btf_kind(t), BTF_KIND_ENUM);
	ck_assert(!btf_kflag(t));
	ck_assert_int_eq(btf_kind(btf_type(out, 10)), BTF_KIND_ENUM);
	ck_assert_int_eq(btf_kind(btf_type(out, 11)), BTF_KIND_TYPEDEF);
	ck_assert_uint_eq(c.var, 1);
	ck_assert_uint_eq(c.datasec, 1);
	ck_assert_uint_eq(c.float_kind, 1);
	ck_assert_uint_eq(c.decl_tag, 1);
	ck_assert_uint_eq(c.type_tag, 1);
	ck_assert_uint_eq(c.enum64, 1);
	ck_assert_uint_eq(c.enum_kflag, 1);
	ck_assert_uint_eq(c.func, 1);
	ck_assert_uint_eq(c.func_proto, 1);
	btf_free(out);
	free(data);
	btf_free(in);
}
END_TEST

START_TEST(only_global_linkage_missing)
{
	struct btf_kernel_kinds most = { .func = true, .datasec = true, .float_kind = true,
					 .decl_tag = true, .type_tag = true, .enum64 = true };
	struct btf_sanitize_counts c;
	struct rb_error e = { 0 };
	struct btf *in = blob(), *out = NULL;
	void *data;
	size_t size, raw_size;
	const uint8_t *raw = btf_raw_data(in, &raw_size);

	ck_assert_int_eq(btf_sanitize(in, &most, NULL, NULL, &data, &size, &c, &e), 0);
	ck_assert_uint_eq(size, raw_size);
	ck_assert_int_eq(btf_parse(data, size, NULL, "sanitised", &out, &e), 0);
	ck_assert_int_eq(btf_vlen(btf_type(out, 11)), BTF_FUNC_STATIC);
	ck_assert_uint_eq(c.global_func, 1);
	ck_assert_uint_eq(c.datasec + c.enum64 + c.func, 0);
	/* everything else byte for byte */
	ck_assert_int_eq(memcmp((uint8_t *)data + 24, raw + 24, sizeof(types) - 12 /* not the FUNC */), 0);
	most.global_func = true;
	free(data);
	ck_assert_int_eq(btf_sanitize(in, &most, NULL, NULL, &data, &size, &c, &e), 0);
	ck_assert_int_eq(memcmp(data, raw, size), 0); /* a modern kernel: an identical copy */
	free(data);
	btf_free(out);
	btf_free(in);
}
END_TEST

/* A hidden global function (usdt.bpf.h's bpf_usdt_arg) is made static on any kernel. */
START_TEST(hidden_global_made_static)
{
	const char *const hidden[] = { "nosuch", "f" };
	struct btf_kernel_kinds all = { .func = true, .global_func = true, .datasec = true,
					.float_kind = true, .decl_tag = true, .type_tag = true,
					.enum64 = true, .static_funcs = hidden,
					.static_func_cnt = 1 };
	struct btf_sanitize_counts c;
	struct rb_error e = { 0 };
	struct btf *in = blob(), *out = NULL;
	void *data;
	size_t size;

	/* not listed: stays global */
	ck_assert_int_eq(btf_sanitize(in, &all, NULL, NULL, &data, &size, &c, &e), 0);
	ck_assert_int_eq(btf_parse(data, size, NULL, "sanitised", &out, &e), 0);
	ck_assert_int_eq(btf_vlen(btf_type(out, 11)), BTF_FUNC_GLOBAL);
	ck_assert_uint_eq(c.hidden_func, 0);
	btf_free(out);
	free(data);
	all.static_func_cnt = 2;
	ck_assert_int_eq(btf_sanitize(in, &all, NULL, NULL, &data, &size, &c, &e), 0);
	ck_assert_int_eq(btf_parse(data, size, NULL, "sanitised", &out, &e), 0);
	ck_assert_int_eq(btf_vlen(btf_type(out, 11)), BTF_FUNC_STATIC);
	ck_assert_uint_eq(c.hidden_func, 1);
	ck_assert_uint_eq(c.global_func, 0);
	btf_free(out);
	free(data);
	btf_free(in);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("btf_sanitize");
	TCase *tc = tcase_create("btf_sanitize");

	tcase_add_test(tc, all_kinds_rewritten_for_an_old_kernel);
	tcase_add_test(tc, only_global_linkage_missing);
	tcase_add_test(tc, hidden_global_made_static);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
