// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family core-no-match): a CO-RE read of a field this kernel does not have. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* A task_struct as an imagined kernel has it: no real kernel has 'rb_no_such_field'. */
struct task_struct {
	int rb_no_such_field;
} __attribute__((preserve_access_index));

SEC("tracepoint/syscalls/sys_enter_getpid")
int core_no_match(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	return BPF_CORE_READ(task, rb_no_such_field);
}

char LICENSE[] SEC("license") = "GPL";
