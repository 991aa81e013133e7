/*
 * Uprobes, uretprobes and a USDT semaphore against the kernel, end to end with our own
 * pieces: loader/uprobe_target finds rb_uprobe_target in this very executable,
 * bpf/dynprobe attaches hand-assembled programs through the uprobe PMU, the test calls the
 * function and reads a map: how often the entry and return probes ran, the argument (rdi)
 * the entry probe saw and the return value (rax) the return probe saw. loader/usdt finds
 * the USDT probe rbk:probe below; attaching with its semaphore as ref_ctr_offset must make
 * the kernel raise the semaphore in this process, and detaching must lower it again.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sdt.h>
#include <unistd.h>

#include "testlib.h"
#include "bpf/dynprobe.h"
#include "bpf/insn.h"
#include "bpf/sys.h"
#include "loader/uprobe_target.h"
#include "loader/usdt.h"

unsigned short rbk_probe_semaphore __attribute__((unused, section(".probes")));
volatile int rb_sink;

__attribute__((noinline, used)) int rb_uprobe_target(int x)
{
	rb_sink = x;
	return x * 3 + 1;
}

__attribute__((noinline)) static void fire_usdt(int x)
{
	STAP_PROBE1(rbk, probe, x);
}

/*
 * A program that counts into value slot `count_slot` (u64) of array map entry 0 and stores
 * the pt_regs field at regs_off into the next slot.
 */
static int load_counter(int map_fd, int count_slot, int regs_off)
{
	struct bpf_insn p[16];
	struct sys_prog_load_opts o = {0};
	static char log[16384];
	int n = 0, fd;

	p[n++] = insn_mov64_reg(6, 1);				      /* 0 */
	p[n++] = insn_st_mem(BPF_W, 10, -4, 0);			      /* 1 */
	insn_ld_imm64(&p[n], 1, BPF_PSEUDO_MAP_FD, (uint32_t)map_fd); /* 2 */
	n += 2;
	p[n++] = insn_mov64_reg(2, 10);						/* 4 */
	p[n++] = insn_alu64_imm(BPF_ADD, 2, -4);				/* 5 */
	p[n++] = insn_call_helper(BPF_FUNC_map_lookup_elem);			/* 6 */
	p[n++] = insn_jmp_imm(BPF_JEQ, 0, 0, 4);				/* 7 -> 12 */
	p[n++] = insn_mov64_imm(1, 1);						/* 8 */
	p[n++] = insn_atomic(BPF_DW, BPF_ADD, 0, 1, (int16_t)(count_slot * 8)); /* 9 */
	p[n++] = insn_ldx_mem(BPF_DW, 1, 6, (int16_t)regs_off);			/* 10 */
	p[n++] = insn_stx_mem(BPF_DW, 0, 1, (int16_t)(count_slot * 8 + 8));	/* 11 */
	p[n++] = insn_mov64_imm(0, 0);						/* 12 */
	p[n++] = insn_exit();							/* 13 */
	o.prog_type = BPF_PROG_TYPE_KPROBE;
	o.name = "rb_uprobe_test";
	o.insns = p;
	o.insn_cnt = (uint32_t)n;
	o.license = "GPL";
	o.log_level = 1;
	o.log_buf = log;
	o.log_size = sizeof(log);
	fd = sys_prog_load(&o);
	ck_assert_msg(fd >= 0, "load: %s\n%s", strerror(-fd), log);
	return fd;
}

static int map_array(void)
{
	struct sys_map_create_opts mo = {.map_type = BPF_MAP_TYPE_ARRAY,
					 .key_size = 4,
					 .value_size = 64,
					 .max_entries = 1,
					 .name = "rb_uprobe"};
	int fd = sys_map_create(&mo);

	ck_assert_msg(fd >= 0, "map: %s", strerror(-fd));
	return fd;
}

static void read_slots(int map_fd, uint64_t *v)
{
	uint32_t key = 0;

	ck_assert_int_eq(sys_map_lookup_elem(map_fd, &key, v, 0), 0);
}

static void self_path(char *out)
{
	ck_assert_ptr_nonnull(realpath("/proc/self/exe", out));
}

START_TEST(uprobe_and_uretprobe_on_own_function)
{
	char path[PATH_MAX];
	struct rb_error e = {0};
	struct dynprobe_opts o = {.pid = getpid()};
	struct dynprobe entry, ret;
	uint64_t off = 0, v[8];
	int map_fd = map_array(), p_entry, p_ret;

	self_path(path);
	ck_assert_msg(!uprobe_func_offset(path, "rb_uprobe_target", &off, &e), "%s", e.msg);
	p_entry = load_counter(map_fd, 0, 112); /* pt_regs->di: the first argument */
	p_ret = load_counter(map_fd, 2, 80);	/* pt_regs->ax: the return value */
	ck_assert_msg(!dynprobe_uprobe(p_entry, path, off, &o, &entry, &e), "%s", e.msg);
	o.retprobe = true;
	ck_assert_msg(!dynprobe_uprobe(p_ret, path, off, &o, &ret, &e), "%s", e.msg);
	for (int i = 1; i <= 5; i++)
		rb_uprobe_target(i * 10);
	dynprobe_detach(&entry);
	dynprobe_detach(&ret);
	rb_uprobe_target(1000); /* detached: not counted */
	read_slots(map_fd, v);
	ck_assert_uint_eq(v[0], 5);
	ck_assert_uint_eq(v[1], 50);
	ck_assert_uint_eq(v[2], 5);
	ck_assert_uint_eq(v[3], 151);
	close(p_entry);
	close(p_ret);
	close(map_fd);
}
END_TEST

START_TEST(usdt_semaphore_and_probe)
{
	char path[PATH_MAX];
	struct rb_error e = {0};
	struct usdt_probe *pr = NULL;
	struct dynprobe_opts o = {.pid = getpid()};
	struct dynprobe d;
	uint64_t v[8];
	size_t n = 0;
	int map_fd = map_array(), prog;

	self_path(path);
	ck_assert_msg(!usdt_find(path, "rbk", "probe", &pr, &n, &e), "%s", e.msg);
	ck_assert_uint_ge(n, 1);
	ck_assert_uint_ne(pr[0].sema_off, 0);
	prog = load_counter(map_fd, 0, 112);
	ck_assert_uint_eq(rbk_probe_semaphore, 0);
	o.ref_ctr_offset = pr[0].sema_off;
	ck_assert_msg(!dynprobe_uprobe(prog, path, pr[0].file_off, &o, &d, &e), "%s", e.msg);
	ck_assert_uint_eq(rbk_probe_semaphore, 1); /* the kernel raised it in this process */
	for (int i = 0; i < 3; i++)
		if (rbk_probe_semaphore)
			fire_usdt(i);
	dynprobe_detach(&d);
	ck_assert_uint_eq(rbk_probe_semaphore, 0);
	read_slots(map_fd, v);
	ck_assert_uint_eq(v[0], 3 * n); /* every site of the probe fired: one here */
	free(pr);
	close(prog);
	close(map_fd);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("uprobe_kernel");
	TCase *tc = tcase_create("uprobe_kernel");

	test_require_kernel();
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, uprobe_and_uretprobe_on_own_function);
	tcase_add_test(tc, usdt_semaphore_and_probe);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
