/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Reading BPF ring buffer maps (BPF_MAP_TYPE_RINGBUF) from user space: the consumer page is
 * mapped read-write (we advance consumer_pos), the producer page and the data area read-only
 * (the kernel maps the data area twice in a row, so a record that wraps past the end reads
 * as one contiguous block). Each record has an 8-byte header: a 32-bit length whose top
 * bits say "busy" (still being written: stop here) and "discard" (skip it), and the record
 * is padded to 8 bytes. Several maps share one epoll fd.
 */
#ifndef RB_BPF_RINGBUF_H
#define RB_BPF_RINGBUF_H

#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

/* Return 0 to go on, negative to stop consuming (the record counts as consumed). */
typedef int (*ringbuf_sample_fn)(void *ctx, const void *data, size_t size);

/* One ring as laid out in memory: what the consume loop works on (tests build fake ones). */
struct ringbuf_ring {
	unsigned long *consumer_pos; /* read-write: we publish how far we have read */
	const unsigned long *producer_pos;
	const unsigned char *data; /* 2 * (mask + 1) bytes readable: the double mapping */
	unsigned long mask;	   /* size - 1; size is a power of 2 */
	ringbuf_sample_fn fn;
	void *ctx;
	/* set by ringbuf_add for a real map */
	int map_fd;
	void *cons_map, *prod_map;
	size_t prod_map_len;
	uint64_t discarded; /* records skipped because the program discarded them */
	/* Most records per consume call (0: RINGBUF_BATCH), so that a program producing as
	 * fast as we print cannot keep the caller from its signals and deadlines. */
	uint32_t batch;
};

#define RINGBUF_BATCH 4096

/*
 * Consume the complete records of one ring, at most r->batch of them: returns the records
 * delivered (>= 0), or the callback's negative return. Stops at a busy record (it is the
 * producer's next one); what is left waits for the next call.
 */
long ringbuf_consume_ring(struct ringbuf_ring *r);

struct ringbuf_reader;

struct ringbuf_reader *ringbuf_new(struct rb_error *e);
/* Add a ring buffer map (by fd; the reader keeps no reference to the fd past free). */
int ringbuf_add(struct ringbuf_reader *rd, int map_fd, ringbuf_sample_fn fn, void *ctx,
		struct rb_error *e);
/* Wait up to timeout_ms (-1: forever) for data, then consume; records delivered or -errno. */
long ringbuf_poll(struct ringbuf_reader *rd, int timeout_ms, struct rb_error *e);
/* Consume what is there without waiting. */
long ringbuf_consume(struct ringbuf_reader *rd);
/* The epoll fd, to wait on it in a larger event loop. */
int ringbuf_epoll_fd(const struct ringbuf_reader *rd);
/* Records skipped as discarded, over all rings. */
uint64_t ringbuf_discarded(const struct ringbuf_reader *rd);
void ringbuf_free(struct ringbuf_reader *rd);

#endif
