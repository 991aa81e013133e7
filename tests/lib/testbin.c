#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testbin.h"

static char dir[256];

const char *testbin_dir(void)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/rawbpf-testbin-XXXXXX");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			abort();
		}
	}
	return dir;
}

const char *testbin_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", testbin_dir(), name);
	return buf;
}

const char *testbin_write(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	testbin_path(path, sizeof(path), name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		abort();
	}
	return path;
}

int testbin_sh(const char *fmt, ...)
{
	char cmd[2048];
	int n, rc;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && ", testbin_dir());
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc == -1)
		return -1;
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

void testbin_cleanup(void)
{
	char cmd[512];

	if (!dir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	dir[0] = '\0';
}

const char testbin_target_src[] =
	"#define _SDT_HAS_SEMAPHORES 1\n"
	"#include <sys/sdt.h>\n"
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"unsigned short rbtest_hit_semaphore __attribute__((unused, section(\".probes\")));\n"
	"volatile int sink;\n"
	"__attribute__((noinline)) int rb_target_func(int x)\n"
	"{\n"
	"	sink = x;\n"
	"	return x * 3 + 1;\n"
	"}\n"
	"static __attribute__((noinline)) int rb_static_func(int x)\n"
	"{\n"
	"	sink = x + 5;\n"
	"	return x - 7;\n"
	"}\n"
	"int main(int argc, char **argv)\n"
	"{\n"
	"	int x = argc;\n"
	"	long y = argc * 1000L;\n"
	"	if (argc > 2 && !strcmp(argv[1], \"bytes\")) {\n"
	"		const unsigned char *p = !strcmp(argv[2], \"rb_target_func\") ?\n"
	"			(const void *)rb_target_func : (const void *)rb_static_func;\n"
	"		for (int i = 0; i < 16; i++)\n"
	"			printf(\"%02x\", p[i]);\n"
	"		printf(\"\\n\");\n"
	"		return 0;\n"
	"	}\n"
	"	if (rbtest_hit_semaphore)\n"
	"		sink = 1;\n"
	"	STAP_PROBE2(rbtest, hit, x, y);\n"
	"	return (rb_target_func(argc) + rb_static_func(argc)) & 0;\n"
	"}\n";
