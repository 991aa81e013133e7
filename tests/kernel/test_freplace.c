/*
 * freplace through rb_object_load with --attach PROG=PINNED_PROG[:FUNC]: freplace_target's
 * XDP program is loaded and pinned on a private bpffs; freplace.bpf.o names it. What
 * rawbpf resolves itself is checked on every kernel: a missing target, a pin that does not
 * exist, a function the target does not have (the error lists the ones it has). Then the
 * real load: where the kernel takes EXT programs, the replaced function makes the XDP
 * program drop (BPF_PROG_TEST_RUN) until detached; where it refuses them (this machine:
 * EPERM, as for fentry), the test skips quoting the refusal.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpf/probe.h"
#include "bpf/sys.h"
#include "rawbpf.h"
#include "testlib.h"
#include "testload.h"
#include "util/err.h"

static char fs[64], pin[128];

static int xdp_verdict(int prog_fd)
{
	unsigned char pkt[64] = {0};
	struct sys_test_run_opts t = {.data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 1};

	ck_assert_int_eq(sys_prog_test_run(prog_fd, &t), 0);
	return (int)t.retval;
}

static int load_with_target(struct loaded_obj *o, const char *target, struct rb_error *e)
{
	const char *targets[1] = {target};
	struct rb_load_opts lo = {
		.sz = sizeof(lo), .attach_targets = targets, .attach_target_cnt = target ? 1 : 0};

	return test_load_try(o, "freplace.bpf.o", &lo, e);
}

/* A private bpffs with freplace_target loaded and pinned under it; returns its prog fd. */
static int setup(struct loaded_obj *tgt)
{
	struct rb_loaded_prog_info pi;
	struct rb_error e = {0};

	if (unshare(CLONE_NEWNS) < 0)
		test_skip("no mount namespaces (unshare CLONE_NEWNS)");
	ck_assert_int_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
	snprintf(fs, sizeof(fs), "/tmp/rb_freplace_%d", (int)getpid());
	ck_assert_int_eq(mkdir(fs, 0700), 0);
	ck_assert_int_eq(mount("bpf", fs, "bpf", 0, NULL), 0);
	snprintf(pin, sizeof(pin), "%s/fr", fs);
	ck_assert_msg(test_load_try(tgt, "freplace_target.bpf.o", NULL, &e) == 0, "%s", e.msg);
	ck_assert_msg(rb_loaded_pin(tgt->l, pin, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(rb_loaded_prog(tgt->l, 0, &pi), 0);
	ck_assert_int_eq(xdp_verdict(pi.fd), 2 /* XDP_PASS */);
	return pi.fd;
}

static void teardown(struct loaded_obj *tgt)
{
	test_unload(tgt);
	rb_unpin(pin, NULL);
	umount(fs);
	rmdir(fs);
}

/* What rawbpf resolves itself, on any kernel. */
START_TEST(freplace_target_errors)
{
	struct loaded_obj tgt, o;
	struct rb_error e = {0};
	char t[256];

	setup(&tgt);
	/* no target */
	ck_assert_int_eq(load_with_target(&o, NULL, &e), -EINVAL);
	ck_assert_msg(strstr(e.msg, "name it with --attach new_verdict=PINNED_PROG[:FUNC]"), "%s",
		      e.msg);
	test_unload(&o);
	/* no such pin */
	rb_err_clear(&e);
	snprintf(t, sizeof(t), "new_verdict=%s/progs/nosuch", pin);
	ck_assert_int_eq(load_with_target(&o, t, &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "cannot open the pinned program '"), "%s", e.msg);
	test_unload(&o);
	/* no such function: the ones the target has are listed */
	rb_err_clear(&e);
	snprintf(t, sizeof(t), "new_verdict=%s/progs/xdp_entry:nosuch", pin);
	ck_assert_int_eq(load_with_target(&o, t, &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "no function 'nosuch' in its BTF (it has: "), "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "pick_verdict") && strstr(e.msg, "xdp_entry"), "%s", e.msg);
	test_unload(&o);
	/* the right target: resolved, then loaded or refused by the kernel itself */
	rb_err_clear(&e);
	snprintf(t, sizeof(t), "new_verdict=%s/progs/xdp_entry", pin);
	if (load_with_target(&o, t, &e) < 0)
		ck_assert_msg(strstr(e.msg, "program 'new_verdict' (EPERM)"), "%s", e.msg);
	test_unload(&o);
	teardown(&tgt);
}
END_TEST

/* Where the kernel takes EXT programs: the XDP program drops until the link goes. */
START_TEST(freplace_changes_the_verdict)
{
	struct loaded_obj tgt, o;
	struct rb_error e = {0};
	const char *targets[1];
	struct rb_attach_opts ao = {.sz = sizeof(ao), .targets = targets, .target_cnt = 1};
	char t[256];
	int tfd = setup(&tgt);

	snprintf(t, sizeof(t), "new_verdict=%s/progs/xdp_entry", pin);
	targets[0] = t;
	ck_assert_msg(load_with_target(&o, t, &e) == 0, "%s", e.msg);
	ck_assert_msg(rb_loaded_attach_opts(o.l, &ao, &e) == 1, "%s", e.msg);
	ck_assert_int_eq(xdp_verdict(tfd), 1 /* XDP_DROP: replaced */);
	rb_loaded_detach(o.l);
	ck_assert_int_eq(xdp_verdict(tfd), 2 /* XDP_PASS again */);
	test_unload(&o);
	teardown(&tgt);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("freplace");
	TCase *tc = tcase_create("freplace");
	const struct probe_result *ext;
	int r;

	test_require_kernel();
	ext = probe_prog_type(BPF_PROG_TYPE_EXT);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, freplace_target_errors);
	if (ext->state == PROBE_YES)
		tcase_add_test(tc, freplace_changes_the_verdict);
	suite_add_tcase(s, tc);
	r = test_run_suite(s);
	if (r == 0 && ext->state != PROBE_YES) {
		printf("SKIP: target resolution checked; the replacement itself cannot run: the "
		       "kernel refuses freplace (EXT) programs here (%s)\n",
		       ext->detail);
		return TEST_SKIP;
	}
	return r;
}
