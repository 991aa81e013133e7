// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family stack-oob): a stack buffer indexed beyond its size. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getpid")
int stack_oob(void *ctx)
{
	volatile char buf[16] = {};
	__u32 idx = bpf_get_prandom_u32();

	if (idx < 64) /* should be < 16 */
		buf[idx] = 1;
	return buf[0];
}

char LICENSE[] SEC("license") = "GPL";
