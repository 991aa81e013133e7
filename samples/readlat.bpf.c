// SPDX-License-Identifier: GPL-2.0
/*
 * readlat: how long read() takes, as a histogram with power-of-two buckets.
 *
 * Two programs cooperate through a map: on entry to read() we remember the time, keyed by
 * thread id (a thread is in at most one system call at a time); on exit we look the start
 * time up, delete it, and count the elapsed microseconds in bucket log2(usecs). Bucket 0 holds
 * 0-1 us, bucket 1 2-3 us, bucket 2 4-7 us, ...; the last bucket, 26, holds everything from
 * 2^26 us (about 67 seconds) on.
 */
#include "common.h"

#define BUCKETS 27

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);   /* thread id */
	__type(value, __u64); /* bpf_ktime_get_ns() at entry */
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BUCKETS);
	__type(key, __u32);   /* bucket: log2(microseconds) */
	__type(value, __u64); /* read() calls */
} hist SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_read")
int read_enter(struct syscall_enter_ctx *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &tid, &now, BPF_ANY);
	return 0;
}

/* floor(log2(v)), and 0 for 0. */
static __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	/* A bounded loop: the verifier accepts it because it can see that it ends. */
	while (v > 1 && r < 64) {
		v >>= 1;
		r++;
	}
	return r;
}

SEC("tracepoint/syscalls/sys_exit_read")
int read_exit(struct syscall_exit_ctx *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *started, *slot;
	__u32 bucket;

	started = bpf_map_lookup_elem(&start, &tid);
	if (!started)
		return 0; /* the read() began before we were attached */
	bucket = log2_u64((bpf_ktime_get_ns() - *started) / 1000);
	bpf_map_delete_elem(&start, &tid);
	if (bucket >= BUCKETS)
		bucket = BUCKETS - 1;
	slot = bpf_map_lookup_elem(&hist, &bucket);
	if (slot)
		__sync_fetch_and_add(slot, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
