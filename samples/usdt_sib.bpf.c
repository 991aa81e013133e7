// SPDX-License-Identifier: GPL-2.0
/*
 * usdt_sib: USDT arguments that live at base + index * scale + offset, as gcc -O2 emits for
 * an array element indexed at run time ("-8@24(%rdi,%rsi,8)" in `readelf -n`).
 *
 * <bpf/usdt.bpf.h> before libbpf 1.7 (the one installed here is 1.1) has no way to say
 * "base + index * scale", so this program declares the newer recipe itself: the same map
 * names and the libbpf 1.7 layout of struct __bpf_usdt_arg_spec (arg_type as an 8-bit field
 * followed by the index register's pt_regs offset and the scale as a shift). The loader
 * reads that layout from this object's BTF and fills the recipe accordingly; with an older
 * layout it refuses such a probe and says why. The program keeps the argument count and
 * every argument of the last hit:
 *
 *   rawbpf load usdt_sib.bpf.o --attach on_probe=BINARY:PROVIDER:NAME
 */
#include "common.h"

enum __bpf_usdt_arg_type {
	BPF_USDT_ARG_CONST,
	BPF_USDT_ARG_REG,
	BPF_USDT_ARG_REG_DEREF,
	BPF_USDT_ARG_SIB,
};

struct __bpf_usdt_arg_spec {
	__u64 val_off; /* constant, or displacement */
	enum __bpf_usdt_arg_type arg_type : 8;
	__u16 idx_reg_off : 12;	  /* index register: its offset in struct pt_regs */
	__u16 scale_bitshift : 4; /* index scaled by 1 << scale_bitshift */
	__u8 __reserved : 8;
	short reg_off;	   /* the (base) register: its offset in struct pt_regs */
	_Bool arg_signed;
	char arg_bitshift; /* 64 - 8 * size: shifts that narrow a 64-bit read to the size */
};

#define USDT_MAX_ARGS 12

struct __bpf_usdt_spec {
	struct __bpf_usdt_arg_spec args[USDT_MAX_ARGS];
	__u64 usdt_cookie;
	short arg_cnt;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, int);
	__type(value, struct __bpf_usdt_spec);
} __bpf_usdt_specs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, long);
	__type(value, __u32);
} __bpf_usdt_ip_to_spec_id SEC(".maps");

struct usdt_seen {
	__u64 hits;
	__s64 arg_cnt;
	__s64 args[USDT_MAX_ARGS];
	__s64 err; /* the last fetch error, 0 when every argument was read */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct usdt_seen);
} seen SEC(".maps");

/* One argument by its recipe: read 8 bytes from where it lives, then narrow to its size. */
static __always_inline long fetch(void *ctx, const struct __bpf_usdt_arg_spec *a, __s64 *out)
{
	unsigned long val = 0, idx = 0;
	long err = 0;

	switch (a->arg_type) {
	case BPF_USDT_ARG_CONST:
		val = a->val_off;
		break;
	case BPF_USDT_ARG_REG:
		err = bpf_probe_read_kernel(&val, sizeof(val), ctx + a->reg_off);
		break;
	case BPF_USDT_ARG_REG_DEREF:
		err = bpf_probe_read_kernel(&val, sizeof(val), ctx + a->reg_off);
		if (!err)
			err = bpf_probe_read_user(&val, sizeof(val), (void *)(val + a->val_off));
		break;
	case BPF_USDT_ARG_SIB:
		err = bpf_probe_read_kernel(&val, sizeof(val), ctx + a->reg_off);
		if (!err)
			err = bpf_probe_read_kernel(&idx, sizeof(idx), ctx + a->idx_reg_off);
		if (!err)
			err = bpf_probe_read_user(
				&val, sizeof(val),
				(void *)(val + (idx << a->scale_bitshift) + a->val_off));
		break;
	default:
		return -22; /* EINVAL: a kind this program does not know */
	}
	if (err)
		return err;
	val <<= a->arg_bitshift;
	*out = a->arg_signed ? (long)val >> a->arg_bitshift : (long)(val >> a->arg_bitshift);
	return 0;
}

SEC("usdt")
int on_probe(void *ctx)
{
	int spec_id = (int)bpf_get_attach_cookie(ctx);
	struct __bpf_usdt_spec *spec = bpf_map_lookup_elem(&__bpf_usdt_specs, &spec_id);
	__u32 zero = 0;
	struct usdt_seen *s = bpf_map_lookup_elem(&seen, &zero);

	if (!spec || !s)
		return 0;
	__sync_fetch_and_add(&s->hits, 1);
	s->arg_cnt = spec->arg_cnt;
	s->err = 0;
	for (int i = 0; i < USDT_MAX_ARGS; i++) {
		long err;

		if (i >= spec->arg_cnt)
			break;
		err = fetch(ctx, &spec->args[i], &s->args[i]);
		if (err)
			s->err = err;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
