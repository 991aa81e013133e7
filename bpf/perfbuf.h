/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading BPF perf event arrays (BPF_MAP_TYPE_PERF_EVENT_ARRAY, what bpf_perf_event_output
 * writes to): one PERF_COUNT_SW_BPF_OUTPUT software event per online CPU, each with an
 * mmap'd ring (a metadata page, then 2^n data pages) whose fd is stored in the map at that
 * CPU's index. Records are PERF_RECORD_SAMPLE with a raw payload, or PERF_RECORD_LOST when
 * the ring was full; a record may wrap past the end of the ring and is then reassembled.
 */
#ifndef RB_BPF_PERFBUF_H
#define RB_BPF_PERFBUF_H

#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

/* A sample's raw payload (size includes the kernel's padding to 8 bytes). 0: go on,
 * negative: stop. */
typedef int (*perfbuf_sample_fn)(void *ctx, int cpu, const void *data, size_t size);
/* The kernel dropped lost samples on cpu because the ring was full. */
typedef void (*perfbuf_lost_fn)(void *ctx, int cpu, uint64_t lost);

/* One CPU's ring as laid out in memory (tests build fake ones). */
struct perfbuf_ring {
	int cpu;
	int fd;
	void *base;		/* the metadata page (struct perf_event_mmap_page) */
	unsigned char *data;	/* data_size bytes */
	uint64_t data_size;	/* a power of 2 */
	unsigned char *scratch; /* reassembly of wrapped records, data_size bytes */
	size_t mmap_len;
};

struct perfbuf_cbs {
	perfbuf_sample_fn sample;
	perfbuf_lost_fn lost; /* may be NULL */
	void *ctx;
};

/* Consume one ring: samples delivered (>= 0) or the callback's negative return. */
long perfbuf_consume_ring(struct perfbuf_ring *r, const struct perfbuf_cbs *cbs,
			  uint64_t *lost_total);

struct perfbuf_reader;

/*
 * Open a reader on the perf event array map_fd with data_pages (a power of 2) pages per
 * CPU, storing each CPU's event fd in the map. NULL with e filled on failure (nothing left
 * open). CPUs beyond the map's max_entries are not covered (e says nothing; the trace does).
 */
struct perfbuf_reader *perfbuf_new(int map_fd, size_t data_pages, const struct perfbuf_cbs *cbs,
				   struct rb_error *e);
long perfbuf_poll(struct perfbuf_reader *rd, int timeout_ms, struct rb_error *e);
long perfbuf_consume(struct perfbuf_reader *rd);
int perfbuf_epoll_fd(const struct perfbuf_reader *rd);
/* Samples the kernel reported lost, over all CPUs. */
uint64_t perfbuf_lost(const struct perfbuf_reader *rd);
size_t perfbuf_ncpus(const struct perfbuf_reader *rd);
void perfbuf_free(struct perfbuf_reader *rd);

/* Parse a CPU list such as "0-3,5,7-8" (sysfs "online") into a bitmap of max bits;
 * returns the number of CPUs or -EINVAL. */
int perfbuf_parse_cpu_list(const char *s, unsigned char *bits, int max);

#endif
