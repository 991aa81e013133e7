#include <string.h>
#include <unistd.h>

#include <check.h>

#include "testlib.h"
#include "testload.h"

int test_load_try(struct loaded_obj *o, const char *name, const struct rb_load_opts *lo,
		  struct rb_error *e)
{
	char path[512];
	int r;

	memset(o, 0, sizeof(*o));
	test_sample_path(path, sizeof(path), name);
	r = rb_object_open(path, NULL, &o->obj, e);
	if (r == 0)
		r = rb_object_prepare(o->obj, NULL, &o->pp, e);
	if (r == 0)
		r = rb_object_load(o->obj, o->pp, lo, &o->l, e);
	return r;
}

void test_load(struct loaded_obj *o, const char *name)
{
	struct rb_error e = { 0 };
	int r = test_load_try(o, name, NULL, &e);

	ck_assert_msg(r == 0, "%s: %s", name, e.msg);
}

void test_unload(struct loaded_obj *o)
{
	rb_loaded_free(o->l);
	rb_prepared_free(o->pp);
	rb_object_close(o->obj);
}

static int find_map(const struct rb_loaded *l, const char *name, bool suffix)
{
	struct rb_loaded_map_info mi;
	size_t n = strlen(name);

	for (size_t i = 0; i < rb_loaded_map_count(l); i++) {
		size_t len;

		ck_assert_int_eq(rb_loaded_map(l, i, &mi), 0);
		len = strlen(mi.name);
		if (suffix ? len >= n && !strcmp(mi.name + len - n, name) : !strcmp(mi.name, name))
			return mi.fd;
	}
	ck_abort_msg("no map %s%s", suffix ? "ending in " : "", name);
	return -1;
}

int test_map_fd(const struct rb_loaded *l, const char *name)
{
	return find_map(l, name, false);
}

int test_map_fd_suffix(const struct rb_loaded *l, const char *suffix)
{
	return find_map(l, suffix, true);
}

void test_self_exe(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	ck_assert_int_gt(n, 0);
	buf[n] = 0;
}
