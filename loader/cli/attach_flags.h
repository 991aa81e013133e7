/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * `rawbpf load`'s attach flags: --ifname, --xdp-generic, --tc-netlink, --cgroup, --pid,
 * --attach, --kprobe-legacy (kprobes through tracefs kprobe_events, as on kernels without
 * the kprobe PMU).
 */
#ifndef RB_CLI_ATTACH_FLAGS_H
#define RB_CLI_ATTACH_FLAGS_H

#include "rawbpf.h"

#define ATTACH_FLAGS_MAX_TARGETS 64

struct attach_flags {
	struct rb_attach_opts opts;
	const char *targets[ATTACH_FLAGS_MAX_TARGETS];
};

#define ATTACH_FLAGS_USAGE                                                                         \
	"                   [--ifname IF] [--xdp-generic] [--tc-netlink] [--cgroup PATH]\n"       \
	"                   [--pid PID] [--kprobe-legacy]\n"                                     \
	"                   [--attach PROG=TARGET]...\n"

void attach_flags_init(struct attach_flags *f);
/*
 * argv[*i] is one of the attach flags: take it (and its value, advancing *i) and return 1;
 * 0 when it is not one; -1 after printing why a value is bad.
 */
int attach_flags_parse(struct attach_flags *f, int argc, char **argv, int *i);

#endif
