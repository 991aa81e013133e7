// SPDX-License-Identifier: GPL-2.0-only
/*
 * Disassembler sample: ALU and ALU64 in every operation and source, byte-order conversions,
 * 32-bit jumps. No maps, no subprograms: loads without relocations.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int alu_all(struct __sk_buff *skb)
{
	long r;

	asm volatile("r1 = 1000\n"
		     "r2 = 7\n"
		     "r1 += 3\n"
		     "r1 -= -5\n"
		     "r1 *= 9\n"
		     "r1 /= 2\n"
		     "r1 |= 0x100\n"
		     "r1 &= 0xfff\n"
		     "r1 <<= 3\n"
		     "r1 >>= 1\n"
		     "r1 %%= 1000\n"
		     "r1 ^= 0x55\n"
		     "r1 s>>= 2\n"
		     "r1 = -r1\n"
		     "r1 += r2\n"
		     "r1 -= r2\n"
		     "r1 *= r2\n"
		     "r1 /= r2\n"
		     "r1 |= r2\n"
		     "r1 &= r2\n"
		     "r1 <<= r2\n"
		     "r1 >>= r2\n"
		     "r1 %%= r2\n"
		     "r1 ^= r2\n"
		     "r1 s>>= r2\n"
		     "w3 = 77\n"
		     "w4 = w3\n"
		     "w3 += 1\n"
		     "w3 -= w4\n"
		     "w3 *= 3\n"
		     "w3 /= w2\n"
		     "w3 |= 1\n"
		     "w3 &= w4\n"
		     "w3 <<= 2\n"
		     "w3 >>= w2\n"
		     "w3 %%= 7\n"
		     "w3 ^= w4\n"
		     "w3 s>>= 1\n"
		     "w3 = -w3\n"
		     "r1 = be16 r1\n"
		     "r1 = be32 r1\n"
		     "r1 = be64 r1\n"
		     "r1 = le16 r1\n"
		     "r1 = le32 r1\n"
		     "r1 = le64 r1\n"
		     "r5 = 0x123456789abcdef ll\n"
		     "r5 = -1 ll\n"
		     "if w3 == 0x7 goto +1\n"
		     "w3 = 7\n"
		     "if w3 s< w4 goto +1\n"
		     "w4 = 1\n"
		     "if w3 & 0x1 goto +0\n"
		     "if w4 s>= -1 goto +0\n"
		     "%[r] = r1\n"
		     : [r] "=r"(r)::"r1", "r2", "r3", "r4", "r5");
	return r & 1;
}

char _license[] SEC("license") = "GPL";
