// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family unreleased-ref): ring buffer space reserved and never submitted. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int unreleased_ref(void *ctx)
{
	__u32 *rec = bpf_ringbuf_reserve(&events, sizeof(*rec), 0);

	if (!rec)
		return 0;
	*rec = bpf_get_current_pid_tgid() >> 32;
	return 0; /* missing bpf_ringbuf_submit(rec, 0) */
}

char LICENSE[] SEC("license") = "GPL";
