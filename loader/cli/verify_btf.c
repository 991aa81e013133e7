// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf verify: an object whose BTF the kernel refused. The loader goes on without it (no
 * func/line info, no BTF-defined map types), so programs still get verified; this shows the
 * kernel's BTF log the way program logs are shown: the offending type (id, kind, name),
 * the member it names, the kernel's words, and the log itself with --full-log.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/verify.h"

/* The kernel refused the object's BTF: keep its log and what it names. */
int verify_btf_add(struct verify_notes *notes, const char *path, const struct rb_loaded *l)
{
	const char *log = rb_loaded_btf_log(l);
	struct verify_btf *b, *grown;

	if (!log)
		return 0;
	grown = realloc(notes->btf, (notes->nbtf + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	notes->btf = grown;
	b = &grown[notes->nbtf];
	memset(b, 0, sizeof(*b));
	b->file = strdup(path);
	b->note = strdup(rb_loaded_btf_note(l));
	b->log = strdup(log);
	if (!b->file || !b->note || !b->log) {
		free(b->file);
		free(b->note);
		free(b->log);
		return -ENOMEM;
	}
	b->have_report = rb_btf_log_analyze(log, strlen(log), &b->report) == 0;
	notes->nbtf++;
	return 0;
}

static void type_name(const struct verify_btf *b, char *buf, size_t len)
{
	const struct rb_btf_log_report *r = &b->report;

	if (!b->have_report || !r->type_id)
		snprintf(buf, len, "none (the complaint is about the header or sections)");
	else if (r->member[0])
		snprintf(buf, len, "[%u] %s %s, member '%s'", r->type_id, r->kind, r->name,
			 r->member);
	else
		snprintf(buf, len, "[%u] %s %s", r->type_id, r->kind, r->name);
}

void verify_btf_print(FILE *f, const struct verify_notes *notes, bool full, bool brief)
{
	char type[400];

	for (size_t i = 0; i < notes->nbtf; i++) {
		const struct verify_btf *b = &notes->btf[i];
		const struct rb_btf_log_report *r = &b->report;

		type_name(b, type, sizeof(type));
		if (brief) {
			fprintf(f, "rawbpf: verify: %s: the kernel refused the BTF at type %s: %s\n",
				b->file, type, b->have_report ? r->message : "(empty log)");
			continue;
		}
		fprintf(f, "%s: BTF: rejected\n", b->file);
		fprintf(f, "  type:    %s\n", type);
		if (b->have_report) {
			fprintf(f, "  kernel:  %s\n", r->message[0] ? r->message : "(no words)");
			fprintf(f, "  line:    %s\n", r->line + strspn(r->line, " \t"));
		}
		fprintf(f, "  note:    the programs below were loaded without it (no func/line "
			   "info, no BTF map types)\n");
		if (b->have_report && r->type_id && strcmp(r->name, "(anon)"))
			fprintf(f, "  see:     rawbpf btf dump %s --type %s\n", b->file, r->name);
		if (full) {
			const char *p = b->log;

			fprintf(f, "  BTF log:\n");
			while (*p) {
				size_t n = strcspn(p, "\n");

				fprintf(f, "      | %.*s\n", (int)n, p);
				p += n;
				if (*p)
					p++;
			}
		}
		fputc('\n', f);
	}
}

void verify_btf_json(struct json *j, const struct verify_notes *notes)
{
	json_begin_array(j, "btf");
	for (size_t i = 0; i < notes->nbtf; i++) {
		const struct verify_btf *b = &notes->btf[i];
		const struct rb_btf_log_report *r = &b->report;

		json_begin_object(j, NULL);
		json_string(j, "file", b->file);
		json_string(j, "verdict", "rejected");
		if (b->have_report && r->type_id) {
			json_uint(j, "type_id", r->type_id);
			json_string(j, "kind", r->kind);
			json_string(j, "name", r->name);
		} else {
			json_null(j, "type_id");
			json_null(j, "kind");
			json_null(j, "name");
		}
		json_string(j, "member", b->have_report && r->member[0] ? r->member : NULL);
		json_string(j, "message", b->have_report ? r->message : NULL);
		json_string(j, "line", b->have_report ? r->line : NULL);
		json_string(j, "note", b->note);
		json_string(j, "log", b->log);
		json_end_object(j);
	}
	json_end_array(j);
}
