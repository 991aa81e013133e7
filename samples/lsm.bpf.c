// SPDX-License-Identifier: GPL-2.0
/*
 * lsm: a security hook, written in BPF.
 *
 * An LSM program runs at one of the kernel's security hooks (here file_open, consulted at
 * every open(2)) and can refuse the operation by returning an error such as -EPERM. It gets
 * the hook's arguments, and last the verdict of the hooks that ran before it: a good LSM
 * program never turns an earlier refusal into a yes. This one only counts.
 *
 * Needs a kernel booted with "bpf" in its list of LSMs (lsm= or CONFIG_LSM); on the machine
 * this project is developed on, loading fails with EPERM.
 */
#include "kernel.h"

__u64 opens; /* files opened since attach (.bss) */

SEC("lsm/file_open")
int BPF_PROG(count_open, struct file *file, int ret)
{
	if (ret)
		return ret; /* already refused: keep it so */
	__sync_fetch_and_add(&opens, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
