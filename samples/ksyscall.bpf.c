// SPDX-License-Identifier: GPL-2.0
/*
 * ksyscall: a kprobe on a system call, with the syscall's own arguments.
 *
 * A system call enters the kernel through an architecture wrapper (__x64_sys_unlink on
 * x86-64) that takes the user's registers as one struct pt_regs; the loader finds the
 * wrapper's name for this kernel, and the program reads the arguments out of the saved
 * registers (LINUX_HAS_SYSCALL_WRAPPER, which the loader sets, says whether to). The return
 * side is a plain kretprobe on the same wrapper. Compare kprobe.bpf.c (a kernel function
 * behind unlink) and the sys_enter tracepoints (every syscall).
 *
 * Needs a kernel built with CONFIG_KPROBES: the programs load without it, attaching fails.
 */
#include "kernel.h"

/*
 * The kernel's own struct pt_regs, where the first argument register is "di" (the UAPI
 * struct in <asm/ptrace.h>, which BPF_KSYSCALL would read through CO-RE, calls it "rdi" and
 * would not match the kernel's BTF). The ___kernel flavor keeps the two names apart here.
 */
struct pt_regs___kernel {
	unsigned long di;
} PRESERVE;

/* Whether this kernel's syscalls go through wrappers taking pt_regs (the loader tells). */
extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;

__u64 unlinks;	    /* unlink(2) calls seen (.bss) */
__u64 unlink_fails; /* of which failed */

SEC("ksyscall/unlink")
int unlink_entry(struct pt_regs *ctx)
{
	const char *pathname;
	char path[64];

	if (LINUX_HAS_SYSCALL_WRAPPER) {
		/* the wrapper's one argument: the registers the user called with */
		struct pt_regs___kernel *user = (void *)PT_REGS_PARM1(ctx);

		pathname = (const char *)BPF_CORE_READ(user, di);
	} else {
		pathname = (const char *)PT_REGS_PARM1(ctx);
	}
	__sync_fetch_and_add(&unlinks, 1);
	bpf_probe_read_user_str(path, sizeof(path), pathname);
	bpf_printk("unlink(\"%s\")", path);
	return 0;
}

SEC("kretsyscall/unlink")
int BPF_KRETPROBE(unlink_exit, long ret)
{
	if (ret)
		__sync_fetch_and_add(&unlink_fails, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
