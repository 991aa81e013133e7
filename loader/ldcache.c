// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * /etc/ld.so.cache reader. The glibc format (since 2.32 the only one written): a 48-byte
 * header ("glibc-ld.so.cache" "1.1", entry count, string table length, ...), then 24-byte
 * entries {int32 flags; u32 key; u32 value; u32 osversion; u64 hwcap}, key and value being
 * offsets of the soname and the path, counted from the start of that header. Older caches
 * put an "ld.so-1.7.0" table of 12-byte entries first and the glibc part after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/ldcache.h"
#include "util/err.h"

#define NEW_MAGIC     "glibc-ld.so.cache1.1"
#define NEW_MAGIC_LEN 20
#define NEW_HDR_LEN   48
#define NEW_ENTRY_LEN 24
#define OLD_MAGIC     "ld.so-1.7.0"
#define OLD_HDR_LEN   16
#define OLD_ENTRY_LEN 12

/* Entry flags: the low byte is the library kind, the next the ABI it was built for. */
#define FLAG_KIND_MASK 0x00ff
#define FLAG_ABI_MASK  0xff00
#define FLAG_ELF_LIBC6 0x0003
#if defined(__x86_64__)
#define FLAG_THIS_ABI 0x0300
#elif defined(__aarch64__)
#define FLAG_THIS_ABI 0x0a00
#else
#define FLAG_THIS_ABI 0x0000
#endif

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A NUL-terminated string at off inside [0, len), or NULL. */
static const char *str_at(const unsigned char *base, size_t len, uint32_t off)
{
	if (off >= len || !memchr(base + off, '\0', len - off))
		return NULL;
	return (const char *)base + off;
}

/* Where the glibc-format part starts, or -1. */
static long find_new_part(const unsigned char *img, size_t len)
{
	uint32_t nold;
	size_t off;

	if (len >= NEW_HDR_LEN && !memcmp(img, NEW_MAGIC, NEW_MAGIC_LEN))
		return 0;
	if (len < OLD_HDR_LEN || memcmp(img, OLD_MAGIC, strlen(OLD_MAGIC)))
		return -1;
	nold = rd32(img + 12);
	if (nold > (len - OLD_HDR_LEN) / OLD_ENTRY_LEN)
		return -1;
	off = OLD_HDR_LEN + (size_t)nold * OLD_ENTRY_LEN;
	/* The glibc part is aligned; accept 4- or 8-byte alignment. */
	for (size_t align = 4; align <= 8; align *= 2) {
		size_t o = (off + align - 1) & ~(align - 1);

		if (o + NEW_HDR_LEN <= len && !memcmp(img + o, NEW_MAGIC, NEW_MAGIC_LEN))
			return (long)o;
	}
	return -1;
}

int ldcache_lookup(const void *image, size_t len, const char *name, char *out, size_t outlen,
		   struct rb_error *e)
{
	const unsigned char *img = image;
	const unsigned char *part;
	size_t part_len;
	uint32_t n;
	long start = find_new_part(img, len);

	if (start < 0)
		return rb_errorf(e, EINVAL, "ld.so.cache: no glibc-ld.so.cache1.1 header");
	part = img + start;
	part_len = len - (size_t)start;
	n = rd32(part + NEW_MAGIC_LEN);
	if (n > (part_len - NEW_HDR_LEN) / NEW_ENTRY_LEN)
		return rb_errorf(e, EINVAL, "ld.so.cache: %u entries do not fit in %zu bytes", n,
				 part_len);
	for (uint32_t i = 0; i < n; i++) {
		const unsigned char *ent = part + NEW_HDR_LEN + (size_t)i * NEW_ENTRY_LEN;
		uint32_t flags = rd32(ent);
		const char *key = str_at(part, part_len, rd32(ent + 4));
		const char *val = str_at(part, part_len, rd32(ent + 8));

		if (!key || !val)
			return rb_errorf(
				e, EINVAL,
				"ld.so.cache: entry %u has a string offset outside the file", i);
		if ((flags & FLAG_KIND_MASK) != FLAG_ELF_LIBC6 ||
		    (flags & FLAG_ABI_MASK) != FLAG_THIS_ABI || strcmp(key, name))
			continue;
		if (strlen(val) + 1 > outlen)
			return rb_errorf(e, ENAMETOOLONG, "ld.so.cache: path of %s is too long",
					 name);
		strcpy(out, val);
		return 0;
	}
	return -ENOENT;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* Try dir/name; 0 and out filled when it is a regular file. */
static int try_dir(const char *dir, size_t dirlen, const char *name, char *out, size_t outlen)
{
	int n = snprintf(out, outlen, "%.*s/%s", (int)dirlen, dir, name);

	if (n < 0 || (size_t)n >= outlen || !is_file(out))
		return -ENOENT;
	return 0;
}

static int cache_lookup_file(const char *path, const char *name, char *out, size_t outlen)
{
	struct stat st;
	void *img;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	if (fstat(fd, &st) || st.st_size <= 0 || st.st_size > (64 << 20)) {
		close(fd);
		return -ENOENT;
	}
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (img == MAP_FAILED)
		return -ENOENT;
	/* A malformed cache is not fatal: the dynamic loader falls back to the directories. */
	ret = ldcache_lookup(img, (size_t)st.st_size, name, out, outlen, NULL);
	munmap(img, (size_t)st.st_size);
	return ret == 0 && is_file(out) ? 0 : -ENOENT;
}

static const char *const std_dirs[] = {
#if defined(__x86_64__)
	"/lib/x86_64-linux-gnu",
	"/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
	"/lib/aarch64-linux-gnu",
	"/usr/lib/aarch64-linux-gnu",
#endif
	"/lib64",
	"/usr/lib64",
	"/lib",
	"/usr/lib",
};

int ldcache_find_library(const char *name, const char *cache_path, char *out, size_t outlen,
			 struct rb_error *e)
{
	const char *llp = getenv("LD_LIBRARY_PATH");

	if (!cache_path)
		cache_path = "/etc/ld.so.cache";
	if (strchr(name, '/')) {
		if (!is_file(name))
			return rb_errorf(e, ENOENT, "library %s: no such file", name);
		if (strlen(name) + 1 > outlen)
			return rb_errorf(e, ENAMETOOLONG, "library %s: path too long", name);
		strcpy(out, name);
		return 0;
	}
	/* LD_LIBRARY_PATH first, as the dynamic loader does for an unprivileged program. */
	for (const char *p = llp; p && *p;) {
		size_t n = strcspn(p, ":");

		if (n && !try_dir(p, n, name, out, outlen))
			return 0;
		p += n + (p[n] == ':');
	}
	if (!cache_lookup_file(cache_path, name, out, outlen))
		return 0;
	for (size_t i = 0; i < sizeof(std_dirs) / sizeof(std_dirs[0]); i++)
		if (!try_dir(std_dirs[i], strlen(std_dirs[i]), name, out, outlen))
			return 0;
	return rb_errorf(e, ENOENT,
			 "library %s not found (looked in LD_LIBRARY_PATH, %s, /lib64, /usr/lib64, "
			 "/lib, /usr/lib and the multiarch directories)",
			 name, cache_path);
}
