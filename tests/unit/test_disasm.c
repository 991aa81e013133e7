/* bpf/disasm: hand-encoded instructions to the kernel's verifier text, one golden line each. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "bpf/disasm.h"
#include "bpf/insn.h"
#include "util/err.h"

/* A constant instruction (insn_make is a function, not usable in static tables). */
#define I(c, d, s, o, i)                                                                           \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

struct golden {
	struct bpf_insn insn;
	const char *text;
};

/* One-slot instructions: every class, op, size, mode and v4 variant. */
static const struct golden goldens[] = {
	/* ALU64 immediate and register, every operation */
	{I(0xb7, 0, 0, 0, 0), "(b7) r0 = 0"},
	{I(0xb7, 1, 0, 0, -1), "(b7) r1 = -1"},
	{I(0x07, 1, 0, 0, -8), "(07) r1 += -8"},
	{I(0x17, 2, 0, 0, 3), "(17) r2 -= 3"},
	{I(0x27, 3, 0, 0, 7), "(27) r3 *= 7"},
	{I(0x37, 4, 0, 0, 10), "(37) r4 /= 10"},
	{I(0x47, 5, 0, 0, 0x10), "(47) r5 |= 16"},
	{I(0x57, 6, 0, 0, 255), "(57) r6 &= 255"},
	{I(0x67, 7, 0, 0, 32), "(67) r7 <<= 32"},
	{I(0x77, 8, 0, 0, 32), "(77) r8 >>= 32"},
	{I(0x87, 9, 0, 0, 0), "(87) r9 = -r9"},
	{I(0x97, 1, 0, 0, 3), "(97) r1 %= 3"},
	{I(0xa7, 1, 0, 0, -2147483647 - 1), "(a7) r1 ^= -2147483648"},
	{I(0xc7, 1, 0, 0, 63), "(c7) r1 s>>= 63"},
	{I(0xbf, 1, 10, 0, 0), "(bf) r1 = r10"},
	{I(0x0f, 1, 2, 0, 0), "(0f) r1 += r2"},
	{I(0x1f, 1, 2, 0, 0), "(1f) r1 -= r2"},
	{I(0x2f, 1, 2, 0, 0), "(2f) r1 *= r2"},
	{I(0x3f, 1, 2, 0, 0), "(3f) r1 /= r2"},
	{I(0x4f, 1, 2, 0, 0), "(4f) r1 |= r2"},
	{I(0x5f, 1, 2, 0, 0), "(5f) r1 &= r2"},
	{I(0x6f, 1, 2, 0, 0), "(6f) r1 <<= r2"},
	{I(0x7f, 1, 2, 0, 0), "(7f) r1 >>= r2"},
	{I(0x9f, 1, 2, 0, 0), "(9f) r1 %= r2"},
	{I(0xaf, 1, 2, 0, 0), "(af) r1 ^= r2"},
	{I(0xcf, 1, 2, 0, 0), "(cf) r1 s>>= r2"},
	/* ALU32 */
	{I(0xb4, 0, 0, 0, 1), "(b4) w0 = 1"},
	{I(0x04, 1, 0, 0, -1), "(04) w1 += -1"},
	{I(0x14, 1, 0, 0, 1), "(14) w1 -= 1"},
	{I(0x24, 1, 0, 0, 2), "(24) w1 *= 2"},
	{I(0x34, 1, 0, 0, 2), "(34) w1 /= 2"},
	{I(0x44, 1, 0, 0, 2), "(44) w1 |= 2"},
	{I(0x54, 1, 0, 0, 2), "(54) w1 &= 2"},
	{I(0x64, 1, 0, 0, 2), "(64) w1 <<= 2"},
	{I(0x74, 1, 0, 0, 2), "(74) w1 >>= 2"},
	{I(0x84, 1, 0, 0, 0), "(84) w1 = -w1"},
	{I(0x94, 1, 0, 0, 2), "(94) w1 %= 2"},
	{I(0xa4, 1, 0, 0, 2), "(a4) w1 ^= 2"},
	{I(0xc4, 1, 0, 0, 2), "(c4) w1 s>>= 2"},
	{I(0xbc, 1, 2, 0, 0), "(bc) w1 = w2"},
	{I(0x0c, 1, 2, 0, 0), "(0c) w1 += w2"},
	{I(0x3c, 1, 2, 0, 0), "(3c) w1 /= w2"},
	{I(0xcc, 1, 2, 0, 0), "(cc) w1 s>>= w2"},
	/* v4: signed division and modulo (off = 1) */
	{I(0x3f, 1, 2, 1, 0), "(3f) r1 s/= r2"},
	{I(0x9f, 1, 2, 1, 0), "(9f) r1 s%= r2"},
	{I(0x37, 1, 0, 1, -3), "(37) r1 s/= -3"},
	{I(0x97, 1, 0, 1, 3), "(97) r1 s%= 3"},
	{I(0x3c, 1, 2, 1, 0), "(3c) w1 s/= w2"},
	{I(0x94, 1, 0, 1, 5), "(94) w1 s%= 5"},
	/* v4: sign-extending moves */
	{I(0xbf, 1, 2, 8, 0), "(bf) r1 = (s8)r2"},
	{I(0xbf, 1, 2, 16, 0), "(bf) r1 = (s16)r2"},
	{I(0xbf, 1, 2, 32, 0), "(bf) r1 = (s32)r2"},
	{I(0xbc, 1, 2, 8, 0), "(bc) w1 = (s8)w2"},
	{I(0xbc, 1, 2, 16, 0), "(bc) w1 = (s16)w2"},
	/* byte order: ALU|END converts, ALU64|END swaps (v4) */
	{I(0xd4, 1, 0, 0, 16), "(d4) r1 = le16 r1"},
	{I(0xd4, 1, 0, 0, 32), "(d4) r1 = le32 r1"},
	{I(0xd4, 1, 0, 0, 64), "(d4) r1 = le64 r1"},
	{I(0xdc, 2, 0, 0, 16), "(dc) r2 = be16 r2"},
	{I(0xdc, 2, 0, 0, 32), "(dc) r2 = be32 r2"},
	{I(0xdc, 2, 0, 0, 64), "(dc) r2 = be64 r2"},
	{I(0xd7, 3, 0, 0, 16), "(d7) r3 = bswap16 r3"},
	{I(0xd7, 3, 0, 0, 32), "(d7) r3 = bswap32 r3"},
	{I(0xd7, 3, 0, 0, 64), "(d7) r3 = bswap64 r3"},
	/* arena and kernel-internal moves */
	{I(0xbf, 1, 2, 1, 1), "(bf) r1 = addr_space_cast(r2, 0, 1)"},
	{I(0xbf, 1, 2, 1, 0x10000), "(bf) r1 = addr_space_cast(r2, 1, 0)"},
	{I(0xbf, 1, 2, -1, 0), "(bf) r1 = &(void __percpu *)(r2)"},
	/* loads and stores, every size */
	{I(0x79, 1, 10, -8, 0), "(79) r1 = *(u64 *)(r10 -8)"},
	{I(0x61, 2, 1, 0, 0), "(61) r2 = *(u32 *)(r1 +0)"},
	{I(0x69, 2, 1, 2, 0), "(69) r2 = *(u16 *)(r1 +2)"},
	{I(0x71, 2, 1, 32767, 0), "(71) r2 = *(u8 *)(r1 +32767)"},
	{I(0x91, 2, 1, -1, 0), "(91) r2 = *(s8 *)(r1 -1)"},
	{I(0x89, 2, 1, 4, 0), "(89) r2 = *(s16 *)(r1 +4)"},
	{I(0x81, 2, 1, -32768, 0), "(81) r2 = *(s32 *)(r1 -32768)"},
	{I(0x7b, 10, 1, -8, 0), "(7b) *(u64 *)(r10 -8) = r1"},
	{I(0x63, 10, 1, -4, 0), "(63) *(u32 *)(r10 -4) = r1"},
	{I(0x6b, 10, 1, -2, 0), "(6b) *(u16 *)(r10 -2) = r1"},
	{I(0x73, 10, 1, -1, 0), "(73) *(u8 *)(r10 -1) = r1"},
	{I(0x7a, 10, 0, -8, 0), "(7a) *(u64 *)(r10 -8) = 0"},
	{I(0x62, 10, 0, -4, -7), "(62) *(u32 *)(r10 -4) = -7"},
	{I(0x6a, 10, 0, -2, 1), "(6a) *(u16 *)(r10 -2) = 1"},
	{I(0x72, 10, 0, -1, 255), "(72) *(u8 *)(r10 -1) = 255"},
	{I(0xc2, 0, 0, 0, 0), "(c2) nospec"},
	/* atomics */
	{I(0xdb, 1, 2, 0, BPF_ADD), "(db) lock *(u64 *)(r1 +0) += r2"},
	{I(0xc3, 1, 2, 4, BPF_ADD), "(c3) lock *(u32 *)(r1 +4) += r2"},
	{I(0xdb, 1, 2, 0, BPF_AND), "(db) lock *(u64 *)(r1 +0) &= r2"},
	{I(0xdb, 1, 2, 0, BPF_OR), "(db) lock *(u64 *)(r1 +0) |= r2"},
	{I(0xc3, 1, 2, -8, BPF_XOR), "(c3) lock *(u32 *)(r1 -8) ^= r2"},
	{I(0xdb, 2, 1, 0, BPF_ADD | BPF_FETCH), "(db) r1 = atomic64_fetch_add((u64 *)(r2 +0), r1)"},
	{I(0xc3, 2, 1, 8, BPF_ADD | BPF_FETCH), "(c3) r1 = atomic_fetch_add((u32 *)(r2 +8), r1)"},
	{I(0xdb, 2, 1, 0, BPF_AND | BPF_FETCH), "(db) r1 = atomic64_fetch_and((u64 *)(r2 +0), r1)"},
	{I(0xdb, 2, 1, 0, BPF_OR | BPF_FETCH), "(db) r1 = atomic64_fetch_or((u64 *)(r2 +0), r1)"},
	{I(0xc3, 2, 1, 0, BPF_XOR | BPF_FETCH), "(c3) r1 = atomic_fetch_xor((u32 *)(r2 +0), r1)"},
	{I(0xdb, 2, 3, -16, BPF_XCHG), "(db) r3 = atomic64_xchg((u64 *)(r2 -16), r3)"},
	{I(0xc3, 2, 3, 0, BPF_XCHG), "(c3) r3 = atomic_xchg((u32 *)(r2 +0), r3)"},
	{I(0xdb, 2, 3, 0, BPF_CMPXCHG), "(db) r0 = atomic64_cmpxchg((u64 *)(r2 +0), r0, r3)"},
	{I(0xc3, 2, 3, 0, BPF_CMPXCHG), "(c3) r0 = atomic_cmpxchg((u32 *)(r2 +0), r0, r3)"},
	{I(0xdb, 0, 1, 8, BPF_LOAD_ACQ), "(db) r0 = load_acquire((u64 *)(r1 +8))"},
	{I(0xd3, 0, 1, 0, BPF_LOAD_ACQ), "(d3) r0 = load_acquire((u8 *)(r1 +0))"},
	{I(0xcb, 0, 1, 0, BPF_LOAD_ACQ), "(cb) r0 = load_acquire((u16 *)(r1 +0))"},
	{I(0xc3, 1, 2, 0, BPF_STORE_REL), "(c3) store_release((u32 *)(r1 +0), r2)"},
	{I(0xdb, 1, 2, -8, BPF_STORE_REL), "(db) store_release((u64 *)(r1 -8), r2)"},
	/* legacy packet loads */
	{I(0x20, 0, 0, 0, 12), "(20) r0 = *(u32 *)skb[12]"},
	{I(0x28, 0, 0, 0, 12), "(28) r0 = *(u16 *)skb[12]"},
	{I(0x30, 0, 0, 0, 23), "(30) r0 = *(u8 *)skb[23]"},
	{I(0x40, 0, 7, 0, 14), "(40) r0 = *(u32 *)skb[r7 + 14]"},
	{I(0x48, 0, 7, 0, 0), "(48) r0 = *(u16 *)skb[r7 + 0]"},
	{I(0x50, 0, 7, 0, -1), "(50) r0 = *(u8 *)skb[r7 + -1]"},
	/* jumps: every condition, both sources, both widths */
	{I(0x05, 0, 0, 3, 0), "(05) goto pc+3"},
	{I(0x05, 0, 0, -1, 0), "(05) goto pc-1"},
	{I(0x06, 0, 0, 0, 100000), "(06) gotol pc+100000"},
	{I(0x06, 0, 0, 0, -70000), "(06) gotol pc-70000"},
	{I(0xe5, 0, 0, 5, 0), "(e5) may_goto pc+5"},
	{I(0x0d, 3, 0, 0, 0), "(0d) gotox r3"},
	{I(0x15, 0, 0, 3, 0), "(15) if r0 == 0x0 goto pc+3"},
	{I(0x25, 1, 0, -2, 10), "(25) if r1 > 0xa goto pc-2"},
	{I(0x35, 1, 0, 0, 10), "(35) if r1 >= 0xa goto pc+0"},
	{I(0x45, 1, 0, 1, 1), "(45) if r1 & 0x1 goto pc+1"},
	{I(0x55, 1, 0, 1, -1), "(55) if r1 != 0xffffffff goto pc+1"},
	{I(0x65, 1, 0, 1, -5), "(65) if r1 s> 0xfffffffb goto pc+1"},
	{I(0x75, 1, 0, 1, 0), "(75) if r1 s>= 0x0 goto pc+1"},
	{I(0xa5, 1, 0, 1, 2), "(a5) if r1 < 0x2 goto pc+1"},
	{I(0xb5, 1, 0, 1, 2), "(b5) if r1 <= 0x2 goto pc+1"},
	{I(0xc5, 1, 0, 1, 2), "(c5) if r1 s< 0x2 goto pc+1"},
	{I(0xd5, 1, 0, 1, 2), "(d5) if r1 s<= 0x2 goto pc+1"},
	{I(0x1d, 1, 2, 4, 0), "(1d) if r1 == r2 goto pc+4"},
	{I(0x2d, 1, 2, 4, 0), "(2d) if r1 > r2 goto pc+4"},
	{I(0x3d, 1, 2, 4, 0), "(3d) if r1 >= r2 goto pc+4"},
	{I(0x4d, 1, 2, 4, 0), "(4d) if r1 & r2 goto pc+4"},
	{I(0x5d, 1, 2, 4, 0), "(5d) if r1 != r2 goto pc+4"},
	{I(0x6d, 1, 2, 4, 0), "(6d) if r1 s> r2 goto pc+4"},
	{I(0x7d, 1, 2, 4, 0), "(7d) if r1 s>= r2 goto pc+4"},
	{I(0xad, 1, 2, 4, 0), "(ad) if r1 < r2 goto pc+4"},
	{I(0xbd, 1, 2, 4, 0), "(bd) if r1 <= r2 goto pc+4"},
	{I(0xcd, 1, 2, 4, 0), "(cd) if r1 s< r2 goto pc+4"},
	{I(0xdd, 1, 2, -4, 0), "(dd) if r1 s<= r2 goto pc-4"},
	{I(0x16, 1, 0, 2, 7), "(16) if w1 == 0x7 goto pc+2"},
	{I(0x26, 1, 0, 2, 7), "(26) if w1 > 0x7 goto pc+2"},
	{I(0x56, 1, 0, 2, 7), "(56) if w1 != 0x7 goto pc+2"},
	{I(0xc6, 1, 0, 2, -1), "(c6) if w1 s< 0xffffffff goto pc+2"},
	{I(0x1e, 1, 2, 2, 0), "(1e) if w1 == w2 goto pc+2"},
	{I(0xae, 1, 2, 2, 0), "(ae) if w1 < w2 goto pc+2"},
	{I(0xde, 1, 2, 2, 0), "(de) if w1 s<= w2 goto pc+2"},
	/* calls and exit */
	{I(0x85, 0, 0, 0, 14), "(85) call bpf_get_current_pid_tgid#14"},
	{I(0x85, 0, 0, 0, 1), "(85) call bpf_map_lookup_elem#1"},
	{I(0x85, 0, 0, 0, 209), "(85) call bpf_user_ringbuf_drain#209"},
	{I(0x85, 0, 0, 0, 210), "(85) call bpf_cgrp_storage_get#210"},
	{I(0x85, 0, 0, 0, 211), "(85) call bpf_cgrp_storage_delete#211"},
	{I(0x85, 0, 0, 0, 212), "(85) call unknown#212"},
	{I(0x85, 0, 0, 0, 0), "(85) call unknown#0"},
	{I(0x85, 0, 0, 0, -1), "(85) call unknown#-1"},
	{I(0x85, 0, 1, 0, 5), "(85) call pc+5"},
	{I(0x85, 0, 1, 0, -12), "(85) call pc-12"},
	{I(0x85, 0, 2, 0, 51234), "(85) call kernel-function#51234"},
	{I(0x95, 0, 0, 0, 0), "(95) exit"},
	/* invalid encodings: the kernel's BUG texts, never a crash */
	{I(0xdb, 1, 2, 0, 0x55), "BUG_db"},
	{I(0x7c, 1, 2, 0, 0), "(7c) w1 >>= w2"}, /* 0x7c is ALU RSH X: valid */
	{I(0x23, 1, 2, 0, 0), "BUG_23"},	 /* STX with ABS mode */
	{I(0x22, 1, 0, 0, 0), "BUG_st_22"},
	{I(0x21, 1, 2, 0, 0), "BUG_ldx_21"},
	{I(0x99, 1, 2, 0, 0), "BUG_ldx_99"}, /* MEMSX u64 does not exist */
	{I(0x00, 0, 0, 0, 0), "BUG_ld_00"},
	{I(0xe7, 1, 0, 0, 0), "BUG_alu_e7"},
	{I(0xf5, 1, 0, 0, 0), "BUG_jmp_f5"},
	{I(0xe5, 0, 1, 0, 0), "BUG_jmp_e5"}, /* JCOND with an unknown condition */
};

static const char *fmt1(const struct bpf_insn *insns, size_t cnt, size_t idx,
			const struct rb_disasm_cbs *cbs, int *ret)
{
	static char buf[256];
	struct rb_error e = {0};

	*ret = rb_disasm_insn(insns, cnt, idx, cbs, buf, sizeof(buf), &e);
	return buf;
}

START_TEST(golden_one_slot)
{
	const struct golden *g = &goldens[_i];
	int ret;

	ck_assert_str_eq(fmt1(&g->insn, 1, 0, NULL, &ret), g->text);
	ck_assert_int_eq(ret, 1);
}
END_TEST

START_TEST(ld_imm64_every_pseudo_source)
{
	static const struct {
		uint8_t src;
		uint64_t v;
		const char *text;
	} cases[] = {
		{0, 0, "(18) r1 = 0x0"},
		{0, 0x1234567890abcdefULL, "(18) r1 = 0x1234567890abcdef"},
		{0, 0xffffffffffffffffULL, "(18) r1 = 0xffffffffffffffff"},
		{BPF_PSEUDO_MAP_FD, 5, "(18) r1 = 0x5"},
		{BPF_PSEUDO_MAP_VALUE, 7 | (16ULL << 32), "(18) r1 = 0x1000000007"},
		{BPF_PSEUDO_MAP_IDX, 2, "(18) r1 = 0x2"},
		{BPF_PSEUDO_MAP_IDX_VALUE, 2 | (8ULL << 32), "(18) r1 = 0x800000002"},
		{BPF_PSEUDO_BTF_ID, 12345, "(18) r1 = 0x3039"},
		{BPF_PSEUDO_FUNC, 9, "(18) r1 = 0x9"},
	};
	struct bpf_insn p[3];
	int ret;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		insn_ld_imm64(p, 1, cases[c].src, cases[c].v);
		p[2] = insn_exit();
		ck_assert(insn_is_ld_imm64(&p[0]));
		ck_assert_uint_eq(insn_ld_imm64_value(p), cases[c].v);
		ck_assert_str_eq(fmt1(p, 3, 0, NULL, &ret), cases[c].text);
		ck_assert_int_eq(ret, 2);
		ck_assert_int_eq(insn_is_map_ref(p), cases[c].src != 0 &&
							     cases[c].src != BPF_PSEUDO_BTF_ID &&
							     cases[c].src != BPF_PSEUDO_FUNC);
		ck_assert_int_eq(insn_is_func_ref(p), cases[c].src == BPF_PSEUDO_FUNC);
	}
}
END_TEST

START_TEST(ld_imm64_truncated_and_out_of_range)
{
	struct bpf_insn p[2];
	struct rb_error e = {0};
	char buf[128];

	insn_ld_imm64(p, 2, 0, 1);
	ck_assert_int_eq(rb_disasm_insn(p, 1, 0, NULL, buf, sizeof(buf), &e), -EINVAL);
	ck_assert_str_eq(e.msg, "instruction 0: ld_imm64 is missing its second slot");
	ck_assert_str_eq(buf, "(18) r2 = <ld_imm64 without its second slot>");
	rb_err_clear(&e);
	ck_assert_int_eq(rb_disasm_insn(p, 2, 2, NULL, buf, sizeof(buf), &e), -EINVAL);
	ck_assert_str_eq(e.msg, "instruction 2: out of range (program has 2)");
	ck_assert_str_eq(buf, "");
	/* a small buffer truncates but stays terminated */
	ck_assert_int_eq(rb_disasm_insn(p, 2, 0, NULL, buf, 8, NULL), 2);
	ck_assert_str_eq(buf, "(18) r2");
}
END_TEST

static const char *name_call(void *ctx, const struct bpf_insn *insn, size_t idx, char *buf,
			     size_t len)
{
	(void)ctx;
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
		snprintf(buf, len, "bpf_obj_new_impl");
	else if (insn->src_reg == BPF_PSEUDO_CALL)
		snprintf(buf, len, "%+d#sub_at_%zu", insn->imm,
			 (size_t)insn_jump_target(insn, idx));
	else
		return NULL;
	return buf;
}

static const char *name_imm(void *ctx, const struct bpf_insn *insn, size_t idx, uint64_t v,
			    char *buf, size_t len)
{
	(void)idx;
	if (insn->src_reg != BPF_PSEUDO_MAP_IDX)
		return NULL;
	snprintf(buf, len, "map[%s:%llu]", (const char *)ctx, (unsigned long long)v);
	return buf;
}

START_TEST(callbacks_name_calls_and_maps)
{
	struct rb_disasm_cbs cbs = {.call_name = name_call, .imm_name = name_imm, .ctx = "idx"};
	struct bpf_insn p[6];
	int ret;

	p[0] = I(0x85, 0, 2, 0, 777);
	p[1] = I(0x85, 0, 1, 0, 3);
	p[2] = I(0x85, 0, 0, 0, 14); /* known helpers ignore the callback, as in the kernel */
	insn_ld_imm64(&p[3], 1, BPF_PSEUDO_MAP_IDX, 4);
	p[5] = I(0x85, 0, 0, 0, 999); /* unknown helper: callback returns NULL -> "unknown" */
	ck_assert_str_eq(fmt1(p, 6, 0, &cbs, &ret), "(85) call bpf_obj_new_impl#777");
	ck_assert_str_eq(fmt1(p, 6, 1, &cbs, &ret), "(85) call pc+3#sub_at_5");
	ck_assert_str_eq(fmt1(p, 6, 2, &cbs, &ret), "(85) call bpf_get_current_pid_tgid#14");
	ck_assert_str_eq(fmt1(p, 6, 3, &cbs, &ret), "(18) r1 = map[idx:4]");
	ck_assert_int_eq(ret, 2);
	ck_assert_str_eq(fmt1(p, 6, 5, &cbs, &ret), "(85) call unknown#999");
}
END_TEST

START_TEST(helper_names_and_ids)
{
	ck_assert_str_eq(rb_helper_name(1), "bpf_map_lookup_elem");
	ck_assert_str_eq(rb_helper_name(6), "bpf_trace_printk");
	ck_assert_ptr_null(rb_helper_name(0));
	ck_assert_ptr_null(rb_helper_name(-3));
	ck_assert_ptr_null(rb_helper_name(212));
	ck_assert_int_eq(rb_helper_id("bpf_ringbuf_output"), 130);
	ck_assert_int_eq(rb_helper_id("ringbuf_output"), 130);
	ck_assert_int_eq(rb_helper_id("cgrp_storage_delete"), 211);
	ck_assert_int_eq(rb_helper_id("no_such_helper"), -ENOENT);
	ck_assert_int_eq(disasm_helper_count(), 212);
	/* every id below the count but 0 has a name */
	for (int id = 1; id < disasm_helper_count(); id++)
		ck_assert_ptr_nonnull(disasm_helper_name(id));
}
END_TEST

START_TEST(insn_classification_and_targets)
{
	struct bpf_insn j = I(0x15, 0, 0, 3, 0), gl = I(0x06, 0, 0, 0, -70000);
	struct bpf_insn mg = I(0xe5, 0, 0, 5, 0), call = I(0x85, 0, 1, 0, -4);
	struct bpf_insn kf = I(0x85, 0, 2, 1, 99), h = insn_call_helper(14);
	struct bpf_insn gx = I(0x0d, 3, 0, 0, 0), ex = insn_exit();

	ck_assert(insn_is_jump(&j) && insn_is_jump(&gl) && insn_is_jump(&mg));
	ck_assert(!insn_is_jump(&call) && !insn_is_jump(&ex) && !insn_is_jump(&gx));
	ck_assert(insn_is_goto(&gl) && !insn_is_goto(&j));
	ck_assert(insn_is_may_goto(&mg));
	ck_assert_int_eq(insn_jump_target(&j, 10), 14);
	ck_assert_int_eq(insn_jump_target(&gl, 100000), 100000 + 1 - 70000);
	ck_assert_int_eq(insn_jump_target(&call, 10), 7);
	ck_assert(insn_is_pseudo_call(&call) && !insn_is_helper_call(&call));
	ck_assert(insn_is_kfunc_call(&kf) && !insn_is_pseudo_call(&kf));
	ck_assert(insn_is_helper_call(&h) && h.imm == 14);
	ck_assert(insn_is_exit(&ex));
	ck_assert_uint_eq(insn_size_bytes(BPF_B), 1);
	ck_assert_uint_eq(insn_size_bytes(BPF_H), 2);
	ck_assert_uint_eq(insn_size_bytes(BPF_W), 4);
	ck_assert_uint_eq(insn_size_bytes(BPF_DW), 8);
	ck_assert_uint_eq(insn_slots(&j), 1);
}
END_TEST

/* Every one of the 256 opcodes with assorted fields: never crashes, always some text. */
START_TEST(all_opcodes_total)
{
	struct bpf_insn p[2];
	char buf[256];

	for (int code = 0; code < 256; code++) {
		for (int v = 0; v < 4; v++) {
			p[0] = I((uint8_t)code, (uint8_t)(v * 5), (uint8_t)(v * 3),
				 (int16_t)(v * 8 - 1), (int32_t)(v == 3 ? 0x110 : v * 0x41));
			p[1] = I(0, 0, 0, 0, v);
			ck_assert_int_gt(rb_disasm_insn(p, 2, 0, NULL, buf, sizeof(buf), NULL), 0);
			ck_assert_int_gt((int)strlen(buf), 0);
			ck_assert_ptr_null(strstr(buf, "(null)"));
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("disasm");
	TCase *tc = tcase_create("disasm");

	tcase_add_loop_test(tc, golden_one_slot, 0, (int)(sizeof(goldens) / sizeof(goldens[0])));
	tcase_add_test(tc, ld_imm64_every_pseudo_source);
	tcase_add_test(tc, ld_imm64_truncated_and_out_of_range);
	tcase_add_test(tc, callbacks_name_calls_and_maps);
	tcase_add_test(tc, helper_names_and_ids);
	tcase_add_test(tc, insn_classification_and_targets);
	tcase_add_test(tc, all_opcodes_total);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
