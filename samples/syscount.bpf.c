// SPDX-License-Identifier: GPL-2.0
/*
 * syscount: how many system calls each program makes, by process name.
 *
 * raw_syscalls/sys_enter fires on entry to EVERY system call of every process, so this
 * program runs very often: it does one hash lookup and one atomic add, nothing more. The key
 * is the process name (task->comm, 16 bytes, NUL-padded), so all processes of the same name
 * share one counter.
 */
#include "common.h"

struct comm_key {
	char comm[COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct comm_key);
	__type(value, __u64); /* system calls */
} syscalls SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscall(void *ctx)
{
	/* Zeroed first: the key is compared byte by byte, padding included. */
	struct comm_key key = {};
	__u64 one = 1, *count;

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	count = bpf_map_lookup_elem(&syscalls, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&syscalls, &key, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
