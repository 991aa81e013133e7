/* bpf/sys: the exact attributes sent for each command, retries, errno mapping, trace events. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/sys.h"
#include "rawbpf.h"
#include "testlib.h"

/* The recording shim: remembers every call, answers from a script. */
#define MAX_CALLS 16
struct call {
	int cmd;
	unsigned int size;
	unsigned char attr[256];
};
static struct call calls[MAX_CALLS];
static int ncalls;
static long answers[MAX_CALLS]; /* answer for call i; the last one repeats */
static int nanswers;
static uint32_t fake_log_true_size;

static long shim(int cmd, void *attr, unsigned int size, void *ctx)
{
	struct call *c = &calls[ncalls < MAX_CALLS ? ncalls : MAX_CALLS - 1];
	long r = nanswers ? answers[ncalls < nanswers ? ncalls : nanswers - 1] : 0;

	(void)ctx;
	c->cmd = cmd;
	c->size = size;
	memset(c->attr, 0, sizeof(c->attr));
	memcpy(c->attr, attr, size < sizeof(c->attr) ? size : sizeof(c->attr));
	if (cmd == BPF_PROG_LOAD && size >= offsetof(struct sys_prog_load_attr, log_true_size) + 4)
		((struct sys_prog_load_attr *)attr)->log_true_size = fake_log_true_size;
	ncalls++;
	return r;
}

static void setup(void)
{
	ncalls = 0;
	nanswers = 0;
	fake_log_true_size = 0;
	sys_set_bpf_hook(shim, NULL);
}

static void teardown(void)
{
	sys_set_bpf_hook(NULL, NULL);
	rb_set_trace(NULL, NULL);
}

static void answer(int n, ...)
{
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		answers[i] = va_arg(ap, long);
	va_end(ap);
	nanswers = n;
}

START_TEST(map_create_sends_every_attribute)
{
	struct sys_map_create_opts o = {
		.map_type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8, .max_entries = 128,
		.map_flags = BPF_F_NO_PREALLOC, .name = "a_very_long_map_name_here", .btf_fd = 9,
		.btf_key_type_id = 3, .btf_value_type_id = 4, .map_extra = 5, .inner_map_fd = 0,
	};
	struct sys_map_create_attr *a = (void *)calls[0].attr;

	answer(1, 42L);
	ck_assert_int_eq(sys_map_create(&o), 42);
	ck_assert_int_eq(ncalls, 1);
	ck_assert_int_eq(calls[0].cmd, BPF_MAP_CREATE);
	/* up to and including map_extra: what a 5.16+ kernel knows, nothing newer */
	ck_assert_uint_eq(calls[0].size, 72);
	ck_assert_uint_eq(a->map_type, BPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(a->key_size, 4);
	ck_assert_uint_eq(a->value_size, 8);
	ck_assert_uint_eq(a->max_entries, 128);
	ck_assert_uint_eq(a->map_flags, BPF_F_NO_PREALLOC);
	ck_assert_str_eq(a->map_name, "a_very_long_map"); /* 15 chars + NUL */
	ck_assert_uint_eq(a->btf_fd, 9);
	ck_assert_uint_eq(a->btf_key_type_id, 3);
	ck_assert_uint_eq(a->btf_value_type_id, 4);
	ck_assert_uint_eq(a->map_extra, 5);
	ck_assert_uint_eq(a->inner_map_fd, 0);

	/* a module struct_ops value type needs the newer field, and the larger size */
	o.value_type_btf_obj_fd = 11;
	sys_map_create(&o);
	a = (void *)calls[1].attr;
	ck_assert_uint_eq(calls[1].size, 76);
	ck_assert_int_eq(a->value_type_btf_obj_fd, 11);
}
END_TEST

START_TEST(prog_load_sends_every_attribute)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char log[64] = "stale";
	int fds[2] = { 7, 8 };
	char finfo[16], linfo[32];
	struct sys_prog_load_opts o = {
		.prog_type = BPF_PROG_TYPE_TRACEPOINT, .name = "count_getpid", .insns = insns,
		.insn_cnt = 2, .license = "GPL", .log_level = 1, .log_buf = log,
		.log_size = sizeof(log), .prog_btf_fd = 5, .func_info = finfo,
		.func_info_rec_size = 8, .func_info_cnt = 2, .line_info = linfo,
		.line_info_rec_size = 16, .line_info_cnt = 2, .attach_btf_id = 77,
		.attach_btf_obj_fd = 6, .fd_array = fds, .prog_flags = BPF_F_SLEEPABLE,
		.expected_attach_type = BPF_TRACE_FENTRY,
	};
	struct sys_prog_load_attr *a = (void *)calls[0].attr;

	answer(1, 3L);
	fake_log_true_size = 1234;
	ck_assert_int_eq(sys_prog_load(&o), 3);
	ck_assert_int_eq(calls[0].cmd, BPF_PROG_LOAD);
	ck_assert_uint_eq(calls[0].size, offsetof(struct sys_prog_load_attr, log_true_size) + 4);
	ck_assert_uint_eq(a->prog_type, BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_uint_eq(a->insn_cnt, 2);
	ck_assert_ptr_eq((void *)(uintptr_t)a->insns, insns);
	ck_assert_str_eq((const char *)(uintptr_t)a->license, "GPL");
	ck_assert_str_eq(a->prog_name, "count_getpid");
	ck_assert_uint_eq(a->log_level, 1);
	ck_assert_uint_eq(a->log_size, 64);
	ck_assert_ptr_eq((void *)(uintptr_t)a->log_buf, log);
	ck_assert_str_eq(log, ""); /* cleared before the call: no stale text as a "log" */
	ck_assert_uint_eq(a->prog_btf_fd, 5);
	ck_assert_uint_eq(a->func_info_rec_size, 8);
	ck_assert_uint_eq(a->func_info_cnt, 2);
	ck_assert_ptr_eq((void *)(uintptr_t)a->func_info, finfo);
	ck_assert_uint_eq(a->line_info_rec_size, 16);
	ck_assert_uint_eq(a->line_info_cnt, 2);
	ck_assert_uint_eq(a->attach_btf_id, 77);
	ck_assert_uint_eq(a->attach_prog_or_btf_obj_fd, 6);
	ck_assert_ptr_eq((void *)(uintptr_t)a->fd_array, fds);
	ck_assert_uint_eq(a->prog_flags, BPF_F_SLEEPABLE);
	ck_assert_uint_eq(a->expected_attach_type, BPF_TRACE_FENTRY);
	ck_assert_uint_eq(a->fd_array_cnt, 0);
	ck_assert_uint_eq(o.log_true_size, 1234);

	/* no buffer: no log level either (the kernel rejects a level without a buffer) */
	o.log_buf = NULL;
	o.fd_array_cnt = 2;
	sys_prog_load(&o);
	a = (void *)calls[1].attr;
	ck_assert_uint_eq(a->log_level, 0);
	ck_assert_uint_eq(a->log_size, 0);
	ck_assert_uint_eq(a->fd_array_cnt, 2);
	ck_assert_uint_eq(calls[1].size, offsetof(struct sys_prog_load_attr, fd_array_cnt) + 4);
}
END_TEST

START_TEST(prog_load_retries_eagain_bounded)
{
	struct bpf_insn insn = { .code = BPF_JMP | BPF_EXIT };
	struct sys_prog_load_opts o = { .prog_type = 1, .insns = &insn, .insn_cnt = 1 };

	answer(3, (long)-EAGAIN, (long)-EAGAIN, 9L);
	ck_assert_int_eq(sys_prog_load(&o), 9);
	ck_assert_int_eq(ncalls, 3);

	ncalls = 0;
	answer(1, (long)-EAGAIN);
	ck_assert_int_eq(sys_prog_load(&o), -EAGAIN);
	ck_assert_int_eq(ncalls, 1 + SYS_PROG_LOAD_EAGAIN_RETRIES);

	/* only PROG_LOAD is retried */
	ncalls = 0;
	ck_assert_int_eq(sys_map_freeze(4), -EAGAIN);
	ck_assert_int_eq(ncalls, 1);
}
END_TEST

START_TEST(errors_are_negative_errno)
{
	unsigned int key = 0, val;
	union bpf_attr *a = (void *)calls[0].attr;

	answer(1, (long)-EPERM);
	ck_assert_int_eq(sys_map_lookup_elem(3, &key, &val, BPF_F_LOCK), -EPERM);
	ck_assert_int_eq(calls[0].cmd, BPF_MAP_LOOKUP_ELEM);
	ck_assert_uint_eq(calls[0].size, 32);
	ck_assert_uint_eq(a->map_fd, 3);
	ck_assert_ptr_eq((void *)(uintptr_t)a->key, &key);
	ck_assert_ptr_eq((void *)(uintptr_t)a->value, &val);
	ck_assert_uint_eq(a->flags, BPF_F_LOCK);
	ck_assert_str_eq(sys_errno_name(-EPERM), "EPERM");
	ck_assert_str_eq(sys_errno_name(E2BIG), "E2BIG");
	ck_assert_str_eq(sys_errno_name(524), "ENOTSUPP");
	ck_assert_str_eq(sys_cmd_name(BPF_LINK_CREATE), "BPF_LINK_CREATE");
	ck_assert_str_eq(sys_cmd_name(999), "BPF_UNKNOWN_CMD");
}
END_TEST

START_TEST(link_create_layouts)
{
	struct sys_link_create_opts o = { .prog_fd = 4, .target_fd = 12, .attach_type = BPF_TCX_INGRESS,
					  .flags = BPF_F_BEFORE, .relative_fd_or_id = 5,
					  .expected_revision = 3 };
	uint64_t offs[2] = { 0x10, 0x20 };
	unsigned char *b = calls[0].attr;
	uint32_t u32;
	uint64_t u64;

	answer(1, 20L);
	ck_assert_int_eq(sys_link_create(&o), 20);
	ck_assert_uint_eq(calls[0].size, 32);
	memcpy(&u32, b + 8, 4);
	ck_assert_uint_eq(u32, BPF_TCX_INGRESS);
	memcpy(&u32, b + 16, 4);
	ck_assert_uint_eq(u32, 5);
	memcpy(&u64, b + 24, 8);
	ck_assert_uint_eq(u64, 3);

	/* perf_event: the cookie sits at offset 16 */
	memset(&o, 0, sizeof(o));
	o.prog_fd = 4;
	o.target_fd = 30;
	o.attach_type = BPF_PERF_EVENT;
	o.perf_cookie = 0xabcdef;
	sys_link_create(&o);
	b = calls[1].attr;
	ck_assert_uint_eq(calls[1].size, 24);
	memcpy(&u64, b + 16, 8);
	ck_assert_uint_eq(u64, 0xabcdef);

	/* uprobe_multi: path, offsets, cnt and pid at their 6.6 offsets */
	memset(&o, 0, sizeof(o));
	o.attach_type = BPF_TRACE_UPROBE_MULTI;
	o.uprobe_path = "/bin/true";
	o.uprobe_offsets = offs;
	o.multi_cnt = 2;
	o.uprobe_pid = 99;
	sys_link_create(&o);
	b = calls[2].attr;
	ck_assert_uint_eq(calls[2].size, 60);
	memcpy(&u64, b + 16, 8);
	ck_assert_str_eq((const char *)(uintptr_t)u64, "/bin/true");
	memcpy(&u64, b + 24, 8);
	ck_assert_ptr_eq((void *)(uintptr_t)u64, offs);
	memcpy(&u32, b + 48, 4);
	ck_assert_uint_eq(u32, 2);
	memcpy(&u32, b + 56, 4);
	ck_assert_uint_eq(u32, 99);

	/* xdp: nothing past flags */
	memset(&o, 0, sizeof(o));
	o.attach_type = BPF_XDP;
	o.target_fd = 2;
	sys_link_create(&o);
	ck_assert_uint_eq(calls[3].size, 16);
}
END_TEST

START_TEST(ids_and_info)
{
	struct bpf_prog_info info;
	union bpf_attr *a = (void *)calls[0].attr;
	uint32_t next = 0;

	answer(1, 0L);
	ck_assert_int_eq(sys_get_next_id(SYS_OBJ_MAP, 17, &next), 0);
	ck_assert_int_eq(calls[0].cmd, BPF_MAP_GET_NEXT_ID);
	ck_assert_uint_eq(a->start_id, 17);
	ck_assert_int_eq(sys_get_fd_by_id(SYS_OBJ_LINK, 5), 0);
	ck_assert_int_eq(calls[1].cmd, BPF_LINK_GET_FD_BY_ID);
	ck_assert_int_eq(sys_get_fd_by_id(9, 5), -EINVAL);
	ck_assert_int_eq(sys_prog_get_info(8, &info), 0);
	a = (void *)calls[2].attr;
	ck_assert_int_eq(calls[2].cmd, BPF_OBJ_GET_INFO_BY_FD);
	ck_assert_uint_eq(a->info.bpf_fd, 8);
	ck_assert_uint_eq(a->info.info_len, sizeof(info));
	ck_assert_ptr_eq((void *)(uintptr_t)a->info.info, &info);
}
END_TEST

/* The trace hook sees the command, the key attributes, the result and the errno name. */
struct seen {
	int n;
	char what[4][32];
	char detail[4][600];
	long long result[4];
};

static void on_trace(const struct rb_trace_event *ev, void *ctx)
{
	struct seen *s = ctx;

	if (ev->kind != RB_TRACE_SYSCALL || s->n >= 4)
		return;
	snprintf(s->what[s->n], sizeof(s->what[0]), "%s", ev->what);
	snprintf(s->detail[s->n], sizeof(s->detail[0]), "%s", ev->detail);
	s->result[s->n] = ev->result;
	s->n++;
}

START_TEST(trace_reports_each_call)
{
	struct bpf_insn insn = { .code = BPF_JMP | BPF_EXIT };
	struct sys_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_XDP, .name = "xdp_pass",
					.insns = &insn, .insn_cnt = 1, .license = "GPL" };
	struct seen s = { 0 };

	rb_set_trace(on_trace, &s);
	answer(2, (long)-EAGAIN, (long)-EINVAL);
	ck_assert_int_eq(sys_prog_load(&o), -EINVAL);
	ck_assert_int_eq(s.n, 1);
	ck_assert_str_eq(s.what[0], "BPF_PROG_LOAD");
	ck_assert_int_eq(s.result[0], -EINVAL);
	ck_assert_msg(strstr(s.detail[0], "prog_type=6 name='xdp_pass' insn_cnt=1 license='GPL'"),
		      "detail: %s", s.detail[0]);
	ck_assert_msg(strstr(s.detail[0], "(retried 1 times on EAGAIN) -> EINVAL (Invalid argument)"),
		      "detail: %s", s.detail[0]);

	answer(1, 5L);
	ncalls = 0;
	ck_assert_int_eq(sys_obj_get("/sys/fs/bpf/x", 0), 5);
	ck_assert_str_eq(s.what[1], "BPF_OBJ_GET");
	ck_assert_str_eq(s.detail[1], "path='/sys/fs/bpf/x' file_flags=0x0");
	ck_assert_int_eq(s.result[1], 5);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sys");
	TCase *tc = tcase_create("sys");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, map_create_sends_every_attribute);
	tcase_add_test(tc, prog_load_sends_every_attribute);
	tcase_add_test(tc, prog_load_retries_eagain_bounded);
	tcase_add_test(tc, errors_are_negative_errno);
	tcase_add_test(tc, link_create_layouts);
	tcase_add_test(tc, ids_and_info);
	tcase_add_test(tc, trace_reports_each_call);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
