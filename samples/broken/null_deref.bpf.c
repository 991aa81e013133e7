// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family null-deref): the map lookup result is used without a NULL check. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int null_deref(void *ctx)
{
	__u32 key = bpf_get_current_pid_tgid() >> 32;
	__u64 *val = bpf_map_lookup_elem(&counts, &key);

	*val += 1; /* the verifier rejects this: val may be NULL */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
