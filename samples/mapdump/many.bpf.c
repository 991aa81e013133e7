// SPDX-License-Identifier: GPL-2.0
/*
 * mapdump/many: 32 BTF-typed hash maps (plus .bss and .data) in one object, so one BTF is
 * shared by 34 maps. The end-of-run map print of `rawbpf load` reads that BTF from the kernel
 * once for all of them (tests/kernel/test_mapdump_cache.sh counts the fetches). The program
 * only touches the maps so they are kept.
 */
#include "common.h"

struct slot {
	__u64 count;
	__u32 last_pid;
	char comm[16];
};

#define MANY_MAP(n)                                                                                \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_HASH);                                                   \
		__uint(max_entries, 4);                                                            \
		__type(key, __u32);                                                                \
		__type(value, struct slot);                                                        \
	} many_##n SEC(".maps")

MANY_MAP(0);  MANY_MAP(1);  MANY_MAP(2);  MANY_MAP(3);  MANY_MAP(4);  MANY_MAP(5);
MANY_MAP(6);  MANY_MAP(7);  MANY_MAP(8);  MANY_MAP(9);  MANY_MAP(10); MANY_MAP(11);
MANY_MAP(12); MANY_MAP(13); MANY_MAP(14); MANY_MAP(15); MANY_MAP(16); MANY_MAP(17);
MANY_MAP(18); MANY_MAP(19); MANY_MAP(20); MANY_MAP(21); MANY_MAP(22); MANY_MAP(23);
MANY_MAP(24); MANY_MAP(25); MANY_MAP(26); MANY_MAP(27); MANY_MAP(28); MANY_MAP(29);
MANY_MAP(30); MANY_MAP(31);

__u64 hits;
__u32 seed = 7;

#define TOUCH(n) bpf_map_lookup_elem(&many_##n, &key)

SEC("raw_tp/sys_enter")
int touch_all(void *ctx)
{
	__u32 key = seed;
	long found = 0;

	found += !!TOUCH(0) + !!TOUCH(1) + !!TOUCH(2) + !!TOUCH(3) + !!TOUCH(4) + !!TOUCH(5);
	found += !!TOUCH(6) + !!TOUCH(7) + !!TOUCH(8) + !!TOUCH(9) + !!TOUCH(10) + !!TOUCH(11);
	found += !!TOUCH(12) + !!TOUCH(13) + !!TOUCH(14) + !!TOUCH(15) + !!TOUCH(16);
	found += !!TOUCH(17) + !!TOUCH(18) + !!TOUCH(19) + !!TOUCH(20) + !!TOUCH(21);
	found += !!TOUCH(22) + !!TOUCH(23) + !!TOUCH(24) + !!TOUCH(25) + !!TOUCH(26);
	found += !!TOUCH(27) + !!TOUCH(28) + !!TOUCH(29) + !!TOUCH(30) + !!TOUCH(31);
	hits += found;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
