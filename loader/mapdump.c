// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rb_map_dump: every entry of a kernel map, keys and values formatted with the map's BTF the
 * way `bpftool map dump` prints them (btf/format.c does the typed part). The map's BTF comes
 * from the kernel by id; keys are walked with BPF_MAP_GET_NEXT_KEY (array-like maps by
 * index), every size the kernel reports is bounded before it is allocated, and the walk
 * stops after a bounded number of keys even if a busy hash map keeps changing under it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "btf/format.h"
#include "loader/btf_file.h"
#include "loader/mapdump.h"
#include "util/err.h"
#include "util/strbuf.h"

/* ---- small pieces ---------------------------------------------------------------------- */

int mapdump_parse_cpus(const char *s)
{
	unsigned long total = 0;

	while (*s && *s != '\n') {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return -EINVAL;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1 || b < a)
				return -EINVAL;
			s = end;
		}
		if (b >= MAPDUMP_MAX_CPUS)
			return -EINVAL;
		total += b - a + 1;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return total && total <= MAPDUMP_MAX_CPUS ? (int)total : -EINVAL;
}

static int possible_cpus(struct rb_error *err)
{
	char buf[512];
	ssize_t n;
	int fd = open(MAPDUMP_POSSIBLE_CPUS, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return rb_errorf(err, errno, "%s: cannot open: %s", MAPDUMP_POSSIBLE_CPUS,
				 strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return rb_errorf(err, EIO, "%s: cannot read the list of possible CPUs",
				 MAPDUMP_POSSIBLE_CPUS);
	buf[n] = 0;
	r = mapdump_parse_cpus(buf);
	if (r < 0)
		return rb_errorf(err, EINVAL, "%s: '%.*s' is not a CPU list", MAPDUMP_POSSIBLE_CPUS,
				 (int)strcspn(buf, "\n"), buf);
	return r;
}

bool mapdump_is_percpu(uint32_t t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

const char *mapdump_no_entries(uint32_t t)
{
	switch (t) {
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		return "a ring buffer has no entries: its records are read as they arrive";
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		return "a perf event array holds perf event fds, read as they produce records";
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
		return "a queue or stack has no keys: reading an element removes it";
	case BPF_MAP_TYPE_BLOOM_FILTER:
		return "a bloom filter only answers membership, it cannot list what it holds";
	case BPF_MAP_TYPE_ARENA:
		return "an arena is memory pages, not entries";
	case BPF_MAP_TYPE_STRUCT_OPS:
		return "a struct_ops map holds a kernel structure, not entries";
	default:
		return NULL;
	}
}

/* Maps whose keys are the indices 0 .. max_entries-1. */
static bool indexed(uint32_t t, uint32_t key_size)
{
	return key_size == 4 &&
	       (t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY ||
		t == BPF_MAP_TYPE_PROG_ARRAY || t == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
		t == BPF_MAP_TYPE_CGROUP_ARRAY || t == BPF_MAP_TYPE_DEVMAP ||
		t == BPF_MAP_TYPE_CPUMAP);
}

void mapdump_hex(struct strbuf *sb, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (i && i % 16 == 0)
			sb_putc(sb, '\n');
		else if (i && i % 8 == 0)
			sb_puts(sb, "  ");
		else if (i)
			sb_putc(sb, ' ');
		sb_printf(sb, "%02x", data[i]);
	}
}

/* ---- public: one value, a map by spec ---------------------------------------------------- */

RB_API int rb_btf_format(const struct rb_btf *btf, uint32_t type_id, const void *data,
			 size_t size, enum rb_dump_style style, char **out, struct rb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct fmt_out o;
	int r;

	*out = NULL;
	if (!btf)
		return rb_errorf(err, EINVAL, "no BTF to format type [%u] with", type_id);
	fmt_init(&o, &sb, style == RB_DUMP_TEXT);
	o.data = style == RB_DUMP_JSON_DATA;
	r = btf_format_value(&o, rb_btf_inner(btf), type_id, data, size, err);
	if (r == 0 && sb.oom)
		r = rb_errorf(err, ENOMEM, "out of memory formatting type [%u]", type_id);
	if (r) {
		sb_free(&sb);
		return r;
	}
	*out = sb_detach(&sb);
	if (!*out)
		*out = strdup("");
	return *out ? 0 : rb_errorf(err, ENOMEM, "out of memory");
}

RB_API int rb_map_open(const char *spec, struct rb_error *err)
{
	int fd;

	if (!strncmp(spec, "id:", 3)) {
		char *end;
		unsigned long id = strtoul(spec + 3, &end, 0);

		if (end == spec + 3 || *end || id == 0 || id > UINT32_MAX)
			return rb_errorf(err, EINVAL, "'%s' is not a map id (id:N with N > 0)", spec);
		fd = sys_get_fd_by_id(SYS_OBJ_MAP, (uint32_t)id);
		if (fd < 0)
			return rb_errorf(err, fd, "map id %lu: %s", id,
					 fd == -ENOENT ? "no such map" : strerror(-fd));
		return fd;
	}
	fd = sys_obj_get(spec, 0);
	if (fd < 0)
		return rb_errorf(err, fd, "%s: %s", spec,
				 fd == -ENOENT ? "no such pinned object" : strerror(-fd));
	return fd;
}

/* ---- the dump ---------------------------------------------------------------------------- */

struct dump {
	int fd;
	enum rb_dump_style style;
	rb_write_fn write;
	void *ctx;
	struct rb_map_dump_info *info;
	const struct btf *btf; /* NULL: hex only */
	uint32_t stride;       /* per-CPU: value_size rounded up to 8 */
	struct strbuf sb;
	struct fmt_out out;    /* the whole dump's writer (BTF text, or JSON) */
	struct rb_error *err;
};

static int flush(struct dump *d)
{
	int r = 0;

	if (d->sb.oom)
		return rb_errorf(d->err, ENOMEM, "out of memory formatting map '%s'",
				 d->info->name);
	if (d->sb.len)
		r = d->write(d->sb.buf, d->sb.len, d->ctx);
	sb_reset(&d->sb);
	return r;
}

static int typed(struct dump *d, const char *what, uint32_t id, const uint8_t *data,
		 size_t size)
{
	int r = btf_format_value(&d->out, d->btf, id, data, size, d->err);

	if (r)
		return rb_err_wrap(d->err, r, "map '%s' (id %u): %s", d->info->name, d->info->id,
				   what);
	return 0;
}

/* The "formatted" part (JSON) or the whole entry (BTF text): bpftool's object shape. */
static int typed_entry(struct dump *d, const uint8_t *key, const uint8_t *value)
{
	struct rb_map_dump_info *in = d->info;
	int r;

	fmt_begin(&d->out, '{');
	if (in->key_type_id) {
		fmt_name(&d->out, "key");
		r = typed(d, "key", in->key_type_id, key, in->key_size);
		if (r)
			return r;
	}
	if (mapdump_is_percpu(in->type)) {
		fmt_name(&d->out, "values");
		fmt_begin(&d->out, '[');
		for (uint32_t c = 0; c < in->ncpus; c++) {
			fmt_begin(&d->out, '{');
			fmt_name(&d->out, "cpu");
			fmt_value(&d->out, "%u", c);
			fmt_name(&d->out, "value");
			r = typed(d, "value", in->value_type_id, value + (size_t)c * d->stride,
				  in->value_size);
			if (r)
				return r;
			fmt_end(&d->out, '}');
		}
		fmt_end(&d->out, ']');
	} else {
		fmt_name(&d->out, "value");
		r = typed(d, "value", in->value_type_id, value, in->value_size);
		if (r)
			return r;
	}
	fmt_end(&d->out, '}');
	return 0;
}

static int json_entry(struct dump *d, const uint8_t *key, const uint8_t *value)
{
	struct rb_map_dump_info *in = d->info;
	bool percpu = mapdump_is_percpu(in->type);

	fmt_begin(&d->out, '{');
	fmt_name(&d->out, "key");
	fmt_hex_array(&d->out, key, in->key_size);
	if (percpu) {
		fmt_name(&d->out, "values");
		fmt_begin(&d->out, '[');
		for (uint32_t c = 0; c < in->ncpus; c++) {
			fmt_begin(&d->out, '{');
			fmt_name(&d->out, "cpu");
			fmt_value(&d->out, "%u", c);
			fmt_name(&d->out, "value");
			fmt_hex_array(&d->out, value + (size_t)c * d->stride, in->value_size);
			fmt_end(&d->out, '}');
		}
		fmt_end(&d->out, ']');
	} else {
		fmt_name(&d->out, "value");
		fmt_hex_array(&d->out, value, in->value_size);
	}
	/* what the kernel returns for these is an id: name it (bpftool shows only the bytes) */
	if (in->value_size == 4 && (in->type == BPF_MAP_TYPE_PROG_ARRAY ||
				    in->type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
				    in->type == BPF_MAP_TYPE_HASH_OF_MAPS)) {
		uint32_t id;

		memcpy(&id, value, 4);
		fmt_name(&d->out, in->type == BPF_MAP_TYPE_PROG_ARRAY ? "prog_id" : "map_id");
		fmt_value(&d->out, "%u", id);
	}
	if (d->btf) {
		int r;

		fmt_name(&d->out, "formatted");
		r = typed_entry(d, key, value);
		if (r)
			return r;
	}
	fmt_end(&d->out, '}');
	return 0;
}

static void text_hex_entry(struct dump *d, const uint8_t *key, const uint8_t *value)
{
	struct rb_map_dump_info *in = d->info;

	if (!mapdump_is_percpu(in->type)) {
		bool brk = in->key_size > 16 || in->value_size > 16;
		bool one_line = !brk && in->key_size + in->value_size <= 24;

		sb_puts(&d->sb, brk ? "key:\n" : "key: ");
		mapdump_hex(&d->sb, key, in->key_size);
		sb_puts(&d->sb, one_line ? "  " : "\n");
		sb_puts(&d->sb, brk ? "value:\n" : "value: ");
		mapdump_hex(&d->sb, value, in->value_size);
		sb_putc(&d->sb, '\n');
		return;
	}
	sb_puts(&d->sb, "key:\n");
	mapdump_hex(&d->sb, key, in->key_size);
	sb_putc(&d->sb, '\n');
	for (uint32_t c = 0; c < in->ncpus; c++) {
		sb_printf(&d->sb, "value (CPU %02u):%c", c, in->value_size > 16 ? '\n' : ' ');
		mapdump_hex(&d->sb, value + (size_t)c * d->stride, in->value_size);
		sb_putc(&d->sb, '\n');
	}
}

static int entry(struct dump *d, const uint8_t *key, const uint8_t *value)
{
	int r = 0;

	if (d->style == RB_DUMP_JSON)
		r = json_entry(d, key, value);
	else if (d->btf)
		r = typed_entry(d, key, value);
	else
		text_hex_entry(d, key, value);
	if (r)
		return r;
	d->info->entries++;
	return flush(d);
}

/* Look key up; 1 when it vanished (or an array slot is empty), 0 when value holds it. */
static int lookup(struct dump *d, const uint8_t *key, uint8_t *value)
{
	int r = sys_map_lookup_elem(d->fd, key, value, 0);

	if (r == -ENOENT)
		return 1;
	if (r)
		return rb_errorf(d->err, r, "map '%s' (id %u): BPF_MAP_LOOKUP_ELEM failed: %s",
				 d->info->name, d->info->id, strerror(-r));
	return 0;
}

static int walk(struct dump *d, uint8_t *key, uint8_t *next, uint8_t *value)
{
	struct rb_map_dump_info *in = d->info;
	uint64_t bound = (uint64_t)in->max_entries * 2 + 1024, n = 0;
	bool first = true;
	int r;

	if (indexed(in->type, in->key_size)) {
		for (uint32_t i = 0; i < in->max_entries; i++) {
			memcpy(key, &i, 4);
			r = lookup(d, key, value);
			if (r < 0)
				return r;
			if (r == 0 && (r = entry(d, key, value)))
				return r;
		}
		return 0;
	}
	for (;;) {
		r = sys_map_get_next_key(d->fd, first ? NULL : key, next);
		if (r == -ENOENT)
			return 0;
		if (r && first && (r == -EOPNOTSUPP || r == -ENOTSUP || r == -524 /* ENOTSUPP */)) {
			in->no_entries = "the kernel does not list the keys of this map type";
			return 0;
		}
		if (r)
			return rb_errorf(d->err, r,
					 "map '%s' (id %u): BPF_MAP_GET_NEXT_KEY failed: %s",
					 in->name, in->id, strerror(-r));
		if (++n > bound)
			return rb_errorf(d->err, E2BIG,
					 "map '%s' (id %u): still finding keys after %llu (max_entries "
					 "%u): the map is changing faster than it can be read",
					 in->name, in->id, (unsigned long long)bound, in->max_entries);
		memcpy(key, next, in->key_size);
		first = false;
		r = lookup(d, key, value);
		if (r < 0)
			return r;
		if (r == 0 && (r = entry(d, key, value)))
			return r;
	}
}

static int dump_entries(struct dump *d)
{
	struct rb_map_dump_info *in = d->info;
	size_t vbuf = (size_t)d->stride * in->ncpus;
	uint8_t *key = calloc(1, in->key_size ? in->key_size : 1);
	uint8_t *next = calloc(1, in->key_size ? in->key_size : 1);
	uint8_t *value = calloc(1, vbuf ? vbuf : 1);
	int r;

	if (!key || !next || !value) {
		r = rb_errorf(d->err, ENOMEM, "map '%s': out of memory", in->name);
		goto out;
	}
	if (d->style == RB_DUMP_JSON || d->btf)
		fmt_begin(&d->out, '[');
	r = walk(d, key, next, value);
	if (r)
		goto out;
	if (d->style == RB_DUMP_JSON || d->btf) {
		fmt_end(&d->out, ']');
		sb_putc(&d->sb, '\n');
	} else {
		sb_printf(&d->sb, "Found %llu element%s\n", (unsigned long long)in->entries,
			  in->entries == 1 ? "" : "s");
	}
	r = flush(d);
out:
	free(key);
	free(next);
	free(value);
	return r;
}

RB_API int rb_map_dump(int map_fd, enum rb_dump_style style, rb_write_fn write, void *ctx,
		       struct rb_map_dump_info *info, struct rb_error *err)
{
	return rb_map_dump_cached(map_fd, style, write, ctx, NULL, info, err);
}

RB_API int rb_map_dump_cached(int map_fd, enum rb_dump_style style, rb_write_fn write, void *ctx,
			      struct rb_btf_cache *cache, struct rb_map_dump_info *info,
			      struct rb_error *err)
{
	struct rb_btf_cache *own = NULL;
	struct rb_map_dump_info local;
	struct bpf_map_info mi;
	const struct btf *btf = NULL;
	struct dump d = { .fd = map_fd, .style = style, .write = write, .ctx = ctx, .err = err };
	int r;

	if (style == RB_DUMP_JSON_DATA)
		d.style = RB_DUMP_JSON; /* bpftool's -j shape, values in the data style */

	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	d.info = info;
	r = sys_map_get_info(map_fd, &mi);
	if (r)
		return rb_errorf(err, r, "map fd %d: BPF_OBJ_GET_INFO_BY_FD failed: %s", map_fd,
				 strerror(-r));
	memcpy(info->name, mi.name, sizeof(info->name) - 1);
	info->id = mi.id;
	info->type = mi.type;
	info->key_size = mi.key_size;
	info->value_size = mi.value_size;
	info->max_entries = mi.max_entries;
	info->btf_id = mi.btf_id;
	info->ncpus = 1;
	info->no_entries = mapdump_no_entries(mi.type);
	if (info->no_entries)
		return 0;
	if (mapdump_is_percpu(mi.type)) {
		r = possible_cpus(err);
		if (r < 0)
			return r;
		info->ncpus = (uint32_t)r;
	}
	d.stride = mapdump_is_percpu(mi.type) ? (mi.value_size + 7u) & ~7u : mi.value_size;
	if (mi.key_size > MAPDUMP_MAX_KEY || mi.value_size > MAPDUMP_MAX_VALUE_BUF ||
	    (uint64_t)d.stride * info->ncpus > MAPDUMP_MAX_VALUE_BUF)
		return rb_errorf(err, E2BIG,
				 "map '%s' (id %u): key %u bytes, value %u bytes x %u CPUs exceed the "
				 "bounds (%u, %u bytes)",
				 info->name, info->id, mi.key_size, mi.value_size, info->ncpus,
				 MAPDUMP_MAX_KEY, MAPDUMP_MAX_VALUE_BUF);
	/* as bpftool: values are typed only when the map names a value type in its BTF */
	if (mi.btf_id && mi.btf_value_type_id) {
		if (!cache && !(cache = own = rb_btf_cache_new()))
			return rb_errorf(err, ENOMEM, "map '%s' (id %u): out of memory", info->name,
					 info->id);
		r = mapdump_btf(cache, mi.btf_id, &btf, err);
		if (r) {
			rb_btf_cache_free(own);
			return rb_err_wrap(err, r, "map '%s' (id %u)", info->name, info->id);
		}
		info->key_type_id = mi.btf_key_type_id;
		info->value_type_id = mi.btf_value_type_id;
		d.btf = btf;
	}
	fmt_init(&d.out, &d.sb, style == RB_DUMP_TEXT);
	d.out.data = style == RB_DUMP_JSON_DATA;
	r = dump_entries(&d);
	sb_free(&d.sb);
	rb_btf_cache_free(own);
	return r;
}
