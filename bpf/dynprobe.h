/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Dynamic probes: a kprobe, kretprobe, uprobe or uretprobe perf event with a BPF program
 * on it. The kernel offers two ways to make the event: the kprobe/uprobe PMU
 * (perf_event_open with the PMU's type, the function or path in config1, the offset in
 * config2, the return-probe bit in config, a uprobe's ref_ctr_offset in config's top half)
 * and, for kprobes on kernels without the PMU, the tracefs kprobe_events file (an event
 * with a unique name, opened as a tracepoint and removed again on detach). The program is
 * attached with a BPF perf link (BPF_LINK_CREATE) or, on kernels without, by ioctl.
 * Syscall probes (ksyscall) name the architecture's syscall wrapper ("__x64_sys_openat").
 */
#ifndef RB_BPF_DYNPROBE_H
#define RB_BPF_DYNPROBE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "rawbpf.h"

struct dynprobe_opts {
	bool retprobe;
	uint64_t cookie;	 /* bpf_get_attach_cookie() */
	pid_t pid;		 /* uprobes: only this process; 0 or -1: every process */
	uint64_t ref_ctr_offset; /* uprobes: file offset of a USDT semaphore, 0: none */
	bool legacy;		 /* kprobes: use tracefs kprobe_events even with a PMU */
};

struct dynprobe {
	int perf_fd;	       /* the perf event */
	int link_fd;	       /* the BPF perf link, or -1 when attached by ioctl */
	char legacy_event[64]; /* kprobe_events event to remove on detach, "" for PMU */
	char tracefs[256];     /* where it was created */
};

#define DYNPROBE_INIT                                                                              \
	{                                                                                          \
		-1, -1, "", ""                                                                     \
	}

/* func+offset in the kernel (func NULL: offset is an address). */
int dynprobe_kprobe(int prog_fd, const char *func, uint64_t offset, const struct dynprobe_opts *o,
		    struct dynprobe *out, struct rb_error *e);
/* path (absolute) at file offset. */
int dynprobe_uprobe(int prog_fd, const char *path, uint64_t offset, const struct dynprobe_opts *o,
		    struct dynprobe *out, struct rb_error *e);
/* Close the link and the event, remove a kprobe_events entry; safe to call twice. */
void dynprobe_detach(struct dynprobe *p);

/*
 * The legacy kprobe_events path with a given event name (tests; dynprobe_kprobe chooses a
 * unique "rawbpf_<pid>_<n>_<func>" itself).
 */
int dynprobe_kprobe_legacy(int prog_fd, const char *event, const char *func, uint64_t offset,
			   const struct dynprobe_opts *o, struct dynprobe *out, struct rb_error *e);

/*
 * The prefix of this kernel's syscall wrappers ("__x64_sys_", "__arm64_sys_", ... or "sys_"
 * on kernels without wrappers), found by looking for the wrapper of a syscall every kernel
 * has in kallsyms (path NULL: /proc/kallsyms).
 */
int dynprobe_syscall_prefix(const char *kallsyms, char *out, size_t len, struct rb_error *e);

#endif
