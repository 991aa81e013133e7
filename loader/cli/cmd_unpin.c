// SPDX-License-Identifier: GPL-2.0-only
/* rawbpf unpin DIR: remove what `rawbpf load --pin DIR` left (only on bpffs). */
#include <stdio.h>
#include <string.h>

#include "loader/cli/cli.h"

int cmd_unpin(int argc, char **argv)
{
	struct rb_error e = { 0 };

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: rawbpf unpin DIR\n\nRemove DIR and the programs, maps and links "
		       "pinned under it (DIR must be on bpffs).\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: rawbpf unpin DIR\n");
		return EXIT_USAGE;
	}
	if (rb_unpin(argv[1], &e) < 0) {
		cli_error("%s", e.msg);
		return EXIT_INVALID;
	}
	return 0;
}
