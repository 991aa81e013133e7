/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * ELF reading for BPF objects (libelf underneath): the header checks, the section table,
 * the symbol table and each relocation section tied to the section it patches. Everything
 * here is bounds-checked against the file; nothing is interpreted as BPF yet.
 */
#ifndef RB_LOADER_ELF_H
#define RB_LOADER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

struct elf_section {
	uint32_t idx;
	const char *name;     /* "" when unnamed */
	uint32_t type;        /* SHT_* */
	uint64_t flags;       /* SHF_* */
	uint64_t offset;      /* in the file */
	uint64_t size;
	uint64_t addralign;
	uint64_t entsize;
	uint32_t link;
	uint32_t info;
	const uint8_t *data;  /* file bytes (not byte-swapped); NULL for NOBITS or size 0 */
	int rel_idx;          /* the .rel section patching this one, or -1 */
};

struct elf_symbol {
	const char *name; /* "" when unnamed */
	uint64_t value;
	uint64_t size;
	uint16_t shndx;
	uint8_t type;       /* STT_* */
	uint8_t bind;       /* STB_* */
	uint8_t visibility; /* STV_* */
};

struct elf_reloc {
	uint64_t offset; /* byte offset inside the target section */
	uint32_t sym;    /* index into the symbol table (checked) */
	uint32_t type;   /* R_BPF_* */
	int64_t addend;  /* RELA only; 0 for REL */
};

struct elf_relsec {
	uint32_t sec;    /* the .rel section's own index */
	uint32_t target; /* the section it relocates */
	struct elf_reloc *relocs;
	size_t cnt;
};

struct elf_file {
	char *name;         /* what messages call the file */
	uint8_t *image;     /* our copy of the bytes */
	size_t size;
	void *elf;          /* Elf * */
	bool big_endian;
	struct elf_section *secs;
	size_t sec_cnt;
	struct elf_symbol *syms;
	size_t sym_cnt;
	int symtab_idx; /* -1 without a symbol table */
	struct elf_relsec *rels;
	size_t rel_cnt;
};

/* Open from bytes (copied). name is used in error sentences. */
int elf_file_open_mem(struct elf_file *ef, const char *name, const void *buf, size_t len,
		      struct rb_error *err);
/* Read the whole file at path and open it. */
int elf_file_open_path(struct elf_file *ef, const char *path, struct rb_error *err);
void elf_file_close(struct elf_file *ef);

const struct elf_section *elf_file_section(const struct elf_file *ef, const char *name);
/* The relocation section patching section idx, or NULL. */
const struct elf_relsec *elf_file_relsec_for(const struct elf_file *ef, uint32_t idx);

/* Byte order helpers for reading the file's own fields out of section bytes. */
uint16_t elf_file_u16(const struct elf_file *ef, const void *p);
uint32_t elf_file_u32(const struct elf_file *ef, const void *p);
uint64_t elf_file_u64(const struct elf_file *ef, const void *p);

#endif
