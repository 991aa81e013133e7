// SPDX-License-Identifier: GPL-2.0
/*
 * sockmap: programs that run on the data of the sockets put into a sockmap.
 *
 * User space adds connected TCP sockets to the map (the value is the socket's fd). Then an
 * sk_msg program sees every sendmsg on them (it could redirect the data to another socket
 * of the map, or drop it), and an sk_skb stream verdict program every received chunk.
 * These count messages and bytes and pass them on. Both attach to the object's sockmap:
 *
 *   rawbpf load sockmap.bpf.o        (then a program of yours fills the pinned map)
 */
#include "common.h"

enum { SENT, RECEIVED };

struct io {
	__u64 count;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32); /* a socket fd, from user space */
} socks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32); /* SENT or RECEIVED */
	__type(value, struct io);
} io SEC(".maps");

static void count(__u32 dir, __u64 bytes)
{
	struct io *c = bpf_map_lookup_elem(&io, &dir);

	if (c) {
		__sync_fetch_and_add(&c->count, 1);
		__sync_fetch_and_add(&c->bytes, bytes);
	}
}

SEC("sk_msg")
int on_send(struct sk_msg_md *msg)
{
	count(SENT, msg->size);
	return SK_PASS;
}

SEC("sk_skb/stream_verdict")
int on_receive(struct __sk_buff *skb)
{
	count(RECEIVED, skb->len);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
