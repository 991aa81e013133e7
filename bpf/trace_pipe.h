/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading bpf_printk output: lines from tracefs trace_pipe, one at a time, with a timeout so
 * a foreground loop can also watch for Ctrl-C and its deadline. trace_pipe is global and
 * consuming: every reader takes lines away from the others.
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
void trace_pipe_close(struct trace_pipe *tp);

#endif
