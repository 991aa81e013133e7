/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What prepare learns from the running kernel's files (never bpf(2)): the kernel config
 * text for .kconfig externs, /proc/kallsyms addresses for typeless ksyms, the version.
 * The parsing halves take text so tests can hand in their own.
 */
#ifndef RB_LOADER_KERNEL_ENV_H
#define RB_LOADER_KERNEL_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

/*
 * The kernel config as text: /boot/config-$(uname -r) (plain or gzip), else /proc/config.gz.
 * *path says which file it came from. Caller frees *text.
 */
int load_read_kconfig(char **text, size_t *len, const char **path, struct rb_error *err);

/* Read a whole file (procfs files report size 0), gunzipping when it is gzip. */
int load_read_file(const char *path, char **text, size_t *len, struct rb_error *err);

/*
 * Resolve names against kallsyms text ("ffffffff81000000 T name [module]"), in one pass.
 * A name matches a symbol equal to it or to it plus a ".llvm.<hash>" suffix. addrs[i] is 0
 * and found[i] false when absent; two different addresses for one name are an error.
 */
int load_kallsyms_resolve(const char *text, size_t len, const char *const *names, uint64_t *addrs,
			  bool *found, uint32_t cnt, struct rb_error *err);

/* KERNEL_VERSION(a, b, c) of a release string ("6.18.44-fc-v769"); c capped at 255. */
int load_kernel_version(const char *release, uint32_t *version);

#endif
