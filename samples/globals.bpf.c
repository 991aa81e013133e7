// SPDX-License-Identifier: GPL-2.0
/*
 * globals: global variables, and how a loader turns them into maps.
 *
 * BPF programs have no data segment of their own. Each kind of global lands in its own ELF
 * section, and the loader makes each section a one-element array map holding the section's
 * bytes; instructions that touch a global are rewritten to point into that map's value.
 *
 *   .rodata      const volatile knobs: set by the loader BEFORE the program is loaded
 *                (`rawbpf load globals.bpf.o --set target_pid=1234`), then frozen, so the
 *                verifier knows their values and can drop code they switch off.
 *   .data        initialised variables, readable and writable from both sides at any time.
 *   .bss         zero-initialised variables (no bytes in the file, just a size).
 *   .data.stats  a section we name ourselves: one more .data-like map, so that user space can
 *                read or reset these counters on their own.
 *
 * `volatile` on the knobs stops clang from folding their initial values into the code: the
 * values in the file are only defaults.
 */
#include <stdbool.h>
#include "common.h"

/* Knobs (.rodata). */
const volatile __u32 target_pid = 0; /* count only this process; 0 means every process */
const volatile char greeting[16] = "hello";
const volatile bool verbose = false; /* bpf_printk for each matching call */

/* Initialised, writable (.data): the last process that matched; -1 until one does. */
int last_pid = -1;

/* Zero-initialised (.bss). */
__u64 matched;

/* Our own section (.data.stats). */
struct stats {
	__u64 calls;   /* every getpid() seen */
	__u64 skipped; /* calls from processes other than target_pid */
};
struct stats stats SEC(".data.stats") = {};

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_matching(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	__sync_fetch_and_add(&stats.calls, 1);
	if (target_pid && pid != target_pid) {
		__sync_fetch_and_add(&stats.skipped, 1);
		return 0;
	}
	__sync_fetch_and_add(&matched, 1);
	last_pid = pid;
	/* With verbose left false, the verifier proves this branch dead and removes it. */
	if (verbose)
		bpf_printk("%s from pid %d", greeting, pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
