// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/perfbuf.h"
#include "bpf/sys.h"
#include "util/err.h"
#include "util/trace.h"

#define PERFBUF_MAX_CPUS 4096

struct perfbuf_reader {
	int epfd;
	int map_fd;
	struct perfbuf_cbs cbs;
	struct perfbuf_ring *rings;
	size_t nrings;
	struct epoll_event *events;
	uint64_t lost;
};

/* The raw sample layout after the header: u32 size, then the bytes. */
struct raw_sample {
	struct perf_event_header h;
	uint32_t size;
	unsigned char data[];
};

struct lost_record {
	struct perf_event_header h;
	uint64_t id;
	uint64_t lost;
};

long perfbuf_consume_ring(struct perfbuf_ring *r, const struct perfbuf_cbs *cbs,
			  uint64_t *lost_total)
{
	struct perf_event_mmap_page *meta = r->base;
	uint64_t head = __atomic_load_n(&meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = meta->data_tail;
	long delivered = 0;
	int ret = 0;

	while (tail < head && !ret) {
		uint64_t off = tail & (r->data_size - 1);
		struct perf_event_header h;
		const unsigned char *rec;

		memcpy(&h, r->data + off, sizeof(h)); /* 8-aligned: never wraps */
		if (h.size < sizeof(h) || h.size > r->data_size || h.size > head - tail)
			break; /* corrupt: stop rather than loop or overrun */
		if (off + h.size > r->data_size) {
			size_t first = (size_t)(r->data_size - off);

			memcpy(r->scratch, r->data + off, first);
			memcpy(r->scratch + first, r->data, h.size - first);
			rec = r->scratch;
		} else {
			rec = r->data + off;
		}
		if (h.type == PERF_RECORD_SAMPLE && h.size >= sizeof(struct raw_sample)) {
			const struct raw_sample *s = (const void *)rec;
			uint32_t size;

			memcpy(&size, &s->size, sizeof(size));
			if (size <= h.size - sizeof(struct raw_sample)) {
				ret = cbs->sample(cbs->ctx, r->cpu, s->data, size);
				delivered++;
			}
		} else if (h.type == PERF_RECORD_LOST && h.size >= sizeof(struct lost_record)) {
			struct lost_record l;

			memcpy(&l, rec, sizeof(l));
			*lost_total += l.lost;
			if (cbs->lost)
				cbs->lost(cbs->ctx, r->cpu, l.lost);
		}
		tail += h.size;
	}
	__atomic_store_n(&meta->data_tail, tail, __ATOMIC_RELEASE);
	return ret < 0 ? ret : delivered;
}

int perfbuf_parse_cpu_list(const char *s, unsigned char *bits, int max)
{
	int n = 0;

	memset(bits, 0, (size_t)(max + 7) / 8);
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a >= max)
			return -EINVAL;
		b = a;
		s = end;
		if (*s == '-') {
			b = strtol(s + 1, &end, 10);
			if (end == s + 1 || b < a || b >= max)
				return -EINVAL;
			s = end;
		}
		for (long c = a; c <= b; c++)
			if (!(bits[c / 8] & (1u << (c % 8)))) {
				bits[c / 8] |= (unsigned char)(1u << (c % 8));
				n++;
			}
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return n;
}

static void ring_close(struct perfbuf_ring *r)
{
	if (r->base && r->base != MAP_FAILED)
		munmap(r->base, r->mmap_len);
	if (r->fd >= 0)
		close(r->fd);
	free(r->scratch);
}

static int open_cpu(struct perfbuf_reader *rd, int cpu, size_t data_pages, struct rb_error *e)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct perfbuf_ring *r = &rd->rings[rd->nrings];
	struct perf_event_attr attr;
	struct epoll_event ev = {0};
	uint32_t key = (uint32_t)cpu;
	int ret;

	memset(r, 0, sizeof(*r));
	r->cpu = cpu;
	r->fd = -1;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	ret = sys_perf_event_open(&attr, -1, cpu, -1, 0);
	if (ret < 0)
		return rb_errorf(e, ret, "perf buffer: perf_event_open(BPF_OUTPUT) on CPU %d: %s",
				 cpu, strerror(-ret));
	r->fd = ret;
	r->data_size = (uint64_t)data_pages * page;
	r->mmap_len = page + (size_t)r->data_size;
	r->base = mmap(NULL, r->mmap_len, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (r->base == MAP_FAILED) {
		ret = rb_errorf(e, errno, "perf buffer: mmap of %zu bytes for CPU %d: %s",
				r->mmap_len, cpu, strerror(errno));
		goto fail;
	}
	r->data = (unsigned char *)r->base + page;
	r->scratch = malloc((size_t)r->data_size);
	if (!r->scratch) {
		ret = rb_errorf(e, ENOMEM, "perf buffer: out of memory");
		goto fail;
	}
	ret = sys_perf_event_enable(r->fd);
	if (ret < 0) {
		rb_errorf(e, ret, "perf buffer: enabling the event of CPU %d: %s", cpu,
			  strerror(-ret));
		goto fail;
	}
	ret = sys_map_update_elem(rd->map_fd, &key, &r->fd, BPF_ANY);
	if (ret < 0) {
		rb_errorf(e, ret, "perf buffer: storing CPU %d's event in the map: %s", cpu,
			  strerror(-ret));
		goto fail;
	}
	ev.events = EPOLLIN;
	ev.data.u64 = rd->nrings;
	if (epoll_ctl(rd->epfd, EPOLL_CTL_ADD, r->fd, &ev)) {
		ret = rb_errorf(e, errno, "perf buffer: epoll_ctl: %s", strerror(errno));
		goto fail;
	}
	rd->nrings++;
	return 0;
fail:
	ring_close(r);
	return ret;
}

struct perfbuf_reader *perfbuf_new(int map_fd, size_t data_pages, const struct perfbuf_cbs *cbs,
				   struct rb_error *e)
{
	static unsigned char online[PERFBUF_MAX_CPUS / 8];
	struct perfbuf_reader *rd = NULL;
	struct bpf_map_info info;
	char buf[1024];
	int fd, ret, ncpu;
	ssize_t n;

	if (!data_pages || (data_pages & (data_pages - 1)) || data_pages > 1024) {
		rb_errorf(e, EINVAL,
			  "perf buffer: %zu pages per CPU is not a power of 2 up to 1024",
			  data_pages);
		return NULL;
	}
	memset(&info, 0, sizeof(info));
	ret = sys_map_get_info(map_fd, &info);
	if (ret < 0) {
		rb_errorf(e, ret, "perf buffer map fd %d: BPF_OBJ_GET_INFO_BY_FD: %s", map_fd,
			  strerror(-ret));
		return NULL;
	}
	if (info.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY) {
		rb_errorf(e, EINVAL, "map '%s' (id %u) is not a perf event array (type %u)",
			  info.name, info.id, info.type);
		return NULL;
	}
	fd = open("/sys/devices/system/cpu/online", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		rb_errorf(e, EIO, "perf buffer: cannot read /sys/devices/system/cpu/online");
		return NULL;
	}
	buf[n] = '\0';
	ncpu = perfbuf_parse_cpu_list(buf, online, PERFBUF_MAX_CPUS);
	if (ncpu <= 0) {
		rb_errorf(e, EINVAL, "perf buffer: /sys/devices/system/cpu/online holds '%s'", buf);
		return NULL;
	}
	rd = calloc(1, sizeof(*rd));
	if (rd) {
		rd->epfd = -1;
		rd->rings = calloc((size_t)ncpu, sizeof(*rd->rings));
		rd->events = calloc((size_t)ncpu, sizeof(*rd->events));
	}
	if (!rd || !rd->rings || !rd->events) {
		rb_errorf(e, ENOMEM, "perf buffer: out of memory");
		goto fail;
	}
	rd->map_fd = map_fd;
	rd->cbs = *cbs;
	rd->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (rd->epfd < 0) {
		rb_errorf(e, errno, "perf buffer: epoll_create1: %s", strerror(errno));
		goto fail;
	}
	for (int cpu = 0; cpu < PERFBUF_MAX_CPUS && rd->nrings < (size_t)ncpu; cpu++) {
		if (!(online[cpu / 8] & (1u << (cpu % 8))))
			continue;
		if ((uint32_t)cpu >= info.max_entries) {
			trace_emit(RB_TRACE_INFO, "perfbuf", 0, 0,
				   "map '%s' has %u entries: CPU %d and up not covered", info.name,
				   info.max_entries, cpu);
			break;
		}
		if (open_cpu(rd, cpu, data_pages, e) < 0)
			goto fail;
	}
	trace_emit(RB_TRACE_INFO, "perfbuf", 0, 0, "map '%s' (id %u): %zu CPUs, %zu pages each",
		   info.name, info.id, rd->nrings, data_pages);
	return rd;
fail:
	perfbuf_free(rd);
	return NULL;
}

long perfbuf_consume(struct perfbuf_reader *rd)
{
	long total = 0;

	for (size_t i = 0; i < rd->nrings; i++) {
		long n = perfbuf_consume_ring(&rd->rings[i], &rd->cbs, &rd->lost);

		if (n < 0)
			return n;
		total += n;
	}
	return total;
}

long perfbuf_poll(struct perfbuf_reader *rd, int timeout_ms, struct rb_error *e)
{
	int n = epoll_wait(rd->epfd, rd->events, rd->nrings ? (int)rd->nrings : 1, timeout_ms);
	long total = 0;

	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return rb_errorf(e, errno, "perf buffer: epoll_wait: %s", strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		uint64_t k = rd->events[i].data.u64;
		long got;

		if (k >= rd->nrings)
			continue;
		got = perfbuf_consume_ring(&rd->rings[k], &rd->cbs, &rd->lost);
		if (got < 0)
			return got;
		total += got;
	}
	return total;
}

int perfbuf_epoll_fd(const struct perfbuf_reader *rd)
{
	return rd->epfd;
}

uint64_t perfbuf_lost(const struct perfbuf_reader *rd)
{
	return rd->lost;
}

size_t perfbuf_ncpus(const struct perfbuf_reader *rd)
{
	return rd->nrings;
}

void perfbuf_free(struct perfbuf_reader *rd)
{
	if (!rd)
		return;
	for (size_t i = 0; i < rd->nrings; i++) {
		uint32_t key = (uint32_t)rd->rings[i].cpu;

		/* take our fd out of the map so the program stops writing to a closed ring */
		sys_map_delete_elem(rd->map_fd, &key);
		ring_close(&rd->rings[i]);
	}
	if (rd->epfd >= 0)
		close(rd->epfd);
	free(rd->rings);
	free(rd->events);
	free(rd);
}
