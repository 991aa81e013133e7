// SPDX-License-Identifier: GPL-2.0
/*
 * Test object for BTF-defined maps and externs (tests/unit/test_object_btf.c): every map
 * attribute, a map-in-map with an inner definition and initial slots, a prog array with
 * initial programs, kconfig values of several types, typed and typeless ksyms, kfuncs, weak
 * externs, and global data with static, hidden and ordinary variables.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	int pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, __u32);
	__type(value, struct event);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, 1);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, 4);
	__uint(value_size, 8);
	__uint(numa_node, 0);
} sized SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 64);
	__type(value, __u64);
	__uint(map_extra, 3);
} bloom SEC(".maps");

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

int tail_one(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int (void *));
} jumps SEC(".maps") = {
	.values = { [1] = (void *)&tail_one },
};

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern int CONFIG_HZ __kconfig;
extern _Bool CONFIG_BPF_JIT __kconfig __weak;
extern char CONFIG_DEFAULT_HOSTNAME[8] __kconfig __weak;
extern const void _stext __ksym;
extern const int bpf_prog_active __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym;

int counter;
static int hidden_count;
__attribute__((visibility("hidden"))) int hidden_global;
const volatile char mode[4] = "abc";

SEC("tp/syscalls/sys_enter_getpid")
int uses_everything(void *ctx)
{
	__u32 key = 0;
	struct event *e = bpf_map_lookup_elem(&events, &key);
	struct task_struct *t;

	if (e)
		e->pid = LINUX_KERNEL_VERSION + CONFIG_HZ + CONFIG_BPF_JIT +
			 CONFIG_DEFAULT_HOSTNAME[0];
	counter += (long)&_stext + bpf_prog_active + mode[0];
	hidden_count++;
	hidden_global++;
	if (bpf_task_acquire) {
		t = bpf_task_acquire((struct task_struct *)bpf_get_current_task_btf());
		if (t)
			bpf_task_release(t);
	}
	bpf_tail_call(ctx, &jumps, 1);
	return bpf_map_lookup_elem(&outer, &key) != 0;
}

SEC("tp/syscalls/sys_enter_getpid")
int tail_one(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
