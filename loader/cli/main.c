// SPDX-License-Identifier: GPL-2.0-only
/* rawbpf: the command line. Thin: parse arguments, call the library, format the result. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/cli/cli.h"

static int cmd_version(int argc, char **argv);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "inspect", cmd_inspect, "show what an object contains (sections, programs, maps, ...)" },
	{ "disasm", cmd_disasm, "show programs as compiled, with source lines and names" },
	{ "btf", cmd_btf, "dump BTF (raw like bpftool, JSON, or C)" },
	{ "relo", cmd_relo, "dry run of prepare: every relocation, before and after" },
	{ "load", cmd_load, "load, attach and run an object (or pin it)" },
	{ "verify", cmd_verify, "why the verifier rejected a program, and what it cost" },
	{ "map", cmd_map, "dump a map's entries, typed with its BTF (map dump PIN|id:N)" },
	{ "unpin", cmd_unpin, "remove what load --pin left" },
	{ "probe", cmd_probe, "what this kernel supports (--json)" },
	{ "version", cmd_version, "print the version" },
};

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("rawbpf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool cli_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && nc[0])
		return false;
	return isatty(fileno(f));
}

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("rawbpf %s\n", rb_version());
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: rawbpf COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nrawbpf COMMAND --help shows a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("rawbpf %s\n", rb_version());
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	cli_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
