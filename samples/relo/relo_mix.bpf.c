// SPDX-License-Identifier: GPL-2.0
/*
 * relo_mix: the relocation kinds the other samples do not show, for `rawbpf relo` and its
 * tests (tests/unit/test_prepare.c checks the instructions exactly).
 *
 *   static data      `static` variables are reached through the section symbol: the offset
 *                    into the section is in the instruction itself, not in the symbol
 *   .data.* section  a second data map of our own
 *   weak kfunc       bpf_ksym_exists() on a kfunc no kernel has: the address is 0, the call
 *                    behind it is written as an invalid one, and the verifier removes it as
 *                    dead code because the branch is known false
 *   weak kconfig     a CONFIG_ that exists nowhere reads as 0
 *   nested static    outer() -> inner(), both static, called from two programs
 */
#include "common.h"

#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) (!!(&(sym)))
#endif

extern void bpf_rawbpf_no_such_kfunc(void) __ksym __weak;
extern int CONFIG_RAWBPF_ABSENT __kconfig __weak;

static __u64 hits[4];                       /* .bss, through the section symbol */
static volatile __u32 base SEC(".data.mix") = 7; /* .data.mix, through the section symbol */
__u64 seen_absent SEC(".data.mix");         /* a global in the same section */

static __noinline __u64 inner(__u32 i)
{
	return hits[i & 3] + base;
}

static __noinline __u64 outer(__u32 i)
{
	return inner(i) + inner(i + 1);
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int mix_a(void *ctx)
{
	hits[2] += outer(1);
	if (bpf_ksym_exists(bpf_rawbpf_no_such_kfunc))
		bpf_rawbpf_no_such_kfunc();
	seen_absent = CONFIG_RAWBPF_ABSENT;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int mix_b(void *ctx)
{
	hits[3] += inner(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
