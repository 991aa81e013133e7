/* util/: error contexts and the text buffer. */
#include <string.h>

#include "testlib.h"
#include "util/err.h"
#include "util/strbuf.h"

START_TEST(errorf_fills_and_returns_negative)
{
	struct rb_error e = { 0 };

	ck_assert_int_eq(rb_errorf(&e, 22, "obj.o: section '%s': bad", ".maps"), -22);
	ck_assert_int_eq(e.err, -22);
	ck_assert_str_eq(e.msg, "obj.o: section '.maps': bad");
	ck_assert_int_eq(rb_err_wrap(&e, -22, "loading"), -22);
	ck_assert_str_eq(e.msg, "loading: obj.o: section '.maps': bad");
	ck_assert_int_eq(rb_errorf(NULL, -5, "x"), -5);
}
END_TEST

START_TEST(strbuf_grows)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_str_eq(sb_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		sb_printf(&sb, "%d,", i % 10);
	ck_assert_uint_eq(sb.len, 2000);
	ck_assert(!strncmp(sb_str(&sb), "0,1,2,", 6));
	sb_reset(&sb);
	sb_puts(&sb, "r0 = 1");
	sb_putc(&sb, ';');
	ck_assert_str_eq(sb_str(&sb), "r0 = 1;");
	sb_free(&sb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, errorf_fills_and_returns_negative);
	tcase_add_test(tc, strbuf_grows);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
