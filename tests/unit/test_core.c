/* relo/core*: the CO-RE engine on clang-built programs against clang-built target BTFs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Expectation tables list only what matters; the rest starts zeroed. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include "btf_builder.h"
#include "core_fixture.h"
#include "relo/core.h"
#include "relo/core_apply.h"
#include "relo/relo.h"
#include "testlib.h"

static struct rb_error E;

/* The program object, parsed once per test. */
struct prog {
	char path[64];
	struct btf *btf;
	struct btf_ext *ext;
	struct bpf_insn *insns;
	uint32_t insn_cnt;
	const struct btf_ext_sec *relos;
};

static void prog_open(struct prog *p, const char *name, const char *sec)
{
	size_t size = 0;

	core_compile(name, p->path, sizeof(p->path));
	ck_assert_msg(!elf_read_btf(p->path, NULL, &p->btf, &E), "%s", E.msg);
	ck_assert_msg(!elf_read_btf_ext(p->path, p->btf, &p->ext, &E), "%s", E.msg);
	p->insns = core_section(p->path, sec, &size);
	ck_assert_ptr_nonnull(p->insns);
	p->insn_cnt = size / sizeof(struct bpf_insn);
	p->relos = btf_ext_sec_find(p->ext, BTF_EXT_CORE_RELO, sec);
	ck_assert_ptr_nonnull(p->relos);
	unlink(p->path);
}

static void prog_close(struct prog *p)
{
	free(p->insns);
	btf_ext_free(p->ext);
	btf_free(p->btf);
}

static struct btf *target_open(const char *name)
{
	char path[64];
	struct btf *btf;

	core_compile(name, path, sizeof(path));
	ck_assert_msg(!elf_read_btf(path, NULL, &btf, &E), "%s", E.msg);
	unlink(path);
	return btf;
}

/* What one record must give: kind, local access in C, result (or poison / error). */
struct expect {
	const char *kind;
	const char *local;
	long long val; /* new value; ignored when poison */
	bool poison;
	int seen;
};

#define POISON -1, true

/*
 * Run every record of p against target; each must match exactly one expectation (by kind
 * and C spelling; several records may share one) and patch its instruction cleanly.
 * Records whose spelling is listed in err_local must fail with an error containing err_sub.
 */
static void run(struct prog *p, const struct btf *target, struct expect *ex, size_t nex,
		const char *err_local, const char *err_sub)
{
	struct core_target tg = { target, "target" };
	struct core_ctx *cc;
	bool dump = getenv("CORE_DUMP") != NULL;

	ck_assert(!core_ctx_new(p->btf, &tg, 1, &cc, &E));
	for (uint32_t i = 0; i < p->relos->nr; i++) {
		const struct btf_ext_core_relo *rec = btf_ext_rec(p->relos, i);
		uint32_t idx = rec->insn_off / 8;
		struct core_result res;
		struct expect *e = NULL;
		int r;

		ck_assert_uint_lt(idx, p->insn_cnt);
		r = core_calc(cc, rec, "prog", idx, &res, &E);
		if (r) {
			if (dump)
				printf("ERROR %s\n", E.msg);
			ck_assert_msg(err_local && strstr(E.msg, err_local) && strstr(E.msg, err_sub),
				      "record %u: %s", i, E.msg);
			continue;
		}
		if (dump)
			printf("{ \"%s\", \"%s\", %lld%s },\n%s", core_kind_name(rec->kind),
			       res.local_c, (long long)res.new_val, res.poison ? " POISON" : "",
			       res.explain);
		if (dump && !nex) {
			core_result_free(&res);
			continue;
		}
		for (size_t j = 0; j < nex && !e; j++)
			if (!strcmp(ex[j].kind, core_kind_name(rec->kind)) &&
			    !strcmp(ex[j].local, res.local_c))
				e = &ex[j];
		ck_assert_msg(e, "record %u: unexpected %s %s", i, core_kind_name(rec->kind),
			      res.local_c);
		e->seen++;
		ck_assert_msg(res.poison == e->poison, "%s %s: poison %d", e->kind, e->local,
			      res.poison);
		if (!e->poison)
			ck_assert_msg((long long)res.new_val == e->val, "%s %s: got %lld, want %lld",
				      e->kind, e->local, (long long)res.new_val, e->val);
		/* The compiled instruction must hold what the local BTF predicts. */
		r = core_patch(&p->insns[idx], p->insn_cnt - idx, &res, "prog", idx, &E);
		ck_assert_msg(r > 0, "%s %s: patch: %s", e->kind, e->local, E.msg);
		core_result_free(&res);
	}
	for (size_t j = 0; j < nex; j++)
		ck_assert_msg(ex[j].seen, "no record for %s %s", ex[j].kind, ex[j].local);
	core_ctx_free(cc);
}

/* Find the record of kind on local spelling; returns its instruction index. */
static uint32_t find_insn(struct prog *p, const char *kind, const char *local,
			  struct core_ctx *cc)
{
	for (uint32_t i = 0; i < p->relos->nr; i++) {
		const struct btf_ext_core_relo *rec = btf_ext_rec(p->relos, i);
		struct core_result res;
		bool hit;

		if (core_calc(cc, rec, "prog", rec->insn_off / 8, &res, &E))
			continue;
		hit = !strcmp(core_kind_name(rec->kind), kind) && !strcmp(res.local_c, local);
		core_result_free(&res);
		if (hit)
			return rec->insn_off / 8;
	}
	ck_abort_msg("no %s record on %s", kind, local);
	return 0;
}

START_TEST(same_layout)
{
	struct expect ex[] = {
		{ "byte_off", "struct thing->b", 8 },
		{ "byte_off", "struct thing->in.y", 20 },
		{ "byte_off", "struct thing->next", 48 },
		{ "byte_off", "struct thing->a", 0 },
		{ "byte_off", "struct thing->arr[2]", 36 },
		{ "field_exists", "struct thing->name", 1 },
		{ "byte_sz", "struct thing->arr", 16 },
		{ "byte_off", "struct thing->bf2", 24 },
		{ "byte_sz", "struct thing->bf2", 4 },
		{ "lshift_u64", "struct thing->bf2", 56 },
		{ "signed", "struct thing->bf2", 0 },
		{ "rshift_u64", "struct thing->bf2", 59 },
		{ "byte_off", "struct thing->sbf", 24 },
		{ "byte_sz", "struct thing->sbf", 4 },
		{ "lshift_u64", "struct thing->sbf", 52 },
		{ "signed", "struct thing->sbf", 1 },
		{ "rshift_u64", "struct thing->sbf", 60 },
		{ "type_exists", "struct only_local", 1 },
		{ "type_size", "struct thing", 72 },
		{ "type_matches", "struct inner", 1 },
		{ "enumval_exists", "enum color::BLUE", 1 },
		{ "enumval_value", "enum color::GREEN", 1 },
		{ "target_type_id", "struct thing", 1 },
		{ "local_type_id", "struct thing", 17 },
		{ "field_exists", "struct thing___v2->a_renamed", 0 },
		{ "enumval_value", "enum color64::BIG", 0x100000000ll },
		{ "type_exists", "myint_t", 1 },
		{ "type_size", "union un", 4 },
		{ "byte_off", "struct thing->w", 56 },
		{ "byte_off", "struct thing->sw", 60 },
	};
	struct prog p;
	struct btf *target;

	prog_open(&p, "prog", "tp_btf/sys_enter");
	ck_assert_uint_eq(p.relos->nr, 32);
	target = target_open("target_same");
	run(&p, target, ex, sizeof(ex) / sizeof(ex[0]), NULL, NULL);
	btf_free(target);
	prog_close(&p);
}
END_TEST

START_TEST(moved_layout)
{
	struct expect ex[] = {
		{ "byte_off", "struct thing->b", 16 },	      /* inside an anonymous struct */
		{ "byte_off", "struct thing->in.y", 64 },     /* struct moved, members swapped */
		{ "byte_off", "struct thing->next", 96 },
		{ "byte_off", "struct thing->a", 8 },
		{ "byte_off", "struct thing->arr[2]", 36 },   /* array resized, moved to 28 */
		{ "field_exists", "struct thing->name", 0 },  /* missing */
		{ "byte_sz", "struct thing->arr", 32 },
		{ "byte_off", "struct thing->bf2", 24 },      /* bitfield moved and widened */
		{ "byte_sz", "struct thing->bf2", 4 },
		{ "lshift_u64", "struct thing->bf2", 57 },
		{ "signed", "struct thing->bf2", 0 },
		{ "rshift_u64", "struct thing->bf2", 57 },
		{ "byte_off", "struct thing->sbf", 24 },
		{ "byte_sz", "struct thing->sbf", 4 },
		{ "lshift_u64", "struct thing->sbf", 48 },
		{ "signed", "struct thing->sbf", 1 },
		{ "rshift_u64", "struct thing->sbf", 58 },
		{ "type_exists", "struct only_local", 0 },    /* type missing */
		{ "type_size", "struct thing", 104 },
		{ "type_matches", "struct inner", 1 },	      /* same members, other order */
		{ "enumval_exists", "enum color::BLUE", 0 },  /* enumerator missing */
		{ "enumval_value", "enum color::GREEN", 5 },  /* renumbered */
		{ "target_type_id", "struct thing", 1 },
		{ "local_type_id", "struct thing", 17 },
		{ "field_exists", "struct thing___v2->a_renamed", 0 },
		{ "enumval_value", "enum color64::BIG", 7 },  /* enum64 matched by a 32-bit enum */
		{ "type_exists", "myint_t", 1 },
		{ "type_size", "union un", 8 },
		{ "byte_off", "struct thing->w", 80 },
		{ "byte_off", "struct thing->sw", 88 },
	};
	struct prog p;
	struct btf *target;
	struct core_target tg;
	struct core_ctx *cc;
	uint32_t w, sw;
	struct bpf_insn before_w;

	prog_open(&p, "prog", "tp_btf/sys_enter");
	target = target_open("target_moved");
	tg = (struct core_target){ target, "moved" };
	ck_assert(!core_ctx_new(p.btf, &tg, 1, &cc, &E));
	w = find_insn(&p, "byte_off", "struct thing->w", cc);
	sw = find_insn(&p, "byte_off", "struct thing->sw", cc);
	core_ctx_free(cc);
	before_w = p.insns[w];
	ck_assert_int_eq(before_w.code, BPF_LDX | BPF_MEM | BPF_W);
	ck_assert_int_eq(before_w.off, 56);
	run(&p, target, ex, sizeof(ex) / sizeof(ex[0]), NULL, NULL);
	/* unsigned int -> unsigned long: the load follows, 4 bytes at 56 -> 8 bytes at 80. */
	ck_assert_int_eq(p.insns[w].code, BPF_LDX | BPF_MEM | BPF_DW);
	ck_assert_int_eq(p.insns[w].off, 80);
	ck_assert_int_eq(p.insns[w].dst_reg, before_w.dst_reg);
	/* int -> long is signed: a narrower load would be wrong, so it is poisoned. */
	ck_assert_int_eq(p.insns[sw].code, BPF_JMP | BPF_CALL);
	ck_assert_int_eq(p.insns[sw].imm, 195896080);
	btf_free(target);
	prog_close(&p);
}
END_TEST

START_TEST(missing_everything)
{
	/* Against a BTF with no struct thing at all: field reads poisoned, checks 0. */
	struct prog p;
	struct btf *target;
	struct core_target tg;
	struct core_ctx *cc;
	struct core_result res;
	uint32_t n_poison = 0, n_zero = 0;

	prog_open(&p, "prog", "tp_btf/sys_enter");
	target = target_open("target_ambig"); /* only thing___one / thing___two... */
	btf_free(target);
	target = target_open("task"); /* ... so use one with none of the program's types */
	tg = (struct core_target){ target, "other" };
	ck_assert(!core_ctx_new(p.btf, &tg, 1, &cc, &E));
	for (uint32_t i = 0; i < p.relos->nr; i++) {
		const struct btf_ext_core_relo *rec = btf_ext_rec(p.relos, i);
		uint32_t idx = rec->insn_off / 8;
		struct bpf_insn orig[2];
		int width;

		ck_assert_msg(!core_calc(cc, rec, "prog", idx, &res, &E), "%s", E.msg);
		memcpy(orig, &p.insns[idx], sizeof(orig));
		width = core_patch(&p.insns[idx], p.insn_cnt - idx, &res, "prog", idx, &E);
		ck_assert_int_gt(width, 0);
		switch (rec->kind) {
		case CORE_FIELD_EXISTS:
		case CORE_TYPE_EXISTS:
		case CORE_TYPE_MATCHES:
		case CORE_TYPE_SIZE:
		case CORE_TYPE_ID_TARGET:
		case CORE_ENUMVAL_EXISTS:
			ck_assert(!res.poison);
			ck_assert_uint_eq(res.new_val, 0);
			n_zero++;
			break;
		case CORE_TYPE_ID_LOCAL:
			ck_assert_uint_eq(res.new_val, rec->type_id);
			break;
		default:
			ck_assert_msg(res.poison, "%s %s", core_kind_name(rec->kind), res.local_c);
			ck_assert_int_eq(p.insns[idx].code, BPF_JMP | BPF_CALL);
			ck_assert_int_eq(p.insns[idx].imm, 195896080);
			/* ld_imm64 keeps both slots, both poisoned */
			if (orig[0].code == (BPF_LD | BPF_IMM | BPF_DW)) {
				ck_assert_int_eq(width, 2);
				ck_assert_int_eq(p.insns[idx + 1].imm, 195896080);
			}
			n_poison++;
		}
		if (rec->kind != CORE_TYPE_ID_LOCAL)
			ck_assert_ptr_nonnull(strstr(res.explain, "no candidate type"));
		core_result_free(&res);
	}
	ck_assert_uint_eq(n_zero, 9);
	ck_assert_uint_eq(n_poison, 22);
	core_ctx_free(cc);
	btf_free(target);
	prog_close(&p);
}
END_TEST

START_TEST(ambiguous)
{
	struct expect ex[] = {
		{ "byte_off", "struct thing->a", 0 }, /* both candidates agree */
		{ "byte_off", "struct thing->in.y", POISON },
		{ "byte_off", "struct thing->next", POISON },
		{ "byte_off", "struct thing->arr[2]", POISON },
		{ "field_exists", "struct thing->name", 0 },
		{ "byte_sz", "struct thing->arr", POISON },
		{ "byte_off", "struct thing->bf2", POISON },
		{ "byte_sz", "struct thing->bf2", POISON },
		{ "lshift_u64", "struct thing->bf2", POISON },
		{ "signed", "struct thing->bf2", POISON },
		{ "rshift_u64", "struct thing->bf2", POISON },
		{ "byte_off", "struct thing->sbf", POISON },
		{ "byte_sz", "struct thing->sbf", POISON },
		{ "lshift_u64", "struct thing->sbf", POISON },
		{ "signed", "struct thing->sbf", POISON },
		{ "rshift_u64", "struct thing->sbf", POISON },
		{ "type_exists", "struct only_local", 0 },
		{ "type_matches", "struct inner", 0 },
		{ "enumval_exists", "enum color::BLUE", 0 },
		{ "enumval_value", "enum color::GREEN", POISON },
		{ "local_type_id", "struct thing", 17 },
		{ "field_exists", "struct thing___v2->a_renamed", 0 },
		{ "enumval_value", "enum color64::BIG", POISON },
		{ "type_exists", "myint_t", 0 },
		{ "type_size", "union un", 0 },
		{ "byte_off", "struct thing->w", POISON },
		{ "byte_off", "struct thing->sw", POISON },
	};
	struct prog p;
	struct btf *target;
	struct core_target tg;
	struct core_ctx *cc;
	struct core_result res;
	int errors = 0;

	prog_open(&p, "prog", "tp_btf/sys_enter");
	target = target_open("target_ambig");
	/* Records on 'b', the size and the target id of struct thing are ambiguous. */
	tg = (struct core_target){ target, "ambig" };
	ck_assert(!core_ctx_new(p.btf, &tg, 1, &cc, &E));
	for (uint32_t i = 0; i < p.relos->nr; i++) {
		const struct btf_ext_core_relo *rec = btf_ext_rec(p.relos, i);

		if (!core_calc(cc, rec, "prog", rec->insn_off / 8, &res, &E)) {
			core_result_free(&res);
			continue;
		}
		errors++;
		if (rec->kind == CORE_FIELD_BYTE_OFFSET)
			ck_assert_str_eq(E.msg, "prog 'prog': insn 10: CO-RE byte_off: struct "
						"thing->b: field offset ambiguity: candidate [1] "
						"thing___one puts it at bit 64, candidate [5] "
						"thing___two at bit 128");
		else if (rec->kind == CORE_TYPE_SIZE)
			ck_assert_ptr_nonnull(strstr(E.msg, "struct thing: relocation decision "
						 "ambiguity: candidate [1] thing___one gives 16, "
						 "candidate [5] thing___two gives 24"));
		else
			ck_assert_ptr_nonnull(strstr(E.msg, "target_type_id: struct thing: "
						 "relocation decision ambiguity"));
	}
	ck_assert_int_eq(errors, 3);
	core_ctx_free(cc);
	run(&p, target, ex, sizeof(ex) / sizeof(ex[0]), "struct thing", "ambiguity");
	btf_free(target);
	prog_close(&p);
}
END_TEST

/* Hand-made instructions: every patch rule, and the messages when the insn disagrees. */
START_TEST(patch_rules)
{
	struct core_result res = { .kind = CORE_FIELD_BYTE_OFFSET, .validate = true };
	struct bpf_insn alu = { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 1, .imm = 8 };
	struct bpf_insn ldx = { .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 2, .src_reg = 1,
				.off = 8 };
	struct bpf_insn ld64[2] = { { .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .imm = 8 },
				    { 0 } };
	struct bpf_insn jmp = { .code = BPF_JMP | BPF_JA };

	res.orig_val = 8;
	res.new_val = 24;
	ck_assert_int_eq(core_patch(&alu, 1, &res, "p", 3, &E), 1);
	ck_assert_int_eq(alu.imm, 24);
	ck_assert_int_eq(core_patch(&alu, 1, &res, "p", 3, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'p': insn 3: CO-RE byte_off: the instruction holds 24 but "
				"the object's BTF says 8");
	ck_assert_int_eq(core_patch(&ldx, 1, &res, "p", 4, &E), 1);
	ck_assert_int_eq(ldx.off, 24);
	ck_assert_int_eq(ldx.code, BPF_LDX | BPF_MEM | BPF_W);
	/* Size change: 4 -> 2 bytes (unsigned), the load shrinks. */
	ldx.off = 8;
	res.orig_sz = 4;
	res.new_sz = 2;
	ck_assert_int_eq(core_patch(&ldx, 1, &res, "p", 4, &E), 1);
	ck_assert_int_eq(ldx.code, BPF_LDX | BPF_MEM | BPF_H);
	/* The instruction's own size must be what the local field says. */
	ldx.off = 8;
	ck_assert_int_eq(core_patch(&ldx, 1, &res, "p", 4, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'p': insn 4: CO-RE byte_off: the instruction accesses 2 "
				"bytes, the field has 4");
	res.orig_sz = res.new_sz = 0;
	res.new_val = 40000;
	ldx.off = 8;
	ck_assert_int_eq(core_patch(&ldx, 1, &res, "p", 4, &E), -ERANGE);
	ck_assert_str_eq(E.msg, "prog 'p': insn 4: CO-RE byte_off: offset 40000 does not fit in "
				"an instruction");
	res.new_val = 0x123456789ull;
	ck_assert_int_eq(core_patch(ld64, 2, &res, "p", 5, &E), 2);
	ck_assert_int_eq((uint32_t)ld64[0].imm, 0x23456789u);
	ck_assert_int_eq(ld64[1].imm, 1);
	ck_assert_int_eq(core_patch(ld64, 1, &res, "p", 5, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'p': insn 5: CO-RE byte_off on an ld_imm64 of an "
				"unexpected form");
	ck_assert_int_eq(core_patch(&jmp, 1, &res, "p", 6, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'p': insn 6: CO-RE byte_off on an instruction it cannot "
				"patch (code 0x05)");
	/* No validation (bitfields): any old value is accepted. */
	res.validate = false;
	res.new_val = 3;
	alu.imm = 99;
	ck_assert_int_eq(core_patch(&alu, 1, &res, "p", 3, &E), 1);
	ck_assert_int_eq(alu.imm, 3);
	/* Poison: ld_imm64 keeps its two slots. */
	res.poison = true;
	ck_assert_int_eq(core_patch(ld64, 2, &res, "p", 5, &E), 2);
	ck_assert_int_eq(ld64[0].code, BPF_JMP | BPF_CALL);
	ck_assert_int_eq(ld64[1].code, BPF_JMP | BPF_CALL);
	ck_assert_int_eq(ld64[1].imm, 195896080);
}
END_TEST

START_TEST(essential_names)
{
	ck_assert_uint_eq(core_essential_len("task_struct"), 11);
	ck_assert_uint_eq(core_essential_len("task_struct___v2"), 11);
	ck_assert_uint_eq(core_essential_len("a___b___c"), 5); /* the last flavor only */
	ck_assert_uint_eq(core_essential_len("a____b"), 6);   /* four underscores: no flavor */
	ck_assert_uint_eq(core_essential_len("___x"), 4);
	ck_assert_uint_eq(core_essential_len("x___"), 4);
	ck_assert_uint_eq(core_essential_len(""), 0);
}
END_TEST

/* Bad records: each error names the program, instruction and what is wrong. */
START_TEST(bad_records)
{
	struct prog p;
	struct core_target tg;
	struct core_ctx *cc;
	struct core_result res;
	struct btf_ext_core_relo rec;
	uint32_t thing, off_bad, off_deep;

	prog_open(&p, "prog", "tp_btf/sys_enter");
	tg = (struct core_target){ p.btf, "self" };
	ck_assert(!core_ctx_new(p.btf, &tg, 1, &cc, &E));
	thing = btf_find(p.btf, "thing", BTF_KIND_STRUCT);
	rec = *(const struct btf_ext_core_relo *)btf_ext_rec(p.relos, 0);
	rec.kind = 13;
	ck_assert_int_eq(core_calc(cc, &rec, "prog", 10, &res, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'prog': insn 10: CO-RE relocation kind 13 is unknown");
	rec.kind = CORE_FIELD_BYTE_OFFSET;
	rec.type_id = 9999;
	ck_assert_int_eq(core_calc(cc, &rec, "prog", 10, &res, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'prog': insn 10: CO-RE byte_off: local type id 9999 does "
				"not exist");
	rec.type_id = thing;
	rec.access_str_off = 1u << 30;
	ck_assert_int_eq(core_calc(cc, &rec, "prog", 10, &res, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'prog': insn 10: CO-RE byte_off: access string offset "
				"1073741824 is not in .BTF");
	/* Access strings that exist in .BTF but do not fit the type: reuse member names. */
	off_bad = btf_type(p.btf, thing)->name_off; /* "thing": not numbers */
	rec.access_str_off = off_bad;
	ck_assert_int_eq(core_calc(cc, &rec, "prog", 10, &res, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'prog': insn 10: CO-RE byte_off: [17] thing access 'thing': "
				"access string 'thing' is not a list of numbers");
	(void)off_deep;
	/* Type relocation on an anonymous type: no candidates can be searched. */
	rec.kind = CORE_TYPE_EXISTS;
	rec.type_id = 1; /* PTR, anonymous */
	for (uint32_t i = 0; i < p.relos->nr; i++)
		if (((const struct btf_ext_core_relo *)btf_ext_rec(p.relos, i))->kind ==
		    CORE_TYPE_EXISTS)
			rec.access_str_off = ((const struct btf_ext_core_relo *)btf_ext_rec(
						      p.relos, i))->access_str_off;
	ck_assert_str_eq(btf_str(p.btf, rec.access_str_off), "0");
	ck_assert_int_eq(core_calc(cc, &rec, "prog", 10, &res, &E), -EINVAL);
	ck_assert_str_eq(E.msg, "prog 'prog': insn 10: CO-RE type_exists: local type [1] is "
				"anonymous: CO-RE needs a named type to find candidates");
	core_ctx_free(cc);
	prog_close(&p);
}
END_TEST

/* This kernel's task_struct: offsets agree with what bpftool prints for vmlinux. */
static long bpftool_member_off(const char *member)
{
	FILE *f = popen("bpftool btf dump file /sys/kernel/btf/vmlinux format raw", "r");
	char line[512], want[128];
	bool in = false;
	long off = -1;

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "\t'%s' type_id=", member);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '[')
			in = strstr(line, "] STRUCT 'task_struct' ") != NULL;
		else if (in && !strncmp(line, want, strlen(want)))
			off = strtol(strstr(line, "bits_offset=") + 12, NULL, 10) / 8;
	}
	pclose(f);
	return off;
}

START_TEST(vmlinux_task_struct)
{
	struct prog p;
	struct btf *vmlinux;
	struct core_target tg;
	struct core_ctx *cc;
	struct core_result res;
	long pid = bpftool_member_off("pid"), tgid = bpftool_member_off("tgid");
	long parent = bpftool_member_off("real_parent"), comm = bpftool_member_off("comm");
	int seen = 0;

	if (access("/sys/kernel/btf/vmlinux", R_OK) || system("bpftool version >/dev/null 2>&1"))
		return;
	ck_assert(pid > 0 && tgid > 0 && parent > 0 && comm > 0);
	prog_open(&p, "task", "tp_btf/sys_enter");
	ck_assert(!btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &vmlinux, &E));
	tg = (struct core_target){ vmlinux, "vmlinux" };
	ck_assert(!core_ctx_new(p.btf, &tg, 1, &cc, &E));
	for (uint32_t i = 0; i < p.relos->nr; i++) {
		const struct btf_ext_core_relo *rec = btf_ext_rec(p.relos, i);
		uint32_t idx = rec->insn_off / 8;
		long want = -1;

		ck_assert_msg(!core_calc(cc, rec, "task", idx, &res, &E), "%s", E.msg);
		if (!strcmp(res.local_c, "struct task_struct->pid"))
			want = pid;
		else if (!strcmp(res.local_c, "struct task_struct->tgid"))
			want = tgid;
		else if (!strcmp(res.local_c, "struct task_struct->real_parent"))
			want = parent;
		else if (!strcmp(res.local_c, "struct task_struct->comm"))
			want = rec->kind == CORE_FIELD_BYTE_SIZE ? 16 : comm;
		ck_assert_msg(want >= 0, "unexpected %s", res.local_c);
		ck_assert_msg((long)res.new_val == want, "%s: %llu != %ld", res.local_c,
			      (unsigned long long)res.new_val, want);
		ck_assert_int_gt(core_patch(&p.insns[idx], p.insn_cnt - idx, &res, "task", idx,
					    &E), 0);
		ck_assert_int_eq(res.cand_cnt, 1);
		ck_assert(res.cands[0].accepted);
		core_result_free(&res);
		seen++;
	}
	ck_assert_int_eq(seen, 5);
	core_ctx_free(cc);
	btf_free(vmlinux);
	prog_close(&p);
}
END_TEST

/* Through the relocation engine: every record becomes a decision with its explanation. */
START_TEST(apply_records_decisions)
{
	struct prog p;
	struct btf *target;
	struct core_target tg;
	struct core_ctx *cc;
	struct relo_ctx *ctx;
	const struct rb_relo_decision *d;
	const struct bpf_insn *insns;
	struct relo_func f = { 0 };
	struct relo_input in = { 0 };
	uint32_t n, cnt, poisoned = 0;

	prog_open(&p, "prog", "tp_btf/sys_enter");
	target = target_open("target_moved");
	f.name = "prog";
	f.sec_name = "tp_btf/sys_enter";
	f.insns = p.insns;
	f.insn_cnt = p.insn_cnt;
	in.obj_name = "prog.o";
	in.funcs = &f;
	in.func_cnt = 1;
	ck_assert_msg(!relo_ctx_new(&in, &ctx, &E), "%s", E.msg);
	tg = (struct core_target){ target, "moved" };
	ck_assert(!core_ctx_new(p.btf, &tg, 1, &cc, &E));
	for (uint32_t i = 0; i < p.relos->nr; i++) {
		const struct btf_ext_core_relo *rec = btf_ext_rec(p.relos, i);

		ck_assert_msg(!relo_core_apply(ctx, cc, 0, rec->insn_off / 8, rec, i, &E), "%s",
			      E.msg);
	}
	d = relo_func_decisions(ctx, 0, &n);
	ck_assert_uint_eq(n, p.relos->nr);
	for (uint32_t i = 0; i < n; i++) {
		ck_assert(d[i].kind == RB_DEC_CORE || d[i].kind == RB_DEC_CORE_POISON);
		ck_assert_ptr_nonnull(d[i].detail);
		if (d[i].kind == RB_DEC_CORE_POISON) {
			poisoned++;
			ck_assert_str_eq(d[i].sym, "struct thing->sw");
			ck_assert_msg(!strncmp(d[i].reason, "CO-RE relocation #", 18), "%s",
				      d[i].reason);
			ck_assert_str_eq(strstr(d[i].reason, " failed: "),
					 " failed: byte_off struct thing->sw: field size 4 -> 8 "
					 "cannot be loaded safely (signed or mixed types); "
					 "instruction poisoned");
			ck_assert_int_eq(d[i].after[0].imm, RB_POISON_CORE);
		}
		if (!strcmp(d[i].sym, "struct thing->b")) {
			ck_assert_str_eq(d[i].target, "[1] struct thing->b");
			ck_assert_str_eq(d[i].reason, "byte_off struct thing->b: 8 -> 16");
			ck_assert_str_eq(d[i].detail,
					 "byte_off struct thing->b (0:1) local [17] (bit 64) -> 8\n"
					 "  candidate [1] thing in moved: accepted: struct thing->b "
					 "(bit 128) -> 16\n"
					 "  result: 16 (compiled: 8)\n");
			ck_assert_int_eq(d[i].before[0].imm, 8);
			ck_assert_int_eq(d[i].after[0].imm, 16);
		}
		if (!strcmp(d[i].sym, "struct thing->w"))
			ck_assert_str_eq(d[i].reason,
					 "byte_off struct thing->w: 56 -> 80 (load size changed)");
	}
	ck_assert_uint_eq(poisoned, 1);
	insns = relo_func_insns(ctx, 0, &cnt);
	ck_assert_uint_eq(cnt, p.insn_cnt);
	ck_assert_int_eq(insns[10].imm, 16); /* r1 = offsetof(b), now 16 */
	/* A record past the function's end is refused. */
	{
		struct btf_ext_core_relo bad = *(const struct btf_ext_core_relo *)btf_ext_rec(p.relos, 0);

		ck_assert_int_eq(relo_core_apply(ctx, cc, 0, 5000, &bad, 0, &E), -EINVAL);
		ck_assert_str_eq(E.msg, "prog.o: prog 'prog': CO-RE record for insn 5000 is past "
					"the end (140 insns)");
	}
	core_ctx_free(cc);
	relo_ctx_free(ctx);
	btf_free(target);
	prog_close(&p);
}
END_TEST

/* Module BTFs (split on the main target) are searched only when the main one has nothing. */
START_TEST(module_targets)
{
	struct prog p;
	struct btf *base, *mod;
	struct core_target tg[2];
	struct core_ctx *cc;
	struct core_result res;
	uint32_t checked = 0;

	prog_open(&p, "prog", "tp_btf/sys_enter");
	/* The "kernel": task.bpf.o's BTF (no struct thing); the "module": split BTF on top of
	 * it with struct thing { int a; } only. */
	base = target_open("task");
	{
		/* struct thing { int a; } in split BTF: id base_n; references base 'int'. */
		uint32_t base_n = btf_nr_ids(base), int_id = btf_find(base, "int", BTF_KIND_INT);
		size_t bstr = btf_header(base)->str_len;
		struct {
			struct btf_header h;
			uint32_t t[6];
			char s[16];
		} __attribute__((packed)) sb = { 0 };

		ck_assert_int_gt((int)int_id, 0);
		sb.h.magic = BTF_MAGIC;
		sb.h.version = 1;
		sb.h.hdr_len = sizeof(sb.h);
		sb.h.type_len = sizeof(sb.t);
		sb.h.str_off = sizeof(sb.t);
		sb.h.str_len = 8;
		sb.t[0] = (uint32_t)bstr; /* "thing" */
		sb.t[1] = (BTF_KIND_STRUCT << 24) | 1;
		sb.t[2] = 4;
		sb.t[3] = (uint32_t)bstr + 6; /* "a" */
		sb.t[4] = int_id;
		sb.t[5] = 0;
		memcpy(sb.s, "thing\0a", 8);
		ck_assert_msg(!btf_parse(&sb, sizeof(sb.h) + sizeof(sb.t) + 8, base, "mod", &mod, &E),
			      "%s", E.msg);
		ck_assert_uint_eq(btf_start_id(mod), base_n);
	}
	tg[0] = (struct core_target){ base, "vmlinux" };
	tg[1] = (struct core_target){ mod, "mod" };
	ck_assert(!core_ctx_new(p.btf, tg, 2, &cc, &E));
	for (uint32_t i = 0; i < p.relos->nr; i++) {
		const struct btf_ext_core_relo *rec = btf_ext_rec(p.relos, i);

		ck_assert_msg(!core_calc(cc, rec, "prog", rec->insn_off / 8, &res, &E), "%s", E.msg);
		if (!strcmp(res.local_c, "struct thing->a") && rec->kind == CORE_FIELD_BYTE_OFFSET) {
			ck_assert(!res.poison);
			ck_assert_int_eq(res.target, 1);
			ck_assert_uint_eq(res.target_id, btf_start_id(mod));
			ck_assert_uint_eq(res.new_val, 0);
			ck_assert_ptr_nonnull(strstr(res.explain, "in mod: accepted"));
			checked++;
		}
		if (!strcmp(res.local_c, "struct thing->b")) {
			ck_assert(res.poison); /* the module's thing has no b */
			checked++;
		}
		core_result_free(&res);
	}
	ck_assert_uint_eq(checked, 2);
	core_ctx_free(cc);
	btf_free(mod);
	btf_free(base);
	prog_close(&p);
}
END_TEST

/*
 * Prepare searches module BTFs: a directory of split BTF files (as /sys/kernel/btf/<module>)
 * on top of the target. Here the "kernel" is task.bpf.o's BTF (no struct thing), the
 * directory holds "mymod" (struct thing { int a; }) and "junk" (not BTF: left out).
 */
START_TEST(prepare_searches_module_btf_dir)
{
	struct rb_prepare_opts o = { .sz = sizeof(o) };
	char obj_path[64], kern_path[64], dir[] = "/tmp/rb_modbtf_XXXXXX", file[128];
	struct rb_object *obj;
	struct rb_prepared *pp;
	struct btf *base;
	unsigned int seen_a = 0, seen_b = 0;
	char want_a[128], want_b[128];
	FILE *f;

	core_compile("prog", obj_path, sizeof(obj_path));
	core_compile("task", kern_path, sizeof(kern_path));
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_msg(!elf_read_btf(kern_path, NULL, &base, &E), "%s", E.msg);
	{
		uint32_t int_id = (uint32_t)btf_find(base, "int", BTF_KIND_INT);
		uint32_t bstr = btf_header(base)->str_len;
		struct {
			struct btf_header h;
			uint32_t t[6];
			char s[8];
		} __attribute__((packed)) sb = { 0 };

		sb.h.magic = BTF_MAGIC;
		sb.h.version = 1;
		sb.h.hdr_len = sizeof(sb.h);
		sb.h.type_len = sizeof(sb.t);
		sb.h.str_off = sizeof(sb.t);
		sb.h.str_len = 8;
		sb.t[0] = bstr; /* "thing" */
		sb.t[1] = (BTF_KIND_STRUCT << 24) | 1;
		sb.t[2] = 4;
		sb.t[3] = bstr + 6; /* "a" */
		sb.t[4] = int_id;
		memcpy(sb.s, "thing\0a", 8);
		snprintf(file, sizeof(file), "%s/mymod", dir);
		f = fopen(file, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(&sb, sizeof(sb), 1, f), 1);
		fclose(f);
	}
	/* the module's struct thing is the first id after the base's */
	snprintf(want_a, sizeof(want_a), "[%u] struct thing->a in module mymod",
		 btf_nr_ids(base));
	snprintf(want_b, sizeof(want_b), "no candidate matches: 1 type of that name in %s and "
		 "1 module BTF, none with this access", strrchr(kern_path, '/') + 1);
	btf_free(base);
	snprintf(file, sizeof(file), "%s/junk", dir);
	f = fopen(file, "wb");
	fputs("not BTF", f);
	fclose(f);

	ck_assert_msg(!rb_object_open(obj_path, NULL, &obj, &E), "%s", E.msg);
	o.btf_path = kern_path;
	o.module_btf_dir = dir;
	ck_assert_msg(!rb_object_prepare(obj, &o, &pp, &E), "%s", E.msg);
	for (size_t i = 0; i < rb_prepared_prog_count(pp); i++) {
		const struct rb_linked_prog *lp = rb_prepared_prog(pp, i, NULL);

		for (uint32_t k = 0; k < lp->decision_cnt; k++) {
			const struct rb_relo_decision *d = &lp->decisions[k];

			if (!strcmp(d->sym, "struct thing->a") && d->kind == RB_DEC_CORE &&
			    strstr(d->reason, "byte_off")) {
				ck_assert_str_eq(d->target, want_a);
				seen_a++;
			}
			if (!strcmp(d->sym, "struct thing->b") && d->kind == RB_DEC_CORE_POISON) {
				ck_assert_msg(strstr(d->reason, want_b), "%s", d->reason);
				seen_b++;
			}
		}
	}
	ck_assert_uint_gt(seen_a, 0);
	ck_assert_uint_gt(seen_b, 0);
	rb_prepared_free(pp);
	rb_object_close(obj);
	unlink(file);
	snprintf(file, sizeof(file), "%s/mymod", dir);
	unlink(file);
	rmdir(dir);
	unlink(obj_path);
	unlink(kern_path);
}
END_TEST

/* The compat and match relations on hand-built types (local and target in one blob). */
START_TEST(relations)
{
	static struct bb b;
	struct btf *btf;
	size_t len;
	const uint8_t *blob;
	uint32_t i32, u32, i64, ptr_s, s1, s2, un, fwd_s, fwd_u, ptr_fs, ptr_fu, ptr_u, a3, a4,
		e_abc, e_ab, e_ax, e64_ab, fp1, fp2, td_a, td_b, boff, s_i, s_u, s3;

	bb_init(&b);
	i32 = bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	u32 = bb_int(&b, "unsigned int", 4, 0, 32);
	i64 = bb_int(&b, "long", 8, BTF_INT_SIGNED, 64);
	s1 = bb_type(&b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	bb_member(&b, "x", i32, 0);
	s2 = bb_type(&b, "s___other", BTF_KIND_STRUCT, 2, 0, 16);
	bb_member(&b, "y", i64, 0);
	bb_member(&b, "x", i32, 64);
	un = bb_type(&b, "s", BTF_KIND_UNION, 1, 0, 4);
	bb_member(&b, "x", i32, 0);
	fwd_s = bb_type(&b, "s", BTF_KIND_FWD, 0, 0, 0);
	fwd_u = bb_type(&b, "s", BTF_KIND_FWD, 0, 1, 0);
	ptr_s = bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, s1);
	ptr_fs = bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, fwd_s);
	ptr_fu = bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, fwd_u);
	ptr_u = bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, un);
	a3 = bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(&b, i32), bb_word(&b, i32), bb_word(&b, 3);
	a4 = bb_type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	bb_word(&b, i32), bb_word(&b, i32), bb_word(&b, 4);
	e_abc = bb_type(&b, "e", BTF_KIND_ENUM, 3, 0, 4);
	bb_word(&b, bb_str(&b, "A")), bb_word(&b, 0);
	bb_word(&b, bb_str(&b, "B")), bb_word(&b, 1);
	bb_word(&b, bb_str(&b, "C")), bb_word(&b, 2);
	e_ab = bb_type(&b, "e", BTF_KIND_ENUM, 2, 0, 4);
	bb_word(&b, bb_str(&b, "B")), bb_word(&b, 7);
	bb_word(&b, bb_str(&b, "A")), bb_word(&b, 9);
	e_ax = bb_type(&b, "e", BTF_KIND_ENUM, 2, 0, 4);
	bb_word(&b, bb_str(&b, "A")), bb_word(&b, 0);
	bb_word(&b, bb_str(&b, "X")), bb_word(&b, 1);
	e64_ab = bb_type(&b, "e", BTF_KIND_ENUM64, 2, 0, 8);
	bb_word(&b, bb_str(&b, "A")), bb_word(&b, 0), bb_word(&b, 0);
	bb_word(&b, bb_str(&b, "B")), bb_word(&b, 0), bb_word(&b, 1);
	fp1 = bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, i32);
	bb_word(&b, 0), bb_word(&b, ptr_s);
	fp2 = bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 2, 0, i32);
	bb_word(&b, 0), bb_word(&b, ptr_s);
	bb_word(&b, 0), bb_word(&b, i32);
	td_a = bb_type(&b, "td_a", BTF_KIND_TYPEDEF, 0, 0, i32);
	td_b = bb_type(&b, "td_b", BTF_KIND_TYPEDEF, 0, 0, i32);
	boff = bb_type(&b, "int", BTF_KIND_INT, 0, 0, 4);
	bb_word(&b, BB_INT(BTF_INT_SIGNED, 8, 16)); /* old-style bit offset int */
	s_i = bb_type(&b, "t", BTF_KIND_STRUCT, 1, 0, 8);
	bb_member(&b, "p", ptr_fs, 0);
	s_u = bb_type(&b, "t", BTF_KIND_STRUCT, 1, 0, 8);
	bb_member(&b, "p", ptr_s, 0);
	s3 = bb_type(&b, "t", BTF_KIND_STRUCT, 1, 0, 8);
	bb_member(&b, "p", ptr_u, 0);
	blob = bb_finish(&b, &len);
	ck_assert_msg(!btf_parse(blob, len, NULL, "rel", &btf, &E), "%s", E.msg);

	/* compat: kinds, not layouts */
	ck_assert_int_eq(core_types_compat(btf, s1, btf, s2), 1);
	ck_assert_int_eq(core_types_compat(btf, s1, btf, un), 0);
	ck_assert_int_eq(core_types_compat(btf, i32, btf, i64), 1);
	ck_assert_int_eq(core_types_compat(btf, i32, btf, boff), 0);
	ck_assert_int_eq(core_types_compat(btf, ptr_s, btf, ptr_u), 0);
	ck_assert_int_eq(core_types_compat(btf, a3, btf, a4), 1);
	ck_assert_int_eq(core_types_compat(btf, e_abc, btf, e64_ab), 1);
	ck_assert_int_eq(core_types_compat(btf, fp1, btf, fp2), 0);
	ck_assert_int_eq(core_types_compat(btf, fp1, btf, fp1), 1);
	ck_assert_int_eq(core_types_compat(btf, td_a, btf, i64), 1); /* typedefs skipped */
	/* match: names, sizes, signedness, members, enumerators */
	ck_assert_int_eq(core_types_match(btf, s1, btf, s2), 1);  /* s ~ s___other, x found */
	ck_assert_int_eq(core_types_match(btf, s2, btf, s1), 0);  /* more local members */
	ck_assert_int_eq(core_types_match(btf, i32, btf, u32), 0);
	ck_assert_int_eq(core_types_match(btf, i32, btf, i64), 0);
	ck_assert_int_eq(core_types_match(btf, a3, btf, a4), 0);
	ck_assert_int_eq(core_types_match(btf, e_ab, btf, e_abc), 1); /* subset, any values */
	ck_assert_int_eq(core_types_match(btf, e_abc, btf, e_ab), 0);
	ck_assert_int_eq(core_types_match(btf, e_ax, btf, e_abc), 0);
	ck_assert_int_eq(core_types_match(btf, e_ab, btf, e64_ab), 0); /* sizes differ */
	ck_assert_int_eq(core_types_match(btf, td_a, btf, td_b), 0);   /* root names differ */
	ck_assert_int_eq(core_types_match(btf, td_a, btf, td_a), 1);
	ck_assert_int_eq(core_types_match(btf, fwd_s, btf, s1), 0); /* not behind a pointer */
	ck_assert_int_eq(core_types_match(btf, fwd_s, btf, fwd_s), 1);
	ck_assert_int_eq(core_types_match(btf, fwd_s, btf, fwd_u), 0);
	/* behind a pointer a struct matches a forward declaration of the same kind */
	ck_assert_int_eq(core_types_match(btf, s_u, btf, s_i), 1);
	ck_assert_int_eq(core_types_match(btf, s3, btf, s_i), 0); /* union vs struct fwd */
	ck_assert_int_eq(core_types_match(btf, ptr_s, btf, ptr_fs), 1);
	ck_assert_int_eq(core_types_match(btf, ptr_s, btf, ptr_fu), 0);
	ck_assert_int_eq(core_types_match(btf, fp1, btf, fp1), 1);
	ck_assert_int_eq(core_types_match(btf, fp1, btf, fp2), 0);
	btf_free(btf);
}
END_TEST

/*
 * Real objects (the corpus fetched by `make corpus`, and the samples): every CO-RE record
 * against this kernel's vmlinux must compute and patch; the patch checks that each
 * instruction holds what our reading of the local BTF predicts, which is what clang wrote.
 */
static void core_object(const char *path, const struct btf *vmlinux, uint32_t *recs,
			uint32_t *poisoned)
{
	struct btf *btf;
	struct btf_ext *ext;
	struct core_target tg = { vmlinux, "vmlinux" };
	struct core_ctx *cc;

	if (elf_read_btf(path, NULL, &btf, &E))
		return; /* no BTF: no CO-RE */
	if (elf_read_btf_ext(path, btf, &ext, &E)) {
		btf_free(btf);
		return;
	}
	ck_assert(!core_ctx_new(btf, &tg, 1, &cc, &E));
	for (uint32_t s = 0; s < btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO); s++) {
		const struct btf_ext_sec *sec = btf_ext_sec_at(ext, BTF_EXT_CORE_RELO, s);
		size_t size = 0;
		struct bpf_insn *insns = core_section(path, sec->sec_name, &size);

		ck_assert_msg(insns, "%s: no section %s", path, sec->sec_name);
		for (uint32_t i = 0; i < sec->nr; i++) {
			const struct btf_ext_core_relo *rec = btf_ext_rec(sec, i);
			uint32_t idx = rec->insn_off / 8;
			struct core_result res;

			ck_assert_uint_lt(idx, size / 8);
			ck_assert_msg(!core_calc(cc, rec, sec->sec_name, idx, &res, &E), "%s: %s",
				      path, E.msg);
			ck_assert_msg(core_patch(&insns[idx], size / 8 - idx, &res, sec->sec_name,
						 idx, &E) > 0, "%s: %s", path, E.msg);
			*poisoned += res.poison;
			(*recs)++;
			core_result_free(&res);
		}
		free(insns);
	}
	core_ctx_free(cc);
	btf_ext_free(ext);
	btf_free(btf);
}

START_TEST(real_objects)
{
	char path[512], manifest[256], line[1024];
	struct btf *vmlinux;
	uint32_t recs = 0, poisoned = 0, objs = 0;
	FILE *f;
	static const char *const samples[] = { "core_task.bpf.o", "iter_task.bpf.o",
						"ksyms.bpf.o", "fentry.bpf.o" };

	if (btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &vmlinux, &E))
		return;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		test_sample_path(path, sizeof(path), samples[i]);
		if (!access(path, R_OK)) {
			core_object(path, vmlinux, &recs, &poisoned);
			objs++;
		}
	}
	snprintf(manifest, sizeof(manifest), "%s/corpus/MANIFEST", test_build_dir());
	f = fopen(manifest, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char endian[8];

		if (sscanf(line, "%511s %*s %7s", path, endian) == 2 && !strcmp(endian, "le")) {
			core_object(path, vmlinux, &recs, &poisoned);
			objs++;
		}
	}
	if (f)
		fclose(f);
	printf("CO-RE on real objects: %u objects, %u records, %u poisoned\n", objs, recs,
	       poisoned);
	btf_free(vmlinux);
}
END_TEST

START_TEST(dump_only)
{
	struct prog p;
	const char *t = getenv("CORE_TARGET");
	struct btf *target;

	if (!getenv("CORE_DUMP"))
		return;
	prog_open(&p, "prog", "tp_btf/sys_enter");
	target = target_open(t ? t : "target_same");
	run(&p, target, NULL, 0, "", "");
	btf_free(target);
	prog_close(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, dump_only);
	tcase_add_test(tc, same_layout);
	tcase_add_test(tc, moved_layout);
	tcase_add_test(tc, missing_everything);
	tcase_add_test(tc, ambiguous);
	tcase_add_test(tc, patch_rules);
	tcase_add_test(tc, essential_names);
	tcase_add_test(tc, bad_records);
	tcase_add_test(tc, vmlinux_task_struct);
	tcase_add_test(tc, apply_records_decisions);
	tcase_add_test(tc, module_targets);
	tcase_add_test(tc, prepare_searches_module_btf_dir);
	tcase_add_test(tc, relations);
	tcase_add_test(tc, real_objects);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
