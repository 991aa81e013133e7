// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Attaching programs by fd: tracepoints, raw tracepoints, tracing (tp_btf and friends). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpf/attach.h"
#include "bpf/perf.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "util/err.h"

void sys_detach(struct sys_attachment *a)
{
	if (a->how == SYS_ATTACH_PERF_IOCTL && a->perf_fd >= 0)
		sys_perf_event_disable(a->perf_fd);
	if (a->fd >= 0)
		close(a->fd);
	if (a->perf_fd >= 0)
		close(a->perf_fd);
	a->fd = -1;
	a->perf_fd = -1;
	a->how = SYS_ATTACH_NONE;
}

int sys_attach_perf_event(int prog_fd, int pfd, uint64_t cookie, const char *what,
			  struct sys_attachment *out, struct rb_error *e)
{
	int r;

	*out = (struct sys_attachment)SYS_ATTACHMENT_INIT;
	if (probe_feature(PROBE_LINK_PERF)->state == PROBE_YES) {
		struct sys_link_create_opts lo = { .prog_fd = prog_fd, .target_fd = pfd,
						   .attach_type = BPF_PERF_EVENT,
						   .perf_cookie = cookie };

		r = sys_link_create(&lo);
		if (r < 0) {
			close(pfd);
			return rb_errorf(e, r, "%s: BPF_LINK_CREATE failed: %s%s", what,
					 strerror(-r),
					 r == -EINVAL ? " (not a program for this event?)" : "");
		}
		out->how = SYS_ATTACH_LINK;
		out->fd = r;
		out->perf_fd = pfd;
		return 0;
	}
	/* No perf links (before 5.15): set the program on the event, then enable it. */
	if (cookie) {
		close(pfd);
		return rb_errorf(e, -EOPNOTSUPP,
				 "%s: this kernel has no perf links, so no bpf_cookie", what);
	}
	r = sys_perf_event_set_bpf(pfd, prog_fd);
	if (r == 0)
		r = sys_perf_event_enable(pfd);
	if (r < 0) {
		close(pfd);
		return rb_errorf(e, r, "%s: PERF_EVENT_IOC_SET_BPF failed: %s", what,
				 strerror(-r));
	}
	out->how = SYS_ATTACH_PERF_IOCTL;
	out->perf_fd = pfd;
	return 0;
}

int sys_attach_tracepoint(int prog_fd, const char *category, const char *name, uint64_t cookie,
			  struct sys_attachment *out, struct rb_error *e)
{
	struct perf_event_attr pa;
	char what[300];
	int id, pfd;

	*out = (struct sys_attachment)SYS_ATTACHMENT_INIT;
	id = sys_tracepoint_id(category, name, e);
	if (id < 0)
		return id;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = PERF_TYPE_TRACEPOINT;
	pa.config = (uint64_t)id;
	pa.sample_period = 1;
	pa.wakeup_events = 1;
	/* One event for all CPUs: a BPF program on a tracepoint runs wherever it fires. */
	pfd = sys_perf_event_open(&pa, -1, 0, -1, 0);
	if (pfd < 0)
		return rb_errorf(e, pfd, "tracepoint '%s/%s' (id %d): perf_event_open failed: %s",
				 category, name, id, strerror(-pfd));
	snprintf(what, sizeof(what), "tracepoint '%s/%s'", category, name);
	return sys_attach_perf_event(prog_fd, pfd, cookie, what, out, e);
}

int sys_attach_raw_tracepoint(int prog_fd, const char *name, uint64_t cookie,
			      struct sys_attachment *out, struct rb_error *e)
{
	int r;

	*out = (struct sys_attachment)SYS_ATTACHMENT_INIT;
	if (!name || !name[0])
		return rb_errorf(e, -EINVAL, "raw tracepoint: no tracepoint name");
	r = sys_raw_tracepoint_open(name, prog_fd, cookie);
	if (r < 0)
		return rb_errorf(e, r, "raw tracepoint '%s': BPF_RAW_TRACEPOINT_OPEN failed: %s%s",
				 name, strerror(-r),
				 r == -ENOENT ? " (no such tracepoint in this kernel)" : "");
	out->how = SYS_ATTACH_RAW_TP;
	out->fd = r;
	return 0;
}

int sys_attach_tracing(int prog_fd, uint32_t attach_type, uint64_t cookie,
		       struct sys_attachment *out, struct rb_error *e)
{
	struct sys_link_create_opts lo = { .prog_fd = prog_fd, .attach_type = attach_type,
					   .tracing_cookie = cookie };
	int r;

	*out = (struct sys_attachment)SYS_ATTACHMENT_INIT;
	r = sys_link_create(&lo);
	if (r == -EINVAL && !cookie) {
		/* Kernels before tracing links (5.8) attach these through RAW_TRACEPOINT_OPEN. */
		r = sys_raw_tracepoint_open(NULL, prog_fd, 0);
		if (r >= 0) {
			out->how = SYS_ATTACH_RAW_TP;
			out->fd = r;
			return 0;
		}
	}
	if (r < 0)
		return rb_errorf(e, r, "tracing attach (attach type %u): BPF_LINK_CREATE failed: %s",
				 attach_type, strerror(-r));
	out->how = SYS_ATTACH_LINK;
	out->fd = r;
	return 0;
}
