/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A copy of an object's BTF that an older kernel accepts: each kind the kernel lacks is
 * rewritten into one it has, keeping every type id and record size so that func_info,
 * line_info, map key/value type ids and DATASEC offsets stay valid:
 *   VAR -> INT (1 byte), DATASEC -> STRUCT ('.' and '?' in names -> '_'),
 *   FLOAT -> empty STRUCT of the same size, DECL_TAG -> INT, TYPE_TAG -> CONST,
 *   ENUM64 -> UNION of a placeholder INT (ENUM's signedness flag cleared),
 *   global FUNC -> static, and without FUNC support FUNC -> TYPEDEF, FUNC_PROTO -> ENUM.
 * btf/ knows nothing of the kernel: the caller says what the kernel supports.
 */
#ifndef RB_BTF_SANITIZE_H
#define RB_BTF_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "btf/btf.h"

struct btf_kernel_kinds {
	bool func;	  /* FUNC and FUNC_PROTO */
	bool global_func; /* FUNC with global linkage */
	bool datasec;	  /* VAR and DATASEC */
	bool float_kind;
	bool decl_tag;
	bool type_tag;
	bool enum64;
	/*
	 * Global FUNCs to give static linkage whatever the kernel supports: functions the
	 * object made global but hidden (STV_HIDDEN, e.g. usdt.bpf.h's helpers), which the
	 * verifier should check in their caller's context, as for static ones.
	 */
	const char *const *static_funcs;
	size_t static_func_cnt;
};

/* What was rewritten, per kind (for the trace and the load report). */
struct btf_sanitize_counts {
	unsigned int var, datasec, float_kind, decl_tag, type_tag, enum64, enum_kflag;
	unsigned int global_func, hidden_func, func, func_proto;
	unsigned int extern_var, extern_func, ksym_entry;
};

/*
 * Compilers leave DATASEC sizes and variable offsets at 0; the loader knows them from the
 * ELF section and symbol tables. Called once per DATASEC with its entries (copies): set
 * *size and each vars[i].offset (and .size if 0). Return 0 or -errno (with e filled).
 */
typedef int (*btf_datasec_fix_fn)(const struct btf *btf, uint32_t datasec_id, const char *name,
				  uint32_t *size, struct btf_var_secinfo *vars, uint16_t vlen,
				  void *ctx, struct rb_error *e);

/*
 * Besides the kind rewrites, what no kernel accepts in a program's BTF is always fixed:
 * extern VARs (.kconfig) become allocated globals, extern FUNCs (kfuncs) TYPEDEFs of their
 * prototype, and .ksyms DATASEC entries point at a dummy int VAR.
 *
 * Write the sanitised blob (host byte order, standard 24-byte header) to *out (malloc'd,
 * caller frees) and its size to *out_size. A base BTF only (an object's BTF never is split).
 * Returns 0, or -errno with e filled.
 */
int btf_sanitize(const struct btf *btf, const struct btf_kernel_kinds *have,
		 btf_datasec_fix_fn fix, void *fix_ctx, void **out, size_t *out_size,
		 struct btf_sanitize_counts *counts, struct rb_error *e);

#endif
