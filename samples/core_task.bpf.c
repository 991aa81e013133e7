// SPDX-License-Identifier: GPL-2.0
/*
 * core_task: reading kernel structs that change from one kernel version to the next (CO-RE).
 *
 * task_struct's layout differs between kernels and configurations. Rather than compile
 * against one kernel's headers, we declare the fields we want (kernel.h) and read them with
 * BPF_CORE_READ; clang records, for each access, "field pid of struct task_struct", and the
 * loader rewrites the offset in the instruction to the one in the running kernel's BTF.
 *
 * Shown here:
 *   BPF_CORE_READ(task, real_parent, tgid)   a chain of pointer reads, each one relocated
 *   BPF_CORE_READ_STR_INTO                   a string (comm)
 *   BPF_CORE_READ_BITFIELD_PROBED            a 1-bit field: offset, size and shifts relocated
 *   bpf_core_enum_value                      an enum's value in the running kernel
 *   bpf_core_field_exists                    a field that this kernel does NOT have; the
 *                                            branch that reads it is never taken, and the
 *                                            loader poisons the read it cannot relocate
 */
#include "kernel.h"

/*
 * Kernels before 5.14 called task_struct's state field `state` (a long). The ___pre514
 * suffix is ignored when matching against the kernel: this is task_struct too, as some older
 * kernel had it.
 */
struct task_struct___pre514 {
	long state;
} PRESERVE;

struct task_info {
	__u32 pid;
	__u32 tgid;
	__u32 ppid;        /* real_parent->tgid */
	__u32 in_execve;   /* the bitfield: 1, we are in the middle of execve() */
	__u32 pidtype_tgid; /* the value of PIDTYPE_TGID in this kernel's enum pid_type */
	__u32 state;       /* 0 (TASK_RUNNING), read from __state or from the old `state` */
	char comm[COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* pid */
	__type(value, struct task_info);
} tasks SEC(".maps");

/* The new program of a process is in place, its name (comm) already changed. */
SEC("tracepoint/sched/sched_process_exec")
int record_task(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_info info = {};

	info.pid = BPF_CORE_READ(task, pid);
	info.tgid = BPF_CORE_READ(task, tgid);
	info.ppid = BPF_CORE_READ(task, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&info.comm, task, comm);
	info.in_execve = BPF_CORE_READ_BITFIELD_PROBED(task, in_execve);
	info.pidtype_tgid = bpf_core_enum_value(enum pid_type, PIDTYPE_TGID);

	if (bpf_core_field_exists(((struct task_struct___pre514 *)task)->state))
		info.state = BPF_CORE_READ((struct task_struct___pre514 *)task, state);
	else
		info.state = BPF_CORE_READ(task, __state);

	bpf_map_update_elem(&tasks, &info.tgid, &info, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
