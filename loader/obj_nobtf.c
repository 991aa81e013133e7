// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Transitional: the BTF-reading parts of open, until btf/ is on main (see obj_btf.h). */
#include <errno.h>

#include "loader/obj_btf.h"
#include "loader/object.h"
#include "util/err.h"

int obj_btf_open(struct rb_object *obj, struct rb_error *err)
{
	(void)obj;
	(void)err;
	return 0;
}

void obj_btf_free(struct rb_object *obj)
{
	(void)obj;
}

int obj_btf_datasec_vars(struct rb_object *obj, int map_idx, struct rb_error *err)
{
	(void)obj;
	(void)map_idx;
	(void)err;
	return 0;
}

int obj_btf_kconfig_map(struct rb_object *obj, struct rb_error *err)
{
	(void)obj;
	(void)err;
	return 0;
}

const char *obj_btf_type_str(const struct rb_object *obj, uint32_t id, char *buf, size_t len)
{
	(void)obj;
	(void)id;
	if (len)
		buf[0] = '\0';
	return buf;
}

void obj_btf_ext_counts(const struct rb_object *obj, size_t *func, size_t *line, size_t *core)
{
	(void)obj;
	*func = *line = *core = 0;
}

uint32_t obj_btf_type_cnt(const struct rb_object *obj, size_t *size)
{
	(void)obj;
	*size = 0;
	return 0;
}

int obj_collect_btf_ext(struct rb_object *obj, struct rb_error *err)
{
	(void)obj;
	(void)err;
	return 0;
}

int obj_collect_btf_maps(struct rb_object *obj, struct rb_error *err)
{
	if (obj->maps_sec < 0)
		return 0;
	return rb_errorf(err, EOPNOTSUPP, "%s: section '.maps' [%d]: BTF-defined maps are not "
			 "read yet (this build has no BTF parser)", obj_file(obj), obj->maps_sec);
}
