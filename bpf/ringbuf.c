// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpf/ringbuf.h"
#include "bpf/sys.h"
#include "util/err.h"
#include "util/trace.h"

#define RINGBUF_MAX_RINGS 1024

struct ringbuf_reader {
	int epfd;
	struct ringbuf_ring *rings;
	size_t nrings;
	struct epoll_event *events;
};

long ringbuf_consume_ring(struct ringbuf_ring *r)
{
	unsigned long cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
	long delivered = 0, seen = 0, batch = r->batch ? r->batch : RINGBUF_BATCH;

	for (;;) {
		unsigned long prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
		bool progress = false;

		while (cons < prod) {
			const unsigned char *rec = r->data + (cons & r->mask);
			uint32_t len = __atomic_load_n((const uint32_t *)rec, __ATOMIC_ACQUIRE);
			uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			unsigned long step;
			int ret = 0;

			if (len & BPF_RINGBUF_BUSY_BIT)
				goto done; /* still being written: everything after it waits */
			/* A corrupt length cannot make us read past the double mapping. */
			if (size > r->mask + 1 - BPF_RINGBUF_HDR_SZ)
				goto done;
			step = ((unsigned long)size + BPF_RINGBUF_HDR_SZ + 7) & ~7UL;
			if (len & BPF_RINGBUF_DISCARD_BIT) {
				r->discarded++;
			} else {
				ret = r->fn(r->ctx, rec + BPF_RINGBUF_HDR_SZ, size);
				delivered++;
			}
			cons += step;
			__atomic_store_n(r->consumer_pos, cons, __ATOMIC_RELEASE);
			progress = true;
			if (ret < 0)
				return ret;
			if (++seen >= batch)
				goto done;
		}
		if (!progress)
			break;
	}
done:
	return delivered;
}

struct ringbuf_reader *ringbuf_new(struct rb_error *e)
{
	struct ringbuf_reader *rd = calloc(1, sizeof(*rd));

	if (!rd) {
		rb_errorf(e, ENOMEM, "ring buffer reader: out of memory");
		return NULL;
	}
	rd->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rd->epfd < 0) {
		rb_errorf(e, errno, "ring buffer reader: epoll_create1: %s", strerror(errno));
		free(rd);
		return NULL;
	}
	return rd;
}

static void ring_unmap(struct ringbuf_ring *r)
{
	long page = sysconf(_SC_PAGESIZE);

	if (r->cons_map && r->cons_map != MAP_FAILED)
		munmap(r->cons_map, (size_t)page);
	if (r->prod_map && r->prod_map != MAP_FAILED)
		munmap(r->prod_map, r->prod_map_len);
}

int ringbuf_add(struct ringbuf_reader *rd, int map_fd, ringbuf_sample_fn fn, void *ctx,
		struct rb_error *e)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct bpf_map_info info;
	struct ringbuf_ring *rings, r = {0};
	struct epoll_event *evs, ev = {0};
	int ret;

	memset(&info, 0, sizeof(info));
	ret = sys_map_get_info(map_fd, &info);
	if (ret < 0)
		return rb_errorf(e, ret, "ring buffer map fd %d: BPF_OBJ_GET_INFO_BY_FD: %s",
				 map_fd, strerror(-ret));
	if (info.type != BPF_MAP_TYPE_RINGBUF)
		return rb_errorf(e, EINVAL, "map '%s' (id %u) is not a ring buffer (type %u)",
				 info.name, info.id, info.type);
	if (!info.max_entries || (info.max_entries & (info.max_entries - 1)) ||
	    info.max_entries % page)
		return rb_errorf(e, EINVAL, "ring buffer map '%s': size %u is not a power of 2",
				 info.name, info.max_entries);
	if (rd->nrings >= RINGBUF_MAX_RINGS)
		return rb_errorf(e, E2BIG, "ring buffer reader: more than %d maps",
				 RINGBUF_MAX_RINGS);
	r.map_fd = map_fd;
	r.fn = fn;
	r.ctx = ctx;
	r.mask = info.max_entries - 1;
	r.cons_map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (r.cons_map == MAP_FAILED) {
		ret = rb_errorf(e, errno, "ring buffer map '%s': mmap of the consumer page: %s",
				info.name, strerror(errno));
		goto fail;
	}
	r.prod_map_len = page + 2 * (size_t)info.max_entries;
	r.prod_map = mmap(NULL, r.prod_map_len, PROT_READ, MAP_SHARED, map_fd, (off_t)page);
	if (r.prod_map == MAP_FAILED) {
		ret = rb_errorf(e, errno, "ring buffer map '%s': mmap of the producer pages: %s",
				info.name, strerror(errno));
		goto fail;
	}
	r.consumer_pos = r.cons_map;
	r.producer_pos = r.prod_map;
	r.data = (const unsigned char *)r.prod_map + page;
	rings = realloc(rd->rings, (rd->nrings + 1) * sizeof(*rings));
	evs = rings ? realloc(rd->events, (rd->nrings + 1) * sizeof(*evs)) : NULL;
	if (rings)
		rd->rings = rings;
	if (evs)
		rd->events = evs;
	if (!rings || !evs) {
		ret = rb_errorf(e, ENOMEM, "ring buffer reader: out of memory");
		goto fail;
	}
	ev.events = EPOLLIN;
	ev.data.u64 = rd->nrings;
	if (epoll_ctl(rd->epfd, EPOLL_CTL_ADD, map_fd, &ev)) {
		ret = rb_errorf(e, errno, "ring buffer map '%s': epoll_ctl: %s", info.name,
				strerror(errno));
		goto fail;
	}
	rd->rings[rd->nrings++] = r;
	trace_emit(RB_TRACE_INFO, "ringbuf", 0, 0, "map '%s' (id %u): %u bytes mapped, fd %d",
		   info.name, info.id, info.max_entries, map_fd);
	return 0;
fail:
	ring_unmap(&r);
	return ret;
}

long ringbuf_consume(struct ringbuf_reader *rd)
{
	long total = 0;

	for (size_t i = 0; i < rd->nrings; i++) {
		long n = ringbuf_consume_ring(&rd->rings[i]);

		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

long ringbuf_poll(struct ringbuf_reader *rd, int timeout_ms, struct rb_error *e)
{
	int n = epoll_wait(rd->epfd, rd->events, rd->nrings ? (int)rd->nrings : 1, timeout_ms);
	long total = 0;

	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return rb_errorf(e, errno, "ring buffer reader: epoll_wait: %s", strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		uint64_t k = rd->events[i].data.u64;
		long got;

		if (k >= rd->nrings)
			continue;
		got = ringbuf_consume_ring(&rd->rings[k]);
		if (got < 0)
			return got;
		total += got;
	}
	return total;
}

int ringbuf_epoll_fd(const struct ringbuf_reader *rd)
{
	return rd->epfd;
}

uint64_t ringbuf_discarded(const struct ringbuf_reader *rd)
{
	uint64_t n = 0;

	for (size_t i = 0; i < rd->nrings; i++)
		n += rd->rings[i].discarded;
	return n;
}

void ringbuf_free(struct ringbuf_reader *rd)
{
	if (!rd)
		return;
	for (size_t i = 0; i < rd->nrings; i++)
		ring_unmap(&rd->rings[i]);
	if (rd->epfd >= 0)
		close(rd->epfd);
	free(rd->rings);
	free(rd->events);
	free(rd);
}
