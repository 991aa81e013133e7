// SPDX-License-Identifier: GPL-2.0-only
/* --set VAR=VALUE for `rawbpf load`: split the argument and hand it to rb_object_set_var(). */
#include <stdlib.h>
#include <string.h>

#include "loader/cli/cli.h"

bool load_set_valid(const char *spec)
{
	const char *eq = strchr(spec, '=');

	return eq && eq != spec;
}

int load_apply_sets(struct rb_object *obj, char *const *specs, size_t n, struct rb_error *err)
{
	for (size_t i = 0; i < n; i++) {
		char *name = strdup(specs[i]), *eq;
		int r;

		if (!name)
			return -1;
		eq = strchr(name, '=');
		*eq = '\0';
		r = rb_object_set_var(obj, name, eq + 1, err);
		free(name);
		if (r < 0)
			return r;
	}
	return 0;
}
