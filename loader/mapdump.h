/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Map contents read from the kernel (rb_map_dump): the pieces unit tests reach directly. */
#ifndef RB_LOADER_MAPDUMP_H
#define RB_LOADER_MAPDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"
#include "util/strbuf.h"

struct btf;

/* Where the kernel says which CPUs may ever exist (per-CPU values come one per CPU). */
#define MAPDUMP_POSSIBLE_CPUS "/sys/devices/system/cpu/possible"
/* Bounds before allocating from what the kernel reports. */
#define MAPDUMP_MAX_CPUS 8192u
#define MAPDUMP_MAX_KEY (64u << 10)
#define MAPDUMP_MAX_VALUE_BUF (64u << 20)
#define MAPDUMP_MAX_BTF (256u << 20)

/* Count the CPUs in a list like "0-3,8,10-11\n". Returns the count (> 0) or -EINVAL. */
int mapdump_parse_cpus(const char *text);
/* Per-CPU map types: a lookup returns one value per possible CPU, each 8-byte aligned. */
bool mapdump_is_percpu(uint32_t map_type);
/* Why entries of this map type cannot be listed, or NULL when they can. */
const char *mapdump_no_entries(uint32_t map_type);
/* bpftool's hex bytes: 16 a line, two spaces after the 8th, one between the others. */
void mapdump_hex(struct strbuf *sb, const uint8_t *data, size_t len);
/*
 * The parsed BTF of kernel BTF id btf_id, from the cache or fetched into it (mapdump_btf.c);
 * *out stays the cache's. 0 or -errno with err naming the id.
 */
int mapdump_btf(struct rb_btf_cache *c, uint32_t btf_id, const struct btf **out,
		struct rb_error *err);
/* How many BTF objects the cache has read from the kernel (tests, measurements). */
unsigned long mapdump_btf_fetches(const struct rb_btf_cache *c);

#endif
