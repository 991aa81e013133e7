// SPDX-License-Identifier: GPL-2.0
/*
 * Test object for the object model (tests/unit/test_object.c): several programs in one
 * section, a static program, .text subprograms reached by global and static calls, a
 * callback address, legacy maps, every kind of global data, a program that does not
 * autoload, an unknown section name and a malformed attach target.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct legacy_map_def {
	unsigned int type, key_size, value_size, max_entries, map_flags;
};

struct legacy_map_def counts SEC("maps") = {
	.type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 16,
};
struct legacy_map_def progs SEC("maps") = {
	.type = BPF_MAP_TYPE_PROG_ARRAY, .key_size = 4, .value_size = 4, .max_entries = 4,
};

int hits = 1;
const volatile int limit = 7;
long total;
char tag[8] SEC(".data.custom") = "custom";
static const char msg[] = "pkt";

__attribute__((noinline)) int add_one(int x)
{
	total += x;
	return x + 1;
}

static __attribute__((noinline)) int twice(int x)
{
	return add_one(x) * 2;
}

static long each(void *map, const void *key, void *value, void *ctx)
{
	return 0;
}

SEC("xdp")
int xdp_first(struct xdp_md *ctx)
{
	int key = 0;
	long *v = bpf_map_lookup_elem(&counts, &key);

	if (v)
		*v += hits;
	return twice(limit) > 0 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_second(struct xdp_md *ctx)
{
	bpf_for_each_map_elem(&counts, each, 0, 0);
	bpf_tail_call(ctx, &progs, 0);
	return XDP_PASS;
}

SEC("xdp")
static int xdp_static(struct xdp_md *ctx)
{
	return tag[0] == 'c' ? XDP_PASS : XDP_DROP;
}

SEC("?tp/syscalls/sys_enter_getpid")
int tp_lazy(void *ctx)
{
	bpf_printk("%s", msg);
	return add_one(1);
}

SEC("kprob/do_nanosleep")
int typo(void *ctx)
{
	return 0;
}

SEC("uprobe/no_colon_here")
int bad_target(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
unsigned int VERSION SEC("version") = 0x60100;
