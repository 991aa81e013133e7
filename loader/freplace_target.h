/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* freplace targets: a pinned program and one of its functions, for the load (see .c). */
#ifndef RB_LOADER_FREPLACE_TARGET_H
#define RB_LOADER_FREPLACE_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

/*
 * Split "PINNED_PROG[:FUNC]" into path and func (sec_func when the target names none).
 * -EINVAL when there is no function either way or a part does not fit.
 */
int freplace_parse(const char *target, const char *sec_func, char *path, size_t pathlen, char *func,
		   size_t funclen);

/*
 * The target program's fd (the caller closes it after the load) and the BTF id of the
 * function in that program's BTF. -errno with e naming the pin, the program and, for a
 * missing function, the functions it has.
 */
int freplace_resolve(const char *target, const char *sec_func, int *prog_fd, uint32_t *btf_id,
		     struct rb_error *e);

#endif
