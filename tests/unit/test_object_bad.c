/* Hostile input: each mutation of a good object gives one sentence naming file, section and
 * offset (never a crash, hang or huge allocation). The object is tests/unit/objs/basic.bpf.c. */
#include <errno.h>
#include <stdarg.h>

#include "objtest.h"
#include "rawbpf.h"

static char basic[512];
static uint8_t *img;
static size_t img_len;

static void load_image(void)
{
	img = (uint8_t *)test_read_file(basic, &img_len);
	ck_assert_ptr_nonnull(img);
}

/* Open the (mutated) image as "bad.o" and expect this exact sentence. */
static void expect_error(size_t len, int want_err, const char *fmt, ...)
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
	ret = rb_object_open_mem(img, len, &opts, &obj, &err);
	ck_assert_ptr_null(obj);
	ck_assert_int_eq(ret, want_err);
	ck_assert_str_eq(err.msg, want);
	free(img);
}

START_TEST(not_elf)
{
	load_image();
	img[1] = 'X';
	expect_error(img_len, -EINVAL, "bad.o: not an ELF file (%zu bytes, no ELF magic)", img_len);
}
END_TEST

START_TEST(empty_file)
{
	load_image();
	expect_error(0, -EINVAL, "bad.o: not an ELF file (0 bytes, no ELF magic)");
}
END_TEST

START_TEST(elf32)
{
	load_image();
	img[EI_CLASS] = ELFCLASS32;
	expect_error(img_len, -EINVAL, "bad.o: ELF class 1 at offset 0x4 is not ELF64; BPF objects "
		     "are 64-bit");
}
END_TEST

START_TEST(wrong_machine)
{
	load_image();
	((Elf64_Ehdr *)img)->e_machine = EM_X86_64;
	expect_error(img_len, -EINVAL, "bad.o: ELF machine is x86-64 (62) at offset 0x12, not BPF "
		     "(247)");
}
END_TEST

START_TEST(not_relocatable)
{
	load_image();
	((Elf64_Ehdr *)img)->e_type = ET_DYN;
	expect_error(img_len, -EINVAL, "bad.o: ELF type is DYN (shared object) (3) at offset 0x10; a "
		     "BPF object must be relocatable (ET_REL, what clang -c produces)");
}
END_TEST

START_TEST(truncated_header_table)
{
	Elf64_Ehdr *eh;
	size_t cut;

	load_image();
	eh = (Elf64_Ehdr *)img;
	/* clang puts the section header table last: cut into it */
	ck_assert_uint_eq(eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize, img_len);
	cut = eh->e_shoff + 3 * sizeof(Elf64_Shdr);
	expect_error(cut, -EINVAL, "bad.o: truncated: %u section headers at offset 0x%llx do not fit "
		     "in the %zu-byte file", eh->e_shnum, (unsigned long long)eh->e_shoff, cut);
}
END_TEST

START_TEST(truncated_before_headers)
{
	load_image();
	expect_error(100, -EINVAL, "bad.o: truncated or corrupt: section header table at offset "
		     "0x%llx (entry size 64) is outside the 100-byte file",
		     (unsigned long long)((Elf64_Ehdr *)img)->e_shoff);
}
END_TEST

START_TEST(section_past_end)
{
	unsigned int idx;
	Elf64_Shdr *sh;

	load_image();
	idx = objtest_find(img, "xdp");
	sh = objtest_shdr(img, idx);
	sh->sh_offset = img_len - 8;
	expect_error(img_len, -EINVAL, "bad.o: section 'xdp' [%u]: offset 0x%zx + size 0x%llx is past "
		     "the end of the file (0x%zx bytes)", idx, img_len - 8,
		     (unsigned long long)sh->sh_size, img_len);
}
END_TEST

START_TEST(section_name_out_of_range)
{
	unsigned int idx;

	load_image();
	idx = objtest_find(img, "license");
	objtest_shdr(img, idx)->sh_name = 0x7fffff;
	expect_error(img_len, -EINVAL, "bad.o: section %u: name offset 0x7fffff is outside the "
		     "section-name string table", idx);
}
END_TEST

START_TEST(symbol_index_out_of_range)
{
	unsigned int idx, symtab;
	Elf64_Shdr *sh;
	Elf64_Rel *rel;
	size_t nsyms;

	load_image();
	idx = objtest_find(img, ".relxdp");
	symtab = objtest_find(img, ".symtab");
	nsyms = objtest_shdr(img, symtab)->sh_size / sizeof(Elf64_Sym);
	sh = objtest_shdr(img, idx);
	rel = (Elf64_Rel *)(img + sh->sh_offset);
	rel[2].r_info = ELF64_R_INFO(nsyms + 100, ELF64_R_TYPE(rel[2].r_info));
	expect_error(img_len, -EINVAL, "bad.o: section '.relxdp' [%u]: relocation 2 at offset 0x20: "
		     "symbol index %zu out of range (%zu symbols)", idx, nsyms + 100, nsyms);
}
END_TEST

START_TEST(relocation_outside_section)
{
	unsigned int idx, tgt;
	Elf64_Shdr *sh;
	Elf64_Rel *rel;

	load_image();
	idx = objtest_find(img, ".relxdp");
	tgt = objtest_find(img, "xdp");
	sh = objtest_shdr(img, idx);
	rel = (Elf64_Rel *)(img + sh->sh_offset);
	rel[1].r_offset = 0x10000;
	expect_error(img_len, -EINVAL, "bad.o: section '.relxdp' [%u]: relocation 1 at offset 0x10: "
		     "target offset 0x10000 is outside section 'xdp' (0x%llx bytes)", idx,
		     (unsigned long long)objtest_shdr(img, tgt)->sh_size);
}
END_TEST

START_TEST(relocation_not_on_instruction)
{
	unsigned int idx;
	Elf64_Rel *rel;

	load_image();
	idx = objtest_find(img, ".relxdp");
	rel = (Elf64_Rel *)(img + objtest_shdr(img, idx)->sh_offset);
	rel[0].r_offset += 4;
	expect_error(img_len, -EINVAL, "bad.o: section '.relxdp' [%u]: relocation 0 at offset 0x%llx "
		     "is not on an instruction boundary", idx, (unsigned long long)rel[0].r_offset);
}
END_TEST

START_TEST(relocation_of_plain_instruction)
{
	unsigned int idx;
	Elf64_Rel *rel;

	load_image();
	idx = objtest_find(img, ".relxdp");
	rel = (Elf64_Rel *)(img + objtest_shdr(img, idx)->sh_offset);
	/* xdp_first instruction 0 is "r1 = 0": nothing to relocate there */
	rel[0].r_offset = 0;
	expect_error(img_len, -EINVAL, "bad.o: section '.relxdp' [%u]: relocation 0 (symbol 'counts') "
		     "at instruction 0 of program 'xdp_first' in section 'xdp': the instruction is "
		     "neither a call nor a 64-bit load", idx);
}
END_TEST

START_TEST(function_past_section)
{
	unsigned int symtab, xdp;
	Elf64_Shdr *sh, *strs;
	Elf64_Sym *sym;
	size_t n;

	load_image();
	symtab = objtest_find(img, ".symtab");
	xdp = objtest_find(img, "xdp");
	sh = objtest_shdr(img, symtab);
	strs = objtest_shdr(img, sh->sh_link);
	sym = (Elf64_Sym *)(img + sh->sh_offset);
	n = sh->sh_size / sizeof(*sym);
	for (size_t i = 0; i < n; i++)
		if (!strcmp((char *)img + strs->sh_offset + sym[i].st_name, "xdp_static"))
			sym[i].st_size = 0x1000;
	expect_error(img_len, -EINVAL, "bad.o: section 'xdp' [%u]: function 'xdp_static' at offset "
		     "0x150 size 4096 runs past the end of the section (0x188 bytes)", xdp);
}
END_TEST

START_TEST(symbol_section_out_of_range)
{
	unsigned int symtab;
	Elf64_Shdr *sh, *strs;
	Elf64_Sym *sym;
	size_t n, hit = 0;

	load_image();
	symtab = objtest_find(img, ".symtab");
	sh = objtest_shdr(img, symtab);
	strs = objtest_shdr(img, sh->sh_link);
	sym = (Elf64_Sym *)(img + sh->sh_offset);
	n = sh->sh_size / sizeof(*sym);
	for (size_t i = 0; i < n; i++)
		if (!strcmp((char *)img + strs->sh_offset + sym[i].st_name, "hits")) {
			sym[i].st_shndx = 999;
			hit = i;
		}
	ck_assert_uint_ne(hit, 0);
	expect_error(img_len, -EINVAL, "bad.o: section '.symtab' [%u]: symbol 'hits' (%zu) at offset "
		     "0x%zx: section index 999 out of range (%u sections)", symtab, hit,
		     hit * sizeof(Elf64_Sym), ((Elf64_Ehdr *)img)->e_shnum);
}
END_TEST

START_TEST(legacy_maps_bad_size)
{
	unsigned int idx;

	load_image();
	idx = objtest_find(img, "maps");
	objtest_shdr(img, idx)->sh_size = 35;
	expect_error(img_len, -EINVAL, "bad.o: section 'maps' [%u]: size 35 is not 2 equal map "
		     "definitions (one per symbol)", idx);
}
END_TEST

START_TEST(every_truncation_fails_cleanly)
{
	struct rb_error err = { 0 };
	struct rb_object *obj;

	load_image();
	/* Every prefix of the file is an invalid object; none may crash or leak (ASan). */
	for (size_t len = 0; len < img_len; len += 7) {
		int ret = rb_object_open_mem(img, len, NULL, &obj, &err);

		ck_assert_msg(ret < 0, "a %zu-byte prefix opened", len);
		ck_assert_ptr_null(obj);
		ck_assert(err.msg[0] != '\0');
	}
	free(img);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("object_bad");
	TCase *tc = tcase_create("bad");

	objtest_build(basic, sizeof(basic), "basic", "basic", "-g");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, not_elf);
	tcase_add_test(tc, empty_file);
	tcase_add_test(tc, elf32);
	tcase_add_test(tc, wrong_machine);
	tcase_add_test(tc, not_relocatable);
	tcase_add_test(tc, truncated_header_table);
	tcase_add_test(tc, truncated_before_headers);
	tcase_add_test(tc, section_past_end);
	tcase_add_test(tc, section_name_out_of_range);
	tcase_add_test(tc, symbol_index_out_of_range);
	tcase_add_test(tc, relocation_outside_section);
	tcase_add_test(tc, relocation_not_on_instruction);
	tcase_add_test(tc, relocation_of_plain_instruction);
	tcase_add_test(tc, function_past_section);
	tcase_add_test(tc, symbol_section_out_of_range);
	tcase_add_test(tc, legacy_maps_bad_size);
	tcase_add_test(tc, every_truncation_fails_cleanly);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
