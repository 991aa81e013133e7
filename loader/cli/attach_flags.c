// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* `rawbpf load`'s attach flags, into struct rb_attach_opts. */
#include <stdlib.h>
#include <string.h>

#include "loader/cli/attach_flags.h"
#include "loader/cli/cli.h"

void attach_flags_init(struct attach_flags *f)
{
	memset(f, 0, sizeof(*f));
	f->opts.sz = sizeof(f->opts);
	f->opts.targets = f->targets;
}

int attach_flags_parse(struct attach_flags *f, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	char *end;
	long n;

	if (!strcmp(a, "--kprobe-legacy")) {
		f->opts.kprobe_legacy = true;
		return 1;
	}
	if (!strcmp(a, "--xdp-generic")) {
		f->opts.xdp_generic = true;
		return 1;
	}
	if (!strcmp(a, "--tc-netlink")) {
		f->opts.tc_netlink = true;
		return 1;
	}
	if (strcmp(a, "--ifname") && strcmp(a, "--cgroup") && strcmp(a, "--pid") &&
	    strcmp(a, "--attach"))
		return 0;
	if (!v) {
		cli_error("load: %s needs a value", a);
		return -1;
	}
	++*i;
	if (!strcmp(a, "--ifname")) {
		f->opts.ifname = v;
	} else if (!strcmp(a, "--cgroup")) {
		f->opts.cgroup = v;
	} else if (!strcmp(a, "--pid")) {
		n = strtol(v, &end, 10);
		if (*end || n <= 0 || n > 0x3fffffff) {
			cli_error("load: --pid takes a process id, not '%s'", v);
			return -1;
		}
		f->opts.pid = (int)n;
	} else {
		const char *eq = strchr(v, '=');

		if (!eq || eq == v || !eq[1]) {
			cli_error("load: --attach wants PROG=TARGET (e.g. func_entry=/usr/bin/bash:"
				  "readline), not '%s'",
				  v);
			return -1;
		}
		if (f->opts.target_cnt >= ATTACH_FLAGS_MAX_TARGETS) {
			cli_error("load: at most %d --attach flags", ATTACH_FLAGS_MAX_TARGETS);
			return -1;
		}
		f->targets[f->opts.target_cnt++] = v;
	}
	return 1;
}
