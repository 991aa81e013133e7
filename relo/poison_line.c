// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A line_info record of its own for each poisoned instruction, whose source text is the
 * reason the loader poisoned it. The kernel prints a program's line_info text in its verifier
 * log ("; text @ file:line") before the instruction, so even the raw log of a refused program
 * says which CO-RE relocation failed, at the very instruction. (libbpf rewrites the log
 * afterwards instead; cilium/ebpf also uses a line_info string.)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "relo/relo.h"
#include "util/err.h"

/* Where text already is in strs (a run of NUL-terminated strings), or where it was added. */
static int64_t intern(struct strbuf *strs, const char *text)
{
	size_t n = strlen(text);

	for (size_t pos = 0; pos < strs->len;) {
		const char *s = strs->buf + pos;
		size_t l = strlen(s);

		if (l == n && !memcmp(s, text, n))
			return (int64_t)pos;
		pos += l + 1;
	}
	{
		size_t pos = strs->len;

		sb_puts(strs, text);
		sb_putc(strs, '\0');
		if (strs->oom)
			return -ENOMEM;
		return (int64_t)pos;
	}
}

/* A record with a rank: at one instruction the highest rank stays. */
struct ranked {
	struct bpf_line_info li;
	int rank; /* 2 poison text, 1 the compiler's record, 0 the source line resumed */
	uint32_t seq;
};

static int cmp_ranked(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	if (a->li.insn_off != b->li.insn_off)
		return a->li.insn_off < b->li.insn_off ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank > b->rank ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

int relo_poison_lines(struct rb_linked_prog *p, const struct btf *btf, struct strbuf *strs,
		      struct rb_error *err)
{
	uint32_t str_base = btf_header(btf)->str_len;
	struct ranked *r;
	uint32_t n = 0, poisoned = 0, out = 0;

	if (!p->line_info_cnt)
		return 0; /* no line_info to add to: the kernel would want one per function */
	for (uint32_t k = 0; k < p->decision_cnt; k++)
		poisoned += p->decisions[k].kind == RB_DEC_CORE_POISON;
	if (!poisoned)
		return 0;
	r = calloc(p->line_info_cnt + 2 * (size_t)poisoned, sizeof(*r));
	if (!r)
		return rb_errorf(err, ENOMEM, "out of memory");
	for (uint32_t k = 0; k < p->line_info_cnt; k++, n++)
		r[n] = (struct ranked){ p->line_info[k], 1, n };
	for (uint32_t k = 0; k < p->decision_cnt; k++) {
		const struct rb_relo_decision *d = &p->decisions[k];
		const struct bpf_line_info *src;
		uint32_t next = d->insn + (d->width ? d->width : 1);
		int32_t cover;
		const char *file;
		int64_t off, foff;

		if (d->kind != RB_DEC_CORE_POISON || d->insn >= p->insn_cnt)
			continue;
		cover = p->hist[d->insn].line_info;
		if (cover < 0 || (uint32_t)cover >= p->line_info_cnt)
			continue; /* no source line to speak of: leave the records as they are */
		src = &p->line_info[cover];
		off = intern(strs, d->reason && d->reason[0] ? d->reason
							      : "CO-RE relocation failed");
		/*
		 * The kernel prints a record only when its file offset or line number differs
		 * from the last one printed: the file name is written again, so the same name
		 * at another offset makes the poisoned instruction's record print.
		 */
		file = btf_str(btf, src->file_name_off);
		foff = intern(strs, file ? file : "");
		if (off < 0 || foff < 0 || (uint64_t)strs->len + str_base > UINT32_MAX) {
			free(r);
			return rb_errorf(err, ENOMEM, "program '%s': out of memory (line_info "
					 "text of poisoned insn %u)", p->name, d->insn);
		}
		r[n] = (struct ranked){ *src, 2, n };
		r[n].li.insn_off = d->insn;
		r[n].li.line_off = (uint32_t)(str_base + off);
		r[n].li.file_name_off = (uint32_t)(str_base + foff);
		n++;
		/* The instruction after it is back on the compiler's line (same function only). */
		if (next < p->insn_cnt && p->hist[next].func == p->hist[d->insn].func) {
			r[n] = (struct ranked){ *src, 0, n };
			r[n].li.insn_off = next;
			n++;
		}
	}
	qsort(r, n, sizeof(*r), cmp_ranked);
	{
		struct bpf_line_info *li = calloc(n, sizeof(*li));

		if (!li) {
			free(r);
			return rb_errorf(err, ENOMEM, "out of memory");
		}
		for (uint32_t k = 0; k < n; k++)
			if (!out || li[out - 1].insn_off != r[k].li.insn_off)
				li[out++] = r[k].li;
		free(r);
		free(p->line_info);
		p->line_info = li;
		p->line_info_cnt = out;
	}
	relo_attach_lines(p);
	return 0;
}
