// SPDX-License-Identifier: GPL-2.0
/*
 * Test object for struct_ops (tests/unit/test_struct_ops.c): a struct_ops map 'ops' of
 * struct rb_test_ops in ".struct_ops.link" whose members a and b are programs, with a name,
 * flags, and a member 'spare' (zero) that the test's kernel BTF lacks; a second map 'other'
 * in plain ".struct_ops" sharing program a at the same member; a map 'maybe' in
 * "?.struct_ops" (not to be created); and a program that no map uses.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rb_test_ops {
	int (*a)(void *ctx);
	char name[8];
	unsigned int flags;
	unsigned long long spare;
	int (*b)(void *ctx);
};

SEC("struct_ops/a")
int prog_a(void *ctx)
{
	return 1;
}

SEC("struct_ops.s/b")
int prog_b(void *ctx)
{
	return 2;
}

SEC("struct_ops/unused")
int prog_unused(void *ctx)
{
	return 3;
}

SEC(".struct_ops.link")
struct rb_test_ops ops = {
	.a = (void *)prog_a,
	.b = (void *)prog_b,
	.name = "rbtest",
	.flags = 0x5a,
};

SEC(".struct_ops")
struct rb_test_ops other = {
	.a = (void *)prog_a,
	.name = "other",
};

SEC("?.struct_ops")
struct rb_test_ops maybe = {
	.b = (void *)prog_b,
	.name = "maybe",
};

char LICENSE[] SEC("license") = "GPL";
