// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Run (stage 5): what the programs of a loaded object send to user space. Every ring buffer
 * and perf event array map is read (bpf/ringbuf, bpf/perfbuf) behind one epoll fd, with
 * trace_pipe's printk lines in the same loop, and each record is matched with a struct of
 * the object's BTF so it can be shown field by field: the struct the user named, or the
 * only named struct whose size fits the record (decided once per map and record size).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "bpf/perfbuf.h"
#include "bpf/ringbuf.h"
#include "bpf/sys.h"
#include "bpf/trace_pipe.h"
#include "btf/format.h"
#include "loader/load.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/trace.h"

#define EV_SIZE_CHOICES	 16 /* record sizes remembered per map */
#define EV_DEFAULT_PAGES 64 /* perf buffer data pages per CPU */
#define EV_TYPE_NAME	 160

struct ev_choice {
	size_t size;
	uint32_t type_id; /* 0: no struct, or more than one */
	bool told;	  /* a record was delivered with it */
};

struct ev_map {
	struct rb_event_reader *r;
	const char *name;
	uint32_t type;
	struct perfbuf_reader *pb;
	struct ev_choice choice[EV_SIZE_CHOICES];
	size_t nchoice;
	bool forced_told;
};

struct rb_event_reader {
	const struct rb_loaded *l;
	const struct btf *btf; /* the object's BTF, NULL without */
	struct rb_event_reader_opts o;
	int epfd;
	struct ringbuf_reader *rb;
	struct ev_map *maps;
	size_t nmaps;
	struct trace_pipe *tp;
	char printk_note[1024];
	uint32_t forced; /* --event-type's struct (0: by size) */
	struct btf *kernel; /* vmlinux BTF, opened at the first choice by size */
	bool kernel_tried;
	struct strbuf text;
	char type_name[EV_TYPE_NAME];
	struct rb_event_stats st;
	int cb_err;
};

/* A named struct or union, or a typedef of one; its id past typedefs and modifiers, or 0. */
static uint32_t composite_of(const struct btf *btf, uint32_t id)
{
	int real = btf_skip_mods_typedefs(btf, id);
	const struct btf_type *t = real > 0 ? btf_type(btf, (uint32_t)real) : NULL;

	return t && btf_is_composite(t) ? (uint32_t)real : 0;
}

static int find_named_type(const struct btf *btf, const char *name, uint32_t *out)
{
	static const int kinds[] = {BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_TYPEDEF};

	if (!strncmp(name, "struct ", 7))
		name += 7;
	else if (!strncmp(name, "union ", 6))
		name += 6;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int id = btf_find(btf, name, kinds[k]);

		if (id > 0 && composite_of(btf, (uint32_t)id)) {
			*out = composite_of(btf, (uint32_t)id);
			return 0;
		}
	}
	return -ENOENT;
}

/* "struct event (160 bytes), struct cfg (8 bytes), ...": what --event-type could name. */
static void list_structs(const struct btf *btf, struct strbuf *sb)
{
	size_t shown = 0;

	for (uint32_t id = btf ? 1 : 0; btf && id < btf_nr_ids(btf); id++) {
		const struct btf_type *t = btf_type(btf, id);

		if (!t || !btf_is_struct(t) || !btf_name(btf, t)[0])
			continue;
		if (shown++ == 12) {
			sb_puts(sb, ", ...");
			break;
		}
		sb_printf(sb, "%sstruct %s (%u bytes)", shown > 1 ? ", " : "", btf_name(btf, t),
			  t->size);
	}
	if (!shown)
		sb_puts(sb, "none");
}

/* Does a struct of ssize bytes fit a record of size bytes from a map of this type? */
static bool size_fits(uint32_t map_type, size_t ssize, size_t size)
{
	if (ssize == size)
		return true;
	/* perf: the raw sample is a u32 size then the data, padded to 8 bytes together */
	return map_type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && ssize &&
	       ((ssize + 4 + 7) & ~(size_t)7) - 4 == size;
}

/*
 * A kernel struct copied into the object's BTF (through vmlinux.h and CO-RE accesses: a
 * libbpf-tools object carries hundreds) is named as one of the running kernel's, with the
 * same size or (vmlinux.h made from another kernel) the same first member. Records are the
 * tool's own types: matching them against kernel structs by size alone decoded execsnoop's
 * variable-size records as posix_cputimers or hw_perf_event.
 */
static bool is_kernel_struct(struct rb_event_reader *r, const struct btf_type *t)
{
	const struct btf_type *k;
	int id;

	if (!r->kernel_tried) {
		r->kernel_tried = true;
		if (btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &r->kernel, NULL) < 0)
			r->kernel = NULL;
	}
	if (!r->kernel)
		return false;
	id = btf_find(r->kernel, btf_name(r->btf, t), BTF_KIND_STRUCT);
	k = id > 0 ? btf_type(r->kernel, (uint32_t)id) : NULL;
	if (!k)
		return false;
	if (k->size == t->size)
		return true;
	return btf_vlen(k) && btf_vlen(t) &&
	       !strcmp(btf_str(r->kernel, btf_members(k)[0].name_off),
		       btf_str(r->btf, btf_members(t)[0].name_off));
}

/*
 * The only named struct of the object's BTF that fits and is not a kernel struct, or 0
 * (none, or several).
 */
static uint32_t struct_by_size(struct rb_event_reader *r, uint32_t map_type, size_t size)
{
	const struct btf *btf = r->btf;
	uint32_t found = 0;

	for (uint32_t id = btf ? 1 : 0; btf && id < btf_nr_ids(btf); id++) {
		const struct btf_type *t = btf_type(btf, id);

		if (!t || !btf_is_struct(t) || !btf_name(btf, t)[0])
			continue;
		if (!size_fits(map_type, t->size, size))
			continue;
		if (is_kernel_struct(r, t))
			continue;
		if (found)
			return 0;
		found = id;
	}
	return found;
}

/* Which struct decodes this record; *first: the first record of its map and size. */
static uint32_t choose_type(struct ev_map *m, size_t size, bool *first)
{
	struct rb_event_reader *r = m->r;
	struct ev_choice *c;

	*first = false;
	if (r->forced) {
		*first = !m->forced_told;
		m->forced_told = true;
		return r->forced;
	}
	for (size_t i = 0; i < m->nchoice; i++)
		if (m->choice[i].size == size) {
			c = &m->choice[i];
			goto found;
		}
	if (m->nchoice == EV_SIZE_CHOICES)
		return struct_by_size(r, m->type, size); /* too many sizes: no memory */
	c = &m->choice[m->nchoice++];
	c->size = size;
	c->type_id = struct_by_size(r, m->type, size);
	if (c->type_id)
		trace_emit(RB_TRACE_INFO, "events", 0, 0,
			   "map '%s': %zu-byte records decoded as struct %s (the only struct that "
			   "size)",
			   m->name, size, btf_name_of(r->btf, c->type_id));
found:
	*first = c->type_id && !c->told;
	c->told = true;
	return c->type_id;
}

static int deliver(struct ev_map *m, int cpu, const void *data, size_t size)
{
	struct rb_event_reader *r = m->r;
	struct rb_event ev = {
		.map = m->name,
		.map_type = m->type,
		.cpu = cpu,
		.data = data,
		.size = size,
	};
	struct rb_error e = {0};
	int ret;

	ev.type_id = choose_type(m, size, &ev.type_first);
	ev.type_forced = r->forced != 0;
	if (ev.type_id) {
		const struct btf_type *t = btf_type(r->btf, ev.type_id);
		struct fmt_out o;
		size_t want = t ? t->size : 0;

		snprintf(r->type_name, sizeof(r->type_name), "%s %s",
			 t && btf_is_union(t) ? "union" : "struct",
			 btf_name_of(r->btf, ev.type_id));
		ev.type_name = r->type_name;
		sb_reset(&r->text);
		fmt_init(&o, &r->text, false);
		o.data = r->o.json_data;
		/* the data style shows a flexible array's elements from the bytes past the
		 * struct (not a perf buffer's padding) */
		if (o.data && size > want && !size_fits(m->type, want, size))
			want = size;
		if (size < want) {
			rb_errorf(&e, EINVAL, "the record has %zu bytes, %s has %zu", size,
				  ev.type_name, want);
			ev.format_err = e.msg;
		} else if (btf_format_value(&o, r->btf, ev.type_id, data, want, &e) < 0) {
			ev.format_err = e.msg;
		} else if (r->text.oom) {
			ev.format_err = "out of memory";
		} else {
			ev.text = sb_str(&r->text);
		}
	}
	r->st.records++;
	ret = r->o.on_event(&ev, r->o.ctx);
	if (ret < 0 && !r->cb_err)
		r->cb_err = ret;
	return ret;
}

static int on_ring_record(void *ctx, const void *data, size_t size)
{
	return deliver(ctx, -1, data, size);
}

static int on_perf_sample(void *ctx, int cpu, const void *data, size_t size)
{
	return deliver(ctx, cpu, data, size);
}

static void on_perf_lost(void *ctx, int cpu, uint64_t lost)
{
	struct ev_map *m = ctx;

	if (m->r->o.on_lost)
		m->r->o.on_lost(m->name, cpu, lost, m->r->o.ctx);
}

static int watch(struct rb_event_reader *r, int fd, const char *what, struct rb_error *err)
{
	struct epoll_event ev = {.events = EPOLLIN};

	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return rb_errorf(err, errno, "event reader: epoll_ctl on %s: %s", what,
				 strerror(errno));
	return 0;
}

static int add_map(struct rb_event_reader *r, size_t i, uint32_t type, struct rb_error *err)
{
	const struct loaded_map *lm = &r->l->maps[i];
	struct ev_map *m = &r->maps[r->nmaps];
	int ret;

	m->r = r;
	m->name = r->l->obj->maps[i].name;
	m->type = type;
	if (type == BPF_MAP_TYPE_RINGBUF) {
		if (!r->rb) {
			r->rb = ringbuf_new(err);
			if (!r->rb)
				return err->err ? err->err : -ENOMEM;
			ret = watch(r, ringbuf_epoll_fd(r->rb), "the ring buffers", err);
			if (ret < 0)
				return ret;
		}
		ret = ringbuf_add(r->rb, lm->fd, on_ring_record, m, err);
		if (ret < 0)
			return rb_err_wrap(err, ret, "map '%s'", m->name);
	} else {
		struct perfbuf_cbs cbs = {on_perf_sample, on_perf_lost, m};

		m->pb = perfbuf_new(lm->fd, r->o.perf_pages ? r->o.perf_pages : EV_DEFAULT_PAGES,
				    &cbs, err);
		if (!m->pb)
			return rb_err_wrap(err, err->err ? err->err : -ENOMEM, "map '%s'", m->name);
		ret = watch(r, perfbuf_epoll_fd(m->pb), m->name, err);
		if (ret < 0) {
			perfbuf_free(m->pb);
			return ret;
		}
	}
	r->nmaps++;
	trace_emit(RB_TRACE_STAGE, "events", 0, 0, "map '%s': reading its %s", m->name,
		   type == BPF_MAP_TYPE_RINGBUF ? "ring buffer"
						: "perf buffer (one BPF output event per CPU)");
	return 0;
}

RB_API int rb_event_reader_new(const struct rb_loaded *l, const struct rb_event_reader_opts *o,
			       struct rb_event_reader **out, struct rb_error *err)
{
	struct rb_event_reader *r;
	struct rb_error local = {0};
	int ret;

	if (!err)
		err = &local;
	*out = NULL;
	if (!l || !o || o->sz < sizeof(*o) || !o->on_event)
		return rb_errorf(err, EINVAL, "event reader: no loaded object or no callback");
	r = calloc(1, sizeof(*r));
	if (!r)
		return rb_errorf(err, ENOMEM, "event reader: out of memory");
	r->l = l;
	r->btf = l->obj->btf;
	r->o = *o;
	r->epfd = -1;
	if (o->event_type && (!r->btf || find_named_type(r->btf, o->event_type, &r->forced))) {
		struct strbuf sb = STRBUF_INIT;

		list_structs(r->btf, &sb);
		ret = rb_errorf(err, ENOENT, "--event-type '%s': %s; its named structs: %s",
				o->event_type,
				r->btf ? "no struct or union of that name in the object's BTF"
				       : "the object has no BTF",
				sb_str(&sb));
		sb_free(&sb);
		goto fail;
	}
	r->maps = calloc(l->map_cnt ? l->map_cnt : 1, sizeof(*r->maps));
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!r->maps || r->epfd < 0) {
		ret = rb_errorf(err, r->maps ? errno : ENOMEM, "event reader: %s",
				r->maps ? strerror(errno) : "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < l->map_cnt; i++) {
		struct bpf_map_info info;

		if (l->maps[i].fd < 0 || sys_map_get_info(l->maps[i].fd, &info) < 0)
			continue;
		if (info.type != BPF_MAP_TYPE_RINGBUF && info.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		ret = add_map(r, i, info.type, err);
		if (ret < 0)
			goto fail;
	}
	if (o->on_line) {
		struct rb_error te = {0};

		r->tp = trace_pipe_open(&te);
		if (!r->tp)
			snprintf(r->printk_note, sizeof(r->printk_note), "%s", te.msg);
		else if (watch(r, trace_pipe_fd(r->tp), "trace_pipe", &te) < 0)
			snprintf(r->printk_note, sizeof(r->printk_note), "%s", te.msg);
	}
	*out = r;
	return 0;
fail:
	rb_event_reader_free(r);
	return ret;
}

/* Everything that is there now, from every source. */
static long deliver_all(struct rb_event_reader *r, struct rb_error *err)
{
	long total = 0, n;

	if (r->rb) {
		n = ringbuf_consume(r->rb);
		if (n < 0)
			return r->cb_err ? r->cb_err : n;
		total += n;
	}
	for (size_t i = 0; i < r->nmaps; i++) {
		if (!r->maps[i].pb)
			continue;
		n = perfbuf_consume(r->maps[i].pb);
		if (n < 0)
			return r->cb_err ? r->cb_err : n;
		total += n;
	}
	/*
	 * trace_pipe is read every time (its poll wakeup may lag behind its contents), but at
	 * most a batch of lines: a program printing as fast as we write (printk on write())
	 * must not keep the caller from Ctrl-C and --duration.
	 */
	for (int batch = 0; r->tp && batch < 4096; batch++) {
		char line[1024];
		int len = trace_pipe_read_line(r->tp, line, sizeof(line), 0);

		if (len == -EAGAIN || len == -EINTR)
			break;
		if (len < 0)
			return rb_errorf(err, len, "reading trace_pipe: %s", strerror(-len));
		r->st.lines++;
		r->o.on_line(line, r->o.ctx);
	}
	return total;
}

RB_API long rb_event_reader_poll(struct rb_event_reader *r, int timeout_ms, struct rb_error *err)
{
	struct epoll_event evs[4];
	int n = epoll_wait(r->epfd, evs, 4, timeout_ms);

	if (n < 0 && errno != EINTR)
		return rb_errorf(err, errno, "event reader: epoll_wait: %s", strerror(errno));
	return deliver_all(r, err);
}

RB_API int rb_event_reader_fd(const struct rb_event_reader *r)
{
	return r->epfd;
}

RB_API size_t rb_event_reader_map_count(const struct rb_event_reader *r)
{
	return r->nmaps;
}

RB_API const char *rb_event_reader_printk_note(const struct rb_event_reader *r)
{
	return r->printk_note;
}

RB_API void rb_event_reader_stats(const struct rb_event_reader *r, struct rb_event_stats *out)
{
	*out = r->st;
	out->discarded = r->rb ? ringbuf_discarded(r->rb) : 0;
	out->lost = 0;
	for (size_t i = 0; i < r->nmaps; i++)
		if (r->maps[i].pb)
			out->lost += perfbuf_lost(r->maps[i].pb);
}

RB_API void rb_event_reader_free(struct rb_event_reader *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nmaps; i++)
		perfbuf_free(r->maps[i].pb);
	ringbuf_free(r->rb);
	trace_pipe_close(r->tp);
	if (r->epfd >= 0)
		close(r->epfd);
	sb_free(&r->text);
	btf_free(r->kernel);
	free(r->maps);
	free(r);
}
