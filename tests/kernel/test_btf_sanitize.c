/* The kernel accepts what btf/sanitize writes: every sample's BTF, sanitised for a kernel
 * that has none of the newer kinds, loads with BPF_BTF_LOAD on this kernel. */
#include <dirent.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "btf/sanitize.h"
#include "loader/btf_file.h"
#include "testlib.h"

/* The loader's job, done here with libelf: DATASEC sizes and offsets from the ELF file. */
struct elf_ctx {
	Elf *elf;
	size_t shstrndx;
};

static Elf_Scn *section_named(Elf *elf, size_t shstrndx, const char *name, size_t *idx)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		const char *n;

		gelf_getshdr(scn, &sh);
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && !strcmp(n, name)) {
			*idx = elf_ndxscn(scn);
			return scn;
		}
	}
	return NULL;
}

static int fix_from_elf(const struct btf *btf, uint32_t id, const char *name, uint32_t *size,
			struct btf_var_secinfo *vars, uint16_t vlen, void *ctx, struct rb_error *e)
{
	struct elf_ctx *c = ctx;
	Elf_Scn *scn = NULL, *sec;
	size_t idx = 0;
	GElf_Shdr sh;

	(void)id;
	(void)e;
	sec = section_named(c->elf, c->shstrndx, name, &idx);
	if (!sec)
		return 0; /* .ksyms/.kconfig: no section; left as they are */
	gelf_getshdr(sec, &sh);
	*size = (uint32_t)sh.sh_size;
	while ((scn = elf_nextscn(c->elf, scn))) {
		Elf_Data *d;
		size_t n;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *sn;

			gelf_getsym(d, (int)i, &sym);
			sn = elf_strptr(c->elf, sh.sh_link, sym.st_name);
			if (!sn || sym.st_shndx != idx)
				continue;
			for (uint16_t v = 0; v < vlen; v++)
				if (!strcmp(btf_name_of(btf, vars[v].type), sn))
					vars[v].offset = (uint32_t)sym.st_value;
		}
	}
	return 0;
}

static int load_blob(const void *data, size_t size, char *log, uint32_t log_size)
{
	struct sys_btf_load_opts o = { .data = data, .size = (uint32_t)size, .log_level = 1,
				       .log_buf = log, .log_size = log_size };

	return sys_btf_load(&o);
}

START_TEST(samples_load_after_sanitising)
{
	struct btf_kernel_kinds none = { 0 }, all = {
		.func = true, .global_func = true, .datasec = true, .float_kind = true,
		.decl_tag = true, .type_tag = true, .enum64 = true,
	};
	char dir[512], path[1024];
	static char log[1 << 16];
	struct dirent *de;
	int loaded = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/samples", test_build_dir());
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		struct btf_sanitize_counts c;
		struct rb_error e = { 0 };
		struct btf *btf = NULL;
		size_t n = strlen(de->d_name), size;
		void *data;
		int fd;

		if (n < 6 || strcmp(de->d_name + n - 6, ".bpf.o"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		struct elf_ctx ec;
		int efd;

		if (elf_read_btf(path, NULL, &btf, &e) < 0)
			continue;
		elf_version(EV_CURRENT);
		efd = open(path, O_RDONLY);
		ck_assert_int_ge(efd, 0);
		ec.elf = elf_begin(efd, ELF_C_READ, NULL);
		ck_assert_ptr_nonnull(ec.elf);
		elf_getshdrstrndx(ec.elf, &ec.shstrndx);
		for (int pass = 0; pass < 2; pass++) {
			ck_assert_msg(btf_sanitize(btf, pass ? &all : &none, fix_from_elf, &ec, &data,
						   &size, &c, &e) == 0,
				      "%s: %s", path, e.msg);
			fd = load_blob(data, size, log, sizeof(log));
			ck_assert_msg(fd >= 0, "%s (%s kinds): BPF_BTF_LOAD %d\n%s", path,
				      pass ? "all" : "no new", fd, log);
			close(fd);
			free(data);
		}
		elf_end(ec.elf);
		close(efd);
		btf_free(btf);
		loaded++;
	}
	closedir(d);
	ck_assert_int_ge(loaded, 5);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel-btf-sanitize");
	TCase *tc = tcase_create("btf_sanitize");

	test_require_kernel();
	tcase_add_test(tc, samples_load_after_sanitising);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
