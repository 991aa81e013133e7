/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * perf_event_open(2) and the perf-event ioctls BPF attach uses, plus the tracefs and sysfs
 * lookups that name perf events: a tracepoint's id, a dynamic PMU's type and the config bit
 * that makes it a return probe. Like bpf(2), perf_event_open goes through one swappable
 * entry point and reports to the trace hook.
 */
#ifndef RB_BPF_PERF_H
#define RB_BPF_PERF_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/perf_event.h>

#include "rawbpf.h"

/* Returns what perf_event_open(2) would (fd) or -errno. */
typedef int (*sys_perf_hook_fn)(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
				unsigned long flags, void *ctx);
void sys_set_perf_hook(sys_perf_hook_fn fn, void *ctx);

/* fd or -errno; PERF_FLAG_FD_CLOEXEC is always added. */
int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			unsigned long flags);
/* The pre-link way to attach: PERF_EVENT_IOC_SET_BPF, then ENABLE. 0 or -errno. */
int sys_perf_event_set_bpf(int perf_fd, int prog_fd);
int sys_perf_event_enable(int perf_fd);
int sys_perf_event_disable(int perf_fd);

/*
 * Where tracefs is: /sys/kernel/tracing, else /sys/kernel/debug/tracing; when neither has
 * events, mount tracefs on /sys/kernel/tracing. NULL (and e filled) when it cannot be had.
 */
const char *sys_tracefs_dir(struct rb_error *e);

/* events/<category>/<name>/id under tracefs: the id (> 0) or -errno with e filled. */
int sys_tracepoint_id(const char *category, const char *name, struct rb_error *e);

/* /sys/bus/event_source/devices/<pmu>/type: the PMU's perf type, or -errno (-ENOENT: absent). */
int sys_pmu_type(const char *pmu, struct rb_error *e);
/* The bit of attr.config that asks <pmu> for a return probe ("config:N"), or -errno. */
int sys_pmu_retprobe_bit(const char *pmu, struct rb_error *e);

/* Tests point the lookups at a fake tree (NULL restores the real paths). */
void sys_set_fs_roots(const char *tracefs_dir, const char *pmu_devices_dir);

#endif
