// SPDX-License-Identifier: GPL-2.0-only
/* rawbpf unpin DIR: remove what `rawbpf load --pin DIR` left (only on bpffs). */
#include <stdio.h>
#include <string.h>

#include "loader/cli/cli.h"

struct unpin_count {
	unsigned int pins, dirs;
};

/* Say each path as it goes: removing a tree should never be silent. */
static void removed(const char *path, bool is_dir, void *ctx)
{
	struct unpin_count *c = ctx;

	printf("removed %s%s\n", path, is_dir ? "/" : "");
	if (is_dir)
		c->dirs++;
	else
		c->pins++;
}

int cmd_unpin(int argc, char **argv)
{
	struct unpin_count c = { 0 };
	struct rb_error e = { 0 };

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: rawbpf unpin DIR\n\nRemove DIR and the programs, maps and links "
		       "pinned under it (DIR must be on bpffs),\nprinting each path removed.\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: rawbpf unpin DIR\n");
		return EXIT_USAGE;
	}
	if (rb_unpin_each(argv[1], removed, &c, &e) < 0) {
		cli_error("%s", e.msg);
		if (c.pins || c.dirs)
			cli_error("unpin: %u pins and %u directories were removed before that",
				  c.pins, c.dirs);
		return EXIT_INVALID;
	}
	printf("unpinned %u objects, removed %u directories\n", c.pins, c.dirs);
	return 0;
}
