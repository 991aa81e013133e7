/* A tiny builder of raw BTF blobs for tests: types as 32-bit words, a string table. */
#ifndef RB_TEST_BTF_BUILDER_H
#define RB_TEST_BTF_BUILDER_H

#include <linux/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BB_INFO(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (uint32_t)(vlen))
#define BB_INT(enc, off, bits) (((uint32_t)(enc) << 24) | ((uint32_t)(off) << 16) | (uint32_t)(bits))

struct bb {
	uint32_t types[4096];
	uint32_t nt; /* words */
	char strs[8192];
	uint32_t ns; /* bytes */
	uint32_t nr; /* types added */
	uint8_t out[65536];
	size_t out_len;
};

static inline void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->ns = 1; /* "" at offset 0 */
}

/* Add a string, return its offset ("" is 0). */
static inline uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off = b->ns;

	if (!s || !s[0])
		return 0;
	memcpy(b->strs + b->ns, s, strlen(s) + 1);
	b->ns += strlen(s) + 1;
	return off;
}

static inline void bb_word(struct bb *b, uint32_t w)
{
	b->types[b->nt++] = w;
}

/* Start a type: name, kind, vlen, kind_flag, size_or_type. Returns its id (1-based). */
static inline uint32_t bb_type(struct bb *b, const char *name, int kind, int vlen, int kflag,
			       uint32_t size_or_type)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, BB_INFO(kind, kflag, vlen));
	bb_word(b, size_or_type);
	return ++b->nr;
}

static inline uint32_t bb_int(struct bb *b, const char *name, uint32_t size, uint32_t enc,
			      uint32_t bits)
{
	uint32_t id = bb_type(b, name, BTF_KIND_INT, 0, 0, size);

	bb_word(b, BB_INT(enc, 0, bits));
	return id;
}

static inline void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t off)
{
	bb_word(b, bb_str(b, name));
	bb_word(b, type);
	bb_word(b, off);
}

/* An anonymous ARRAY of nelems elem, indexed by type index; returns its id. */
static inline uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index, uint32_t nelems)
{
	uint32_t id = bb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);

	bb_word(b, elem);
	bb_word(b, index);
	bb_word(b, nelems);
	return id;
}

/* Serialise: header, types, strings. Returns the blob. */
static inline const uint8_t *bb_finish(struct bb *b, size_t *len)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(h),
		.type_off = 0,
		.type_len = b->nt * 4,
		.str_off = b->nt * 4,
		.str_len = b->ns,
	};

	memcpy(b->out, &h, sizeof(h));
	memcpy(b->out + sizeof(h), b->types, b->nt * 4);
	memcpy(b->out + sizeof(h) + b->nt * 4, b->strs, b->ns);
	b->out_len = sizeof(h) + b->nt * 4 + b->ns;
	*len = b->out_len;
	return b->out;
}

/* Byte-swap a finished blob into big-endian (header, type words); strings unchanged. */
static inline void bb_to_be(struct bb *b)
{
	struct btf_header *h = (struct btf_header *)b->out;
	uint32_t *w = (uint32_t *)(b->out + sizeof(*h));

	for (uint32_t i = 0; i < b->nt; i++)
		w[i] = __builtin_bswap32(w[i]);
	h->magic = __builtin_bswap16(h->magic);
	h->hdr_len = __builtin_bswap32(h->hdr_len);
	h->type_off = __builtin_bswap32(h->type_off);
	h->type_len = __builtin_bswap32(h->type_len);
	h->str_off = __builtin_bswap32(h->str_off);
	h->str_len = __builtin_bswap32(h->str_len);
}

#endif
