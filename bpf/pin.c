// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bpffs: directories, pins, removal of a pinned tree; the RLIMIT_MEMLOCK bump. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "bpf/pin.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "bpf/uapi_compat.h"
#include "util/err.h"
#include "util/trace.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

bool sys_is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC;
}

int sys_pin_mkdirs(const char *dir, struct rb_error *e)
{
	char p[PATH_MAX];
	size_t n = strlen(dir);

	if (!n || n >= sizeof(p))
		return rb_errorf(e, -ENAMETOOLONG, "pin directory '%s': empty or too long", dir);
	memcpy(p, dir, n + 1);
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0700) < 0 && errno != EEXIST)
				return rb_errorf(e, -errno, "pin directory '%s': cannot create '%s': %s",
						 dir, p, strerror(errno));
			*s = c;
			if (!c)
				break;
		}
	}
	if (!sys_is_bpffs(dir))
		return rb_errorf(e, -EINVAL,
				 "pin directory '%s' is not on a BPF filesystem (mount bpffs, e.g. "
				 "mount -t bpf bpf %s)",
				 dir, SYS_BPFFS_DEFAULT);
	return 0;
}

int sys_pin_fd(int fd, const char *path, struct rb_error *e)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int r;

	if (slash && slash != path) {
		size_t n = (size_t)(slash - path);

		if (n >= sizeof(dir))
			return rb_errorf(e, -ENAMETOOLONG, "pin path '%s' is too long", path);
		memcpy(dir, path, n);
		dir[n] = '\0';
		r = sys_pin_mkdirs(dir, e);
		if (r < 0)
			return r;
	}
	r = sys_obj_pin(fd, path, 0);
	if (r < 0)
		return rb_errorf(e, r, "cannot pin at '%s': %s%s", path, strerror(-r),
				 r == -EEXIST ? " (something is already pinned there)" : "");
	return 0;
}

/* nftw's callback takes no context: the caller's, for this thread's walk. */
static __thread sys_pin_removed_fn walk_fn;
static __thread void *walk_ctx;

/*
 * A plain struct_ops map (no BPF_F_LINK) stays registered for as long as the kernel keeps it,
 * pin or no pin: removing what load --pin left means deleting its key 0 too, as a detach
 * does. Only for pins in a maps/ directory (load --pin's layout), and only once the pin is
 * gone (fd, opened before the unlink, still names the map). Linked ones end with their link.
 */
static void unregister_struct_ops(const char *path, int fd)
{
	struct bpf_map_info info = { 0 };
	char link[32], what[64];
	const char *slash = strrchr(path, '/');
	uint32_t zero = 0;
	ssize_t n;
	int r;

	if (fd < 0 || !slash || slash - path < 5 || strncmp(slash - 5, "/maps", 5))
		return;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, what, sizeof(what) - 1);
	if (n <= 0)
		return;
	what[n] = '\0';
	if (!strcmp(what, "anon_inode:bpf-map") && sys_map_get_info(fd, &info) == 0 &&
	    info.type == BPF_MAP_TYPE_STRUCT_OPS && !(info.map_flags & BPF_F_LINK)) {
		r = sys_map_delete_elem(fd, &zero);
		trace_emit(RB_TRACE_INFO, "unpin", r, 0, "struct_ops map '%s' (id %u) %s", info.name,
			   info.id, r == 0 ? "unregistered" : "was not registered");
	}
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	int fd = flag == FTW_F ? sys_obj_get(path, 0) : -1;

	(void)ftw;
	if (flag == FTW_DP ? rmdir(path) : unlink(path)) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		trace_emit(RB_TRACE_INFO, "unpin", -err, 0, "cannot remove '%s': %s", path,
			   strerror(err));
		return err;
	}
	trace_emit(RB_TRACE_INFO, "unpin", 0, 0, "removed '%s'", path);
	unregister_struct_ops(path, fd);
	if (fd >= 0)
		close(fd);
	if (walk_fn)
		walk_fn(path, flag == FTW_DP || S_ISDIR(st->st_mode), walk_ctx);
	return 0;
}

int sys_pin_remove_tree(const char *dir, struct rb_error *e)
{
	return sys_pin_remove_tree_each(dir, NULL, NULL, e);
}

int sys_pin_remove_tree_each(const char *dir, sys_pin_removed_fn fn, void *ctx,
			     struct rb_error *e)
{
	struct stat st;
	int r;

	if (lstat(dir, &st) < 0)
		return rb_errorf(e, -errno, "'%s': %s", dir, strerror(errno));
	if (!sys_is_bpffs(dir))
		return rb_errorf(e, -EINVAL, "'%s' is not on a BPF filesystem: refusing to remove it",
				 dir);
	/* Depth first, never following symlinks, staying on this file system. */
	walk_fn = fn;
	walk_ctx = ctx;
	r = nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	walk_fn = NULL;
	walk_ctx = NULL;
	if (r != 0)
		return rb_errorf(e, r > 0 ? -r : -errno, "removing '%s' failed: %s", dir,
				 strerror(r > 0 ? r : errno));
	return 0;
}

int sys_bump_memlock(struct rb_error *e)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

	if (probe_feature(PROBE_MEMCG_ACCOUNT)->state == PROBE_YES)
		return 0;
	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		return rb_errorf(e, -errno, "cannot raise RLIMIT_MEMLOCK, which this kernel charges "
					    "BPF memory to: %s",
				 strerror(errno));
	trace_emit(RB_TRACE_INFO, "memlock", 0, 0, "RLIMIT_MEMLOCK raised to unlimited");
	return 1;
}

int sys_possible_cpus(void)
{
	static int cached;
	char buf[256];
	int fd, max = -1;
	ssize_t n;

	if (cached)
		return cached;
	fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0) {
		/* "0-7" or "0,2-5": the highest CPU number plus one */
		buf[n] = '\0';
		for (char *s = buf; *s;) {
			char *end;
			long v = strtol(s, &end, 10);

			if (end == s)
				break;
			if (v > max && v < 65536)
				max = (int)v;
			s = *end ? end + 1 : end;
		}
	}
	if (max < 0) {
		long c = sysconf(_SC_NPROCESSORS_CONF);

		max = c > 0 ? (int)c - 1 : 0;
	}
	cached = max + 1;
	return cached;
}
