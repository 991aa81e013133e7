/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Uprobe targets: "binary:function[+offset]" (or "binary:0xOFFSET") to the path and the
 * file offset the kernel's uprobe interface wants. The binary is found like a shell finds
 * a command (PATH) or like the dynamic loader finds a library (ld.so.cache, standard
 * directories); the function is looked up in .symtab and .dynsym, versioned names
 * ("memcpy@@GLIBC_2.14", "f@VER") included, and its address turned into a file offset
 * through the program headers (executables, PIE and shared libraries alike).
 */
#ifndef RB_LOADER_UPROBE_TARGET_H
#define RB_LOADER_UPROBE_TARGET_H

#include <gelf.h>
#include <limits.h>
#include <stdint.h>

#include "rawbpf.h"

struct uprobe_spec {
	char binary[PATH_MAX]; /* as written */
	char func[256];	       /* "" when the target is a raw offset */
	uint64_t offset;       /* "+off" added to the function, or the raw offset */
};

/* Parse "binary:function[+off]" / "binary:0xOFF" / "binary:OFF". -EINVAL with e on error. */
int uprobe_parse_spec(const char *spec, struct uprobe_spec *out, struct rb_error *e);

/*
 * Path of a binary: as is when it has a '/', a library (name containing ".so") through
 * ldcache_find_library, else the first executable of that name on PATH.
 */
int uprobe_find_binary(const char *name, char *out, size_t outlen, struct rb_error *e);

/* A virtual address of the ELF to its file offset, through the PT_LOAD that maps it. */
int uprobe_vaddr_to_offset(Elf *elf, uint64_t vaddr, uint64_t *off);
/*
 * Entry i of a symbol table (data d, string table section strndx): 1 with *sym and *name
 * when it is a defined function with a name and an address, 2 when it is an ifunc
 * (STT_GNU_IFUNC: the symbol is the resolver, which runs once when the dynamic loader
 * binds it, not the implementation calls reach), 0 when it is something else, -1 when the
 * entry cannot be read (stop there).
 */
int uprobe_func_sym(Elf *elf, Elf_Data *d, size_t strndx, size_t i, GElf_Sym *sym,
		    const char **name);

/*
 * File offset of function func in the ELF file at path. func may carry a version
 * ("f@@V" default, "f@V" any). Without one, a function defined in several versions
 * resolves to its default version. -ENOENT (e names the tables searched and the closest
 * names), -EINVAL (ambiguous, e lists the candidates) or -errno.
 */
int uprobe_func_offset(const char *path, const char *func, uint64_t *off, struct rb_error *e);

/* All of it: parse spec, find the binary, resolve the function. */
int uprobe_resolve(const char *spec, char *path, size_t pathlen, uint64_t *off, struct rb_error *e);

#endif
