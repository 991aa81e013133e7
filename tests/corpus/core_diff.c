/*
 * Test helper for tests/corpus/test_core_corpus.sh: print what the CO-RE engine does to
 * every record of an object against a target BTF, one line per patched instruction, in
 * the words libbpf's debug log uses, normalised as "PROG #INSN: patched VALUE",
 * "PROG #INSN: mem_sz NEW" or "PROG #INSN: poison" (INSN relative to the function).
 * Usage: core_diff OBJ [TARGET_BTF]
 */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf.h"
#include "loader/btf_file.h"
#include "relo/core.h"

struct func {
	char name[128];
	size_t sec;
	uint64_t off, size;
};

static struct func funcs[4096];
static size_t nfuncs;

static void *section(Elf *elf, size_t shstrndx, const char *name, size_t *size, size_t *idx)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		gelf_getshdr(scn, &sh);
		if (strcmp(elf_strptr(elf, shstrndx, sh.sh_name), name))
			continue;
		d = elf_getdata(scn, NULL);
		*size = d ? d->d_size : 0;
		*idx = elf_ndxscn(scn);
		return d ? d->d_buf : NULL;
	}
	return NULL;
}

static void load_funcs(Elf *elf)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize && nfuncs < 4096; i++) {
			GElf_Sym sym;

			gelf_getsym(d, (int)i, &sym);
			if (GELF_ST_TYPE(sym.st_info) != STT_FUNC)
				continue;
			snprintf(funcs[nfuncs].name, sizeof(funcs[0].name), "%s",
				 elf_strptr(elf, sh.sh_link, sym.st_name));
			funcs[nfuncs].sec = sym.st_shndx;
			funcs[nfuncs].off = sym.st_value;
			funcs[nfuncs].size = sym.st_size;
			nfuncs++;
		}
	}
}

static const struct func *func_at(size_t sec, uint64_t off)
{
	for (size_t i = 0; i < nfuncs; i++)
		if (funcs[i].sec == sec && off >= funcs[i].off && off < funcs[i].off + funcs[i].size)
			return &funcs[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const char *target_path = argc > 2 ? argv[2] : "/sys/kernel/btf/vmlinux";
	struct rb_error err = { 0 };
	struct btf *btf, *target;
	struct btf_ext *ext;
	struct core_target tg;
	struct core_ctx *cc;
	size_t shstrndx;
	int fd, status = 0;
	Elf *elf;

	if (argc < 2) {
		fprintf(stderr, "usage: core_diff OBJ [TARGET_BTF]\n");
		return 2;
	}
	if (elf_read_btf(argv[1], NULL, &btf, &err) || elf_read_btf_ext(argv[1], btf, &ext, &err))
		return 0; /* no BTF or no .BTF.ext: nothing to relocate */
	if (btf_open_raw(target_path, NULL, &target, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	elf_version(EV_CURRENT);
	fd = open(argv[1], O_RDONLY);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	elf_getshdrstrndx(elf, &shstrndx);
	load_funcs(elf);
	tg = (struct core_target){ target, "vmlinux" };
	if (core_ctx_new(btf, &tg, 1, &cc, &err))
		return 1;
	for (uint32_t s = 0; s < btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO); s++) {
		const struct btf_ext_sec *sec = btf_ext_sec_at(ext, BTF_EXT_CORE_RELO, s);
		size_t size = 0, sidx = 0;
		struct bpf_insn *sinsns = section(elf, shstrndx, sec->sec_name, &size, &sidx);
		struct bpf_insn *insns = malloc(size ? size : 1);

		if (!sinsns) {
			fprintf(stderr, "%s: no section %s\n", argv[1], sec->sec_name);
			return 1;
		}
		memcpy(insns, sinsns, size);
		for (uint32_t i = 0; i < sec->nr; i++) {
			const struct btf_ext_core_relo *rec = btf_ext_rec(sec, i);
			const struct func *f = func_at(sidx, rec->insn_off);
			uint32_t idx = rec->insn_off / 8, fi;
			struct core_result res;
			struct bpf_insn before;
			int w;

			if (!f || idx >= size / 8) {
				fprintf(stderr, "%s: record at %u is in no function\n", argv[1],
					rec->insn_off);
				status = 1;
				continue;
			}
			fi = (uint32_t)((rec->insn_off - f->off) / 8);
			if (core_calc(cc, rec, f->name, fi, &res, &err)) {
				printf("%s #%u: error\n", f->name, fi);
				fprintf(stderr, "%s\n", err.msg);
				continue;
			}
			before = insns[idx];
			w = core_patch(&insns[idx], (uint32_t)(size / 8 - idx), &res, f->name, fi,
				       &err);
			if (w < 0) {
				printf("%s #%u: error\n", f->name, fi);
				fprintf(stderr, "%s\n", err.msg);
			} else if (insns[idx].code == (BPF_JMP | BPF_CALL) &&
				   insns[idx].imm == RB_POISON_CORE && before.imm != RB_POISON_CORE) {
				if (w == 2)
					printf("%s #%u: poison\n", f->name, fi + 1);
				printf("%s #%u: poison\n", f->name, fi);
			} else {
				printf("%s #%u: patched %llu\n", f->name, fi,
				       (unsigned long long)res.new_val);
				if (insns[idx].code != before.code)
					printf("%s #%u: mem_sz %u\n", f->name, fi, res.new_sz);
			}
			core_result_free(&res);
		}
		free(insns);
	}
	core_ctx_free(cc);
	elf_end(elf);
	close(fd);
	btf_ext_free(ext);
	btf_free(btf);
	btf_free(target);
	return status;
}
