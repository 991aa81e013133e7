// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The name index: a chained hash of type names per blob, built on the first lookup, so
 * finding a type by name and kind costs one hash and a short chain walk.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "btf/btf_internal.h"

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

/* Does name end in a "___flavor" (X___Y, X and Y not underscores)? */
static bool has_flavor(const char *name)
{
	const char *p = strstr(name, "___");

	for (; p; p = strstr(p + 1, "___"))
		if (p > name && p[-1] != '_' && p[3] && p[3] != '_')
			return true;
	return false;
}

/* Build the index of one blob. Ids are inserted from the highest so chains run low to high. */
static int build_index(struct btf *btf)
{
	uint32_t nb = 16;

	while (nb < btf->nr && nb < (1u << 30))
		nb <<= 1;
	uint32_t nflav = 0, cap = 0;

	btf->buckets = calloc(nb, sizeof(*btf->buckets));
	btf->chain = calloc(btf->nr ? btf->nr : 1, sizeof(*btf->chain));
	if (!btf->buckets || !btf->chain) {
		free(btf->buckets);
		free(btf->chain);
		btf->buckets = btf->chain = NULL;
		return -ENOMEM;
	}
	for (uint32_t i = btf->nr; i-- > 0;) {
		const struct btf_type *t = (const void *)(btf->types + btf->offs[i]);
		const char *name = btf_name(btf, t);
		uint32_t b;

		if (!name[0])
			continue;
		b = name_hash(name) & (nb - 1);
		btf->chain[i] = btf->buckets[b];
		btf->buckets[b] = i + 1;
		if (strchr(name, '_') && has_flavor(name)) {
			if (nflav == cap) {
				uint32_t *f = realloc(btf->flavored, (cap ? cap * 2 : 16) * sizeof(*f));

				if (!f)
					continue; /* the list is a hint for lookups; keep going */
				btf->flavored = f;
				cap = cap ? cap * 2 : 16;
			}
			btf->flavored[nflav++] = i; /* highest first; reversed below */
		}
	}
	for (uint32_t i = 0; i < nflav / 2; i++) {
		uint32_t t = btf->flavored[i];

		btf->flavored[i] = btf->flavored[nflav - 1 - i];
		btf->flavored[nflav - 1 - i] = t;
	}
	btf->nflavored = nflav;
	btf->nbuckets = nb;
	return 0;
}

const uint32_t *btf_flavored(const struct btf *cbtf, uint32_t *cnt, uint32_t *first_id)
{
	struct btf *btf = (struct btf *)cbtf;

	*cnt = 0;
	*first_id = btf->start_id;
	if (!btf->buckets && build_index(btf))
		return NULL;
	*cnt = btf->nflavored;
	return btf->flavored;
}

/*
 * Lookups answered by a plain scan before the index is built. Hashing every name of vmlinux
 * costs as much as a few dozen scans (a scan mostly compares first characters), and a load
 * that only resolves a tp_btf or iter target makes one or two lookups.
 */
#define SCANS_BEFORE_INDEX 16

/* Walk one blob's chain for name; fn(id) != 0 stops. Falls back to a scan without memory. */
static int each_in_blob(const struct btf *cbtf, const char *name,
			int (*fn)(uint32_t id, void *ctx), void *ctx)
{
	struct btf *btf = (struct btf *)cbtf; /* the lazily built index is a cache */
	int r;

	if (!btf->buckets && (btf->scans++ < SCANS_BEFORE_INDEX || build_index(btf))) {
		for (uint32_t i = 0; i < btf->nr; i++) {
			const struct btf_type *t = (const void *)(btf->types + btf->offs[i]);

			if (!strcmp(btf_name(btf, t), name) && (r = fn(btf->start_id + i, ctx)))
				return r;
		}
		return 0;
	}
	for (uint32_t e = btf->buckets[name_hash(name) & (btf->nbuckets - 1)]; e;
	     e = btf->chain[e - 1]) {
		const struct btf_type *t = (const void *)(btf->types + btf->offs[e - 1]);

		if (!strcmp(btf_name(btf, t), name) && (r = fn(btf->start_id + e - 1, ctx)))
			return r;
	}
	return 0;
}

static int each_rec(const struct btf *btf, const char *name, int (*fn)(uint32_t, void *),
		    void *ctx, int depth)
{
	int r;

	if (btf->base && depth < 8 && (r = each_rec(btf->base, name, fn, ctx, depth + 1)))
		return r;
	return each_in_blob(btf, name, fn, ctx);
}

int btf_find_each(const struct btf *btf, const char *name,
		  int (*fn)(uint32_t id, void *ctx), void *ctx)
{
	if (!name || !name[0])
		return 0;
	return each_rec(btf, name, fn, ctx, 0);
}

struct find_ctx {
	const struct btf *btf;
	int kind;
	int id;
};

static int find_one(uint32_t id, void *ctx)
{
	struct find_ctx *c = ctx;

	if (c->kind >= 0 && btf_kind(btf_type(c->btf, id)) != c->kind)
		return 0;
	c->id = (int)id;
	return 1;
}

int btf_find(const struct btf *btf, const char *name, int kind)
{
	struct find_ctx c = { .btf = btf, .kind = kind, .id = -ENOENT };

	btf_find_each(btf, name, find_one, &c);
	return c.id;
}
