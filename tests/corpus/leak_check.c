/*
 * Test helper for tests/corpus/test_corpus_leaks.sh (issue 9): for each object, in one
 * process, through the public API only: open, prepare, load with keep_going (each program
 * on its own; failures included), free everything; then check that
 *   - the process holds exactly the fds it held before (counted in /proc/self/fd), and
 *   - every program, map and BTF object the load created (their kernel ids) is gone from
 *     the kernel (BPF_*_GET_FD_BY_ID says ENOENT; the kernel frees them shortly after the
 *     last fd closes, so this waits up to 2 s).
 * Maps pinned by name are the exception by design (they outlive the process): their pins
 * are removed before the check. The ids are caught in the trace hook as each BPF_PROG_LOAD,
 * BPF_MAP_CREATE and BPF_BTF_LOAD returns, so objects of failed loads (rolled back) and of
 * feature probes are checked too.
 *
 *   leak_check OBJ...
 * One line per object: "ok OBJ: ...", or "LEAK OBJ: what"; exit 1 on a
 * leak.
 */
#include <dirent.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rawbpf.h"

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/* Does a kernel object of this kind (a BPF_*_GET_FD_BY_ID command) with this id exist? */
static int exists(int cmd, uint32_t id)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	if (cmd == BPF_PROG_GET_FD_BY_ID)
		a.prog_id = id;
	else if (cmd == BPF_MAP_GET_FD_BY_ID)
		a.map_id = id;
	else
		a.btf_id = id;
	fd = (int)syscall(__NR_bpf, cmd, &a, sizeof(a));
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == ENOENT ? 0 : -errno;
}

struct ids {
	int cmd; /* BPF_*_GET_FD_BY_ID */
	uint32_t id;
};

/* Every kernel object created while loading, by id: caught in the trace hook. */
static struct ids ids[4096];
static size_t nids, created[3];

static void on_trace(const struct rb_trace_event *ev, void *ctx)
{
	static const char *const creators[] = { "BPF_PROG_LOAD", "BPF_MAP_CREATE", "BPF_BTF_LOAD" };
	static const int cmds[] = { BPF_PROG_GET_FD_BY_ID, BPF_MAP_GET_FD_BY_ID,
				    BPF_BTF_GET_FD_BY_ID };
	union bpf_attr a;
	/* The id is the second u32 of prog, map and BTF info alike (after type / id). */
	struct bpf_prog_info pi;
	struct bpf_map_info mi;
	struct bpf_btf_info bi;
	void *info[] = { &pi, &mi, &bi };
	uint32_t sizes[] = { sizeof(pi), sizeof(mi), sizeof(bi) };

	(void)ctx;
	if (ev->kind != RB_TRACE_SYSCALL || ev->result < 0 || nids == 4096)
		return;
	for (int k = 0; k < 3; k++) {
		if (strcmp(ev->what, creators[k]))
			continue;
		memset(info[k], 0, sizes[k]);
		memset(&a, 0, sizeof(a));
		a.info.bpf_fd = (uint32_t)ev->result;
		a.info.info_len = sizes[k];
		a.info.info = (uint64_t)(uintptr_t)info[k];
		if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a)))
			return;
		ids[nids].cmd = cmds[k];
		ids[nids++].id = k == 0 ? pi.id : k == 1 ? mi.id : bi.id;
		created[k]++;
	}
}

static const char *kind_name(int cmd)
{
	return cmd == BPF_PROG_GET_FD_BY_ID ? "program" : cmd == BPF_MAP_GET_FD_BY_ID ? "map"
											: "BTF object";
}

static int check(const char *path)
{
	struct rb_load_opts lo = { .sz = sizeof(lo), .keep_going = true };
	struct rb_object *obj = NULL;
	struct rb_prepared *pp = NULL;
	struct rb_loaded *l = NULL;
	struct rb_error err = { 0 };
	int before = count_fds(), after, r, leak = 0;
	const char *stage = "open";

	nids = created[0] = created[1] = created[2] = 0;
	rb_set_trace(on_trace, NULL);
	r = rb_object_open(path, NULL, &obj, &err);
	if (!r) {
		stage = "prepare";
		r = rb_object_prepare(obj, NULL, &pp, &err);
	}
	if (!r) {
		stage = "load";
		r = rb_object_load(obj, pp, &lo, &l, &err);
	}
	rb_set_trace(NULL, NULL);
	/* Maps pinned by name outlive the process by design: take the pins back. */
	for (size_t i = 0; l && i < rb_loaded_map_count(l); i++) {
		struct rb_loaded_map_info mi;

		if (!rb_loaded_map(l, i, &mi) && mi.fd >= 0 && mi.pin_path && !mi.reused)
			unlink(mi.pin_path);
	}
	rb_loaded_free(l);
	rb_prepared_free(pp);
	rb_object_close(obj);

	after = count_fds();
	if (after != before) {
		printf("LEAK %s: %d fds open before, %d after (%s %s)\n", path, before, after,
		       r ? "failed at" : "after", stage);
		leak = 1;
	}
	/* The kernel frees an object shortly after its last reference goes: wait a little. */
	for (int tries = 0; tries < 200; tries++) {
		size_t alive = 0;

		for (size_t i = 0; i < nids; i++)
			if (exists(ids[i].cmd, ids[i].id) == 1)
				alive++;
		if (!alive)
			break;
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	for (size_t i = 0; i < nids; i++) {
		if (exists(ids[i].cmd, ids[i].id) == 1) {
			printf("LEAK %s: %s id %u still in the kernel 2 s after everything was freed\n",
			       path, kind_name(ids[i].cmd), ids[i].id);
			leak = 1;
		}
	}
	if (!leak)
		printf("ok %s: %s; %zu programs, %zu maps, %zu BTF objects created (probes "
		       "included), all gone; fds %d before = %d after\n",
		       path, r ? "load failed" : "loaded", created[0], created[1], created[2],
		       before, after);
	return leak;
}

int main(int argc, char **argv)
{
	int leak = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: leak_check OBJ...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		leak |= check(argv[i]);
	return leak;
}
