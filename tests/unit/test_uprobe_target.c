/*
 * loader/ldcache and loader/uprobe_target: library lookup like the dynamic loader, and
 * function names to file offsets in binaries built here with gcc (PIE, non-PIE, a shared
 * library with versioned symbols). Offsets are checked independently: the bytes at the
 * computed file offset must equal the function's code as the running program sees it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "testbin.h"
#include "loader/ldcache.h"
#include "loader/uprobe_target.h"

static const char vlib_src[] = "__attribute__((noinline)) int vfunc_v1(int x) { return x + 11; }\n"
			       "__attribute__((noinline)) int vfunc_v2(int x) { return x * 22; }\n"
			       "__asm__(\".symver vfunc_v1, vfunc@VER_1\");\n"
			       "__asm__(\".symver vfunc_v2, vfunc@@VER_2\");\n"
			       "int plain_func(int x) { return x ^ 0x5a5a; }\n";
static const char vlib_map[] = "VER_1 { global: vfunc; plain_func; local: *; };\n"
			       "VER_2 { global: vfunc; } VER_1;\n";

/* Build everything once per test process (each Check test forks from a built state). */
static void must(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "building test binaries: %s failed (%d)\n", what, rc);
		exit(1);
	}
}

static void build_targets(void)
{
	testbin_write("target.c", testbin_target_src);
	testbin_write("vlib.c", vlib_src);
	testbin_write("vlib.map", vlib_map);
	must(testbin_sh("gcc -O2 -g0 -o target_pie target.c"), "gcc (PIE)");
	must(testbin_sh("gcc -O2 -g0 -no-pie -o target_nopie target.c"), "gcc -no-pie");
	must(testbin_sh("cp target_pie target_stripped && strip -s target_stripped"), "strip");
	must(testbin_sh("gcc -O2 -g0 -shared -fPIC -Wl,--version-script=vlib.map "
			"-o libvtest.so.1 vlib.c"),
	     "gcc -shared");
}

static void file_bytes_hex(const char *path, uint64_t off, char *hex)
{
	unsigned char b[16];
	int fd = open(path, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, b, 16, (off_t)off), 16);
	close(fd);
	for (int i = 0; i < 16; i++)
		sprintf(hex + 2 * i, "%02x", b[i]);
}

/* The executable's own view of its function's first bytes. */
static void run_bytes(const char *bin, const char *func, char *hex)
{
	char cmd[600];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s bytes %s", bin, func);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(hex, 40, p));
	hex[32] = '\0';
	pclose(p);
}

START_TEST(exec_functions_pie_and_nopie)
{
	static const char *bins[] = {"target_pie", "target_nopie"};
	static const char *funcs[] = {"rb_target_func", "rb_static_func"};

	for (int b = 0; b < 2; b++)
		for (int f = 0; f < 2; f++) {
			char path[512], want[40], got[40];
			struct rb_error e = {0};
			uint64_t off = 0;

			testbin_path(path, sizeof(path), bins[b]);
			ck_assert_msg(!uprobe_func_offset(path, funcs[f], &off, &e), "%s", e.msg);
			run_bytes(path, funcs[f], want);
			file_bytes_hex(path, off, got);
			ck_assert_msg(!strcmp(want, got), "%s %s at file offset 0x%llx: %s != %s",
				      bins[b], funcs[f], (unsigned long long)off, got, want);
		}
}
END_TEST

START_TEST(spec_with_offset_and_resolve)
{
	char spec[600], path[512], bin[512];
	struct rb_error e = {0};
	uint64_t off = 0, base = 0;

	testbin_path(bin, sizeof(bin), "target_pie");
	ck_assert(!uprobe_func_offset(bin, "rb_target_func", &base, &e));
	snprintf(spec, sizeof(spec), "%s:rb_target_func+0x4", bin);
	ck_assert_msg(!uprobe_resolve(spec, path, sizeof(path), &off, &e), "%s", e.msg);
	ck_assert_str_eq(path, bin);
	ck_assert_uint_eq(off, base + 4);
	snprintf(spec, sizeof(spec), "%s:0x1234", bin);
	ck_assert(!uprobe_resolve(spec, path, sizeof(path), &off, &e));
	ck_assert_uint_eq(off, 0x1234);
}
END_TEST

START_TEST(spec_parse_errors)
{
	struct uprobe_spec s;
	struct rb_error e = {0};

	ck_assert_int_eq(uprobe_parse_spec("/bin/true", &s, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "uprobe target '/bin/true': expected binary:function[+offset] or "
				"binary:offset");
	ck_assert_int_eq(uprobe_parse_spec("/bin/true:main+x", &s, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "uprobe target '/bin/true:main+x': bad offset 'x'");
	ck_assert_int_eq(uprobe_parse_spec(":main", &s, &e), -EINVAL);
	ck_assert_int_eq(uprobe_parse_spec("/bin/true:", &s, &e), -EINVAL);
	ck_assert_int_eq(uprobe_parse_spec("libc.so.6:malloc+16", &s, &e), 0);
	ck_assert_str_eq(s.binary, "libc.so.6");
	ck_assert_str_eq(s.func, "malloc");
	ck_assert_uint_eq(s.offset, 16);
}
END_TEST

START_TEST(missing_function_names_closest)
{
	char bin[512], want[700];
	struct rb_error e = {0};
	uint64_t off;

	testbin_path(bin, sizeof(bin), "target_pie");
	ck_assert_int_eq(uprobe_func_offset(bin, "rb_target", &off, &e), -ENOENT);
	snprintf(want, sizeof(want),
		 "%s: no function 'rb_target' in .symtab and .dynsym (static and inlined, or "
		 "renamed?); closest: rb_target_func",
		 bin);
	ck_assert_str_eq(e.msg, want);
	testbin_path(bin, sizeof(bin), "target_stripped");
	ck_assert_int_eq(uprobe_func_offset(bin, "rb_static_func", &off, &e), -ENOENT);
	snprintf(want, sizeof(want),
		 "%s: no function 'rb_static_func' in .dynsym (static and "
		 "inlined, or renamed?)",
		 bin);
	ck_assert_str_eq(e.msg, want);
}
END_TEST

START_TEST(shared_library_versioned_symbols)
{
	static const struct {
		const char *spec, *dlname, *dlver;
	} cases[] = {
		{"vfunc", "vfunc", NULL}, /* the default version, VER_2 */
		{"vfunc@@VER_2", "vfunc", "VER_2"}, {"vfunc@VER_2", "vfunc", "VER_2"},
		{"vfunc@VER_1", "vfunc", "VER_1"},  {"plain_func", "plain_func", NULL},
	};
	char lib[512];
	void *h;
	Dl_info info;

	testbin_path(lib, sizeof(lib), "libvtest.so.1");
	h = dlopen(lib, RTLD_NOW);
	ck_assert_msg(h, "%s", dlerror());
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rb_error e = {0};
		char got[40], want[40];
		uint64_t off = 0;
		const unsigned char *fn = cases[i].dlver
						  ? dlvsym(h, cases[i].dlname, cases[i].dlver)
						  : dlsym(h, cases[i].dlname);

		ck_assert_ptr_nonnull(fn);
		ck_assert(dladdr(fn, &info));
		ck_assert_msg(!uprobe_func_offset(lib, cases[i].spec, &off, &e), "%s: %s",
			      cases[i].spec, e.msg);
		for (int k = 0; k < 16; k++)
			sprintf(want + 2 * k, "%02x", fn[k]);
		file_bytes_hex(lib, off, got);
		ck_assert_msg(!strcmp(got, want), "%s: file offset 0x%llx has %s, memory %s",
			      cases[i].spec, (unsigned long long)off, got, want);
	}
	/* v1 and v2 differ: the version really selected something */
	ck_assert_ptr_ne(dlvsym(h, "vfunc", "VER_1"), dlvsym(h, "vfunc", "VER_2"));
	dlclose(h);
}
END_TEST

START_TEST(not_elf_and_truncated)
{
	struct rb_error e = {0};
	char path[512];
	uint64_t off;

	testbin_write("garbage", "this is not an ELF file at all\n");
	testbin_path(path, sizeof(path), "garbage");
	ck_assert_int_eq(uprobe_func_offset(path, "main", &off, &e), -EINVAL);
	ck_assert(strstr(e.msg, "not an ELF file"));
	/* every truncation of a real binary: an error or a result, never a crash */
	ck_assert_int_eq(testbin_sh("head -c 3000 target_pie > trunc"), 0);
	testbin_path(path, sizeof(path), "trunc");
	ck_assert_int_lt(uprobe_func_offset(path, "rb_target_func", &off, &e), 0);
	testbin_path(path, sizeof(path), "no-such-file");
	ck_assert_int_eq(uprobe_func_offset(path, "main", &off, &e), -ENOENT);
}
END_TEST

START_TEST(find_binary_on_path_and_libraries)
{
	struct rb_error e = {0};
	char out[512];

	ck_assert_msg(!uprobe_find_binary("sh", out, sizeof(out), &e), "%s", e.msg);
	ck_assert(access(out, X_OK) == 0 && strchr(out, '/'));
	ck_assert_msg(!uprobe_find_binary("libc.so.6", out, sizeof(out), &e), "%s", e.msg);
	ck_assert(strstr(out, "/libc.so.6"));
	ck_assert_int_eq(uprobe_find_binary("libnothere.so.9", out, sizeof(out), &e), -ENOENT);
	ck_assert(strstr(e.msg, "library libnothere.so.9 not found (looked in LD_LIBRARY_PATH, "
				"/etc/ld.so.cache"));
	ck_assert_int_eq(uprobe_find_binary("no-such-command-rb", out, sizeof(out), &e), -ENOENT);
}
END_TEST

/* A glibc-format cache image with the given entries (flags, key, value). */
static size_t make_cache(unsigned char *buf, size_t cap, int n, const uint32_t *flags,
			 const char *const *keys, const char *const *vals)
{
	size_t strs = 48 + (size_t)n * 24, pos = strs;
	uint32_t v;

	memset(buf, 0, cap);
	memcpy(buf, "glibc-ld.so.cache1.1", 20);
	v = (uint32_t)n;
	memcpy(buf + 20, &v, 4);
	for (int i = 0; i < n; i++) {
		unsigned char *ent = buf + 48 + i * 24;

		memcpy(ent, &flags[i], 4);
		v = (uint32_t)pos;
		memcpy(ent + 4, &v, 4);
		strcpy((char *)buf + pos, keys[i]);
		pos += strlen(keys[i]) + 1;
		v = (uint32_t)pos;
		memcpy(ent + 8, &v, 4);
		strcpy((char *)buf + pos, vals[i]);
		pos += strlen(vals[i]) + 1;
	}
	return pos;
}

START_TEST(ldcache_images)
{
	static const uint32_t flags[] = {0x0003 /* i386 */, 0x0303 /* x86-64 */};
	static const char *const keys[] = {"libz.so.1", "libz.so.1"};
	static const char *const vals[] = {"/lib32/libz.so.1", "/lib/x86_64-linux-gnu/libz.so.1"};
	unsigned char img[1024], old[1100];
	struct rb_error e = {0};
	char out[256];
	size_t len = make_cache(img, sizeof(img), 2, flags, keys, vals);
	uint32_t v;

	ck_assert_int_eq(ldcache_lookup(img, len, "libz.so.1", out, sizeof(out), &e), 0);
	ck_assert_str_eq(out, "/lib/x86_64-linux-gnu/libz.so.1");
	ck_assert_int_eq(ldcache_lookup(img, len, "libq.so.1", out, sizeof(out), &e), -ENOENT);
	/* old table first, glibc part after it (8-aligned), offsets relative to that part */
	memset(old, 0, sizeof(old));
	memcpy(old, "ld.so-1.7.0", 11);
	v = 1;
	memcpy(old + 12, &v, 4);
	memcpy(old + 32, img, len); /* 16 + 12 = 28, aligned to 32 */
	ck_assert_int_eq(ldcache_lookup(old, 32 + len, "libz.so.1", out, sizeof(out), &e), 0);
	ck_assert_str_eq(out, "/lib/x86_64-linux-gnu/libz.so.1");
	/* hostile: a count larger than the file, a string offset outside it, a bad magic */
	v = 1000000;
	memcpy(img + 20, &v, 4);
	ck_assert_int_eq(ldcache_lookup(img, len, "libz.so.1", out, sizeof(out), &e), -EINVAL);
	ck_assert_str_eq(e.msg, "ld.so.cache: 1000000 entries do not fit in 165 bytes");
	v = 2;
	memcpy(img + 20, &v, 4);
	v = 5000;
	memcpy(img + 48 + 24 + 8, &v, 4);
	ck_assert_int_eq(ldcache_lookup(img, len, "libz.so.1", out, sizeof(out), &e), -EINVAL);
	ck_assert_str_eq(e.msg, "ld.so.cache: entry 1 has a string offset outside the file");
	ck_assert_int_eq(ldcache_lookup("nope", 4, "libz.so.1", out, sizeof(out), &e), -EINVAL);
	/* the real cache of this machine */
	ck_assert_msg(!ldcache_find_library("libc.so.6", NULL, out, sizeof(out), &e), "%s", e.msg);
	ck_assert(access(out, R_OK) == 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("uprobe_target");
	TCase *tc = tcase_create("uprobe_target");
	int ret;

	build_targets();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, exec_functions_pie_and_nopie);
	tcase_add_test(tc, spec_with_offset_and_resolve);
	tcase_add_test(tc, spec_parse_errors);
	tcase_add_test(tc, missing_function_names_closest);
	tcase_add_test(tc, shared_library_versioned_symbols);
	tcase_add_test(tc, not_elf_and_truncated);
	tcase_add_test(tc, find_binary_on_path_and_libraries);
	tcase_add_test(tc, ldcache_images);
	suite_add_tcase(s, tc);
	ret = test_run_suite(s);
	testbin_cleanup();
	return ret;
}
