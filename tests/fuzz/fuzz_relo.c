/*
 * libFuzzer harness for the relocation engine: functions, instructions and relocation
 * descriptors all come from the input. Whatever they say, relo_ctx_new/relo_apply/relo_link
 * must return an error or a result, never crash, hang or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "relo/relo.h"

#define MAX_FUNCS 8

struct reader {
	const uint8_t *p;
	size_t left;
};

static uint8_t u8(struct reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct relo_map maps[] = { { "m", 8, false }, { ".data", 64, true },
						 { ".kconfig", 16, true } };
	struct relo_extern ext[4] = {
		{ .name = "CONFIG_X", .kind = RELO_EXT_KCONFIG, .map_idx = 2, .data_off = 4 },
		{ .name = "sym", .kind = RELO_EXT_KSYM_TYPELESS, .addr = 0xffffffff81000000ULL },
		{ .name = "var", .kind = RELO_EXT_KSYM_TYPED, .btf_id = 7 },
		{ .name = "kf", .kind = RELO_EXT_KFUNC, .btf_id = 9 },
	};
	struct bpf_insn insns[MAX_FUNCS][32];
	struct relo_ref refs[MAX_FUNCS][8];
	struct bpf_func_info fi[MAX_FUNCS] = { 0 };
	struct bpf_line_info li[MAX_FUNCS][2];
	struct relo_func funcs[MAX_FUNCS];
	uint32_t sec_off[4] = { 0 };
	struct reader r = { data, size };
	struct relo_input in = { "fuzz.o", funcs, 0, maps, 3, ext, 4 };
	struct rb_error err;
	struct relo_ctx *ctx;
	uint8_t flags = u8(&r);
	uint32_t n = u8(&r) % MAX_FUNCS + 1;

	for (int i = 0; i < 4; i++) {
		ext[i].resolved = flags & (1u << i);
		ext[i].weak = flags & (16u << i);
	}
	memset(funcs, 0, sizeof(funcs));
	for (uint32_t f = 0; f < n; f++) {
		uint8_t sec = u8(&r) % 4, cnt = u8(&r) % 32, nref = u8(&r) % 8, info = u8(&r);
		struct relo_func *fn = &funcs[f];

		fn->name = "f";
		fn->sec_name = "s";
		fn->sec_idx = sec;
		fn->sec_insn_off = sec_off[sec];
		sec_off[sec] += cnt;
		for (uint32_t k = 0; k < cnt; k++) {
			uint8_t raw[8];

			for (int b = 0; b < 8; b++)
				raw[b] = u8(&r);
			memcpy(&insns[f][k], raw, 8);
		}
		fn->insns = insns[f];
		fn->insn_cnt = cnt;
		for (uint32_t k = 0; k < nref; k++) {
			struct relo_ref *rf = &refs[f][k];

			rf->insn = u8(&r) % 40;
			rf->kind = (enum relo_ref_kind)(u8(&r) % 6);
			rf->sym = "x";
			rf->sym_is_section = u8(&r) & 1;
			rf->map_idx = u8(&r) % 4;
			rf->target_sec = u8(&r) % 5;
			rf->sym_off = (int64_t)(int8_t)u8(&r) * 8 + (u8(&r) & 7);
			rf->extern_idx = u8(&r) % 5;
		}
		fn->refs = refs[f];
		fn->ref_cnt = nref;
		if (info & 1) {
			fi[f].insn_off = info >> 4;
			fn->func_info = &fi[f];
			fn->func_info_cnt = 1;
		}
		if (info & 2) {
			li[f][0] = (struct bpf_line_info){ 0, 1, 2, 3 };
			li[f][1] = (struct bpf_line_info){ (info >> 2) & 7, 1, 2, 3 };
			fn->line_info = li[f];
			fn->line_info_cnt = 2;
		}
	}
	in.func_cnt = n;
	if (relo_ctx_new(&in, &ctx, &err))
		return 0;
	if (!relo_apply(ctx, &err)) {
		for (uint32_t f = 0; f < n; f++) {
			struct rb_linked_prog *p;

			if (!relo_link(ctx, f, &p, &err)) {
				int fds[3] = { 3, 4, 5 };

				relo_set_map_fds(p, fds, 3, &err);
				rb_linked_prog_free(p);
			}
		}
	}
	relo_ctx_free(ctx);
	return 0;
}
