// SPDX-License-Identifier: GPL-2.0
/*
 * events/raw_ring: ring buffer records that no struct of the object's BTF describes, half of
 * them discarded. On each getpid() the program reserves a record and discards it, then sends
 * 16 bytes built on its stack: the pid, 0xfeedf00d and 0x1122334455667788 (a local array:
 * clang writes no BTF for it, so a reader can only show the bytes). tests/kernel/
 * test_cli_events.sh checks that rawbpf prints them as hex and counts the discarded ones.
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int send_raw(void *ctx)
{
	__u64 rec[2];
	__u64 *skip = bpf_ringbuf_reserve(&events, sizeof(rec), 0);

	if (skip)
		bpf_ringbuf_discard(skip, 0);
	rec[0] = (bpf_get_current_pid_tgid() >> 32) | (0xfeedf00dULL << 32);
	rec[1] = 0x1122334455667788ULL;
	bpf_ringbuf_output(&events, rec, sizeof(rec), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
