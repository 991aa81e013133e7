// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The kernel's config, kallsyms and version, read from files for prepare (no bpf(2)). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "loader/kernel_env.h"
#include "util/err.h"
#include "util/trace.h"

/* Neither a config nor kallsyms comes near this; it bounds what a strange file can cost. */
#define ENV_FILE_MAX (256u << 20)

static int gunzip(const char *path, const uint8_t *in, size_t in_len, char **out, size_t *out_len,
		  struct rb_error *err)
{
	z_stream zs = {0};
	size_t cap = in_len * 4 + 4096, len = 0;
	char *buf = malloc(cap + 1), *nb;
	int zr;

	if (!buf)
		return rb_errorf(err, ENOMEM, "%s: out of memory", path);
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(buf);
		return rb_errorf(err, EINVAL, "%s: cannot start gzip decoding", path);
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)in_len;
	for (;;) {
		if (len == cap) {
			if (cap >= ENV_FILE_MAX) {
				zr = Z_MEM_ERROR;
				break;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				zr = Z_MEM_ERROR;
				break;
			}
			buf = nb;
		}
		zs.next_out = (Bytef *)buf + len;
		zs.avail_out = (uInt)(cap - len);
		zr = inflate(&zs, Z_NO_FLUSH);
		len = cap - zs.avail_out;
		if (zr == Z_STREAM_END || (zr != Z_OK && zr != Z_BUF_ERROR))
			break;
		if (zr == Z_BUF_ERROR && zs.avail_out)
			break; /* truncated input */
	}
	inflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		free(buf);
		return rb_errorf(err, EINVAL, "%s: gzip data is corrupt or too large", path);
	}
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

int load_read_file(const char *path, char **text, size_t *len, struct rb_error *err)
{
	size_t cap = 65536, n = 0;
	char *buf, *nb;
	ssize_t r;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rb_errorf(err, errno, "%s: %s", path, strerror(errno));
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return rb_errorf(err, ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		if (n == cap) {
			if (cap >= ENV_FILE_MAX) {
				ret = rb_errorf(err, EFBIG, "%s: larger than %u bytes", path,
						ENV_FILE_MAX);
				goto fail;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				ret = rb_errorf(err, ENOMEM, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = rb_errorf(err, errno, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n >= 2 && (uint8_t)buf[0] == 0x1f && (uint8_t)buf[1] == 0x8b) {
		ret = gunzip(path, (uint8_t *)buf, n, text, len, err);
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
fail:
	close(fd);
	free(buf);
	return ret;
}

int load_read_kconfig(char **text, size_t *len, const char **path, struct rb_error *err)
{
	static char boot[300];
	struct utsname u;
	int ret;

	if (!uname(&u)) {
		snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
		if (!access(boot, R_OK)) {
			*path = boot;
			ret = load_read_file(boot, text, len, err);
			trace_emit(RB_TRACE_INFO, "kconfig", ret, 0, "read %s", boot);
			return ret;
		}
	}
	*path = "/proc/config.gz";
	ret = load_read_file(*path, text, len, err);
	trace_emit(RB_TRACE_INFO, "kconfig", ret, 0, "read /proc/config.gz");
	if (ret == -ENOENT)
		return rb_errorf(err, ENOENT,
				 "no kernel config: neither %s nor /proc/config.gz "
				 "exists",
				 boot[0] ? boot : "/boot/config-<release>");
	return ret;
}

/* Length of name without a ".llvm.<digits>" suffix (LTO-renamed statics). */
static size_t essential_len(const char *s, size_t n)
{
	for (size_t i = 0; i + 6 <= n; i++)
		if (!memcmp(s + i, ".llvm.", 6))
			return i;
	return n;
}

int load_kallsyms_resolve(const char *text, size_t len, const char *const *names, uint64_t *addrs,
			  bool *found, uint32_t cnt, struct rb_error *err)
{
	const char *p = text, *end = text + len;

	for (uint32_t i = 0; i < cnt; i++) {
		addrs[i] = 0;
		found[i] = false;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		const char *q = p, *nm;
		uint64_t addr = 0;
		size_t nlen;
		int digits = 0;

		/* "<hex address> <type> <name>[\t[module]]" */
		for (; q < le && digits < 16; q++, digits++) {
			int c = *q, v;

			if (c >= '0' && c <= '9')
				v = c - '0';
			else if (c >= 'a' && c <= 'f')
				v = c - 'a' + 10;
			else if (c >= 'A' && c <= 'F')
				v = c - 'A' + 10;
			else
				break;
			addr = addr << 4 | (uint64_t)v;
		}
		if (!digits || le - q < 4 || q[0] != ' ' || q[2] != ' ')
			goto next;
		nm = q + 3;
		for (nlen = 0; nm + nlen < le && nm[nlen] != ' ' && nm[nlen] != '\t'; nlen++)
			;
		nlen = essential_len(nm, nlen);
		for (uint32_t i = 0; i < cnt; i++) {
			if (strlen(names[i]) != nlen || memcmp(names[i], nm, nlen))
				continue;
			if (found[i] && addrs[i] != addr)
				return rb_errorf(err, EINVAL,
						 "/proc/kallsyms: ksym '%s' is ambiguous: "
						 "0x%" PRIx64 " and 0x%" PRIx64,
						 names[i], addrs[i], addr);
			addrs[i] = addr;
			found[i] = true;
		}
	next:
		p = le + 1;
	}
	return 0;
}

int load_kernel_version(const char *release, uint32_t *version)
{
	unsigned int a = 0, b = 0, c = 0;

	if (sscanf(release, "%u.%u.%u", &a, &b, &c) < 2)
		return -EINVAL;
	if (c > 255)
		c = 255;
	if (a > 255 || b > 255)
		return -EINVAL;
	*version = (a << 16) | (b << 8) | c;
	return 0;
}
