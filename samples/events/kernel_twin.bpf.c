// SPDX-License-Identifier: GPL-2.0
/*
 * events/kernel_twin: a 16-byte ring buffer record whose own struct (struct twin_event) has
 * the size of a kernel struct the object's BTF also holds (struct list_head, as vmlinux.h
 * and CO-RE accesses put kernel types in real tools' BTF). A reader choosing by size must
 * take the tool's struct and leave the kernel's aside. tests/kernel/test_cli_events_twin.sh.
 */
#include "common.h"

/* the kernel's struct list_head, as vmlinux.h declares it */
struct list_head {
	struct list_head *next, *prev;
};

struct twin_event {
	__u32 pid;
	__u32 magic;
	__u64 value;
};

/* never used: they put both structs in the object's BTF */
struct list_head *kernel_type_anchor __attribute__((unused));
struct twin_event *event_type_anchor __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int send_twin(void *ctx)
{
	struct twin_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->magic = 0xfeedf00d;
	e->value = 0x1122334455667788ULL;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
