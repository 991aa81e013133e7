/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * .kconfig externs: finding a CONFIG_* value in kernel config text and storing it into the
 * kconfig map's bytes with the extern's C type. Pure: the loader reads /proc/config.gz or
 * /boot/config-$(uname -r) and hands the text in.
 */
#ifndef RB_RELO_KCONFIG_H
#define RB_RELO_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

enum relo_kcfg_type {
	RELO_KCFG_BOOL,	    /* bool: y/n, 0/1 */
	RELO_KCFG_CHAR,	    /* char: y/n/m as a character, or a small number */
	RELO_KCFG_TRISTATE, /* enum libbpf_tristate: n=0, y=1, m=2 */
	RELO_KCFG_INT,	    /* 1/2/4/8-byte integer, range-checked */
	RELO_KCFG_CHAR_ARR, /* char[N]: a quoted string, truncated to N-1 */
};

struct relo_kcfg_var {
	const char *name;
	enum relo_kcfg_type type;
	uint32_t size;	/* bytes the value occupies in the map */
	bool is_signed; /* INT */
};

enum relo_kcfg_found {
	RELO_KCFG_ABSENT,  /* not mentioned */
	RELO_KCFG_VALUE,   /* "CONFIG_X=...": *val, *vlen hold the value (quotes kept) */
	RELO_KCFG_NOT_SET, /* "# CONFIG_X is not set": absent for libbpf too (weak -> 0) */
};

/* Find name ("CONFIG_HZ") in config text. */
enum relo_kcfg_found relo_kconfig_find(const char *text, size_t len, const char *name,
				       const char **val, size_t *vlen);

/* Store a config value (as found) into dst (v->size bytes). what names the object. */
int relo_kconfig_store(const struct relo_kcfg_var *v, const char *val, size_t vlen, uint8_t *dst,
		       const char *what, struct rb_error *err);

/* Store a number (virtual externs such as LINUX_KERNEL_VERSION), range-checked. */
int relo_kconfig_store_num(const struct relo_kcfg_var *v, uint64_t num, uint8_t *dst,
			   const char *what, struct rb_error *err);

#endif
