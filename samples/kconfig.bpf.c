// SPDX-License-Identifier: GPL-2.0
/*
 * kconfig: reading the running kernel's configuration and version.
 *
 * An `extern ... __kconfig` variable has no value in the object file. The loader fills it in
 * from the running kernel's configuration (/proc/config.gz, or /boot/config-$(uname -r)),
 * writes all of them into a read-only map, and the program reads them like constants; the
 * verifier then knows their values and drops dead branches.
 *
 *   y / n / m options     as bool (y is true) or enum libbpf_tristate (TRI_YES, TRI_MODULE...)
 *   numbers and strings   as integers or char arrays
 *   LINUX_KERNEL_VERSION  not a config option: the loader computes it from uname's release
 *                         (KERNEL_VERSION(6, 18, 44) = 6 << 16 | 18 << 8 | 44)
 *   __weak                the option may be absent ("is not set" counts as absent): it is
 *                         then 0/false instead of making the load fail
 */
#include <stdbool.h>
#include "common.h"

extern __u32 LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig;                     /* timer ticks per second */
extern bool CONFIG_BPF_JIT __kconfig;               /* a bool option */
extern enum libbpf_tristate CONFIG_TUN __kconfig;   /* a tristate: y, m or n */
extern bool CONFIG_KPROBES __kconfig __weak;        /* "is not set" on some kernels */
extern int CONFIG_RAWBPF_NO_SUCH_OPTION __kconfig __weak; /* exists nowhere */

/* What the program saw, for user space to read (.bss). */
struct kconfig_seen {
	__u32 kernel_version;
	__s32 hz;
	__u32 bpf_jit;
	__u32 tun; /* 0 no, 1 built in, 2 module */
	__u32 kprobes;
	__s32 no_such_option;
};
struct kconfig_seen seen;

SEC("tracepoint/syscalls/sys_enter_getpid")
int read_kconfig(void *ctx)
{
	seen.kernel_version = LINUX_KERNEL_VERSION;
	seen.hz = CONFIG_HZ;
	seen.bpf_jit = CONFIG_BPF_JIT;
	seen.tun = CONFIG_TUN;
	seen.kprobes = CONFIG_KPROBES;
	seen.no_such_option = CONFIG_RAWBPF_NO_SUCH_OPTION;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
