// SPDX-License-Identifier: GPL-2.0-only
/* rawbpf map dump PIN|id:N [--json]: every entry, typed with the map's BTF, as bpftool shows. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "loader/cli/cli.h"

static void map_usage(FILE *f)
{
	fprintf(f, "usage: rawbpf map dump PIN|id:N [--json]\n"
		   "  PIN     a map pinned on bpffs (e.g. DIR/maps/NAME after load --pin DIR)\n"
		   "  id:N    a map by its kernel id\n"
		   "  --json  bpftool -j's form: key and value bytes, and \"formatted\" with BTF\n"
		   "Entries are printed as `bpftool map dump` prints them: typed with the map's\n"
		   "BTF when it has a value type (per-CPU maps: one value per CPU), hex otherwise.\n");
}

static int write_stdout(const char *text, size_t len, void *ctx)
{
	(void)ctx;
	return fwrite(text, 1, len, stdout) == len ? 0 : -1;
}

int cmd_map(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct rb_map_dump_info info;
	struct rb_error err = { 0 };
	bool json = false;
	int c, fd, r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		map_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "dump")) {
		cli_error("map: unknown subcommand '%s' (dump)", argv[1]);
		map_usage(stderr);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			map_usage(stdout);
			return 0;
		default:
			map_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_error("map dump: expected one map (a pinned path or id:N)");
		map_usage(stderr);
		return EXIT_USAGE;
	}
	fd = rb_map_open(argv[optind], &err);
	if (fd < 0) {
		cli_error("%s", err.msg);
		return EXIT_INVALID;
	}
	r = rb_map_dump(fd, json ? RB_DUMP_JSON : RB_DUMP_TEXT, write_stdout, NULL, &info, &err);
	close(fd);
	if (r < 0) {
		fflush(stdout);
		cli_error("%s", err.msg);
		return EXIT_INVALID;
	}
	if (info.no_entries) {
		if (json)
			printf("[]\n");
		fprintf(stderr, "rawbpf: map '%s' (id %u, %s): nothing to dump: %s\n", info.name,
			info.id, rb_map_type_name(info.type), info.no_entries);
	}
	return 0;
}
