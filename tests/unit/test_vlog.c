/*
 * Verifier log analysis on real logs captured from this project's samples (tests/unit/vlog/,
 * see README there): lines, register state, verdict, failing instruction, message, family,
 * statistics and visit counts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "rawbpf.h"

static char *fixture(const char *name, size_t *len)
{
	char path[512];
	char *text;

	snprintf(path, sizeof(path), "tests/unit/vlog/%s", name);
	text = test_read_file(path, len);
	ck_assert_msg(text != NULL, "cannot read fixture %s", path);
	return text;
}

/* Analyze a fixture; the report must be freed by the caller. */
static void analyze(const char *name, struct rb_vlog_report *r)
{
	struct rb_error err = {0};
	size_t len;
	char *text = fixture(name, &len);

	ck_assert_int_eq(rb_vlog_analyze(text, len, r, &err), 0);
	free(text);
}

static const struct rb_vlog_value *find_reg(const struct rb_vlog_report *r, int reg)
{
	for (size_t i = 0; i < r->nr_state; i++)
		if (r->state[i].reg == reg)
			return &r->state[i];
	return NULL;
}

static const struct rb_vlog_value *find_slot(const struct rb_vlog_report *r, int off)
{
	for (size_t i = 0; i < r->nr_state; i++)
		if (r->state[i].reg == -1 && r->state[i].stack_off == off)
			return &r->state[i];
	return NULL;
}

static uint64_t sum_visits(const struct rb_vlog_report *r)
{
	uint64_t n = 0;

	for (size_t i = 0; i < r->nr_visits; i++)
		n += r->visits[i];
	return n;
}

static void parse(const char *text, struct rb_vlog_line *l)
{
	rb_vlog_line_parse(text, strlen(text), l);
}

static bool span_eq(const char *p, size_t len, const char *s)
{
	return p && strlen(s) == len && !memcmp(p, s, len);
}

START_TEST(line_kinds)
{
	struct rb_vlog_line l;

	parse("7: (85) call bpf_map_lookup_elem#1    ; R0=map_value_or_null(id=1,map=counts,ks=4,"
	      "vs=8)",
	      &l);
	ck_assert_int_eq(l.kind, RB_VLOG_INSN);
	ck_assert_int_eq(l.insn, 7);
	ck_assert(span_eq(l.code, l.code_len, "(85) call bpf_map_lookup_elem#1"));
	ck_assert(span_eq(l.regs, l.regs_len, "R0=map_value_or_null(id=1,map=counts,ks=4,vs=8)"));

	parse("8: (79) r1 = *(u64 *)(r0 +0)", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_INSN);
	ck_assert_int_eq(l.insn, 8);
	ck_assert(span_eq(l.code, l.code_len, "(79) r1 = *(u64 *)(r0 +0)"));
	ck_assert_ptr_null(l.regs);

	parse("15: R6=1", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_STATE);
	ck_assert_int_eq(l.insn, 15);
	ck_assert(span_eq(l.regs, l.regs_len, "R6=1"));

	parse("; *val += 1; /* the verifier rejects this: val may be NULL */ @ null_deref.bpf.c:19",
	      &l);
	ck_assert_int_eq(l.kind, RB_VLOG_SOURCE);
	ck_assert(span_eq(l.code, l.code_len,
			  "*val += 1; /* the verifier rejects this: val may be NULL */"));
	ck_assert(span_eq(l.file, l.file_len, "null_deref.bpf.c"));
	ck_assert_int_eq(l.src_line, 19);

	parse("from 18 to 13: R0=map_value(map=sums,ks=4,vs=8) R1=scalar(umin=0x22e07)", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_BRANCH);
	ck_assert_int_eq(l.from_insn, 18);
	ck_assert_int_eq(l.insn, 13);
	ck_assert(!l.safe);
	ck_assert(span_eq(l.regs, l.regs_len,
			  "R0=map_value(map=sums,ks=4,vs=8) R1=scalar(umin=0x22e07)"));

	parse("from 6 to 8: safe", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_BRANCH);
	ck_assert(l.safe);
	parse("19: safe", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_SAFE);
	ck_assert_int_eq(l.insn, 19);

	parse("  1  16: 01.3..6... (05) goto pc-7", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_LIVE_REGS);
	ck_assert_int_eq(l.insn, 16);
	ck_assert(span_eq(l.code, l.code_len, "(05) goto pc-7"));
	parse("      3: .12....... (85) call bpf_map_lookup_elem#1", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_LIVE_REGS);
	ck_assert_int_eq(l.insn, 3);

	parse("func#0 @0", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_FUNC);
	ck_assert_int_eq(l.insn, 0);
	parse("mark_precise: frame0: regs=r6 stack= before 0: (b7) r6 = 0", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_DEBUG);
	parse("SCC enter (1)", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_DEBUG);
	parse("(0) live stack update done in 2 iterations", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_DEBUG);
	parse("verification time 145 usec", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_TIME);
	parse("stack depth 8", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_STACK);
	parse("processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states "
	      "1 "
	      "mark_read 0",
	      &l);
	ck_assert_int_eq(l.kind, RB_VLOG_STATS);
	parse("R0 invalid mem access 'map_value_or_null'", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_OTHER);
	parse("1: <invalid CO-RE relocation>", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_INSN);
	ck_assert(span_eq(l.code, l.code_len, "<invalid CO-RE relocation>"));
	parse("   ", &l);
	ck_assert_int_eq(l.kind, RB_VLOG_BLANK);
}
END_TEST

START_TEST(state_values)
{
	struct rb_vlog_value v[8];
	const char *s =
		"R0=map_value(map=table,ks=4,vs=64,smin=smin32=0,smax=umax=smax32=umax32=120,"
		"var_off=(0x0; 0x78)) R6=Pscalar(id=1) R2=0x22e06 R3=-1 R1=fp-16 R10=fp0 "
		"fp-8=0000???? refs=2";
	size_t n = rb_vlog_state_parse(s, strlen(s), v, 8);

	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(v[0].reg, 0);
	ck_assert_str_eq(v[0].type, "map_value");
	ck_assert_str_eq(v[0].detail, "map=table,ks=4,vs=64,smin=smin32=0,smax=umax=smax32=umax32="
				      "120,var_off=(0x0; 0x78)");
	ck_assert_int_eq(v[1].reg, 6);
	ck_assert(v[1].precise);
	ck_assert_str_eq(v[1].type, "scalar");
	ck_assert_str_eq(v[1].detail, "id=1");
	ck_assert(v[2].is_const);
	ck_assert_uint_eq(v[2].value, 0x22e06);
	ck_assert(v[3].is_const);
	ck_assert_uint_eq(v[3].value, (uint64_t)-1);
	ck_assert_str_eq(v[4].type, "fp");
	ck_assert_str_eq(v[4].detail, "off=-16");
	ck_assert_int_eq(v[5].reg, 10);
	ck_assert_str_eq(v[5].detail, "off=0");
	ck_assert_int_eq(v[6].reg, -1);
	ck_assert_int_eq(v[6].stack_off, -8);
	ck_assert_str_eq(v[6].type, "0000????");

	/* Frames, older kernels' liveness suffixes, and a count beyond max. */
	s = "frame1: R1_w=ctx() fp-16_w=mmmmmmmm";
	n = rb_vlog_state_parse(s, strlen(s), v, 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(v[0].frame, 1);
	ck_assert_int_eq(v[0].reg, 1);
	ck_assert_str_eq(v[0].type, "ctx");
	ck_assert_str_eq(v[0].detail, "");
}
END_TEST

START_TEST(null_deref)
{
	struct rb_vlog_report r;
	const struct rb_vlog_value *v;

	analyze("null_deref.l2.log", &r);
	ck_assert_int_eq(r.verdict, RB_VLOG_REJECTED);
	ck_assert_int_eq(r.level, 2);
	ck_assert(!r.head_missing);
	ck_assert_int_eq(r.fail_insn, 8);
	ck_assert_str_eq(r.fail_code, "(79) r1 = *(u64 *)(r0 +0)");
	ck_assert_str_eq(r.message, "R0 invalid mem access 'map_value_or_null'");
	ck_assert_str_eq(r.family->id, "null-deref");
	ck_assert(strstr(r.family->hint, "NULL") != NULL);
	ck_assert_str_eq(r.src_file, "null_deref.bpf.c");
	ck_assert_int_eq(r.src_line, 19);
	ck_assert_str_eq(r.src_text, "*val += 1; /* the verifier rejects this: val may be NULL */");
	/* The state at insn 8: the lookup's result, the stack key; r1-r5 died in the call. */
	v = find_reg(&r, 0);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(v->type, "map_value_or_null");
	ck_assert_str_eq(v->detail, "id=1,map=counts,ks=4,vs=8");
	ck_assert_ptr_null(find_reg(&r, 1));
	ck_assert_ptr_null(find_reg(&r, 2));
	ck_assert_str_eq(find_reg(&r, 10)->type, "fp");
	ck_assert_str_eq(find_slot(&r, -8)->type, "mmmm????");
	ck_assert_uint_eq(r.nr_state, 3);
	ck_assert_int_eq(r.state[0].reg, 0); /* sorted: registers, then slots */
	ck_assert_int_eq(r.state[2].reg, -1);
	/* Statistics, exactly as printed. */
	ck_assert(r.stats.have_processed);
	ck_assert_uint_eq(r.stats.insns_processed, 8);
	ck_assert_uint_eq(r.stats.insn_limit, 1000000);
	ck_assert_uint_eq(r.stats.max_states_per_insn, 0);
	ck_assert_uint_eq(r.stats.total_states, 1);
	ck_assert_uint_eq(r.stats.peak_states, 1);
	ck_assert_uint_eq(r.stats.mark_read, 0);
	ck_assert(r.stats.have_time);
	ck_assert_uint_eq(r.stats.verification_usec, 145);
	ck_assert_uint_eq(r.stats.nr_stack_depths, 1);
	ck_assert_uint_eq(r.stats.stack_depth[0], 8);
	/* Each of the 8 processed instructions once (6 is the second half of insn 5). */
	ck_assert_uint_eq(r.nr_visits, 9);
	ck_assert_uint_eq(r.visits[5], 1);
	ck_assert_uint_eq(r.visits[6], 0);
	ck_assert_uint_eq(r.visits[8], 1);
	ck_assert_uint_eq(sum_visits(&r), r.stats.insns_processed);
	rb_vlog_report_free(&r);
}
END_TEST

/* One failure family per sample: the family, the failing insn and the kernel's words. */
static const struct family_case {
	const char *fixture, *family;
	int insn, src_line;
	const char *message;
} family_cases[] = {
	{"null_deref.l2.log", "null-deref", 8, 19, "R0 invalid mem access 'map_value_or_null'"},
	{"map_value_oob.l2.log", "map-value-oob", 16, 27,
	 "invalid access to map value, value_size=64 off=120 size=8\n"
	 "R0 max value is outside of the allowed memory range"},
	{"packet_oob.l2.log", "packet-oob", 1, 13,
	 "invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)\n"
	 "R1 offset is outside of the packet"},
	{"stack_oob.l2.log", "stack-oob", 11, 13,
	 "invalid variable-offset write to stack R1 var_off=(0x0; 0x3f) off=-16 size=1"},
	{"uninit_stack.l2.log", "uninit-stack", 4, 17, "invalid read from stack R2 off=-8 size=8"},
	{"ctx_access.l2.log", "ctx-access", 0, 12, "invalid bpf_context access off=64 size=4"},
	{"helper_not_allowed.l2.log", "helper-not-allowed", 2, 9,
	 "program of this type cannot use helper bpf_redirect#23"},
	{"gpl_only.l2.log", "gpl-only", 3, 9,
	 "cannot call GPL-restricted function from non-GPL compatible program"},
	{"unreleased_ref.l2.log", "unreleased-ref", 11, 20,
	 "Unreleased reference id=2 alloc_insn=4\n"
	 "BPF_EXIT instruction in main prog would lead to reference leak"},
	{"arg_type.l2.log", "arg-type", 3, 16,
	 "R2 type=ctx expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, "
	 "trusted_ptr_"},
	{"core_no_match.libbpf.l2.log", "core-no-match", 1, 15,
	 "failed to resolve CO-RE relocation <byte_off> [5] struct task_struct.rb_no_such_field "
	 "(0:0 @ offset 0)"},
	{"loop_too_complex.tail.log", "loop-too-complex", 13, 24,
	 "BPF program is too large. Processed 1000001 insn"},
};

START_TEST(families)
{
	const struct family_case *c = &family_cases[_i];
	struct rb_vlog_report r;

	analyze(c->fixture, &r);
	ck_assert_int_eq(r.verdict, RB_VLOG_REJECTED);
	ck_assert_msg(!strcmp(r.family->id, c->family), "%s: family %s, expected %s", c->fixture,
		      r.family->id, c->family);
	ck_assert_int_eq(r.fail_insn, c->insn);
	ck_assert_int_eq(r.src_line, c->src_line);
	ck_assert_str_eq(r.message, c->message);
	ck_assert_ptr_eq(rb_vlog_classify(r.message), r.family);
	ck_assert_ptr_eq(rb_vlog_family_by_id(c->family), r.family);
	ck_assert(r.family->hint[0] != '\0');
	ck_assert(r.stats.have_processed);
	rb_vlog_report_free(&r);
}
END_TEST

/* A failing helper call: its arguments are the state that matters (r1-r5 kept). */
START_TEST(failing_call_keeps_args)
{
	struct rb_vlog_report r;

	analyze("arg_type.l2.log", &r);
	ck_assert_uint_eq(r.nr_state, 3);
	ck_assert_str_eq(find_reg(&r, 1)->type, "map_ptr");
	ck_assert_str_eq(find_reg(&r, 1)->detail, "map=counts,ks=4,vs=8");
	ck_assert_str_eq(find_reg(&r, 2)->type, "ctx");
	rb_vlog_report_free(&r);
	/* ... while a call that went through leaves only r0 and r6-r10 (see null_deref). */
	analyze("unreleased_ref.l2.log", &r);
	ck_assert_ptr_null(find_reg(&r, 1));
	ck_assert_str_eq(find_reg(&r, 6)->type, "ringbuf_mem");
	ck_assert_str_eq(find_reg(&r, 6)->detail, "ref_obj_id=2,sz=4");
	rb_vlog_report_free(&r);
}
END_TEST

START_TEST(loop_tail)
{
	struct rb_vlog_report r;

	analyze("loop_too_complex.tail.log", &r);
	/* The log's head was cut (as a rotating kernel buffer keeps only the tail). */
	ck_assert(r.head_missing);
	ck_assert_int_eq(r.level, 2);
	ck_assert_uint_eq(r.stats.insns_processed, 1000001);
	ck_assert_uint_eq(r.stats.max_states_per_insn, 4);
	ck_assert_uint_eq(r.stats.total_states, 9855);
	ck_assert_uint_eq(r.stats.peak_states, 9855);
	ck_assert_uint_eq(r.stats.verification_usec, 2351308);
	/* The loop body (insns 13..18) dominates the visits; its source lines lead. */
	ck_assert_uint_ge(r.nr_src_visits, 2);
	ck_assert(!strcmp(r.src_visits[0].file, "loop_too_complex.bpf.c"));
	ck_assert(r.src_visits[0].line == 23 || r.src_visits[0].line == 24);
	/* The tail starts at insn 16 of one pass and stops at 13 of the tenth pass after. */
	ck_assert_uint_eq(r.nr_visits, 20);
	ck_assert_uint_eq(r.visits[19], 10); /* "19: safe": the loop's exit, already proven */
	ck_assert_uint_eq(r.visits[12], 0);
	ck_assert_uint_eq(r.visits[13], 10);
	ck_assert_uint_eq(r.visits[14], 9);
	ck_assert_uint_eq(r.visits[15], 9);
	ck_assert_uint_eq(r.visits[16], 10);
	ck_assert_uint_eq(r.visits[18], 10);
	ck_assert_uint_eq(r.nr_loops, 1); /* "18: (2d) if r1 > r2 goto pc-6" */
	ck_assert_int_eq(r.loops[0].header, 13);
	ck_assert_int_eq(r.loops[0].latch, 18);
	ck_assert_uint_eq(r.loops[0].visits, 10 + 9 + 9 + 10 + 10 + 10);
	ck_assert_uint_eq(r.nr_path, 1); /* the last "from 18 to 13" after the last "safe" */
	ck_assert_int_eq(r.path[0].from, 18);
	ck_assert_int_eq(r.path[0].to, 13);
	/* The state when it gave up: the loop counter and the bound. */
	ck_assert(find_reg(&r, 2)->is_const);
	ck_assert_str_eq(find_reg(&r, 1)->type, "scalar");
	rb_vlog_report_free(&r);
}
END_TEST

START_TEST(accepted_loop)
{
	struct rb_vlog_report r;

	analyze("bounded_loop.l2.log", &r);
	ck_assert_int_eq(r.verdict, RB_VLOG_ACCEPTED);
	ck_assert_int_eq(r.fail_insn, -1);
	ck_assert_str_eq(r.message, "");
	ck_assert_ptr_null(r.family);
	ck_assert_uint_eq(r.stats.insns_processed, 39);
	ck_assert_uint_eq(r.stats.total_states, 3);
	ck_assert_uint_eq(r.stats.max_states_per_insn, 1);
	ck_assert_uint_eq(r.stats.verification_usec, 183);
	/* Four passes through the loop body 10..16, except the last exit at 15 -> 17. */
	for (int i = 10; i <= 15; i++)
		ck_assert_uint_eq(r.visits[i], 4);
	ck_assert_uint_eq(r.visits[16], 3);
	ck_assert_uint_eq(r.visits[17], 1);
	ck_assert_uint_eq(r.visits[5], 0); /* second half of the map address load */
	ck_assert_uint_eq(sum_visits(&r), 39);
	/* The loop's lines are the most visited: 30 (insns 13-15 x 4, the goto at 16 x 3),
	 * then 31 (insns 10-12 x 4). */
	ck_assert_uint_eq(r.src_visits[0].visits, 15);
	ck_assert_uint_eq(r.src_visits[1].visits, 12);
	ck_assert_int_eq(r.src_visits[0].line, 30);
	ck_assert_int_eq(r.src_visits[1].line, 31);
	ck_assert_str_eq(r.src_visits[1].text, "acc += *sum >> i;");
	/* One loop: "16: (05) goto pc-7" jumps back to 10. */
	ck_assert_uint_eq(r.nr_loops, 1);
	ck_assert_int_eq(r.loops[0].header, 10);
	ck_assert_int_eq(r.loops[0].latch, 16);
	ck_assert_uint_eq(r.loops[0].visits, 4 * 6 + 3);
	ck_assert_int_eq(r.loops[0].src_line, 31);
	ck_assert_str_eq(r.loops[0].src_file, "bounded_loop.bpf.c");
	rb_vlog_report_free(&r);
}
END_TEST

START_TEST(stats_only)
{
	struct rb_vlog_stats st;
	size_t len;
	char *text = fixture("map_value_oob.l2.log", &len);
	struct rb_vlog_report r;

	ck_assert_int_eq(rb_vlog_stats_parse(text, len, &st), 0);
	ck_assert_uint_eq(st.insns_processed, 16);
	ck_assert_uint_eq(st.verification_usec, 191);
	ck_assert_uint_eq(st.stack_depth_total, 8);
	/* The same line parsed by the full analysis agrees. */
	ck_assert_int_eq(rb_vlog_analyze(text, len, &r, NULL), 0);
	ck_assert_mem_eq(&r.stats, &st, sizeof(st));
	rb_vlog_report_free(&r);
	free(text);

	text = strdup("stack depth 8+16+0\nprocessed 5 insns (limit 1000000) future_counter 7 "
		      "total_states 2\n");
	ck_assert_int_eq(rb_vlog_stats_parse(text, strlen(text), &st), 0);
	ck_assert_uint_eq(st.nr_stack_depths, 3);
	ck_assert_uint_eq(st.stack_depth[1], 16);
	ck_assert_uint_eq(st.stack_depth_total, 24);
	ck_assert_uint_eq(st.insns_processed, 5);
	ck_assert_uint_eq(st.total_states, 2);
	ck_assert(!st.have_time);
	free(text);
	ck_assert_int_eq(rb_vlog_stats_parse("R0 invalid mem access 'scalar'", 30, &st), -ENOENT);
}
END_TEST

START_TEST(empty_and_hostile)
{
	struct rb_vlog_report r;
	char junk[4096];

	ck_assert_int_eq(rb_vlog_analyze("", 0, &r, NULL), 0);
	ck_assert_int_eq(r.verdict, RB_VLOG_EMPTY);
	rb_vlog_report_free(&r);
	ck_assert_int_eq(rb_vlog_analyze(NULL, 10, &r, NULL), 0);
	ck_assert_int_eq(r.verdict, RB_VLOG_EMPTY);
	rb_vlog_report_free(&r);
	/* Huge indexes are not counted (no allocation driven by them); text after NUL ignored. */
	static const char big[] = "99999999: (b7) r0 = 0\n2000000: (95) exit\nprocessed 1 insns "
				  "(limit 1000000)\0R0 invalid mem access 'scalar'";
	ck_assert_int_eq(rb_vlog_analyze(big, sizeof(big) - 1, &r, NULL), 0);
	ck_assert_int_eq(r.verdict, RB_VLOG_ACCEPTED);
	ck_assert_uint_eq(r.nr_visits, 0);
	rb_vlog_report_free(&r);
	/* "goto pc-0" jumps forward (to the next instruction): no loop (found by fuzz_vlog). */
	ck_assert_int_eq(rb_vlog_analyze("5: (05) goto pc-0\n6: (05) goto pc-7\n", 36, &r, NULL),
			 0);
	ck_assert_uint_eq(r.nr_loops, 1);
	ck_assert_int_eq(r.loops[0].header, 0);
	ck_assert_int_eq(r.loops[0].latch, 6);
	rb_vlog_report_free(&r);
	/* Random bytes: no crash, no hang. */
	srand(1);
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = "0123456789: ;()=R-fpx@\nfrom to safe"[rand() % 35];
		ck_assert_int_eq(rb_vlog_analyze(junk, sizeof(junk), &r, NULL), 0);
		rb_vlog_report_free(&r);
	}
}
END_TEST

START_TEST(classify_messages)
{
	static const struct {
		const char *msg, *id;
	} cases[] = {
		{"R1 invalid mem access 'scalar'", "scalar-deref"},
		{"R3 !read_ok", "uninit-reg"},
		{"invalid read from stack R1 off=-520 size=8", "stack-oob"},
		{"invalid read from stack R2 off -8+0 size 8", "uninit-stack"},
		{"invalid func unknown#195896080", "core-no-match"},
		{"unknown func bpf_ringbuf_output#130", "helper-not-allowed"},
		{"At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]",
		 "bad-return"},
		{"the kernel refuses tracing programs outright (EPERM before verification, while "
		 "other program types load): kernel lockdown, a security policy, or a kernel built "
		 "without what this type needs",
		 "type-refused"},
		{"this kernel does not support lsm programs", "type-refused"},
		{"this kernel does not support ringbuf maps", "unknown"},
		{"a.bpf.o: program 'f': attach target 'nope' (FUNC) is not in the kernel's BTF",
		 "attach-target-missing"},
		{"Tracing programs must provide btf_id", "attach-target-missing"},
		{"a.o: program 'x': unknown section name 'socket/main' (did you mean 'socket'?); "
		 "give the type with --type x=TYPE",
		 "section-unknown"},
		{"The address of function nope cannot be found", "attach-target-missing"},
		{"something new", "unknown"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(rb_vlog_classify(cases[i].msg)->id, cases[i].id);
	ck_assert_str_eq(rb_vlog_classify(NULL)->id, "unknown");
	ck_assert_ptr_null(rb_vlog_family_by_id("no-such-family"));
}
END_TEST

/* Level-1 logs straight from bpf(2): only the failing path, no "Live regs" table. */
START_TEST(level1_raw)
{
	struct rb_vlog_report r;

	analyze("raw_null_deref.l1.log", &r);
	ck_assert_int_eq(r.verdict, RB_VLOG_REJECTED);
	ck_assert_int_eq(r.level, 1);
	ck_assert(!r.head_missing);
	ck_assert_int_eq(r.fail_insn, 7);
	ck_assert_str_eq(r.fail_code, "(79) r0 = *(u64 *)(r0 +0)");
	ck_assert_str_eq(r.family->id, "null-deref");
	ck_assert_str_eq(r.src_file, ""); /* no line_info: nothing to point at */
	ck_assert_int_eq(r.src_line, 0);
	ck_assert_uint_eq(r.nr_src_visits, 0);
	ck_assert_uint_eq(r.nr_state, 3);
	ck_assert_str_eq(find_reg(&r, 0)->detail, "id=1,ks=4,vs=8");
	ck_assert_str_eq(find_slot(&r, -8)->type, "0000????");
	ck_assert_uint_eq(r.stats.insns_processed, 7);
	ck_assert_uint_eq(r.stats.verification_usec, 108);
	rb_vlog_report_free(&r);

	analyze("raw_uninit_reg.l1.log", &r);
	ck_assert_int_eq(r.fail_insn, 0);
	ck_assert_str_eq(r.message, "R3 !read_ok");
	ck_assert_str_eq(r.family->id, "uninit-reg");
	ck_assert(r.stats.have_processed && !r.stats.have_time);
	rb_vlog_report_free(&r);

	analyze("raw_core_poison.l1.log", &r);
	ck_assert_int_eq(r.fail_insn, 1);
	ck_assert_str_eq(r.fail_code, "(85) call unknown#195896080");
	ck_assert_str_eq(r.message, "invalid func unknown#195896080");
	ck_assert_str_eq(r.family->id, "core-no-match");
	rb_vlog_report_free(&r);

	analyze("raw_loop.l2.log", &r);
	ck_assert_int_eq(r.verdict, RB_VLOG_ACCEPTED);
	ck_assert_int_eq(r.level, 2);
	ck_assert_uint_eq(r.nr_visits, 6);
	ck_assert_uint_eq(r.visits[2], 4);
	ck_assert_uint_eq(r.visits[4], 4);
	ck_assert_uint_eq(sum_visits(&r), 15);
	ck_assert_uint_eq(r.stats.insns_processed, 15);
	ck_assert_uint_eq(r.nr_loops, 1); /* found in the "Live regs" table and the walk */
	ck_assert_int_eq(r.loops[0].header, 2);
	ck_assert_int_eq(r.loops[0].latch, 4);
	ck_assert_uint_eq(r.loops[0].visits, 12);
	ck_assert_int_eq(r.loops[0].src_line, 0); /* no line_info */
	rb_vlog_report_free(&r);
}
END_TEST

/* The join: log instruction indexes back to functions and relocation decisions. */
START_TEST(insn_notes)
{
	struct rb_linked_func funcs[2] = {
		{.name = "main_prog", .start = 0, .insn_cnt = 4},
		{.name = "helper", .start = 4, .insn_cnt = 2},
	};
	struct rb_relo_decision dec[3] = {
		{.kind = RB_DEC_MAP, .insn = 1, .target = "map 'counts'", .next = -1},
		{.kind = RB_DEC_CORE, .insn = 4, .next = 2},
		{.kind = RB_DEC_CORE_POISON, .insn = 4, .next = 1}, /* a broken cycle */
	};
	struct rb_insn_history hist[6] = {
		{0, 0, -1, -1}, {0, 1, -1, 0}, {0, 2, -1, -1},
		{0, 3, -1, -1}, {1, 0, -1, 1}, {1, 1, -1, -1},
	};
	struct bpf_insn insns[6] = {0};
	struct rb_linked_prog p = {
		.name = "main_prog",
		.insns = insns,
		.insn_cnt = 6,
		.hist = hist,
		.funcs = funcs,
		.func_cnt = 2,
		.decisions = dec,
		.decision_cnt = 3,
	};
	struct rb_vlog_insn_note n;

	ck_assert_int_eq(rb_vlog_insn_note(&p, 1, &n), 0);
	ck_assert_str_eq(n.func->name, "main_prog");
	ck_assert_uint_eq(n.func_insn, 1);
	ck_assert(!n.func_start);
	ck_assert_uint_eq(n.nr_decisions, 1);
	ck_assert_str_eq(n.decisions[0]->target, "map 'counts'");
	ck_assert(!n.poisoned);

	ck_assert_int_eq(rb_vlog_insn_note(&p, 4, &n), 0);
	ck_assert_str_eq(n.func->name, "helper");
	ck_assert(n.func_start);
	ck_assert(n.poisoned);
	ck_assert_uint_eq(n.nr_decisions, 3); /* the cycle is cut after decision_cnt steps */
	ck_assert_int_eq(n.decisions[0]->kind, RB_DEC_CORE);
	ck_assert_int_eq(n.decisions[1]->kind, RB_DEC_CORE_POISON);

	ck_assert_int_eq(rb_vlog_insn_note(&p, 6, &n), -ENOENT);
	ck_assert_int_eq(rb_vlog_insn_note(&p, -1, &n), -ENOENT);
	hist[2].func = 7; /* a function index out of range: no function, no crash */
	ck_assert_int_eq(rb_vlog_insn_note(&p, 2, &n), 0);
	ck_assert_ptr_null(n.func);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vlog");
	TCase *tc = tcase_create("vlog");

	tcase_add_test(tc, line_kinds);
	tcase_add_test(tc, state_values);
	tcase_add_test(tc, null_deref);
	tcase_add_loop_test(tc, families, 0, sizeof(family_cases) / sizeof(family_cases[0]));
	tcase_add_test(tc, failing_call_keeps_args);
	tcase_add_test(tc, loop_tail);
	tcase_add_test(tc, accepted_loop);
	tcase_add_test(tc, stats_only);
	tcase_add_test(tc, empty_and_hostile);
	tcase_add_test(tc, classify_messages);
	tcase_add_test(tc, level1_raw);
	tcase_add_test(tc, insn_notes);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
