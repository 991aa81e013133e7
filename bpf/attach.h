/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The first attach kinds, on program fds (no objects here): tracepoints through a perf
 * event (BPF link, or the older PERF_EVENT_IOC_SET_BPF + ENABLE where the kernel has no
 * perf links), raw tracepoints, and tp_btf/tracing programs whose target was fixed at load.
 */
#ifndef RB_BPF_ATTACH_H
#define RB_BPF_ATTACH_H

#include <stdint.h>

#include "rawbpf.h"

enum sys_attach_how {
	SYS_ATTACH_NONE,
	SYS_ATTACH_LINK,	 /* a BPF link fd (detach: close it) */
	SYS_ATTACH_PERF_IOCTL,	 /* a perf event with the program set by ioctl (disable, close) */
	SYS_ATTACH_RAW_TP,	 /* an fd from BPF_RAW_TRACEPOINT_OPEN (close it) */
};

struct sys_attachment {
	enum sys_attach_how how;
	int fd;	     /* link or raw tracepoint fd; -1 if none */
	int perf_fd; /* the perf event under a tracepoint attach; -1 if none */
};

#define SYS_ATTACHMENT_INIT { SYS_ATTACH_NONE, -1, -1 }

/*
 * Give prog_fd the perf event pfd, which becomes out's (closed on failure): a BPF perf link
 * where the kernel has them, else PERF_EVENT_IOC_SET_BPF then ENABLE (no bpf_cookie then).
 * what names the event in errors ("tracepoint 'sched/sched_switch' (id 3)").
 */
int sys_attach_perf_event(int prog_fd, int pfd, uint64_t cookie, const char *what,
			  struct sys_attachment *out, struct rb_error *e);
/* "category/name" (tracefs events/<category>/<name>) with an optional bpf_cookie. */
int sys_attach_tracepoint(int prog_fd, const char *category, const char *name, uint64_t cookie,
			  struct sys_attachment *out, struct rb_error *e);
/* A raw_tp program on the raw tracepoint name ("sched_switch"). */
int sys_attach_raw_tracepoint(int prog_fd, const char *name, uint64_t cookie,
			      struct sys_attachment *out, struct rb_error *e);
/* A tracing program (tp_btf, fentry, fexit, fmod_ret) or LSM program, at its load-time target. */
int sys_attach_tracing(int prog_fd, uint32_t attach_type, uint64_t cookie,
		       struct sys_attachment *out, struct rb_error *e);
/* Detach and close; safe on an already detached or zeroed-by-INIT attachment. */
void sys_detach(struct sys_attachment *a);

#endif
