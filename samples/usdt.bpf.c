// SPDX-License-Identifier: GPL-2.0
/*
 * usdt: a static probe point compiled into a user-space program (DTRACE_PROBE / sys/sdt.h).
 *
 * A USDT probe is a nop instruction plus a note (.note.stapsdt) that says where the probe
 * is and where each argument lives (a register, a stack slot, a constant). The loader reads
 * the note of the target binary, attaches a uprobe at the nop, and stores the argument
 * recipe in the maps that <bpf/usdt.bpf.h> defines; BPF_USDT then fetches the arguments by
 * that recipe. The probe is chosen at attach time:
 *
 *   rawbpf load usdt.bpf.o --attach on_probe=BINARY:PROVIDER:NAME
 *
 * (`readelf -n BINARY` lists a binary's probes under "stapsdt".)
 */
#include <stdbool.h> /* usdt.bpf.h uses bool without including it */
#include "common.h"
#include <bpf/usdt.bpf.h>

struct probe_stats {
	__u64 hits;
	__s64 last_arg0; /* the probe's first argument, if it has one */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* process id */
	__type(value, struct probe_stats);
} hits SEC(".maps");

SEC("usdt")
int BPF_USDT(on_probe)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	struct probe_stats zero = {}, *s;
	long arg0 = 0;

	/* Probes have 0 to 12 arguments; ask for the first, it may not exist. */
	bpf_usdt_arg(ctx, 0, &arg0);
	s = bpf_map_lookup_elem(&hits, &pid);
	if (!s) {
		bpf_map_update_elem(&hits, &pid, &zero, BPF_NOEXIST);
		s = bpf_map_lookup_elem(&hits, &pid);
		if (!s)
			return 0;
	}
	__sync_fetch_and_add(&s->hits, 1);
	s->last_arg0 = arg0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
