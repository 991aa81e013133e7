// SPDX-License-Identifier: MIT
/*
 * carve: copy every BPF ELF object embedded in a file out to its own file.
 *
 *   carve FILE OUTPREFIX
 *
 * Programs built with BPF skeletons (libbpf-tools, xdp-tools) carry their BPF object as a byte
 * array in .rodata. We scan the whole file for the ELF magic, keep the candidates whose header
 * says ELF64 relocatable with e_machine 247 (EM_BPF), and compute each object's size from its
 * own header: the end of the section header table or of the furthest section, whichever is
 * larger. Objects are written as OUTPREFIX.bpf.o, OUTPREFIX.1.bpf.o, ... and their names
 * printed, one per line. Exit 0 when the scan completed (even if nothing was found), 1 on an
 * I/O error, 2 on a usage error.
 *
 * The input is untrusted: every header field is bounds-checked against the bytes left in the
 * file before it is used, so a truncated or garbage candidate is skipped, never followed.
 */
#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* Read header fields in the candidate's own byte order (EI_DATA), whatever the host's. */
static uint16_t rd16(const unsigned char *p, int big)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return big ? be16toh(v) : le16toh(v);
}

static uint32_t rd32(const unsigned char *p, int big)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return big ? be32toh(v) : le32toh(v);
}

static uint64_t rd64(const unsigned char *p, int big)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return big ? be64toh(v) : le64toh(v);
}

/*
 * If the bytes at p (avail of them) start a plausible BPF ELF object, return its size,
 * else 0. Plausible: ELF64, a known byte order, version 1, ET_REL, EM_BPF, standard header and
 * section header sizes, and every section inside the bytes available.
 */
static uint64_t bpf_elf_size(const unsigned char *p, uint64_t avail)
{
	uint64_t shoff, end, i;
	uint16_t shnum, shentsize;
	int big;

	if (avail < sizeof(Elf64_Ehdr) || memcmp(p, ELFMAG, SELFMAG) != 0)
		return 0;
	if (p[EI_CLASS] != ELFCLASS64 || p[EI_VERSION] != EV_CURRENT)
		return 0;
	if (p[EI_DATA] != ELFDATA2LSB && p[EI_DATA] != ELFDATA2MSB)
		return 0;
	big = p[EI_DATA] == ELFDATA2MSB;
	if (rd16(p + offsetof(Elf64_Ehdr, e_type), big) != ET_REL ||
	    rd16(p + offsetof(Elf64_Ehdr, e_machine), big) != EM_BPF)
		return 0;
	if (rd16(p + offsetof(Elf64_Ehdr, e_ehsize), big) != sizeof(Elf64_Ehdr))
		return 0;
	shentsize = rd16(p + offsetof(Elf64_Ehdr, e_shentsize), big);
	shnum = rd16(p + offsetof(Elf64_Ehdr, e_shnum), big);
	shoff = rd64(p + offsetof(Elf64_Ehdr, e_shoff), big);
	/* shnum 0 would mean "the count is in section 0": objects from clang never need that. */
	if (shentsize != sizeof(Elf64_Shdr) || shnum == 0)
		return 0;
	if (shoff > avail || (uint64_t)shnum * shentsize > avail - shoff)
		return 0;
	end = shoff + (uint64_t)shnum * shentsize;
	for (i = 0; i < shnum; i++) {
		const unsigned char *sh = p + shoff + i * shentsize;
		uint32_t type = rd32(sh + offsetof(Elf64_Shdr, sh_type), big);
		uint64_t off = rd64(sh + offsetof(Elf64_Shdr, sh_offset), big);
		uint64_t size = rd64(sh + offsetof(Elf64_Shdr, sh_size), big);

		if (type == SHT_NOBITS || type == SHT_NULL)
			continue;
		if (off > avail || size > avail - off)
			return 0;
		if (off + size > end)
			end = off + size;
	}
	return end;
}

static int write_file(const char *path, const unsigned char *p, uint64_t size)
{
	FILE *f = fopen(path, "wb");
	int err = 0;

	if (!f)
		return -errno;
	if (fwrite(p, 1, size, f) != size)
		err = -EIO;
	if (fclose(f) != 0 && !err)
		err = -errno;
	return err;
}

int main(int argc, char **argv)
{
	const unsigned char *base, *p;
	struct stat st;
	uint64_t len, off = 0;
	int fd, found = 0, err;
	char out[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: carve FILE OUTPREFIX\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "carve: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	len = (uint64_t)st.st_size;
	if (len < sizeof(Elf64_Ehdr)) {
		close(fd);
		return 0;
	}
	base = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED) {
		fprintf(stderr, "carve: %s: mmap: %s\n", argv[1], strerror(errno));
		return 1;
	}
	while (off + SELFMAG <= len) {
		uint64_t size;

		p = memmem(base + off, len - off, ELFMAG, SELFMAG);
		if (!p)
			break;
		off = (uint64_t)(p - base);
		size = bpf_elf_size(p, len - off);
		if (!size) {
			off++;
			continue;
		}
		if (found == 0)
			snprintf(out, sizeof(out), "%s.bpf.o", argv[2]);
		else
			snprintf(out, sizeof(out), "%s.%d.bpf.o", argv[2], found);
		err = write_file(out, p, size);
		if (err) {
			fprintf(stderr, "carve: %s: %s\n", out, strerror(-err));
			munmap((void *)base, len);
			return 1;
		}
		printf("%s\n", out);
		found++;
		/* An embedded object cannot contain another one: continue after it. */
		off += size;
	}
	munmap((void *)base, len);
	return 0;
}
