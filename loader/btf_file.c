// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * BTF from files: a raw BTF file goes straight to the BTF parser (mmap); an ELF object's
 * .BTF section is found with libelf (ELF is loader/ business) and handed over as bytes.
 * Also the public rb_btf_* API, which wraps struct btf.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf.h"
#include "btf/dump.h"
#include "loader/btf_file.h"
#include "loader/elf_open.h"
#include "util/err.h"
#include "util/strbuf.h"

struct rb_btf {
	struct btf *btf;
};

const struct btf *rb_btf_inner(const struct rb_btf *btf)
{
	return btf ? btf->btf : NULL;
}

/* Call fn with the raw bytes of section name of the ELF file at path (-ENOENT if absent). */
static int with_section(const char *path, const char *name,
			int (*fn)(const void *data, size_t size, const char *what, void *ctx),
			void *ctx, struct rb_error *err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *elf;
	int fd, r = 0;
	bool found = false;

	r = elf_open_path(path, &elf, &fd, err);
	if (r)
		return r;
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		r = rb_errorf(err, EINVAL, "%s: no section name table: %s", path, elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		char what[512];
		const char *sname;
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		sname = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!sname || strcmp(sname, name))
			continue;
		found = true;
		d = sh.sh_type == SHT_NOBITS ? NULL : elf_rawdata(scn, NULL);
		if (!d || !d->d_buf) {
			r = rb_errorf(err, EINVAL, "%s: section '%s' has no data: %s", path, name,
				      elf_errmsg(-1));
			break;
		}
		snprintf(what, sizeof(what), "%s: section '%s'", path, name);
		r = fn(d->d_buf, d->d_size, what, ctx);
		break;
	}
	if (!found && !r)
		r = rb_errorf(err, ENOENT, "%s: no %s section (compile with -g)", path, name);
out:
	elf_open_close(elf, fd);
	return r;
}

struct read_ctx {
	const struct btf *btf; /* base for .BTF; the .BTF for .BTF.ext */
	struct btf *out;
	struct btf_ext *ext;
	struct rb_error *err;
};

static int parse_btf_cb(const void *data, size_t size, const char *what, void *ctx)
{
	struct read_ctx *c = ctx;

	return btf_parse(data, size, c->btf, what, &c->out, c->err);
}

static int parse_ext_cb(const void *data, size_t size, const char *what, void *ctx)
{
	struct read_ctx *c = ctx;

	return btf_ext_parse(data, size, c->btf, what, &c->ext, c->err);
}

int elf_read_btf(const char *path, const struct btf *base, struct btf **out,
		 struct rb_error *err)
{
	struct read_ctx c = { .btf = base, .err = err };
	int r = with_section(path, ".BTF", parse_btf_cb, &c, err);

	*out = r ? NULL : c.out;
	return r;
}

int elf_read_btf_ext(const char *path, const struct btf *btf, struct btf_ext **out,
		     struct rb_error *err)
{
	struct read_ctx c = { .btf = btf, .err = err };
	int r = with_section(path, ".BTF.ext", parse_ext_cb, &c, err);

	*out = r ? NULL : c.ext;
	return r;
}

static bool is_elf(const char *path)
{
	unsigned char m[4];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool yes;

	if (fd < 0)
		return false;
	yes = read(fd, m, 4) == 4 && !memcmp(m, "\177ELF", 4);
	close(fd);
	return yes;
}

RB_API int rb_btf_open(const char *path, const struct rb_btf *base, struct rb_btf **out,
		       struct rb_error *err)
{
	struct rb_btf *h;
	int r;

	*out = NULL;
	if (!path)
		path = RB_BTF_VMLINUX;
	h = calloc(1, sizeof(*h));
	if (!h)
		return rb_errorf(err, ENOMEM, "%s: out of memory", path);
	if (is_elf(path))
		r = elf_read_btf(path, rb_btf_inner(base), &h->btf, err);
	else
		r = btf_open_raw(path, rb_btf_inner(base), &h->btf, err);
	if (r) {
		free(h);
		return r;
	}
	*out = h;
	return 0;
}

RB_API int rb_btf_parse(const void *data, size_t size, const struct rb_btf *base,
			const char *what, struct rb_btf **out, struct rb_error *err)
{
	struct rb_btf *h = calloc(1, sizeof(*h));
	int r;

	*out = NULL;
	if (!h)
		return rb_errorf(err, ENOMEM, "%s: out of memory", what ? what : "BTF");
	r = btf_parse(data, size, rb_btf_inner(base), what, &h->btf, err);
	if (r) {
		free(h);
		return r;
	}
	*out = h;
	return 0;
}

RB_API void rb_btf_free(struct rb_btf *btf)
{
	if (!btf)
		return;
	btf_free(btf->btf);
	free(btf);
}

RB_API uint32_t rb_btf_last_id(const struct rb_btf *btf)
{
	return btf_nr_ids(btf->btf) - 1;
}

RB_API int rb_btf_find(const struct rb_btf *btf, const char *name, int kind)
{
	return btf_find(btf->btf, name, kind);
}

/* Flush the buffer through write when it grows past a chunk (keeps memory flat). */
static int flush(struct strbuf *sb, rb_write_fn write, void *ctx, bool force)
{
	int r = 0;

	if (sb->oom)
		return -ENOMEM;
	if (sb->len && (force || sb->len >= 65536))
		r = write(sb_str(sb), sb->len, ctx);
	if (force || sb->len >= 65536)
		sb_reset(sb);
	return r;
}

static int dump_raw(const struct btf *btf, bool json, const char *type_name, rb_write_fn write,
		    void *ctx, struct rb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t id, n = 0;
	int r = 0;

	if (json)
		sb_puts(&sb, "{\"types\":[");
	for (id = btf_start_id(btf); id < btf_nr_ids(btf); id++) {
		if (type_name && strcmp(btf_name_of(btf, id), type_name))
			continue;
		if (json && n)
			sb_putc(&sb, ',');
		btf_dump_raw_type(btf, id, json, &sb);
		n++;
		if ((r = flush(&sb, write, ctx, false)))
			goto out;
	}
	if (type_name && !n) {
		r = rb_errorf(err, ENOENT, "no type named '%s'", type_name);
		goto out;
	}
	if (json)
		sb_puts(&sb, "]}\n");
	r = flush(&sb, write, ctx, true);
out:
	if (r == -ENOMEM)
		rb_errorf(err, ENOMEM, "out of memory while dumping BTF");
	sb_free(&sb);
	return r;
}

RB_API int rb_btf_dump(const struct rb_btf *h, enum rb_btf_format fmt, const char *type_name,
		       rb_write_fn write, void *ctx, struct rb_error *err)
{
	switch (fmt) {
	case RB_BTF_FORMAT_RAW:
		return dump_raw(h->btf, false, type_name, write, ctx, err);
	case RB_BTF_FORMAT_JSON:
		return dump_raw(h->btf, true, type_name, write, ctx, err);
	case RB_BTF_FORMAT_C:
		return rb_errorf(err, ENOTSUP,
				 "BTF dump as C declarations (--format c) is not implemented yet");
	default:
		return rb_errorf(err, EINVAL, "BTF dump format %d is unknown", fmt);
	}
}
