/*
 * bpf/ringbuf: the consume loop over fake rings laid out like the kernel's (records with
 * 8-byte headers, busy/discard bits, 8-byte padding, a data area mapped twice in a row).
 */
#include <string.h>

#include "testlib.h"
#include "bpf/ringbuf.h"
#include <linux/bpf.h>

#define SIZE 64

struct fake {
	unsigned long cons, prod;
	unsigned char data[2 * SIZE];
	struct ringbuf_ring r;
	/* what the callback saw */
	int n;
	size_t sizes[8];
	unsigned char bytes[8][32];
	int stop_after;
};

static int on_sample(void *ctx, const void *data, size_t size)
{
	struct fake *f = ctx;

	if (f->n < 8) {
		f->sizes[f->n] = size;
		memcpy(f->bytes[f->n], data, size < 32 ? size : 32);
	}
	f->n++;
	return f->stop_after && f->n >= f->stop_after ? -1 : 0;
}

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->r.consumer_pos = &f->cons;
	f->r.producer_pos = &f->prod;
	f->r.data = f->data;
	f->r.mask = SIZE - 1;
	f->r.fn = on_sample;
	f->r.ctx = f;
}

/* Write a record at logical position pos (wrapping), mirror the ring, advance prod. */
static void put(struct fake *f, unsigned long pos, uint32_t flags, const void *payload,
		uint32_t len)
{
	uint32_t hdr[2] = {len | flags, 0};
	unsigned char rec[64];

	memcpy(rec, hdr, 8);
	memcpy(rec + 8, payload, len);
	for (uint32_t i = 0; i < 8 + len; i++)
		f->data[(pos + i) & (SIZE - 1)] = rec[i];
	memcpy(f->data + SIZE, f->data, SIZE); /* the kernel's double mapping */
	f->prod = pos + ((8 + len + 7) & ~7u);
}

START_TEST(records_padding_and_positions)
{
	struct fake f;

	fake_init(&f);
	put(&f, 0, 0, "hello", 5);
	put(&f, 16, 0, "abcdefghijkl", 12);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 2);
	ck_assert_int_eq(f.n, 2);
	ck_assert_uint_eq(f.sizes[0], 5);
	ck_assert(!memcmp(f.bytes[0], "hello", 5));
	ck_assert_uint_eq(f.sizes[1], 12);
	ck_assert(!memcmp(f.bytes[1], "abcdefghijkl", 12));
	ck_assert_uint_eq(f.cons, 40); /* 8+5 -> 16, 8+12 -> 24 */
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 0);
}
END_TEST

/* A batch bound: the rest waits for the next call, nothing is lost or repeated. */
START_TEST(batch_bounds_one_call)
{
	struct fake f;

	fake_init(&f);
	f.r.batch = 1;
	put(&f, 0, 0, "hello", 5);
	put(&f, 16, 0, "abcdefghijkl", 12);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 1);
	ck_assert_uint_eq(f.cons, 16);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 1);
	ck_assert_uint_eq(f.sizes[1], 12);
	ck_assert_uint_eq(f.cons, 40);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 0);
	ck_assert_int_eq(f.n, 2);
}
END_TEST

START_TEST(discarded_skipped_busy_stops)
{
	struct fake f;

	fake_init(&f);
	put(&f, 0, BPF_RINGBUF_DISCARD_BIT, "xxxxxxxx", 8);
	put(&f, 16, 0, "keep", 4);
	put(&f, 32, BPF_RINGBUF_BUSY_BIT, "late", 4);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 1);
	ck_assert(!memcmp(f.bytes[0], "keep", 4));
	ck_assert_uint_eq(f.r.discarded, 1);
	ck_assert_uint_eq(f.cons, 32); /* stopped at the busy record */
	/* the producer commits it: now it is read */
	put(&f, 32, 0, "late", 4);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 1);
	ck_assert(!memcmp(f.bytes[1], "late", 4));
	ck_assert_uint_eq(f.cons, 48);
}
END_TEST

START_TEST(record_wrapping_the_end_reads_contiguous)
{
	struct fake f;
	const char payload[] = "0123456789ABCDEF";

	fake_init(&f);
	f.cons = 56 + 10 * SIZE; /* positions grow forever; only pos & mask is an index */
	put(&f, f.cons, 0, payload, 16);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 1);
	ck_assert_uint_eq(f.sizes[0], 16);
	ck_assert(!memcmp(f.bytes[0], payload, 16));
	ck_assert_uint_eq(f.cons, 56 + 10 * SIZE + 24);
}
END_TEST

START_TEST(callback_stops_and_corrupt_length)
{
	struct fake f;

	fake_init(&f);
	f.stop_after = 1;
	put(&f, 0, 0, "one", 3);
	put(&f, 16, 0, "two", 3);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), -1);
	ck_assert_uint_eq(f.cons, 16); /* the record that stopped us is consumed */
	f.stop_after = 0;
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 1);
	/* a length larger than the ring: stop, never read outside the mapping */
	put(&f, 32, 0, "x", 1);
	memcpy(f.data + 32, &(uint32_t){0x3fffffff}, 4);
	memcpy(f.data + SIZE + 32, &(uint32_t){0x3fffffff}, 4);
	ck_assert_int_eq(ringbuf_consume_ring(&f.r), 0);
	ck_assert_uint_eq(f.cons, 32);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ringbuf");
	TCase *tc = tcase_create("ringbuf");

	tcase_add_test(tc, records_padding_and_positions);
	tcase_add_test(tc, batch_bounds_one_call);
	tcase_add_test(tc, discarded_skipped_busy_stops);
	tcase_add_test(tc, record_wrapping_the_end_reads_contiguous);
	tcase_add_test(tc, callback_stops_and_corrupt_length);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
