// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * perf_event programs: sampling on the software CPU clock, one perf event per online CPU
 * (a software event samples only the CPU it was opened on when pid is -1), each given the
 * program with a BPF link (BPF_LINK_CREATE, BPF_PERF_EVENT) or, on kernels without perf
 * links, PERF_EVENT_IOC_SET_BPF then ENABLE, each an attachment of the program with its CPU
 * (attachment.h). Also the notes of the kinds that stay unattached on
 * purpose: syscall programs (run once instead) and socket filters (need a socket).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/perfbuf.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "loader/attach_kinds.h"
#include "util/err.h"
#include "util/trace.h"

#define PERF_MAX_CPUS	  4096
#define PERF_DEFAULT_FREQ 99 /* Hz: off the beat of timer ticks, as profilers do */

/* Online CPUs as a bitmap; their count or -errno. */
static int online_cpus(unsigned char *bits, struct rb_error *e)
{
	char buf[1024];
	int fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC), n;
	ssize_t len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return rb_errorf(e, EIO, "perf_event: cannot read /sys/devices/system/cpu/online");
	buf[len] = '\0';
	n = perfbuf_parse_cpu_list(buf, bits, PERF_MAX_CPUS);
	if (n <= 0)
		return rb_errorf(e, EINVAL, "perf_event: /sys/devices/system/cpu/online holds '%s'",
				 buf);
	return n;
}

static void sampling(const struct rb_attach_opts *o, uint32_t *freq, uint64_t *period)
{
	bool has = o && o->sz >= offsetof(struct rb_attach_opts, perf_period) + sizeof(uint64_t);

	*freq = has ? o->perf_freq : 0;
	*period = has ? o->perf_period : 0;
	if (!*freq && !*period)
		*freq = PERF_DEFAULT_FREQ;
}

static int attach_cpu(int prog_fd, int cpu, uint32_t freq, uint64_t period,
		      struct sys_attachment *a, struct rb_error *e)
{
	struct perf_event_attr pa;
	char what[64];
	int pfd;

	*a = (struct sys_attachment)SYS_ATTACHMENT_INIT;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = PERF_TYPE_SOFTWARE;
	pa.config = PERF_COUNT_SW_CPU_CLOCK;
	if (period) {
		pa.sample_period = period;
	} else {
		pa.freq = 1;
		pa.sample_freq = freq;
	}
	pfd = sys_perf_event_open(&pa, -1, cpu, -1, 0);
	if (pfd < 0)
		return rb_errorf(e, pfd, "cpu-clock event on CPU %d: perf_event_open failed: %s%s",
				 cpu, strerror(-pfd),
				 pfd == -EINVAL && !period
					 ? " (is --freq above kernel.perf_event_max_sample_rate?)"
					 : "");
	snprintf(what, sizeof(what), "cpu-clock event on CPU %d", cpu);
	return sys_attach_perf_event(prog_fd, pfd, 0, what, a, e);
}

int attach_perf(struct loaded_prog *lp, const struct obj_prog *p, const struct rb_attach_opts *o,
		struct rb_error *e)
{
	static unsigned char online[PERF_MAX_CPUS / 8];
	uint32_t freq;
	uint64_t period;
	char what[96];
	int n, r;

	if (p->prog_type == BPF_PROG_TYPE_SYSCALL) {
		free(lp->att_note);
		lp->att_note = strdup("not attached: a syscall program runs when asked "
				      "(BPF_PROG_TEST_RUN), not on an event");
		return 1;
	}
	if (p->prog_type == BPF_PROG_TYPE_SOCKET_FILTER) {
		free(lp->att_note);
		lp->att_note = strdup("not attached: a socket filter needs a socket of yours "
				      "(setsockopt SO_ATTACH_BPF with the program's fd or pin)");
		return 1;
	}
	if (p->prog_type != BPF_PROG_TYPE_PERF_EVENT)
		return 1;
	sampling(o, &freq, &period);
	n = online_cpus(online, e);
	if (n < 0)
		return n;
	for (int cpu = 0; cpu < PERF_MAX_CPUS; cpu++) {
		struct attachment *a;

		if (!(online[cpu / 8] & (1u << (cpu % 8))))
			continue;
		a = att_add(lp, ATT_SYS);
		if (!a)
			return rb_errorf(e, ENOMEM, "out of memory");
		a->cpu = cpu;
		r = attach_cpu(lp->fd, cpu, freq, period, &a->u.sys, e);
		if (r < 0)
			return r; /* the caller detaches what was attached */
	}
	if (period)
		snprintf(what, sizeof(what), "perf_event cpu-clock every %llu ns, %d CPUs",
			 (unsigned long long)period, n);
	else
		snprintf(what, sizeof(what), "perf_event cpu-clock %u Hz, %d CPUs", freq, n);
	lp->target = strdup(what);
	return 0;
}
