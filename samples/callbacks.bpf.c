// SPDX-License-Identifier: GPL-2.0
/*
 * callbacks: helpers that call back into your code.
 *
 *   bpf_loop(n, fn, ctx)               calls fn n times: a loop the verifier checks once,
 *                                      however large n is.
 *   bpf_for_each_map_elem(map, fn, ctx) calls fn for each element of a map.
 *   bpf_timer                          calls fn later, from a kernel timer, in no process's
 *                                      context.
 *
 * The callbacks are ordinary static functions; the loader relocates the pointer to each one
 * (a "callback" relocation, ld_imm64 with src_reg BPF_PSEUDO_FUNC) like a call.
 */
#include "common.h"

/* Results, in .bss, for user space to read. */
__u64 loop_result; /* 1*1 + 2*2 + ... + 10*10 = 385 after the first getpid() */
__u64 total_calls; /* getpid() calls of every process, summed over the map */
__u64 timer_fired; /* how many times the timer callback ran */
__u32 timer_armed;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* process id */
	__type(value, __u64); /* getpid() calls */
} calls SEC(".maps");

/* bpf_loop callback: index counts from 0; return 0 to go on, 1 to stop early. */
static long add_square(__u32 index, void *ctx)
{
	__u64 *sum = ctx;
	__u64 i = index + 1;

	*sum += i * i;
	return 0;
}

/* bpf_for_each_map_elem callback: sees each key and value; return 0 to go on, 1 to stop. */
static long add_count(void *map, __u32 *key, __u64 *value, void *ctx)
{
	__u64 *sum = ctx;

	*sum += *value;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int loop_and_sum(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *count, squares = 0, sum = 0;

	count = bpf_map_lookup_elem(&calls, &pid);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&calls, &pid, &one, BPF_NOEXIST);

	bpf_loop(10, add_square, &squares, 0);
	loop_result = squares;

	bpf_for_each_map_elem(&calls, add_count, &sum, 0);
	total_calls = sum;
	return 0;
}

/* A timer lives inside a map value. */
struct timer_elem {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct timer_elem);
} timers SEC(".maps");

/* Runs about 1 ms after it was armed. Returns 0 (the only value allowed). */
static int on_timer(void *map, __u32 *key, struct timer_elem *elem)
{
	__sync_fetch_and_add(&timer_fired, 1);
	timer_armed = 0;
	return 0;
}

/*
 * The kernel refuses bpf_timer in kprobe, tracepoint and perf_event programs, so this one is
 * a tp_btf program (type "tracing"), on the raw sys_enter tracepoint: any system call of any
 * process arms the timer again once it has fired.
 */
SEC("tp_btf/sys_enter")
int BPF_PROG(arm_timer, struct pt_regs *regs, long id)
{
	struct timer_elem *elem;
	__u32 zero = 0;

	if (timer_armed)
		return 0;
	elem = bpf_map_lookup_elem(&timers, &zero);
	if (!elem)
		return 0;
	/* Fails with -EBUSY after the first time: the timer stays initialised. */
	bpf_timer_init(&elem->timer, &timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&elem->timer, on_timer);
	if (bpf_timer_start(&elem->timer, 1000000 /* ns */, 0) == 0)
		timer_armed = 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
