// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer over the verifier log reader: `rawbpf verify --log` reads any file, so the
 * analyzer, the statistics reader, the state parser and the classifier take any bytes.
 * Seeds: the real logs of tests/unit/vlog/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rawbpf.h"

static int each_line(const struct rb_vlog_line *l, void *ctx)
{
	struct rb_vlog_value vals[16];

	(void)ctx;
	if (l->regs)
		rb_vlog_state_parse(l->regs, l->regs_len, vals, 16);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_vlog_report r;
	struct rb_vlog_stats st;
	char *msg;

	if (!rb_vlog_analyze((const char *)data, size, &r, NULL)) {
		/* Every index the report gives must be inside its arrays. */
		for (size_t i = 0; i < r.nr_loops; i++)
			if (r.loops[i].header < 0 || r.loops[i].header > r.loops[i].latch)
				abort();
		rb_vlog_report_free(&r);
	}
	rb_vlog_stats_parse((const char *)data, size, &st);
	rb_vlog_foreach_line((const char *)data, size, each_line, NULL);
	msg = malloc(size + 1);
	if (msg) {
		memcpy(msg, data, size);
		msg[size] = '\0';
		if (!rb_vlog_classify(msg))
			abort();
		free(msg);
	}
	return 0;
}
