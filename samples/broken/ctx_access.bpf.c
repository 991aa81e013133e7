// SPDX-License-Identifier: GPL-2.0
/* Broken on purpose (family ctx-access): reads past the end of struct xdp_md. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int ctx_access(struct xdp_md *ctx)
{
	__u32 *words = (__u32 *)ctx;

	/* xdp_md is 24 bytes; word 16 (offset 64) is no field of it */
	if (words[16] == 1)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
