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
	char reg[8];	 /* base register as written ("eax", "rbp"), "" for none */
	int reg_off;	 /* offset of its 64-bit register in struct pt_regs, -1 for none */
	bool high8;	 /* %ah, %bh, %ch, %dh: bits 8..15 of the register */
	char idx_reg[8]; /* SIB index register (a SIB operand may have no base: reg_off -1) */
	int idx_reg_off;
	unsigned int scale; /* SIB scale: 1, 2, 4 or 8 */
	/*
	 * "sym+N(%rip)": the symbol, until usdt_read_probes resolves it against the binary
	 * (then val_off is its address + N minus the probe's, read from %rip; sym cleared).
	 */
	char sym[64];
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
 * Whether two probes' arguments are read alike (one spec serves both). Not the same as
 * equal specification strings: "8@counter(%rip)" at two sites is two distances from %rip.
 */
bool usdt_same_args(const struct usdt_probe *a, const struct usdt_probe *b);

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
 * The argument recipe the BPF side reads: struct __bpf_usdt_spec of the object's
 * <bpf/usdt.bpf.h> (an array of struct __bpf_usdt_arg_spec, then usdt_cookie and arg_cnt),
 * stored in its __bpf_usdt_specs map at the spec id the loader passes as the attach cookie.
 * Its layout changed between libbpf versions (1.7 added BPF_USDT_ARG_SIB and the index
 * register and scale as bit-fields), so it is read from the object's BTF: every field as a
 * bit offset and width, the argument kinds by enumerator name.
 */
struct usdt_field {
	uint32_t bit_off; /* from the start of its struct */
	uint32_t bits;	  /* 0: the layout has no such field */
};

struct usdt_spec_layout {
	uint32_t size;	   /* sizeof(struct __bpf_usdt_spec) */
	uint32_t arg_size; /* sizeof(struct __bpf_usdt_arg_spec); args[] starts at args_off */
	uint32_t args_off;
	uint32_t max_args;
	/* in struct __bpf_usdt_arg_spec */
	struct usdt_field val_off, arg_type, reg_off, arg_signed, arg_bitshift;
	struct usdt_field idx_reg_off, scale_bitshift; /* bits 0 before libbpf 1.7 */
	/* in struct __bpf_usdt_spec */
	struct usdt_field cookie, arg_cnt;
	/* enum __bpf_usdt_arg_type values; has_sib false when it has no BPF_USDT_ARG_SIB */
	uint64_t kind_const, kind_reg, kind_deref, kind_sib;
	bool has_sib;
};

#define USDT_SPEC_MAX_SIZE 4096 /* bounds a layout read from an object's BTF */

/* The layout of libbpf 1.0-1.6's usdt.bpf.h (208 bytes, no SIB), for objects without BTF. */
void usdt_layout_legacy(struct usdt_spec_layout *lay);

struct btf;
/*
 * The layout from BTF: spec_type_id is struct __bpf_usdt_spec (the specs map's value type).
 * -EINVAL with e naming the type or field that is missing or not as expected.
 */
int usdt_layout_from_btf(const struct btf *btf, uint32_t spec_type_id,
			 struct usdt_spec_layout *lay, struct rb_error *e);

/*
 * Write probe p's recipe into out (len >= lay->size; the rest of out is zeroed). Returns 0,
 * or -EOPNOTSUPP for an argument the layout cannot express (base + index * scale with a
 * usdt.bpf.h older than libbpf 1.7), -E2BIG for more arguments than it holds.
 */
int usdt_spec_encode(const struct usdt_probe *p, const struct usdt_spec_layout *lay,
		     uint64_t cookie, void *out, size_t len, struct rb_error *e);

/* Offset of a 64-bit register's slot in the x86-64 struct pt_regs, for any of its names
 * ("rax", "eax", "ax", "al"); -1 when unknown. */
int usdt_x86_reg_offset(const char *name);

#endif
