#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "testlib.h"

const char *test_build_dir(void)
{
	const char *b = getenv("BUILD");

	return b && b[0] ? b : "build";
}

const char *test_sample_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/samples/%s", test_build_dir(), name);
	return buf;
}

char *test_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void test_skip(const char *reason)
{
	printf("SKIP: %s\n", reason);
	fflush(stdout);
	exit(TEST_SKIP);
}

void test_require_kernel(void)
{
	union bpf_attr attr;
	const char *req = getenv("RAWBPF_REQUIRE_KERNEL");
	bool required = req && !strcmp(req, "1");
	char why[256];
	long fd;

	/* The smallest real request: an array map with one entry. */
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd >= 0) {
		close((int)fd);
		return;
	}
	snprintf(why, sizeof(why), "bpf(2) is not usable here (BPF_MAP_CREATE: %s)%s",
		 strerror(errno), geteuid() ? "; kernel tests need root" : "");
	if (required) {
		printf("FAIL: %s, and RAWBPF_REQUIRE_KERNEL=1\n", why);
		exit(1);
	}
	test_skip(why);
}

int test_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

int test_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
