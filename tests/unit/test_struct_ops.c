/*
 * struct_ops maps: the object side (tests/unit/objs/struct_ops.bpf.c, good and mutated) and
 * the value laid out against a hand-built kernel BTF whose struct has the members in another
 * order and at other offsets than the object's, checked byte for byte.
 */
#include <errno.h>
#include <stdarg.h>

#include "btf/btf.h"
#include "btf_builder.h"
#include "loader/object.h"
#include "loader/prepare.h"
#include "loader/struct_ops.h"
#include "objtest.h"
#include "rawbpf.h"

static char objpath[512];
static uint8_t *img;
static size_t img_len;

static struct rb_object *open_good(void)
{
	struct rb_open_opts opts = { .sz = sizeof(opts), .name = "struct_ops.o" };
	struct rb_error err = { 0 };
	struct rb_object *obj = NULL;
	size_t len;
	char *bytes = test_read_file(objpath, &len);

	ck_assert_ptr_nonnull(bytes);
	ck_assert_msg(rb_object_open_mem(bytes, len, &opts, &obj, &err) == 0, "%s", err.msg);
	free(bytes);
	return obj;
}

static int map_named(const struct rb_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->map_cnt; i++)
		if (!strcmp(obj->maps[i].name, name))
			return (int)i;
	ck_abort_msg("no map %s", name);
	return -1;
}

static int prog_named(const struct rb_object *obj, const char *name)
{
	for (size_t i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].name, name))
			return (int)i;
	ck_abort_msg("no program %s", name);
	return -1;
}

START_TEST(object_maps_and_members)
{
	struct rb_object *obj = open_good();
	const struct obj_map *ops = &obj->maps[map_named(obj, "ops")];
	const struct obj_map *other = &obj->maps[map_named(obj, "other")];
	const char *mem, *prog;

	ck_assert_int_eq(ops->kind, OBJ_MAP_STRUCT_OPS);
	ck_assert_int_eq(ops->type, BPF_MAP_TYPE_STRUCT_OPS);
	ck_assert_uint_eq(ops->key_size, 4);
	ck_assert_uint_eq(ops->value_size, 40); /* the object's struct */
	ck_assert_uint_eq(ops->max_entries, 1);
	ck_assert_uint_eq(ops->map_flags, 1U << 13); /* .link: BPF_F_LINK */
	ck_assert_uint_eq(other->map_flags, 0);
	ck_assert_str_eq(ops->st_ops->type_name, "rb_test_ops");
	ck_assert_uint_eq(ops->st_ops->member_cnt, 5);
	ck_assert_int_eq(ops->st_ops->member_prog[0], prog_named(obj, "prog_a"));
	ck_assert_int_eq(ops->st_ops->member_prog[1], -1);
	ck_assert_int_eq(ops->st_ops->member_prog[4], prog_named(obj, "prog_b"));
	ck_assert_int_eq(other->st_ops->member_prog[0], prog_named(obj, "prog_a"));
	ck_assert_int_eq(other->st_ops->member_prog[4], -1);
	ck_assert_mem_eq(ops->data + 8, "rbtest", 7);
	ck_assert_uint_eq(obj->progs[prog_named(obj, "prog_b")].prog_flags, BPF_F_SLEEPABLE);
	/* the public view inspect uses */
	ck_assert_int_eq(rb_object_struct_ops_member(obj, map_named(obj, "ops"), 0, &mem, &prog), 0);
	ck_assert_str_eq(mem, "a");
	ck_assert_str_eq(prog, "prog_a");
	ck_assert_int_eq(rb_object_struct_ops_member(obj, map_named(obj, "ops"), 1, &mem, &prog), 0);
	ck_assert_str_eq(mem, "b");
	ck_assert_str_eq(prog, "prog_b");
	ck_assert_int_eq(rb_object_struct_ops_member(obj, map_named(obj, "ops"), 2, &mem, &prog),
			 -ERANGE);
	/* '?' marks the map as not to be created; '.link' is not part of its name */
	ck_assert(!ops->st_ops->optional);
	ck_assert(obj->maps[map_named(obj, "maybe")].st_ops->optional);
	ck_assert_uint_eq(obj->maps[map_named(obj, "maybe")].map_flags, 0);
	rb_object_close(obj);
}
END_TEST

/* ---- hostile objects ------------------------------------------------------------------- */

static void load_image(void)
{
	img = (uint8_t *)test_read_file(objpath, &img_len);
	ck_assert_ptr_nonnull(img);
}

static void expect_error(int want_err, const char *fmt, ...)
{
	struct rb_open_opts opts = { .sz = sizeof(opts), .name = "bad.o" };
	struct rb_error err = { 0 };
	struct rb_object *obj = NULL;
	char want[1024];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	ret = rb_object_open_mem(img, img_len, &opts, &obj, &err);
	ck_assert_ptr_null(obj);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(ret, want_err);
	free(img);
}

static Elf64_Rel *link_rels(unsigned int *rel_idx, unsigned int *sec_idx)
{
	*rel_idx = objtest_find(img, ".rel.struct_ops.link");
	*sec_idx = objtest_find(img, ".struct_ops.link");
	return (Elf64_Rel *)(img + objtest_shdr(img, *rel_idx)->sh_offset);
}

START_TEST(relocation_between_members)
{
	unsigned int ri, si;
	Elf64_Rel *rel;

	load_image();
	rel = link_rels(&ri, &si);
	rel[1].r_offset = 4; /* inside member a */
	expect_error(-EINVAL, "bad.o: section '.struct_ops.link' [%u]: relocation 1 at offset 0x4: "
		     "no member of struct rb_test_ops (map 'ops') starts at its byte 4", si);
}
END_TEST

START_TEST(relocation_past_the_variables)
{
	unsigned int ri, si;
	Elf64_Rel *rel;

	load_image();
	rel = link_rels(&ri, &si);
	rel[0].r_offset = 40; /* the section is one 40-byte variable */
	expect_error(-EINVAL, "bad.o: section '.rel.struct_ops.link' [%u]: relocation 0 at offset "
		     "0x0: target offset 0x28 is outside section '.struct_ops.link' (0x28 bytes)",
		     ri);
}
END_TEST

START_TEST(relocation_on_data_member)
{
	unsigned int ri, si;
	Elf64_Rel *rel;

	load_image();
	rel = link_rels(&ri, &si);
	rel[1].r_offset = 16; /* flags */
	expect_error(-EINVAL, "bad.o: section '.struct_ops.link' [%u]: relocation 1 at offset 0x10: "
		     "member 'flags' of struct rb_test_ops (map 'ops') is not a function pointer",
		     si);
}
END_TEST

START_TEST(relocation_symbol_out_of_range)
{
	unsigned int ri, si, symtab = 0;
	size_t nsyms;
	Elf64_Rel *rel;

	load_image();
	rel = link_rels(&ri, &si);
	symtab = objtest_find(img, ".symtab");
	nsyms = objtest_shdr(img, symtab)->sh_size / sizeof(Elf64_Sym);
	rel[0].r_info = ELF64_R_INFO(nsyms + 7, ELF64_R_TYPE(rel[0].r_info));
	expect_error(-EINVAL, "bad.o: section '.rel.struct_ops.link' [%u]: relocation 0 at offset "
		     "0x0: symbol index %zu out of range (%zu symbols)", ri, nsyms + 7, nsyms);
}
END_TEST

START_TEST(relocation_wrong_type)
{
	unsigned int ri, si;
	Elf64_Rel *rel;

	load_image();
	rel = link_rels(&ri, &si);
	rel[0].r_info = ELF64_R_INFO(ELF64_R_SYM(rel[0].r_info), 1);
	expect_error(-EINVAL, "bad.o: section '.struct_ops.link' [%u]: relocation 0 at offset 0x0: "
		     "type 1, expected R_BPF_64_ABS64 (a function's address)", si);
}
END_TEST

START_TEST(relocation_to_a_variable)
{
	unsigned int ri, si, symtab;
	Elf64_Sym *syms;
	size_t nsyms, lic = 0;
	Elf64_Rel *rel;

	load_image();
	rel = link_rels(&ri, &si);
	symtab = objtest_find(img, ".symtab");
	syms = (Elf64_Sym *)(img + objtest_shdr(img, symtab)->sh_offset);
	nsyms = objtest_shdr(img, symtab)->sh_size / sizeof(Elf64_Sym);
	for (size_t i = 1; i < nsyms; i++)
		if (!strcmp((char *)img + objtest_shdr(img, objtest_shdr(img, symtab)->sh_link)->sh_offset +
				    syms[i].st_name, "LICENSE"))
			lic = i;
	ck_assert_uint_ne(lic, 0);
	rel[0].r_info = ELF64_R_INFO(lic, ELF64_R_TYPE(rel[0].r_info));
	expect_error(-EINVAL, "bad.o: section '.struct_ops.link' [%u]: relocation 0 at offset 0x0: "
		     "symbol 'LICENSE' for member 'a' is not a function in a program section", si);
}
END_TEST

START_TEST(every_truncation_fails_cleanly)
{
	struct rb_error err = { 0 };
	struct rb_object *obj;

	load_image();
	for (size_t len = 0; len < img_len; len += 5) {
		int ret = rb_object_open_mem(img, len, NULL, &obj, &err);

		ck_assert_msg(ret < 0, "a %zu-byte prefix opened", len);
		ck_assert_ptr_null(obj);
	}
	free(img);
}
END_TEST

/* ---- the kernel's layout --------------------------------------------------------------- */

/*
 * A kernel BTF with struct rb_test_ops = { b, flags, name[8], a } (32 bytes: b at 0, flags at
 * 8, name at 12, a at 24; no 'spare') and its value wrapper bpf_struct_ops_rb_test_ops =
 * { refcnt, state, data } with data at byte 8 (48 bytes). with_value false leaves the wrapper
 * out; name renames the struct.
 */
static struct btf *kernel_btf(bool with_value, const char *name, uint32_t flags_size)
{
	static struct bb b;
	struct rb_error err = { 0 };
	struct btf *btf = NULL;
	uint32_t t_int, t_char, t_uint, t_idx, t_void_ptr, t_proto, t_fptr, t_arr, t_ops, t_u16;
	char vname[128];
	const uint8_t *blob;
	size_t len;

	bb_init(&b);
	t_int = bb_int(&b, "int", 4, BTF_INT_SIGNED, 32);
	t_char = bb_int(&b, "char", 1, BTF_INT_SIGNED, 8);
	t_uint = bb_int(&b, "unsigned int", 4, 0, 32);
	t_u16 = bb_int(&b, "unsigned short", 2, 0, 16);
	t_idx = bb_int(&b, "__ARRAY_SIZE_TYPE__", 4, 0, 32);
	t_void_ptr = bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, 0);
	t_proto = bb_type(&b, NULL, BTF_KIND_FUNC_PROTO, 1, 0, t_int);
	bb_word(&b, 0);
	bb_word(&b, t_void_ptr);
	t_fptr = bb_type(&b, NULL, BTF_KIND_PTR, 0, 0, t_proto);
	t_arr = bb_array(&b, t_char, t_idx, 8);
	t_ops = bb_type(&b, name, BTF_KIND_STRUCT, 4, 0, 32);
	bb_member(&b, "b", t_fptr, 0);
	bb_member(&b, "flags", flags_size == 2 ? t_u16 : t_uint, 64);
	bb_member(&b, "name", t_arr, 96);
	bb_member(&b, "a", t_fptr, 192);
	if (with_value) {
		snprintf(vname, sizeof(vname), "bpf_struct_ops_%s", name);
		bb_type(&b, vname, BTF_KIND_STRUCT, 3, 0, 48);
		bb_member(&b, "refcnt", t_uint, 0);
		bb_member(&b, "state", t_uint, 32);
		bb_member(&b, "data", t_ops, 64);
	}
	blob = bb_finish(&b, &len);
	ck_assert_msg(btf_parse(blob, len, NULL, "kbtf", &btf, &err) == 0, "%s", err.msg);
	return btf;
}

START_TEST(value_in_kernel_layout)
{
	struct rb_object *obj = open_good();
	struct btf *k = kernel_btf(true, "rb_test_ops", 4);
	struct rb_error err = { 0 };
	struct st_ops_plan pl;
	uint8_t want[48] = { 0 };

	ck_assert_msg(st_ops_plan_build(obj, map_named(obj, "ops"), k, "kbtf", &pl, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(pl.kern_type_id, 10);
	ck_assert_uint_eq(pl.value_type_id, 11);
	ck_assert_uint_eq(pl.value_size, 48);
	ck_assert_uint_eq(pl.data_off, 8);
	/* flags (0x5a) at 8 + 8, name at 8 + 12; program slots left zero */
	want[16] = 0x5a;
	memcpy(want + 20, "rbtest", 6);
	ck_assert_mem_eq(pl.value, want, 48);
	ck_assert_uint_eq(pl.slot_cnt, 2);
	ck_assert_uint_eq(pl.slots[0].value_off, 8 + 24); /* a: kernel member 3 */
	ck_assert_uint_eq(pl.slots[0].member, 3);
	ck_assert_int_eq(pl.slots[0].prog, prog_named(obj, "prog_a"));
	ck_assert_uint_eq(pl.slots[1].value_off, 8 + 0); /* b: kernel member 0 */
	ck_assert_uint_eq(pl.slots[1].member, 0);
	ck_assert_int_eq(pl.slots[1].prog, prog_named(obj, "prog_b"));
	st_ops_plan_free(&pl);
	btf_free(k);
	rb_object_close(obj);
}
END_TEST

START_TEST(prepare_binds_programs)
{
	struct rb_object *obj = open_good();
	struct btf *k = kernel_btf(true, "rb_test_ops", 4);
	struct rb_prepared pp = { 0 };
	struct rb_error err = { 0 };
	int a = prog_named(obj, "prog_a"), b = prog_named(obj, "prog_b");

	/* prog_a serves member a of both maps: the same (struct, member), so allowed; the
	 * '?' map 'maybe' gets no plan (not created) */
	ck_assert_msg(st_ops_prepare(obj, k, "kbtf", &pp, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(pp.st_ops_cnt, 2);
	ck_assert_ptr_null(st_ops_plan_for(&pp, map_named(obj, "maybe")));
	ck_assert_int_eq(pp.st_prog_member[a], 3);
	ck_assert_int_eq(pp.st_prog_member[b], 0);
	ck_assert_uint_eq(pp.st_prog_btf_id[a], 10);
	ck_assert_int_eq(pp.st_prog_member[prog_named(obj, "prog_unused")], -1);
	ck_assert_ptr_eq(st_ops_plan_for(&pp, map_named(obj, "other")), &pp.st_ops[1]);
	st_ops_prepared_free(&pp);
	btf_free(k);
	rb_object_close(obj);
}
END_TEST

START_TEST(program_in_two_members)
{
	struct rb_object *obj = open_good();
	struct btf *k = kernel_btf(true, "rb_test_ops", 4);
	struct obj_map *other = &obj->maps[map_named(obj, "other")];
	struct rb_prepared pp = { 0 };
	struct rb_error err = { 0 };

	/* map 'other' now has prog_a in member b as well as 'ops' in member a */
	other->st_ops->member_prog[0] = -1;
	other->st_ops->member_prog[4] = prog_named(obj, "prog_a");
	ck_assert_int_eq(st_ops_prepare(obj, k, "kbtf", &pp, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "struct_ops.o: program 'prog_a' fills member 0 of struct_ops map "
			 "'other' and also member 3 of another struct or map: a struct_ops program "
			 "attaches to one member of one struct only");
	st_ops_prepared_free(&pp);
	btf_free(k);
	rb_object_close(obj);
}
END_TEST

static void expect_plan_error(struct btf *k, void (*mutate)(struct rb_object *), int want,
			      const char *msg)
{
	struct rb_object *obj = open_good();
	struct rb_error err = { 0 };
	struct st_ops_plan pl;

	if (mutate)
		mutate(obj);
	ck_assert_int_eq(st_ops_plan_build(obj, map_named(obj, "ops"), k, "kbtf", &pl, &err), want);
	ck_assert_str_eq(err.msg, msg);
	btf_free(k);
	rb_object_close(obj);
}

START_TEST(unknown_kernel_struct)
{
	expect_plan_error(kernel_btf(true, "other_ops", 4), NULL, -ENOENT,
			  "struct_ops.o: struct_ops map 'ops': struct rb_test_ops is not in the "
			  "kernel's BTF (kbtf): this kernel has no such struct_ops type");
}
END_TEST

START_TEST(no_value_wrapper)
{
	expect_plan_error(kernel_btf(false, "rb_test_ops", 4), NULL, -ENOENT,
			  "struct_ops.o: struct_ops map 'ops': the kernel's BTF (kbtf) has struct "
			  "rb_test_ops but no struct bpf_struct_ops_rb_test_ops: it is not a "
			  "struct_ops type of this kernel");
}
END_TEST

START_TEST(data_member_size_differs)
{
	expect_plan_error(kernel_btf(true, "rb_test_ops", 2), NULL, -EINVAL,
			  "struct_ops.o: struct_ops map 'ops': member 'flags' of struct "
			  "rb_test_ops: 4 bytes in the object but 2 in the kernel (kbtf)");
}
END_TEST

static void set_spare(struct rb_object *obj)
{
	obj->maps[map_named(obj, "ops")].data[16 + 4 + 4] = 1; /* spare is at 24 */
}

START_TEST(missing_member_not_zero)
{
	expect_plan_error(kernel_btf(true, "rb_test_ops", 4), set_spare, -ENOTSUP,
			  "struct_ops.o: struct_ops map 'ops': member 'spare' of struct "
			  "rb_test_ops: not in the kernel's struct (kbtf), and its value is not zero");
}
END_TEST

static void prog_in_spare(struct rb_object *obj)
{
	obj->maps[map_named(obj, "ops")].st_ops->member_prog[3] = prog_named(obj, "prog_unused");
}

START_TEST(missing_member_with_program)
{
	expect_plan_error(kernel_btf(true, "rb_test_ops", 4), prog_in_spare, -ENOTSUP,
			  "struct_ops.o: struct_ops map 'ops': member 'spare' of struct "
			  "rb_test_ops: not in the kernel's struct (kbtf), yet program "
			  "'prog_unused' fills it");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("struct_ops");
	TCase *tc = tcase_create("struct_ops");

	objtest_build(objpath, sizeof(objpath), "struct_ops", "struct_ops", "-g");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, object_maps_and_members);
	tcase_add_test(tc, relocation_between_members);
	tcase_add_test(tc, relocation_past_the_variables);
	tcase_add_test(tc, relocation_on_data_member);
	tcase_add_test(tc, relocation_symbol_out_of_range);
	tcase_add_test(tc, relocation_wrong_type);
	tcase_add_test(tc, relocation_to_a_variable);
	tcase_add_test(tc, every_truncation_fails_cleanly);
	tcase_add_test(tc, value_in_kernel_layout);
	tcase_add_test(tc, prepare_binds_programs);
	tcase_add_test(tc, program_in_two_members);
	tcase_add_test(tc, unknown_kernel_struct);
	tcase_add_test(tc, no_value_wrapper);
	tcase_add_test(tc, data_member_size_differs);
	tcase_add_test(tc, missing_member_not_zero);
	tcase_add_test(tc, missing_member_with_program);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
