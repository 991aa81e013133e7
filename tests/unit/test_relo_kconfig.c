/* relo/kconfig: CONFIG_* values found in config text and stored with their C types. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "relo/kconfig.h"
#include "testlib.h"

static const char config[] = "#\n# Automatically generated file; DO NOT EDIT.\n"
			     "CONFIG_BPF=y\n"
			     "CONFIG_HZ=250\n"
			     "CONFIG_HZ_250=y\n"
			     "# CONFIG_KPROBES is not set\n"
			     "CONFIG_NF_TABLES=m\n"
			     "CONFIG_LOCALVERSION=\"-amd64\"\n"
			     "CONFIG_PHYSICAL_START=0x1000000\n"
			     "CONFIG_NEG=-5\n"
			     "CONFIG_LAST=n";

static void find(const char *name, const char *want)
{
	const char *v;
	size_t n;

	if (!want) {
		ck_assert(!relo_kconfig_find(config, strlen(config), name, &v, &n));
		return;
	}
	ck_assert_msg(relo_kconfig_find(config, strlen(config), name, &v, &n) == RELO_KCFG_VALUE,
		      "%s", name);
	ck_assert_uint_eq(n, strlen(want));
	ck_assert(!memcmp(v, want, n));
}

START_TEST(finds_values)
{
	find("CONFIG_BPF", "y");
	find("CONFIG_HZ", "250");   /* not CONFIG_HZ_250 */
	find("CONFIG_HZ_250", "y");
	find("CONFIG_NF_TABLES", "m");
	/* "is not set" is reported as such: libbpf treats it as absent. */
	const char *v;
	size_t n;

	ck_assert_int_eq(relo_kconfig_find(config, strlen(config), "CONFIG_KPROBES", &v, &n),
			 RELO_KCFG_NOT_SET);
	find("CONFIG_NF_TABLES", "m");
	find("CONFIG_LOCALVERSION", "\"-amd64\"");
	find("CONFIG_LAST", "n");   /* last line without newline */
	find("CONFIG_BP", NULL);    /* prefix of a name */
	find("CONFIG_NOPE", NULL);
}
END_TEST

static int store(enum relo_kcfg_type t, uint32_t size, bool sgn, const char *val, uint8_t *dst,
		 struct rb_error *e)
{
	struct relo_kcfg_var v = { "CONFIG_X", t, size, sgn };

	return relo_kconfig_store(&v, val, strlen(val), dst, "k.o", e);
}

START_TEST(stores_typed_values)
{
	struct rb_error e = { 0 };
	uint8_t b[16];
	uint64_t u64;
	int32_t s32;
	uint32_t u32;

	memset(b, 0xaa, sizeof(b));
	ck_assert_int_eq(store(RELO_KCFG_BOOL, 1, false, "y", b, &e), 0);
	ck_assert_uint_eq(b[0], 1);
	ck_assert_int_eq(store(RELO_KCFG_BOOL, 1, false, "n", b, &e), 0);
	ck_assert_uint_eq(b[0], 0);
	ck_assert_int_eq(store(RELO_KCFG_TRISTATE, 4, false, "m", b, &e), 0);
	memcpy(&u32, b, 4);
	ck_assert_uint_eq(u32, 2);
	ck_assert_int_eq(store(RELO_KCFG_TRISTATE, 4, false, "y", b, &e), 0);
	memcpy(&u32, b, 4);
	ck_assert_uint_eq(u32, 1);
	ck_assert_int_eq(store(RELO_KCFG_CHAR, 1, false, "m", b, &e), 0);
	ck_assert_uint_eq(b[0], 'm');
	ck_assert_int_eq(store(RELO_KCFG_INT, 4, false, "250", b, &e), 0);
	memcpy(&u32, b, 4);
	ck_assert_uint_eq(u32, 250);
	ck_assert_int_eq(store(RELO_KCFG_INT, 8, false, "0x1000000", b, &e), 0);
	memcpy(&u64, b, 8);
	ck_assert_uint_eq(u64, 0x1000000);
	ck_assert_int_eq(store(RELO_KCFG_INT, 4, true, "-5", b, &e), 0);
	memcpy(&s32, b, 4);
	ck_assert_int_eq(s32, -5);
	memset(b, 0xaa, sizeof(b));
	ck_assert_int_eq(store(RELO_KCFG_CHAR_ARR, 4, false, "\"-amd64\"", b, &e), 0);
	ck_assert_str_eq((char *)b, "-am");
	ck_assert_int_eq(store(RELO_KCFG_CHAR_ARR, 16, false, "\"-amd64\"", b, &e), 0);
	ck_assert_str_eq((char *)b, "-amd64");
	ck_assert_uint_eq(b[15], 0);
}
END_TEST

START_TEST(refuses_mismatches)
{
	struct rb_error e = { 0 };
	uint8_t b[8];

	ck_assert_int_eq(store(RELO_KCFG_BOOL, 1, false, "m", b, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "k.o: kconfig extern 'CONFIG_X': value 'm' is a module (m), which "
			 "a bool cannot hold");
	ck_assert_int_eq(store(RELO_KCFG_INT, 4, false, "y", b, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "k.o: kconfig extern 'CONFIG_X': value 'y' is y/n/m, which needs "
			 "a bool, char or tristate");
	ck_assert_int_eq(store(RELO_KCFG_INT, 1, false, "300", b, &e), -ERANGE);
	ck_assert_str_eq(e.msg, "k.o: kconfig extern 'CONFIG_X': value 300 (0x12c) does not fit "
			 "in 1 byte(s)");
	ck_assert_int_eq(store(RELO_KCFG_INT, 1, true, "-129", b, &e), -ERANGE);
	ck_assert_int_eq(store(RELO_KCFG_INT, 1, true, "-128", b, &e), 0);
	ck_assert_int_eq(store(RELO_KCFG_BOOL, 1, false, "2", b, &e), -ERANGE);
	ck_assert_int_eq(store(RELO_KCFG_INT, 4, false, "\"x\"", b, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "k.o: kconfig extern 'CONFIG_X': value '\"x\"' is a string, which "
			 "needs a char array");
	ck_assert_int_eq(store(RELO_KCFG_CHAR_ARR, 4, false, "\"x", b, &e), -EINVAL);
	ck_assert_int_eq(store(RELO_KCFG_INT, 4, false, "12abc", b, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "k.o: kconfig extern 'CONFIG_X': value '12abc' is not a number");
	ck_assert_int_eq(store(RELO_KCFG_TRISTATE, 4, false, "1", b, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "k.o: kconfig extern 'CONFIG_X': a number cannot be stored in a "
			 "tristate");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("relo_kconfig");
	TCase *tc = tcase_create("kconfig");

	tcase_add_test(tc, finds_values);
	tcase_add_test(tc, stores_typed_values);
	tcase_add_test(tc, refuses_mismatches);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
