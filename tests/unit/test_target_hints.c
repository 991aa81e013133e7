/*
 * loader/target_hints: close names for a missing kernel function (compiler-made copies,
 * other syscall wrappers, names containing it; text symbols only) and a missing tracepoint
 * (the event in another category, similar events of the category), from files made here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "loader/target_hints.h"
#include "testbin.h"
#include "testlib.h"

static const char kallsyms[] = "ffffffff81000000 T _stext\n"
			       "ffffffff81000008 t __pfx_do_thing.isra.0\n"
			       "ffffffff81000010 t do_thing.isra.0\n"
			       "ffffffff81000020 t do_thing.cold\n"
			       "ffffffff81000030 T undo_thing_now\n"
			       "ffffffff81000040 D do_thing_data\n"
			       "ffffffff81000050 T __x64_sys_openat\n"
			       "ffffffff81000060 T __ia32_sys_openat\n"
			       "ffffffff81000070 t do_sys_openat2\n"
			       "ffffffff81000080 T vfs_read\n"
			       "ffffffff81000090 T kmem_cache_alloc_noprof\n"
			       "ffffffff810000a0 T __kmalloc_noprof\n"
			       "ffffffff810000b0 t __traceiter_kmem_cache_alloc\n"
			       "ffffffff810000c0 t perf_trace_kmem_cache_alloc\n"
			       "ffffffff810000d0 t trace_raw_output_kmem_cache_alloc\n"
			       "ffffffff810000e0 t __bpf_trace_kmem_cache_alloc\n"
			       "ffffffff810000f0 T kmem_cache_alloc_bulk_noprof\n"
			       "ffffffff81000100 T migrate_misplaced_folio\n"
			       "ffffffff81000110 T migrate_pages\n"
			       "ffffffffc0000000 t mod_thing\t[mod]\n"
			       "ffffffffc0001000 t bpf_prog_0123456789abcdef_dummy_kprobe\t[bpf]\n"
			       "ffffffffc0002000 t bpf_trampoline_6442\t[bpf]\n";

static char ks[512];

START_TEST(kernel_function_variants)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(hint_kernel_func(ks, "do_thing", &sb, 5), 0);
	/* copies first, then names containing it; data symbols never */
	ck_assert_str_eq(sb_str(&sb), "do_thing.isra.0, do_thing.cold, undo_thing_now");
	sb_reset(&sb);
	ck_assert_int_eq(hint_kernel_func(ks, "do_thing", &sb, 1), 0);
	ck_assert_str_eq(sb_str(&sb), "do_thing.isra.0");
	sb_reset(&sb);
	ck_assert_int_eq(hint_kernel_func(ks, "sys_openat", &sb, 5), 0);
	/* wrappers of the same syscall before other names containing it */
	ck_assert_str_eq(sb_str(&sb), "__x64_sys_openat, __ia32_sys_openat, do_sys_openat2");
	sb_reset(&sb);
	ck_assert_int_eq(hint_kernel_func(ks, "__arm64_sys_openat", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "__x64_sys_openat, __ia32_sys_openat");
	sb_reset(&sb);
	ck_assert_int_eq(hint_kernel_func(ks, "vfs_read", &sb, 5), 1);
	ck_assert_int_eq(hint_kernel_func(ks, "mod_thing", &sb, 5), 1);
	sb_reset(&sb);
	ck_assert_int_eq(hint_kernel_func(ks, "nothing_like_it", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "");
	ck_assert_int_eq(hint_kernel_func("/nonexistent/kallsyms", "x", &sb, 5), -ENOENT);
	sb_free(&sb);
}
END_TEST

/*
 * From the attach sweep over libbpf-tools on 6.18: slabratetop's kprobe on kmem_cache_alloc
 * (an allocation-profiling macro now) was offered tracepoint glue symbols, not the
 * function's _noprof body; funclatency's dummy_kprobe was offered its own BPF program.
 */
START_TEST(kernel_function_noprof_and_noise)
{
	struct strbuf sb = STRBUF_INIT;

	ck_assert_int_eq(hint_kernel_func(ks, "kmem_cache_alloc", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "kmem_cache_alloc_noprof, kmem_cache_alloc_bulk_noprof");
	sb_reset(&sb);
	ck_assert_int_eq(hint_kernel_func(ks, "kmalloc", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "__kmalloc_noprof");
	sb_reset(&sb);
	ck_assert_int_eq(hint_kernel_func(ks, "dummy_kprobe", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "");
	ck_assert_int_eq(hint_kernel_func(ks, "bpf_trampoline_6442", &sb, 5), 0);
	sb_reset(&sb);
	/* numamove's fentry target, renamed in 6.x: the names that begin with its first words */
	ck_assert_int_eq(hint_kernel_func(ks, "migrate_misplaced_page", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "migrate_misplaced_folio");
	sb_free(&sb);
}
END_TEST

START_TEST(tracepoint_variants)
{
	char ev[512];
	struct strbuf sb = STRBUF_INIT;

	testbin_path(ev, sizeof(ev), "events");
	ck_assert_int_eq(hint_tracepoint(ev, "sched", "sched_switch", &sb, 5), 1);
	ck_assert_int_eq(hint_tracepoint(ev, "syscalls", "sched_switch", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "sched/sched_switch");
	sb_reset(&sb);
	ck_assert_int_eq(hint_tracepoint(ev, "sched", "switch", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "sched/sched_switch");
	sb_reset(&sb);
	ck_assert_int_eq(hint_tracepoint(ev, "syscalls", "sys_enter_open", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "syscalls/sys_enter_openat");
	sb_reset(&sb);
	ck_assert_int_eq(hint_tracepoint(ev, "nosuch", "nothing", &sb, 5), 0);
	ck_assert_str_eq(sb_str(&sb), "");
	ck_assert_int_eq(hint_tracepoint("/nonexistent/events", "a", "b", &sb, 5), -ENOENT);
	sb_free(&sb);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("target_hints");
	TCase *tc = tcase_create("target_hints");
	int ret;

	snprintf(ks, sizeof(ks), "%s", testbin_write("kallsyms", kallsyms));
	if (testbin_sh("mkdir -p events/sched/sched_switch events/sched/sched_wakeup "
		       "events/syscalls/sys_enter_openat events/syscalls/sys_exit_openat && "
		       "touch events/sched/enable")) {
		fprintf(stderr, "making the events tree failed\n");
		return 1;
	}
	tcase_add_test(tc, kernel_function_variants);
	tcase_add_test(tc, kernel_function_noprof_and_noise);
	tcase_add_test(tc, tracepoint_variants);
	suite_add_tcase(s, tc);
	ret = test_run_suite(s);
	testbin_cleanup();
	return ret;
}
