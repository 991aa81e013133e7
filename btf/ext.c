// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * .BTF.ext: per-ELF-section func_info, line_info and CO-RE relocation records. Each
 * subsection starts with its record size (which may be larger than what we know: newer
 * compilers may append fields) followed by {section name offset, count, records}.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "util/err.h"

/* The on-disk header (host order after swapping); core_relo fields are optional. */
struct ext_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t off[BTF_EXT_NR_KINDS][2]; /* {offset, length} per kind, after hdr_len */
};

#define EXT_HDR_MIN 24u /* magic..line_info_len: core_relo arrived later */

struct btf_ext {
	uint8_t *data;
	size_t size;
	struct btf_ext_sec *secs[BTF_EXT_NR_KINDS];
	uint32_t nr[BTF_EXT_NR_KINDS];
};

static const char *const kind_label[BTF_EXT_NR_KINDS] = { "func_info", "line_info",
							  "core_relo" };
static const uint32_t min_rec[BTF_EXT_NR_KINDS] = { 8, 16, 16 };

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static int parse_sub(struct btf_ext *ext, enum btf_ext_kind k, uint32_t start, uint32_t len,
		     const struct btf *btf, const char *what, struct rb_error *err)
{
	const uint8_t *p = ext->data + start;
	uint32_t rec_size, off, n = 0;

	if (!len)
		return 0;
	if (len < 4)
		return rb_errorf(err, EINVAL, "%s: BTF.ext: offset %u: %s subsection of %u bytes "
				 "has no record size", what, start, kind_label[k], len);
	rec_size = rd32(p);
	if (rec_size < min_rec[k] || rec_size % 4)
		return rb_errorf(err, EINVAL, "%s: BTF.ext: offset %u: %s record size %u is invalid "
				 "(minimum %u, multiple of 4)", what, start, kind_label[k],
				 rec_size, min_rec[k]);
	/* Pass 1: count sections and check that each one's records fit. */
	for (off = 4; off < len; n++) {
		uint32_t cnt;

		if (len - off < 8)
			return rb_errorf(err, EINVAL, "%s: BTF.ext: offset %u: %s section header is "
					 "cut off", what, start + off, kind_label[k]);
		cnt = rd32(p + off + 4);
		if (!cnt)
			return rb_errorf(err, EINVAL, "%s: BTF.ext: offset %u: %s section has no "
					 "records", what, start + off, kind_label[k]);
		if ((uint64_t)cnt * rec_size > len - off - 8)
			return rb_errorf(err, EINVAL, "%s: BTF.ext: offset %u: %s section with %u "
					 "records of %u bytes is past the end", what, start + off,
					 kind_label[k], cnt, rec_size);
		off += 8 + cnt * rec_size;
	}
	ext->secs[k] = calloc(n ? n : 1, sizeof(*ext->secs[k]));
	if (!ext->secs[k])
		return rb_errorf(err, ENOMEM, "%s: BTF.ext: out of memory", what);
	for (off = 4, n = 0; off < len; n++) {
		struct btf_ext_sec *s = &ext->secs[k][n];
		uint32_t name_off = rd32(p + off);

		s->sec_name = btf_str(btf, name_off);
		if (!s->sec_name || !s->sec_name[0])
			return rb_errorf(err, EINVAL, "%s: BTF.ext: offset %u: %s section name "
					 "offset %u is not a name in .BTF", what, start + off,
					 kind_label[k], name_off);
		s->nr = rd32(p + off + 4);
		s->rec_size = rec_size;
		s->recs = p + off + 8;
		off += 8 + s->nr * rec_size;
		ext->nr[k] = n + 1;
	}
	return 0;
}

int btf_ext_parse(const void *data, size_t size, const struct btf *btf, const char *what,
		  struct btf_ext **out, struct rb_error *err)
{
	struct ext_header h = { 0 };
	struct btf_ext *ext;
	bool swap;
	int r;

	*out = NULL;
	what = what ? what : "BTF.ext";
	if (size < EXT_HDR_MIN)
		return rb_errorf(err, EINVAL, "%s: BTF.ext: offset 0: %zu bytes is shorter than the "
				 "%u-byte header", what, size, EXT_HDR_MIN);
	if (size > UINT32_MAX)
		return rb_errorf(err, E2BIG, "%s: BTF.ext: %zu bytes is too large", what, size);
	ext = calloc(1, sizeof(*ext));
	if (ext)
		ext->data = malloc(size);
	if (!ext || !ext->data) {
		free(ext);
		return rb_errorf(err, ENOMEM, "%s: BTF.ext: out of memory", what);
	}
	memcpy(ext->data, data, size);
	ext->size = size;
	memcpy(&h.magic, ext->data, 2);
	swap = h.magic == __builtin_bswap16(BTF_MAGIC);
	if (!swap && h.magic != BTF_MAGIC) {
		r = rb_errorf(err, EINVAL, "%s: BTF.ext: offset 0: bad magic 0x%04x (expected "
			      "0x%04x)", what, h.magic, BTF_MAGIC);
		goto fail;
	}
	if (swap != btf_swapped(btf)) {
		r = rb_errorf(err, EINVAL, "%s: BTF.ext: offset 0: byte order differs from .BTF's",
			      what);
		goto fail;
	}
	h.version = ext->data[2];
	if (h.version != 1) {
		r = rb_errorf(err, ENOTSUP, "%s: BTF.ext: offset 2: unsupported version %u", what,
			      h.version);
		goto fail;
	}
	/* Everything after magic/version/flags is 32-bit words: swap them all at once. */
	if (swap)
		for (size_t i = 4; i + 4 <= size; i += 4) {
			uint32_t v = __builtin_bswap32(rd32(ext->data + i));

			memcpy(ext->data + i, &v, 4);
		}
	h.hdr_len = rd32(ext->data + 4);
	if (h.hdr_len < EXT_HDR_MIN || h.hdr_len > size) {
		r = rb_errorf(err, EINVAL, "%s: BTF.ext: offset 4: header length %u is outside "
			      "%u..%zu", what, h.hdr_len, EXT_HDR_MIN, size);
		goto fail;
	}
	for (int k = 0; k < BTF_EXT_NR_KINDS; k++) {
		uint32_t field = 8 + 8 * k;

		if (field + 8 > h.hdr_len)
			break; /* an older header without this subsection */
		h.off[k][0] = rd32(ext->data + field);
		h.off[k][1] = rd32(ext->data + field + 4);
		if ((uint64_t)h.hdr_len + h.off[k][0] + h.off[k][1] > size) {
			r = rb_errorf(err, EINVAL, "%s: BTF.ext: offset %u: %s subsection %u+%u is past "
				      "the end (%zu bytes)", what, field, kind_label[k], h.off[k][0],
				      h.off[k][1], size - h.hdr_len);
			goto fail;
		}
		if (h.off[k][0] % 4) {
			r = rb_errorf(err, EINVAL, "%s: BTF.ext: offset %u: %s subsection offset %u "
				      "is not 4-byte aligned", what, field, kind_label[k],
				      h.off[k][0]);
			goto fail;
		}
		r = parse_sub(ext, k, h.hdr_len + h.off[k][0], h.off[k][1], btf, what, err);
		if (r)
			goto fail;
	}
	*out = ext;
	return 0;
fail:
	btf_ext_free(ext);
	return r;
}

void btf_ext_free(struct btf_ext *ext)
{
	if (!ext)
		return;
	for (int k = 0; k < BTF_EXT_NR_KINDS; k++)
		free(ext->secs[k]);
	free(ext->data);
	free(ext);
}

uint32_t btf_ext_nr_secs(const struct btf_ext *ext, enum btf_ext_kind kind)
{
	return (unsigned)kind < BTF_EXT_NR_KINDS ? ext->nr[kind] : 0;
}

const struct btf_ext_sec *btf_ext_sec_at(const struct btf_ext *ext, enum btf_ext_kind kind,
					 uint32_t i)
{
	if ((unsigned)kind >= BTF_EXT_NR_KINDS || i >= ext->nr[kind])
		return NULL;
	return &ext->secs[kind][i];
}

const struct btf_ext_sec *btf_ext_sec_find(const struct btf_ext *ext, enum btf_ext_kind kind,
					   const char *sec_name)
{
	for (uint32_t i = 0; i < btf_ext_nr_secs(ext, kind); i++)
		if (!strcmp(ext->secs[kind][i].sec_name, sec_name))
			return &ext->secs[kind][i];
	return NULL;
}
