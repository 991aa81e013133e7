// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe: watching a function of a user-space program.
 *
 * A uprobe fires when any process runs the instruction at a given offset of a given file
 * (a binary or a library); a uretprobe fires when that function returns. The section names
 * carry no target here: the function to watch is chosen when the program is attached, e.g.
 *
 *   rawbpf load uprobe.bpf.o --attach func_entry=/usr/bin/bash:readline \
 *                            --attach func_return=/usr/bin/bash:readline
 *
 * BPF_KPROBE/BPF_KRETPROBE give the function's arguments and return value names; they work
 * the same for uprobes (both read the CPU registers saved when the probe fired).
 */
#include "common.h"

struct call_stats {
	__u64 calls;    /* entries */
	__u64 returns;  /* returns (fewer if the function never returned, e.g. exit()) */
	__u64 last_arg; /* first argument of the last call, as a raw 64-bit value */
	__s64 last_ret; /* last return value */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* process id */
	__type(value, struct call_stats);
} stats SEC(".maps");

static struct call_stats *stats_of_current(void)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct call_stats zero = {}, *s;

	s = bpf_map_lookup_elem(&stats, &pid);
	if (s)
		return s;
	bpf_map_update_elem(&stats, &pid, &zero, BPF_NOEXIST);
	return bpf_map_lookup_elem(&stats, &pid);
}

SEC("uprobe")
int BPF_KPROBE(func_entry, unsigned long arg)
{
	struct call_stats *s = stats_of_current();

	if (!s)
		return 0;
	__sync_fetch_and_add(&s->calls, 1);
	s->last_arg = arg;
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(func_return, long ret)
{
	struct call_stats *s = stats_of_current();

	if (!s)
		return 0;
	__sync_fetch_and_add(&s->returns, 1);
	s->last_ret = ret;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
