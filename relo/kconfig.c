// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* .kconfig values: look a CONFIG_* up in config text, store it with the extern's C type. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "relo/kconfig.h"
#include "util/bytes.h"
#include "util/err.h"

static bool starts(const char *p, const char *end, const char *s, size_t n)
{
	return (size_t)(end - p) >= n && !memcmp(p, s, n);
}

enum relo_kcfg_found relo_kconfig_find(const char *text, size_t len, const char *name,
				       const char **val, size_t *vlen)
{
	static const char unset[] = " is not set";
	const char *p = text, *end = text + len;
	size_t n = strlen(name);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (starts(p, le, name, n) && le - p > (ptrdiff_t)n && p[n] == '=') {
			*val = p + n + 1;
			*vlen = (size_t)(le - *val);
			return RELO_KCFG_VALUE;
		}
		if (starts(p, le, "# ", 2) && starts(p + 2, le, name, n) &&
		    (size_t)(le - (p + 2 + n)) == sizeof(unset) - 1 &&
		    !memcmp(p + 2 + n, unset, sizeof(unset) - 1)) {
			*val = "n";
			*vlen = 1;
			return RELO_KCFG_NOT_SET;
		}
		p = le + 1;
	}
	return RELO_KCFG_ABSENT;
}

static int bad(const struct relo_kcfg_var *v, const char *what, struct rb_error *err,
	       const char *why, const char *val, size_t vlen)
{
	return rb_errorf(err, EINVAL, "%s: kconfig extern '%s': value '%.*s' %s", what, v->name,
			 (int)(vlen > 64 ? 64 : vlen), val, why);
}

static bool num_fits(const struct relo_kcfg_var *v, uint64_t num)
{
	uint32_t bits = v->size * 8;

	if (v->type == RELO_KCFG_BOOL)
		return num <= 1;
	if (bits >= 64)
		return true;
	if (v->is_signed) {
		int64_t s = (int64_t)num, lim = (int64_t)1 << (bits - 1);

		return s >= -lim && s < lim;
	}
	return (num >> bits) == 0;
}

int relo_kconfig_store_num(const struct relo_kcfg_var *v, uint64_t num, uint8_t *dst,
			   const char *what, struct rb_error *err)
{
	if (v->type != RELO_KCFG_INT && v->type != RELO_KCFG_CHAR && v->type != RELO_KCFG_BOOL)
		return rb_errorf(err, EINVAL,
				 "%s: kconfig extern '%s': a number cannot be stored "
				 "in a %s",
				 what, v->name,
				 v->type == RELO_KCFG_TRISTATE ? "tristate" : "string");
	if (v->size != 1 && v->size != 2 && v->size != 4 && v->size != 8)
		return rb_errorf(err, EINVAL, "%s: kconfig extern '%s': integer of %u bytes", what,
				 v->name, v->size);
	if (!num_fits(v, num))
		return rb_errorf(err, ERANGE,
				 "%s: kconfig extern '%s': value %" PRIu64 " (0x%" PRIx64
				 ") does not fit in %s%u byte(s)",
				 what, v->name, num, num,
				 v->type == RELO_KCFG_BOOL ? "a bool of " : "", v->size);
	bytes_store_uint(dst, v->size, num);
	return 0;
}

static int store_tristate_char(const struct relo_kcfg_var *v, char c, uint8_t *dst,
			       const char *what, struct rb_error *err, const char *val, size_t vlen)
{
	switch (v->type) {
	case RELO_KCFG_BOOL:
		if (c == 'm')
			return bad(v, what, err, "is a module (m), which a bool cannot hold", val,
				   vlen);
		dst[0] = c == 'y';
		return 0;
	case RELO_KCFG_TRISTATE:
		bytes_store_uint(dst, v->size, c == 'y' ? 1 : c == 'm' ? 2 : 0);
		return 0;
	case RELO_KCFG_CHAR:
		dst[0] = (uint8_t)c;
		return 0;
	default:
		return bad(v, what, err, "is y/n/m, which needs a bool, char or tristate", val,
			   vlen);
	}
}

int relo_kconfig_store(const struct relo_kcfg_var *v, const char *val, size_t vlen, uint8_t *dst,
		       const char *what, struct rb_error *err)
{
	char num[32], *endp;
	uint64_t n;

	if (vlen == 1 && (val[0] == 'y' || val[0] == 'n' || val[0] == 'm'))
		return store_tristate_char(v, val[0], dst, what, err, val, vlen);
	if (vlen >= 1 && val[0] == '"') {
		size_t len;

		if (vlen < 2 || val[vlen - 1] != '"')
			return bad(v, what, err, "has no closing quote", val, vlen);
		if (v->type != RELO_KCFG_CHAR_ARR)
			return bad(v, what, err, "is a string, which needs a char array", val,
				   vlen);
		len = vlen - 2;
		/* Truncated like libbpf: keep room for the NUL. */
		if (len >= v->size)
			len = v->size ? v->size - 1 : 0;
		memset(dst, 0, v->size);
		memcpy(dst, val + 1, len);
		return 0;
	}
	if (!vlen || vlen >= sizeof(num))
		return bad(v, what, err, "is not a number", val, vlen);
	memcpy(num, val, vlen);
	num[vlen] = '\0';
	errno = 0;
	n = num[0] == '-' ? (uint64_t)strtoll(num, &endp, 0) : strtoull(num, &endp, 0);
	if (errno || *endp)
		return bad(v, what, err, "is not a number", val, vlen);
	return relo_kconfig_store_num(v, n, dst, what, err);
}
