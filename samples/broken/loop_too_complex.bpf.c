// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family loop-too-complex): a loop whose bound the verifier cannot see. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sums SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int loop_too_complex(void *ctx)
{
	__u32 key = 0;
	__u64 *sum = bpf_map_lookup_elem(&sums, &key);
	__u64 n, i, acc = 0;

	if (!sum)
		return 0;
	n = *sum; /* any 64-bit number: the loop has no bound the verifier can prove */
	for (i = 0; i < n; i++)
		acc += i ^ (acc >> 3);
	*sum = acc;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
