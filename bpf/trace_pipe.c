// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Line reader over tracefs trace_pipe, non-blocking with poll(2) for timeouts. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/trace_pipe.h"
#include "util/err.h"

#define TP_BUF 8192

struct trace_pipe {
	int fd;
	size_t len;	    /* bytes in buf */
	char buf[TP_BUF];
};

struct trace_pipe *trace_pipe_open(struct rb_error *e)
{
	const char *dir = sys_tracefs_dir(e);
	struct trace_pipe *tp;
	char path[512];

	if (!dir)
		return NULL;
	tp = calloc(1, sizeof(*tp));
	if (!tp) {
		rb_errorf(e, -ENOMEM, "trace_pipe: out of memory");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/trace_pipe", dir);
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

void trace_pipe_close(struct trace_pipe *tp)
{
	if (tp) {
		close(tp->fd);
		free(tp);
	}
}
