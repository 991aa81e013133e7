/* Test fixture for CO-RE: compile BPF C with clang, read .BTF/.BTF.ext/a section. */
#ifndef RB_TEST_CORE_FIXTURE_H
#define RB_TEST_CORE_FIXTURE_H

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf.h"
#include "loader/btf_file.h"
#include "testlib.h"

/* Compile tests/unit/core/<name>.bpf.c into a temp object; returns its path (static). */
static inline const char *core_compile(const char *name, char *out, size_t len)
{
	const char *clang = access("/usr/bin/clang-19", X_OK) ? "clang" : "clang-19";
	char cmd[1024];
	int fd;

	snprintf(out, len, "/tmp/rb_core_%s_XXXXXX", name);
	fd = mkstemp(out);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s -target bpf -O2 -g -I/usr/include/$(gcc -dumpmachine) "
		 "-c tests/unit/core/%s.bpf.c -o %s", clang, name, out);
	if (system(cmd)) {
		unlink(out);
		ck_abort_msg("cannot compile tests/unit/core/%s.bpf.c", name);
	}
	return out;
}

/* Copy of section sec's bytes (malloc'd), or NULL. */
static inline void *core_section(const char *path, const char *sec, size_t *size)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	void *copy = NULL;
	int fd = open(path, O_RDONLY);
	Elf *elf;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	elf_getshdrstrndx(elf, &shstrndx);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		gelf_getshdr(scn, &sh);
		if (strcmp(elf_strptr(elf, shstrndx, sh.sh_name), sec))
			continue;
		d = elf_rawdata(scn, NULL);
		copy = malloc(d->d_size);
		memcpy(copy, d->d_buf, d->d_size);
		*size = d->d_size;
		break;
	}
	elf_end(elf);
	close(fd);
	return copy;
}

#endif
