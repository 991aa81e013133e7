// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms_typed: a kernel variable with its type.
 *
 * `extern const struct rq runqueues __ksym` names a kernel variable that the kernel's BTF
 * describes. The loader puts the variable's BTF id into an ld_imm64 instruction; the kernel
 * then looks the variable's address up in its symbol table and the verifier knows its type,
 * so the program may read its fields directly. runqueues is a per-CPU variable (one struct rq
 * per CPU): bpf_this_cpu_ptr() gives the current CPU's copy.
 *
 * It loads only on kernels built with CONFIG_KALLSYMS_ALL: without it the kernel's symbol
 * table holds functions only, and the load fails with "ldimm64 failed to find the address
 * for kernel symbol 'runqueues'" (ENOENT). That is the case of the 6.18 kernel this project
 * is developed on; ksyms.bpf.c shows the kinds of ksym that work there.
 */
#include "kernel.h"

extern const struct rq runqueues __ksym;

/* The largest number of runnable tasks seen on a CPU at a system call (.bss). */
__u32 max_nr_running;

SEC("tp_btf/sys_enter")
int BPF_PROG(sample_runqueue, struct pt_regs *regs, long id)
{
	struct rq *rq = bpf_this_cpu_ptr(&runqueues);

	if (rq->nr_running > max_nr_running)
		max_nr_running = rq->nr_running;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
