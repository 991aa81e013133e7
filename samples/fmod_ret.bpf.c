// SPDX-License-Identifier: GPL-2.0
/*
 * fmod_ret: replace a kernel function's return value, here to refuse opening some files.
 *
 * An fmod_ret program runs through a BPF trampoline before the function, like fentry; when
 * it returns non-zero, the function is not run at all and the caller gets that value. Only
 * functions made for it accept one: those on the kernel's error injection list (syscalls,
 * a few others) and the security_* hooks. This one refuses every open(2) of a file whose
 * name starts with "rawbpf-deny" with EPERM, and counts the refusals.
 *
 * Compare lsm.bpf.c: the BPF LSM is the way meant for policy; fmod_ret works on more
 * functions but needs the trampolines that the machine this project is developed on refuses
 * (loading fails with EPERM there).
 */
#include "kernel.h"

#define EPERM 1

__u64 denied; /* opens refused since attach (.bss) */

SEC("fmod_ret/security_file_open")
int BPF_PROG(deny_open, struct file *file)
{
	static const char prefix[] = "rawbpf-deny";
	char name[sizeof(prefix)];

	if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(file, f_path.dentry,
									  d_name.name)) < 0)
		return 0;
	for (int i = 0; i < (int)sizeof(prefix) - 1; i++)
		if (name[i] != prefix[i])
			return 0;
	__sync_fetch_and_add(&denied, 1);
	return -EPERM;
}

char LICENSE[] SEC("license") = "GPL";
