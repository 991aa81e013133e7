/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every sample includes: the kernel's BPF UAPI, libbpf's BPF-side headers (helper
 * declarations, SEC(), map definition macros, BPF_PROG/BPF_KPROBE argument unpacking, CO-RE
 * read macros) and the few types the samples share.
 *
 * Nothing here is rawbpf-specific: these are the same headers a libbpf user writes against,
 * so the samples load with bpftool too (tests/kernel/test_samples_bpftool.sh checks it).
 */
#ifndef RAWBPF_SAMPLES_COMMON_H
#define RAWBPF_SAMPLES_COMMON_H

/*
 * bpf_tracing.h reads function arguments out of struct pt_regs, whose layout depends on the
 * CPU the kernel runs on. clang -target bpf cannot know it, so we say it: this project builds
 * for x86-64 (a port would pass -D__TARGET_ARCH_arm64 and so on).
 */
#ifndef __TARGET_ARCH_x86
#define __TARGET_ARCH_x86
#endif

#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* A process name as the kernel keeps it (task_struct.comm, TASK_COMM_LEN). */
#define COMM_LEN 16

/*
 * The context of a syscalls/sys_enter_* and sys_exit_* tracepoint, as
 * /sys/kernel/tracing/events/syscalls/sys_enter_read/format describes it: 8 bytes of common
 * fields, the syscall number, then the arguments (enter) or the return value (exit), each
 * widened to 64 bits. Tracepoint layouts are fixed by that format file, not relocated by CO-RE.
 */
struct syscall_enter_ctx {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__u64 args[6];
};

struct syscall_exit_ctx {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__s64 ret;
};

#endif
