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

/* ===== verifier logs (loader/vlog*): parse, classify, statistics ===== */

/*
 * The kernel's verifier log is text meant for people. These functions read it without a
 * kernel (a log captured earlier works as well as a fresh one): each line is classified, the
 * register state the verifier printed is parsed, the failure is put in a family with a hint,
 * and the statistics lines are read. Instruction indexes are the verifier's, i.e. indexes
 * into the final (relocated, linked) program: join them with the loader's per-instruction
 * history through rb_vlog_foreach_line() or rb_vlog_report.fail_insn.
 */
enum rb_vlog_line_kind {
	RB_VLOG_OTHER,	   /* anything else: the kernel's messages ("R0 invalid mem access ...") */
	RB_VLOG_INSN,	   /* "8: (79) r1 = *(u64 *)(r0 +0)" optionally "   ; R1=..." */
	RB_VLOG_STATE,	   /* "8: R0=map_value(...) R10=fp0": registers changed entering 8 */
	RB_VLOG_BRANCH,	   /* "from 6 to 9: R0=..." or "from 6 to 8: safe": a path resumes */
	RB_VLOG_SAFE,	   /* "19: safe": this state was already proven safe */
	RB_VLOG_SOURCE,	   /* "; *val += 1; @ file.bpf.c:19": source text from line_info */
	RB_VLOG_FUNC,	   /* "func#0 @0": a subprogram starts at an instruction */
	RB_VLOG_LIVE_REGS, /* "Live regs before insn:" and its "  3: .12..... (85) call ..." */
	RB_VLOG_DEBUG, /* "mark_precise: ...", "SCC enter (1)", "(0) frame 0 insn 5 +live -16" */
	RB_VLOG_STATS, /* "processed N insns (limit L) max_states_per_insn ..." */
	RB_VLOG_TIME,  /* "verification time N usec" */
	RB_VLOG_STACK, /* "stack depth 8+16" */
	RB_VLOG_BLANK,
};

/* One line of a log; every pointer points into the log text (not NUL-terminated). */
struct rb_vlog_line {
	enum rb_vlog_line_kind kind;
	const char *text; /* the whole line, without its newline */
	size_t len;
	int insn;	  /* INSN, STATE, SAFE, LIVE_REGS, FUNC: the index; BRANCH: the target;
			   * else -1 */
	int from_insn;	  /* BRANCH: where the jump was, else -1 */
	bool safe;	  /* BRANCH "from 6 to 8: safe" (SAFE lines are safe too) */
	int frame;	  /* STATE/BRANCH "frameN:" prefix, else 0; FUNC: the subprogram number */
	const char *code; /* INSN, LIVE_REGS: "(79) r1 = *(u64 *)(r0 +0)"; SOURCE: the source */
	size_t code_len;
	const char *regs; /* INSN: what follows "; "; STATE, BRANCH: the registers (from any
			   * "frameN:"); else NULL */
	size_t regs_len;
	const char *file; /* SOURCE: "file.bpf.c" of "@ file.bpf.c:19", else NULL */
	size_t file_len;
	int src_line; /* SOURCE: 19, else 0 */
};

/* Classify one line (text of len bytes, no newline). Never fails: unknown text is OTHER. */
RB_API void rb_vlog_line_parse(const char *text, size_t len, struct rb_vlog_line *out);

/*
 * Call fn for each line of the log, in order (the verify command prints its annotated log
 * this way, looking up each instruction's history). Stops early when fn returns non-zero
 * and returns that value; 0 after the last line.
 */
typedef int (*rb_vlog_line_fn)(const struct rb_vlog_line *line, void *ctx);
RB_API int rb_vlog_foreach_line(const char *log, size_t len, rb_vlog_line_fn fn, void *ctx);

/* One register or stack slot as the verifier printed it ("R0=map_value_or_null(id=1,...)"). */
struct rb_vlog_value {
	int frame;     /* call frame: 0 is the main program */
	int reg;       /* 0..10, or -1 for a stack slot */
	int stack_off; /* stack slot: its offset from the frame pointer (fp-8 is -8) */
	bool precise;  /* "P" prefix: the verifier tracks this value precisely */
	bool is_const; /* a known number ("R2=16"); value holds it */
	uint64_t value;
	char type[40];	  /* "scalar", "map_value_or_null", "ctx", "fp", "pkt", ...; for a
			   * stack slot its contents: "mmmmmmmm", "0000????", or a spilled type */
	char detail[200]; /* what the parentheses held: "id=1,map=counts,ks=4,vs=8"; for
			   * "fp-16" "off=-16"; truncated when longer */
};

/*
 * Parse the registers and stack slots of a state text ("R0=... R10=fp0 fp-8=mmmm????", with
 * an optional "frameN: " before each frame's part). Writes at most max values to out and
 * returns how many the text holds (which may be more than max).
 */
RB_API size_t rb_vlog_state_parse(const char *text, size_t len, struct rb_vlog_value *out,
				  size_t max);

/* A failure family: a stable id for scripts and docs, a title, and a hint in plain words. */
struct rb_vlog_family {
	const char *id;	   /* "null-deref", "map-value-oob", ..., "unknown" */
	const char *title; /* "pointer that may be NULL used without a check" */
	const char *hint;  /* what to change in the program */
};

/* All families, in a stable order; *n receives their number. */
RB_API const struct rb_vlog_family *rb_vlog_families(size_t *n);
RB_API const struct rb_vlog_family *rb_vlog_family_by_id(const char *id);
/* The family of a kernel message (one or more lines); the "unknown" family when none fits. */
RB_API const struct rb_vlog_family *rb_vlog_classify(const char *msg);

/* The statistics lines (BPF_LOG_STATS, level 4; printed on success and failure). */
#define RB_VLOG_MAX_SUBPROGS 256
struct rb_vlog_stats {
	bool have_processed;	  /* the "processed ..." line was found */
	uint64_t insns_processed; /* processed N insns */
	uint64_t insn_limit;	  /* (limit L) */
	uint64_t max_states_per_insn;
	uint64_t total_states;
	uint64_t peak_states;
	uint64_t mark_read; /* absent on newer kernels' lines: 0 */
	bool have_time;
	uint64_t verification_usec;   /* verification time N usec */
	unsigned int nr_stack_depths; /* "stack depth 8+16": one per subprogram */
	uint32_t stack_depth[RB_VLOG_MAX_SUBPROGS];
	uint64_t stack_depth_total; /* their sum */
};

enum rb_vlog_verdict {
	RB_VLOG_ACCEPTED, /* the log ends in statistics with no complaint before them */
	RB_VLOG_REJECTED, /* the kernel stopped with a message */
	RB_VLOG_EMPTY,	  /* nothing to read */
};

/* A source line of the program and how often the verifier walked through it. */
struct rb_vlog_src_visits {
	char file[128];
	int line;
	char text[160]; /* the source text as line_info recorded it (truncated) */
	uint64_t visits;
};

/* A loop: a jump back from latch to header; the verifier walked its body visits times. */
struct rb_vlog_loop {
	int header, latch;
	uint64_t visits;
	char src_file[128]; /* the source line of the header, when the log has line_info */
	int src_line;
	char src_text[160];
};

#define RB_VLOG_MAX_PATH 64
/* What the log says, in one structure. Free with rb_vlog_report_free(). */
struct rb_vlog_report {
	enum rb_vlog_verdict verdict;
	int level;	   /* 2 when the log shows every state (level 2), else 1 */
	bool head_missing; /* the log does not start at the beginning (a rotated buffer) */
	/* For a rejected program: */
	int fail_insn;	     /* the last instruction the verifier printed, -1 if none */
	char fail_code[160]; /* its text: "(79) r1 = *(u64 *)(r0 +0)" */
	char message[1024];  /* the kernel's message, lines joined with '\n', as written */
	const struct rb_vlog_family *family;
	char src_file[128]; /* the last source comment before the failing instruction */
	int src_line;
	char src_text[256];
	/* The register and stack state at the failing instruction: the last full state
	 * printed (a branch line, or the first state), updated by every change printed since
	 * (state lines and the "; R1=..." after instructions; r1-r5 die at helper calls). */
	size_t nr_state;
	struct rb_vlog_value state[96];
	/* The branches taken on the way there ("from A to B" of the failing path). */
	unsigned int nr_path;
	struct {
		int from, to;
	} path[RB_VLOG_MAX_PATH];
	struct rb_vlog_stats stats;
	/* How many times the verifier processed each instruction, as the log shows it: each
	 * instruction line and each "safe" line (level 2 shows every one, so they add up to
	 * "processed N insns"; level 1 only the failing path); visits[i] for i < nr_visits. */
	uint32_t *visits;
	size_t nr_visits;
	/* Source lines by visits, most visited first (needs line_info in the program). */
	struct rb_vlog_src_visits *src_visits;
	size_t nr_src_visits;
	/* Loops, found from the back-edges ("goto pc-7") of the instructions the log shows,
	 * by visits (all instructions from header to latch), most visited first. */
	struct rb_vlog_loop *loops;
	size_t nr_loops;
};

/*
 * Read a whole log. Returns 0, or a negative errno (-ENOMEM) with err filled. The report
 * owns its arrays; the log text is not kept.
 */
RB_API int rb_vlog_analyze(const char *log, size_t len, struct rb_vlog_report *out,
			   struct rb_error *err);
RB_API void rb_vlog_report_free(struct rb_vlog_report *r);
/* Only the statistics lines (cheap: reads the last lines of the log). 0 or -ENOENT. */
RB_API int rb_vlog_stats_parse(const char *log, size_t len, struct rb_vlog_stats *out);

/* --- BTF logs (loader/vlog_btf.c) --- */
/*
 * The kernel's log of a refused BPF_BTF_LOAD: the header fields, then one "[N] KIND name
 * ..." line per type checked (with "\tmember ..." lines under structs and unions), the last
 * one carrying the complaint ("[11] STRUCT task-info size=40 vlen=7 Invalid name").
 */
struct rb_btf_log_report {
	uint32_t type_id;  /* the offending type; 0 when the complaint is about the header */
	char kind[24];	   /* "STRUCT", "PTR", ... ("" without a type) */
	char name[128];	   /* the type's name as logged ("(anon)" for anonymous types) */
	char member[128];  /* the member, enum value or parameter named, or "" */
	char message[256]; /* the kernel's words: "Invalid name", "Invalid member" */
	char line[512];	   /* the log line the complaint is on, as the kernel wrote it */
};

/* Find the complaint in a BTF log. 0, or -ENOENT when the log holds none. */
RB_API int rb_btf_log_analyze(const char *log, size_t len, struct rb_btf_log_report *out);

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

/* ===== map contents (btf/format, loader/mapdump) ===== */

/*
 * Map entries and BTF-typed values as `bpftool map dump` prints them, so the two can be
 * compared byte for byte: RB_DUMP_TEXT is its plain output (BTF-typed entries in its
 * indented form, hex lines without BTF, "Found N elements"), RB_DUMP_JSON its -j output
 * (hex bytes, plus "formatted" when the map has BTF types).
 */
enum rb_dump_style {
	RB_DUMP_TEXT,
	RB_DUMP_JSON,
	RB_DUMP_JSON_DATA, /* (json helper) see below */
};

/* --- JSON for programs (rb3-json: `rawbpf load --json`'s record stream) ---
 * RB_DUMP_JSON_DATA is compact JSON meant for scripts rather than for comparing with
 * bpftool: every char array is a string (up to its first NUL; control characters escaped,
 * bytes that are not UTF-8 replaced by U+FFFD), bitfields of up to 64 bits are numbers
 * (sign-extended when signed), and a struct ending in a flexible array shows the elements
 * the value holds past the struct. Everything else is as RB_DUMP_JSON: enums by name,
 * pointers as numbers, 128-bit integers as "0x..." strings, unions member by member.
 */
/* len bytes of s as a quoted JSON string (same escapes and U+FFFD); malloc'd, NULL: OOM. */
RB_API char *rb_json_quote(const void *s, size_t len);

/*
 * Format one value of BTF type type_id (size bytes at data): TEXT gives bpftool's indented
 * text, JSON compact JSON. *out is malloc'd (caller frees). A value shorter than its type,
 * a type that cannot hold a value (FUNC, FWD, ...) or a reference loop is an error naming
 * the type id and byte offset.
 */
RB_API int rb_btf_format(const struct rb_btf *btf, uint32_t type_id, const void *data,
			 size_t size, enum rb_dump_style style, char **out, struct rb_error *err);

/* A map by "id:N" or by its path on bpffs; returns a new fd (caller closes). */
RB_API int rb_map_open(const char *spec, struct rb_error *err);

/* What rb_map_dump found out about the map. */
struct rb_map_dump_info {
	char name[16];
	uint32_t id;
	uint32_t type;		 /* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t btf_id;	 /* 0: no BTF */
	uint32_t key_type_id;	 /* in the map's BTF; 0: none */
	uint32_t value_type_id;	 /* 0: values are shown as hex */
	uint32_t ncpus;		 /* per-CPU maps: values per key (possible CPUs); else 1 */
	uint64_t entries;	 /* entries dumped */
	const char *no_entries;	 /* why this map type has no entries to dump, else NULL */
};

/*
 * Dump every entry of the map behind map_fd through write: keys and values formatted with
 * the map's BTF (fetched from the kernel by its id; split on vmlinux when it is a module's),
 * per-CPU values per CPU, prog arrays and maps of maps as the ids the kernel returns. Map
 * types without entries (ring buffers, perf event arrays, queues, ...) write nothing and
 * say why in info->no_entries. info may be NULL.
 */
RB_API int rb_map_dump(int map_fd, enum rb_dump_style style, rb_write_fn write, void *ctx,
		       struct rb_map_dump_info *info, struct rb_error *err);

/* --- one BTF fetch for many maps (loader/mapdump_btf.c) --- */

/*
 * Kernel BTF fetched by id and parsed, kept for the next map: the maps of one object share
 * one BTF, so dumping them all through one cache reads and parses it once (rb_map_dump
 * alone does it for every map). Not thread-safe; free it after the last dump.
 */
struct rb_btf_cache;
RB_API struct rb_btf_cache *rb_btf_cache_new(void);
RB_API void rb_btf_cache_free(struct rb_btf_cache *cache);
/* rb_map_dump with the map's BTF taken from (or added to) cache; cache NULL: rb_map_dump. */
RB_API int rb_map_dump_cached(int map_fd, enum rb_dump_style style, rb_write_fn write, void *ctx,
			      struct rb_btf_cache *cache, struct rb_map_dump_info *info,
			      struct rb_error *err);

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

/*
 * An opened object: the ELF file as a model (stage 1 of the load path). Nothing is changed
 * by opening and nothing talks to the kernel. Programs, maps, variables and externs are
 * addressed by index (0 .. count-1); the info structs point into the object and stay valid
 * until rb_object_close().
 */
struct rb_object;
struct bpf_insn;

struct rb_open_opts {
	size_t sz;		/* sizeof(struct rb_open_opts) */
	const char *name;	/* the name used in messages for rb_object_open_mem() */
	bool relaxed_maps;	/* unknown .maps attributes are ignored instead of refused */
};

RB_API int rb_object_open(const char *path, const struct rb_open_opts *opts,
			  struct rb_object **out, struct rb_error *err);
RB_API int rb_object_open_mem(const void *buf, size_t len, const struct rb_open_opts *opts,
			      struct rb_object **out, struct rb_error *err);
RB_API void rb_object_close(struct rb_object *obj);

/* Relocation kinds, as counted per object and per program. */
enum rb_relo_kind {
	RB_RELO_MAP,		/* ldimm64 of a map */
	RB_RELO_DATA,		/* ldimm64 of global data */
	RB_RELO_EXTERN_VAR,	/* ldimm64 of an extern variable */
	RB_RELO_EXTERN_CALL,	/* call of a kfunc */
	RB_RELO_CALL,		/* bpf-to-bpf call */
	RB_RELO_SUBPROG_ADDR,	/* address of a function (callback) */
	RB_RELO_ARENA,		/* ldimm64 of an arena variable */
	RB_RELO_KIND_NR,
};
RB_API const char *rb_relo_kind_name(enum rb_relo_kind kind); /* "map", "data", ... */

struct rb_object_info {
	const char *name;	/* object name: file name up to the first '.' */
	const char *path;
	const char *license;	/* "" when the object has none */
	uint32_t kern_version;
	bool has_version;
	bool big_endian;	/* opens and disassembles; loading refuses it on this host */
	size_t section_cnt;
	size_t program_cnt;	/* programs and subprograms (rb_object_program) */
	size_t map_cnt;
	size_t var_cnt;
	size_t extern_cnt;
	bool has_btf;
	uint32_t btf_type_cnt;	/* type ids 1..btf_type_cnt */
	size_t btf_size;
	bool has_btf_ext;
	size_t func_info_cnt, line_info_cnt, core_relo_cnt;
	size_t relo_cnt[RB_RELO_KIND_NR];
};
RB_API void rb_object_info(const struct rb_object *obj, struct rb_object_info *info);

struct rb_section_info {
	uint32_t index;
	const char *name;
	const char *type;	/* "PROGBITS", "NOBITS", "SYMTAB", "REL", ... */
	uint64_t flags;		/* SHF_* */
	uint64_t size;
	const char *role;	/* "program", "subprograms", "maps", "legacy-maps", "data",
				 * "rodata", "bss", "arena", "license", "version", "btf",
				 * "btf-ext", "relocations", "symbols", "strings", "ignored" */
	int relocates;		/* for a relocation section: the section index it patches */
	size_t reloc_cnt;	/* relocation records in it (or patching it, for others) */
};
RB_API size_t rb_object_section_count(const struct rb_object *obj);
RB_API int rb_object_section(const struct rb_object *obj, size_t idx, struct rb_section_info *out);

struct rb_program_info {
	const char *name;
	const char *section;	   /* as written, with any leading '?' */
	const char *type;	   /* "kprobe", "xdp", ...; NULL for an unknown section name */
	uint32_t prog_type;	   /* enum bpf_prog_type (0 when unknown) */
	const char *attach_type;   /* "trace_fentry", ...; NULL when there is none */
	int attach_type_id;	   /* enum bpf_attach_type, -1 when there is none */
	const char *attach_target; /* "sched/sched_switch", "do_unlinkat+0x10", "" when none */
	const char *attach_btf_name; /* kernel BTF name the target resolves to, or NULL */
	const char *attach_error;  /* a malformed target (auto-attach fails with it), or NULL */
	size_t insn_cnt;
	uint64_t section_offset;   /* byte offset of the function in its section */
	bool subprog;		   /* a .text function */
	bool is_static;
	bool autoload;		   /* false for SEC("?...") */
	bool sleepable;
	bool xdp_frags;
	size_t func_info_cnt, line_info_cnt;
	size_t relo_cnt[RB_RELO_KIND_NR];
};
RB_API size_t rb_object_program_count(const struct rb_object *obj);
RB_API int rb_object_program(const struct rb_object *obj, size_t idx, struct rb_program_info *out);
/* Index of the program or subprogram called name, or -ENOENT. */
RB_API int rb_object_program_find(const struct rb_object *obj, const char *name);
/* The instructions as in the object (host byte order); *cnt gets their number. */
RB_API const struct bpf_insn *rb_object_program_insns(const struct rb_object *obj, size_t idx,
						       size_t *cnt);
/* Indexes of the subprograms reachable from program idx (transitively), up to max; returns
 * how many there are (may exceed max). */
RB_API size_t rb_object_program_subprogs(const struct rb_object *obj, size_t idx, size_t *out,
					 size_t max);
/*
 * Why program idx could not be loaded as is: 0 when its type is known, else -ENOENT with a
 * sentence naming the unknown section, the nearest known prefix and the override.
 */
RB_API int rb_object_program_check_type(const struct rb_object *obj, size_t idx,
					struct rb_error *err);
/*
 * Override a program's type: spec is "PROG=TYPE[:ATTACH]" where TYPE is a program type
 * ("kprobe", "sched_cls") or a section prefix ("tp", "cgroup/skb") and ATTACH an attach type
 * ("cgroup_inet_ingress"). What `--type` on the command line does.
 */
RB_API int rb_object_set_prog_type(struct rb_object *obj, const char *spec, struct rb_error *err);
/* The section-name conventions: entry i as "kprobe+" style text, NULL past the end. */
RB_API const char *rb_section_rule(size_t i, const char **prog_type, const char **attach_type);

struct rb_map_info {
	const char *name;	/* the name the kernel gets */
	const char *real_name;	/* the ELF name (variable, symbol, section) */
	const char *kind;	/* "btf", "legacy", "data", "rodata", "bss", "kconfig", "arena",
				 * "struct_ops" */
	const char *section;
	const char *type;	/* "hash", "array", ...; NULL if unknown */
	uint32_t type_id;	/* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries, map_flags, numa_node;
	uint32_t pinning;	/* 0 none, 1 by name */
	uint64_t map_extra;
	const char *key_type;	/* BTF type names, NULL without */
	const char *value_type;
	bool has_inner;		/* map-in-map: rb_object_map_inner() describes the template */
	size_t init_slot_cnt;	/* `.values` initial slots */
	size_t var_cnt;		/* global-data maps: variables */
	size_t data_size;	/* initial bytes (data, rodata, arena) */
};
RB_API size_t rb_object_map_count(const struct rb_object *obj);
RB_API int rb_object_map(const struct rb_object *obj, size_t idx, struct rb_map_info *out);
RB_API int rb_object_map_inner(const struct rb_object *obj, size_t idx, struct rb_map_info *out);
RB_API int rb_object_map_find(const struct rb_object *obj, const char *name);
/* Initial slot i of map idx: slot key and the map or program it holds (names). */
RB_API int rb_object_map_slot(const struct rb_object *obj, size_t idx, size_t i, uint32_t *key,
			      const char **target);
/* struct_ops maps (kind "struct_ops", value_type the struct): the i-th member a program
 * fills, in member order; -ERANGE past the last. */
RB_API int rb_object_struct_ops_member(const struct rb_object *obj, size_t idx, size_t i,
				       const char **member, const char **prog);
/* The initial bytes of a data/rodata/arena map (NULL for bss and definition maps). */
RB_API const void *rb_object_map_data(const struct rb_object *obj, size_t idx, size_t *size);

struct rb_var_info {
	const char *name;
	const char *section;	/* ".data", ".rodata.str1.1", ... */
	const char *map;	/* the internal map holding it */
	uint32_t offset, size;
	const char *type;	/* C spelling of its BTF type ("int", "struct cfg", "char[16]"),
				 * NULL without BTF */
	bool is_static;
};
RB_API size_t rb_object_var_count(const struct rb_object *obj);
RB_API int rb_object_var(const struct rb_object *obj, size_t idx, struct rb_var_info *out);

/* ----- setting global variables (--set; loader/obj_setvar.c) ----- */
/*
 * Give global variable name (in .data, .rodata, .bss or a custom .data.* / .rodata.*
 * section) the initial value written as text, before the object is loaded: this is how the
 * `const volatile` knobs of real tools are set. The text is checked against the variable's
 * BTF type: integers of any size and signedness (decimal, 0x hex, negative; range-checked),
 * char ('c' or a number), bool (true, false, 1, 0), enums (an enumerator's name or a
 * number), char arrays (a string that fits with its NUL; the rest is zeroed). Pointers,
 * floats and structs are refused. -ENOENT for an unknown name (the sentence lists the
 * settable variables, closest first), -EINVAL/-ERANGE/-EOPNOTSUPP for a value that does not
 * fit; the bytes are unchanged on failure. Takes effect at the next rb_object_load().
 */
RB_API int rb_object_set_var(struct rb_object *obj, const char *name, const char *value,
			     struct rb_error *err);

struct rb_extern_info {
	const char *name;
	const char *kind;	/* "kconfig", "ksym", "kfunc" */
	bool weak;
	bool typed;		/* ksym with a BTF type */
	const char *type;	/* C spelling of its type, NULL when typeless */
};
RB_API size_t rb_object_extern_count(const struct rb_object *obj);
RB_API int rb_object_extern(const struct rb_object *obj, size_t idx, struct rb_extern_info *out);

/*
 * Program idx as it is in the object, in the verifier's syntax ("   4: (18) r1 = map[counts]"),
 * with the source lines of line_info ("; prog.bpf.c:42  <source text>"), its signature from
 * func_info, and relocation targets named; with_subprogs appends the subprograms it reaches.
 * *text is allocated; free() it.
 */
RB_API int rb_object_disasm(const struct rb_object *obj, size_t idx, bool with_subprogs,
			    char **text, struct rb_error *err);

/* Names of the kernel's enums as bpftool prints them; NULL when unknown. */
RB_API const char *rb_prog_type_name(uint32_t type);
RB_API const char *rb_attach_type_name(int type);
RB_API const char *rb_map_type_name(uint32_t type);

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
	/* CO-RE module targets: a directory of module BTFs split on the target BTF (one file
	 * per module, named after it), searched when the target has no candidate. Default:
	 * /sys/kernel/btf without btf_path, none with btf_path (as libbpf). */
	const char *module_btf_dir;
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

/* ===== verifier logs joined with the loader's history (loader/vlog_join) ===== */

/*
 * What the loader did to the instruction a verifier log names (its index in the linked
 * program), from the program's history: the function it came from and the relocation
 * decisions that patched it. This is how a log line is tied back to the loader's work.
 */
struct rb_vlog_insn_note {
	const struct rb_linked_func *func; /* main program or appended subprogram */
	uint32_t func_insn;		   /* index inside that function as compiled */
	bool func_start;		   /* the function's first instruction */
	const struct rb_relo_decision *decisions[8]; /* in order; nr_decisions of them */
	unsigned int nr_decisions;
	bool poisoned; /* a decision poisoned it (CO-RE miss, weak kfunc) */
};

/* Fill out for instruction insn of p; -ENOENT when p has no such instruction or history. */
RB_API int rb_vlog_insn_note(const struct rb_linked_prog *p, int insn,
			     struct rb_vlog_insn_note *out);

/* ===== load, attach, run (loader/) ===== */

/*
 * Load (stage 3): the object's BTF sanitised for this kernel and loaded, its maps created
 * (or reused from pins) and filled, its prepared programs loaded with their verifier logs.
 * Any failure closes everything created so far (unless keep_going, where each program
 * stands alone and the others still load).
 */
struct rb_prepared;

/* --map NAME.ATTR=N: attr is "max_entries", "value_size", "key_size" or "map_flags". */
struct rb_map_override {
	const char *map;
	const char *attr;
	uint64_t value;
};

struct rb_load_opts {
	size_t sz;			 /* sizeof(struct rb_load_opts) */
	const char *const *only_progs;	 /* load only these programs (--prog); NULL: all */
	size_t only_prog_cnt;
	bool keep_going;		 /* load each program on its own; report every refusal */
	uint32_t log_level;		 /* 0: none on success, level 1 on failure; else always */
	uint32_t log_max;		 /* bound on a verifier log buffer; 0: 64 MiB */
	const char *pin_root;		 /* where maps pinned by name live; NULL: /sys/fs/bpf */
	const struct rb_map_override *overrides;
	size_t override_cnt;
	/*
	 * attach (issue 7, second part): "PROG=TARGET" for targets the kernel fixes at load:
	 * freplace programs' "PINNED_PROG[:FUNC]" (the same list as rb_attach_opts.targets)
	 */
	const char *const *attach_targets;
	size_t attach_target_cnt;
};

struct rb_loaded;

RB_API int rb_object_load(struct rb_object *obj, const struct rb_prepared *pp,
			  const struct rb_load_opts *opts, struct rb_loaded **out,
			  struct rb_error *err);
/* Close every fd, in reverse order of creation; NULL is fine. */
RB_API void rb_loaded_free(struct rb_loaded *l);

struct rb_loaded_prog_info {
	const char *name;
	size_t obj_prog;     /* the object's program index */
	int fd;		     /* -1 when not loaded */
	uint32_t id;	     /* kernel program id (0 when not loaded) */
	char tag[17];	     /* hex */
	int err;	     /* the load's -errno, 0 when it loaded, 1 when skipped (--prog) */
	const char *log;     /* verifier log taken (NULL when none) */
	bool log_truncated;
	const char *reason;  /* the log's last lines that hold the reason ("" when none) */
	const char *explain; /* the refusal in words ("" when it loaded) */
	uint32_t verified_insns;
	uint32_t xlated_len; /* bytes of the program as translated by the verifier */
	uint32_t jited_len;  /* bytes of JIT-compiled code (0: interpreted or JIT off) */
};

struct rb_loaded_map_info {
	const char *name;
	size_t obj_map;	 /* the object's map index */
	int fd;		 /* -1 for maps without a kernel object (arena data) */
	uint32_t id;
	bool reused;	 /* taken from a pin (pinning by name) */
	const char *pin_path; /* where it is pinned, or NULL */
};

RB_API size_t rb_loaded_prog_count(const struct rb_loaded *l);
RB_API int rb_loaded_prog(const struct rb_loaded *l, size_t i, struct rb_loaded_prog_info *out);
RB_API size_t rb_loaded_map_count(const struct rb_loaded *l);
RB_API int rb_loaded_map(const struct rb_loaded *l, size_t i, struct rb_loaded_map_info *out);
/* The loaded BTF's fd and id (-1 / 0 when the object has none or it was left out). */
RB_API int rb_loaded_btf(const struct rb_loaded *l, uint32_t *id);
/* Why the BTF was left out ("" when it loaded or there is none): loading went on without. */
RB_API const char *rb_loaded_btf_note(const struct rb_loaded *l);
/* The kernel's log when it refused the BTF (rb_btf_log_analyze() reads it), else NULL. */
RB_API const char *rb_loaded_btf_log(const struct rb_loaded *l);

/*
 * Attach (stage 4, first kinds): each loaded program whose section names a target of a kind
 * attached here: tracepoints (perf event + link, or the ioctl on old kernels), raw
 * tracepoints, and tracing programs fixed to their target at load (tp_btf, fentry, fexit,
 * fmod_ret, lsm). Others stay loaded and unattached, and their result says why.
 * Returns how many programs were attached, or -errno if an attach failed (what was attached
 * stays attached; rb_loaded_detach or rb_loaded_free undo it).
 */
RB_API int rb_loaded_attach(struct rb_loaded *l, struct rb_error *err);
RB_API void rb_loaded_detach(struct rb_loaded *l);

/*
 * Where programs whose section does not say it attach: xdp and tcx to an interface, cgroup
 * programs to a cgroup v2 directory, uprobes to one process, and per-program targets
 * ("PROG=TARGET": "func_entry=/usr/bin/bash:readline", a kprobe function, an interface name
 * for xdp/tcx, a cgroup path). rb_loaded_attach is this with opts NULL.
 */
struct rb_attach_opts {
	size_t sz;		   /* sizeof(struct rb_attach_opts) */
	const char *ifname;	   /* xdp, tcx: interface by name (or ifindex below) */
	int ifindex;
	bool xdp_generic;	   /* xdp: generic (skb) mode, for drivers without XDP */
	const char *cgroup;	   /* cgroup programs: a cgroup v2 directory */
	int pid;		   /* uprobes: only this process; 0: every process */
	const char *const *targets; /* "PROG=TARGET" */
	size_t target_cnt;
	/* perf_event programs sample the cpu-clock of every online CPU: perf_freq times a
	 * second, or once every perf_period ns; both 0: 99 Hz (rb2-output) */
	uint32_t perf_freq;
	uint64_t perf_period;
	/*
	 * attach (issue 7, second part). More TARGET forms: usdt "BINARY:PROVIDER:NAME",
	 * uprobe.multi "BINARY:GLOB", kprobe.multi "GLOB", tc/tcx "IF:ingress|egress",
	 * sk_lookup a netns path (default: this process's), sk_msg/sk_skb a sockmap's name,
	 * freplace "PINNED_PROG[:FUNC]" (given to rb_load_opts as well: fixed at load).
	 * tc_netlink: tc through a netlink cls_bpf filter even where tcx links exist.
	 */
	bool tc_netlink;
	/* kernels (rb2-kernels): kprobes through tracefs kprobe_events even with a kprobe PMU */
	bool kprobe_legacy;
};
RB_API int rb_loaded_attach_opts(struct rb_loaded *l, const struct rb_attach_opts *opts,
				 struct rb_error *err);
/*
 * An attached iterator program (iter/...): a new fd whose read() runs one walk and returns
 * what the program printed; close it when done. -errno with err otherwise.
 */
RB_API int rb_loaded_iter_open(const struct rb_loaded *l, size_t prog, struct rb_error *err);

struct rb_attach_result {
	const char *prog;
	const char *target; /* "tracepoint syscalls/sys_enter_getpid", "" when none */
	bool attached;
	int err;	    /* -errno of a failed attach, 0 otherwise */
	const char *note;   /* why it is not attached, or how it is ("BPF link", ...) */
	uint32_t link_id;   /* kernel link id (0 when attached without a link) */
};
RB_API int rb_loaded_attach_result(const struct rb_loaded *l, size_t prog,
				   struct rb_attach_result *out);

/* --- struct_ops maps (loader/struct_ops.c, attach_struct_ops.c) ---
 * A struct_ops map (a variable of SEC(".struct_ops") / SEC(".struct_ops.link")) is registered
 * by rb_loaded_attach*: its value written (key 0), and for a .link map a BPF link created.
 * rb_loaded_detach undoes it (closes the link, or deletes key 0); rb_loaded_pin pins the link
 * as DIR/links/<map> and leaves the registration in place. */
struct rb_struct_ops_info {
	const char *map;   /* the map (the variable's name) */
	const char *type;  /* the kernel struct it fills ("tcp_congestion_ops") */
	const char *name;  /* its "name" member when that is a string, else "" */
	bool link;         /* BPF_F_LINK: registered through a BPF link */
	bool registered;
	int err;           /* -errno of a failed registration, 0 otherwise */
	const char *note;  /* how it is registered, or why not */
	uint32_t link_id;
};
RB_API size_t rb_loaded_struct_ops_count(const struct rb_loaded *l);
RB_API int rb_loaded_struct_ops(const struct rb_loaded *l, size_t i,
				struct rb_struct_ops_info *out);

/* Pin under dir: DIR/progs/<prog>, DIR/maps/<map>, DIR/links/<prog> (links when attached).
 * bpffs refuses '.' in names: it becomes '_' (map globals.rodata is DIR/maps/globals_rodata).
 * A failure removes what this call pinned (and dir, when it created it). */
RB_API int rb_loaded_pin(const struct rb_loaded *l, const char *dir, struct rb_error *err);
/* Remove what rb_loaded_pin left under dir (dir must be on bpffs). */
RB_API int rb_unpin(const char *dir, struct rb_error *err);
/* (verify helper) The same, telling fn each path removed, children before their directory. */
typedef void (*rb_unpinned_fn)(const char *path, bool is_dir, void *ctx);
RB_API int rb_unpin_each(const char *dir, rb_unpinned_fn fn, void *ctx, struct rb_error *err);

/* Run (stage 5): bpf_printk lines from tracefs trace_pipe. */
struct rb_trace_pipe;
RB_API struct rb_trace_pipe *rb_trace_pipe_open(struct rb_error *err);
/* A line (no newline) into buf; its length, -EAGAIN after timeout_ms, -EINTR on a signal. */
RB_API int rb_trace_pipe_read(struct rb_trace_pipe *tp, char *buf, size_t len, int timeout_ms);
RB_API void rb_trace_pipe_close(struct rb_trace_pipe *tp);

/* ---- run: ring buffer and perf buffer records, printk lines (loader/events.c) ---- */

/*
 * One record from a ring buffer or perf event array map of a loaded object. type_id is
 * the struct of the object's BTF it is decoded with (0: none, shown as bytes): the one
 * named by event_type, else the only named struct whose size fits the record (a perf
 * buffer pads records to 8 bytes after its 4-byte size field). text is that decoding, one
 * line of compact JSON (NULL without a type, or when decoding failed: format_err says why),
 * in bpftool's style, or the RB_DUMP_JSON_DATA style when the reader's opts ask json_data
 * (then a struct ending in a flexible array is decoded over the whole record).
 */
struct rb_event {
	const char *map;	 /* the map's name */
	uint32_t map_type;	 /* BPF_MAP_TYPE_RINGBUF or BPF_MAP_TYPE_PERF_EVENT_ARRAY */
	int cpu;		 /* perf buffer: the CPU it came from; ring buffer: -1 */
	const void *data;
	size_t size;
	uint32_t type_id;
	const char *type_name;	 /* "struct event", or NULL */
	bool type_first;	 /* the first record of this map and size decoded with it */
	bool type_forced;	 /* named by event_type (else chosen by size) */
	const char *text;
	const char *format_err;
};
/* Return 0 to go on, negative to stop (the poll returns it). */
typedef int (*rb_event_fn)(const struct rb_event *ev, void *ctx);
/* The kernel dropped lost records of a perf buffer map on cpu (its ring was full). */
typedef void (*rb_event_lost_fn)(const char *map, int cpu, uint64_t lost, void *ctx);
/* A bpf_printk line from trace_pipe (no newline). */
typedef void (*rb_event_line_fn)(const char *line, void *ctx);

struct rb_event_reader_opts {
	size_t sz;		   /* sizeof(struct rb_event_reader_opts) */
	rb_event_fn on_event;	   /* required */
	rb_event_lost_fn on_lost;  /* may be NULL */
	rb_event_line_fn on_line;  /* non-NULL: trace_pipe is read in the same loop */
	void *ctx;
	const char *event_type;	   /* a struct name in the object's BTF ("event" or
				    * "struct event"), NULL: choose by size */
	size_t perf_pages;	   /* data pages per CPU for perf buffers (power of 2), 0: 64 */
	bool json_data;		   /* (json helper) rb_event.text in RB_DUMP_JSON_DATA style */
};

struct rb_event_reader;

/*
 * A reader over every BPF_MAP_TYPE_RINGBUF and BPF_MAP_TYPE_PERF_EVENT_ARRAY map of l
 * (perf buffers: one PERF_COUNT_SW_BPF_OUTPUT event per online CPU, stored in the map), all
 * behind one epoll fd. l must outlive the reader. An unknown event_type is an error naming
 * the struct; trace_pipe that cannot be opened is not (printk_note says why).
 */
RB_API int rb_event_reader_new(const struct rb_loaded *l, const struct rb_event_reader_opts *o,
			       struct rb_event_reader **out, struct rb_error *err);
/* Wait up to timeout_ms (-1: forever) and deliver what arrived: records delivered, 0 on
 * timeout or a signal, the callback's negative return, or -errno with err filled. */
RB_API long rb_event_reader_poll(struct rb_event_reader *r, int timeout_ms,
				 struct rb_error *err);
/* The epoll fd (readable when there is something to deliver), for a larger loop. */
RB_API int rb_event_reader_fd(const struct rb_event_reader *r);
/* How many maps it reads; why printk lines are not read ("" when they are or not asked). */
RB_API size_t rb_event_reader_map_count(const struct rb_event_reader *r);
RB_API const char *rb_event_reader_printk_note(const struct rb_event_reader *r);

struct rb_event_stats {
	uint64_t records;   /* delivered */
	uint64_t discarded; /* ring buffer records the program discarded (skipped) */
	uint64_t lost;	    /* perf buffer records the kernel dropped */
	uint64_t lines;	    /* printk lines */
};
RB_API void rb_event_reader_stats(const struct rb_event_reader *r, struct rb_event_stats *out);
/* Perf buffers' events are taken out of their maps; NULL is fine. */
RB_API void rb_event_reader_free(struct rb_event_reader *r);

/* ---- run: programs that run once rather than on events (loader/run_once.c) ---- */

enum rb_run_once {
	RB_RUN_ONCE_NONE,    /* runs when its events fire (or is not attached) */
	RB_RUN_ONCE_ITER,    /* an attached iterator: read it with rb_loaded_iter_open */
	RB_RUN_ONCE_SYSCALL, /* a syscall program: run it with rb_loaded_run_syscall */
};
RB_API enum rb_run_once rb_loaded_prog_run_once(const struct rb_loaded *l, size_t prog);

struct rb_syscall_run {
	uint32_t retval;
	void *ctx;	     /* the context after the run (the program may write it), or NULL */
	size_t ctx_size;     /* bytes passed in (and back) */
	uint32_t ctx_type_id; /* the struct the program's argument points to (object BTF), 0 */
	char ctx_type[128];  /* "struct args", "" when unknown */
	char *ctx_text;	     /* ctx formatted with ctx_type, one line of JSON, or NULL */
	char *ctx_json;	     /* (json helper) the same in RB_DUMP_JSON_DATA style, or NULL */
	uint64_t duration_ns; /* (json helper) how long BPF_PROG_TEST_RUN took, wall clock (the
			       * kernel does not time syscall programs) */
};
/*
 * Run a loaded syscall program once with BPF_PROG_TEST_RUN. ctx (ctx_size bytes; NULL: none)
 * is its argument, padded with zeros up to the size of the struct its argument points to;
 * with no ctx, a zeroed struct of that type is passed when the BTF says which. out's
 * pointers are malloc'd: rb_syscall_run_free releases them.
 */
RB_API int rb_loaded_run_syscall(const struct rb_loaded *l, size_t prog, const void *ctx,
				 size_t ctx_size, struct rb_syscall_run *out, struct rb_error *err);
RB_API void rb_syscall_run_free(struct rb_syscall_run *r);

/* Maps by fd, for reading results. */
struct rb_map_fd_info {
	uint32_t type, key_size, value_size, max_entries, map_flags, id;
	char name[16];
};
RB_API int rb_map_fd_info(int fd, struct rb_map_fd_info *out);
/* key NULL: the first key; -ENOENT after the last. */
RB_API int rb_map_next_key(int fd, const void *key, void *next_key);
/* value must hold value_size bytes (per-CPU maps: rb_map_value_bytes). */
RB_API int rb_map_lookup(int fd, const void *key, void *value);
/* Bytes a lookup writes: value_size, or per CPU (rounded to 8) times the possible CPUs. */
RB_API size_t rb_map_value_bytes(const struct rb_map_fd_info *info);

#ifdef __cplusplus
}
#endif

#endif /* RAWBPF_H */
