// SPDX-License-Identifier: GPL-2.0
/*
 * usdt_args: the arguments of a USDT probe, as <bpf/usdt.bpf.h> fetches them.
 *
 * The loader tells the BPF side where each argument lives (a register, memory at a
 * register plus an offset, or a constant) by writing a recipe per probe site into the
 * __bpf_usdt_specs map and passing its index as the uprobe's cookie. This program keeps
 * how many arguments the probe has and the first three of them, for the last hit:
 *
 *   rawbpf load usdt_args.bpf.o --attach on_args=BINARY:PROVIDER:NAME
 */
#include <stdbool.h> /* usdt.bpf.h uses bool without including it */
#include "common.h"
#include <bpf/usdt.bpf.h>

struct usdt_seen {
	__u64 hits;
	__s64 arg_cnt;
	__s64 args[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct usdt_seen);
} seen SEC(".maps");

SEC("usdt")
int BPF_USDT(on_args)
{
	__u32 zero = 0;
	struct usdt_seen *s = bpf_map_lookup_elem(&seen, &zero);
	long v;

	if (!s)
		return 0;
	__sync_fetch_and_add(&s->hits, 1);
	s->arg_cnt = bpf_usdt_arg_cnt(ctx);
	bpf_usdt_arg(ctx, 0, &v);
	s->args[0] = v;
	bpf_usdt_arg(ctx, 1, &v);
	s->args[1] = v;
	bpf_usdt_arg(ctx, 2, &v);
	s->args[2] = v;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
