/* Helpers for the object-model tests: build test objects with clang, mutate ELF bytes. */
#ifndef RB_TEST_OBJTEST_H
#define RB_TEST_OBJTEST_H

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testlib.h"

/*
 * Compile tests/unit/objs/<src>.bpf.c with clang (flags e.g. "-g", "-g0", "-target bpfeb")
 * into BUILD/tests/objs/<out>.o and return the path in path. Called from main() before the
 * suite forks, so each object is built once; exits the test program if clang fails.
 */
static inline const char *objtest_build(char *path, size_t len, const char *src, const char *out,
					const char *flags)
{
	char cmd[2048];
	const char *clang = access("/usr/bin/clang-19", X_OK) == 0 ? "clang-19" : "clang";

	snprintf(path, len, "%s/tests/objs/%s.o", test_build_dir(), out);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname %s)\"", path);
	if (system(cmd)) {
		fprintf(stderr, "cannot create %s/tests/objs\n", test_build_dir());
		exit(1);
	}
	snprintf(cmd, sizeof(cmd),
		 "%s -O2 -target bpf %s -I/usr/include/$(gcc -dumpmachine) -Wno-unused-function "
		 "-c tests/unit/objs/%s.bpf.c -o %s", clang, flags, src, path);
	if (system(cmd)) {
		fprintf(stderr, "compiling %s failed: %s\n", src, cmd);
		exit(1);
	}
	return path;
}

static inline Elf64_Shdr *objtest_shdr(uint8_t *img, unsigned int idx)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;

	return (Elf64_Shdr *)(img + eh->e_shoff + (size_t)idx * eh->e_shentsize);
}

/* Index of the section called name, or abort. */
static inline unsigned int objtest_find(uint8_t *img, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Shdr *strs = objtest_shdr(img, eh->e_shstrndx);

	for (unsigned int i = 1; i < eh->e_shnum; i++)
		if (!strcmp((char *)img + strs->sh_offset + objtest_shdr(img, i)->sh_name, name))
			return i;
	ck_abort_msg("no section %s", name);
	return 0;
}

#endif
