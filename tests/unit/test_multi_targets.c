/*
 * loader/multi_targets: kprobe.multi globs against an available_filter_functions file and
 * a kallsyms file (the fallback when the first cannot be read), with duplicates, modules,
 * ftrace's invalid-address placeholders and compiler-split parts; uprobe.multi globs over a
 * program built here, whose offsets must agree with the single-function resolver.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/multi_targets.h"
#include "loader/uprobe_target.h"
#include "testbin.h"
#include "util/err.h"
#include "testlib.h"

static const char filter_funcs[] = "do_unlinkat\n"
				   "do_rmdir\n"
				   "vfs_unlink\n"
				   "do_unlinkat\n" /* listed twice */
				   "__ftrace_invalid_address___64\n"
				   "ext4_unlink [ext4]\n"
				   "tcp_v4_rcv.isra.0\n";

static const char kallsyms[] = "ffffffff80fffff0 t __pfx_do_unlinkat\n"
			       "ffffffff81000000 T do_unlinkat\n"
			       "ffffffff81000100 t do_unlinkat.cold\n"
			       "ffffffff81000200 t vfs_unlink.part.0\n"
			       "ffffffff81000300 t vfs_unlink\n"
			       "ffffffff81000400 D unlink_count\n"
			       "ffffffffc0000000 t ext4_unlink\t[ext4]\n";

static char ff_path[512], ks_path[512];

START_TEST(kprobe_glob_over_filter_functions)
{
	struct multi_funcs f;
	struct rb_error e = {0};

	ck_assert_msg(!multi_kprobe_funcs(ff_path, ks_path, "*unlink*", &f, &e), "%s", e.msg);
	ck_assert_uint_eq(f.cnt, 3); /* sorted, once each */
	ck_assert_str_eq(f.names[0], "do_unlinkat");
	ck_assert_str_eq(f.names[1], "ext4_unlink");
	ck_assert_str_eq(f.names[2], "vfs_unlink");
	ck_assert_ptr_null(f.offs);
	ck_assert_str_eq(f.source, ff_path);
	multi_funcs_free(&f);
	ck_assert_msg(!multi_kprobe_funcs(ff_path, ks_path, "tcp_v4_rcv*", &f, &e), "%s", e.msg);
	ck_assert_uint_eq(f.cnt, 1);
	ck_assert_str_eq(f.names[0], "tcp_v4_rcv.isra.0");
	multi_funcs_free(&f);
	ck_assert_msg(!multi_kprobe_funcs(ff_path, ks_path, "do_?mdir", &f, &e), "%s", e.msg);
	ck_assert_uint_eq(f.cnt, 1);
	multi_funcs_free(&f);
}
END_TEST

START_TEST(kprobe_glob_falls_back_to_kallsyms)
{
	struct multi_funcs f;
	struct rb_error e = {0};

	ck_assert_msg(!multi_kprobe_funcs("/nonexistent/available_filter_functions", ks_path,
					  "*unlink*", &f, &e),
		      "%s", e.msg);
	/* text symbols only, split-off parts left out */
	ck_assert_uint_eq(f.cnt, 3);
	ck_assert_str_eq(f.names[0], "do_unlinkat");
	ck_assert_str_eq(f.names[1], "ext4_unlink");
	ck_assert_str_eq(f.names[2], "vfs_unlink");
	ck_assert_msg(strstr(f.source, "/nonexistent/available_filter_functions (unreadable: "),
		      "%s", f.source);
	multi_funcs_free(&f);
	/* unless the glob asks for them */
	ck_assert_msg(!multi_kprobe_funcs(NULL, ks_path, "*.cold", &f, &e), "%s", e.msg);
	ck_assert_uint_eq(f.cnt, 1);
	ck_assert_str_eq(f.names[0], "do_unlinkat.cold");
	multi_funcs_free(&f);
}
END_TEST

START_TEST(kprobe_glob_matching_nothing)
{
	struct multi_funcs f;
	struct rb_error e = {0};
	char want[1200];

	ck_assert_int_eq(multi_kprobe_funcs(ff_path, ks_path, "vfs_unlinkat*", &f, &e), -ENOENT);
	ck_assert_uint_eq(f.cnt, 0);
	snprintf(want, sizeof(want), "no function matching 'vfs_unlinkat*' in %s", ff_path);
	ck_assert_str_eq(e.msg, want);
	rb_err_clear(&e);
	ck_assert_int_eq(multi_kprobe_funcs(ff_path, ks_path, "do_unlink", &f, &e), -ENOENT);
	snprintf(want, sizeof(want), "no function matching 'do_unlink' in %s (close: do_unlinkat)",
		 ff_path);
	ck_assert_str_eq(e.msg, want);
	rb_err_clear(&e);
	ck_assert_int_eq(multi_kprobe_funcs("/nonexistent/a", "/nonexistent/b", "x*", &f, &e),
			 -ENOENT);
	ck_assert_msg(strstr(e.msg, "cannot read /nonexistent/a (unreadable: "), "%s", e.msg);
}
END_TEST

START_TEST(uprobe_glob_over_a_binary)
{
	char bin[512];
	struct multi_funcs f;
	struct rb_error e = {0};
	uint64_t off;

	testbin_path(bin, sizeof(bin), "target_pie");
	ck_assert_msg(!multi_uprobe_funcs(bin, "rb_*_func", &f, &e), "%s", e.msg);
	ck_assert_uint_eq(f.cnt, 2); /* the global and the static one (.symtab) */
	ck_assert_ptr_nonnull(f.offs);
	for (size_t i = 0; i < f.cnt; i++) {
		ck_assert_msg(!uprobe_func_offset(bin, f.names[i], &off, &e), "%s", e.msg);
		ck_assert_uint_eq(f.offs[i], off);
	}
	ck_assert(f.offs[0] < f.offs[1]); /* sorted by offset */
	ck_assert_str_eq(f.source, bin);
	multi_funcs_free(&f);
	ck_assert_int_eq(multi_uprobe_funcs(bin, "rb_target", &f, &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "no function matching 'rb_target' in the symbol tables of "),
		      "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "(close: rb_target_func)"), "%s", e.msg);
	rb_err_clear(&e);
	testbin_path(bin, sizeof(bin), "nosuch");
	ck_assert_int_eq(multi_uprobe_funcs(bin, "*", &f, &e), -ENOENT);
}
END_TEST

/* ifunc symbols (STT_GNU_IFUNC) name resolvers, run once at binding: a glob leaves them out. */
START_TEST(uprobe_glob_leaves_out_ifuncs)
{
	char bin[512];
	struct multi_funcs f;
	struct rb_error e = {0};

	testbin_path(bin, sizeof(bin), "ifunc");
	ck_assert_int_eq(testbin_sh("readelf -sW ifunc | grep -q 'IFUNC .* rb_glob_ifunc$'"), 0);
	ck_assert_msg(!multi_uprobe_funcs(bin, "rb_glob_*", &f, &e), "%s", e.msg);
	ck_assert_uint_eq(f.cnt, 1);
	ck_assert_str_eq(f.names[0], "rb_glob_plain");
	multi_funcs_free(&f);
	ck_assert_int_eq(multi_uprobe_funcs(bin, "rb_glob_if*", &f, &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "no function matching 'rb_glob_if*' in the symbol tables of ") &&
			      strstr(e.msg, " (.symtab, .dynsym); ifunc symbols are resolvers that "
					    "run once at binding and are left out"),
		      "%s", e.msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("multi_targets");
	TCase *tc = tcase_create("multi_targets");
	int ret;

	snprintf(ff_path, sizeof(ff_path), "%s", testbin_write("filter_functions", filter_funcs));
	snprintf(ks_path, sizeof(ks_path), "%s", testbin_write("kallsyms", kallsyms));
	testbin_write("target.c", testbin_target_src);
	if (testbin_sh("gcc -O2 -g0 -o target_pie target.c")) {
		fprintf(stderr, "building the test binary failed\n");
		return 1;
	}
	testbin_write("ifunc.c",
		      "static int impl(void) { return 1; }\n"
		      "static int (*resolve_it(void))(void) { return impl; }\n"
		      "int rb_glob_ifunc(void) __attribute__((ifunc(\"resolve_it\")));\n"
		      "__attribute__((noinline)) int rb_glob_plain(void) { return 2; }\n"
		      "int main(void) { return rb_glob_ifunc() + rb_glob_plain(); }\n");
	if (testbin_sh("gcc -O2 -g0 -rdynamic -o ifunc ifunc.c")) {
		fprintf(stderr, "building the ifunc test binary failed\n");
		return 1;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, kprobe_glob_over_filter_functions);
	tcase_add_test(tc, kprobe_glob_falls_back_to_kallsyms);
	tcase_add_test(tc, kprobe_glob_matching_nothing);
	tcase_add_test(tc, uprobe_glob_over_a_binary);
	tcase_add_test(tc, uprobe_glob_leaves_out_ifuncs);
	suite_add_tcase(s, tc);
	ret = test_run_suite(s);
	testbin_cleanup();
	return ret;
}
