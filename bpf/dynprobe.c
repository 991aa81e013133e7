// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/dynprobe.h"
#include "bpf/perf.h"
#include "bpf/sys.h"
#include "util/err.h"
#include "util/trace.h"

#define UPROBE_REF_CTR_SHIFT 32 /* ref_ctr_offset is config:32-63 */

/* Attach prog_fd to the event: a perf link, else the ioctl way (kernels before 5.15). */
static int attach_prog(int prog_fd, const struct dynprobe_opts *o, struct dynprobe *p,
		       const char *what, struct rb_error *e)
{
	struct sys_link_create_opts lo = {0};
	int ret;

	lo.prog_fd = prog_fd;
	lo.target_fd = p->perf_fd;
	lo.attach_type = BPF_PERF_EVENT;
	lo.perf_cookie = o ? o->cookie : 0;
	ret = sys_link_create(&lo);
	if (ret >= 0) {
		p->link_fd = ret;
		return 0;
	}
	if ((ret != -EINVAL && ret != -EOPNOTSUPP) || lo.perf_cookie)
		return rb_errorf(e, ret, "%s: attaching the program (BPF_LINK_CREATE): %s", what,
				 strerror(-ret));
	ret = sys_perf_event_set_bpf(p->perf_fd, prog_fd);
	if (!ret)
		ret = sys_perf_event_enable(p->perf_fd);
	if (ret)
		return rb_errorf(e, ret, "%s: attaching the program (PERF_EVENT_IOC_SET_BPF): %s",
				 what, strerror(-ret));
	return 0;
}

/*
 * The PMU's perf type and, for a return probe, its retprobe config bit (else -1): 0, or
 * -errno with e saying which sysfs file is missing.
 */
static int pmu_lookup(const char *pmu, bool retprobe, int *type, int *retbit, struct rb_error *e)
{
	*type = sys_pmu_type(pmu, e);
	if (*type < 0)
		return *type;
	*retbit = retprobe ? sys_pmu_retprobe_bit(pmu, e) : -1;
	return retprobe && *retbit < 0 ? *retbit : 0;
}

/* Open a probe event on a PMU: target in config1/config2. */
static int pmu_open(int type, int retbit, uint64_t config1, uint64_t config2, uint64_t extra_config,
		    pid_t pid)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = (uint32_t)type;
	attr.config = extra_config | (retbit >= 0 ? 1ULL << retbit : 0);
	attr.config1 = config1;
	attr.config2 = config2;
	/* pid -1 with cpu 0 makes a probe for every process; a pid needs cpu -1. */
	return sys_perf_event_open(&attr, pid > 0 ? pid : -1, pid > 0 ? -1 : 0, -1, 0);
}

void dynprobe_detach(struct dynprobe *p)
{
	if (p->link_fd >= 0)
		close(p->link_fd);
	if (p->perf_fd >= 0)
		close(p->perf_fd);
	p->link_fd = p->perf_fd = -1;
	if (p->legacy_event[0]) {
		char path[320], line[96];
		int fd, n;

		snprintf(path, sizeof(path), "%s/kprobe_events", p->tracefs);
		n = snprintf(line, sizeof(line), "-:kprobes/%s\n", p->legacy_event);
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t w = write(fd, line, (size_t)n);

			trace_emit(RB_TRACE_SYSCALL, "kprobe_events", w < 0 ? -errno : 0, 0,
				   "remove %s", p->legacy_event);
			close(fd);
		}
		p->legacy_event[0] = '\0';
	}
}

int dynprobe_kprobe_legacy(int prog_fd, const char *event, const char *func, uint64_t offset,
			   const struct dynprobe_opts *o, struct dynprobe *out, struct rb_error *e)
{
	bool ret_probe = o && o->retprobe;
	struct perf_event_attr attr;
	char path[320], line[512], what[300];
	const char *dir;
	int fd, id, n, ret;
	ssize_t w;

	*out = (struct dynprobe)DYNPROBE_INIT;
	snprintf(what, sizeof(what), "%s '%s+0x%llx' (tracefs event %s)",
		 ret_probe ? "kretprobe" : "kprobe", func ? func : "", (unsigned long long)offset,
		 event);
	if (!func || !func[0] || strlen(event) >= sizeof(out->legacy_event))
		return rb_errorf(e, EINVAL, "%s: needs a function name and a short event name",
				 what);
	if (ret_probe && offset)
		return rb_errorf(e, EINVAL, "%s: a return probe cannot have an offset", what);
	dir = sys_tracefs_dir(e);
	if (!dir)
		return e ? e->err : -ENOENT;
	snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			return rb_errorf(e, EOPNOTSUPP,
					 "%s: this kernel has no kprobes (no %s; CONFIG_KPROBES or "
					 "CONFIG_KPROBE_EVENTS is off)",
					 what, path);
		return rb_errorf(e, ret, "%s: cannot open %s: %s", what, path, strerror(-ret));
	}
	if (ret_probe)
		n = snprintf(line, sizeof(line), "r:kprobes/%s %s\n", event, func);
	else
		n = snprintf(line, sizeof(line), "p:kprobes/%s %s+%llu\n", event, func,
			     (unsigned long long)offset);
	w = write(fd, line, (size_t)n);
	ret = w == n ? 0 : w < 0 ? -errno : -EIO;
	close(fd);
	trace_emit(RB_TRACE_SYSCALL, "kprobe_events", ret, 0, "%.*s", n - 1, line);
	if (ret)
		return rb_errorf(e, ret,
				 "%s: the kernel refused '%.*s' in %s: %s (no such function, or "
				 "not probeable?)",
				 what, n - 1, line, path, strerror(-ret));
	snprintf(out->legacy_event, sizeof(out->legacy_event), "%s", event);
	snprintf(out->tracefs, sizeof(out->tracefs), "%s", dir);
	id = sys_tracepoint_id("kprobes", event, e);
	if (id < 0) {
		ret = id;
		goto fail;
	}
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = (uint64_t)id;
	ret = sys_perf_event_open(&attr, -1, 0, -1, 0);
	if (ret < 0) {
		rb_errorf(e, ret, "%s: perf_event_open: %s", what, strerror(-ret));
		goto fail;
	}
	out->perf_fd = ret;
	ret = attach_prog(prog_fd, o, out, what, e);
	if (ret)
		goto fail;
	return 0;
fail:
	dynprobe_detach(out);
	return ret;
}

int dynprobe_kprobe(int prog_fd, const char *func, uint64_t offset, const struct dynprobe_opts *o,
		    struct dynprobe *out, struct rb_error *e)
{
	static unsigned int counter;
	bool ret_probe = o && o->retprobe;
	struct rb_error pmu_err = {0};
	char what[300], event[64];
	int ret, type = -1, retbit;

	*out = (struct dynprobe)DYNPROBE_INIT;
	snprintf(what, sizeof(what), "%s '%s+0x%llx'", ret_probe ? "kretprobe" : "kprobe",
		 func ? func : "", (unsigned long long)offset);
	ret = o && o->legacy ? -ENOENT : pmu_lookup("kprobe", ret_probe, &type, &retbit, &pmu_err);
	if (!ret) {
		ret = pmu_open(type, retbit, (uint64_t)(uintptr_t)func, offset, 0, -1);
		if (ret < 0)
			return rb_errorf(e, ret, "%s: perf_event_open on the kprobe PMU: %s%s",
					 what, strerror(-ret),
					 ret == -ENOENT || ret == -EINVAL
						 ? " (no such function, or not probeable?)"
						 : "");
		out->perf_fd = ret;
		ret = attach_prog(prog_fd, o, out, what, e);
		if (ret)
			dynprobe_detach(out);
		return ret;
	}
	if (ret != -ENOENT || (type >= 0 && !(o && o->legacy)))
		return rb_errorf(e, ret, "%s: %s", what, pmu_err.msg);
	if (!func)
		return rb_errorf(e, EOPNOTSUPP, "%s: probing an address needs the kprobe PMU: %s",
				 what, pmu_err.msg);
	/* A unique, valid tracefs event name: letters, digits and underscores. */
	snprintf(event, sizeof(event), "rawbpf_%d_%u_%s", (int)getpid(), counter++, func);
	for (char *c = event; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9')))
			*c = '_';
	ret = dynprobe_kprobe_legacy(prog_fd, event, func, offset, o, out, e);
	if (ret == -EOPNOTSUPP && pmu_err.msg[0] && e) {
		const char *dir = sys_tracefs_dir(NULL);

		rb_errorf(e, EOPNOTSUPP,
			  "%s: this kernel has no kprobes (CONFIG_KPROBES is off?): %s, and no "
			  "%s/kprobe_events",
			  what, pmu_err.msg, dir ? dir : "tracefs");
	}
	return ret;
}

int dynprobe_uprobe(int prog_fd, const char *path, uint64_t offset, const struct dynprobe_opts *o,
		    struct dynprobe *out, struct rb_error *e)
{
	bool ret_probe = o && o->retprobe;
	uint64_t ref = o ? o->ref_ctr_offset : 0;
	char what[600];
	int ret, type, retbit;

	*out = (struct dynprobe)DYNPROBE_INIT;
	snprintf(what, sizeof(what), "%s '%s:0x%llx'", ret_probe ? "uretprobe" : "uprobe",
		 path ? path : "", (unsigned long long)offset);
	if (!path || path[0] != '/')
		return rb_errorf(e, EINVAL, "%s: needs an absolute path", what);
	if (ref >> 32)
		return rb_errorf(e, EINVAL, "%s: semaphore offset 0x%llx does not fit 32 bits",
				 what, (unsigned long long)ref);
	ret = pmu_lookup("uprobe", ret_probe, &type, &retbit, e);
	if (ret)
		return rb_err_wrap(e, ret, "%s", what);
	ret = pmu_open(type, retbit, (uint64_t)(uintptr_t)path, offset, ref << UPROBE_REF_CTR_SHIFT,
		       o ? o->pid : -1);
	if (ret < 0)
		return rb_errorf(e, ret, "%s: perf_event_open on the uprobe PMU: %s", what,
				 strerror(-ret));
	out->perf_fd = ret;
	ret = attach_prog(prog_fd, o, out, what, e);
	if (ret)
		dynprobe_detach(out);
	return ret;
}

int dynprobe_syscall_prefix(const char *kallsyms, char *out, size_t len, struct rb_error *e)
{
	/* Wrapper prefixes by architecture; the last is the kernel without wrappers. */
	static const char *const prefixes[] = {"__x64_sys_",   "__arm64_sys_", "__s390x_sys_",
					       "__riscv_sys_", "__ia32_sys_",  "sys_"};
	bool found[sizeof(prefixes) / sizeof(prefixes[0])] = {false};
	char line[512];
	FILE *f;

	if (!kallsyms)
		kallsyms = "/proc/kallsyms";
	f = fopen(kallsyms, "re");
	if (!f)
		return rb_errorf(e, errno, "syscall prefix: cannot read %s: %s", kallsyms,
				 strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		/* "<addr> <type> <name>[\t[module]]" */
		char *name = strchr(line, ' ');

		if (!name || !(name = strchr(name + 1, ' ')))
			continue;
		name++;
		name[strcspn(name, "\t\n")] = '\0';
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			size_t pl = strlen(prefixes[i]);

			if (!strncmp(name, prefixes[i], pl) && !strcmp(name + pl, "getpid"))
				found[i] = true;
		}
	}
	fclose(f);
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (found[i]) {
			if (strlen(prefixes[i]) + 1 > len)
				return rb_errorf(e, ENAMETOOLONG,
						 "syscall prefix: buffer too small");
			strcpy(out, prefixes[i]);
			return 0;
		}
	return rb_errorf(e, ENOENT,
			 "syscall prefix: no getpid syscall wrapper (__x64_sys_getpid, "
			 "__arm64_sys_getpid, ..., sys_getpid) in %s",
			 kallsyms);
}
