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

START_TEST(args_errors)
{
	struct usdt_arg a[USDT_MAX_ARGS];
	struct rb_error e = {0};

	ck_assert_int_eq(usdt_parse_args("4@%eax 8@counter(%rip)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_str_eq(e.msg, "USDT argument 2 '8@counter(%rip)' is not a form rawbpf reads "
				"(N@%reg, N@$imm, N@disp(%reg), N@disp(%base,%index,scale))");
	ck_assert_int_eq(usdt_parse_args("3@%eax", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@%xyz", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@(%rax,%rbx,3)", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@8(%rax", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@$", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("eax", a, USDT_MAX_ARGS, &e), -EINVAL);
	ck_assert_int_eq(usdt_parse_args("4@%eax 4@%eax 4@%eax", a, 2, &e), -E2BIG);
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
	snprintf(want, sizeof(want), "%s: USDT rbtest:bad: USDT argument 1 '-8@counter(%%rip)' is "
		 "not a form rawbpf reads", path);
	ck_assert_msg(!strncmp(e.msg, want, strlen(want)), "%s", e.msg);
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

/* The layout the installed <bpf/usdt.bpf.h> declares, written out for the test. */
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

START_TEST(spec_encoding)
{
	struct usdt_probe p = {.provider = "rbtest", .name = "hit"};
	struct mirror_spec m;
	unsigned char buf[USDT_SPEC_SIZE];
	struct rb_error e = {0};

	ck_assert_uint_eq(sizeof(m), USDT_SPEC_SIZE);
	snprintf(p.args_str, sizeof(p.args_str), "-4@%%eax 8@-16(%%rbp) 2@$7 1@%%sil");
	p.nargs = usdt_parse_args(p.args_str, p.args, USDT_MAX_ARGS, &e);
	ck_assert_int_eq(p.nargs, 4);
	ck_assert_int_eq(usdt_spec_encode(&p, 0xc00c1e, buf, sizeof(buf), &e), 0);
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
	/* a base+index*scale argument has no encoding in this layout */
	p.nargs = usdt_parse_args("8@8(%rax,%rdx,4)", p.args, USDT_MAX_ARGS, &e);
	snprintf(p.args_str, sizeof(p.args_str), "8@8(%%rax,%%rdx,4)");
	ck_assert_int_eq(usdt_spec_encode(&p, 0, buf, sizeof(buf), &e), -EOPNOTSUPP);
	ck_assert_str_eq(e.msg, "USDT rbtest:hit: argument 1 (8@8(%rax,%rdx,4)) uses base + index "
				"* scale addressing, which the installed usdt.bpf.h cannot fetch");
	ck_assert_int_eq(usdt_spec_encode(&p, 0, buf, 10, &e), -EINVAL);
}
END_TEST

/* The mirror above must be what clang made of usdt.bpf.h: check the sample's BTF. */
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
	/* gcc spells a global argument 'N@counter(%rip)', a form rawbpf does not read */
	testbin_write("mixed.c", "#include <sys/sdt.h>\nlong counter;\n"
				 "int main(int argc, char **argv) { (void)argv;\n"
				 "DTRACE_PROBE1(rbtest, good, argc); DTRACE_PROBE1(rbtest, bad, counter);\n"
				 "return 0; }\n");
	must(testbin_sh("gcc -O2 -g0 -o mixed mixed.c"), "gcc mixed");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, args_every_form);
	tcase_add_test(tc, args_errors);
	tcase_add_test(tc, notes_of_a_built_program);
	tcase_add_test(tc, missing_probe_and_no_notes);
	tcase_add_test(tc, unreadable_probe_spares_the_others);
	tcase_add_test(tc, corrupted_notes);
	tcase_add_test(tc, spec_encoding);
	tcase_add_test(tc, spec_layout_matches_btf);
	tcase_add_test(tc, attach_target_forms);
	tcase_add_test(tc, runtime_ip_from_maps);
	suite_add_tcase(s, tc);
	ret = test_run_suite(s);
	testbin_cleanup();
	return ret;
}
