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

/* ===== objects (loader/): open, programs, maps, globals, externs ===== */

/* ===== prepare (relo/, loader/): relocations and their records ===== */

/* ===== load, attach, run (loader/) ===== */

#ifdef __cplusplus
}
#endif

#endif /* RAWBPF_H */
