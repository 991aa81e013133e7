// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Line reader over a tracefs trace_pipe (a private instance's), non-blocking with poll(2). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/trace_pipe.h"
#include "util/err.h"
#include "util/trace.h"

#define TP_BUF 8192

#define INSTANCE_PREFIX "rawbpf-"
#define PRINTK_ENABLE "events/bpf_trace/bpf_trace_printk/enable"

struct trace_pipe {
	int fd;
	bool instance;	    /* dir is our private instance, removed on close */
	char dir[PATH_MAX]; /* the tracefs directory read */
	size_t len;	    /* bytes in buf */
	char buf[TP_BUF];
};

/* Write a short string to a tracefs file; 0 or -errno. */
static int write_str(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX + 64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

/* Instances left by rawbpf processes that died without closing (SIGKILL): remove them. */
static void remove_stale(const char *top)
{
	char path[PATH_MAX], inst[PATH_MAX + 260];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/instances", top);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		char *end;
		long pid;

		if (strncmp(d->d_name, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)))
			continue;
		pid = strtol(d->d_name + strlen(INSTANCE_PREFIX), &end, 10);
		if (pid <= 0 || *end != '-' || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(inst, sizeof(inst), "%s/%s", path, d->d_name);
		write_str(inst, PRINTK_ENABLE, "0");
		rmdir(inst);
	}
	closedir(dir);
}

/* A private instance with the bpf_trace_printk event on; its trace_pipe fd, or -errno. */
static int open_instance(const char *top, char *dir, size_t len)
{
	static unsigned int seq;
	char path[PATH_MAX + 16];
	int fd, r;

	snprintf(dir, len, "%s/instances/%s%d-%u", top, INSTANCE_PREFIX, (int)getpid(),
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
	if (mkdir(dir, 0700) < 0)
		return -errno;
	r = write_str(dir, PRINTK_ENABLE, "1");
	if (r < 0) {
		rmdir(dir);
		return r;
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", dir);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		write_str(dir, PRINTK_ENABLE, "0");
		rmdir(dir);
		return r;
	}
	return fd;
}

struct trace_pipe *trace_pipe_open(struct rb_error *e)
{
	const char *top = sys_tracefs_dir(e);
	struct trace_pipe *tp;
	char path[PATH_MAX + 16];
	int r;

	if (!top)
		return NULL;
	tp = calloc(1, sizeof(*tp));
	if (!tp) {
		rb_errorf(e, -ENOMEM, "trace_pipe: out of memory");
		return NULL;
	}
	remove_stale(top);
	r = open_instance(top, tp->dir, sizeof(tp->dir));
	if (r >= 0) {
		tp->fd = r;
		tp->instance = true;
		trace_emit(RB_TRACE_INFO, "trace_pipe", 0, 0,
			   "bpf_printk lines from a private trace instance (instances/%s<pid>-<n>, "
			   "removed on close)",
			   INSTANCE_PREFIX);
		return tp;
	}
	trace_emit(RB_TRACE_INFO, "trace_pipe", r, 0,
		   "no private trace instance (%s: %s): reading the shared trace_pipe", tp->dir,
		   strerror(-r));
	snprintf(tp->dir, sizeof(tp->dir), "%s", top);
	snprintf(path, sizeof(path), "%s/trace_pipe", top);
	tp->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (tp->fd < 0) {
		rb_errorf(e, -errno, "cannot open %s: %s", path, strerror(errno));
		free(tp);
		return NULL;
	}
	return tp;
}

/* Hand out the first line in buf, if there is a complete one (or buf is full). */
static int take_line(struct trace_pipe *tp, char *line, size_t len)
{
	char *nl = memchr(tp->buf, '\n', tp->len);
	size_t n, cut;

	if (!nl && tp->len < sizeof(tp->buf))
		return -EAGAIN;
	n = nl ? (size_t)(nl - tp->buf) : tp->len;
	cut = n < len - 1 ? n : len - 1;
	memcpy(line, tp->buf, cut);
	line[cut] = '\0';
	if (nl)
		n++;
	memmove(tp->buf, tp->buf + n, tp->len - n);
	tp->len -= n;
	return (int)cut;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int trace_pipe_read_line(struct trace_pipe *tp, char *line, size_t len, int timeout_ms)
{
	long long deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

	if (!len)
		return -EINVAL;
	for (;;) {
		struct pollfd pfd = { .fd = tp->fd, .events = POLLIN };
		int r = take_line(tp, line, len), wait;
		ssize_t n;

		if (r >= 0)
			return r;
		n = read(tp->fd, tp->buf + tp->len, sizeof(tp->buf) - tp->len);
		if (n > 0) {
			tp->len += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN)
			return -errno;
		wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
		if (deadline >= 0 && wait <= 0)
			return -EAGAIN;
		r = poll(&pfd, 1, wait);
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EAGAIN;
	}
}

int trace_pipe_fd(const struct trace_pipe *tp)
{
	return tp->fd;
}

const char *trace_pipe_dir(const struct trace_pipe *tp)
{
	return tp->dir;
}

void trace_pipe_close(struct trace_pipe *tp)
{
	if (!tp)
		return;
	close(tp->fd);
	if (tp->instance) {
		write_str(tp->dir, PRINTK_ENABLE, "0");
		if (rmdir(tp->dir) < 0)
			trace_emit(RB_TRACE_INFO, "trace_pipe", -errno, 0,
				   "cannot remove the trace instance %s: %s", tp->dir,
				   strerror(errno));
	}
	free(tp);
}
