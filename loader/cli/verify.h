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
};

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
