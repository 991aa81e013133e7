/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's own types that the samples touch, declared here with only the fields we use.
 *
 * Why not a full vmlinux.h generated from this kernel's BTF? Two reasons. The samples then
 * build anywhere, without bpftool and without a kernel (the unit tests compile them on any
 * machine). And they show what CO-RE really does: these structs have nothing like the
 * kernel's layout (task_struct.pid is at byte 8 here, at byte 1264 in the 6.18 kernel this
 * was written on), so every field access below must be relocated by the loader against the
 * running kernel's BTF, matched by struct and field NAME. With a vmlinux.h of the same kernel the
 * offsets would already be right and the relocations would change nothing.
 *
 * preserve_access_index asks clang to record a CO-RE relocation for every access to a field
 * of these structs. A name suffix "___something" is ignored when matching (a "flavor"), which
 * is how one program can describe two versions of the same kernel struct.
 */
#ifndef RAWBPF_SAMPLES_KERNEL_H
#define RAWBPF_SAMPLES_KERNEL_H

#include "common.h"

#define PRESERVE __attribute__((preserve_access_index))

struct task_struct {
	unsigned int __state;
	/* A bitfield: 1 while the task is inside execve(), between bprm setup and its end. */
	unsigned int in_execve : 1;
	int pid;  /* the thread id */
	int tgid; /* the process id, what getpid() returns */
	struct task_struct *real_parent;
	char comm[COMM_LEN];
} PRESERVE;

/* The kernel's enum of pid kinds; enumerator VALUES are relocated too (bpf_core_enum_value). */
enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
	PIDTYPE_PGID,
	PIDTYPE_SID,
	PIDTYPE_MAX,
};

/* What the kernel passes to do_unlinkat(): the path being removed. */
struct filename {
	const char *name;
} PRESERVE;

/* A file's name, through its path's dentry: file->f_path.dentry->d_name.name. */
struct qstr {
	const unsigned char *name;
} PRESERVE;

struct dentry {
	struct qstr d_name;
} PRESERVE;

struct path {
	struct dentry *dentry;
} PRESERVE;

struct file {
	struct path f_path;
} PRESERVE;

/* The context of an iter/task program: one call per task, then one with task == NULL. */
struct seq_file;
struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} PRESERVE;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} PRESERVE;

/* One CPU's run queue; the kernel keeps one per CPU in the per-CPU variable `runqueues`. */
struct rq {
	unsigned int nr_running;
} PRESERVE;

#endif
