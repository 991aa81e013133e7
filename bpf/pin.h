/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pinning in bpffs: make the directories (mkdir -p), pin an fd at a path, and remove a
 * pinned tree again. Every path handled must be on a BPF filesystem: removing a tree
 * anywhere else is refused, so a mistyped directory cannot cost a user their files.
 */
#ifndef RB_BPF_PIN_H
#define RB_BPF_PIN_H

#include <stdbool.h>

#include "rawbpf.h"

#define SYS_BPFFS_DEFAULT "/sys/fs/bpf"

/* True when path (which must exist) is on a BPF filesystem. */
bool sys_is_bpffs(const char *path);
/* mkdir -p dir; the result must be on bpffs. */
int sys_pin_mkdirs(const char *dir, struct rb_error *e);
/* Pin fd at path, creating its parent directories. */
int sys_pin_fd(int fd, const char *path, struct rb_error *e);
/* Remove dir and everything under it (pins, subdirectories); dir must be on bpffs. */
int sys_pin_remove_tree(const char *dir, struct rb_error *e);
/* The same, calling fn after each path is removed (children before their directory). */
typedef void (*sys_pin_removed_fn)(const char *path, bool is_dir, void *ctx);
int sys_pin_remove_tree_each(const char *dir, sys_pin_removed_fn fn, void *ctx,
			     struct rb_error *e);

/*
 * Kernels before 5.11 charge BPF memory to RLIMIT_MEMLOCK (often 64 KiB): raise it to
 * unlimited there, leave it alone elsewhere. Returns 1 if raised, 0 if not needed, -errno.
 */
int sys_bump_memlock(struct rb_error *e);

/*
 * The number of possible CPUs (/sys/devices/system/cpu/possible): what per-CPU map values
 * and perf event arrays are sized by. At least 1.
 */
int sys_possible_cpus(void);

#endif
