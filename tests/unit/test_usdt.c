/*
 * loader/usdt: argument specifications, and the .note.stapsdt notes of a program built
 * here with <sys/sdt.h> (probe rbtest:hit with a semaphore). The probe site's file offset
 * must hold the nop the macro emits, and the semaphore's file offset must agree with the
 * section headers (computed independently of the program headers we use).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "testbin.h"
#include "loader/attach_kinds.h"
#include "loader/usdt.h"
#include "btf/btf.h"

static void must(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "building test binaries: %s failed (%d)\n", what, rc);
		exit(1);
	}
}

START_TEST(args_every_form)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	struct rb_error e = {0};
	int n = usdt_parse_args("-4@%eax 8@%rdi 2@$-17 1@$0x10 -8@-16(%rbp) 4@(%rsi) "
				"8@8(%rax,%rdx,4) -2@(%r12,%r13) 8@%r15 1@%sil",
				a, USDT_MAX_ARGS, &e);

	ck_assert_msg(n == 10, "%d %s", n, e.msg);
	ck_assert_int_eq(a[0].kind, USDT_ARG_REG);
	ck_assert(a[0].is_signed && a[0].size == 4);
	ck_assert_str_eq(a[0].reg, "eax");
	ck_assert_int_eq(a[0].reg_off, 80);
	ck_assert(!a[1].is_signed && a[1].size == 8 && a[1].reg_off == 112);
	ck_assert_int_eq(a[2].kind, USDT_ARG_CONST);
	ck_assert_int_eq(a[2].val_off, -17);
	ck_assert_int_eq(a[2].size, 2);
	ck_assert_int_eq(a[3].val_off, 16);
	ck_assert_int_eq(a[4].kind, USDT_ARG_REG_DEREF);
	ck_assert_int_eq(a[4].val_off, -16);
	ck_assert_int_eq(a[4].reg_off, 32);
	ck_assert(a[4].is_signed && a[4].size == 8);
	ck_assert_int_eq(a[5].kind, USDT_ARG_REG_DEREF);
	ck_assert_int_eq(a[5].val_off, 0);
	ck_assert_int_eq(a[5].reg_off, 104);
	ck_assert_int_eq(a[6].kind, USDT_ARG_SIB);
	ck_assert_int_eq(a[6].val_off, 8);
	ck_assert_int_eq(a[6].reg_off, 80);
	ck_assert_int_eq(a[6].idx_reg_off, 96);
	ck_assert_int_eq(a[6].scale, 4);
	ck_assert_int_eq(a[7].kind, USDT_ARG_SIB);
	ck_assert_int_eq(a[7].scale, 1);
	ck_assert_int_eq(a[7].reg_off, 24);
	ck_assert_int_eq(a[7].idx_reg_off, 16);
	ck_assert_int_eq(a[8].reg_off, 0);
	ck_assert_int_eq(a[9].reg_off, 104);
	ck_assert_int_eq(usdt_parse_args("", a, USDT_MAX_ARGS, &e), 0);
}
END_TEST

/* Every register width, the high-byte registers, constants and every memory form. */
START_TEST(args_register_widths_and_memory_forms)
{
	static const struct {
		const char *spec;
		enum usdt_arg_kind kind;
		unsigned int size;
		bool is_signed, high8;
		int reg_off, idx_reg_off;
		long long val_off;
		unsigned int scale;
	} cases[] = {
		{"-8@%r8", USDT_ARG_REG, 8, true, false, 72, -1, 0, 0},
		{"-4@%r8d", USDT_ARG_REG, 4, true, false, 72, -1, 0, 0},
		{"2@%r8w", USDT_ARG_REG, 2, false, false, 72, -1, 0, 0},
		{"1@%r8b", USDT_ARG_REG, 1, false, false, 72, -1, 0, 0},
		{"8@%rax", USDT_ARG_REG, 8, false, false, 80, -1, 0, 0},
		{"-4@%eax", USDT_ARG_REG, 4, true, false, 80, -1, 0, 0},
		{"-2@%ax", USDT_ARG_REG, 2, true, false, 80, -1, 0, 0},
		{"1@%al", USDT_ARG_REG, 1, false, false, 80, -1, 0, 0},
		{"1@%ah", USDT_ARG_REG, 1, false, true, 80, -1, 0, 0},
		{"-1@%dh", USDT_ARG_REG, 1, true, true, 96, -1, 0, 0},
		{"1@%bpl", USDT_ARG_REG, 1, false, false, 32, -1, 0, 0},
		{"-4@%r15d", USDT_ARG_REG, 4, true, false, 0, -1, 0, 0},
		{"-4@$-5", USDT_ARG_CONST, 4, true, false, -1, -1, -5, 0},
		{"8@$0x7fffffffffffffff", USDT_ARG_CONST, 8, false, false, -1, -1, INT64_MAX, 0},
		{"-8@-16(%rbp)", USDT_ARG_REG_DEREF, 8, true, false, 32, -1, -16, 0},
		{"4@(%rsp)", USDT_ARG_REG_DEREF, 4, false, false, 152, -1, 0, 0},
		{"-8@(%rdi,%rsi,8)", USDT_ARG_SIB, 8, true, false, 112, 104, 0, 8},
		{"-8@24(%rdi,%rsi,8)", USDT_ARG_SIB, 8, true, false, 112, 104, 24, 8},
		{"-4@-12(%rbp,%rcx,4)", USDT_ARG_SIB, 4, true, false, 32, 88, -12, 4},
		{"2@0x10(%r9,%r10)", USDT_ARG_SIB, 2, false, false, 64, 56, 16, 1},
		{"8@(,%rax,8)", USDT_ARG_SIB, 8, false, false, -1, 80, 0, 8},
		{"4@-8(,%rdx,2)", USDT_ARG_SIB, 4, false, false, -1, 96, -8, 2},
		/* a variable: memory at %rip + (its address - the probe's), resolved later */
		{"-8@counter(%rip)", USDT_ARG_REG_DEREF, 8, true, false, 128, -1, 0, 0},
		{"4@counter.1+12(%rip)", USDT_ARG_REG_DEREF, 4, false, false, 128, -1, 12, 0},
		{"2@_x$y-0x10(%rip)", USDT_ARG_REG_DEREF, 2, false, false, 128, -1, -16, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct usdt_arg a;
		struct rb_error e = {0};

		ck_assert_msg(usdt_parse_args(cases[i].spec, &a, 1, &e) == 1, "%s: %s",
			      cases[i].spec, e.msg);
		ck_assert_msg(a.kind == cases[i].kind && a.size == cases[i].size &&
				      a.is_signed == cases[i].is_signed &&
				      a.high8 == cases[i].high8 && a.reg_off == cases[i].reg_off &&
				      a.val_off == cases[i].val_off,
			      "%s: kind %d size %u signed %d high8 %d reg %d val %lld",
			      cases[i].spec, a.kind, a.size, a.is_signed, a.high8, a.reg_off,
			      (long long)a.val_off);
		if (a.kind == USDT_ARG_SIB)
			ck_assert_msg(a.idx_reg_off == cases[i].idx_reg_off &&
					      a.scale == cases[i].scale,
				      "%s: index %d scale %u", cases[i].spec, a.idx_reg_off,
				      a.scale);
	}
}
END_TEST

START_TEST(args_errors)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	struct rb_error e = {0};

	ck_assert_int_eq(usdt_parse_args("4@%eax 8@%xmm0", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "USDT argument 2 '8@%xmm0' is not a form rawbpf reads (N@%reg, "
				"N@$imm, N@disp(%reg), N@disp(%base,%index,scale), N@symbol(%rip))");
	/* a symbol is only read relative to %rip; a symbol's name is letters, digits, _ . $ */
	ck_assert_int_eq(usdt_parse_args("8@counter(%rax)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@counter+(%rip)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@count-er(%rip)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@counter(%rip", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("3@%eax", a, USDT_MAX_ARGS, &e), -EINVAL);
	/* sizes past 8 either way, down to the one whose negation overflows */
	ck_assert_int_eq(usdt_parse_args("-16@%rax", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("-9223372036854775808@%rax", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4294967300@%rax", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@%xyz", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@(%rax,%rbx,3)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@8(%rax", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@$", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("eax", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@%eax 4@%eax 4@%eax", a, 2, &e), -E2BIG);
	/* %rip-relative: relative to an instruction the note has none of */
	ck_assert_int_eq(usdt_parse_args("8@16(%rip)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@(%rax,%rip,2)", a, USDT_MAX_ARGS, &e), -EINVAL);
	/* %rsp is no index; addresses are formed from 64-bit registers only */
	ck_assert_int_eq(usdt_parse_args("8@(%rax,%rsp,2)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@(%eax)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@8(%rax,%ecx,2)", a, USDT_MAX_ARGS, &e), -EINVAL);
	/* a high-byte register holds one byte */
	ck_assert_int_eq(usdt_parse_args("2@%ah", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("1@%sih", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@(,%rax,3)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@(,)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@(%rax,%rbx,8", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("8@(%rax,%rbx,8)x", a, USDT_MAX_ARGS, &e), -EINVAL);
}
END_TEST

/* File offset of vaddr through the section headers (an independent route). */
static uint64_t section_offset(const char *path, uint64_t vaddr)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	uint64_t off = 0;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		gelf_getshdr(scn, &sh);
		if (sh.sh_addr && vaddr >= sh.sh_addr && vaddr < sh.sh_addr + sh.sh_size &&
		    sh.sh_type != SHT_NOBITS)
			off = sh.sh_offset + (vaddr - sh.sh_addr);
	}
	elf_end(elf);
	close(fd);
	return off;
}

START_TEST(notes_of_a_built_program)
{
	static const char *bins[] = {"target_pie", "target_nopie"};

	for (int b = 0; b < 2; b++) {
		struct usdt_probe *p = NULL;
		struct rb_error e = {0};
		char path[512];
		unsigned char byte = 0;
		size_t n = 0;
		int fd;

		testbin_path(path, sizeof(path), bins[b]);
		ck_assert_msg(!usdt_find(path, "rbtest", "hit", &p, &n, &e), "%s", e.msg);
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(p[0].provider, "rbtest");
		ck_assert_str_eq(p[0].name, "hit");
		ck_assert_int_eq(p[0].nargs, 2);
		ck_assert(p[0].args[0].is_signed && p[0].args[0].size == 4);
		ck_assert(p[0].args[1].is_signed && p[0].args[1].size == 8);
		ck_assert_uint_ne(p[0].sema_addr, 0);
		ck_assert_uint_eq(p[0].sema_off, section_offset(path, p[0].sema_addr));
		ck_assert_uint_eq(p[0].file_off, section_offset(path, p[0].addr));
		fd = open(path, O_RDONLY);
		ck_assert_int_eq(pread(fd, &byte, 1, (off_t)p[0].file_off), 1);
		close(fd);
		ck_assert_uint_eq(byte, 0x90); /* the nop <sys/sdt.h> puts at the probe site */
		free(p);
	}
}
END_TEST

/* A probe rawbpf cannot read fails only an attach that picks it, not its neighbours. */
START_TEST(unreadable_probe_spares_the_others)
{
	struct usdt_probe *p = NULL;
	struct rb_error e = {0};
	char path[512], want[700];
	size_t n = 0;

	testbin_path(path, sizeof(path), "mixed");
	ck_assert_msg(!usdt_find(path, "rbtest", "good", &p, &n, &e), "%s", e.msg);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(p[0].nargs, 1);
	free(p);
	p = NULL;
	ck_assert_int_eq(usdt_find(path, "rbtest", "bad", &p, &n, &e), -EINVAL);
	ck_assert_ptr_null(p);
	snprintf(want, sizeof(want), "%s: USDT rbtest:bad: USDT argument 1 '-8@16(%%rip)' is "
		 "not a form rawbpf reads", path);
	ck_assert_msg(!strncmp(e.msg, want, strlen(want)), "%s", e.msg);
}
END_TEST

/* The address of symbol name in the binary at path, as nm prints it (another route). */
static uint64_t nm_address(const char *path, const char *name)
{
	char cmd[700], line[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "nm %s | awk '$3 == \"%s\" {print $1}'", path, name);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	if (fgets(line, sizeof(line), f))
		v = strtoull(line, NULL, 16);
	pclose(f);
	ck_assert_msg(v, "nm found no %s in %s", name, path);
	return v;
}

/*
 * gcc's "-8@counter(%rip)" for a global (and "counter2.0" for a function's static): memory at
 * %rip plus the symbol's distance from the probe; where the symbol table is gone, the probe
 * is refused saying so.
 */
START_TEST(rip_relative_symbols)
{
	struct usdt_probe *p = NULL;
	struct rb_error e = {0};
	char path[512];
	size_t n = 0;

	testbin_path(path, sizeof(path), "mixed");
	ck_assert_msg(!usdt_find(path, "rbtest", "global", &p, &n, &e), "%s", e.msg);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(strstr(p[0].args_str, "(%rip)"), "%s", p[0].args_str);
	ck_assert_int_eq(p[0].nargs, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(p[0].args[i].kind, USDT_ARG_REG_DEREF);
		ck_assert_int_eq(p[0].args[i].reg_off, 128);
		ck_assert_str_eq(p[0].args[i].sym, "");
	}
	ck_assert_int_eq(p[0].args[0].val_off, (int64_t)(nm_address(path, "counter") - p[0].addr));
	ck_assert_int_eq(p[0].args[1].val_off,
			 (int64_t)(nm_address(path, "counter2.0") - p[0].addr));
	free(p);
	p = NULL;
	ck_assert_int_eq(testbin_sh("strip -o mixed_stripped mixed"), 0);
	testbin_path(path, sizeof(path), "mixed_stripped");
	ck_assert_int_eq(usdt_find(path, "rbtest", "global", &p, &n, &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "USDT rbtest:global: argument 1 is at symbol 'counter', which "
				    "is in neither .symtab nor .dynsym (stripped?)"),
		      "%s", e.msg);
	ck_assert_ptr_null(p);
}
END_TEST

START_TEST(missing_probe_and_no_notes)
{
	struct usdt_probe *p = NULL;
	struct rb_error e = {0};
	char path[512], want[700];
	size_t n = 7;

	testbin_path(path, sizeof(path), "target_pie");
	ck_assert_int_eq(usdt_find(path, "rbtest", "miss", &p, &n, &e), -ENOENT);
	snprintf(want, sizeof(want),
		 "%s: no USDT probe rbtest:miss in .note.stapsdt (it has rbtest:hit)", path);
	ck_assert_str_eq(e.msg, want);
	testbin_path(path, sizeof(path), "plain");
	ck_assert_int_eq(usdt_read_probes(path, &p, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(p);
}
END_TEST

/* Corrupt the note descriptor sizes: an error or a result, never a crash. */
START_TEST(corrupted_notes)
{
	char path[512];
	struct usdt_probe *p = NULL;
	struct rb_error e = {0};
	size_t n;

	for (int i = 0; i < 64; i++) {
		ck_assert_int_eq(testbin_sh("cp target_pie corrupt && off=$(readelf -SW corrupt | "
					    "awk '$2==\".note.stapsdt\"{print $5}') && "
					    "printf '\\%03o' | dd of=corrupt bs=1 "
					    "seek=$((0x$off + %d)) conv=notrunc 2>/dev/null",
					    i * 37 % 256, i % 60),
				 0);
		testbin_path(path, sizeof(path), "corrupt");
		if (!usdt_read_probes(path, &p, &n, &e))
			free(p);
		p = NULL;
	}
}
END_TEST

/* The layout the installed <bpf/usdt.bpf.h> (libbpf 1.1) declares, written out for the test. */
struct mirror_arg {
	uint64_t val_off;
	uint32_t arg_type;
	int16_t reg_off;
	bool arg_signed;
	int8_t arg_bitshift;
};
struct mirror_spec {
	struct mirror_arg args[12];
	uint64_t usdt_cookie;
	int16_t arg_cnt;
};

/* libbpf 1.7's layout (x86-64 and BPF lay bit-fields out alike), written out for the test. */
enum mirror_kind { M_CONST, M_REG, M_DEREF, M_SIB };
struct mirror_arg_sib {
	uint64_t val_off;
	enum mirror_kind arg_type : 8;
	uint16_t idx_reg_off : 12;
	uint16_t scale_bitshift : 4;
	uint8_t reserved : 8;
	int16_t reg_off;
	bool arg_signed;
	int8_t arg_bitshift;
};
struct mirror_spec_sib {
	struct mirror_arg_sib args[12];
	uint64_t usdt_cookie;
	int16_t arg_cnt;
};

/* A probe whose arguments are parsed from spec. */
static void probe_with(struct usdt_probe *p, const char *spec)
{
	struct rb_error e = {0};

	memset(p, 0, sizeof(*p));
	snprintf(p->provider, sizeof(p->provider), "rbtest");
	snprintf(p->name, sizeof(p->name), "hit");
	snprintf(p->args_str, sizeof(p->args_str), "%s", spec);
	p->nargs = usdt_parse_args(spec, p->args, USDT_MAX_ARGS, &e);
	ck_assert_msg(p->nargs >= 0, "%s: %s", spec, e.msg);
}

/*
 * The BTF clang makes of a usdt.bpf.h-like declaration: body declares enum
 * __bpf_usdt_arg_type and struct __bpf_usdt_arg_spec; the spec struct is added here.
 * Returns the BTF (caller frees) and the struct __bpf_usdt_spec id in *id.
 */
static struct btf *layout_btf(const char *name, const char *body, uint32_t *id)
{
	char src[4096], path[512];
	struct rb_error e = {0};
	struct btf *btf = NULL;
	int r;

	snprintf(src, sizeof(src),
		 "typedef unsigned long long __u64; typedef unsigned short __u16;\n"
		 "typedef unsigned char __u8; typedef _Bool bool;\n%s\n"
		 "struct __bpf_usdt_spec { struct __bpf_usdt_arg_spec args[12];\n"
		 "  __u64 usdt_cookie; short arg_cnt; };\n"
		 "struct __bpf_usdt_spec spec_var;\n",
		 body);
	snprintf(path, sizeof(path), "%s.c", name);
	testbin_write(path, src);
	ck_assert_int_eq(testbin_sh("clang-19 -target bpf -O2 -g -c %s.c -o %s.o && "
				    "llvm-objcopy-19 --dump-section .BTF=%s.btf %s.o",
				    name, name, name, name),
			 0);
	snprintf(path, sizeof(path), "%s.btf", name);
	testbin_path(src, sizeof(src), path);
	ck_assert_msg(!btf_open_raw(src, NULL, &btf, &e), "%s", e.msg);
	r = btf_find(btf, "__bpf_usdt_spec", BTF_KIND_STRUCT);
	ck_assert_int_gt(r, 0);
	*id = (uint32_t)r;
	return btf;
}

static const char old_layout_src[] =
	"enum __bpf_usdt_arg_type { BPF_USDT_ARG_CONST, BPF_USDT_ARG_REG,\n"
	"  BPF_USDT_ARG_REG_DEREF };\n"
	"struct __bpf_usdt_arg_spec { __u64 val_off; enum __bpf_usdt_arg_type arg_type;\n"
	"  short reg_off; bool arg_signed; char arg_bitshift; };\n";

static const char sib_layout_src[] =
	"enum __bpf_usdt_arg_type { BPF_USDT_ARG_CONST, BPF_USDT_ARG_REG,\n"
	"  BPF_USDT_ARG_REG_DEREF, BPF_USDT_ARG_SIB };\n"
	"struct __bpf_usdt_arg_spec { __u64 val_off;\n"
	"  enum __bpf_usdt_arg_type arg_type: 8; __u16 idx_reg_off: 12;\n"
	"  __u16 scale_bitshift: 4; __u8 __reserved: 8;\n"
	"  short reg_off; bool arg_signed; char arg_bitshift; };\n";

/* The historical layout, by hand and as read from an object's BTF. */
START_TEST(spec_encoding_legacy_layout)
{
	struct usdt_spec_layout lay, from_btf;
	struct usdt_probe p;
	struct mirror_spec m;
	unsigned char buf[USDT_SPEC_MAX_SIZE];
	struct rb_error e = {0};
	struct btf *btf;
	uint32_t id;

	usdt_layout_legacy(&lay);
	ck_assert_uint_eq(sizeof(m), lay.size);
	btf = layout_btf("old", old_layout_src, &id);
	ck_assert_msg(!usdt_layout_from_btf(btf, id, &from_btf, &e), "%s", e.msg);
	btf_free(btf);
	ck_assert_msg(!memcmp(&lay, &from_btf, sizeof(lay)), "legacy layout differs from BTF's");
	ck_assert(!lay.has_sib);
	probe_with(&p, "-4@%eax 8@-16(%rbp) 2@$7 1@%sil");
	ck_assert_int_eq(usdt_spec_encode(&p, &lay, 0xc00c1e, buf, sizeof(buf), &e), 0);
	memcpy(&m, buf, sizeof(m));
	ck_assert_int_eq(m.arg_cnt, 4);
	ck_assert_uint_eq(m.usdt_cookie, 0xc00c1e);
	ck_assert_uint_eq(m.args[0].arg_type, 1); /* REG */
	ck_assert_int_eq(m.args[0].reg_off, 80);
	ck_assert(m.args[0].arg_signed);
	ck_assert_int_eq(m.args[0].arg_bitshift, 32);
	ck_assert_uint_eq(m.args[1].arg_type, 2); /* REG_DEREF */
	ck_assert_uint_eq(m.args[1].val_off, (uint64_t)-16);
	ck_assert_int_eq(m.args[1].reg_off, 32);
	ck_assert_int_eq(m.args[1].arg_bitshift, 0);
	ck_assert_uint_eq(m.args[2].arg_type, 0); /* CONST */
	ck_assert_uint_eq(m.args[2].val_off, 7);
	ck_assert_int_eq(m.args[2].arg_bitshift, 48);
	ck_assert(!m.args[2].arg_signed);
	ck_assert_int_eq(m.args[3].reg_off, 104);
	ck_assert_int_eq(m.args[3].arg_bitshift, 56);
	ck_assert_uint_eq(m.args[4].arg_type, 0);
	ck_assert_uint_eq(m.args[4].val_off, 0);
	/* (,%rax,1) is plain memory at %rax: no SIB needed */
	probe_with(&p, "8@8(,%rax,1)");
	ck_assert_int_eq(usdt_spec_encode(&p, &lay, 0, buf, sizeof(buf), &e), 0);
	memcpy(&m, buf, sizeof(m));
	ck_assert_uint_eq(m.args[0].arg_type, 2);
	ck_assert_int_eq(m.args[0].reg_off, 80);
	ck_assert_uint_eq(m.args[0].val_off, 8);
	/* base + index * scale has no encoding in this layout: the sentence says why */
	probe_with(&p, "4@%eax -4@-12(%rbp,%rcx,4)");
	ck_assert_int_eq(usdt_spec_encode(&p, &lay, 0, buf, sizeof(buf), &e), -EOPNOTSUPP);
	ck_assert_str_eq(e.msg, "USDT rbtest:hit: argument 2 '-4@-12(%rbp,%rcx,4)' is read as "
				"base + index * scale, which the object's usdt.bpf.h is too old to "
				"fetch (its enum __bpf_usdt_arg_type has no BPF_USDT_ARG_SIB): build "
				"the object against libbpf 1.7's usdt.bpf.h or newer");
	ck_assert_int_eq(usdt_spec_encode(&p, &lay, 0, buf, 10, &e), -EINVAL);
}
END_TEST

/* libbpf 1.7's layout: bit-fields and a SIB kind, read from BTF and checked by a mirror. */
START_TEST(spec_encoding_sib_layout)
{
	struct usdt_spec_layout lay;
	struct usdt_probe p;
	struct mirror_spec_sib m;
	unsigned char buf[USDT_SPEC_MAX_SIZE];
	struct rb_error e = {0};
	struct btf *btf;
	uint32_t id;

	btf = layout_btf("sib", sib_layout_src, &id);
	ck_assert_msg(!usdt_layout_from_btf(btf, id, &lay, &e), "%s", e.msg);
	btf_free(btf);
	ck_assert(lay.has_sib);
	ck_assert_uint_eq(lay.size, sizeof(m));
	ck_assert_uint_eq(lay.arg_size, sizeof(m.args[0]));
	ck_assert_uint_eq(lay.reg_off.bit_off, 112);
	ck_assert_uint_eq(lay.idx_reg_off.bits, 12);
	probe_with(&p, "-8@24(%rdi,%rsi,8) 1@%ah -4@%eax 8@(,%rax,1) 4@-8(,%rdx,2) 2@$7 "
		       "-4@-12(%rbp,%rcx,4)");
	memset(buf, 0xa5, sizeof(buf));
	ck_assert_msg(usdt_spec_encode(&p, &lay, 77, buf, sizeof(buf), &e) == 0, "%s", e.msg);
	memcpy(&m, buf, sizeof(m));
	ck_assert_int_eq(m.arg_cnt, 7);
	ck_assert_uint_eq(m.usdt_cookie, 77);
	ck_assert_int_eq(m.args[0].arg_type, M_SIB);
	ck_assert_uint_eq(m.args[0].val_off, 24);
	ck_assert_int_eq(m.args[0].reg_off, 112);
	ck_assert_uint_eq(m.args[0].idx_reg_off, 104);
	ck_assert_uint_eq(m.args[0].scale_bitshift, 3);
	ck_assert(m.args[0].arg_signed);
	ck_assert_int_eq(m.args[0].arg_bitshift, 0);
	ck_assert_uint_eq(m.args[0].reserved, 0);
	ck_assert_int_eq(m.args[1].arg_type, M_REG); /* %ah: one byte into %rax's slot */
	ck_assert_int_eq(m.args[1].reg_off, 81);
	ck_assert_int_eq(m.args[1].arg_bitshift, 56);
	ck_assert_int_eq(m.args[2].arg_type, M_REG);
	ck_assert_int_eq(m.args[2].reg_off, 80);
	ck_assert_int_eq(m.args[2].arg_bitshift, 32);
	ck_assert_uint_eq(m.args[2].idx_reg_off, 0);
	ck_assert_int_eq(m.args[3].arg_type, M_DEREF);
	ck_assert_int_eq(m.args[3].reg_off, 80);
	ck_assert_int_eq(m.args[4].arg_type, M_SIB); /* idx * 2 = idx + idx * 1 */
	ck_assert_int_eq(m.args[4].reg_off, 96);
	ck_assert_uint_eq(m.args[4].idx_reg_off, 96);
	ck_assert_uint_eq(m.args[4].scale_bitshift, 0);
	ck_assert_uint_eq(m.args[4].val_off, (uint64_t)-8);
	ck_assert_int_eq(m.args[5].arg_type, M_CONST);
	ck_assert_uint_eq(m.args[5].val_off, 7);
	ck_assert_int_eq(m.args[5].reg_off, 0);
	ck_assert_uint_eq(m.args[6].scale_bitshift, 2);
	ck_assert_uint_eq(m.args[6].idx_reg_off, 88);
	ck_assert_int_eq(m.args[6].reg_off, 32);
	ck_assert_uint_eq(m.args[6].val_off, (uint64_t)-12);
	ck_assert_int_eq(m.args[7].arg_type, M_CONST); /* unused slots zeroed */
	ck_assert_uint_eq(m.args[7].val_off, 0);
	ck_assert_uint_eq(buf[sizeof(m)], 0);
	/* an index scaled by 8 with no base has no encoding */
	probe_with(&p, "8@(,%rax,8)");
	ck_assert_int_eq(usdt_spec_encode(&p, &lay, 0, buf, sizeof(buf), &e), -EOPNOTSUPP);
	ck_assert_str_eq(e.msg, "USDT rbtest:hit: argument 1 '8@(,%rax,8)' has an index scaled by "
				"8 and no base register, which usdt.bpf.h cannot express");
}
END_TEST

/* Kinds are found by name, not position; layouts missing what the encoder needs are refused. */
START_TEST(spec_layout_by_name_and_broken_layouts)
{
	struct usdt_spec_layout lay;
	struct usdt_probe p;
	unsigned char buf[USDT_SPEC_MAX_SIZE];
	struct rb_error e = {0};
	struct btf *btf;
	uint32_t id;

	btf = layout_btf("renum",
			 "enum __bpf_usdt_arg_type { BPF_USDT_ARG_SIB = 9, BPF_USDT_ARG_REG = 4,\n"
			 "  BPF_USDT_ARG_REG_DEREF = 6, BPF_USDT_ARG_CONST = 5 };\n"
			 "struct __bpf_usdt_arg_spec { short reg_off; short idx_reg_off;\n"
			 "  __u8 scale_bitshift; __u8 arg_type; bool arg_signed; char arg_bitshift;\n"
			 "  __u64 val_off; };\n"
			 "enum __bpf_usdt_arg_type kind_var;\n",
			 &id);
	ck_assert_msg(!usdt_layout_from_btf(btf, id, &lay, &e), "%s", e.msg);
	btf_free(btf);
	ck_assert(lay.has_sib);
	ck_assert_uint_eq(lay.kind_sib, 9);
	ck_assert_uint_eq(lay.kind_const, 5);
	probe_with(&p, "-2@4(%rbx,%r12,2)");
	ck_assert_int_eq(usdt_spec_encode(&p, &lay, 0, buf, sizeof(buf), &e), 0);
	ck_assert_uint_eq(buf[0] | buf[1] << 8, 40); /* reg_off */
	ck_assert_uint_eq(buf[2] | buf[3] << 8, 24); /* idx_reg_off */
	ck_assert_uint_eq(buf[4], 1);		     /* scale_bitshift */
	ck_assert_uint_eq(buf[5], 9);		     /* arg_type */
	ck_assert_uint_eq(buf[6], 1);		     /* arg_signed */
	ck_assert_uint_eq(buf[7], 48);		     /* arg_bitshift */
	ck_assert_uint_eq(buf[8], 4);		     /* val_off */

	btf = layout_btf("noreg",
			 "enum __bpf_usdt_arg_type { BPF_USDT_ARG_CONST, BPF_USDT_ARG_REG,\n"
			 "  BPF_USDT_ARG_REG_DEREF };\n"
			 "struct __bpf_usdt_arg_spec { __u64 val_off; int arg_type;\n"
			 "  bool arg_signed; char arg_bitshift; };\n",
			 &id);
	ck_assert_int_eq(usdt_layout_from_btf(btf, id, &lay, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "BTF struct __bpf_usdt_arg_spec has no member 'reg_off'");
	btf_free(btf);
	btf = layout_btf("noenum",
			 "enum __bpf_usdt_arg_type { BPF_USDT_ARG_CONST, BPF_USDT_ARG_REG };\n"
			 "struct __bpf_usdt_arg_spec { __u64 val_off; enum __bpf_usdt_arg_type\n"
			 "  arg_type; short reg_off; bool arg_signed; char arg_bitshift; };\n",
			 &id);
	ck_assert_int_eq(usdt_layout_from_btf(btf, id, &lay, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "BTF struct __bpf_usdt_arg_spec: 'arg_type' is not an enum with "
				"BPF_USDT_ARG_CONST, BPF_USDT_ARG_REG and BPF_USDT_ARG_REG_DEREF");
	btf_free(btf);
	/* a field too narrow for the value: refused, not truncated */
	btf = layout_btf("narrow",
			 "enum __bpf_usdt_arg_type { BPF_USDT_ARG_CONST, BPF_USDT_ARG_REG,\n"
			 "  BPF_USDT_ARG_REG_DEREF };\n"
			 "struct __bpf_usdt_arg_spec { __u64 val_off; enum __bpf_usdt_arg_type\n"
			 "  arg_type; short reg_off: 6; bool arg_signed; char arg_bitshift; };\n",
			 &id);
	ck_assert_msg(!usdt_layout_from_btf(btf, id, &lay, &e), "%s", e.msg);
	btf_free(btf);
	probe_with(&p, "8@%rdi");
	ck_assert_int_eq(usdt_spec_encode(&p, &lay, 0, buf, sizeof(buf), &e), -ERANGE);
	ck_assert_str_eq(e.msg, "USDT rbtest:hit: reg_off 112 (argument 1) does not fit the 6-bit "
				"field of the object's struct __bpf_usdt_arg_spec");
}
END_TEST

/* The mirror above must be what clang made of the installed usdt.bpf.h: check the sample. */
START_TEST(spec_layout_matches_btf)
{
	char cmd[600], line[256], out[4096] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "bpftool btf dump file %s/samples/usdt.bpf.o format raw 2>&1 | "
		 "grep -A5 \"STRUCT '__bpf_usdt_\"",
		 test_build_dir());
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	pclose(f);
	ck_assert_msg(strstr(out, "STRUCT '__bpf_usdt_spec' size=208 vlen=3"), "%s", out);
	ck_assert_msg(strstr(out, "'usdt_cookie' type_id="), "%s", out);
	ck_assert_msg(strstr(out, "bits_offset=1536\n"), "%s", out);
	ck_assert_msg(strstr(out, "'arg_cnt'"), "%s", out);
	ck_assert_msg(strstr(out, "bits_offset=1600\n"), "%s", out);
	ck_assert_msg(strstr(out, "STRUCT '__bpf_usdt_arg_spec' size=16 vlen=5"), "%s", out);
	ck_assert_msg(strstr(out, "'reg_off' type_id="), "%s", out);
	ck_assert_msg(strstr(out, "bits_offset=96\n\t'arg_signed'"), "%s", out);
	ck_assert_msg(strstr(out, "bits_offset=112\n\t'arg_bitshift'"), "%s", out);
	ck_assert_msg(strstr(out, "bits_offset=120"), "%s", out);
}
END_TEST

/* The --attach target of a usdt program: the binary may itself hold ':'. */
START_TEST(attach_target_forms)
{
	char b[64], p[16], n[16];

	ck_assert_int_eq(usdt_parse_target("/bin/x:prov:name", b, sizeof(b), p, sizeof(p), n,
					   sizeof(n)),
			 0);
	ck_assert_str_eq(b, "/bin/x");
	ck_assert_str_eq(p, "prov");
	ck_assert_str_eq(n, "name");
	ck_assert_int_eq(usdt_parse_target("/a:b/x:p:n", b, sizeof(b), p, sizeof(p), n, sizeof(n)),
			 0);
	ck_assert_str_eq(b, "/a:b/x");
	ck_assert_str_eq(p, "p");
	ck_assert_str_eq(n, "n");
	ck_assert_int_eq(usdt_parse_target("p:n", b, sizeof(b), p, sizeof(p), n, sizeof(n)),
			 -EINVAL);
	ck_assert_int_eq(usdt_parse_target("/x::n", b, sizeof(b), p, sizeof(p), n, sizeof(n)),
			 -EINVAL);
	ck_assert_int_eq(usdt_parse_target("/x:p:", b, sizeof(b), p, sizeof(p), n, sizeof(n)),
			 -EINVAL);
	ck_assert_int_eq(usdt_parse_target(":p:n", b, sizeof(b), p, sizeof(p), n, sizeof(n)),
			 -EINVAL);
	ck_assert_int_eq(usdt_parse_target("/x:p:name_longer_than_16", b, sizeof(b), p, sizeof(p),
					   n, sizeof(n)),
			 -EINVAL);
}
END_TEST

/* The run-time address of a file offset, from a maps file (only executable mappings). */
START_TEST(runtime_ip_from_maps)
{
	char mp[512], np[512];
	uint64_t ip = 0;

	testbin_path(mp, sizeof(mp), "maps");
	testbin_path(np, sizeof(np), "nosuch");
	testbin_write("maps",
		      "55d000000000-55d000001000 r--p 00000000 08:01 42   /usr/bin/prog\n"
		      "55d000001000-55d000005000 r-xp 00001000 08:01 42   /usr/bin/prog\n"
		      "7f0000000000-7f0000002000 r-xp 00000000 08:01 43   /usr/lib/libz.so\n"
		      "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0    [stack]\n");
	ck_assert_int_eq(usdt_runtime_ip(mp, "/usr/bin/prog", 0x1234, &ip), 0);
	ck_assert_uint_eq(ip, 0x55d000001234ULL);
	ck_assert_int_eq(usdt_runtime_ip(mp, "/usr/lib/libz.so", 0x10, &ip), 0);
	ck_assert_uint_eq(ip, 0x7f0000000010ULL);
	/* in the read-only mapping only, past the end, another file */
	ck_assert_int_eq(usdt_runtime_ip(mp, "/usr/bin/prog", 0x800, &ip),
			 -ENOENT);
	ck_assert_int_eq(usdt_runtime_ip(mp, "/usr/bin/prog", 0x5000, &ip),
			 -ENOENT);
	ck_assert_int_eq(usdt_runtime_ip(mp, "/usr/bin/other", 0x1234, &ip),
			 -ENOENT);
	ck_assert_int_eq(usdt_runtime_ip(np, "/x", 0, &ip), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("usdt");
	TCase *tc = tcase_create("usdt");
	int ret;

	testbin_write("target.c", testbin_target_src);
	testbin_write("plain.c", "int main(void) { return 0; }\n");
	must(testbin_sh("gcc -O2 -g0 -o target_pie target.c"), "gcc (PIE)");
	must(testbin_sh("gcc -O2 -g0 -no-pie -o target_nopie target.c"), "gcc -no-pie");
	must(testbin_sh("gcc -O2 -o plain plain.c"), "gcc plain");
	/* gcc spells a global argument 'N@counter(%rip)'; '-8@16(%rip)' is written by hand */
	testbin_write("mixed.c", "#include <sys/sdt.h>\nlong counter;\n"
				 "int main(int argc, char **argv) { static long counter2 = 5;\n"
				 "(void)argv; counter2 += argc;\n"
				 "DTRACE_PROBE1(rbtest, good, argc);\n"
				 "DTRACE_PROBE2(rbtest, global, counter, counter2);\n"
				 "__asm__ volatile(STAP_PROBE_ASM(rbtest, bad, -8@16(%rip)));\n"
				 "return 0; }\n");
	must(testbin_sh("gcc -O2 -g0 -o mixed mixed.c"), "gcc mixed");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, args_every_form);
	tcase_add_test(tc, args_errors);
	tcase_add_test(tc, notes_of_a_built_program);
	tcase_add_test(tc, missing_probe_and_no_notes);
	tcase_add_test(tc, unreadable_probe_spares_the_others);
	tcase_add_test(tc, rip_relative_symbols);
	tcase_add_test(tc, corrupted_notes);
	tcase_add_test(tc, args_register_widths_and_memory_forms);
	tcase_add_test(tc, spec_encoding_legacy_layout);
	tcase_add_test(tc, spec_encoding_sib_layout);
	tcase_add_test(tc, spec_layout_by_name_and_broken_layouts);
	tcase_add_test(tc, spec_layout_matches_btf);
	tcase_add_test(tc, attach_target_forms);
	tcase_add_test(tc, runtime_ip_from_maps);
	suite_add_tcase(s, tc);
	ret = test_run_suite(s);
	testbin_cleanup();
	return ret;
}
