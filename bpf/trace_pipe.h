/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading bpf_printk output: lines from tracefs trace_pipe, one at a time, with a timeout so
 * a foreground loop can also watch for Ctrl-C and its deadline.
 *
 * The top-level trace_pipe is shared and consuming (a second reader gets EBUSY on current
 * kernels, and it holds whatever was printed before, maybe hours ago). bpf_printk output is
 * the bpf_trace/bpf_trace_printk trace event, which any tracefs instance can enable: so each
 * reader makes a private instance (instances/rawbpf-PID-N), enables the event there and
 * reads that instance's trace_pipe, which starts empty and is nobody else's. The lines are
 * still every BPF program's (the event cannot tell programs apart). Without instances or the
 * event (old kernels), the top-level trace_pipe is read as before.
 */
#ifndef RB_BPF_TRACE_PIPE_H
#define RB_BPF_TRACE_PIPE_H

#include <stddef.h>

#include "rawbpf.h"

struct trace_pipe;

/* Open tracefs's trace_pipe (mounting tracefs if needed). NULL with e filled on failure. */
struct trace_pipe *trace_pipe_open(struct rb_error *e);
/*
 * Next complete line (without its newline) into line/len, waiting at most timeout_ms
 * (-1: forever). Returns the line length (>= 0), -EAGAIN on timeout, -EINTR when a signal
 * interrupted the wait, other -errno on failure. Longer lines are cut to len - 1.
 */
int trace_pipe_read_line(struct trace_pipe *tp, char *line, size_t len, int timeout_ms);
/* The non-blocking fd, to wait on it in a larger poll/epoll loop. */
int trace_pipe_fd(const struct trace_pipe *tp);
/* The tracefs directory read: the private instance's, or the top-level one. */
const char *trace_pipe_dir(const struct trace_pipe *tp);
/* Disables the event and removes the private instance. NULL is fine. */
void trace_pipe_close(struct trace_pipe *tp);

#endif
