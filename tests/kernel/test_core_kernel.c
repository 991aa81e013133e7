/*
 * CO-RE against the running kernel, through the library API (open, prepare, load, attach):
 *   core_task.bpf.o   reads the exec'ing task's pid, tgid, parent's tgid, comm, the in_execve
 *                     bitfield and enum pid_type's PIDTYPE_TGID; the test fork+execs /bin/true
 *                     and compares with the child's pid, getpid(), "true", and the enum value
 *                     as vmlinux BTF has it (read here through btf/, not a constant). Its
 *                     field_exists branch holds a relocation that finds nothing: poisoned,
 *                     never reached, and the program loads.
 *   core_no_match     the same kind of poisoned read, reached: refused, and the error names
 *                     the CO-RE record (type, access, no candidate).
 * What libbpf's run of core_task checks: tests/oracle/oracle_samples.c t_core_task.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "btf/btf.h"
#include "testlib.h"

struct task_info {
	uint32_t pid, tgid, ppid, in_execve, pidtype_tgid, state;
	char comm[16];
};

struct sample {
	struct rb_object *obj;
	struct rb_prepared *pp;
	struct rb_loaded *l;
	struct rb_error e;
};

static int sample_load(const char *name, struct sample *s, const struct rb_load_opts *lo)
{
	char path[512];
	int r;

	memset(s, 0, sizeof(*s));
	test_sample_path(path, sizeof(path), name);
	r = rb_object_open(path, NULL, &s->obj, &s->e);
	if (r == 0)
		r = rb_object_prepare(s->obj, NULL, &s->pp, &s->e);
	if (r == 0)
		r = rb_object_load(s->obj, s->pp, lo, &s->l, &s->e);
	return r;
}

static void sample_free(struct sample *s)
{
	rb_loaded_free(s->l);
	rb_prepared_free(s->pp);
	rb_object_close(s->obj);
}

/* PIDTYPE_TGID as the running kernel's BTF has it. */
static int64_t kernel_enum_value(const char *type, const char *name)
{
	struct rb_error e = { 0 };
	struct btf *vm = NULL;
	const struct btf_type *t;
	int64_t v = -1;
	int id;

	ck_assert_msg(btf_open_raw(RB_BTF_VMLINUX, NULL, &vm, &e) == 0, "%s", e.msg);
	id = btf_find(vm, type, BTF_KIND_ENUM);
	ck_assert_msg(id > 0, "vmlinux BTF has no enum %s", type);
	t = btf_type(vm, (uint32_t)id);
	for (uint32_t i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf_str(vm, btf_enum_name_off(t, i)), name))
			v = (int64_t)btf_enum_value(t, i);
	btf_free(vm);
	ck_assert_msg(v >= 0, "enum %s has no %s", type, name);
	return v;
}

static int map_fd(const struct sample *s, const char *name)
{
	for (size_t i = 0; i < rb_loaded_map_count(s->l); i++) {
		struct rb_loaded_map_info mi;

		if (rb_loaded_map(s->l, i, &mi) == 0 && !strcmp(mi.name, name))
			return mi.fd;
	}
	ck_abort_msg("no map %s", name);
	return -1;
}

/* The decisions of kind in program 0 of s; *poison_reason gets the first one's reason. */
static unsigned int count_decisions(const struct sample *s, enum rb_decision_kind kind,
				    const char **first_reason)
{
	const struct rb_linked_prog *lp = rb_prepared_prog(s->pp, 0, NULL);
	unsigned int n = 0;

	ck_assert_ptr_nonnull(lp);
	for (uint32_t k = 0; k < lp->decision_cnt; k++)
		if (lp->decisions[k].kind == kind) {
			if (!n && first_reason)
				*first_reason = lp->decisions[k].reason;
			n++;
		}
	return n;
}

START_TEST(core_task_reads_the_exec_child)
{
	struct rb_load_opts lo = { .sz = sizeof(lo) };
	struct rb_loaded_prog_info pi;
	struct task_info t;
	struct sample s;
	const char *why = NULL;
	uint32_t key;
	pid_t child;
	int st, n;

	ck_assert_msg(sample_load("core_task.bpf.o", &s, &lo) == 0, "%s", s.e.msg);
	/* field_exists(task_struct___pre514->state) is 0 here, its read poisoned and dead. */
	ck_assert_uint_ge(count_decisions(&s, RB_DEC_CORE, NULL), 10);
	ck_assert_uint_eq(count_decisions(&s, RB_DEC_CORE_POISON, &why), 1);
	ck_assert_msg(strstr(why, "task_struct___pre514->state"), "%s", why);
	ck_assert_int_eq(rb_loaded_prog(s.l, 0, &pi), 0);
	ck_assert_int_ge(pi.fd, 0);
	n = rb_loaded_attach(s.l, &s.e);
	ck_assert_msg(n == 1, "attach: %d %s", n, s.e.msg);

	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);

	key = (uint32_t)child;
	memset(&t, 0xff, sizeof(t));
	ck_assert_msg(rb_map_lookup(map_fd(&s, "tasks"), &key, &t) == 0,
		      "no entry for the exec'd child %d", child);
	ck_assert_uint_eq(t.pid, (uint32_t)child);
	ck_assert_uint_eq(t.tgid, (uint32_t)child);
	ck_assert_uint_eq(t.ppid, (uint32_t)getpid());
	ck_assert_str_eq(t.comm, "true");
	ck_assert_uint_eq(t.in_execve, 1);
	ck_assert_uint_eq(t.pidtype_tgid, (uint32_t)kernel_enum_value("pid_type", "PIDTYPE_TGID"));
	ck_assert_uint_eq(t.state, 0);
	rb_loaded_detach(s.l);
	sample_free(&s);
}
END_TEST

/* The poisoned read reached: the kernel refuses it, and rawbpf says which record failed. */
START_TEST(core_no_match_reached_is_refused_and_named)
{
	struct rb_load_opts lo = { .sz = sizeof(lo) };
	struct sample s;
	const char *why = NULL;
	int r;

	r = sample_load("broken/core_no_match.bpf.o", &s, &lo);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_uint_eq(count_decisions(&s, RB_DEC_CORE_POISON, &why), 1);
	ck_assert_msg(strstr(why, "struct task_struct->rb_no_such_field"), "%s", why);
	/* the load error: the kernel's message, and the record behind it */
	ck_assert_msg(strstr(s.e.msg, "unknown#195896080"), "%s", s.e.msg);
	ck_assert_msg(strstr(s.e.msg, "CO-RE relocation #0 failed"), "%s", s.e.msg);
	ck_assert_msg(strstr(s.e.msg, "struct task_struct->rb_no_such_field"), "%s", s.e.msg);
	ck_assert_msg(strstr(s.e.msg, "no candidate"), "%s", s.e.msg);
	sample_free(&s);
}
END_TEST

/*
 * The poisoned instruction's own line_info record: the kernel's raw log (levels 1 and 2)
 * prints the failed relocation right before the instruction, and the source line after it.
 */
START_TEST(poisoned_insn_line_info_in_the_raw_log)
{
	/*
	 * Where modules carry BTF (the qemu guests load veth & co.), the count names them too:
	 * "in vmlinux and 3 module BTFs". Kernels before 6.5 print the source line without
	 * " @ file:line".
	 */
	static const char head[] = "; CO-RE relocation #0 failed: byte_off struct "
				   "task_struct->rb_no_such_field: no candidate matches: 1 type of "
				   "that name in vmlinux";
	static const char tail[] = "none with this access; instruction poisoned @ "
				   "core_no_match.bpf.c:15\n1: (85) call unknown#195896080";
	static const char tail_old[] = "none with this access; instruction poisoned\n"
				       "1: (85) call unknown#195896080";
	struct rb_load_opts lo = { .sz = sizeof(lo), .keep_going = true };
	struct rb_loaded_prog_info pi;
	const struct rb_linked_prog *lp;
	struct sample s;

	lo.log_level = (uint32_t)_i;
	sample_load("broken/core_no_match.bpf.o", &s, &lo);
	ck_assert_msg(s.l, "%s", s.e.msg);
	ck_assert_int_eq(rb_loaded_prog(s.l, 0, &pi), 0);
	ck_assert_int_eq(pi.err, -EINVAL);
	ck_assert_ptr_nonnull(pi.log);
	ck_assert_msg(strstr(pi.log, head) && (strstr(pi.log, tail) || strstr(pi.log, tail_old)),
		      "level %d log:\n%s", _i, pi.log);
	/* the record is the program's: insn 1 has its own, insn 2 is back on line 15 */
	lp = rb_prepared_prog(s.pp, 0, NULL);
	ck_assert_int_ge(lp->hist[1].line_info, 0);
	ck_assert_uint_eq(lp->line_info[lp->hist[1].line_info].insn_off, 1);
	ck_assert_uint_eq(lp->line_info[lp->hist[2].line_info].insn_off, 2);
	ck_assert_uint_eq(BPF_LINE_INFO_LINE_NUM(lp->line_info[lp->hist[2].line_info].line_col),
			  15);
	sample_free(&s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("core_kernel");
	TCase *tc = tcase_create("core_kernel");

	test_require_kernel();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, core_task_reads_the_exec_child);
	tcase_add_test(tc, core_no_match_reached_is_refused_and_named);
	tcase_add_loop_test(tc, poisoned_insn_line_info_in_the_raw_log, 1, 3);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
