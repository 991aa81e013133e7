/*
 * Load (stage 3) on the samples: open, prepare, load; a tracepoint program attached by fd
 * counts getpid calls in its map; every sample's programs load except where this kernel
 * refuses them (said in words); a refused load leaves no fd, program or map behind.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf/attach.h"
#include "bpf/sys.h"
#include "testlib.h"
#include "testload.h"

static int prog_fd(const struct rb_loaded *l, const char *name)
{
	struct rb_loaded_prog_info pi;

	for (size_t i = 0; i < rb_loaded_prog_count(l); i++)
		if (rb_loaded_prog(l, i, &pi) == 0 && !strcmp(pi.name, name))
			return pi.fd;
	return -1;
}

static int map_fd(const struct rb_loaded *l, const char *name)
{
	struct rb_loaded_map_info mi;

	for (size_t i = 0; i < rb_loaded_map_count(l); i++)
		if (rb_loaded_map(l, i, &mi) == 0 && !strcmp(mi.name, name))
			return mi.fd;
	return -1;
}

START_TEST(counter_counts_getpid)
{
	struct rb_error e = { 0 };
	struct loaded_obj o;
	struct sys_attachment a;
	uint32_t pid = (uint32_t)getpid(), btf_id;
	uint64_t count = 0;
	int pfd, mfd;

	ck_assert_msg(test_load_try(&o, "counter.bpf.o", NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_ge(rb_loaded_btf(o.l, &btf_id), 0);
	ck_assert_uint_gt(btf_id, 0);
	pfd = prog_fd(o.l, "count_getpid");
	mfd = map_fd(o.l, "counts");
	ck_assert_int_ge(pfd, 0);
	ck_assert_int_ge(mfd, 0);
	ck_assert_msg(sys_attach_tracepoint(pfd, "syscalls", "sys_enter_getpid", 0, &a, &e) == 0,
		      "%s", e.msg);
	for (int i = 0; i < 7; i++)
		syscall(SYS_getpid);
	sys_detach(&a);
	ck_assert_int_eq(sys_map_lookup_elem(mfd, &pid, &count, 0), 0);
	ck_assert_uint_eq(count, 7);
	test_unload(&o);
}
END_TEST

START_TEST(globals_are_written_and_rodata_frozen)
{
	struct rb_error e = { 0 };
	struct loaded_obj o;
	struct rb_loaded_map_info mi;
	int found = 0;

	ck_assert_msg(test_load_try(&o, "globals.bpf.o", NULL, &e) == 0, "%s", e.msg);
	for (size_t i = 0; i < rb_loaded_map_count(o.l); i++) {
		struct bpf_map_info info;
		uint32_t zero = 0;
		size_t size;
		const void *init;

		ck_assert_int_eq(rb_loaded_map(o.l, i, &mi), 0);
		if (mi.fd < 0 || !strstr(mi.name, ".rodata"))
			continue;
		found++;
		ck_assert_int_eq(sys_map_get_info(mi.fd, &info), 0);
		ck_assert(info.map_flags & BPF_F_RDONLY_PROG);
		init = rb_object_map_data(o.obj, mi.obj_map, &size);
		ck_assert_ptr_nonnull(init);
		{
			unsigned char buf[4096];

			ck_assert_uint_le(size, sizeof(buf));
			ck_assert_int_eq(sys_map_lookup_elem(mi.fd, &zero, buf, 0), 0);
			ck_assert_int_eq(memcmp(buf, init, size), 0); /* the object's bytes */
			/* frozen: user space cannot write it any more */
			ck_assert_int_eq(sys_map_update_elem(mi.fd, &zero, buf, 0), -EPERM);
		}
	}
	ck_assert_int_ge(found, 1);
	test_unload(&o);
}
END_TEST

/* What this kernel refuses, and why (see the machine notes in DESIGN.md). */
static const char *const refused[] = {
	"fentry.bpf.o", /* EPERM before verification */
	"lsm.bpf.o",	/* EPERM before verification */
	"fmod_ret.bpf.o", /* EPERM before verification */
	"ksyms.bpf.o",	/* needs CO-RE (not applied yet): the verifier rejects the access */
	"ksyms_typed.bpf.o", /* runqueues: no address for the per-CPU symbol here */
	"freplace.bpf.o", /* names its target program only at load: --attach PROG=PIN */
	"struct_ops_cc.bpf.o", /* a struct_ops link map (BPF_F_LINK): 6.4+, 6.1 refuses it */
};

/*
 * Append one failure to the report (cut, not overflowed, when there are very many). All on
 * one line, " | " between failures: tests/kernels matches known failures on that line.
 */
static void note_failure(char *buf, size_t cap, int *nfail, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void note_failure(char *buf, size_t cap, int *nfail, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	(*nfail)++;
	if (used + 4 >= cap)
		return;
	if (used) {
		memcpy(buf + used, " | ", 4);
		used += 3;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, cap - used, fmt, ap);
	va_end(ap);
	for (char *p = buf + used; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

/* Every sample is checked, and every failure reported at once (not only the first). */
START_TEST(every_sample_loads_or_says_why)
{
	static char failures[6000]; /* Check cuts longer messages */
	char dir[512];
	struct dirent *de;
	DIR *d;
	int total = 0, nfail = 0;

	failures[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/samples", test_build_dir());
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		struct rb_load_opts lo = { .sz = sizeof(lo), .keep_going = true };
		struct rb_error e = { 0 };
		struct loaded_obj o;
		bool expect_refusal = false;
		size_t n = strlen(de->d_name);
		int r;

		if (n < 6 || strcmp(de->d_name + n - 6, ".bpf.o"))
			continue;
		total++;
		for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
			expect_refusal |= !strcmp(refused[i], de->d_name);
		r = test_load_try(&o, de->d_name, &lo, &e);
		if (r < 0 && expect_refusal) {
			/* refused before the kernel saw it: an older kernel without a kfunc (6.1
			 * has no bpf_task_from_pid); the reason must be there, and the loop goes on */
			if (!e.msg[0])
				note_failure(failures, sizeof(failures), &nfail,
					     "%s: refused (%d) with no reason", de->d_name, r);
			test_unload(&o);
			continue;
		}
		if (r != 0) {
			note_failure(failures, sizeof(failures), &nfail, "%s: %s", de->d_name,
				     e.msg);
			test_unload(&o);
			continue;
		}
		for (size_t i = 0; i < rb_loaded_prog_count(o.l); i++) {
			struct rb_loaded_prog_info pi;

			rb_loaded_prog(o.l, i, &pi);
			if (pi.err == 1)
				continue; /* not autoloaded */
			if (!expect_refusal &&
			    !(pi.fd >= 0 && pi.id > 0 && strlen(pi.tag) == 16))
				note_failure(failures, sizeof(failures), &nfail,
					     "%s: program '%s' refused: %s\n%s", de->d_name,
					     pi.name, pi.explain, pi.reason);
			else if (expect_refusal && pi.fd < 0 && !(pi.explain[0] && pi.err < 0))
				note_failure(failures, sizeof(failures), &nfail,
					     "%s: '%s' has no reason", de->d_name, pi.name);
		}
		test_unload(&o);
	}
	closedir(d);
	ck_assert_msg(nfail == 0, "%d failures in %d samples: %s", nfail, total, failures);
	ck_assert_int_ge(total, 20);
}
END_TEST

static uint32_t max_id(enum sys_obj_kind kind)
{
	uint32_t id = 0, last = 0;

	while (sys_get_next_id(kind, id, &id) == 0)
		last = id;
	return last;
}

/*
 * Programs or maps named `name` created after `since`: ours if they exist, since other tests
 * may create objects of their own beside us (ids only grow).
 */
static int count_named_since(enum sys_obj_kind kind, uint32_t since, const char *name)
{
	uint32_t id = since;
	int n = 0;

	while (sys_get_next_id(kind, id, &id) == 0) {
		union {
			struct bpf_prog_info p;
			struct bpf_map_info m;
		} info;
		uint32_t len = sizeof(info);
		int fd = sys_get_fd_by_id(kind, id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (sys_obj_get_info(fd, &info, &len) == 0 &&
		    !strcmp(kind == SYS_OBJ_PROG ? info.p.name : info.m.name, name))
			n++;
		close(fd);
	}
	return n;
}

START_TEST(refused_load_leaves_nothing_behind)
{
	struct rb_error e = { 0 };
	struct loaded_obj o;
	int fds = test_count_fds();
	uint32_t progs = max_id(SYS_OBJ_PROG), maps = max_id(SYS_OBJ_MAP);
	int r;

	/* map_value_oob: its map is created, then the verifier refuses the program */
	r = test_load_try(&o, "broken/map_value_oob.bpf.o", NULL, &e);
	ck_assert_int_eq(r, -EACCES);
	ck_assert_msg(strstr(e.msg, "program '") && strstr(e.msg, "the verifier rejected"),
		      "%s", e.msg);
	ck_assert_ptr_null(o.l);
	rb_prepared_free(o.pp);
	rb_object_close(o.obj);
	ck_assert_int_eq(test_count_fds(), fds);
	/* other tests may run beside us: allow others' objects, never ours */
	ck_assert_int_eq(count_named_since(SYS_OBJ_PROG, progs, "map_value_oob"), 0);
	ck_assert_int_eq(count_named_since(SYS_OBJ_MAP, maps, "table"), 0);
	/* the check sees objects that do exist: a loaded sample's program and map */
	ck_assert_int_eq(test_load_try(&o, "counter.bpf.o", NULL, &e), 0);
	ck_assert_int_ge(count_named_since(SYS_OBJ_PROG, progs, "count_getpid"), 1);
	ck_assert_int_ge(count_named_since(SYS_OBJ_MAP, maps, "counts"), 1);
	test_unload(&o);
}
END_TEST

START_TEST(zero_sized_map_needs_an_override)
{
	struct rb_map_override ov = { "counts", "max_entries", 0 };
	struct rb_load_opts lo = { .sz = sizeof(lo), .overrides = &ov, .override_cnt = 1 };
	struct rb_error e = { 0 };
	struct loaded_obj o;

	ck_assert_int_eq(test_load_try(&o, "counter.bpf.o", &lo, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, "map 'counts' has max_entries 0") &&
			      strstr(e.msg, "--map counts.max_entries=N"),
		      "%s", e.msg);
	rb_prepared_free(o.pp);
	rb_object_close(o.obj);

	ov.value = 16;
	ck_assert_msg(test_load_try(&o, "counter.bpf.o", &lo, &e) == 0, "%s", e.msg);
	{
		struct bpf_map_info info;

		ck_assert_int_eq(sys_map_get_info(map_fd(o.l, "counts"), &info), 0);
		ck_assert_uint_eq(info.max_entries, 16);
	}
	test_unload(&o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel-load");
	TCase *tc = tcase_create("load");

	test_require_kernel();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, counter_counts_getpid);
	tcase_add_test(tc, globals_are_written_and_rodata_frozen);
	tcase_add_test(tc, every_sample_loads_or_says_why);
	tcase_add_test(tc, refused_load_leaves_nothing_behind);
	tcase_add_test(tc, zero_sized_map_needs_an_override);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
