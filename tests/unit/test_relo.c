/* relo/: the relocation engine on synthetic instructions, with exact expected results. */
#include <errno.h>
#include <string.h>

#include "relo/relo.h"
#include "testlib.h"

/* Positional initializers leave the optional trailing fields (info records, externs) zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define LD64(dst, v)                                                                           \
	{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = (dst), .imm = (v) }, { .imm = 0 }
#define MOV(dst, v) { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = (dst), .imm = (v) }
#define HELPER(n) { .code = BPF_JMP | BPF_CALL, .imm = (n) }
#define PCALL(v) { .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = (v) }
#define EXIT_INSN { .code = BPF_JMP | BPF_EXIT }

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void assert_insn(const struct bpf_insn *got, uint8_t code, uint8_t dst, uint8_t src,
			int16_t off, int32_t imm)
{
	ck_assert_uint_eq(got->code, code);
	ck_assert_uint_eq(got->dst_reg, dst);
	ck_assert_uint_eq(got->src_reg, src);
	ck_assert_int_eq(got->off, off);
	ck_assert_int_eq(got->imm, imm);
}

static const struct relo_map maps[] = {
	{ "counts", 8, false },
	{ "events", 8, false },
	{ ".data", 32, true },
	{ ".rodata", 16, true },
	{ ".kconfig", 12, true },
};

/* Build, apply and link one main function; fails the test on any error. */
static struct rb_linked_prog *prepare(const struct relo_input *in, uint32_t main_func)
{
	struct rb_error e = { 0 };
	struct rb_linked_prog *p = NULL;
	struct relo_ctx *ctx = NULL;

	ck_assert_msg(relo_ctx_new(in, &ctx, &e) == 0, "%s", e.msg);
	ck_assert_msg(relo_apply(ctx, &e) == 0, "%s", e.msg);
	ck_assert_msg(relo_link(ctx, main_func, &p, &e) == 0, "%s", e.msg);
	relo_ctx_free(ctx);
	return p;
}

/* Expect prepare to fail with exactly msg. */
static void prepare_fails(const struct relo_input *in, uint32_t main_func, int err,
			  const char *msg)
{
	struct rb_error e = { 0 };
	struct rb_linked_prog *p = NULL;
	struct relo_ctx *ctx = NULL;
	int ret;

	ret = relo_ctx_new(in, &ctx, &e);
	if (!ret)
		ret = relo_apply(ctx, &e);
	if (!ret)
		ret = relo_link(ctx, main_func, &p, &e);
	ck_assert_int_eq(ret, -err);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(e.msg, msg);
	relo_ctx_free(ctx);
}

START_TEST(map_reference)
{
	struct bpf_insn insns[] = { MOV(2, 0), LD64(1, 0), HELPER(1), EXIT_INSN };
	struct relo_ref refs[] = { { .insn = 1, .kind = RELO_REF_MAP, .sym = "events",
				     .map_idx = 1 } };
	struct relo_func f = { "prog", "xdp", 3, 0, insns, NELEM(insns), refs, 1 };
	struct relo_input in = { "t.o", &f, 1, maps, NELEM(maps) };
	struct rb_linked_prog *p = prepare(&in, 0);
	const struct rb_relo_decision *d;

	ck_assert_uint_eq(p->insn_cnt, 5);
	assert_insn(&p->insns[1], 0x18, 1, BPF_PSEUDO_MAP_FD, 0, 1);
	assert_insn(&p->insns[2], 0, 0, 0, 0, 0);
	ck_assert_uint_eq(p->decision_cnt, 1);
	d = &p->decisions[0];
	ck_assert_int_eq(d->kind, RB_DEC_MAP);
	ck_assert_uint_eq(d->insn, 1);
	ck_assert_uint_eq(d->width, 2);
	assert_insn(&d->before[0], 0x18, 1, 0, 0, 0);
	assert_insn(&d->after[0], 0x18, 1, BPF_PSEUDO_MAP_FD, 0, 1);
	ck_assert_str_eq(d->sym, "events");
	ck_assert_str_eq(d->target, "map 'events' (index 1)");
	ck_assert_str_eq(rb_decision_kind_name(d->kind), "map");
	ck_assert_int_eq(p->hist[1].first_decision, 0);
	ck_assert_int_eq(p->hist[0].first_decision, -1);
	ck_assert_ptr_null(p->func_info);

	/* Load time: the map index becomes the fd. */
	int fds[] = { 7, 9 };
	struct rb_error e = { 0 };

	ck_assert_int_eq(relo_set_map_fds(p, fds, 2, &e), 0);
	assert_insn(&p->insns[1], 0x18, 1, BPF_PSEUDO_MAP_FD, 0, 9);
	ck_assert_int_eq(relo_set_map_fds(p, fds, 1, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "program 'prog' insn 1: references map index 1, which has no fd");
	rb_linked_prog_free(p);
}
END_TEST

START_TEST(global_data_offsets)
{
	/* .rodata through its section symbol (offset in imm); .data through a variable at 8. */
	struct bpf_insn insns[] = { LD64(1, 12), LD64(2, 4), LD64(3, 0), EXIT_INSN };
	struct relo_ref refs[] = {
		{ .insn = 0, .kind = RELO_REF_DATA, .sym = ".rodata", .sym_is_section = true,
		  .map_idx = 3 },
		{ .insn = 2, .kind = RELO_REF_DATA, .sym = "total", .map_idx = 2, .sym_off = 8 },
		{ .insn = 4, .kind = RELO_REF_DATA, .sym = "last", .map_idx = 2, .sym_off = 28 },
	};
	struct relo_func f = { "prog", "tp/x", 3, 0, insns, NELEM(insns), refs, 3 };
	struct relo_input in = { "t.o", &f, 1, maps, NELEM(maps) };
	struct rb_linked_prog *p = prepare(&in, 0);

	assert_insn(&p->insns[0], 0x18, 1, BPF_PSEUDO_MAP_VALUE, 0, 3);
	assert_insn(&p->insns[1], 0, 0, 0, 0, 12);
	assert_insn(&p->insns[2], 0x18, 2, BPF_PSEUDO_MAP_VALUE, 0, 2);
	assert_insn(&p->insns[3], 0, 0, 0, 0, 12);
	assert_insn(&p->insns[4], 0x18, 3, BPF_PSEUDO_MAP_VALUE, 0, 2);
	assert_insn(&p->insns[5], 0, 0, 0, 0, 28);
	ck_assert_uint_eq(p->decision_cnt, 3);
	ck_assert_str_eq(p->decisions[0].target, ".rodata+12 (map index 3)");
	ck_assert_str_eq(p->decisions[0].reason,
			 "global data via the section symbol: pseudo map value, offset 12 taken "
			 "from imm");
	ck_assert_str_eq(p->decisions[1].target, ".data+12 (map index 2)");
	ck_assert_str_eq(p->decisions[1].reason,
			 "global variable: pseudo map value, offset = symbol value 8 + imm 4");
	rb_linked_prog_free(p);
}
END_TEST

START_TEST(bad_relocations)
{
	struct bpf_insn insns[] = { MOV(1, 0), LD64(1, 40), HELPER(5), EXIT_INSN };
	struct relo_ref wrong_class[] = { { .insn = 0, .kind = RELO_REF_MAP, .sym = "counts" } };
	struct relo_ref outside[] = { { .insn = 1, .kind = RELO_REF_DATA, .sym = ".data",
					.sym_is_section = true, .map_idx = 2 } };
	struct relo_ref not_data[] = { { .insn = 1, .kind = RELO_REF_DATA, .sym = "x",
					 .map_idx = 0 } };
	struct relo_ref bad_map[] = { { .insn = 1, .kind = RELO_REF_MAP, .sym = "m",
					.map_idx = 5 } };
	struct relo_ref past_end[] = { { .insn = 5, .kind = RELO_REF_MAP, .sym = "m" } };
	struct relo_ref call_not_call[] = { { .insn = 3, .kind = RELO_REF_SUBPROG, .sym = "f",
					      .target_sec = 1 } };
	struct relo_ref twice[] = { { .insn = 1, .kind = RELO_REF_MAP, .sym = "a" },
				    { .insn = 1, .kind = RELO_REF_MAP, .sym = "b" } };
	struct relo_func f = { "prog", "xdp", 3, 2, insns, NELEM(insns), wrong_class, 1 };
	struct relo_input in = { "t.o", &f, 1, maps, NELEM(maps) };

	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' in section 'xdp', insn 0 (section offset 16): "
		      "relocation against 'counts': wrong instruction class: expected ld_imm64, "
		      "found alu64 (opcode 0xb7)");
	f.refs = outside;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' in section 'xdp', insn 1 (section offset 24): "
		      "relocation against '.data': offset 40 is outside section '.data' (32 bytes)");
	f.refs = not_data;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' in section 'xdp', insn 1 (section offset 24): "
		      "relocation against 'x': map 'counts' is not a global data section");
	f.refs = bad_map;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' insn 1: relocation against 'm' names map index 5, but "
		      "there are 5 maps");
	f.refs = past_end;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' in section 'xdp': relocation against 'm' at insn 5 is "
		      "outside the function (5 insns)");
	f.refs = call_not_call;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' in section 'xdp', insn 3 (section offset 40): "
		      "relocation against 'f': wrong instruction class: expected a bpf-to-bpf call, "
		      "found call (opcode 0x85, src_reg 0)");
	struct relo_ref huge[] = { { .insn = 1, .kind = RELO_REF_DATA, .sym = "h", .map_idx = 2,
				     .sym_off = INT64_MAX } };
	f.refs = huge;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' insn 1: relocation against 'h': symbol value "
		      "9223372036854775807 is out of range");
	f.refs = twice;
	f.ref_cnt = 2;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' in section 'xdp' insn 1: two relocations ('a' and 'b') "
		      "patch the same instruction");
}
END_TEST

static const struct relo_extern externs[] = {
	{ .name = "CONFIG_HZ", .kind = RELO_EXT_KCONFIG, .resolved = true, .map_idx = 4,
	  .data_off = 8 },
	{ .name = "bpf_prog_active", .kind = RELO_EXT_KSYM_TYPELESS, .resolved = true,
	  .addr = 0xffffffff81a02340ULL },
	{ .name = "runqueues", .kind = RELO_EXT_KSYM_TYPED, .resolved = true, .btf_id = 4242 },
	{ .name = "bpf_rcu_read_lock", .kind = RELO_EXT_KFUNC, .resolved = true,
	  .btf_id = 31337 },
	{ .name = "bpf_nope", .kind = RELO_EXT_KFUNC, .weak = true },
	{ .name = "nosuch_sym", .kind = RELO_EXT_KSYM_TYPELESS, .weak = true },
	{ .name = "CONFIG_MISSING", .kind = RELO_EXT_KCONFIG, .weak = true, .map_idx = 4,
	  .data_off = 4 },
	{ .name = "strong_missing", .kind = RELO_EXT_KFUNC },
	{ .name = "strong_var", .kind = RELO_EXT_KSYM_TYPED },
};

START_TEST(externs_resolved_and_weak)
{
	struct bpf_insn insns[] = {
		LD64(1, 0), LD64(2, 0), LD64(3, 0), PCALL(-1), PCALL(-1),
		LD64(4, 0), LD64(5, 0), LD64(6, 0), EXIT_INSN,
	};
	struct relo_ref refs[] = {
		{ .insn = 0, .kind = RELO_REF_EXTERN, .sym = "CONFIG_HZ", .extern_idx = 0 },
		{ .insn = 2, .kind = RELO_REF_EXTERN, .sym = "bpf_prog_active", .extern_idx = 1 },
		{ .insn = 4, .kind = RELO_REF_EXTERN, .sym = "runqueues", .extern_idx = 2 },
		{ .insn = 6, .kind = RELO_REF_EXTERN, .sym = "bpf_rcu_read_lock", .extern_idx = 3 },
		{ .insn = 7, .kind = RELO_REF_EXTERN, .sym = "bpf_nope", .extern_idx = 4 },
		{ .insn = 8, .kind = RELO_REF_EXTERN, .sym = "nosuch_sym", .extern_idx = 5 },
		{ .insn = 10, .kind = RELO_REF_EXTERN, .sym = "CONFIG_MISSING", .extern_idx = 6 },
		{ .insn = 12, .kind = RELO_REF_EXTERN, .sym = "bpf_rcu_read_lock", .extern_idx = 3 },
	};
	struct relo_func f = { "prog", "tp_btf/x", 3, 0, insns, NELEM(insns), refs, NELEM(refs) };
	struct relo_input in = { "t.o", &f, 1, maps, NELEM(maps), externs, NELEM(externs) };
	struct rb_linked_prog *p = prepare(&in, 0);
	const int32_t hi = (int32_t)0xffffffff, lo = (int32_t)0x81a02340;

	assert_insn(&p->insns[0], 0x18, 1, BPF_PSEUDO_MAP_VALUE, 0, 4);
	assert_insn(&p->insns[1], 0, 0, 0, 0, 8);
	assert_insn(&p->insns[2], 0x18, 2, 0, 0, lo);
	assert_insn(&p->insns[3], 0, 0, 0, 0, hi);
	assert_insn(&p->insns[4], 0x18, 3, BPF_PSEUDO_BTF_ID, 0, 4242);
	assert_insn(&p->insns[5], 0, 0, 0, 0, 0);
	assert_insn(&p->insns[6], 0x85, 0, BPF_PSEUDO_KFUNC_CALL, 0, 31337);
	assert_insn(&p->insns[7], 0x85, 0, 0, 0, 2002000004);
	assert_insn(&p->insns[8], 0x18, 4, 0, 0, 0);
	assert_insn(&p->insns[9], 0, 0, 0, 0, 0);
	assert_insn(&p->insns[10], 0x18, 5, BPF_PSEUDO_MAP_VALUE, 0, 4);
	assert_insn(&p->insns[11], 0, 0, 0, 0, 4);
	/* bpf_ksym_exists(kfunc): the FUNC's BTF id as a pseudo btf id. */
	assert_insn(&p->insns[12], 0x18, 6, BPF_PSEUDO_BTF_ID, 0, 31337);
	ck_assert_uint_eq(p->insn_cnt, 15);
	ck_assert_uint_eq(p->decision_cnt, 8);
	ck_assert_int_eq(p->decisions[0].kind, RB_DEC_KCONFIG);
	ck_assert_int_eq(p->decisions[1].kind, RB_DEC_KSYM_ADDR);
	ck_assert_str_eq(p->decisions[1].target, "ksym 'bpf_prog_active' = 0xffffffff81a02340");
	ck_assert_int_eq(p->decisions[2].kind, RB_DEC_KSYM_BTF);
	ck_assert_str_eq(p->decisions[2].target, "typed ksym 'runqueues' = BTF id 4242 (vmlinux)");
	ck_assert_int_eq(p->decisions[3].kind, RB_DEC_KFUNC);
	ck_assert_str_eq(p->decisions[3].target,
			 "kfunc 'bpf_rcu_read_lock' = BTF id 31337 (vmlinux)");
	ck_assert_int_eq(p->decisions[4].kind, RB_DEC_WEAK_POISON);
	ck_assert_int_eq(p->decisions[5].kind, RB_DEC_WEAK_ZERO);
	ck_assert_int_eq(p->decisions[6].kind, RB_DEC_KCONFIG);
	ck_assert_str_eq(p->decisions[6].reason,
			 "kconfig extern: pseudo map value into the kconfig map; weak and not in "
			 "the kernel config, so it reads 0");
	ck_assert_int_eq(p->decisions[7].kind, RB_DEC_KSYM_BTF);
	rb_linked_prog_free(p);
}
END_TEST

START_TEST(externs_errors)
{
	struct bpf_insn insns[] = { PCALL(-1), LD64(1, 0), MOV(2, 0), EXIT_INSN };
	struct relo_ref strong_call[] = { { .insn = 0, .kind = RELO_REF_EXTERN,
					    .sym = "strong_missing", .extern_idx = 7 } };
	struct relo_ref strong_var[] = { { .insn = 1, .kind = RELO_REF_EXTERN,
					   .sym = "strong_var", .extern_idx = 8 } };
	struct relo_ref call_var[] = { { .insn = 0, .kind = RELO_REF_EXTERN,
					 .sym = "runqueues", .extern_idx = 2 } };
	struct relo_ref ld_on_mov[] = { { .insn = 3, .kind = RELO_REF_EXTERN,
					  .sym = "CONFIG_HZ", .extern_idx = 0 } };
	struct relo_func f = { "prog", "xdp", 3, 0, insns, NELEM(insns), strong_call, 1 };
	struct relo_input in = { "t.o", &f, 1, maps, NELEM(maps), externs, NELEM(externs) };

	prepare_fails(&in, 0, ESRCH,
		      "t.o: function 'prog' in section 'xdp', insn 0 (section offset 0): "
		      "relocation against 'strong_missing': extern 'strong_missing' (strong): "
		      "kfunc not found in the kernel BTF");
	f.refs = strong_var;
	prepare_fails(&in, 0, ESRCH,
		      "t.o: function 'prog' in section 'xdp', insn 1 (section offset 8): "
		      "relocation against 'strong_var': extern 'strong_var' (strong): typed ksym "
		      "not resolved");
	f.refs = call_var;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' in section 'xdp', insn 0 (section offset 0): "
		      "relocation against 'runqueues': call to typed ksym 'runqueues', which is "
		      "not a function");
	f.refs = ld_on_mov;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'prog' in section 'xdp', insn 3 (section offset 24): "
		      "relocation against 'CONFIG_HZ': wrong instruction class: expected ld_imm64, "
		      "found alu64 (opcode 0xb7)");
}
END_TEST

/*
 * Section 1 is .text with three subprograms: sub_a [0,3) calls sub_b without a relocation
 * (static, same section), sub_b [3,5), sub_c [5,7). Two main programs in sections 2 and 3.
 */
static struct bpf_insn text_a[] = { MOV(0, 1), PCALL(1), EXIT_INSN };
static struct bpf_insn text_b[] = { MOV(0, 2), EXIT_INSN };
static struct bpf_insn text_c[] = { MOV(0, 3), EXIT_INSN };

START_TEST(shared_subprograms)
{
	/* prog1 calls sub_b (named symbol: value 24, imm -1). */
	struct bpf_insn p1[] = { MOV(1, 0), PCALL(-1), EXIT_INSN };
	struct relo_ref r1[] = { { .insn = 1, .kind = RELO_REF_SUBPROG, .sym = "sub_b",
				   .target_sec = 1, .sym_off = 24 } };
	/* prog2 calls sub_c through the .text section symbol (imm = 5 - 1), then sub_b. */
	struct bpf_insn p2[] = { PCALL(4), PCALL(-1), EXIT_INSN };
	struct relo_ref r2[] = {
		{ .insn = 0, .kind = RELO_REF_SUBPROG, .sym = ".text", .sym_is_section = true,
		  .target_sec = 1 },
		{ .insn = 1, .kind = RELO_REF_SUBPROG, .sym = "sub_b", .target_sec = 1,
		  .sym_off = 24 },
	};
	struct relo_func funcs[] = {
		{ "sub_a", ".text", 1, 0, text_a, 3 },
		{ "sub_b", ".text", 1, 3, text_b, 2 },
		{ "sub_c", ".text", 1, 5, text_c, 2 },
		{ "prog1", "xdp", 2, 0, p1, 3, r1, 1 },
		{ "prog2", "tc", 3, 0, p2, 3, r2, 2 },
	};
	struct relo_input in = { "t.o", funcs, NELEM(funcs), maps, NELEM(maps) };
	struct rb_error e = { 0 };
	struct rb_linked_prog *a, *b;
	struct relo_ctx *ctx;

	ck_assert_int_eq(relo_ctx_new(&in, &ctx, &e), 0);
	ck_assert_int_eq(relo_apply(ctx, &e), 0);
	ck_assert_int_eq(relo_link(ctx, 3, &a, &e), 0);
	ck_assert_int_eq(relo_link(ctx, 4, &b, &e), 0);
	relo_ctx_free(ctx);

	/* prog1: [prog1 0..2][sub_b 3..4] */
	ck_assert_uint_eq(a->insn_cnt, 5);
	ck_assert_uint_eq(a->func_cnt, 2);
	ck_assert_str_eq(a->funcs[1].name, "sub_b");
	ck_assert_uint_eq(a->funcs[1].start, 3);
	assert_insn(&a->insns[1], 0x85, 0, BPF_PSEUDO_CALL, 0, 1);
	assert_insn(&a->insns[3], 0xb7, 0, 0, 0, 2);
	ck_assert_uint_eq(a->decision_cnt, 1);
	ck_assert_str_eq(a->decisions[0].target, "subprogram 'sub_b' at insn 3");
	ck_assert_str_eq(a->decisions[0].reason, "bpf-to-bpf call: imm = 3 - 1 - 1; appended here");

	/* prog2: [prog2 0..2][sub_c 3..4][sub_b 5..6] */
	ck_assert_uint_eq(b->insn_cnt, 7);
	ck_assert_uint_eq(b->func_cnt, 3);
	ck_assert_str_eq(b->funcs[1].name, "sub_c");
	ck_assert_str_eq(b->funcs[2].name, "sub_b");
	ck_assert_uint_eq(b->funcs[2].start, 5);
	ck_assert_uint_eq(b->funcs[2].sec_insn_off, 3);
	assert_insn(&b->insns[0], 0x85, 0, BPF_PSEUDO_CALL, 0, 2);
	assert_insn(&b->insns[1], 0x85, 0, BPF_PSEUDO_CALL, 0, 3);
	assert_insn(&b->insns[3], 0xb7, 0, 0, 0, 3);
	assert_insn(&b->insns[5], 0xb7, 0, 0, 0, 2);
	ck_assert_uint_eq(b->hist[5].func, 2);
	ck_assert_uint_eq(b->hist[5].func_insn, 0);
	rb_linked_prog_free(a);
	rb_linked_prog_free(b);
}
END_TEST

START_TEST(nested_calls_depth_first)
{
	/* main calls sub_a (which calls sub_b statically), then sub_c, then sub_a again. */
	struct bpf_insn m[] = { PCALL(-1), PCALL(-1), PCALL(-1), EXIT_INSN };
	struct relo_ref r[] = {
		{ .insn = 0, .kind = RELO_REF_SUBPROG, .sym = "sub_a", .target_sec = 1 },
		{ .insn = 1, .kind = RELO_REF_SUBPROG, .sym = "sub_c", .target_sec = 1,
		  .sym_off = 40 },
		{ .insn = 2, .kind = RELO_REF_SUBPROG, .sym = "sub_a", .target_sec = 1 },
	};
	struct relo_func funcs[] = {
		{ "main", "raw_tp/x", 2, 0, m, 4, r, 3 },
		{ "sub_a", ".text", 1, 0, text_a, 3 },
		{ "sub_b", ".text", 1, 3, text_b, 2 },
		{ "sub_c", ".text", 1, 5, text_c, 2 },
	};
	struct relo_input in = { "t.o", funcs, NELEM(funcs) };
	struct rb_linked_prog *p = prepare(&in, 0);

	/* Depth first: [main 0..3][sub_a 4..6][sub_b 7..8][sub_c 9..10] */
	ck_assert_uint_eq(p->insn_cnt, 11);
	ck_assert_uint_eq(p->func_cnt, 4);
	ck_assert_str_eq(p->funcs[1].name, "sub_a");
	ck_assert_str_eq(p->funcs[2].name, "sub_b");
	ck_assert_str_eq(p->funcs[3].name, "sub_c");
	ck_assert_uint_eq(p->funcs[3].start, 9);
	assert_insn(&p->insns[0], 0x85, 0, 1, 0, 3);  /* 4 - 0 - 1 */
	assert_insn(&p->insns[1], 0x85, 0, 1, 0, 7);  /* 9 - 1 - 1 */
	assert_insn(&p->insns[2], 0x85, 0, 1, 0, 1);  /* 4 - 2 - 1 */
	assert_insn(&p->insns[5], 0x85, 0, 1, 0, 1);  /* sub_a's static call: 7 - 5 - 1 */
	ck_assert_uint_eq(p->decision_cnt, 4);
	ck_assert_uint_eq(p->decisions[2].insn, 2);
	ck_assert_str_eq(p->decisions[2].reason, "bpf-to-bpf call: imm = 4 - 2 - 1");
	ck_assert_uint_eq(p->decisions[3].insn, 5);
	ck_assert_str_eq(p->decisions[3].sym, "sub_b");
	ck_assert_uint_eq(p->decisions[3].func, 1);
	ck_assert_uint_eq(p->decisions[3].func_insn, 1);
	rb_linked_prog_free(p);
}
END_TEST

START_TEST(recursion_and_bad_targets)
{
	struct bpf_insn self[] = { MOV(0, 0), PCALL(-2), EXIT_INSN };
	struct relo_func funcs[] = {
		{ "main", "xdp", 2, 0, self, 3 },
		{ "sub_a", ".text", 1, 0, text_a, 3 },
		{ "sub_b", ".text", 1, 3, text_b, 2 },
	};
	struct relo_input in = { "t.o", funcs, 1 };
	struct rb_linked_prog *p = prepare(&in, 0);

	assert_insn(&p->insns[1], 0x85, 0, 1, 0, -2); /* calls itself: 0 - 1 - 1 */
	ck_assert_uint_eq(p->insn_cnt, 3);
	rb_linked_prog_free(p);

	/* Into the middle of sub_a, and past the end of .text. */
	struct bpf_insn mid[] = { PCALL(-1), EXIT_INSN };
	struct relo_ref rmid[] = { { .insn = 0, .kind = RELO_REF_SUBPROG, .sym = ".text",
				     .sym_is_section = true, .target_sec = 1, .sym_off = 8 } };
	funcs[0] = (struct relo_func){ "main", "xdp", 2, 0, mid, 2, rmid, 1 };
	in.func_cnt = 3;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: program 'main': function 'main' in section 'xdp', insn 0 (section "
		      "offset 0): relocation against '.text': call target insn 1 is inside "
		      "function 'sub_a', not at its start (0)");
	rmid[0].sym_off = 800;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: program 'main': function 'main' in section 'xdp', insn 0 (section "
		      "offset 0): relocation against '.text': call target insn 100 of section 1 is "
		      "not in any function");
	rmid[0].sym_off = 4;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: program 'main': function 'main' in section 'xdp', insn 0 (section "
		      "offset 0): relocation against '.text': symbol value is not a multiple of 8");
}
END_TEST

START_TEST(callbacks)
{
	/* r2 = &cb (ld_imm64 against .text section symbol, byte offset 24 in imm); bpf_loop. */
	struct bpf_insn m[] = { MOV(1, 4), LD64(2, 24), MOV(3, 0), MOV(4, 0), HELPER(181),
				PCALL(-1), EXIT_INSN };
	struct relo_ref r[] = {
		{ .insn = 1, .kind = RELO_REF_FUNC, .sym = ".text", .sym_is_section = true,
		  .target_sec = 1 },
		{ .insn = 6, .kind = RELO_REF_SUBPROG, .sym = "sub_c", .target_sec = 1,
		  .sym_off = 40 },
	};
	struct relo_func funcs[] = {
		{ "main", "tp/x", 2, 0, m, NELEM(m), r, 2 },
		{ "sub_a", ".text", 1, 0, text_a, 3 },
		{ "cb", ".text", 1, 3, text_b, 2 },
		{ "sub_c", ".text", 1, 5, text_c, 2 },
	};
	struct relo_input in = { "t.o", funcs, NELEM(funcs) };
	struct rb_linked_prog *p = prepare(&in, 0);

	/* [main 0..7][cb 8..9][sub_c 10..11] */
	ck_assert_uint_eq(p->insn_cnt, 12);
	ck_assert_str_eq(p->funcs[1].name, "cb");
	assert_insn(&p->insns[1], 0x18, 2, BPF_PSEUDO_FUNC, 0, 6); /* 8 - 1 - 1 */
	assert_insn(&p->insns[2], 0, 0, 0, 0, 0);
	assert_insn(&p->insns[6], 0x85, 0, 1, 0, 3); /* 10 - 6 - 1 */
	ck_assert_int_eq(p->decisions[0].kind, RB_DEC_FUNC_PTR);
	ck_assert_uint_eq(p->decisions[0].width, 2);
	ck_assert_str_eq(p->decisions[0].target, "callback 'cb' at insn 8");
	ck_assert_str_eq(p->decisions[0].reason,
			 "function address: pseudo func, imm = 8 - 1 - 1; appended here");
	rb_linked_prog_free(p);
}
END_TEST

START_TEST(func_and_line_info_and_history)
{
	/* main (xdp, 2 func, 3 lines) calls sub_b and takes sub_a's address. */
	struct bpf_insn m[] = { LD64(1, 0), PCALL(-1), LD64(2, 0), HELPER(1), EXIT_INSN };
	struct relo_ref r[] = {
		{ .insn = 0, .kind = RELO_REF_MAP, .sym = "counts", .map_idx = 0 },
		{ .insn = 2, .kind = RELO_REF_SUBPROG, .sym = "sub_b", .target_sec = 1,
		  .sym_off = 24 },
		{ .insn = 3, .kind = RELO_REF_FUNC, .sym = "sub_a", .target_sec = 1 },
	};
	struct bpf_func_info mfi[] = { { 0, 10 } };
	struct bpf_line_info mli[] = { { 0, 100, 200, (20 << 10) | 5 },
				       { 2, 100, 210, (21 << 10) | 9 },
				       { 3, 100, 220, (23 << 10) | 2 } };
	struct bpf_func_info afi[] = { { 0, 11 } }, bfi[] = { { 0, 12 } };
	struct bpf_line_info ali[] = { { 0, 100, 300, 40 << 10 }, { 2, 100, 310, 42 << 10 } };
	struct bpf_line_info bli[] = { { 1, 100, 400, 50 << 10 } };
	struct relo_func funcs[] = {
		{ "main", "xdp", 2, 0, m, NELEM(m), r, 3, mfi, 1, mli, 3 },
		{ "sub_a", ".text", 1, 0, text_a, 3, NULL, 0, afi, 1, ali, 2 },
		{ "sub_b", ".text", 1, 3, text_b, 2, NULL, 0, bfi, 1, bli, 1 },
	};
	struct relo_input in = { "t.o", funcs, NELEM(funcs), maps, NELEM(maps) };
	struct rb_linked_prog *p = prepare(&in, 0);
	const struct rb_relo_decision *d;

	/* [main 0..6][sub_b 7..8][sub_a 9..11] */
	ck_assert_uint_eq(p->insn_cnt, 12);
	ck_assert_str_eq(p->funcs[1].name, "sub_b");
	ck_assert_str_eq(p->funcs[2].name, "sub_a");
	ck_assert_uint_eq(p->func_info_cnt, 3);
	ck_assert_uint_eq(p->func_info[0].insn_off, 0);
	ck_assert_uint_eq(p->func_info[0].type_id, 10);
	ck_assert_uint_eq(p->func_info[1].insn_off, 7);
	ck_assert_uint_eq(p->func_info[1].type_id, 12);
	ck_assert_uint_eq(p->func_info[2].insn_off, 9);
	ck_assert_uint_eq(p->func_info[2].type_id, 11);
	ck_assert_uint_eq(p->line_info_cnt, 6);
	const uint32_t want_off[] = { 0, 2, 3, 8, 9, 11 };
	const uint32_t want_line_off[] = { 200, 210, 220, 400, 300, 310 };
	for (int k = 0; k < 6; k++) {
		ck_assert_uint_eq(p->line_info[k].insn_off, want_off[k]);
		ck_assert_uint_eq(p->line_info[k].line_off, want_line_off[k]);
		ck_assert_uint_eq(p->line_info[k].file_name_off, 100);
	}
	ck_assert_uint_eq(p->line_info[1].line_col, (21 << 10) | 9);

	/* History of chosen instructions. */
	ck_assert_uint_eq(p->hist[2].func, 0); /* the call */
	ck_assert_uint_eq(p->hist[2].func_insn, 2);
	ck_assert_int_eq(p->hist[2].line_info, 1);
	d = &p->decisions[p->hist[2].first_decision];
	ck_assert_int_eq(d->kind, RB_DEC_CALL);
	ck_assert_int_eq(d->next, -1);
	ck_assert_uint_eq(p->hist[7].func, 1); /* sub_b's first insn: no line record yet */
	ck_assert_uint_eq(p->hist[7].func_insn, 0);
	ck_assert_int_eq(p->hist[7].line_info, -1);
	ck_assert_int_eq(p->hist[7].first_decision, -1);
	ck_assert_int_eq(p->hist[8].line_info, 3);
	ck_assert_uint_eq(p->hist[10].func, 2); /* sub_a's static call to sub_b */
	ck_assert_uint_eq(p->hist[10].func_insn, 1);
	ck_assert_int_eq(p->hist[10].line_info, 4);
	d = &p->decisions[p->hist[10].first_decision];
	ck_assert_int_eq(d->kind, RB_DEC_CALL);
	ck_assert_str_eq(d->target, "subprogram 'sub_b' at insn 7");
	assert_insn(&p->insns[10], 0x85, 0, 1, 0, -4); /* 7 - 10 - 1 */
	ck_assert_int_eq(p->hist[0].line_info, 0);
	ck_assert_int_eq(p->decisions[p->hist[0].first_decision].kind, RB_DEC_MAP);
	ck_assert_int_eq(p->hist[1].first_decision, -1); /* second slot of ld_imm64 */
	ck_assert_uint_eq(p->decision_cnt, 4);
	rb_linked_prog_free(p);

	/* A subprogram without func_info while the main has it: refused. */
	funcs[2].func_info_cnt = 0;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: program 'main': subprogram 'sub_b' has no func_info records but the "
		      "program has");
	/* A main without func_info: the program gets none. */
	funcs[0].func_info_cnt = 0;
	p = prepare(&in, 0);
	ck_assert_ptr_null(p->func_info);
	ck_assert_uint_eq(p->line_info_cnt, 6);
	rb_linked_prog_free(p);
	/* Records outside the function are refused up front. */
	mli[2].insn_off = 9;
	prepare_fails(&in, 0, EINVAL,
		      "t.o: function 'main': line_info record 2 (insn_off 9) is outside the "
		      "function or out of order");
}
END_TEST

START_TEST(recorded_patches_follow_each_copy)
{
	/* A CO-RE style patch on sub_b before linking shows up in every program's copy. */
	struct bpf_insn p1[] = { PCALL(-1), EXIT_INSN };
	struct relo_ref r1[] = { { .insn = 0, .kind = RELO_REF_SUBPROG, .sym = "sub_b",
				   .target_sec = 1, .sym_off = 24 } };
	struct relo_func funcs[] = {
		{ "sub_a", ".text", 1, 0, text_a, 3 },
		{ "sub_b", ".text", 1, 3, text_b, 2 },
		{ "prog1", "xdp", 2, 0, p1, 2, r1, 1 },
		{ "prog2", "xdp", 2, 2, p1, 2, r1, 1 },
	};
	struct relo_input in = { "t.o", funcs, NELEM(funcs) };
	struct bpf_insn patched = MOV(0, 77);
	struct rb_linked_prog *a, *b;
	struct rb_error e = { 0 };
	struct relo_ctx *ctx;
	uint32_t cnt;

	ck_assert_int_eq(relo_ctx_new(&in, &ctx, &e), 0);
	ck_assert_int_eq(relo_apply(ctx, &e), 0);
	ck_assert_int_eq(relo_record(ctx, 1, 0, RB_DEC_CORE, &patched, 1, "", "struct x.y",
				     "field moved", "candidate [12] x: y at 8", &e), 0);
	ck_assert_int_eq(relo_record(ctx, 1, 1, RB_DEC_CORE, &patched, 2, "", "", "", NULL, &e),
			 -EINVAL);
	ck_assert_str_eq(e.msg, "t.o: function 'sub_b': cannot patch 2 instruction(s) at insn 1 "
			 "(2 insns)");
	ck_assert_int_eq(relo_func_insns(ctx, 1, &cnt)[0].imm, 77);
	ck_assert_uint_eq(cnt, 2);
	ck_assert_int_eq(relo_link(ctx, 2, &a, &e), 0);
	ck_assert_int_eq(relo_link(ctx, 3, &b, &e), 0);
	relo_ctx_free(ctx);
	for (int k = 0; k < 2; k++) {
		struct rb_linked_prog *p = k ? b : a;
		const struct rb_relo_decision *d = &p->decisions[p->hist[2].first_decision];

		assert_insn(&p->insns[2], 0xb7, 0, 0, 0, 77);
		ck_assert_int_eq(d->kind, RB_DEC_CORE);
		ck_assert_uint_eq(d->insn, 2);
		ck_assert_uint_eq(d->func, 1);
		ck_assert_str_eq(d->detail, "candidate [12] x: y at 8");
		ck_assert_int_eq(d->before[0].imm, 2);
		ck_assert_int_eq(d->after[0].imm, 77);
	}
	rb_linked_prog_free(a);
	rb_linked_prog_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("relo");
	TCase *tc = tcase_create("relo");

	tcase_add_test(tc, map_reference);
	tcase_add_test(tc, global_data_offsets);
	tcase_add_test(tc, bad_relocations);
	tcase_add_test(tc, externs_resolved_and_weak);
	tcase_add_test(tc, externs_errors);
	tcase_add_test(tc, shared_subprograms);
	tcase_add_test(tc, nested_calls_depth_first);
	tcase_add_test(tc, recursion_and_bad_targets);
	tcase_add_test(tc, callbacks);
	tcase_add_test(tc, func_and_line_info_and_history);
	tcase_add_test(tc, recorded_patches_follow_each_copy);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
