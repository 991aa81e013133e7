// SPDX-License-Identifier: GPL-2.0
/*
 * events/kinds_ring: one ring buffer record per getpid() holding every kind of value a
 * record decoder has to get right: signed and unsigned integers of each size, a bool, an
 * enum, signed and unsigned bitfields, a pointer, a nested struct, a union, an array, char
 * arrays (one with a quote, a backslash, a tab, a control character and a byte that is not
 * UTF-8), and a flexible array at the end that the record fills with 4 more bytes. Every value
 * is a constant except pid and comm. tests/kernel/test_cli_json.sh checks the exact JSON
 * `rawbpf load --json --event-type kinds` gives for it.
 */
#include "common.h"

enum mood { CALM = 1, ANGRY = 2 };

struct inner {
	__u16 a;
	__s16 b;
};

union both {
	__u32 word;
	__u8 bytes[4];
};

struct kinds {
	__u32 pid;
	__s8 s8;
	__s16 s16;
	__s32 s32;
	__s64 s64;
	__u8 u8;
	__u16 u16;
	__u64 u64;
	_Bool yes;
	enum mood mood;
	unsigned int lo : 3;
	int neg : 5;
	unsigned int hi : 24;
	void *ptr;
	struct inner in;
	union both u;
	__u32 arr[3];
	char text[12];
	char comm[COMM_LEN];
	__u32 n;     /* bytes in tail */
	char tail[]; /* flexible: n bytes follow the struct in the record */
};

#define TAIL_LEN 4

/* Puts struct kinds in the object's BTF (clang writes none for locals' types). */
const struct kinds *kinds_type_anchor __attribute__((unused));

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int send_kinds(void *ctx)
{
	struct kinds *k = bpf_ringbuf_reserve(&events, sizeof(*k) + TAIL_LEN, 0);

	if (!k)
		return 0;
	__builtin_memset(k, 0, sizeof(*k) + TAIL_LEN);
	k->pid = bpf_get_current_pid_tgid() >> 32;
	k->s8 = -8;
	k->s16 = -16;
	k->s32 = -32;
	k->s64 = -64;
	k->u8 = 200;
	k->u16 = 65000;
	k->u64 = ~0ULL;
	k->yes = 1;
	k->mood = ANGRY;
	k->lo = 5;
	k->neg = -3;
	k->hi = 0xabcdef;
	k->ptr = (void *)0x1000;
	k->in.a = 1;
	k->in.b = -2;
	k->u.word = 0x04030201;
	k->arr[0] = 10;
	k->arr[1] = 20;
	k->arr[2] = 30;
	__builtin_memcpy(k->text, "a\"b\\\t\x01\xff", 8);
	bpf_get_current_comm(k->comm, sizeof(k->comm));
	k->n = TAIL_LEN;
	__builtin_memcpy(k->tail, "xyz", TAIL_LEN);
	bpf_ringbuf_submit(k, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
