/* The BTF parts of the object model on tests/unit/objs/btfmaps.bpf.c: BTF-defined maps (every
 * attribute, inner map, initial slots), externs, DATASEC variables, func/line info slices; and
 * malformed .maps definitions and BTF, each one sentence. */
#include <errno.h>
#include <linux/btf.h>
#include <stdarg.h>

#include "objtest.h"
#include "rawbpf.h"

static char btfmaps[512], basic[512];

static struct rb_object *open_ok(const char *path)
{
	struct rb_error err = { 0 };
	struct rb_object *obj = NULL;

	ck_assert_msg(rb_object_open(path, NULL, &obj, &err) == 0, "open %s: %s", path, err.msg);
	return obj;
}

static struct rb_map_info map_named(struct rb_object *obj, const char *name)
{
	struct rb_map_info mi;
	int i = rb_object_map_find(obj, name);

	ck_assert_msg(i >= 0, "no map %s", name);
	rb_object_map(obj, i, &mi);
	return mi;
}

START_TEST(btf_maps_attributes)
{
	struct rb_object *obj = open_ok(btfmaps);
	struct rb_map_info mi;

	mi = map_named(obj, "events");
	ck_assert_str_eq(mi.kind, "btf");
	ck_assert_str_eq(mi.type, "hash");
	ck_assert_uint_eq(mi.key_size, 4);
	ck_assert_uint_eq(mi.value_size, 20);
	ck_assert_str_eq(mi.key_type, "__u32");
	ck_assert_str_eq(mi.value_type, "struct event");
	ck_assert_uint_eq(mi.max_entries, 128);
	ck_assert_uint_eq(mi.map_flags, 1); /* BPF_F_NO_PREALLOC */
	ck_assert_uint_eq(mi.pinning, 1);

	mi = map_named(obj, "sized");
	ck_assert_uint_eq(mi.key_size, 4);
	ck_assert_uint_eq(mi.value_size, 8);
	ck_assert_ptr_null(mi.key_type);

	mi = map_named(obj, "bloom");
	ck_assert_str_eq(mi.type, "bloom_filter");
	ck_assert_uint_eq(mi.key_size, 0);
	ck_assert_uint_eq(mi.value_size, 8);
	ck_assert_uint_eq(mi.map_extra, 3);
	rb_object_close(obj);
}
END_TEST

START_TEST(map_in_map_and_prog_array_slots)
{
	struct rb_object *obj = open_ok(btfmaps);
	struct rb_map_info mi, in;
	const char *t;
	uint32_t key;
	int outer = rb_object_map_find(obj, "outer"), jumps = rb_object_map_find(obj, "jumps");

	rb_object_map(obj, outer, &mi);
	ck_assert_str_eq(mi.type, "array_of_maps");
	ck_assert_uint_eq(mi.value_size, 4);
	ck_assert(mi.has_inner);
	ck_assert_int_eq(rb_object_map_inner(obj, outer, &in), 0);
	ck_assert_str_eq(in.name, "outer.inner");
	ck_assert_str_eq(in.type, "array");
	ck_assert_uint_eq(in.max_entries, 1);
	ck_assert_uint_eq(in.value_size, 4);
	ck_assert_uint_eq(mi.init_slot_cnt, 2);
	rb_object_map_slot(obj, outer, 0, &key, &t);
	ck_assert_uint_eq(key, 0);
	ck_assert_str_eq(t, "inner_a");
	rb_object_map_slot(obj, outer, 1, &key, &t);
	ck_assert_uint_eq(key, 2);
	ck_assert_str_eq(t, "inner_b");

	rb_object_map(obj, jumps, &mi);
	ck_assert(!mi.has_inner);
	ck_assert_uint_eq(mi.init_slot_cnt, 1);
	rb_object_map_slot(obj, jumps, 0, &key, &t);
	ck_assert_uint_eq(key, 1);
	ck_assert_str_eq(t, "tail_one");
	rb_object_close(obj);
}
END_TEST

START_TEST(externs_and_kconfig_layout)
{
	struct rb_object *obj = open_ok(btfmaps);
	static const char *const want[][4] = {
		{ "LINUX_KERNEL_VERSION", "kconfig", "unsigned int", "" },
		{ "CONFIG_HZ", "kconfig", "int", "" },
		{ "CONFIG_BPF_JIT", "kconfig", "_Bool", "weak" },
		{ "CONFIG_DEFAULT_HOSTNAME", "kconfig", "char[8]", "weak" },
		{ "bpf_prog_active", "ksym", "const int", "typed" },
		{ "_stext", "ksym", "const void", "" },
		{ "bpf_task_acquire", "kfunc", "function", "weak" },
		{ "bpf_task_release", "kfunc", "function", "" },
	};
	struct rb_extern_info ei;
	struct rb_map_info mi;

	ck_assert_uint_eq(rb_object_extern_count(obj), 8);
	for (size_t i = 0; i < 8; i++) {
		rb_object_extern(obj, i, &ei);
		ck_assert_str_eq(ei.name, want[i][0]);
		ck_assert_str_eq(ei.kind, want[i][1]);
		ck_assert_str_eq(ei.type, want[i][2]);
		ck_assert_int_eq(ei.weak, !strcmp(want[i][3], "weak"));
		if (!strcmp(want[i][1], "ksym"))
			ck_assert_int_eq(ei.typed, !strcmp(want[i][3], "typed"));
	}
	/* libbpf's layout: 4-byte CONFIG_HZ, LINUX_KERNEL_VERSION, then the 1-byte aligned
	 * CONFIG_BPF_JIT and the 8-char string: 17 bytes. */
	mi = map_named(obj, ".kconfig");
	ck_assert_str_eq(mi.name, "btfmaps.kconfig");
	ck_assert_str_eq(mi.kind, "kconfig");
	ck_assert_uint_eq(mi.value_size, 17);
	ck_assert_uint_eq(mi.map_flags, 0x480);
	rb_object_close(obj);
}
END_TEST

START_TEST(datasec_variables)
{
	struct rb_object *obj = open_ok(btfmaps);
	static const char *const names[] = { "mode", "counter", "hidden_count", "hidden_global" };
	static const char *const types[] = { "const volatile char[4]", "int", "int", "int" };
	static const uint32_t offs[] = { 0, 0, 4, 8 };
	static const bool statics[] = { false, false, true, true };
	struct rb_var_info vi;

	ck_assert_uint_eq(rb_object_var_count(obj), 4);
	for (size_t i = 0; i < 4; i++) {
		rb_object_var(obj, i, &vi);
		ck_assert_str_eq(vi.name, names[i]);
		ck_assert_str_eq(vi.type, types[i]);
		ck_assert_uint_eq(vi.offset, offs[i]);
		ck_assert_uint_eq(vi.size, i == 0 ? 4 : 4);
		ck_assert_int_eq(vi.is_static, statics[i]);
	}
	rb_object_close(obj);
}
END_TEST

START_TEST(func_and_line_info)
{
	struct rb_object *obj = open_ok(basic);
	struct rb_program_info pi;
	struct rb_object_info oi;
	size_t fi = 0, li = 0;

	rb_object_info(obj, &oi);
	ck_assert(oi.has_btf && oi.has_btf_ext);
	/* every function has exactly one func_info record; line_info splits among them */
	for (size_t i = 0; i < rb_object_program_count(obj); i++) {
		rb_object_program(obj, i, &pi);
		ck_assert_uint_eq(pi.func_info_cnt, 1);
		ck_assert_uint_gt(pi.line_info_cnt, 0);
		fi += pi.func_info_cnt;
		li += pi.line_info_cnt;
	}
	ck_assert_uint_eq(fi, oi.func_info_cnt);
	ck_assert_uint_eq(li, oi.line_info_cnt);
	rb_object_close(obj);
}
END_TEST

/* ---- malformed .maps and BTF ---------------------------------------------------------- */

static uint8_t *img;
static size_t img_len;
static uint8_t *btf_types; /* start of the type section inside img */
static uint32_t btf_types_len;
static char *btf_strs;

static void load_btfmaps(void)
{
	const struct btf_header *h;
	unsigned int idx;

	img = (uint8_t *)test_read_file(btfmaps, &img_len);
	ck_assert_ptr_nonnull(img);
	idx = objtest_find(img, ".BTF");
	h = (const struct btf_header *)(img + objtest_shdr(img, idx)->sh_offset);
	btf_types = (uint8_t *)h + h->hdr_len + h->type_off;
	btf_types_len = h->type_len;
	btf_strs = (char *)h + h->hdr_len + h->str_off;
}

/* The struct btf_type of the named type of this kind inside img (walks the raw records). */
static struct btf_type *raw_find(const char *name, unsigned int kind)
{
	uint8_t *p = btf_types, *end = btf_types + btf_types_len;

	while (p < end) {
		struct btf_type *t = (struct btf_type *)p;
		unsigned int k = BTF_INFO_KIND(t->info), vlen = BTF_INFO_VLEN(t->info);
		size_t extra = 0;

		switch (k) {
		case BTF_KIND_INT: extra = 4; break;
		case BTF_KIND_ARRAY: extra = sizeof(struct btf_array); break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION: extra = vlen * sizeof(struct btf_member); break;
		case BTF_KIND_ENUM: extra = vlen * sizeof(struct btf_enum); break;
		case BTF_KIND_ENUM64: extra = vlen * sizeof(struct btf_enum64); break;
		case BTF_KIND_FUNC_PROTO: extra = vlen * sizeof(struct btf_param); break;
		case BTF_KIND_VAR: extra = sizeof(struct btf_var); break;
		case BTF_KIND_DATASEC: extra = vlen * sizeof(struct btf_var_secinfo); break;
		case BTF_KIND_DECL_TAG: extra = sizeof(struct btf_decl_tag); break;
		default: break;
		}
		if (k == kind && !strcmp(btf_strs + t->name_off, name))
			return t;
		p += sizeof(*t) + extra;
	}
	ck_abort_msg("no %s in BTF", name);
	return NULL;
}

/* The definition struct of map var name (VAR -> anonymous STRUCT, following ids by walking). */
static struct btf_type *map_def(const char *name)
{
	struct btf_type *v = raw_find(name, BTF_KIND_VAR);
	uint8_t *p = btf_types;
	uint32_t id = 1;

	/* walk to type id v->type */
	while (id < v->type) {
		struct btf_type *t = (struct btf_type *)p;
		unsigned int k = BTF_INFO_KIND(t->info), vlen = BTF_INFO_VLEN(t->info);
		size_t extra = k == BTF_KIND_INT ? 4 : k == BTF_KIND_ARRAY ? sizeof(struct btf_array) :
			       (k == BTF_KIND_STRUCT || k == BTF_KIND_UNION) ?
			       vlen * sizeof(struct btf_member) :
			       k == BTF_KIND_ENUM ? vlen * sizeof(struct btf_enum) :
			       k == BTF_KIND_ENUM64 ? vlen * sizeof(struct btf_enum64) :
			       k == BTF_KIND_FUNC_PROTO ? vlen * sizeof(struct btf_param) :
			       k == BTF_KIND_VAR ? sizeof(struct btf_var) :
			       k == BTF_KIND_DATASEC ? vlen * sizeof(struct btf_var_secinfo) :
			       k == BTF_KIND_DECL_TAG ? sizeof(struct btf_decl_tag) : 0;

		p += sizeof(*t) + extra;
		id++;
	}
	ck_assert_uint_eq(BTF_INFO_KIND(((struct btf_type *)p)->info), BTF_KIND_STRUCT);
	return (struct btf_type *)p;
}

static struct btf_member *member(struct btf_type *def, const char *name)
{
	struct btf_member *m = (struct btf_member *)(def + 1);

	for (unsigned int i = 0; i < BTF_INFO_VLEN(def->info); i++)
		if (!strcmp(btf_strs + m[i].name_off, name))
			return &m[i];
	ck_abort_msg("no member %s", name);
	return NULL;
}

static void expect_error(const char *fmt, ...)
{
	struct rb_open_opts opts = { .sz = sizeof(opts), .name = "bad.o" };
	struct rb_error err = { 0 };
	struct rb_object *obj = NULL;
	char want[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	ck_assert_int_lt(rb_object_open_mem(img, img_len, &opts, &obj, &err), 0);
	ck_assert_ptr_null(obj);
	ck_assert_str_eq(err.msg, want);
	free(img);
}

static unsigned int maps_idx(void)
{
	return objtest_find(img, ".maps");
}

START_TEST(maps_member_not_a_pointer)
{
	struct btf_type *def;
	struct btf_member *mt, *mk;

	load_btfmaps();
	def = map_def("events");
	mt = member(def, "max_entries");
	mk = member(def, "key");
	/* max_entries now points straight at __u32 (key's pointee) instead of PTR -> ARRAY */
	mt->type = mk->type; /* a PTR -> __u32: not an array */
	expect_error("bad.o: section '.maps' [%u]: map 'events' at offset 0x98: member "
		     "'max_entries': expected the pointer to point to an array (the __uint "
		     "encoding), got TYPEDEF", maps_idx());
}
END_TEST

START_TEST(maps_unknown_member)
{
	struct btf_type *def;

	load_btfmaps();
	def = map_def("sized");
	/* rename numa_node to "key" + something unknown: reuse the string of "comm" */
	member(def, "numa_node")->name_off = raw_find("event", BTF_KIND_STRUCT)->name_off;
	expect_error("bad.o: section '.maps' [%u]: map 'sized' at offset 0xc8: member 'event': "
		     "unknown map attribute (open with relaxed maps to ignore it)", maps_idx());
}
END_TEST

START_TEST(maps_values_not_last)
{
	struct btf_type *def;
	struct btf_member *m;

	load_btfmaps();
	def = map_def("outer");
	m = (struct btf_member *)(def + 1);
	/* swap the last two members: 'values' is no longer last */
	{
		struct btf_member tmp = m[2];

		m[2] = m[3];
		m[3] = tmp;
	}
	expect_error("bad.o: section '.maps' [%u]: map 'outer' at offset 0x40: member 'values': "
		     "must be the last member", maps_idx());
}
END_TEST

START_TEST(maps_key_size_conflict)
{
	struct btf_type *def;

	load_btfmaps();
	def = map_def("events");
	/* map_flags (__uint 1) renamed key_size: conflicts with the 4-byte key type */
	member(def, "map_flags")->name_off = member(map_def("sized"), "key_size")->name_off;
	expect_error("bad.o: section '.maps' [%u]: map 'events' at offset 0x98: member "
		     "'key_size': 1 conflicts with the key type's size 4", maps_idx());
}
END_TEST

START_TEST(maps_definition_not_struct)
{
	struct btf_type *v;

	load_btfmaps();
	v = raw_find("bloom", BTF_KIND_VAR);
	v->type = 1; /* type 1 is a pointer */
	expect_error("bad.o: section '.maps' [%u]: map 'bloom' at offset 0xf0: the definition is "
		     "a PTR, not a struct", maps_idx());
}
END_TEST

START_TEST(maps_initialised_bytes)
{
	unsigned int idx;

	load_btfmaps();
	idx = maps_idx();
	/* 'sized' at 0xc8: a non-zero byte in its definition is an initialiser we would drop */
	img[objtest_shdr(img, idx)->sh_offset + 0xc8 + 9] = 1;
	expect_error("bad.o: section '.maps' [%u]: map 'sized' at offset 0xc8: byte 9 of the "
		     "definition is not zero (map attributes are types, not values)", idx);
}
END_TEST

START_TEST(bad_btf_header)
{
	unsigned int idx;
	struct btf_header *h;
	uint32_t sec_size;

	load_btfmaps();
	idx = objtest_find(img, ".BTF");
	sec_size = objtest_shdr(img, idx)->sh_size;
	h = (struct btf_header *)(img + objtest_shdr(img, idx)->sh_offset);
	h->str_len += 0x100000;
	/* btf/ words the problem; the object model names the file and section */
	expect_error("bad.o: section '.BTF' [%u]: BTF: offset 16: string section %u+%u is past "
		     "the end (%u bytes)", idx, h->str_off, h->str_len, sec_size - h->hdr_len);
}
END_TEST

START_TEST(relaxed_maps_ignores_unknown)
{
	struct rb_open_opts opts = { .sz = sizeof(opts), .name = "x.o", .relaxed_maps = true };
	struct rb_error err = { 0 };
	struct rb_object *obj = NULL;

	load_btfmaps();
	member(map_def("sized"), "numa_node")->name_off =
		raw_find("event", BTF_KIND_STRUCT)->name_off;
	ck_assert_int_eq(rb_object_open_mem(img, img_len, &opts, &obj, &err), 0);
	rb_object_close(obj);
	free(img);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("object_btf");
	TCase *tc = tcase_create("btf");

	objtest_build(btfmaps, sizeof(btfmaps), "btfmaps", "btfmaps", "-g");
	objtest_build(basic, sizeof(basic), "basic", "basic", "-g");
	tcase_add_test(tc, btf_maps_attributes);
	tcase_add_test(tc, map_in_map_and_prog_array_slots);
	tcase_add_test(tc, externs_and_kconfig_layout);
	tcase_add_test(tc, datasec_variables);
	tcase_add_test(tc, func_and_line_info);
	tcase_add_test(tc, maps_member_not_a_pointer);
	tcase_add_test(tc, maps_unknown_member);
	tcase_add_test(tc, maps_values_not_last);
	tcase_add_test(tc, maps_key_size_conflict);
	tcase_add_test(tc, maps_definition_not_struct);
	tcase_add_test(tc, maps_initialised_bytes);
	tcase_add_test(tc, bad_btf_header);
	tcase_add_test(tc, relaxed_maps_ignores_unknown);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
