/*
 * loader/attachment without a kernel: bpf(2) is replaced by a recording hook. A program's
 * attachments are tagged records; the test checks the one detach (each kind undone, the last
 * made first: BPF_PROG_DETACH with the exact map, program and attach type; link fds closed),
 * the one account (note and link id by the first record's kind), the pin names (perf_event's
 * CPUs as <prog>_cpuN, further probes not pinned) and the target label.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "bpf/sys.h"
#include "loader/attachment.h"
#include "loader/load.h"

#define MAX_CALLS 8

static struct {
	int n;
	int cmd[MAX_CALLS];
	uint32_t target_fd[MAX_CALLS], prog_fd[MAX_CALLS], attach_type[MAX_CALLS];
} rec;

static long bpf_hook(int cmd, void *attr, unsigned int size, void *ctx)
{
	union bpf_attr a;

	(void)ctx;
	memset(&a, 0, sizeof(a));
	memcpy(&a, attr, size < sizeof(a) ? size : sizeof(a));
	if (rec.n < MAX_CALLS) {
		rec.cmd[rec.n] = cmd;
		rec.target_fd[rec.n] = a.target_fd;
		rec.prog_fd[rec.n] = a.attach_bpf_fd;
		rec.attach_type[rec.n] = a.attach_type;
		rec.n++;
	}
	if (cmd == BPF_OBJ_GET_INFO_BY_FD) {
		struct bpf_link_info *info = (struct bpf_link_info *)(uintptr_t)a.info.info;

		info->id = 4242;
		return 0;
	}
	return cmd == BPF_PROG_DETACH ? 0 : -ENOSYS;
}

static void setup(void)
{
	memset(&rec, 0, sizeof(rec));
	sys_set_bpf_hook(bpf_hook, NULL);
}

static void teardown(void)
{
	sys_set_bpf_hook(NULL, NULL);
}

static int dev_null(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

START_TEST(detach_dispatches_by_kind_last_first)
{
	struct loaded_prog lp = { .fd = 9 };
	struct attachment *a;
	int link_fd = dev_null();
	struct sys_attachment *s;

	s = att_add_sys(&lp);
	ck_assert_ptr_nonnull(s);
	s->how = SYS_ATTACH_LINK;
	s->fd = link_fd;
	a = att_add(&lp, ATT_MAP);
	a->u.map.map_fd = 5;
	a->u.map.attach_type = BPF_SK_MSG_VERDICT;
	a = att_add(&lp, ATT_MAP);
	a->u.map.map_fd = 6;
	a->u.map.attach_type = BPF_SK_SKB_STREAM_VERDICT;
	ck_assert_uint_eq(lp.att_cnt, 3);

	att_detach_all(&lp);
	ck_assert_int_eq(rec.n, 2);
	ck_assert_int_eq(rec.cmd[0], BPF_PROG_DETACH);
	ck_assert_uint_eq(rec.target_fd[0], 6); /* the last attached goes first */
	ck_assert_uint_eq(rec.prog_fd[0], 9);
	ck_assert_uint_eq(rec.attach_type[0], BPF_SK_SKB_STREAM_VERDICT);
	ck_assert_uint_eq(rec.target_fd[1], 5);
	ck_assert_uint_eq(rec.attach_type[1], BPF_SK_MSG_VERDICT);
	ck_assert(!is_open(link_fd));
	ck_assert_ptr_null(lp.atts);
	ck_assert_uint_eq(lp.att_cnt, 0);
	att_detach_all(&lp); /* twice is harmless */
	ck_assert_int_eq(rec.n, 2);
}
END_TEST

static const char *note_of(enum attachment_kind kind, enum sys_attach_how how)
{
	static char note[128];
	struct loaded_prog lp = { .fd = -1 };
	struct attachment *a = att_add(&lp, kind);

	if (kind == ATT_SYS)
		a->u.sys.how = how;
	att_report(&lp);
	snprintf(note, sizeof(note), "%s", lp.att_note ? lp.att_note : "(none)");
	ck_assert_uint_eq(lp.link_id, 0);
	free(lp.att_note);
	free(lp.atts);
	return note;
}

START_TEST(report_says_how_from_the_first)
{
	struct loaded_prog lp = { .fd = -1 };
	struct attachment *a;
	int fd = dev_null();

	ck_assert_str_eq(note_of(ATT_SYS, SYS_ATTACH_RAW_TP), "raw tracepoint fd");
	ck_assert_str_eq(note_of(ATT_SYS, SYS_ATTACH_PERF_IOCTL),
			 "perf event (PERF_EVENT_IOC_SET_BPF)");
	ck_assert_str_eq(note_of(ATT_DYNPROBE, SYS_ATTACH_NONE),
			 "perf event (PERF_EVENT_IOC_SET_BPF)");
	ck_assert_str_eq(note_of(ATT_TC_NETLINK, SYS_ATTACH_NONE),
			 "netlink cls_bpf filter (direct action)");
	ck_assert_str_eq(note_of(ATT_MAP, SYS_ATTACH_NONE), "BPF_PROG_ATTACH on the map");

	/* a dynamic probe with a link: its link id, asked of the kernel by the link fd */
	a = att_add(&lp, ATT_DYNPROBE);
	a->u.probe.link_fd = fd;
	att_report(&lp);
	ck_assert_str_eq(lp.att_note, "BPF link");
	ck_assert_uint_eq(lp.link_id, 4242);
	ck_assert_int_eq(rec.cmd[0], BPF_OBJ_GET_INFO_BY_FD);
	ck_assert_int_eq(att_link_fd(&lp.atts[0]), fd);
	ck_assert_int_eq(att_pin_fd(&lp.atts[0]), fd);
	free(lp.att_note);
	free(lp.atts);
	close(fd);
}
END_TEST

START_TEST(pin_names)
{
	struct loaded_prog lp = { .fd = -1 };
	char name[64];

	for (int cpu = 0; cpu < 3; cpu++) {
		struct attachment *a = att_add(&lp, ATT_SYS);

		a->cpu = cpu == 0 ? 0 : cpu + 4;
	}
	ck_assert_int_eq(att_pin_name(&lp, 0, "prof", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "prof");
	ck_assert_int_eq(att_pin_name(&lp, 1, "prof", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "prof_cpu5");
	ck_assert_int_eq(att_pin_name(&lp, 2, "prof", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "prof_cpu6");
	ck_assert_int_eq(att_pin_name(&lp, 3, "prof", name, sizeof(name)), -1);
	free(lp.atts);

	/* probes after the first (USDT sites) are pinned as <prog>_siteN */
	memset(&lp, 0, sizeof(lp));
	att_add(&lp, ATT_DYNPROBE);
	att_add(&lp, ATT_DYNPROBE);
	ck_assert_int_eq(att_pin_name(&lp, 0, "site", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "site");
	ck_assert_int_eq(att_pin_name(&lp, 1, "site", name, sizeof(name)), 0);
	ck_assert_str_eq(name, "site_site1");
	ck_assert_int_eq(att_pin_name(&lp, 2, "site", name, sizeof(name)), -1);
	/* a perf event set by ioctl, a netlink filter, a map attach have nothing to pin */
	ck_assert_int_eq(att_pin_fd(&lp.atts[1]), -1);
	free(lp.atts);
}
END_TEST

START_TEST(target_label_replaces)
{
	struct loaded_prog lp = { .fd = -1 };

	att_set_target(&lp, "xdp (generic)", "va");
	ck_assert_str_eq(lp.target, "xdp (generic) va");
	att_set_target(&lp, "uprobe", "/bin/true:main");
	ck_assert_str_eq(lp.target, "uprobe /bin/true:main");
	free(lp.target);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("attachment");
	TCase *tc = tcase_create("attachment");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, detach_dispatches_by_kind_last_first);
	tcase_add_test(tc, report_says_how_from_the_first);
	tcase_add_test(tc, pin_names);
	tcase_add_test(tc, target_label_replaces);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
