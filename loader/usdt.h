/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * USDT probes (SystemTap SDT notes, <sys/sdt.h>): the ".note.stapsdt" notes of a binary
 * (provider, name, probe address, semaphore, argument specification), turned into what an
 * attach needs: the probe's file offset for the uprobe, the semaphore's file offset for
 * ref_ctr_offset, and each argument as size, signedness and location (constant, register,
 * memory at register + offset, or base + index * scale) for the BPF side to fetch it.
 * Argument specifications are parsed for x86-64 (the AT&T operands gcc and clang emit).
 */
#ifndef RB_LOADER_USDT_H
#define RB_LOADER_USDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

#define USDT_MAX_ARGS 12 /* what <sys/sdt.h> can emit */

enum usdt_arg_kind {
	USDT_ARG_CONST,	    /* "4@$5": the value is val_off */
	USDT_ARG_REG,	    /* "-4@%eax": the register */
	USDT_ARG_REG_DEREF, /* "8@-16(%rbp)": memory at register + val_off */
	USDT_ARG_SIB,	    /* "8@8(%rax,%rdx,4)": memory at base + index * scale + val_off */
};

struct usdt_arg {
	enum usdt_arg_kind kind;
	unsigned int size; /* bytes: 1, 2, 4 or 8 */
	bool is_signed;
	int64_t val_off; /* constant or displacement */
	char reg[8];	 /* base register as written ("eax", "rbp"), "" for a constant */
	int reg_off;	 /* offset of its 64-bit register in struct pt_regs, -1 for none */
	char idx_reg[8]; /* SIB index register */
	int idx_reg_off;
	unsigned int scale; /* SIB scale: 1, 2, 4 or 8 */
};

struct usdt_probe {
	char provider[64];
	char name[64];
	uint64_t addr;	    /* virtual address of the probe site */
	uint64_t file_off;  /* the uprobe's offset */
	uint64_t sema_addr; /* 0: no semaphore */
	uint64_t sema_off;  /* the semaphore's file offset (uprobe ref_ctr_offset) */
	char args_str[256];
	int nargs;
	struct usdt_arg args[USDT_MAX_ARGS];
	/*
	 * A probe this loader cannot use (site or semaphore outside the loadable segments,
	 * arguments it cannot read): -errno and why. It fails only an attach that picks it,
	 * not the reading of the other probes of the binary.
	 */
	int err;
	char why[256];
};

/*
 * Parse an argument specification ("-4@%eax 8@-16(%rbp) 4@$5") into args (up to max).
 * Returns the count, or -EINVAL with e naming the argument that could not be read.
 */
int usdt_parse_args(const char *spec, struct usdt_arg *args, int max, struct rb_error *e);

/*
 * Every USDT probe of the ELF file at path. *probes is malloc'd (free it); 0 probes is not
 * an error. -errno with e filled on unreadable or malformed notes.
 */
int usdt_read_probes(const char *path, struct usdt_probe **probes, size_t *cnt, struct rb_error *e);

/*
 * The probes named provider:name in path (a binary can have several sites for one probe).
 * -ENOENT when there are none (e lists the probes that exist).
 */
int usdt_find(const char *path, const char *provider, const char *name, struct usdt_probe **probes,
	      size_t *cnt, struct rb_error *e);

/*
 * The argument recipe the BPF side reads: struct __bpf_usdt_spec of libbpf's
 * <bpf/usdt.bpf.h> (as installed: 12 args of {u64 val_off; u32 arg_type; s16 reg_off;
 * bool arg_signed; s8 arg_bitshift}, then u64 usdt_cookie, s16 arg_cnt; 208 bytes). The
 * loader stores it in the object's __bpf_usdt_specs map at the spec id it passes as the
 * attach cookie. Returns 0, or -EOPNOTSUPP for an argument that layout cannot express
 * (base + index * scale: that usdt.bpf.h has no SIB kind).
 */
#define USDT_SPEC_SIZE 208
int usdt_spec_encode(const struct usdt_probe *p, uint64_t cookie, void *out, size_t len,
		     struct rb_error *e);

/* Offset of a 64-bit register's slot in the x86-64 struct pt_regs, for any of its names
 * ("rax", "eax", "ax", "al"); -1 when unknown. */
int usdt_x86_reg_offset(const char *name);

#endif
