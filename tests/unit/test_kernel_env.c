/* loader/kernel_env: kallsyms resolution, gzip'd config reading, kernel version. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "loader/kernel_env.h"
#include "relo/kconfig.h"
#include "testlib.h"

static const char kallsyms[] = "ffffffff81000000 T _stext\n"
			       "ffffffff81a02340 d bpf_prog_active\n"
			       "ffffffff81234560 t helper.llvm.1234567890\n"
			       "ffffffffc0a01000 t mod_fn\t[nf_tables]\n"
			       "ffffffff81000010 T dup\n"
			       "ffffffff81000010 T dup\n"
			       "garbage line\n"
			       "ffffffff81000020 T last";

START_TEST(kallsyms_one_pass)
{
	const char *names[] = { "bpf_prog_active", "helper", "mod_fn", "dup", "last", "nope",
				"_stex" };
	uint64_t addrs[7];
	bool found[7];
	struct rb_error e = { 0 };

	ck_assert_int_eq(load_kallsyms_resolve(kallsyms, strlen(kallsyms), names, addrs, found, 7,
					       &e), 0);
	ck_assert_uint_eq(addrs[0], 0xffffffff81a02340ULL);
	ck_assert_uint_eq(addrs[1], 0xffffffff81234560ULL);
	ck_assert_uint_eq(addrs[2], 0xffffffffc0a01000ULL);
	ck_assert_uint_eq(addrs[3], 0xffffffff81000010ULL);
	ck_assert_uint_eq(addrs[4], 0xffffffff81000020ULL);
	ck_assert(found[0] && found[1] && found[2] && found[3] && found[4]);
	ck_assert(!found[5] && addrs[5] == 0);
	ck_assert(!found[6]);

	static const char amb[] = "ffffffff81000010 t x\nffffffff81000018 t x\n";
	const char *x[] = { "x" };

	ck_assert_int_eq(load_kallsyms_resolve(amb, strlen(amb), x, addrs, found, 1, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "/proc/kallsyms: ksym 'x' is ambiguous: 0xffffffff81000010 and "
			 "0xffffffff81000018");
}
END_TEST

START_TEST(reads_gzip_and_plain)
{
	char path[] = "/tmp/rb-kenv-XXXXXX";
	static const char cfg[] = "CONFIG_A=y\nCONFIG_HZ=300\n";
	struct rb_error e = { 0 };
	const char *v;
	size_t len, vlen;
	char *text;
	gzFile gz;
	int fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	gz = gzopen(path, "wb");
	ck_assert_ptr_nonnull(gz);
	ck_assert_int_eq(gzwrite(gz, cfg, sizeof(cfg) - 1), (int)sizeof(cfg) - 1);
	gzclose(gz);
	ck_assert_int_eq(load_read_file(path, &text, &len, &e), 0);
	ck_assert_uint_eq(len, sizeof(cfg) - 1);
	ck_assert_str_eq(text, cfg);
	ck_assert_int_eq(relo_kconfig_find(text, len, "CONFIG_HZ", &v, &vlen), RELO_KCFG_VALUE);
	ck_assert_uint_eq(vlen, 3);
	free(text);

	/* A truncated gzip stream is an error, not garbage. */
	ck_assert_int_eq(truncate(path, 20), 0);
	ck_assert_int_eq(load_read_file(path, &text, &len, &e), -EINVAL);
	ck_assert_str_eq(e.msg + strlen(path), ": gzip data is corrupt or too large");
	unlink(path);
	ck_assert_int_eq(load_read_file(path, &text, &len, &e), -ENOENT);
}
END_TEST

START_TEST(running_kernel_config)
{
	struct rb_error e = { 0 };
	const char *path, *v;
	size_t len, vlen;
	char *text;
	int ret;

	ret = load_read_kconfig(&text, &len, &path, &e);
	if (ret == -ENOENT)
		return; /* a kernel without config files: nothing to check here */
	ck_assert_msg(ret == 0, "%s", e.msg);
	/* Any kernel that runs BPF has this set. */
	ck_assert_int_eq(relo_kconfig_find(text, len, "CONFIG_BPF", &v, &vlen), RELO_KCFG_VALUE);
	ck_assert(vlen == 1 && v[0] == 'y');
	free(text);
}
END_TEST

START_TEST(kernel_version)
{
	uint32_t v;

	ck_assert_int_eq(load_kernel_version("6.18.44-fc-v769", &v), 0);
	ck_assert_uint_eq(v, (6 << 16) | (18 << 8) | 44);
	ck_assert_int_eq(load_kernel_version("5.10.300", &v), 0);
	ck_assert_uint_eq(v, (5 << 16) | (10 << 8) | 255);
	ck_assert_int_eq(load_kernel_version("6.1", &v), 0);
	ck_assert_uint_eq(v, (6 << 16) | (1 << 8));
	ck_assert_int_eq(load_kernel_version("abc", &v), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel_env");
	TCase *tc = tcase_create("kernel_env");

	tcase_add_test(tc, kallsyms_one_pass);
	tcase_add_test(tc, reads_gzip_and_plain);
	tcase_add_test(tc, running_kernel_config);
	tcase_add_test(tc, kernel_version);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
