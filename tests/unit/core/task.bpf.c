/* Reads of the kernel's task_struct through CO-RE, relocated against this kernel's vmlinux. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *real_parent;
	char comm[16];
} __attribute__((preserve_access_index));

SEC("tp_btf/sys_enter")
int task(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	char comm[16];
	int r;

	r = BPF_CORE_READ(t, pid) + BPF_CORE_READ(t, real_parent, tgid);
	BPF_CORE_READ_STR_INTO(&comm, t, comm);
	return r + comm[0] + bpf_core_field_size(t->comm);
}

char LICENSE[] SEC("license") = "GPL";
