// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family helper-not-allowed): a tracepoint program cannot redirect packets. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getpid")
int helper_not_allowed(void *ctx)
{
	return bpf_redirect(1, 0); /* only for XDP and tc programs */
}

char LICENSE[] SEC("license") = "GPL";
