// SPDX-License-Identifier: GPL-2.0
/*
 * stack_sizes: a stack trace map sized the way real tools leave it (libbpf-tools' capable,
 * offcputime, wakeuptime): no max_entries and no value_size, both set by the tool's user
 * space at run time (the value is 8 bytes a frame, for the frame count it chose). rawbpf asks
 * for them with --map; tests/kernel/test_cli_stack_sizes.sh.
 */
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
} stackmap SEC(".maps");

__u64 stacks_seen;

SEC("tracepoint/syscalls/sys_enter_getpid")
int user_stack(void *ctx)
{
	if (bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK) >= 0)
		__sync_fetch_and_add(&stacks_seen, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
