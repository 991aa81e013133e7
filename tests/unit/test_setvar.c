/*
 * rb_object_set_var (--set VAR=VALUE): every parse rule and every refusal sentence, on
 * tests/unit/objs/knobs.bpf.c (one global of each kind of type) and its BTF-less build.
 */
#include <errno.h>
#include <stdarg.h>

#include "objtest.h"
#include "rawbpf.h"

static char knobs[512], knobs_nobtf[512];

static struct rb_object *open_knobs(const char *path)
{
	struct rb_error err = { 0 };
	struct rb_object *obj = NULL;

	ck_assert_msg(rb_object_open(path, NULL, &obj, &err) == 0, "open %s: %s", path, err.msg);
	return obj;
}

/* The bytes of variable name as they are now in its map's initial image. */
static const uint8_t *var_bytes(struct rb_object *obj, const char *name, uint32_t *size)
{
	for (size_t i = 0; i < rb_object_var_count(obj); i++) {
		struct rb_var_info vi;
		const uint8_t *data;
		size_t dsize;
		int m;

		ck_assert_int_eq(rb_object_var(obj, i, &vi), 0);
		if (strcmp(vi.name, name))
			continue;
		m = rb_object_map_find(obj, vi.map);
		ck_assert_int_ge(m, 0);
		data = rb_object_map_data(obj, (size_t)m, &dsize);
		ck_assert_ptr_nonnull(data);
		ck_assert_uint_le(vi.offset + vi.size, dsize);
		*size = vi.size;
		return data + vi.offset;
	}
	ck_abort_msg("no variable %s", name);
	return NULL;
}

static uint64_t var_u64(struct rb_object *obj, const char *name)
{
	uint32_t size;
	const uint8_t *p = var_bytes(obj, name, &size);
	uint64_t v = 0;
	uint32_t v32;
	uint16_t v16;

	switch (size) {
	case 1:
		return p[0];
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	case 4:
		memcpy(&v32, p, 4);
		return v32;
	default:
		memcpy(&v, p, 8);
		return v;
	}
}

static void set_ok(struct rb_object *obj, const char *name, const char *value, uint64_t want)
{
	struct rb_error err = { 0 };
	int r = rb_object_set_var(obj, name, value, &err);

	ck_assert_msg(r == 0, "%s=%s: %s", name, value, err.msg);
	ck_assert_msg(var_u64(obj, name) == want, "%s=%s: got 0x%llx, want 0x%llx", name, value,
		      (unsigned long long)var_u64(obj, name), (unsigned long long)want);
}

/* Refused with this errno and exactly this sentence (after "PATH: "); the bytes unchanged. */
static void set_fails(struct rb_object *obj, const char *path, const char *name, const char *value,
		      int want_err, const char *fmt, ...)
{
	struct rb_error err = { 0 };
	char want[1024], full[1200];
	uint64_t before = 0;
	bool known = strcmp(name, "nope") && strcmp(name, "k_pair") && strcmp(name, "k_name") &&
		     strcmp(name, "d_ptr");
	va_list ap;
	int r;

	if (known)
		before = var_u64(obj, name);
	r = rb_object_set_var(obj, name, value, &err);
	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "%s: %s", path, want);
	ck_assert_msg(r == -want_err, "%s=%s: got %d (%s)", name, value, r, err.msg);
	ck_assert_str_eq(err.msg, full);
	if (known)
		ck_assert_uint_eq(var_u64(obj, name), before);
}

#define CANNOT "cannot set variable "

START_TEST(unsigned_integers)
{
	struct rb_object *obj = open_knobs(knobs);

	set_ok(obj, "k_u8", "255", 255);
	set_ok(obj, "k_u8", "0x7f", 0x7f);
	set_ok(obj, "k_u8", "-0", 0);
	set_ok(obj, "k_u16", "65535", 65535);
	set_ok(obj, "k_u16", "0XBEEF", 0xbeef);
	set_ok(obj, "k_u32", "4294967295", 4294967295u);
	set_ok(obj, "k_u32", "0010", 10); /* leading zeros are decimal, not octal */
	set_ok(obj, "k_u64", "18446744073709551615", UINT64_MAX);
	set_ok(obj, "k_u64", "0xffffffffffffffff", UINT64_MAX);
	set_ok(obj, "k_custom", "1234", 1234); /* .rodata.knobs */
	set_ok(obj, "b_count", "77", 77);      /* .bss: no bytes in the file */
	set_ok(obj, "d_int", "-6", (uint32_t)-6);
	rb_object_close(obj);
}
END_TEST

START_TEST(signed_integers)
{
	struct rb_object *obj = open_knobs(knobs);

	set_ok(obj, "k_s8", "-128", 0x80);
	set_ok(obj, "k_s8", "127", 127);
	set_ok(obj, "k_s16", "-32768", 0x8000);
	set_ok(obj, "k_s32", "-2147483648", 0x80000000u);
	set_ok(obj, "k_s32", "-0x10", (uint32_t)-16);
	set_ok(obj, "k_s64", "-9223372036854775808", 0x8000000000000000ull);
	set_ok(obj, "k_s64", "9223372036854775807", INT64_MAX);
	rb_object_close(obj);
}
END_TEST

START_TEST(integer_refusals)
{
	struct rb_object *obj = open_knobs(knobs);

	set_fails(obj, knobs, "k_u8", "256", ERANGE,
		  CANNOT "'k_u8' (const volatile __u8, in .rodata) to '256': an unsigned 1-byte "
		  "integer holds 0 to 255");
	set_fails(obj, knobs, "k_u32", "-1", ERANGE,
		  CANNOT "'k_u32' (const volatile __u32, in .rodata) to '-1': an unsigned 4-byte "
		  "integer cannot hold a negative value");
	set_fails(obj, knobs, "k_s8", "-129", ERANGE,
		  CANNOT "'k_s8' (const volatile __s8, in .rodata) to '-129': a signed 1-byte "
		  "integer holds -128 to 127");
	set_fails(obj, knobs, "k_s16", "32768", ERANGE,
		  CANNOT "'k_s16' (const volatile __s16, in .rodata) to '32768': a signed 2-byte "
		  "integer holds -32768 to 32767");
	set_fails(obj, knobs, "k_s64", "9223372036854775808", ERANGE,
		  CANNOT "'k_s64' (const volatile __s64, in .rodata) to '9223372036854775808': a "
		  "signed 8-byte integer holds -9223372036854775808 to 9223372036854775807");
	set_fails(obj, knobs, "k_u64", "18446744073709551616", EINVAL,
		  CANNOT "'k_u64' (const volatile __u64, in .rodata) to '18446744073709551616': "
		  "the number does not fit in 64 bits");
	set_fails(obj, knobs, "k_u32", "12abc", EINVAL,
		  CANNOT "'k_u32' (const volatile __u32, in .rodata) to '12abc': an unsigned "
		  "4-byte integer takes a decimal or 0x-hexadecimal number");
	set_fails(obj, knobs, "k_u32", "", EINVAL,
		  CANNOT "'k_u32' (const volatile __u32, in .rodata) to '': an unsigned 4-byte "
		  "integer takes a decimal or 0x-hexadecimal number");
	set_fails(obj, knobs, "k_u32", " 1", EINVAL,
		  CANNOT "'k_u32' (const volatile __u32, in .rodata) to ' 1': an unsigned 4-byte "
		  "integer takes a decimal or 0x-hexadecimal number");
	set_fails(obj, knobs, "k_u32", "+1", EINVAL,
		  CANNOT "'k_u32' (const volatile __u32, in .rodata) to '+1': an unsigned 4-byte "
		  "integer takes a decimal or 0x-hexadecimal number");
	set_fails(obj, knobs, "k_u32", "0x", EINVAL,
		  CANNOT "'k_u32' (const volatile __u32, in .rodata) to '0x': an unsigned 4-byte "
		  "integer takes a decimal or 0x-hexadecimal number");
	rb_object_close(obj);
}
END_TEST

START_TEST(chars_and_bools)
{
	struct rb_object *obj = open_knobs(knobs);

	set_ok(obj, "k_char", "'y'", 'y');
	set_ok(obj, "k_char", "z", 'z');
	set_ok(obj, "k_char", "'7'", '7');
	set_ok(obj, "k_char", "7", 7); /* a digit alone is a number */
	set_ok(obj, "k_char", "-1", 0xff);
	set_fails(obj, knobs, "k_char", "ab", EINVAL,
		  CANNOT "'k_char' (const volatile char, in .rodata) to 'ab': a signed char (a 'c' "
		  "or a number) takes a decimal or 0x-hexadecimal number");
	set_fails(obj, knobs, "k_char", "200", ERANGE,
		  CANNOT "'k_char' (const volatile char, in .rodata) to '200': a signed char (a 'c' "
		  "or a number) holds -128 to 127");
	set_ok(obj, "k_bool", "true", 1);
	set_ok(obj, "k_bool", "0", 0);
	set_ok(obj, "k_bool", "1", 1);
	set_ok(obj, "k_bool", "false", 0);
	set_fails(obj, knobs, "k_bool", "yes", EINVAL,
		  CANNOT "'k_bool' (const volatile _Bool, in .rodata) to 'yes': a bool takes true, "
		  "false, 1 or 0");
	set_fails(obj, knobs, "k_bool", "2", EINVAL,
		  CANNOT "'k_bool' (const volatile _Bool, in .rodata) to '2': a bool takes true, "
		  "false, 1 or 0");
	rb_object_close(obj);
}
END_TEST

START_TEST(enums)
{
	struct rb_object *obj = open_knobs(knobs);

	set_ok(obj, "k_mode", "MODE_AUTO", 7);
	set_ok(obj, "k_mode", "1", 1);
	set_ok(obj, "k_mode", "42", 42); /* C allows values that are not enumerators */
	set_ok(obj, "k_delta", "DELTA_DOWN", (uint32_t)-1);
	set_ok(obj, "k_delta", "-5", (uint32_t)-5);
	set_ok(obj, "k_wide", "WIDE_BIG", 0x100000000ull);
	set_fails(obj, knobs, "k_mode", "MODE_MAYBE", EINVAL,
		  CANNOT "'k_mode' (const volatile enum mode, in .rodata) to 'MODE_MAYBE': not an "
		  "enumerator of it (MODE_OFF, MODE_ON, MODE_AUTO) nor a number");
	set_fails(obj, knobs, "k_mode", "-1", ERANGE,
		  CANNOT "'k_mode' (const volatile enum mode, in .rodata) to '-1': a 4-byte enum "
		  "cannot hold a negative value");
	set_fails(obj, knobs, "k_delta", "2147483648", ERANGE,
		  CANNOT "'k_delta' (const volatile enum delta, in .rodata) to '2147483648': a "
		  "4-byte enum holds -2147483648 to 2147483647");
	rb_object_close(obj);
}
END_TEST

START_TEST(char_arrays)
{
	struct rb_object *obj = open_knobs(knobs);
	struct rb_error err = { 0 };
	const uint8_t *p;
	uint32_t size;

	ck_assert_int_eq(rb_object_set_var(obj, "k_name", "hello", &err), 0);
	p = var_bytes(obj, "k_name", &size);
	ck_assert_uint_eq(size, 8);
	ck_assert_int_eq(memcmp(p, "hello\0\0\0", 8), 0);
	ck_assert_int_eq(rb_object_set_var(obj, "k_name", "", &err), 0);
	ck_assert_int_eq(memcmp(p, "\0\0\0\0\0\0\0\0", 8), 0);
	ck_assert_int_eq(rb_object_set_var(obj, "k_name", "1234567", &err), 0);
	ck_assert_int_eq(memcmp(p, "1234567\0", 8), 0);
	set_fails(obj, knobs, "k_name", "12345678", ERANGE,
		  CANNOT "'k_name' (const volatile char[8], in .rodata) to '12345678': 8 "
		  "characters and the NUL do not fit in 8 bytes");
	ck_assert_int_eq(memcmp(p, "1234567\0", 8), 0);
	rb_object_close(obj);
}
END_TEST

START_TEST(unsettable_types)
{
	struct rb_object *obj = open_knobs(knobs);

	set_fails(obj, knobs, "d_ptr", "0", EOPNOTSUPP,
		  CANNOT "'d_ptr' (int *, in .bss) to '0': a pointer cannot be set (an address "
		  "from the command line would mean nothing to the program)");
	set_fails(obj, knobs, "k_pair", "1", EOPNOTSUPP,
		  CANNOT "'k_pair' (const volatile struct pair, in .rodata) to '1': structs and "
		  "unions cannot be set from text (write their fields as separate variables)");
	rb_object_close(obj);
}
END_TEST

START_TEST(unknown_variable_lists_closest_first)
{
	struct rb_object *obj = open_knobs(knobs);
	struct rb_error err = { 0 };
	char want[1024];

	ck_assert_int_eq(rb_object_set_var(obj, "k_u33", "1", &err), -ENOENT);
	snprintf(want, sizeof(want), "%s: no global variable 'k_u33' in .data, .rodata or .bss; "
		 "the settable ones are, closest first: k_u32, k_u8, k_u16, k_s32, k_u64, k_s8, "
		 "k_s16, k_s64, ... (19 in all)", knobs);
	ck_assert_str_eq(err.msg, want);
	rb_object_close(obj);
}
END_TEST

START_TEST(without_btf)
{
	struct rb_object *obj = open_knobs(knobs_nobtf);
	struct rb_error err = { 0 };
	char want[1024];

	ck_assert_int_eq(rb_object_set_var(obj, "k_u32", "1", &err), -EINVAL);
	snprintf(want, sizeof(want), "%s: cannot set variable 'k_u32' (in .rodata): it has no BTF "
		 "type to check the value against (build the object with -g)", knobs_nobtf);
	ck_assert_str_eq(err.msg, want);
	rb_object_close(obj);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("setvar");
	TCase *tc = tcase_create("setvar");

	objtest_build(knobs, sizeof(knobs), "knobs", "knobs", "-g");
	objtest_build(knobs_nobtf, sizeof(knobs_nobtf), "knobs", "nobtf/knobs", "-g0");
	tcase_add_test(tc, unsigned_integers);
	tcase_add_test(tc, signed_integers);
	tcase_add_test(tc, integer_refusals);
	tcase_add_test(tc, chars_and_bools);
	tcase_add_test(tc, enums);
	tcase_add_test(tc, char_arrays);
	tcase_add_test(tc, unsettable_types);
	tcase_add_test(tc, unknown_variable_lists_closest_first);
	tcase_add_test(tc, without_btf);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
