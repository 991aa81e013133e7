// SPDX-License-Identifier: GPL-2.0
/*
 * mapdump/types: maps whose keys and values use the BTF kinds a map dump has to format
 * (integers of each size and sign, bool, char, enums, bitfields, anonymous structs and
 * unions, char arrays, nested arrays, pointers, a 128-bit integer), plus a per-CPU array, a
 * program array and a map without BTF types. The program only touches the maps so they are
 * kept; tests/kernel/test_mapdump.sh fills them from user space and compares
 * `rawbpf map dump` with `bpftool map dump`.
 */
#include "common.h"

enum colour { RED = 0, GREEN = 1, BLUE = 7 };

struct flow_key {
	__u32 saddr;
	__u16 sport;
	__u8 proto;
	char tag; /* a char on its own */
};

struct flow_stats {
	__u64 packets;
	__s32 delta;
	__s16 small;
	__s8 tiny;
	_Bool seen;
	enum colour colour;
	unsigned int ver : 4, ihl : 4, flags : 3, rest : 21;
	int neg : 5;
	union {
		__u32 as_u32;
		__u8 as_bytes[4];
	};
	struct {
		__u16 lo;
		__u16 hi;
	} pair;
	char name[16];
	__u8 raw[6];
	__u32 grid[2][3];
	void *ptr;
	__int128 wide;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} percpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} plain SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jumps SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int touch_maps(void *ctx)
{
	struct flow_key k = {};
	__u32 zero = 0;
	struct flow_stats *s = bpf_map_lookup_elem(&flows, &k);
	__u32 *p = bpf_map_lookup_elem(&percpu, &zero);
	__u64 *q = bpf_map_lookup_elem(&plain, &zero);

	if (s)
		s->packets++;
	if (p)
		(*p)++;
	if (q)
		(*q)++;
	bpf_tail_call(ctx, &jumps, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
