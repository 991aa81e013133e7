// SPDX-License-Identifier: GPL-2.0
/*
 * ringbuf: send one record to user space for each execve(), through a BPF ring buffer.
 *
 * A ring buffer is one buffer shared by all CPUs (so records arrive in order), memory-mapped
 * by the reader. The program reserves room for a record, fills it in place and submits it;
 * if the buffer is full the reservation fails and the record is dropped (counted here).
 *
 * The record is `struct event`: it is in the object's BTF, so a reader can decode it field
 * by field without this source (rawbpf's run stage prints records of the map "events" using
 * the type "struct event").
 */
#include "common.h"

struct event {
	__u32 pid;
	__u32 uid;
	__u64 timestamp_ns; /* bpf_ktime_get_ns(): time since boot */
	char comm[COMM_LEN]; /* the program calling execve(), before it is replaced */
	char filename[128];  /* what it executes */
};

/*
 * clang writes BTF only for types that globals and function signatures use, not for those of
 * local variables: this pointer (never used; 8 bytes of .bss) puts `struct event` in the
 * object's BTF, so a reader can decode records with it.
 */
const struct event *event_type_anchor __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); /* bytes; a power of 2 multiple of the page size */
} events SEC(".maps");

__u64 dropped; /* records lost because the buffer was full (.bss) */

SEC("tracepoint/syscalls/sys_enter_execve")
int on_execve(struct syscall_enter_ctx *ctx)
{
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return 0;
	}
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->timestamp_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/*
	 * args[0] is execve's first argument: a user-space pointer to the path. This program
	 * may not sleep, so the read cannot take a page fault: a path in a page that is not
	 * mapped in yet (a string literal, in a freshly forked process) reads as "".
	 */
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
