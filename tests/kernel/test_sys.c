/* bpf/sys and bpf/perf against the running kernel: maps, pins, loads, logs, ids, perf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf/perf.h"
#include "bpf/sys.h"
#include "rawbpf.h"
#include "testlib.h"

/* Whether this kernel reports the log size it needed (log_true_size, 6.4+). */
static bool kernel_has_log_true_size(void)
{
	struct rb_feature f;

	ck_assert_int_eq(rb_probe_find("misc", "log_true_size", &f), 0);
	return f.state == RB_FEATURE_YES;
}

#define MOV64_IMM(dst, v)                                                                      \
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = (dst), .imm = (v) })
#define EXIT_INSN() ((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT })

static char pin_path[128];

static void unpin(void)
{
	if (pin_path[0])
		unlink(pin_path);
}

START_TEST(hash_map_round_trip)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_HASH, .key_size = 4,
					 .value_size = 8, .max_entries = 8, .name = "rb_test_hash" };
	uint32_t key, next, keys[8];
	uint64_t val, vals[8];
	uint32_t count = 8, seen = 0;
	struct bpf_map_info info;
	int fd = sys_map_create(&o);

	ck_assert_int_ge(fd, 0);
	for (key = 1; key <= 3; key++) {
		val = key * 100;
		ck_assert_int_eq(sys_map_update_elem(fd, &key, &val, BPF_ANY), 0);
	}
	key = 2;
	ck_assert_int_eq(sys_map_lookup_elem(fd, &key, &val, 0), 0);
	ck_assert_uint_eq(val, 200);
	ck_assert_int_eq(sys_map_update_elem(fd, &key, &val, BPF_NOEXIST), -EEXIST);
	ck_assert_int_eq(sys_map_delete_elem(fd, &key), 0);
	ck_assert_int_eq(sys_map_lookup_elem(fd, &key, &val, 0), -ENOENT);
	/* walk the keys: 1 and 3 remain */
	for (int r = sys_map_get_next_key(fd, NULL, &next); r == 0;
	     r = sys_map_get_next_key(fd, &key, &next)) {
		ck_assert(next == 1 || next == 3);
		key = next;
		seen++;
	}
	ck_assert_uint_eq(seen, 2);
	/* one batch reads both and says the map is exhausted */
	{
		uint32_t out_batch;
		int r = sys_map_lookup_batch(fd, NULL, &out_batch, keys, vals, &count, 0, 0);

		ck_assert_msg(r == -ENOENT || r == 0, "batch: %d", r);
		ck_assert_uint_eq(count, 2);
		ck_assert_uint_eq(vals[0] + vals[1], 400);
	}
	ck_assert_int_eq(sys_map_get_info(fd, &info), 0);
	ck_assert_str_eq(info.name, "rb_test_hash");
	ck_assert_uint_eq(info.type, BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(info.max_entries, 8);
	close(fd);
}
END_TEST

START_TEST(frozen_map_refuses_writes)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 4, .max_entries = 1 };
	uint32_t key = 0, val = 5;
	int fd = sys_map_create(&o);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sys_map_update_elem(fd, &key, &val, 0), 0);
	ck_assert_int_eq(sys_map_freeze(fd), 0);
	ck_assert_int_eq(sys_map_update_elem(fd, &key, &val, 0), -EPERM);
	val = 0;
	ck_assert_int_eq(sys_map_lookup_elem(fd, &key, &val, 0), 0);
	ck_assert_uint_eq(val, 5);
	close(fd);
}
END_TEST

START_TEST(pin_and_get)
{
	struct sys_map_create_opts o = { .map_type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 4, .max_entries = 1 };
	struct bpf_map_info a, b;
	int fd = sys_map_create(&o), fd2;

	ck_assert_int_ge(fd, 0);
	snprintf(pin_path, sizeof(pin_path), "/sys/fs/bpf/rawbpf_test_sys_%d", (int)getpid());
	ck_assert_int_eq(sys_obj_pin(fd, pin_path, 0), 0);
	ck_assert_int_eq(sys_obj_pin(fd, pin_path, 0), -EEXIST);
	fd2 = sys_obj_get(pin_path, 0);
	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(sys_map_get_info(fd, &a), 0);
	ck_assert_int_eq(sys_map_get_info(fd2, &b), 0);
	ck_assert_uint_eq(a.id, b.id);
	ck_assert_int_eq(unlink(pin_path), 0);
	ck_assert_int_eq(sys_obj_get(pin_path, 0), -ENOENT);
	close(fd);
	close(fd2);
}
END_TEST

static int load_socket_filter(int ret, char *log, uint32_t log_size, uint32_t *true_size)
{
	struct bpf_insn insns[] = { MOV64_IMM(0, ret), EXIT_INSN() };
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_SOCKET_FILTER,
					.name = "rb_test_ret", .insns = insns, .insn_cnt = 2,
					.license = "GPL", .log_level = 1 | 4, .log_buf = log,
					.log_size = log_size };
	int fd = sys_prog_load(&o);

	if (true_size)
		*true_size = o.log_true_size;
	return fd;
}

START_TEST(load_log_test_run_info_ids)
{
	char log[4096];
	unsigned char pkt[64] = { 0 };
	struct sys_test_run_opts t = { .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 1 };
	struct bpf_prog_info info;
	uint32_t true_size = 0, id = 0;
	int fd = load_socket_filter(7, log, sizeof(log), &true_size), found = 0, r;

	ck_assert_msg(fd >= 0, "load: %d: %s", fd, log);
	ck_assert_msg(strstr(log, "processed 2 insns"), "log: %s", log);
	if (kernel_has_log_true_size())
		ck_assert_uint_eq(true_size, strlen(log) + 1);
	else
		ck_assert_uint_eq(true_size, 0); /* 6.1: the field is not there */
	ck_assert_int_eq(sys_prog_test_run(fd, &t), 0);
	ck_assert_uint_eq(t.retval, 7);
	ck_assert_int_eq(sys_prog_get_info(fd, &info), 0);
	ck_assert_uint_eq(info.type, BPF_PROG_TYPE_SOCKET_FILTER);
	ck_assert_str_eq(info.name, "rb_test_ret");
	ck_assert_uint_eq(info.xlated_prog_len, 2 * sizeof(struct bpf_insn));
	/* the id walk meets our program, and its id opens it again */
	while ((r = sys_get_next_id(SYS_OBJ_PROG, id, &id)) == 0)
		if (id == info.id)
			found = 1;
	ck_assert_int_eq(r, -ENOENT);
	ck_assert(found);
	r = sys_get_fd_by_id(SYS_OBJ_PROG, info.id);
	ck_assert_int_ge(r, 0);
	close(r);
	close(fd);
}
END_TEST

START_TEST(verifier_rejection_has_log)
{
	struct bpf_insn insns[] = { EXIT_INSN() }; /* r0 never written */
	char log[4096];
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns,
					.insn_cnt = 1, .license = "GPL", .log_level = 1,
					.log_buf = log, .log_size = sizeof(log) };

	ck_assert_int_eq(sys_prog_load(&o), -EACCES);
	ck_assert_msg(strstr(log, "R0 !read_ok"), "log: %s", log);

	/*
	 * A log buffer too small: since 6.4 the kernel says ENOSPC and how much it needed;
	 * before, a buffer under 128 bytes is refused outright (EINVAL), with no size.
	 */
	o.log_size = 16;
	if (!kernel_has_log_true_size()) {
		/* before 6.4 a buffer under 128 bytes is refused outright */
		ck_assert_int_eq(sys_prog_load(&o), -EINVAL);
		return;
	}
	ck_assert_int_eq(sys_prog_load(&o), -ENOSPC);
	ck_assert_uint_gt(o.log_true_size, 16);
}
END_TEST

START_TEST(perf_software_event_and_tracefs)
{
	struct perf_event_attr pa = { .type = PERF_TYPE_SOFTWARE, .config = PERF_COUNT_SW_CPU_CLOCK,
				      .sample_period = 1000000 };
	struct rb_error e = { 0 };
	int fd = sys_perf_event_open(&pa, 0, -1, -1, 0), id;

	ck_assert_msg(fd >= 0, "perf_event_open: %d", fd);
	close(fd);
	id = sys_tracepoint_id("syscalls", "sys_enter_getpid", &e);
	ck_assert_msg(id > 0, "%s", e.msg);
	ck_assert_int_eq(sys_tracepoint_id("syscalls", "sys_enter_no_such_call", &e), -ENOENT);
	ck_assert_msg(strstr(e.msg, "tracepoint 'syscalls/sys_enter_no_such_call' does not exist"),
		      "%s", e.msg);
	ck_assert_int_eq(sys_tracepoint_id("..", "x", &e), -EINVAL);
	/* the PMU lookups agree with sysfs (this machine: no kprobe PMU, a uprobe PMU) */
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0) {
		ck_assert_int_gt(sys_pmu_type("kprobe", &e), 0);
	} else {
		ck_assert_int_eq(sys_pmu_type("kprobe", &e), -ENOENT);
		ck_assert_msg(strstr(e.msg, "this kernel has no 'kprobe' PMU"), "%s", e.msg);
	}
	if (access("/sys/bus/event_source/devices/uprobe/type", F_OK) == 0) {
		ck_assert_int_gt(sys_pmu_type("uprobe", &e), 0);
		ck_assert_int_ge(sys_pmu_retprobe_bit("uprobe", &e), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kernel-sys");
	TCase *tc = tcase_create("sys");

	test_require_kernel();
	tcase_add_checked_fixture(tc, NULL, unpin);
	tcase_add_test(tc, hash_map_round_trip);
	tcase_add_test(tc, frozen_map_refuses_writes);
	tcase_add_test(tc, pin_and_get);
	tcase_add_test(tc, load_log_test_run_info_ids);
	tcase_add_test(tc, verifier_rejection_has_log);
	tcase_add_test(tc, perf_software_event_and_tracefs);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
