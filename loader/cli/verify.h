/* SPDX-License-Identifier: GPL-2.0-only */
/* rawbpf verify: the pieces its files share (one verified program = one item). */
#ifndef RB_CLI_VERIFY_H
#define RB_CLI_VERIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "loader/cli/cli.h"

struct verify_item {
	char *file; /* the object or log file */
	char *prog; /* the program name */
	char *log;  /* the verifier log (NUL-terminated) */
	size_t log_len;
	struct rb_vlog_report report;
	/* From the loader, when the program was loaded by rawbpf (not from a saved log). */
	const struct rb_linked_prog *linked;
	int load_err;  /* the load's -errno (0: loaded) */
	char *explain; /* the loader's words for a refusal, or NULL */
	bool have_info;
	uint32_t verified_insns; /* from the kernel's program info */
	uint32_t xlated_len;	 /* bytes after the verifier's rewrites */
	uint32_t jited_len;	 /* bytes of JIT-compiled code; 0 without the JIT */
};

/* Something said about an object: a note, or why none of its programs could be verified. */
struct verify_note {
	char *file;
	char *text;
	bool error;
};

/* An object whose BTF the kernel refused (its programs were loaded without it). */
struct verify_btf {
	char *file;
	char *note; /* the loader's sentence */
	char *log;  /* the kernel's BTF log */
	bool have_report;
	struct rb_btf_log_report report;
};

struct verify_notes {
	struct verify_note *v;
	size_t n;
	struct verify_btf *btf;
	size_t nbtf;
};

/* Keep the object's BTF log when the kernel refused its BTF; -ENOMEM. */
int verify_btf_add(struct verify_notes *notes, const char *path, const struct rb_loaded *l);
/* The refused BTFs: a report each (the log too with full), or one line each (brief). */
void verify_btf_print(FILE *f, const struct verify_notes *notes, bool full, bool brief);
void verify_btf_json(struct json *j, const struct verify_notes *notes);

int verify_note_add(struct verify_notes *notes, const char *file, bool error, const char *fmt,
		    ...) __attribute__((format(printf, 4, 5)));
void verify_notes_free(struct verify_notes *notes);

/* What must stay alive while items point into it (the linked programs' history). */
struct verify_obj {
	struct rb_object *obj;
	struct rb_prepared *pp;
};

struct verify_load_opts {
	const char *prog; /* only this program, or NULL */
	uint32_t level;	  /* 1 or 2 */
	const struct rb_map_override *overrides; /* --map NAME.ATTR=N */
	size_t override_cnt;
	const char *const *types; /* --type PROG=TYPE */
	size_t type_cnt;
	char *const *sets; /* --set VAR=VALUE (load_apply_sets, load helper) */
	size_t set_cnt;
};

/* "NAME.ATTR=N" into ov (arg is cut in place); -1 when malformed. */
int verify_parse_override(char *arg, struct rb_map_override *ov);

/* Append an item holding a copy of the log; -ENOMEM. */
int verify_add_item(struct verify_item **items, size_t *n, const char *file, const char *prog,
		    const char *log, size_t len);

/*
 * Load each program of the object at path on its own and add one item per program;
 * 0 loaded, 1 the object failed as a whole (an error note says why), -ENOMEM.
 */
int verify_load_object(const char *path, const struct verify_load_opts *vl,
		       struct verify_obj *vo, struct verify_item **items, size_t *n,
		       struct verify_notes *notes);

/* The base run of --compare: what an earlier `verify --json` wrote, per program. */
struct verify_base {
	char *file, *prog, *verdict;
	bool have_stats;
	unsigned long long insns, total_states, peak_states, usec;
};

/* Read the programs of an earlier `rawbpf verify --json` run; -1 with a message on error. */
int verify_base_read(const char *path, struct verify_base **out, size_t *n);
void verify_base_free(struct verify_base *b, size_t n);

/* Print the comparison of items against the base, largest change first. */
void verify_compare_print(FILE *f, const struct verify_item *items, size_t n,
			  const struct verify_base *base, size_t nbase, bool json);

/* The file name without its directories: programs are matched on it and the program name. */
const char *verify_basename(const char *path);

#endif
