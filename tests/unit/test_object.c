/* The object model: programs, subprograms, maps, globals, relocations of a clang-built object
 * (tests/unit/objs/basic.bpf.c, compiled here with clang-19), big-endian and BTF-less builds. */
#include <linux/bpf.h>
#include <errno.h>
#include <stdarg.h>

#include "objtest.h"
#include "rawbpf.h"

static char basic[512], basic_be[512], basic_nobtf[512];

/* Messages start with the path, which depends on BUILD. */
#define EXPECT_PATH "%s/tests/objs/basic.o"
static void expect_msg(const char *got, const char *fmt, ...)
{
	char want[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	ck_assert_str_eq(got, want);
}

static struct rb_object *open_ok(const char *path)
{
	struct rb_error err = { 0 };
	struct rb_object *obj = NULL;
	int ret = rb_object_open(path, NULL, &obj, &err);

	ck_assert_msg(ret == 0, "open %s: %s", path, err.msg);
	return obj;
}

static void check_prog(struct rb_object *obj, size_t i, const char *name, const char *sec,
		       const char *type, const char *attach, bool subprog, size_t insns)
{
	struct rb_program_info pi;

	ck_assert_int_eq(rb_object_program(obj, i, &pi), 0);
	ck_assert_str_eq(pi.name, name);
	ck_assert_str_eq(pi.section, sec);
	if (type)
		ck_assert_str_eq(pi.type, type);
	else
		ck_assert_ptr_null(pi.type);
	if (attach)
		ck_assert_str_eq(pi.attach_type, attach);
	else
		ck_assert_ptr_null(pi.attach_type);
	ck_assert_int_eq(pi.subprog, subprog);
	ck_assert_uint_eq(pi.insn_cnt, insns);
}

START_TEST(programs_and_subprograms)
{
	struct rb_object *obj = open_ok(basic);
	struct rb_program_info pi;
	size_t sub[8];

	ck_assert_uint_eq(rb_object_program_count(obj), 9);
	/* Section order, then offset: .text first (section 2), then xdp, then the others. */
	check_prog(obj, 0, "add_one", ".text", NULL, NULL, true, 10);
	check_prog(obj, 1, "twice", ".text", NULL, NULL, true, 3);
	check_prog(obj, 2, "each", ".text", NULL, NULL, true, 2);
	check_prog(obj, 3, "xdp_first", "xdp", "xdp", "xdp", false, 27);
	check_prog(obj, 4, "xdp_second", "xdp", "xdp", "xdp", false, 15);
	check_prog(obj, 5, "xdp_static", "xdp", "xdp", "xdp", false, 7);
	check_prog(obj, 6, "tp_lazy", "?tp/syscalls/sys_enter_getpid", "tracepoint", NULL, false, 9);
	check_prog(obj, 7, "typo", "kprob/do_nanosleep", NULL, NULL, false, 2);
	check_prog(obj, 8, "bad_target", "uprobe/no_colon_here", "kprobe", NULL, false, 2);

	rb_object_program(obj, 5, &pi);
	ck_assert(pi.is_static);
	ck_assert(pi.autoload);
	rb_object_program(obj, 6, &pi);
	ck_assert(!pi.autoload);
	ck_assert_str_eq(pi.attach_target, "syscalls/sys_enter_getpid");
	ck_assert_uint_eq(pi.relo_cnt[RB_RELO_DATA], 2);
	ck_assert_uint_eq(pi.relo_cnt[RB_RELO_CALL], 1);

	/* xdp_first calls twice (static, through the .text section symbol) which calls add_one */
	ck_assert_uint_eq(rb_object_program_subprogs(obj, 3, sub, 8), 2);
	ck_assert_uint_eq(sub[0], 0);
	ck_assert_uint_eq(sub[1], 1);
	/* xdp_second passes `each` as a callback */
	ck_assert_uint_eq(rb_object_program_subprogs(obj, 4, sub, 8), 1);
	ck_assert_uint_eq(sub[0], 2);
	ck_assert_uint_eq(rb_object_program_subprogs(obj, 5, sub, 8), 0);
	ck_assert_int_eq(rb_object_program_find(obj, "tp_lazy"), 6);
	ck_assert_int_eq(rb_object_program_find(obj, "nope"), -ENOENT);
	rb_object_close(obj);
}
END_TEST

START_TEST(instructions_are_the_files)
{
	struct rb_object *obj = open_ok(basic);
	const struct bpf_insn *in;
	size_t n;

	in = rb_object_program_insns(obj, 3, &n);
	ck_assert_uint_eq(n, 27);
	/* r1 = 0; *(u32 *)(r10 - 4) = r1; ...; r1 = counts ll; call 1 */
	ck_assert_uint_eq(in[0].code, BPF_ALU64 | BPF_MOV | BPF_K);
	ck_assert_uint_eq(in[1].code, BPF_STX | BPF_MEM | BPF_W);
	ck_assert_uint_eq(in[1].dst_reg, 10);
	ck_assert_uint_eq(in[1].src_reg, 1);
	ck_assert_int_eq(in[1].off, -4);
	ck_assert_uint_eq(in[4].code, BPF_LD | BPF_IMM | BPF_DW);
	ck_assert_uint_eq(in[6].code, BPF_JMP | BPF_CALL);
	ck_assert_int_eq(in[6].imm, BPF_FUNC_map_lookup_elem);
	rb_object_close(obj);
}
END_TEST

START_TEST(big_endian_decodes_the_same)
{
	struct rb_object *le = open_ok(basic), *be = open_ok(basic_be);
	struct rb_object_info oi;
	const struct bpf_insn *a, *b;
	size_t na, nb;

	rb_object_info(be, &oi);
	ck_assert(oi.big_endian);
	ck_assert_str_eq(oi.license, "Dual BSD/GPL");
	ck_assert_uint_eq(oi.kern_version, 0x60100);
	ck_assert_uint_eq(rb_object_program_count(be), rb_object_program_count(le));
	for (size_t i = 0; i < rb_object_program_count(le); i++) {
		a = rb_object_program_insns(le, i, &na);
		b = rb_object_program_insns(be, i, &nb);
		ck_assert_uint_eq(na, nb);
		ck_assert_msg(!memcmp(a, b, na * sizeof(*a)), "program %zu differs", i);
	}
	rb_object_close(le);
	rb_object_close(be);
}
END_TEST

static void check_map(struct rb_object *obj, size_t i, const char *name, const char *kind,
		      const char *type, uint32_t key, uint32_t value, uint32_t max, uint32_t flags)
{
	struct rb_map_info mi;

	ck_assert_int_eq(rb_object_map(obj, i, &mi), 0);
	ck_assert_str_eq(mi.name, name);
	ck_assert_str_eq(mi.kind, kind);
	ck_assert_str_eq(mi.type, type);
	ck_assert_uint_eq(mi.key_size, key);
	ck_assert_uint_eq(mi.value_size, value);
	ck_assert_uint_eq(mi.max_entries, max);
	ck_assert_uint_eq(mi.map_flags, flags);
}

static void check_maps(const char *path)
{
	struct rb_object *obj = open_ok(path);
	const char *data;
	size_t n;

	ck_assert_uint_eq(rb_object_map_count(obj), 6);
	check_map(obj, 0, "counts", "legacy", "hash", 4, 8, 16, 0);
	check_map(obj, 1, "progs", "legacy", "prog_array", 4, 4, 4, 0);
	/* internal maps: libbpf's names, RDONLY_PROG for rodata, MMAPABLE when globals exist */
	check_map(obj, 2, "basic.data", "data", "array", 4, 4, 1, BPF_F_MMAPABLE);
	check_map(obj, 3, "basic.rodata", "rodata", "array", 4, 11, 1,
		  BPF_F_MMAPABLE | BPF_F_RDONLY_PROG);
	check_map(obj, 4, ".data.custom", "data", "array", 4, 8, 1, BPF_F_MMAPABLE);
	check_map(obj, 5, "basic.bss", "bss", "array", 4, 8, 1, BPF_F_MMAPABLE);
	data = rb_object_map_data(obj, 4, &n);
	ck_assert_uint_eq(n, 8);
	ck_assert_str_eq(data, "custom");
	ck_assert_ptr_null(rb_object_map_data(obj, 5, &n));
	ck_assert_int_eq(rb_object_map_find(obj, ".rodata"), 3);
	rb_object_close(obj);
}

START_TEST(maps_legacy_and_global_data)
{
	check_maps(basic);
}
END_TEST

START_TEST(maps_without_btf)
{
	check_maps(basic_nobtf);
}
END_TEST

START_TEST(globals_from_symbols)
{
	struct rb_object *obj = open_ok(basic_nobtf);
	struct rb_var_info vi;

	ck_assert_uint_eq(rb_object_var_count(obj), 6);
	rb_object_var(obj, 0, &vi);
	ck_assert_str_eq(vi.name, "hits");
	ck_assert_str_eq(vi.section, ".data");
	ck_assert_str_eq(vi.map, "basic.data");
	ck_assert_uint_eq(vi.offset, 0);
	ck_assert_uint_eq(vi.size, 4);
	ck_assert(!vi.is_static);
	rb_object_var(obj, 3, &vi);
	ck_assert_str_eq(vi.name, "msg");
	ck_assert_uint_eq(vi.offset, 7);
	ck_assert_uint_eq(vi.size, 4);
	ck_assert(vi.is_static);
	rb_object_close(obj);
}
END_TEST

START_TEST(relocation_counts)
{
	struct rb_object *obj = open_ok(basic);
	struct rb_object_info oi;

	rb_object_info(obj, &oi);
	ck_assert_uint_eq(oi.relo_cnt[RB_RELO_MAP], 3);
	ck_assert_uint_eq(oi.relo_cnt[RB_RELO_DATA], 6);
	ck_assert_uint_eq(oi.relo_cnt[RB_RELO_CALL], 3);
	ck_assert_uint_eq(oi.relo_cnt[RB_RELO_SUBPROG_ADDR], 1);
	ck_assert_uint_eq(oi.relo_cnt[RB_RELO_EXTERN_VAR], 0);
	ck_assert_str_eq(rb_relo_kind_name(RB_RELO_SUBPROG_ADDR), "subprog_addr");
	rb_object_close(obj);
}
END_TEST

START_TEST(unknown_section_and_override)
{
	struct rb_object *obj = open_ok(basic);
	struct rb_error err = { 0 };
	struct rb_program_info pi;

	ck_assert_int_eq(rb_object_program_check_type(obj, 7, &err), -ENOENT);
	expect_msg(err.msg, EXPECT_PATH ": program 'typo': unknown section name "
			 "'kprob/do_nanosleep' (did you mean 'kprobe'?); give the type with --type "
			 "typo=TYPE", test_build_dir());
	ck_assert_int_eq(rb_object_program_check_type(obj, 3, &err), 0);
	rb_object_program(obj, 8, &pi);
	expect_msg(pi.attach_error, EXPECT_PATH ": program 'bad_target': section "
			 "'uprobe/no_colon_here': malformed attach target: expected "
			 "'binary:function[+offset]' after the prefix", test_build_dir());

	ck_assert_int_eq(rb_object_set_prog_type(obj, "typo=kprobe", &err), 0);
	rb_object_program(obj, 7, &pi);
	ck_assert_str_eq(pi.type, "kprobe");
	ck_assert_int_eq(rb_object_program_check_type(obj, 7, &err), 0);
	ck_assert_int_eq(rb_object_set_prog_type(obj, "typo=cgroup/skb", &err), 0);
	rb_object_program(obj, 7, &pi);
	ck_assert_str_eq(pi.type, "cgroup_skb");
	ck_assert_int_eq(rb_object_set_prog_type(obj, "typo=sched_cls:tcx_ingress", &err), 0);
	rb_object_program(obj, 7, &pi);
	ck_assert_str_eq(pi.type, "sched_cls");
	ck_assert_str_eq(pi.attach_type, "tcx_ingress");

	ck_assert_int_eq(rb_object_set_prog_type(obj, "nope=xdp", &err), -ENOENT);
	expect_msg(err.msg, EXPECT_PATH ": type override 'nope=xdp': no program "
			 "'nope'", test_build_dir());
	ck_assert_int_eq(rb_object_set_prog_type(obj, "typo=bogus", &err), -EINVAL);
	expect_msg(err.msg, EXPECT_PATH ": type override 'typo=bogus': unknown "
			 "program type 'bogus' (a type such as 'kprobe' or 'sched_cls', or a section "
			 "prefix such as 'tp' or 'cgroup/skb')", test_build_dir());
	ck_assert_int_eq(rb_object_set_prog_type(obj, "typo", &err), -EINVAL);
	ck_assert_int_eq(rb_object_set_prog_type(obj, "add_one=xdp", &err), -EINVAL);
	ck_assert_int_eq(rb_object_set_prog_type(obj, "typo=xdp:nosuch", &err), -EINVAL);
	rb_object_close(obj);
}
END_TEST

START_TEST(open_from_memory)
{
	struct rb_open_opts opts = { .sz = sizeof(opts), .name = "carved.o" };
	struct rb_error err = { 0 };
	struct rb_object *obj;
	size_t len;
	char *buf = test_read_file(basic, &len);

	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(rb_object_open_mem(buf, len, &opts, &obj, &err), 0);
	free(buf); /* the object keeps its own copy */
	ck_assert_uint_eq(rb_object_program_count(obj), 9);
	ck_assert_int_eq(rb_object_program_check_type(obj, 7, &err), -ENOENT);
	ck_assert(!strncmp(err.msg, "carved.o: program 'typo'", 24));
	rb_object_close(obj);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("object");
	TCase *tc = tcase_create("object");

	objtest_build(basic, sizeof(basic), "basic", "basic", "-g");
	objtest_build(basic_be, sizeof(basic_be), "basic", "be/basic", "-g -target bpfeb");
	objtest_build(basic_nobtf, sizeof(basic_nobtf), "basic", "nobtf/basic", "-g0");
	tcase_add_test(tc, programs_and_subprograms);
	tcase_add_test(tc, instructions_are_the_files);
	tcase_add_test(tc, big_endian_decodes_the_same);
	tcase_add_test(tc, maps_legacy_and_global_data);
	tcase_add_test(tc, maps_without_btf);
	tcase_add_test(tc, globals_from_symbols);
	tcase_add_test(tc, relocation_counts);
	tcase_add_test(tc, unknown_section_and_override);
	tcase_add_test(tc, open_from_memory);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
