/*
 * bpf/perfbuf: the consume loop over fake perf rings (samples, lost records, a record that
 * wraps the end of the ring, corrupt sizes) and the CPU list parser.
 */
#include <linux/perf_event.h>
#include <errno.h>
#include <string.h>

#include "testlib.h"
#include "bpf/perfbuf.h"

#define DSIZE 128

struct fake {
	union {
		struct perf_event_mmap_page meta;
		unsigned char page[4096];
	} m;
	unsigned char data[DSIZE];
	unsigned char scratch[DSIZE];
	struct perfbuf_ring r;
	int n;
	size_t sizes[8];
	unsigned char bytes[8][64];
	uint64_t lost_cb;
	int stop_after;
};

static int on_sample(void *ctx, int cpu, const void *data, size_t size)
{
	struct fake *f = ctx;

	ck_assert_int_eq(cpu, 3);
	if (f->n < 8) {
		f->sizes[f->n] = size;
		memcpy(f->bytes[f->n], data, size < 64 ? size : 64);
	}
	f->n++;
	return f->stop_after && f->n >= f->stop_after ? -1 : 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct fake *f = ctx;

	ck_assert_int_eq(cpu, 3);
	f->lost_cb += lost;
}

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->r.cpu = 3;
	f->r.base = &f->m;
	f->r.data = f->data;
	f->r.data_size = DSIZE;
	f->r.scratch = f->scratch;
}

/* Write bytes at logical position pos of the ring (wrapping). */
static void ring_write(struct fake *f, uint64_t pos, const void *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		f->data[(pos + i) % DSIZE] = ((const unsigned char *)src)[i];
}

/* A sample record with payload (padded like the kernel: u32 size + data to 8 bytes). */
static uint64_t put_sample(struct fake *f, uint64_t pos, const void *payload, uint32_t len)
{
	uint32_t padded = ((len + 4 + 7) & ~7u) - 4;
	struct perf_event_header h = {.type = PERF_RECORD_SAMPLE,
				      .size = (uint16_t)(8 + 4 + padded)};
	unsigned char buf[128] = {0};

	memcpy(buf, &h, 8);
	memcpy(buf + 8, &padded, 4);
	memcpy(buf + 12, payload, len);
	ring_write(f, pos, buf, h.size);
	f->m.meta.data_head = pos + h.size;
	return pos + h.size;
}

static uint64_t put_lost(struct fake *f, uint64_t pos, uint64_t lost)
{
	struct {
		struct perf_event_header h;
		uint64_t id, lost;
	} rec = {{PERF_RECORD_LOST, 0, 24}, 7, lost};

	ring_write(f, pos, &rec, sizeof(rec));
	f->m.meta.data_head = pos + sizeof(rec);
	return pos + sizeof(rec);
}

START_TEST(samples_lost_and_wrap)
{
	struct perfbuf_cbs cbs = {on_sample, on_lost, NULL};
	struct fake f;
	uint64_t lost = 0, pos = 0;

	fake_init(&f);
	cbs.ctx = &f;
	pos = put_sample(&f, pos, "first!", 6);		       /* 24 bytes */
	pos = put_lost(&f, pos, 5);			       /* 24 */
	pos = put_sample(&f, pos, "0123456789abcdefghij", 20); /* 32 */
	ck_assert_int_eq(perfbuf_consume_ring(&f.r, &cbs, &lost), 2);
	ck_assert_uint_eq(f.m.meta.data_tail, pos);
	ck_assert_uint_eq(f.sizes[0], 12); /* 6 bytes padded: 4 + 12 = 16 */
	ck_assert(!memcmp(f.bytes[0], "first!", 6));
	ck_assert_uint_eq(f.sizes[1], 20);
	ck_assert(!memcmp(f.bytes[1], "0123456789abcdefghij", 20));
	ck_assert_uint_eq(lost, 5);
	ck_assert_uint_eq(f.lost_cb, 5);
	/* next record starts at 80 and is 56 bytes: it wraps past 128 */
	pos = put_sample(&f, pos, "a wrapped record payload of 44 bytes........", 44);
	ck_assert_int_eq(perfbuf_consume_ring(&f.r, &cbs, &lost), 1);
	ck_assert_uint_eq(f.sizes[2], 44);
	ck_assert(!memcmp(f.bytes[2], "a wrapped record payload of 44 bytes........", 44));
	ck_assert_uint_eq(f.m.meta.data_tail, pos);
	ck_assert_uint_eq(pos, 136);
	/* positions keep growing past the ring size */
	pos = put_sample(&f, pos, "again", 5);
	ck_assert_int_eq(perfbuf_consume_ring(&f.r, &cbs, &lost), 1);
	ck_assert(!memcmp(f.bytes[3], "again", 5));
}
END_TEST

START_TEST(corrupt_and_stop)
{
	struct perfbuf_cbs cbs = {on_sample, NULL, NULL};
	struct perf_event_header zero = {PERF_RECORD_SAMPLE, 0, 0};
	struct fake f;
	uint64_t lost = 0, pos;

	fake_init(&f);
	cbs.ctx = &f;
	f.stop_after = 1;
	pos = put_sample(&f, 0, "a", 1);
	put_sample(&f, pos, "b", 1);
	ck_assert_int_eq(perfbuf_consume_ring(&f.r, &cbs, &lost), -1);
	ck_assert_uint_eq(f.m.meta.data_tail, pos);
	f.stop_after = 0;
	/* a zero-sized header must not loop forever */
	fake_init(&f);
	cbs.ctx = &f;
	ring_write(&f, 0, &zero, sizeof(zero));
	f.m.meta.data_head = 64;
	ck_assert_int_eq(perfbuf_consume_ring(&f.r, &cbs, &lost), 0);
	ck_assert_uint_eq(f.m.meta.data_tail, 0);
	/* a raw size larger than its record is skipped, not read */
	fake_init(&f);
	cbs.ctx = &f;
	pos = put_sample(&f, 0, "abc", 3);
	memcpy(f.data + 8, &(uint32_t){1000}, 4);
	ck_assert_int_eq(perfbuf_consume_ring(&f.r, &cbs, &lost), 0);
	ck_assert_uint_eq(f.m.meta.data_tail, pos);
}
END_TEST

START_TEST(cpu_lists)
{
	unsigned char bits[16];

	ck_assert_int_eq(perfbuf_parse_cpu_list("0-3,5,7-8\n", bits, 128), 7);
	ck_assert_uint_eq(bits[0], 0xaf);
	ck_assert_uint_eq(bits[1], 0x01);
	ck_assert_int_eq(perfbuf_parse_cpu_list("0", bits, 128), 1);
	ck_assert_int_eq(perfbuf_parse_cpu_list("3-1", bits, 128), -EINVAL);
	ck_assert_int_eq(perfbuf_parse_cpu_list("0-200", bits, 128), -EINVAL);
	ck_assert_int_eq(perfbuf_parse_cpu_list("x", bits, 128), -EINVAL);
	ck_assert_int_eq(perfbuf_parse_cpu_list("1,,2", bits, 128), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("perfbuf");
	TCase *tc = tcase_create("perfbuf");

	tcase_add_test(tc, samples_lost_and_wrap);
	tcase_add_test(tc, corrupt_and_stop);
	tcase_add_test(tc, cpu_lists);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
