// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* One way to open an ELF file with libelf, and one set of sentences when it fails. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "loader/elf_open.h"
#include "util/err.h"

/* libelf refuses every call until told which ELF version the caller speaks. */
static int libelf_ready(const char *name, struct rb_error *e)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return rb_errorf(e, EINVAL, "%s: libelf is unusable: %s", name, elf_errmsg(-1));
	return 0;
}

/* elf is what elf_begin/elf_memory gave: an ELF file's handle, or the reason it is not. */
static int check_kind(Elf *elf, const char *name, struct rb_error *e)
{
	if (!elf)
		return rb_errorf(e, EINVAL, "%s: not an ELF file: %s", name, elf_errmsg(-1));
	if (elf_kind(elf) == ELF_K_AR)
		return rb_errorf(e, EINVAL, "%s: not an ELF file: an ar archive", name);
	if (elf_kind(elf) != ELF_K_ELF)
		return rb_errorf(e, EINVAL, "%s: not an ELF file: no ELF header", name);
	return 0;
}

int elf_open_path(const char *path, Elf **elf, int *fd, struct rb_error *e)
{
	int r = libelf_ready(path, e);

	*elf = NULL;
	*fd = -1;
	if (r)
		return r;
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return rb_errorf(e, -errno, "%s: cannot open: %s", path, strerror(errno));
	*elf = elf_begin(*fd, ELF_C_READ_MMAP, NULL);
	r = check_kind(*elf, path, e);
	if (r) {
		elf_open_close(*elf, *fd);
		*elf = NULL;
		*fd = -1;
	}
	return r;
}

int elf_open_memory(void *image, size_t len, const char *name, Elf **elf, struct rb_error *e)
{
	int r = libelf_ready(name, e);

	*elf = NULL;
	if (r)
		return r;
	*elf = elf_memory(image, len);
	r = check_kind(*elf, name, e);
	if (r && *elf) {
		elf_end(*elf);
		*elf = NULL;
	}
	return r;
}

void elf_open_close(Elf *elf, int fd)
{
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
}
