// SPDX-License-Identifier: GPL-2.0-only
/* rawbpf probe [--json]: what this kernel supports, each answer from a real request. */
#include <stdio.h>
#include <string.h>

#include "loader/cli/cli.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: rawbpf probe [--json]\n\n"
		   "Probe the running kernel: program and map types, BTF kinds, link types, PMUs\n"
		   "and loader features, each by a minimal real load or create.\n"
		   "  --json   stable machine-readable output\n");
}

static void print_json(void)
{
	struct json j;
	const char *group = NULL;
	struct rb_feature ft;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	for (size_t i = 0; i < rb_probe_count(); i++) {
		if (rb_probe_get(i, &ft) < 0 || !ft.name)
			continue;
		if (!group || strcmp(group, ft.group)) {
			if (group)
				json_end_object(&j);
			json_begin_object(&j, ft.group);
			group = ft.group;
		}
		json_begin_object(&j, ft.name);
		json_string(&j, "state", rb_feature_state_str(ft.state));
		if (ft.err)
			json_string(&j, "errno", rb_errno_name(ft.err));
		else
			json_null(&j, "errno");
		json_string(&j, "detail", ft.detail);
		json_end_object(&j);
	}
	if (group)
		json_end_object(&j);
	json_end_object(&j);
	json_finish(&j);
}

static void print_text(void)
{
	bool color = cli_color(stdout);
	const char *group = NULL;
	struct rb_feature ft;
	size_t yes = 0, no = 0, unknown = 0;

	for (size_t i = 0; i < rb_probe_count(); i++) {
		const char *state, *on = "", *off = "";

		if (rb_probe_get(i, &ft) < 0 || !ft.name)
			continue;
		if (!group || strcmp(group, ft.group)) {
			printf("%s%s\n", group ? "\n" : "", ft.group);
			group = ft.group;
		}
		state = rb_feature_state_str(ft.state);
		if (color) {
			on = ft.state == RB_FEATURE_YES ? "\033[32m"
			     : ft.state == RB_FEATURE_NO ? "\033[31m"
							 : "\033[33m";
			off = "\033[0m";
		}
		/* "yes" needs no explanation; "no" and "unknown" say why. */
		if (ft.state == RB_FEATURE_YES)
			printf("  %-26s %s%s%s\n", ft.name, on, state, off);
		else
			printf("  %-26s %s%-7s%s  %s\n", ft.name, on, state, off, ft.detail);
		yes += ft.state == RB_FEATURE_YES;
		no += ft.state == RB_FEATURE_NO;
		unknown += ft.state == RB_FEATURE_UNKNOWN;
	}
	printf("\n%zu supported, %zu not supported, %zu unknown\n", yes, no, unknown);
}

int cmd_probe(int argc, char **argv)
{
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			cli_error("probe: unknown argument '%s'", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (json)
		print_json();
	else
		print_text();
	return 0;
}
