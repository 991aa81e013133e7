/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * rawbpf — load BPF objects into the kernel without libbpf, and show the work.
 *
 * The public library API. Every function that can fail returns a negative errno and,
 * when given one, fills a struct rb_error with one sentence naming the object, section,
 * program, map or instruction concerned. The library never prints and never exits.
 */
#ifndef RAWBPF_H
#define RAWBPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RB_API __attribute__((visibility("default")))

#define RB_VERSION_MAJOR 0
#define RB_VERSION_MINOR 1
#define RB_VERSION_PATCH 0

/* Error context: err is the negative errno, msg one human sentence. */
struct rb_error {
	int err;
	char msg[1024];
};

RB_API const char *rb_version(void);

/*
 * Trace hook: every stage of the load path and every syscall reports here. This is how
 * `rawbpf --trace` shows the load path; tests use it to assert on what happened.
 */
enum rb_trace_kind {
	RB_TRACE_STAGE,   /* a load-path stage begins: what = stage name */
	RB_TRACE_SYSCALL, /* a bpf(2)/perf_event_open(2)/... call completed */
	RB_TRACE_RELO,    /* a relocation decision */
	RB_TRACE_INFO,    /* anything else worth telling */
};

struct rb_trace_event {
	enum rb_trace_kind kind;
	const char *what;     /* stage name, syscall command ("BPF_PROG_LOAD"), ... */
	const char *detail;   /* key attributes or the decision, in words */
	long long result;     /* syscall result (fd, 0) or -errno */
	uint64_t duration_ns; /* syscall duration; 0 for other events */
};

typedef void (*rb_trace_fn)(const struct rb_trace_event *ev, void *ctx);

/* Install (or with NULL remove) the process-wide trace hook. */
RB_API void rb_set_trace(rb_trace_fn fn, void *ctx);

/* ===== BTF (btf/): open, dump ===== */

/*
 * A parsed BTF blob: a raw BTF file (such as /sys/kernel/btf/vmlinux), or the .BTF section
 * of an ELF object. Types are validated at open; the handle is read-only afterwards.
 */
struct rb_btf;

/* The running kernel's BTF, the default for path NULL. */
#define RB_BTF_VMLINUX "/sys/kernel/btf/vmlinux"

/*
 * Open path (NULL: RB_BTF_VMLINUX): raw BTF (mapped in place when possible) or an ELF
 * object's .BTF section. base (may be NULL) makes it split BTF (a module's BTF on top of
 * vmlinux); base must outlive the result.
 */
RB_API int rb_btf_open(const char *path, const struct rb_btf *base, struct rb_btf **out,
		       struct rb_error *err);
/* Parse BTF bytes handed over by the caller (copied). what names them in errors. */
RB_API int rb_btf_parse(const void *data, size_t size, const struct rb_btf *base,
			const char *what, struct rb_btf **out, struct rb_error *err);
RB_API void rb_btf_free(struct rb_btf *btf);
/* The last valid type id (base types included). */
RB_API uint32_t rb_btf_last_id(const struct rb_btf *btf);
/* Id of the type named name with BTF kind kind (-1: any), or -ENOENT. O(1) after the first
 * lookup builds the index. */
RB_API int rb_btf_find(const struct rb_btf *btf, const char *name, int kind);

enum rb_btf_format {
	RB_BTF_FORMAT_RAW,  /* bpftool's "format raw" text, byte for byte */
	RB_BTF_FORMAT_JSON, /* bpftool -j "format raw": {"types":[...]} */
	RB_BTF_FORMAT_C,    /* C declarations, like "format c" */
};

/* Receives dump text piece by piece; a non-zero return stops the dump and is returned. */
typedef int (*rb_write_fn)(const char *text, size_t len, void *ctx);

/*
 * Dump the types of btf (split BTF: only its own types) in format fmt through write.
 * type_name (may be NULL) limits the dump to the types of that name (-ENOENT when none).
 */
RB_API int rb_btf_dump(const struct rb_btf *btf, enum rb_btf_format fmt, const char *type_name,
		       rb_write_fn write, void *ctx, struct rb_error *err);

/* ===== kernel features (bpf/probe) ===== */

/*
 * What the running kernel supports, each found by a real minimal load or create and cached
 * for the life of the process. UNKNOWN means the kernel refused to answer (EPERM under
 * lockdown or without privileges), never a guess.
 */
enum rb_feature_state {
	RB_FEATURE_NO = 0,
	RB_FEATURE_YES = 1,
	RB_FEATURE_UNKNOWN = 2,
};

struct rb_feature {
	const char *group;  /* "program_types", "map_types", "btf", "links", "pmus", "misc" */
	const char *name;   /* bpftool's spelling: "tracepoint", "ringbuf", "btf_enum64", "tcx" */
	enum rb_feature_state state;
	int err;            /* the errno that decided (negative); 0 when the request succeeded */
	const char *detail; /* one sentence: how it was decided */
};

/* How many probes there are; rb_probe_get(0..count-1) runs (once) and reports each. */
RB_API size_t rb_probe_count(void);
RB_API int rb_probe_get(size_t index, struct rb_feature *out);          /* -ERANGE */
RB_API int rb_probe_find(const char *group, const char *name, struct rb_feature *out); /* -ENOENT */
RB_API const char *rb_feature_state_str(enum rb_feature_state state); /* "yes", "no", "unknown" */
/* The errno's symbolic name ("EINVAL"); "" for 0. */
RB_API const char *rb_errno_name(int err);


/* ===== instructions and disassembly (bpf/) ===== */

struct bpf_insn; /* <linux/bpf.h> */

/*
 * Optional naming callbacks for the disassembler. Each writes into buf (len bytes) and
 * returns buf, or returns NULL to keep the kernel's default text. idx is the slot index.
 */
struct rb_disasm_cbs {
	/*
	 * Calls the built-in helper table does not name: kfunc calls (imm = BTF id, off = BTF
	 * fd index; default "kernel-function"), unknown helper ids (default "unknown"), and
	 * bpf-to-bpf calls, where the text replaces what follows "call pc" (default "+N", so
	 * return e.g. "+5#my_subprog" to keep the kernel's form).
	 */
	const char *(*call_name)(void *ctx, const struct bpf_insn *insn, size_t idx, char *buf,
				 size_t len);
	/* The operand of a ld_imm64 (default "0x%llx" of value), e.g. a map's name. */
	const char *(*imm_name)(void *ctx, const struct bpf_insn *insn, size_t idx,
				uint64_t value, char *buf, size_t len);
	void *ctx;
};

/*
 * Format insns[idx] (cnt slots in all) in the kernel's verifier syntax into buf, without
 * the "N: " prefix: "(b7) r0 = 0". Returns the slots it occupies (2 for ld_imm64, else 1)
 * or a negative errno (idx out of range, ld_imm64 missing its second slot) with err filled.
 * buf is always NUL-terminated when len > 0 (truncated if too small). cbs may be NULL.
 */
RB_API int rb_disasm_insn(const struct bpf_insn *insns, size_t cnt, size_t idx,
			  const struct rb_disasm_cbs *cbs, char *buf, size_t len,
			  struct rb_error *err);

/* Kernel helper name for an id ("bpf_map_lookup_elem"), NULL when unknown. */
RB_API const char *rb_helper_name(int id);
/* Helper id for a name, with or without the "bpf_" prefix; -ENOENT when unknown. */
RB_API int rb_helper_id(const char *name);

/* ===== objects (loader/): open, programs, maps, globals, externs ===== */

/* ===== prepare (relo/, loader/): relocations and their records ===== */

/*
 * Prepare turns each main program into one linked program: its instructions with every
 * relocation applied and the subprograms it reaches appended, func_info/line_info rebuilt,
 * and a history per instruction. Instructions and info records are the kernel's UAPI types.
 */
#include <linux/bpf.h>

enum rb_decision_kind {
	RB_DEC_MAP,         /* ld_imm64 of a map: pseudo map fd, imm = map index until load */
	RB_DEC_DATA,        /* ld_imm64 into global data: pseudo map value, offset in insn[1] */
	RB_DEC_CALL,        /* bpf-to-bpf call: imm = distance to the appended subprogram */
	RB_DEC_FUNC_PTR,    /* ld_imm64 of a function (callback): pseudo func, imm = distance */
	RB_DEC_KCONFIG,     /* ld_imm64 of a .kconfig extern: pseudo map value, kconfig map */
	RB_DEC_KSYM_ADDR,   /* typeless ksym: the 64-bit kernel address */
	RB_DEC_KSYM_BTF,    /* typed ksym (or kfunc address): pseudo btf id, vmlinux BTF id */
	RB_DEC_KFUNC,       /* kfunc call: pseudo kfunc call, imm = vmlinux BTF id of the FUNC */
	RB_DEC_WEAK_ZERO,   /* weak extern that did not resolve: the value 0 */
	RB_DEC_WEAK_POISON, /* weak kfunc that did not resolve: a call the verifier proves dead */
	RB_DEC_CORE,        /* CO-RE relocation applied (relo/core) */
	RB_DEC_CORE_POISON, /* CO-RE relocation that failed: instruction poisoned */
	RB_DEC_CORE_PENDING, /* CO-RE record present but not applied (no CO-RE engine) */
	RB_DEC_KIND_CNT,
};

/* "map", "data", "call", ... (stable words, used in --json). */
RB_API const char *rb_decision_kind_name(enum rb_decision_kind kind);

/* Poisoned instructions (as libbpf writes them): helper calls no kernel has. */
#define RB_POISON_CORE 195896080        /* 0xbad2310: CO-RE relocation failed */
#define RB_POISON_KFUNC_BASE 2002000000 /* + extern index: weak kfunc not resolved */

/* One decision: what was patched, from what to what, and why. */
struct rb_relo_decision {
	enum rb_decision_kind kind;
	uint32_t insn;      /* index in the linked program */
	uint32_t func;      /* piece of the layout the instruction belongs to (rb_linked_prog) */
	uint32_t func_insn; /* index inside that function */
	uint32_t width;     /* instructions patched: 1, or 2 for ld_imm64 */
	struct bpf_insn before[2];
	struct bpf_insn after[2];
	char *sym;          /* the symbol the relocation names ("" when none) */
	char *target;       /* what it resolved to, in words ("map 'counts'", ...) */
	char *reason;       /* one line: why this patch */
	char *detail;       /* longer explanation (CO-RE candidates), or NULL */
	int32_t next;       /* next decision touching the same instruction, or -1 */
};

/* Where an instruction of a linked program came from and what touched it. */
struct rb_insn_history {
	uint32_t func;           /* piece of the layout (rb_linked_prog.funcs) */
	uint32_t func_insn;      /* index inside that function as compiled */
	int32_t line_info;       /* rb_linked_prog.line_info record covering it, or -1 */
	int32_t first_decision;  /* rb_linked_prog.decisions index, or -1; chained by next */
};

/* One piece of a linked program: the main function, then each appended subprogram. */
struct rb_linked_func {
	char *name;
	char *sec_name;
	uint32_t sec_insn_off; /* where the function starts in its section (instructions) */
	uint32_t start;        /* where it starts in the linked program */
	uint32_t insn_cnt;
};

struct rb_linked_prog {
	char *name;
	struct bpf_insn *insns;
	uint32_t insn_cnt;
	struct rb_insn_history *hist; /* insn_cnt entries */
	struct rb_linked_func *funcs; /* funcs[0] is the main program */
	uint32_t func_cnt;
	struct rb_relo_decision *decisions; /* ordered by insn */
	uint32_t decision_cnt;
	struct bpf_func_info *func_info; /* insn_off in instructions, sorted; NULL when none */
	uint32_t func_info_cnt;
	struct bpf_line_info *line_info; /* insn_off in instructions, sorted; NULL when none */
	uint32_t line_info_cnt;
};

RB_API void rb_linked_prog_free(struct rb_linked_prog *p);

/*
 * Prepare an opened object: every main program linked and relocated, externs resolved
 * against the running kernel's files (config, kallsyms) and the target BTF. No bpf(2).
 */
struct rb_object;

struct rb_prepare_opts {
	size_t sz;                /* sizeof(struct rb_prepare_opts) */
	const char *btf_path;     /* target BTF (ksyms, kfuncs, CO-RE); default the running
				   * kernel's /sys/kernel/btf/vmlinux */
	const char *kconfig_path; /* kernel config to read instead of /boot or /proc/config.gz */
	int bpf_cookie;           /* LINUX_HAS_BPF_COOKIE: 0 from the kernel version, 1 yes, -1 no */
};

/* What an extern resolved to, and from where. */
struct rb_extern_resolution {
	const char *name;
	const char *kind;   /* "kconfig", "ksym", "typed ksym", "kfunc" */
	bool weak;
	bool resolved;
	char value[128];    /* "250", "0xffffffff81000000", "FUNC [1234]", "not found" */
	const char *source; /* "/proc/config.gz", "/proc/kallsyms", "kernel BTF", "uname", "" */
};

struct rb_prepared;

RB_API int rb_object_prepare(struct rb_object *obj, const struct rb_prepare_opts *opts,
			     struct rb_prepared **out, struct rb_error *err);
/* Linked programs, in object order; *obj_prog gets the object's program index (or NULL). */
RB_API size_t rb_prepared_prog_count(const struct rb_prepared *pp);
RB_API const struct rb_linked_prog *rb_prepared_prog(const struct rb_prepared *pp, size_t i,
						     size_t *obj_prog);
RB_API size_t rb_prepared_extern_count(const struct rb_prepared *pp);
RB_API const struct rb_extern_resolution *rb_prepared_extern(const struct rb_prepared *pp,
							     size_t i);
/* The kconfig map's initial bytes (NULL without one); *map_idx the object's map index. */
RB_API const void *rb_prepared_kconfig(const struct rb_prepared *pp, int *map_idx,
				       size_t *size);
/* CO-RE records seen but not applied (no CO-RE engine yet); 0 once CO-RE is in. */
RB_API size_t rb_prepared_core_pending(const struct rb_prepared *pp);
RB_API void rb_prepared_free(struct rb_prepared *pp);

/* ===== load, attach, run (loader/) ===== */

#ifdef __cplusplus
}
#endif

#endif /* RAWBPF_H */
