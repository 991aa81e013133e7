// SPDX-License-Identifier: GPL-2.0
/*
 * perfbuf: the same records as ringbuf.bpf.c, through a perf event array (the older way).
 *
 * A perf event array has one buffer per CPU; the reader opens a perf event per CPU and
 * merges them, so records of different CPUs may arrive out of order. The program builds the
 * record on its stack (512 bytes at most) and bpf_perf_event_output() copies it out.
 * ring buffers (kernel 5.8+) are usually the better choice; this is for older kernels and
 * for comparison.
 *
 * The record is `struct event`, found in the object's BTF by the reader of map "events".
 */
#include "common.h"

struct event {
	__u32 pid;
	__u32 uid;
	__u64 timestamp_ns;
	char comm[COMM_LEN];
	char filename[128];
};

/*
 * clang writes BTF only for types that globals and function signatures use, not for those of
 * local variables: this pointer (never used; 8 bytes of .bss) puts `struct event` in the
 * object's BTF, so a reader can decode records with it.
 */
const struct event *event_type_anchor __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	/* max_entries left out: the loader sets it to the number of CPUs. */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_execve")
int on_execve(struct syscall_enter_ctx *ctx)
{
	struct event e = {};

	e.pid = bpf_get_current_pid_tgid() >> 32;
	e.uid = (__u32)bpf_get_current_uid_gid();
	e.timestamp_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e.comm, sizeof(e.comm));
	bpf_probe_read_user_str(e.filename, sizeof(e.filename), (const char *)ctx->args[0]);
	/* BPF_F_CURRENT_CPU: into the buffer of the CPU we run on. */
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
