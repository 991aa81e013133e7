// SPDX-License-Identifier: GPL-2.0-only
/* rawbpf disasm OBJ [--prog NAME]: the instructions as compiled, with source lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/cli.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: rawbpf disasm OBJ [--prog NAME]\n"
		   "Show the instructions of each program (or of NAME and the subprograms it\n"
		   "calls) in the verifier's syntax, with the source lines recorded in the\n"
		   "object's line_info and relocation targets named.\n");
}

int cmd_disasm(int argc, char **argv)
{
	const char *path = NULL, *prog = NULL;
	struct rb_error err = { 0 };
	struct rb_object *obj;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--prog") && i + 1 < argc) {
			prog = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || path) {
			cli_error("disasm: unexpected argument '%s'", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (rb_object_open(path, NULL, &obj, &err)) {
		cli_error("%s", err.msg);
		return EXIT_INVALID;
	}
	if (prog) {
		int idx = rb_object_program_find(obj, prog);
		char *text;

		if (idx < 0) {
			cli_error("%s: no program or subprogram '%s'", path, prog);
			status = EXIT_INVALID;
		} else if (rb_object_disasm(obj, idx, true, &text, &err)) {
			cli_error("%s", err.msg);
			status = EXIT_INVALID;
		} else {
			fputs(text, stdout);
			free(text);
		}
	} else {
		for (size_t i = 0; i < rb_object_program_count(obj) && !status; i++) {
			char *text;

			if (rb_object_disasm(obj, i, false, &text, &err)) {
				cli_error("%s", err.msg);
				status = EXIT_INVALID;
				break;
			}
			printf("%s%s", i ? "\n" : "", text);
			free(text);
		}
	}
	rb_object_close(obj);
	return status;
}
