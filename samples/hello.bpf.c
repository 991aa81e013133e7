// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the smallest useful BPF program.
 *
 * Every time a process calls getpid(), the kernel runs say_hello() and it writes one line
 * into the kernel's trace buffer; read it with `cat /sys/kernel/tracing/trace_pipe` (or let
 * `rawbpf load` show it).
 *
 * SEC("tracepoint/syscalls/sys_enter_getpid") puts the function in an ELF section of that
 * name; the loader reads the name to learn the program type (tracepoint) and where to attach
 * it (the syscalls/sys_enter_getpid event).
 */
#include "common.h"

SEC("tracepoint/syscalls/sys_enter_getpid")
int say_hello(void *ctx)
{
	/* The upper 32 bits are the process id (tgid), the lower the thread id. */
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	bpf_printk("hello from pid %d", pid);
	return 0;
}

/* bpf_printk (bpf_trace_printk) is only offered to GPL-compatible programs. */
char LICENSE[] SEC("license") = "GPL";
