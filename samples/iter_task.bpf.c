// SPDX-License-Identifier: GPL-2.0
/*
 * iter_task: a "ps" written as a BPF iterator.
 *
 * An iterator program is not triggered by an event: it runs when someone reads its file. The
 * kernel walks every task and calls the program once per task, then once more with
 * task == NULL; what the program prints with BPF_SEQ_PRINTF is what the reader gets.
 *
 *   rawbpf load iter_task.bpf.o          (reads the iterator once and prints it)
 *   rawbpf load iter_task.bpf.o --pin /sys/fs/bpf/ps && cat /sys/fs/bpf/ps/links/list_tasks
 *
 * The context (struct bpf_iter__task, kernel.h) is a kernel type: its fields are relocated
 * by CO-RE like any other.
 */
#include "kernel.h"

SEC("iter/task")
int list_tasks(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;

	if (!task)
		return 0; /* the end of the walk */
	if (ctx->meta->seq_num == 0)
		BPF_SEQ_PRINTF(seq, "%8s %8s %s\n", "PID", "TID", "COMM");
	BPF_SEQ_PRINTF(seq, "%8d %8d %s\n", task->tgid, task->pid, task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
