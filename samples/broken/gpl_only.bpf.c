// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family gpl-only): bpf_trace_printk is GPL-only, this program is not GPL. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getpid")
int gpl_only(void *ctx)
{
	bpf_printk("getpid");
	return 0;
}

char LICENSE[] SEC("license") = "Proprietary";
