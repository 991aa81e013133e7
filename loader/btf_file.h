/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* BTF from files: ELF .BTF extraction (libelf) and the public rb_btf handle. */
#ifndef RB_LOADER_BTF_FILE_H
#define RB_LOADER_BTF_FILE_H

#include "btf/btf.h"
#include "rawbpf.h"

/* Parse the .BTF section of the ELF object at path (-ENOENT when it has none). */
int elf_read_btf(const char *path, const struct btf *base, struct btf **out,
		 struct rb_error *err);
/* Parse the .BTF.ext section of the ELF object at path against its .BTF (-ENOENT if none). */
int elf_read_btf_ext(const char *path, const struct btf *btf, struct btf_ext **out,
		     struct rb_error *err);
/* The struct btf inside a public handle (NULL for NULL). */
const struct btf *rb_btf_inner(const struct rb_btf *btf);

#endif
