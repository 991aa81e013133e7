// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * ELF reading with libelf. libelf translates typed sections (symbols, relocations) to host
 * byte order for us; program and data bytes stay as in the file, and their users swap.
 * Every offset and count libelf would trust is checked here first so a hostile file gets a
 * sentence naming the section and offset instead of a libelf error code.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/elf.h"
#include "loader/elf_open.h"
#include "util/err.h"
#include "util/trace.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* No BPF object comes anywhere near this; refuse before allocating for a hostile size. */
#define ELF_MAX_FILE (1ULL << 30)

static const char *machine_name(unsigned int m)
{
	switch (m) {
	case EM_NONE: return "none";
	case EM_386: return "x86";
	case EM_X86_64: return "x86-64";
	case EM_ARM: return "arm";
	case EM_AARCH64: return "aarch64";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	case EM_RISCV: return "riscv";
	default: return "unknown";
	}
}

static const char *etype_name(unsigned int t)
{
	switch (t) {
	case ET_NONE: return "NONE";
	case ET_EXEC: return "EXEC (executable)";
	case ET_DYN: return "DYN (shared object)";
	case ET_CORE: return "CORE";
	default: return "unknown";
	}
}

uint16_t elf_file_u16(const struct elf_file *ef, const void *p)
{
	const uint8_t *b = p;

	return ef->big_endian ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

uint32_t elf_file_u32(const struct elf_file *ef, const void *p)
{
	const uint8_t *b = p;

	if (ef->big_endian)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

uint64_t elf_file_u64(const struct elf_file *ef, const void *p)
{
	const uint8_t *b = p;
	uint64_t lo = elf_file_u32(ef, ef->big_endian ? b + 4 : b);
	uint64_t hi = elf_file_u32(ef, ef->big_endian ? b : b + 4);

	return hi << 32 | lo;
}

static int check_header(struct elf_file *ef, struct rb_error *err)
{
	const uint8_t *id = ef->image;
	GElf_Ehdr eh;

	if (ef->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return rb_errorf(err, EINVAL, "%s: not an ELF file (%zu bytes, no ELF magic)", ef->name,
				 ef->size);
	if (id[EI_CLASS] != ELFCLASS64)
		return rb_errorf(err, EINVAL, "%s: ELF class %u at offset 0x%x is not ELF64; BPF "
				 "objects are 64-bit", ef->name, id[EI_CLASS], EI_CLASS);
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB)
		return rb_errorf(err, EINVAL, "%s: ELF data encoding %u at offset 0x%x is neither "
				 "little- nor big-endian", ef->name, id[EI_DATA], EI_DATA);
	ef->big_endian = id[EI_DATA] == ELFDATA2MSB;
	if (ef->size < sizeof(Elf64_Ehdr))
		return rb_errorf(err, EINVAL, "%s: truncated: %zu bytes is shorter than the ELF "
				 "header (%zu bytes)", ef->name, ef->size, sizeof(Elf64_Ehdr));
	if (!gelf_getehdr(ef->elf, &eh))
		return rb_errorf(err, EINVAL, "%s: unreadable ELF header: %s", ef->name,
				 elf_errmsg(-1));
	if (eh.e_machine != EM_BPF)
		return rb_errorf(err, EINVAL, "%s: ELF machine is %s (%u) at offset 0x12, not BPF "
				 "(%u)", ef->name, machine_name(eh.e_machine), eh.e_machine, EM_BPF);
	if (eh.e_type != ET_REL)
		return rb_errorf(err, EINVAL, "%s: ELF type is %s (%u) at offset 0x10; a BPF object "
				 "must be relocatable (ET_REL, what clang -c produces)", ef->name,
				 etype_name(eh.e_type), eh.e_type);
	if (eh.e_shoff > ef->size || eh.e_shentsize != sizeof(Elf64_Shdr))
		return rb_errorf(err, EINVAL, "%s: truncated or corrupt: section header table at "
				 "offset 0x%llx (entry size %u) is outside the %zu-byte file", ef->name,
				 (unsigned long long)eh.e_shoff, eh.e_shentsize, ef->size);
	/* libelf reports a table that does not fit as "no sections"; say what is wrong. */
	if (eh.e_shnum > (ef->size - eh.e_shoff) / sizeof(Elf64_Shdr))
		return rb_errorf(err, EINVAL, "%s: truncated: %u section headers at offset 0x%llx do "
				 "not fit in the %zu-byte file", ef->name, eh.e_shnum,
				 (unsigned long long)eh.e_shoff, ef->size);
	return 0;
}

static int read_sections(struct elf_file *ef, struct rb_error *err)
{
	size_t shnum, shstrndx;
	Elf *elf = ef->elf;

	if (elf_getshdrnum(elf, &shnum) || elf_getshdrstrndx(elf, &shstrndx))
		return rb_errorf(err, EINVAL, "%s: unreadable section header table: %s", ef->name,
				 elf_errmsg(-1));
	{
		GElf_Ehdr eh;

		gelf_getehdr(elf, &eh);
		if (shnum > (ef->size - eh.e_shoff) / sizeof(Elf64_Shdr))
			return rb_errorf(err, EINVAL, "%s: truncated: %zu section headers at offset "
					 "0x%llx do not fit in the %zu-byte file", ef->name, shnum,
					 (unsigned long long)eh.e_shoff, ef->size);
	}
	if (shnum == 0)
		return rb_errorf(err, EINVAL, "%s: the object has no sections", ef->name);
	if (shstrndx >= shnum)
		return rb_errorf(err, EINVAL, "%s: section-name string table index %zu is out of "
				 "range (%zu sections)", ef->name, shstrndx, shnum);
	ef->secs = calloc(shnum, sizeof(*ef->secs));
	if (!ef->secs)
		return rb_errorf(err, ENOMEM, "%s: out of memory for %zu sections", ef->name, shnum);
	ef->sec_cnt = shnum;
	for (size_t i = 0; i < shnum; i++) {
		struct elf_section *s = &ef->secs[i];
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr sh;
		const char *name;

		s->idx = i;
		s->rel_idx = -1;
		if (!scn || !gelf_getshdr(scn, &sh))
			return rb_errorf(err, EINVAL, "%s: section header %zu is unreadable: %s",
					 ef->name, i, elf_errmsg(-1));
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			return rb_errorf(err, EINVAL, "%s: section %zu: name offset 0x%x is outside "
					 "the section-name string table", ef->name, i, sh.sh_name);
		s->name = name;
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->offset = sh.sh_offset;
		s->size = sh.sh_size;
		s->addralign = sh.sh_addralign;
		s->entsize = sh.sh_entsize;
		s->link = sh.sh_link;
		s->info = sh.sh_info;
		if (i == 0 || sh.sh_type == SHT_NOBITS || sh.sh_type == SHT_NULL)
			continue;
		if (sh.sh_offset > ef->size || sh.sh_size > ef->size - sh.sh_offset)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%zu]: offset 0x%llx + size "
					 "0x%llx is past the end of the file (0x%zx bytes)", ef->name,
					 name, i, (unsigned long long)sh.sh_offset,
					 (unsigned long long)sh.sh_size, ef->size);
		if (sh.sh_flags & SHF_COMPRESSED)
			return rb_errorf(err, EOPNOTSUPP, "%s: section '%s' [%zu] is compressed; "
					 "BPF objects are not", ef->name, name, i);
		if (sh.sh_size)
			s->data = ef->image + sh.sh_offset;
	}
	return 0;
}

static int read_symbols(struct elf_file *ef, struct rb_error *err)
{
	struct elf_section *st = NULL;
	Elf_Data *data;
	size_t n;

	ef->symtab_idx = -1;
	for (size_t i = 0; i < ef->sec_cnt; i++) {
		if (ef->secs[i].type != SHT_SYMTAB)
			continue;
		if (st)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%zu]: a second symbol table "
					 "(the first is [%u])", ef->name, ef->secs[i].name, i, st->idx);
		st = &ef->secs[i];
	}
	if (!st)
		return 0;
	if (st->link == 0 || st->link >= ef->sec_cnt || ef->secs[st->link].type != SHT_STRTAB)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: string table link %u is not a "
				 "string table", ef->name, st->name, st->idx, st->link);
	if (st->size % sizeof(Elf64_Sym))
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: size 0x%llx is not a multiple "
				 "of the symbol size (%zu)", ef->name, st->name, st->idx,
				 (unsigned long long)st->size, sizeof(Elf64_Sym));
	ef->symtab_idx = st->idx;
	n = st->size / sizeof(Elf64_Sym);
	data = elf_getdata(elf_getscn(ef->elf, st->idx), NULL);
	if (!data && n)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: unreadable: %s", ef->name,
				 st->name, st->idx, elf_errmsg(-1));
	ef->syms = calloc(n ? n : 1, sizeof(*ef->syms));
	if (!ef->syms)
		return rb_errorf(err, ENOMEM, "%s: out of memory for %zu symbols", ef->name, n);
	ef->sym_cnt = n;
	for (size_t i = 0; i < n; i++) {
		struct elf_symbol *s = &ef->syms[i];
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, i, &sym))
			return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: symbol %zu at offset "
					 "0x%zx is unreadable", ef->name, st->name, st->idx, i,
					 i * sizeof(Elf64_Sym));
		name = elf_strptr(ef->elf, st->link, sym.st_name);
		if (!name)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: symbol %zu at offset "
					 "0x%zx: name offset 0x%x is outside the string table",
					 ef->name, st->name, st->idx, i, i * sizeof(Elf64_Sym),
					 sym.st_name);
		if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE &&
		    sym.st_shndx >= ef->sec_cnt)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: symbol '%s' (%zu) at "
					 "offset 0x%zx: section index %u out of range (%zu sections)",
					 ef->name, st->name, st->idx, name, i, i * sizeof(Elf64_Sym),
					 sym.st_shndx, ef->sec_cnt);
		s->name = name;
		s->value = sym.st_value;
		s->size = sym.st_size;
		s->shndx = sym.st_shndx;
		s->type = GELF_ST_TYPE(sym.st_info);
		s->bind = GELF_ST_BIND(sym.st_info);
		s->visibility = GELF_ST_VISIBILITY(sym.st_other);
	}
	return 0;
}

static int read_relsec(struct elf_file *ef, struct elf_section *rs, struct elf_relsec *out,
		       struct rb_error *err)
{
	bool rela = rs->type == SHT_RELA;
	size_t esz = rela ? sizeof(Elf64_Rela) : sizeof(Elf64_Rel);
	const struct elf_section *tgt;
	Elf_Data *data;
	size_t n;

	if (rs->info == 0 || rs->info >= ef->sec_cnt)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: target section index %u out "
				 "of range (%zu sections)", ef->name, rs->name, rs->idx, rs->info,
				 ef->sec_cnt);
	if ((int)rs->link != ef->symtab_idx)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: symbol table link %u is not "
				 "the symbol table", ef->name, rs->name, rs->idx, rs->link);
	if (rs->size % esz)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: size 0x%llx is not a multiple "
				 "of the relocation size (%zu)", ef->name, rs->name, rs->idx,
				 (unsigned long long)rs->size, esz);
	tgt = &ef->secs[rs->info];
	if (tgt->rel_idx >= 0)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: section '%s' already has "
				 "relocations in [%d]", ef->name, rs->name, rs->idx, tgt->name,
				 tgt->rel_idx);
	ef->secs[rs->info].rel_idx = rs->idx;
	n = rs->size / esz;
	out->sec = rs->idx;
	out->target = rs->info;
	out->relocs = calloc(n ? n : 1, sizeof(*out->relocs));
	if (!out->relocs)
		return rb_errorf(err, ENOMEM, "%s: out of memory for %zu relocations", ef->name, n);
	out->cnt = n;
	data = elf_getdata(elf_getscn(ef->elf, rs->idx), NULL);
	if (!data && n)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: unreadable: %s", ef->name,
				 rs->name, rs->idx, elf_errmsg(-1));
	for (size_t i = 0; i < n; i++) {
		struct elf_reloc *r = &out->relocs[i];
		uint64_t info;

		if (rela) {
			GElf_Rela ra;

			if (!gelf_getrela(data, i, &ra))
				goto bad;
			r->offset = ra.r_offset;
			r->addend = ra.r_addend;
			info = ra.r_info;
		} else {
			GElf_Rel rl;

			if (!gelf_getrel(data, i, &rl))
				goto bad;
			r->offset = rl.r_offset;
			info = rl.r_info;
		}
		r->sym = GELF_R_SYM(info);
		r->type = GELF_R_TYPE(info);
		if (r->sym >= ef->sym_cnt)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: relocation %zu at offset "
					 "0x%zx: symbol index %u out of range (%zu symbols)", ef->name,
					 rs->name, rs->idx, i, i * esz, r->sym, ef->sym_cnt);
		/* Debug sections are never loaded; their relocations are not our business. */
		if (tgt->type != SHT_NOBITS && (r->offset >= tgt->size || tgt->size - r->offset < 4))
			return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: relocation %zu at offset "
					 "0x%zx: target offset 0x%llx is outside section '%s' (0x%llx "
					 "bytes)", ef->name, rs->name, rs->idx, i, i * esz,
					 (unsigned long long)r->offset, tgt->name,
					 (unsigned long long)tgt->size);
		continue;
bad:
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: relocation %zu at offset 0x%zx "
				 "is unreadable", ef->name, rs->name, rs->idx, i, i * esz);
	}
	return 0;
}

static bool is_debug_section(const char *name)
{
	return !strncmp(name, ".debug", 6) || !strncmp(name, ".rel.debug", 10) ||
	       !strncmp(name, ".rela.debug", 11) || !strcmp(name, ".rel.BTF") ||
	       !strcmp(name, ".rel.BTF.ext");
}

static int read_relocations(struct elf_file *ef, struct rb_error *err)
{
	size_t n = 0;
	int ret;

	for (size_t i = 0; i < ef->sec_cnt; i++)
		if (ef->secs[i].type == SHT_REL || ef->secs[i].type == SHT_RELA)
			n++;
	if (!n)
		return 0;
	if (ef->symtab_idx < 0)
		return rb_errorf(err, EINVAL, "%s: the object has relocation sections but no symbol "
				 "table", ef->name);
	ef->rels = calloc(n, sizeof(*ef->rels));
	if (!ef->rels)
		return rb_errorf(err, ENOMEM, "%s: out of memory", ef->name);
	for (size_t i = 0; i < ef->sec_cnt; i++) {
		struct elf_section *s = &ef->secs[i];

		if (s->type != SHT_REL && s->type != SHT_RELA)
			continue;
		if (is_debug_section(s->name))
			continue;
		ret = read_relsec(ef, s, &ef->rels[ef->rel_cnt], err);
		ef->rel_cnt++;
		if (ret)
			return ret;
	}
	return 0;
}

int elf_file_open_mem(struct elf_file *ef, const char *name, const void *buf, size_t len,
		      struct rb_error *err)
{
	Elf *elf;
	int ret;

	memset(ef, 0, sizeof(*ef));
	ef->symtab_idx = -1;
	ef->name = strdup(name ? name : "<memory>");
	if (!ef->name)
		return rb_errorf(err, ENOMEM, "out of memory");
	if (len > ELF_MAX_FILE) {
		ret = rb_errorf(err, EFBIG, "%s: %zu bytes is too large for a BPF object", ef->name,
				len);
		goto fail;
	}
	/* One spare zero byte: libelf never needs it, but a zero-length buffer stays valid. */
	ef->image = malloc(len + 1);
	if (!ef->image) {
		ret = rb_errorf(err, ENOMEM, "%s: out of memory for %zu bytes", ef->name, len);
		goto fail;
	}
	memcpy(ef->image, buf, len);
	ef->size = len;
	if (len < EI_NIDENT || memcmp(ef->image, ELFMAG, SELFMAG)) {
		ret = rb_errorf(err, EINVAL, "%s: not an ELF file (%zu bytes, no ELF magic)",
				ef->name, len);
		goto fail;
	}
	ret = elf_open_memory(ef->image, len, ef->name, &elf, err);
	ef->elf = elf;
	if (!ret)
		ret = check_header(ef, err);
	if (!ret)
		ret = read_sections(ef, err);
	if (!ret)
		ret = read_symbols(ef, err);
	if (!ret)
		ret = read_relocations(ef, err);
	if (ret)
		goto fail;
	trace_emit(RB_TRACE_INFO, "elf", 0, 0, "%s: %zu bytes, %s-endian, %zu sections, %zu symbols",
		   ef->name, len, ef->big_endian ? "big" : "little", ef->sec_cnt, ef->sym_cnt);
	return 0;
fail:
	elf_file_close(ef);
	return ret;
}

int elf_file_open_path(struct elf_file *ef, const char *path, struct rb_error *err)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd, ret;

	memset(ef, 0, sizeof(*ef));
	ef->symtab_idx = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rb_errorf(err, errno, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return rb_errorf(err, EINVAL, "%s: not a regular file", path);
	}
	if ((unsigned long long)st.st_size > ELF_MAX_FILE) {
		close(fd);
		return rb_errorf(err, EFBIG, "%s: %lld bytes is too large for a BPF object", path,
				 (long long)st.st_size);
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		close(fd);
		return rb_errorf(err, ENOMEM, "%s: out of memory", path);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = rb_errorf(err, n < 0 ? errno : EIO, "%s: read failed at offset %zu",
					path, done);
			free(buf);
			close(fd);
			return ret;
		}
		done += n;
	}
	close(fd);
	ret = elf_file_open_mem(ef, path, buf, done, err);
	free(buf);
	return ret;
}

void elf_file_close(struct elf_file *ef)
{
	if (!ef)
		return;
	for (size_t i = 0; i < ef->rel_cnt; i++)
		free(ef->rels[i].relocs);
	free(ef->rels);
	free(ef->syms);
	free(ef->secs);
	if (ef->elf)
		elf_end(ef->elf);
	free(ef->image);
	free(ef->name);
	memset(ef, 0, sizeof(*ef));
	ef->symtab_idx = -1;
}

const struct elf_section *elf_file_section(const struct elf_file *ef, const char *name)
{
	for (size_t i = 1; i < ef->sec_cnt; i++)
		if (!strcmp(ef->secs[i].name, name))
			return &ef->secs[i];
	return NULL;
}

const struct elf_relsec *elf_file_relsec_for(const struct elf_file *ef, uint32_t idx)
{
	for (size_t i = 0; i < ef->rel_cnt; i++)
		if (ef->rels[i].target == idx)
			return &ef->rels[i];
	return NULL;
}
