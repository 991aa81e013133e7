/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Finding a shared library by name the way the dynamic loader does: /etc/ld.so.cache (the
 * glibc "glibc-ld.so.cache1.1" format, alone or after the old "ld.so-1.7.0" table), then
 * the standard library directories. Used to resolve uprobe targets such as "libc.so.6".
 */
#ifndef RB_LOADER_LDCACHE_H
#define RB_LOADER_LDCACHE_H

#include <stddef.h>

#include "rawbpf.h"

/*
 * Look name (a file name such as "libc.so.6" or "libc.so") up in a cache image of len bytes.
 * Only entries for this machine's ABI (x86-64 libc6, or aarch64 on arm64) are considered.
 * Copies the path into out and returns 0; -ENOENT when absent, -EINVAL with e filled when
 * the image is malformed.
 */
int ldcache_lookup(const void *image, size_t len, const char *name, char *out, size_t outlen,
		   struct rb_error *e);

/*
 * Resolve a library name: a name with a '/' is used as is; otherwise /etc/ld.so.cache, then
 * the standard directories. 0 and out filled, or -ENOENT with e saying where it looked.
 * cache_path NULL means /etc/ld.so.cache (tests pass their own).
 */
int ldcache_find_library(const char *name, const char *cache_path, char *out, size_t outlen,
			 struct rb_error *e);

#endif
