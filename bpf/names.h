/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Names of the kernel's enums as bpftool spells them ("tracepoint", "ringbuf",
 * "perf_event"...), for text, JSON and traces. NULL for a value this table does not know.
 */
#ifndef RB_BPF_NAMES_H
#define RB_BPF_NAMES_H

#include <stdint.h>

const char *sys_prog_type_name(uint32_t type);
const char *sys_map_type_name(uint32_t type);
const char *sys_attach_type_name(uint32_t type);
const char *sys_link_type_name(uint32_t type);

#endif
