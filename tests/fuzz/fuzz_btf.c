// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer over the BTF and .BTF.ext parsers and the helpers that walk types.
 * Input: a 4-byte little-endian length N, N bytes of BTF, then .BTF.ext bytes (parsed
 * against that BTF). When the length does not fit, the whole input is tried as BTF.
 * Every parsed type is then walked: resolvers, lookups, the raw and JSON dumps; every
 * CO-RE record of the .BTF.ext goes through the CO-RE engine with the same BTF as target
 * (and the patcher, on a scratch instruction of each class). The first types also format
 * a value (the input's own bytes) in each style: bpftool's text and JSON, and the data style.
 */
#include <stdint.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/dump.h"
#include "btf/format.h"
#include "relo/core.h"
#include "util/strbuf.h"

static void walk(const struct btf *btf)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t n = btf_nr_ids(btf);

	for (uint32_t id = 0; id < n && id < 5000; id++) {
		const struct btf_type *t = btf_type(btf, id);
		struct rb_error err;

		btf_resolve_size(btf, id, &err);
		btf_align(btf, id, &err);
		btf_skip_mods_typedefs(btf, id);
		if (t && btf_name(btf, t)[0])
			btf_find(btf, btf_name(btf, t), btf_kind(t));
		if (t && btf_is_any_enum(t))
			for (uint32_t i = 0; i < btf_vlen(t); i++)
				(void)btf_enum_value(t, i);
		sb_reset(&sb);
		btf_dump_raw_type(btf, id, id & 1, &sb);
	}
	btf_find(btf, "task_struct", -1);
	sb_free(&sb);
}

/* Bounded: each value may have up to FMT_MAX_ITEMS items. */
#define FORMAT_TYPES 64
#define FORMAT_BYTES 512

static void format_some(const struct btf *btf, const uint8_t *val, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	if (len > FORMAT_BYTES)
		len = FORMAT_BYTES;
	for (uint32_t id = 0; id < btf_nr_ids(btf) && id < FORMAT_TYPES; id++)
		for (int style = 0; style < 3; style++) {
			struct fmt_out o;
			struct rb_error err;

			sb_reset(&sb);
			fmt_init(&o, &sb, style == 0);
			o.data = style == 2;
			btf_format_value(&o, btf, id, val, len, &err);
		}
	sb_free(&sb);
}

static void run_core(const struct btf *btf, const struct btf_ext_sec *s)
{
	struct core_target tg = { btf, "fuzz" };
	struct core_ctx *cc;
	struct rb_error err;

	if (core_ctx_new(btf, &tg, 1, &cc, &err))
		return;
	for (uint32_t j = 0; j < s->nr && j < 64; j++) {
		struct core_result res;
		struct bpf_insn insn[2] = {
			{ .code = (uint8_t)(j % 4 == 0 ? BPF_ALU64 | BPF_MOV | BPF_K :
					    j % 4 == 1 ? BPF_LDX | BPF_MEM | BPF_W :
					    j % 4 == 2 ? BPF_LD | BPF_IMM | BPF_DW : BPF_JMP | BPF_JA) },
			{ 0 },
		};

		if (core_calc(cc, btf_ext_rec(s, j), "fuzz", j, &res, &err))
			continue;
		core_patch(insn, 2, &res, "fuzz", j, &err);
		core_result_free(&res);
	}
	core_ctx_free(cc);
}

static void walk_ext(const struct btf *btf, const struct btf_ext *ext)
{
	for (int k = 0; k < BTF_EXT_NR_KINDS; k++)
		for (uint32_t i = 0; i < btf_ext_nr_secs(ext, k); i++) {
			const struct btf_ext_sec *s = btf_ext_sec_at(ext, k, i);

			for (uint32_t j = 0; j < s->nr; j++) {
				const uint32_t *w = btf_ext_rec(s, j);

				if (k == BTF_EXT_CORE_RELO)
					(void)btf_str(btf, w[2]);
				(void)btf_type(btf, w[1]);
			}
			(void)btf_ext_sec_find(ext, k, s->sec_name);
			if (k == BTF_EXT_CORE_RELO)
				run_core(btf, s);
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_error err;
	struct btf *btf = NULL;
	struct btf_ext *ext = NULL;
	uint32_t n;

	if (size >= 4) {
		memcpy(&n, data, 4);
		if (n <= size - 4 && !btf_parse(data + 4, n, NULL, "fuzz", &btf, &err)) {
			walk(btf);
			format_some(btf, data + 4 + n, size - 4 - n);
			if (!btf_ext_parse(data + 4 + n, size - 4 - n, btf, "fuzz", &ext, &err)) {
				walk_ext(btf, ext);
				btf_ext_free(ext);
			}
			btf_free(btf);
			return 0;
		}
	}
	if (!btf_parse(data, size, NULL, "fuzz", &btf, &err)) {
		struct btf *split = NULL;

		walk(btf);
		format_some(btf, data, size);
		/* The same bytes once more as split BTF on top of themselves. */
		if (!btf_parse(data, size, btf, "fuzz", &split, &err)) {
			walk(split);
			btf_free(split);
		}
		btf_free(btf);
	}
	return 0;
}
