// SPDX-License-Identifier: GPL-2.0-only
/* rawbpf btf dump [FILE] [--format raw|c] [--type NAME] [--json] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "loader/cli/cli.h"

static void btf_usage(FILE *f)
{
	fprintf(f, "usage: rawbpf btf dump [FILE] [--format raw|c] [--type NAME] [--json]\n"
		   "  FILE: a raw BTF file or an ELF object (its .BTF section);\n"
		   "        default %s\n"
		   "  --format raw   one line per type and member, as bpftool prints it (default)\n"
		   "  --format c     C declarations (not implemented yet: exits with status 1)\n"
		   "  --type NAME    only the types named NAME\n"
		   "  --json         the raw dump as JSON (as bpftool -j)\n",
		RB_BTF_VMLINUX);
}

static int write_stdout(const char *text, size_t len, void *ctx)
{
	(void)ctx;
	return fwrite(text, 1, len, stdout) == len ? 0 : -1;
}

int cmd_btf(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "type", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	enum rb_btf_format fmt = RB_BTF_FORMAT_RAW;
	const char *type_name = NULL, *path = NULL;
	struct rb_error err = { 0 };
	struct rb_btf *btf;
	bool json = false;
	int c, r;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		btf_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (strcmp(argv[1], "dump")) {
		cli_error("btf: unknown subcommand '%s'", argv[1]);
		btf_usage(stderr);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:t:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "raw"))
				fmt = RB_BTF_FORMAT_RAW;
			else if (!strcmp(optarg, "c"))
				fmt = RB_BTF_FORMAT_C;
			else {
				cli_error("btf dump: unknown format '%s' (raw or c)", optarg);
				return EXIT_USAGE;
			}
			break;
		case 't':
			type_name = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			btf_usage(stdout);
			return 0;
		default:
			btf_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		path = argv[optind++];
	if (optind < argc) {
		cli_error("btf dump: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (json) {
		if (fmt == RB_BTF_FORMAT_C) {
			cli_error("btf dump: --json goes with --format raw only");
			return EXIT_USAGE;
		}
		fmt = RB_BTF_FORMAT_JSON;
	}
	r = rb_btf_open(path, NULL, &btf, &err);
	if (r) {
		cli_error("%s", err.msg);
		return EXIT_INVALID;
	}
	r = rb_btf_dump(btf, fmt, type_name, write_stdout, NULL, &err);
	rb_btf_free(btf);
	if (fflush(stdout) || r) {
		if (err.msg[0])
			cli_error("%s: %s", path ? path : RB_BTF_VMLINUX, err.msg);
		else
			cli_error("btf dump: cannot write output");
		return EXIT_INVALID;
	}
	return 0;
}
