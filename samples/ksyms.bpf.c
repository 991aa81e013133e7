// SPDX-License-Identifier: GPL-2.0
/*
 * ksyms: using the kernel's own variables and functions.
 *
 * An `extern ... __ksym` names a symbol of the running kernel; the loader finds it and puts
 * a reference to it into the instructions.
 *
 *   typed      in ksyms_typed.bpf.c (it needs a kernel built with CONFIG_KALLSYMS_ALL).
 *   typeless   extern const void _stext __ksym;
 *              any symbol of /proc/kallsyms; the program gets its address and nothing more.
 *   weak       a symbol that may be missing: its address is then 0.
 *   kfunc      extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
 *              a kernel function exported to BPF. The call goes to its BTF id. This kernel
 *              (6.18) allows bpf_task_from_pid in tracing programs such as tp_btf; what it
 *              returns holds a reference that must be dropped with bpf_task_release(), which
 *              the verifier enforces.
 */
#include "kernel.h"

extern const void _stext __ksym;
extern const void rawbpf_no_such_symbol __ksym __weak;
extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

struct ksym_seen {
	__u64 stext;           /* address of the kernel's text, as in /proc/kallsyms */
	__u64 missing;         /* 0 */
	__u32 parent_tgid;     /* the parent found through bpf_task_from_pid() */
	char parent_comm[COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* pid of the process that called exec */
	__type(value, struct ksym_seen);
} seen SEC(".maps");

/* Runs when a process has just exec'd a new program (task is that process). */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, int old_pid, void *bprm)
{
	struct ksym_seen s = {};
	struct task_struct *parent;
	__u32 pid = task->tgid;

	s.stext = (__u64)&_stext;
	s.missing = (__u64)&rawbpf_no_such_symbol;

	parent = bpf_task_from_pid(task->real_parent->tgid);
	if (parent) {
		s.parent_tgid = parent->tgid;
		bpf_probe_read_kernel_str(s.parent_comm, sizeof(s.parent_comm), parent->comm);
		bpf_task_release(parent);
	}
	bpf_map_update_elem(&seen, &pid, &s, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
