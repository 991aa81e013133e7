/*
 * loader/elf_open: the one way rawbpf opens ELF files (objects, USDT notes, uprobe symbols,
 * uprobe.multi globs, BTF sections). A real ELF file opens; a missing file, a text file, an
 * ar archive and bytes with no ELF header each give their sentence naming the file, and
 * nothing stays open after a failure (fd count unchanged).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "testbin.h"
#include "loader/elf_open.h"

START_TEST(opens_an_elf_file)
{
	struct rb_error e = {0};
	char path[512];
	Elf *elf;
	int fd, before = test_count_fds();

	test_sample_path(path, sizeof(path), "hello.bpf.o");
	ck_assert_int_eq(elf_open_path(path, &elf, &fd, &e), 0);
	ck_assert_ptr_nonnull(elf);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(elf_kind(elf), ELF_K_ELF);
	elf_open_close(elf, fd);
	ck_assert_int_eq(test_count_fds(), before);
}
END_TEST

static void expect_refused(const char *path, int err, const char *msg)
{
	struct rb_error e = {0};
	Elf *elf = (Elf *)1;
	int fd = 1, before = test_count_fds();

	ck_assert_int_eq(elf_open_path(path, &elf, &fd, &e), err);
	ck_assert_ptr_null(elf);
	ck_assert_int_eq(fd, -1);
	ck_assert_str_eq(e.msg, msg);
	ck_assert_int_eq(test_count_fds(), before);
}

START_TEST(refusals_name_the_file)
{
	char path[512], msg[700];

	testbin_path(path, sizeof(path), "missing");
	snprintf(msg, sizeof(msg), "%s: cannot open: No such file or directory", path);
	expect_refused(path, -ENOENT, msg);

	testbin_write("text", "not an ELF file\n");
	testbin_path(path, sizeof(path), "text");
	snprintf(msg, sizeof(msg), "%s: not an ELF file: no ELF header", path);
	expect_refused(path, -EINVAL, msg);

	testbin_write("lib.a", "!<arch>\n");
	testbin_path(path, sizeof(path), "lib.a");
	snprintf(msg, sizeof(msg), "%s: not an ELF file: an ar archive", path);
	expect_refused(path, -EINVAL, msg);
}
END_TEST

START_TEST(memory_without_elf_header)
{
	static char bytes[64] = "\177ELF but nothing after the magic";
	struct rb_error e = {0};
	Elf *elf;

	memset(bytes + 4, 0, sizeof(bytes) - 4); /* magic, then an invalid class */
	ck_assert_int_lt(elf_open_memory(bytes, sizeof(bytes), "mem.o", &elf, &e), 0);
	ck_assert_ptr_null(elf);
	ck_assert_msg(!strncmp(e.msg, "mem.o: not an ELF file: ", 24), "%s", e.msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elf_open");
	TCase *tc = tcase_create("elf_open");
	int ret;

	tcase_add_test(tc, opens_an_elf_file);
	tcase_add_test(tc, refusals_name_the_file);
	tcase_add_test(tc, memory_without_elf_header);
	suite_add_tcase(s, tc);
	ret = test_run_suite(s);
	testbin_cleanup();
	return ret;
}
