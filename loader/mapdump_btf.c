// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The BTF a map's types are in, fetched from the kernel by its id and parsed, with a cache:
 * the maps of one object share one BTF (and module BTF shares vmlinux as its base), so
 * printing all of them fetches and parses it once instead of once per map.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "btf/btf.h"
#include "loader/btf_file.h"
#include "loader/mapdump.h"
#include "util/err.h"

/* Different BTF ids kept at once; past it the oldest goes (maps of many objects). */
#define BTF_CACHE_MAX 16

struct rb_btf_cache {
	struct btf *vmlinux; /* the base of module BTF, opened on first need */
	struct cached_btf {
		uint32_t id;
		struct btf *btf;
	} e[BTF_CACHE_MAX];
	size_t cnt, next;      /* entries in use; the one to replace when full */
	unsigned long fetches; /* BTF objects read from the kernel (tests, measurements) */
};

/*
 * BTF id btf_id from the kernel, parsed. *vmlinux is what a module's BTF is split on: opened
 * here the first time one is needed, and kept by the caller for the next.
 */
static int kernel_btf(uint32_t btf_id, struct btf **vmlinux, struct btf **out,
		      struct rb_error *err)
{
	struct bpf_btf_info info;
	uint32_t len = sizeof(info);
	char name[64] = "", what[64];
	void *buf = NULL;
	int fd, r;

	*out = NULL;
	fd = sys_get_fd_by_id(SYS_OBJ_BTF, btf_id);
	if (fd < 0)
		return rb_errorf(err, fd, "BTF id %u: BPF_BTF_GET_FD_BY_ID failed: %s", btf_id,
				 strerror(-fd));
	memset(&info, 0, sizeof(info));
	r = sys_obj_get_info(fd, &info, &len);
	if (r == 0 && (info.btf_size == 0 || info.btf_size > MAPDUMP_MAX_BTF))
		r = rb_errorf(err, E2BIG, "BTF id %u: the kernel reports %u bytes (bound %u)",
			      btf_id, info.btf_size, MAPDUMP_MAX_BTF);
	else if (r)
		r = rb_errorf(err, r, "BTF id %u: BPF_OBJ_GET_INFO_BY_FD failed: %s", btf_id,
			      strerror(-r));
	if (r == 0) {
		uint32_t size = info.btf_size;

		buf = calloc(1, size); /* zeroed: memory checkers cannot see the kernel's writes */
		if (!buf) {
			r = rb_errorf(err, ENOMEM, "BTF id %u: out of memory for %u bytes", btf_id,
				      size);
		} else {
			memset(&info, 0, sizeof(info));
			info.btf = (uint64_t)(uintptr_t)buf;
			info.btf_size = size;
			info.name = (uint64_t)(uintptr_t)name;
			info.name_len = sizeof(name);
			len = sizeof(info);
			r = sys_obj_get_info(fd, &info, &len);
			if (r)
				r = rb_errorf(err, r, "BTF id %u: reading its bytes failed: %s",
					      btf_id, strerror(-r));
			else if (info.btf_size > size)
				r = rb_errorf(err, EAGAIN, "BTF id %u grew while being read",
					      btf_id);
			else
				len = info.btf_size;
		}
	}
	close(fd);
	if (r) {
		free(buf);
		return r;
	}
	name[sizeof(name) - 1] = 0;
	snprintf(what, sizeof(what), "kernel BTF id %u", btf_id);
	/* A module's BTF (and nothing else a map can point at) is split on vmlinux's. */
	if (info.kernel_btf && strcmp(name, "vmlinux")) {
		r = *vmlinux ? 0 : btf_open_raw(RB_BTF_VMLINUX, NULL, vmlinux, err);
		if (r == 0)
			r = btf_parse(buf, len, *vmlinux, what, out, err);
	} else {
		r = btf_parse(buf, len, NULL, what, out, err);
		if (r < 0 && (*vmlinux || btf_open_raw(RB_BTF_VMLINUX, NULL, vmlinux, NULL) == 0)) {
			/* split BTF we did not expect: its ids continue vmlinux's */
			struct rb_error again;

			if (btf_parse(buf, len, *vmlinux, what, out, &again) == 0) {
				r = 0;
				rb_err_clear(err);
			}
		}
	}
	free(buf);
	return r;
}

RB_API struct rb_btf_cache *rb_btf_cache_new(void)
{
	return calloc(1, sizeof(struct rb_btf_cache));
}

RB_API void rb_btf_cache_free(struct rb_btf_cache *c)
{
	if (!c)
		return;
	/* split BTF points into its base: the ids' BTF go first */
	for (size_t i = 0; i < c->cnt; i++)
		btf_free(c->e[i].btf);
	btf_free(c->vmlinux);
	free(c);
}

unsigned long mapdump_btf_fetches(const struct rb_btf_cache *c)
{
	return c ? c->fetches : 0;
}

int mapdump_btf(struct rb_btf_cache *c, uint32_t btf_id, const struct btf **out,
		struct rb_error *err)
{
	struct btf *btf;
	size_t slot;
	int r;

	for (size_t i = 0; i < c->cnt; i++)
		if (c->e[i].id == btf_id) {
			*out = c->e[i].btf;
			return 0;
		}
	c->fetches++;
	r = kernel_btf(btf_id, &c->vmlinux, &btf, err);
	if (r)
		return r;
	if (c->cnt < BTF_CACHE_MAX) {
		slot = c->cnt++;
	} else {
		slot = c->next;
		c->next = (c->next + 1) % BTF_CACHE_MAX;
		btf_free(c->e[slot].btf);
	}
	c->e[slot].id = btf_id;
	c->e[slot].btf = btf;
	*out = btf;
	return 0;
}
