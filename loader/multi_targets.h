/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Targets of the multi-probe links, from a glob ('*' any run, '?' one character, as shell
 * patterns): uprobe.multi's functions of a binary (its .symtab and .dynsym, to file offsets)
 * and kprobe.multi's kernel functions (tracefs available_filter_functions, the list of
 * functions the kernel can probe; /proc/kallsyms text symbols where that file is unreadable).
 */
#ifndef RB_LOADER_MULTI_TARGETS_H
#define RB_LOADER_MULTI_TARGETS_H

#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

#define MULTI_MAX_TARGETS 65536 /* bounds the arrays a glob may fill */

struct multi_funcs {
	char **names;	/* malloc'd strings */
	uint64_t *offs; /* uprobe: file offsets (NULL for kprobes) */
	size_t cnt;
	char source[700]; /* where the names came from (for messages) */
};

/*
 * Every defined function of the ELF file at path whose name (without a version suffix)
 * matches glob, once per address, in symbol table order. -ENOENT (e names the file and
 * tables searched) when none matches.
 */
int multi_uprobe_funcs(const char *path, const char *glob, struct multi_funcs *out,
		       struct rb_error *e);

/*
 * Kernel functions matching glob, from filter_functions (a file in the format of tracefs
 * available_filter_functions: "name" or "name [module]" per line) or, when it is NULL or
 * cannot be read, from kallsyms ("addr t name [module]" lines; path NULL: the system's).
 * Compiler-made copies ("f.isra.0", "f.cold") are left out unless the glob names them.
 * -ENOENT when none matches, e naming where it looked and the closest names.
 */
int multi_kprobe_funcs(const char *filter_functions, const char *kallsyms, const char *glob,
		       struct multi_funcs *out, struct rb_error *e);

void multi_funcs_free(struct multi_funcs *f);

#endif
