/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Prepare's result (rb_object_prepare): what load needs after relocation. */
#ifndef RB_LOADER_PREPARE_H
#define RB_LOADER_PREPARE_H

#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"
#include "util/strbuf.h"

struct rb_prepared {
	struct rb_linked_prog **progs; /* one per main program */
	size_t *prog_idx;	       /* the object's program index of each */
	size_t prog_cnt;
	uint8_t *kconfig; /* initial bytes of the kconfig map, or NULL */
	size_t kconfig_size;
	int kconfig_map;		      /* its object map index, or -1 */
	struct rb_extern_resolution *externs; /* one per object extern */
	size_t extern_cnt;
	size_t core_pending;	  /* CO-RE records noted, not applied */
	bool has_syscall_wrapper; /* LINUX_HAS_SYSCALL_WRAPPER */
	char *btf_path;		  /* the target BTF file, once opened */
	char kconfig_err[256];	  /* why the kernel config could not be read, or "" */
	/* Strings for the object's BTF string section (appended at load): the text of the
	 * line_info records of poisoned instructions (relo_poison_lines). Empty when none. */
	struct strbuf btf_strs;
	/* struct_ops maps laid out for the kernel (struct_ops.h), and per object program the
	 * attach BTF id and member index a struct_ops map gives it (member -1: none). */
	struct st_ops_plan *st_ops;
	size_t st_ops_cnt;
	uint32_t *st_prog_btf_id;
	int *st_prog_member;
};

#endif
