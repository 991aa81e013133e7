/* Loading a sample through the library in a kernel test, and finding its maps. */
#ifndef RB_TESTLOAD_H
#define RB_TESTLOAD_H

#include <stddef.h>

#include "rawbpf.h"

struct loaded_obj {
	struct rb_object *obj;
	struct rb_prepared *pp;
	struct rb_loaded *l;
};

/* Open, prepare and load build/samples/NAME with lo (NULL: defaults): 0 or -errno with e. */
int test_load_try(struct loaded_obj *o, const char *name, const struct rb_load_opts *lo,
		  struct rb_error *e);
/* The same, aborting the test with the error when it fails. */
void test_load(struct loaded_obj *o, const char *name);
void test_unload(struct loaded_obj *o);
/* The fd of the loaded map called name / whose name ends in suffix; aborts if none. */
int test_map_fd(const struct rb_loaded *l, const char *name);
int test_map_fd_suffix(const struct rb_loaded *l, const char *suffix);
/* This test program's own path (/proc/self/exe). */
void test_self_exe(char *buf, size_t len);

#endif
