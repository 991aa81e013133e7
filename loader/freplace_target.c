// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * freplace targets. An freplace (BPF_PROG_TYPE_EXT) program replaces one global function
 * of a program already loaded; the kernel wants, at load time, that program's fd
 * (attach_prog_fd) and the id of the function's FUNC in that program's BTF
 * (attach_btf_id). The target is given as "PINNED_PROG[:FUNC]": the program is opened from
 * its bpffs pin, its BTF read back from the kernel, and FUNC (the section's
 * "freplace/FUNC" when the target does not say) looked up in it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "btf/btf.h"
#include "loader/freplace_target.h"
#include "util/err.h"
#include "util/strbuf.h"

#define MAX_PROG_BTF (64u << 20) /* a program's BTF is far smaller; bounds the buffer */

int freplace_parse(const char *target, const char *sec_func, char *path, size_t pathlen, char *func,
		   size_t funclen)
{
	const char *slash = strrchr(target, '/');
	const char *colon = strrchr(target, ':');
	size_t n;

	if (colon && slash && colon < slash)
		colon = NULL; /* a ':' inside a directory name */
	n = colon ? (size_t)(colon - target) : strlen(target);
	if (!n || n >= pathlen)
		return -EINVAL;
	memcpy(path, target, n);
	path[n] = 0;
	{
		const char *f = colon && colon[1] ? colon + 1 : sec_func;

		if (!f || !*f || strlen(f) >= funclen)
			return -EINVAL;
		strcpy(func, f);
	}
	return 0;
}

/* The program's BTF, read back from the kernel. */
static int prog_btf(uint32_t btf_id, const char *path, struct btf **out, struct rb_error *e)
{
	struct bpf_btf_info info;
	uint32_t len = sizeof(info);
	void *buf = NULL;
	int fd, r;

	fd = sys_get_fd_by_id(SYS_OBJ_BTF, btf_id);
	if (fd < 0)
		return rb_errorf(e, fd, "%s: its BTF (id %u) cannot be opened: %s", path, btf_id,
				 strerror(-fd));
	memset(&info, 0, sizeof(info));
	r = sys_obj_get_info(fd, &info, &len);
	if (!r && (!info.btf_size || info.btf_size > MAX_PROG_BTF))
		r = rb_errorf(e, E2BIG, "%s: its BTF (id %u) has %u bytes (bound %u)", path, btf_id,
			      info.btf_size, MAX_PROG_BTF);
	else if (r)
		r = rb_errorf(e, r, "%s: reading its BTF (id %u): %s", path, btf_id, strerror(-r));
	if (!r) {
		uint32_t size = info.btf_size;

		buf = malloc(size);
		memset(&info, 0, sizeof(info));
		info.btf = (uint64_t)(uintptr_t)buf;
		info.btf_size = size;
		len = sizeof(info);
		r = buf ? sys_obj_get_info(fd, &info, &len) : -ENOMEM;
		if (!r && info.btf_size != size)
			r = -EIO; /* it cannot change size: something is off */
		if (r)
			r = rb_errorf(e, r, "%s: reading its BTF (id %u): %s", path, btf_id,
				      strerror(-r));
		else
			r = btf_parse(buf, size, NULL, path, out, e);
	}
	free(buf);
	close(fd);
	return r;
}

int freplace_resolve(const char *target, const char *sec_func, int *prog_fd, uint32_t *btf_id,
		     struct rb_error *e)
{
	char path[4096], func[256];
	struct bpf_prog_info pi;
	struct btf *btf = NULL;
	int fd, r, id;

	*prog_fd = -1;
	if (freplace_parse(target, sec_func, path, sizeof(path), func, sizeof(func)))
		return rb_errorf(e, -EINVAL,
				 "freplace target '%s' is not PINNED_PROG[:FUNC] (FUNC may be left "
				 "out when the section names it: freplace/FUNC)",
				 target);
	fd = sys_obj_get(path, 0);
	if (fd < 0)
		return rb_errorf(e, fd, "freplace target: cannot open the pinned program '%s': %s",
				 path, strerror(-fd));
	r = sys_prog_get_info(fd, &pi);
	if (r) {
		rb_errorf(e, r, "freplace target '%s': BPF_OBJ_GET_INFO_BY_FD: %s (not a program?)",
			  path, strerror(-r));
		goto fail;
	}
	if (!pi.btf_id) {
		r = rb_errorf(e, -EINVAL,
			      "freplace target '%s' (program id %u) was loaded without BTF: its "
			      "functions cannot be named",
			      path, pi.id);
		goto fail;
	}
	r = prog_btf(pi.btf_id, path, &btf, e);
	if (r)
		goto fail;
	id = btf_find(btf, func, BTF_KIND_FUNC);
	if (id < 0) {
		struct strbuf sb = STRBUF_INIT;
		int n = 0;

		for (uint32_t i = 1; i < btf_nr_ids(btf) && n < 8; i++) {
			const struct btf_type *t = btf_type(btf, i);

			if (t && btf_kind(t) == BTF_KIND_FUNC)
				sb_printf(&sb, "%s%s", n++ ? ", " : "", btf_name(btf, t));
		}
		r = rb_errorf(e, -ENOENT,
			      "freplace target '%s' (program id %u): no function '%s' in its BTF "
			      "(it has: %s)",
			      path, pi.id, func, n ? sb_str(&sb) : "none");
		sb_free(&sb);
		goto fail;
	}
	btf_free(btf);
	*prog_fd = fd;
	*btf_id = (uint32_t)id;
	return 0;
fail:
	btf_free(btf);
	close(fd);
	return r;
}
