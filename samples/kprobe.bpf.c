// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe: run at the entry and the return of any kernel function.
 *
 * A kprobe works on (almost) any kernel function, with no BTF needed, but the arguments are
 * raw registers: BPF_KPROBE names them, and pointers into kernel memory must be read with
 * bpf_probe_read_kernel (BPF_CORE_READ does that, with CO-RE offsets). Compare fentry.bpf.c,
 * which does the same through a trampoline with typed arguments.
 *
 * Needs a kernel built with CONFIG_KPROBES: the program loads without it, but attaching fails.
 */
#include "kernel.h"

__u64 unlinks;      /* calls seen at entry (.bss) */
__u64 unlink_fails; /* calls that returned an error */

SEC("kprobe/do_unlinkat")
int BPF_KPROBE(unlink_entry, int dfd, struct filename *name)
{
	char path[64];

	__sync_fetch_and_add(&unlinks, 1);
	bpf_probe_read_kernel_str(path, sizeof(path), BPF_CORE_READ(name, name));
	bpf_printk("unlink %s", path);
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(unlink_exit, long ret)
{
	if (ret)
		__sync_fetch_and_add(&unlink_fails, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
