// SPDX-License-Identifier: GPL-2.0
/*
 * counter: count getpid() calls per process in a hash map.
 *
 * A map is the memory a BPF program keeps between runs and shares with user space. This one
 * is a hash table: key = process id, value = number of getpid() calls seen. Read it with
 * `rawbpf map dump` or `bpftool map dump name counts`.
 */
#include "common.h"

/*
 * A BTF-defined map: the struct is never instantiated, its member TYPES describe the map
 * (clang records them in BTF, the loader reads them and creates the map).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);   /* process id */
	__type(value, __u64); /* getpid() calls */
} counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *count;

	count = bpf_map_lookup_elem(&counts, &pid);
	if (count) {
		/* Other CPUs may update the same entry at the same time: add atomically. */
		__sync_fetch_and_add(count, 1);
		return 0;
	}
	/*
	 * First call from this process. BPF_NOEXIST: if another thread of the process inserted
	 * the entry meanwhile, this insert fails and this one call goes uncounted: a rare loss,
	 * but never an overwritten count.
	 */
	bpf_map_update_elem(&counts, &pid, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
