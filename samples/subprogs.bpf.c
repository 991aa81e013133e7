// SPDX-License-Identifier: GPL-2.0
/*
 * subprogs: functions that are called, not inlined.
 *
 * clang puts the functions that are not programs (no SEC()) in the .text section; the loader
 * copies each one a program calls, directly or through other functions, after the program's
 * own instructions and fixes the call offsets. Here bump() is used by both programs, and is
 * reached in two ways: called directly, and through record_call() -> bump() -> slot().
 *
 * Two kinds of function, which the verifier treats differently:
 *   static   checked as part of each call site, with the caller's exact argument values;
 *   global   (not static) checked ONCE, on its own, knowing only the argument TYPES from BTF;
 *            so it must not rely on what callers pass (record_call() checks its index).
 * __noinline keeps clang from inlining them: at -O2 small functions would vanish otherwise.
 */
#include "common.h"

#define SLOTS 4

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

/* Innermost: the counter for one slot, or NULL. */
static __noinline __u64 *slot(__u32 index)
{
	return bpf_map_lookup_elem(&calls, &index);
}

/* Used by both programs. */
static __noinline void bump(__u32 index)
{
	__u64 *count = slot(index);

	if (count)
		__sync_fetch_and_add(count, 1);
}

/* Global: verified once, alone; returns 0 or -1 for an index out of range. */
__noinline int record_call(__u32 index)
{
	if (index >= SLOTS)
		return -1;
	bump(index);
	return 0;
}

/* slot 0: getpid() calls counted directly; slot 1: the same calls, through record_call(). */
SEC("tracepoint/syscalls/sys_enter_getpid")
int on_getpid(void *ctx)
{
	bump(0);
	record_call(1);
	return 0;
}

/* slot 2 and 3: the same for getppid(). */
SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	bump(2);
	record_call(3);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
