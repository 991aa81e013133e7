// SPDX-License-Identifier: GPL-2.0
/*
 * fentry: run at the entry and the exit of a kernel function, with typed arguments.
 *
 * fentry/fexit programs attach to a kernel function through a BPF trampoline: cheaper than a
 * kprobe, and the arguments arrive typed (from the kernel's BTF), so `name->name` is a plain
 * field read the verifier checks, not a bpf_probe_read. fexit sees the arguments AND the
 * return value. The loader looks the function up in the kernel's BTF (do_unlinkat, behind
 * unlink(2) and rm) and passes its BTF id at load time.
 *
 * Note: they need a kernel whose BPF trampolines work here; on the 6.18 machine this project
 * is developed on, loading them fails with EPERM, so `rawbpf load` reports that.
 */
#include "kernel.h"

__u64 unlinks;      /* calls seen at entry (.bss) */
__u64 unlink_fails; /* calls that returned an error */

SEC("fentry/do_unlinkat")
int BPF_PROG(unlink_entry, int dfd, struct filename *name)
{
	__sync_fetch_and_add(&unlinks, 1);
	bpf_printk("unlink %s", name->name);
	return 0;
}

SEC("fexit/do_unlinkat")
int BPF_PROG(unlink_exit, int dfd, struct filename *name, int ret)
{
	if (ret)
		__sync_fetch_and_add(&unlink_fails, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
