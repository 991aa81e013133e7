// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* perf_event_open(2), its BPF ioctls, and the tracefs/sysfs files that name perf events. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/sys.h"
#include "util/err.h"
#include "util/trace.h"

#define TRACEFS_MAIN "/sys/kernel/tracing"
#define TRACEFS_DEBUG "/sys/kernel/debug/tracing"
#define PMU_DEVICES "/sys/bus/event_source/devices"

static sys_perf_hook_fn perf_hook;
static void *perf_hook_ctx;
static const char *tracefs_override;
static const char *pmu_override;

void sys_set_perf_hook(sys_perf_hook_fn fn, void *ctx)
{
	perf_hook = fn;
	perf_hook_ctx = ctx;
}

void sys_set_fs_roots(const char *tracefs_dir, const char *pmu_devices_dir)
{
	tracefs_override = tracefs_dir;
	pmu_override = pmu_devices_dir;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void trace_result(const char *what, int r, uint64_t t0, const char *detail)
{
	if (r < 0)
		trace_emit(RB_TRACE_SYSCALL, what, r, now_ns() - t0, "%s -> %s (%s)", detail,
			   sys_errno_name(r), strerror(-r));
	else
		trace_emit(RB_TRACE_SYSCALL, what, r, now_ns() - t0, "%s", detail);
}

int sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			unsigned long flags)
{
	uint64_t t0 = trace_enabled() ? now_ns() : 0;
	int r;

	flags |= PERF_FLAG_FD_CLOEXEC;
	if (!attr->size)
		attr->size = sizeof(*attr);
	if (perf_hook) {
		r = perf_hook(attr, pid, cpu, group_fd, flags, perf_hook_ctx);
	} else {
		long fd = syscall(__NR_perf_event_open, attr, pid, cpu, group_fd, flags);

		r = fd < 0 ? -errno : (int)fd;
	}
	if (trace_enabled()) {
		char d[192];

		snprintf(d, sizeof(d),
			 "type=%u config=0x%llx config1=0x%llx config2=0x%llx pid=%d cpu=%d "
			 "sample_period=%llu",
			 attr->type, (unsigned long long)attr->config,
			 (unsigned long long)attr->config1, (unsigned long long)attr->config2, pid,
			 cpu, (unsigned long long)attr->sample_period);
		trace_result("perf_event_open", r, t0, d);
	}
	return r;
}

static int perf_ioctl(int fd, unsigned long req, unsigned long arg, const char *what)
{
	uint64_t t0 = trace_enabled() ? now_ns() : 0;
	int r = ioctl(fd, req, arg) < 0 ? -errno : 0;

	if (trace_enabled()) {
		char d[64];

		snprintf(d, sizeof(d), "perf_fd=%d arg=%lu", fd, arg);
		trace_result(what, r, t0, d);
	}
	return r;
}

int sys_perf_event_set_bpf(int perf_fd, int prog_fd)
{
	return perf_ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, (unsigned long)prog_fd,
			  "PERF_EVENT_IOC_SET_BPF");
}

int sys_perf_event_enable(int perf_fd)
{
	return perf_ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0, "PERF_EVENT_IOC_ENABLE");
}

int sys_perf_event_disable(int perf_fd)
{
	return perf_ioctl(perf_fd, PERF_EVENT_IOC_DISABLE, 0, "PERF_EVENT_IOC_DISABLE");
}

static int has_events(const char *dir)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/events", dir);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *sys_tracefs_dir(struct rb_error *e)
{
	int r;

	if (tracefs_override)
		return tracefs_override;
	if (has_events(TRACEFS_MAIN))
		return TRACEFS_MAIN;
	if (has_events(TRACEFS_DEBUG))
		return TRACEFS_DEBUG;
	/* Not mounted: mount it where current kernels expect it (needs CAP_SYS_ADMIN). */
	r = mount("tracefs", TRACEFS_MAIN, "tracefs", 0, NULL) < 0 ? -errno : 0;
	trace_emit(RB_TRACE_SYSCALL, "mount", r, 0, "tracefs on %s%s%s", TRACEFS_MAIN,
		   r ? " -> " : "", r ? sys_errno_name(r) : "");
	if (r == 0 && has_events(TRACEFS_MAIN))
		return TRACEFS_MAIN;
	rb_errorf(e, r ? r : -ENOENT,
		  "tracefs is not mounted (no events under %s or %s) and mounting it on %s failed: %s",
		  TRACEFS_MAIN, TRACEFS_DEBUG, TRACEFS_MAIN, strerror(r ? -r : ENOENT));
	return NULL;
}

/* Read a small sysfs/tracefs file into buf (NUL-terminated, trailing newline removed). */
static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* A decimal number that fits an int and is the whole text. */
static int parse_int(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 0x7fffffff)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static int valid_component(const char *s)
{
	return s && s[0] && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int sys_tracepoint_id(const char *category, const char *name, struct rb_error *e)
{
	const char *dir;
	char path[512], buf[32];
	int r, id;

	if (!valid_component(category) || !valid_component(name))
		return rb_errorf(e, -EINVAL, "tracepoint '%s/%s': not a valid category/name",
				 category ? category : "", name ? name : "");
	dir = sys_tracefs_dir(e);
	if (!dir)
		return e ? e->err : -ENOENT;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, category, name);
	r = read_small(path, buf, sizeof(buf));
	if (r == -ENOENT)
		return rb_errorf(e, r, "tracepoint '%s/%s' does not exist on this kernel (no %s)",
				 category, name, path);
	if (r < 0)
		return rb_errorf(e, r, "tracepoint '%s/%s': cannot read %s: %s", category, name,
				 path, strerror(-r));
	if (parse_int(buf, &id) < 0)
		return rb_errorf(e, -EINVAL, "tracepoint '%s/%s': %s holds '%s', not an id", category,
				 name, path, buf);
	return id;
}

int sys_pmu_type(const char *pmu, struct rb_error *e)
{
	char path[512], buf[32];
	int r, type;

	if (!valid_component(pmu))
		return rb_errorf(e, -EINVAL, "'%s' is not a PMU name", pmu ? pmu : "");
	snprintf(path, sizeof(path), "%s/%s/type", pmu_override ? pmu_override : PMU_DEVICES, pmu);
	r = read_small(path, buf, sizeof(buf));
	if (r == -ENOENT)
		return rb_errorf(e, r, "this kernel has no '%s' PMU (no %s)", pmu, path);
	if (r < 0)
		return rb_errorf(e, r, "PMU '%s': cannot read %s: %s", pmu, path, strerror(-r));
	if (parse_int(buf, &type) < 0)
		return rb_errorf(e, -EINVAL, "PMU '%s': %s holds '%s', not a type number", pmu, path,
				 buf);
	return type;
}

int sys_pmu_retprobe_bit(const char *pmu, struct rb_error *e)
{
	char path[512], buf[64];
	int r, bit;

	if (!valid_component(pmu))
		return rb_errorf(e, -EINVAL, "'%s' is not a PMU name", pmu ? pmu : "");
	snprintf(path, sizeof(path), "%s/%s/format/retprobe",
		 pmu_override ? pmu_override : PMU_DEVICES, pmu);
	r = read_small(path, buf, sizeof(buf));
	if (r == -ENOENT)
		return rb_errorf(e, r, "PMU '%s' has no return-probe format (no %s)", pmu, path);
	if (r < 0)
		return rb_errorf(e, r, "PMU '%s': cannot read %s: %s", pmu, path, strerror(-r));
	/* The file says which config bit it is: "config:<bit>". */
	if (strncmp(buf, "config:", 7) || parse_int(buf + 7, &bit) < 0 || bit > 63)
		return rb_errorf(e, -EINVAL, "PMU '%s': %s holds '%s', expected 'config:<bit>'", pmu,
				 path, buf);
	return bit;
}
