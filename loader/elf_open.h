/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Opening a file for libelf, once for every reader of ELF files (the object loader, USDT
 * notes, uprobe symbol lookups, uprobe.multi globs, BTF from an ELF section): the libelf
 * version handshake, the open, elf_begin and the check that it is an ELF file (not an ar
 * archive or other data), each failure one sentence naming the file.
 */
#ifndef RB_LOADER_ELF_OPEN_H
#define RB_LOADER_ELF_OPEN_H

#include <libelf.h>
#include <stddef.h>

#include "rawbpf.h"

/*
 * path opened read-only and mapped for libelf: *elf and *fd, closed together with
 * elf_open_close. 0, or -errno with e naming path (nothing left open).
 */
int elf_open_path(const char *path, Elf **elf, int *fd, struct rb_error *e);
/* libelf over len bytes at image (kept by the caller while *elf lives); name for errors. */
int elf_open_memory(void *image, size_t len, const char *name, Elf **elf, struct rb_error *e);
/* elf_end and close; either may be NULL / -1. */
void elf_open_close(Elf *elf, int fd);

#endif
