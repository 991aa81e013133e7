/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The inside of struct btf, shared by the files of btf/ only. */
#ifndef RB_BTF_INTERNAL_H
#define RB_BTF_INTERNAL_H

#include <stdint.h>

#include "btf/btf.h"

struct btf {
	const struct btf *base; /* split BTF: the blob our ids and strings continue */
	uint8_t *owned;		/* malloc'd host-order copy (NULL when mapped in place) */
	void *map;		/* mmap of a raw file, used in place */
	size_t map_len;
	const uint8_t *raw; /* the whole blob, host order */
	size_t raw_size;
	struct btf_header hdr; /* host order */
	bool swapped;

	const uint8_t *types; /* start of the type section */
	uint32_t *offs;	      /* offs[i]: offset of type start_id+i in the type section */
	uint32_t nr;	      /* types in this blob */
	uint32_t start_id;

	const char *strs;
	uint32_t str_len;
	uint32_t start_str; /* split BTF: the base's string bytes come first */

	/* Name index (btf/index.c), built on first lookup: this blob's types only. */
	uint32_t *buckets; /* 1 + local index, 0 = empty */
	uint32_t *chain;   /* next (1 + local index) in the same bucket */
	uint32_t nbuckets;
	uint32_t *flavored; /* local indexes of types named "x___y", ascending */
	uint32_t nflavored;
	uint32_t scans; /* lookups answered by a scan before the index was worth building */
};

#endif
