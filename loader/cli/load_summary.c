// SPDX-License-Identifier: GPL-2.0-only
/*
 * load: the line after the program table that counts what attached, what could not and
 * what was left unattached on purpose, so that a run over an object with a program that
 * failed to attach is not mistaken for a complete one.
 */
#include <stdio.h>

#include "loader/cli/cli.h"

int load_attach_summary(const struct rb_loaded *l, bool keep_going, FILE *f)
{
	size_t loaded = 0, attached = 0, failed = 0;

	for (size_t i = 0; i < rb_loaded_prog_count(l); i++) {
		struct rb_loaded_prog_info pi;
		struct rb_attach_result ar;

		rb_loaded_prog(l, i, &pi);
		if (pi.fd < 0)
			continue;
		loaded++;
		rb_loaded_attach_result(l, i, &ar);
		if (ar.attached)
			attached++;
		else if (ar.err < 0)
			failed++;
	}
	if (!f)
		return failed ? -1 : 0;
	fprintf(f, "attached %zu of %zu loaded program%s", attached, loaded, loaded == 1 ? "" : "s");
	if (failed)
		fprintf(f, "; %zu could not attach (reasons above)", failed);
	if (loaded - attached - failed)
		fprintf(f, "; %zu not attached by design (notes above)", loaded - attached - failed);
	if (failed && keep_going)
		fprintf(f, attached ? "; --keep-going: running the %zu that did" : "; nothing to run",
			attached);
	fprintf(f, "\n");
	return failed ? -1 : 0;
}
