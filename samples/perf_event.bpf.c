// SPDX-License-Identifier: GPL-2.0
/*
 * perf_event: a tiny sampling profiler.
 *
 * The program is attached to a perf event (perf_event_open(2)) such as the CPU clock: the
 * kernel interrupts each CPU at the sampling rate and runs the program, which counts the
 * sample for the process that was running. Processes with the largest counts used the most
 * CPU.
 *
 *   rawbpf load perf_event.bpf.o --freq 99 --duration 5
 */
#include "common.h"
#include <linux/bpf_perf_event.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);   /* process id (0: the CPU was idle) */
	__type(value, __u64); /* samples */
} samples SEC(".maps");

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *count;

	count = bpf_map_lookup_elem(&samples, &pid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&samples, &pid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
