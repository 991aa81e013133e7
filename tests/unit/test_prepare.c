/* loader/prepare: the samples prepared, with exact instructions, layouts, info and history. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "btf/btf.h"
#include "loader/kernel_env.h"
#include "loader/object.h"
#include "loader/prepare.h"
#include "testlib.h"

struct prepared {
	struct rb_object *obj;
	struct rb_prepared *pp;
};

static char kconfig_file[64];

/* A kernel config of our own, so the kconfig values are the same on every machine. */
static const char *write_kconfig(const char *text)
{
	FILE *f;
	int fd;

	strcpy(kconfig_file, "/tmp/rb-kconfig-XXXXXX");
	fd = mkstemp(kconfig_file);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return kconfig_file;
}

static int try_prepare(const char *sample, const struct rb_prepare_opts *opts,
		       struct prepared *p, struct rb_error *e)
{
	char path[512];
	int ret;

	memset(p, 0, sizeof(*p));
	ret = rb_object_open(test_sample_path(path, sizeof(path), sample), NULL, &p->obj, e);
	ck_assert_msg(ret == 0, "%s", e->msg);
	return rb_object_prepare(p->obj, opts, &p->pp, e);
}

static void prepare(const char *sample, const struct rb_prepare_opts *opts, struct prepared *p)
{
	struct rb_error e = { 0 };

	ck_assert_msg(try_prepare(sample, opts, p, &e) == 0, "%s", e.msg);
}

static void done(struct prepared *p)
{
	rb_prepared_free(p->pp);
	rb_object_close(p->obj);
	if (kconfig_file[0])
		unlink(kconfig_file);
	kconfig_file[0] = '\0';
}

static const struct rb_linked_prog *prog(const struct prepared *p, const char *name)
{
	for (size_t i = 0; i < rb_prepared_prog_count(p->pp); i++) {
		const struct rb_linked_prog *lp = rb_prepared_prog(p->pp, i, NULL);

		if (!strcmp(lp->name, name))
			return lp;
	}
	ck_abort_msg("no program %s", name);
	return NULL;
}

static int extern_idx(const struct prepared *p, const char *name)
{
	for (size_t i = 0; i < rb_prepared_extern_count(p->pp); i++)
		if (!strcmp(rb_prepared_extern(p->pp, i)->name, name))
			return (int)i;
	ck_abort_msg("no extern %s", name);
	return -1;
}

static int map_idx(const struct prepared *p, const char *name)
{
	int i = rb_object_map_find(p->obj, name);

	ck_assert_msg(i >= 0, "no map %s", name);
	return i;
}

static void assert_insn(const struct bpf_insn *got, uint8_t code, uint8_t dst, uint8_t src,
			int16_t off, int32_t imm)
{
	ck_assert_uint_eq(got->code, code);
	ck_assert_uint_eq(got->dst_reg, dst);
	ck_assert_uint_eq(got->src_reg, src);
	ck_assert_int_eq(got->off, off);
	ck_assert_int_eq(got->imm, imm);
}

static void assert_layout(const struct rb_linked_prog *lp, const char *const *names,
			  const uint32_t *starts, uint32_t n)
{
	ck_assert_uint_eq(lp->func_cnt, n);
	for (uint32_t i = 0; i < n; i++) {
		ck_assert_str_eq(lp->funcs[i].name, names[i]);
		ck_assert_uint_eq(lp->funcs[i].start, starts[i]);
	}
}

/* The source line of linked instruction i (0 without line_info). */
static uint32_t line_of(const struct rb_linked_prog *lp, uint32_t i)
{
	int32_t li = lp->hist[i].line_info;

	return li < 0 ? 0 : lp->line_info[li].line_col >> 10;
}

START_TEST(relo_mix_layout_and_patches)
{
	struct rb_prepare_opts o = { .sz = sizeof(o) };
	const struct rb_linked_prog *a, *b;
	const struct rb_relo_decision *d;
	struct prepared p;
	int kfunc, kcfg, bss, mix;
	const void *kbytes;
	size_t ksize;
	int kmap;

	o.kconfig_path = write_kconfig("CONFIG_BPF=y\n");
	prepare("relo/relo_mix.bpf.o", &o, &p);
	a = prog(&p, "mix_a");
	b = prog(&p, "mix_b");
	kfunc = extern_idx(&p, "bpf_rawbpf_no_such_kfunc");
	kcfg = extern_idx(&p, "CONFIG_RAWBPF_ABSENT");
	bss = map_idx(&p, "relo_mix.bss");
	mix = map_idx(&p, ".data.mix");
	kbytes = rb_prepared_kconfig(p.pp, &kmap, &ksize);
	ck_assert_ptr_nonnull(kbytes);
	ck_assert_int_ge(kmap, 0);

	/* mix_a: [mix_a 0..19][outer 20..26][inner 27..37], depth first */
	ck_assert_uint_eq(a->insn_cnt, 38);
	assert_layout(a, (const char *[]){ "mix_a", "outer", "inner" },
		      (const uint32_t[]){ 0, 20, 27 }, 3);
	assert_insn(&a->insns[0], 0x85, 0, BPF_PSEUDO_CALL, 0, 19);  /* outer: 20 - 0 - 1 */
	assert_insn(&a->insns[21], 0x85, 0, BPF_PSEUDO_CALL, 0, 5);  /* inner: 27 - 21 - 1 */
	assert_insn(&a->insns[24], 0x85, 0, BPF_PSEUDO_CALL, 0, 2);  /* inner: 27 - 24 - 1 */
	/* hits[2] via the .bss section symbol: offset 16 comes from the instruction */
	assert_insn(&a->insns[1], 0x18, 1, BPF_PSEUDO_MAP_VALUE, 0, bss);
	assert_insn(&a->insns[2], 0, 0, 0, 0, 0);
	/* weak kfunc: its address is 0, its call is poisoned with the extern's index */
	assert_insn(&a->insns[6], 0x18, 1, 0, 0, 0);
	assert_insn(&a->insns[7], 0, 0, 0, 0, 0);
	assert_insn(&a->insns[9], 0x85, 0, 0, 0, RB_POISON_KFUNC_BASE + kfunc);
	/* weak kconfig: a map value reference into the kconfig map, which holds 0 there */
	assert_insn(&a->insns[10], 0x18, 1, BPF_PSEUDO_MAP_VALUE, 0, kmap);
	ck_assert_int_lt(a->insns[11].imm, (int)ksize);
	ck_assert_int_eq(((const uint8_t *)kbytes)[a->insns[11].imm], 0);
	/* inner's .bss and .data.mix references, in the appended copy */
	assert_insn(&a->insns[29], 0x18, 2, BPF_PSEUDO_MAP_VALUE, 0, bss);
	assert_insn(&a->insns[30], 0, 0, 0, 0, 0);
	assert_insn(&a->insns[33], 0x18, 1, BPF_PSEUDO_MAP_VALUE, 0, mix);

	/* func_info: one record per piece; line_info shifted with each piece */
	ck_assert_uint_eq(a->func_info_cnt, 3);
	ck_assert_uint_eq(a->func_info[1].insn_off, 20);
	ck_assert_uint_eq(a->func_info[2].insn_off, 27);
	for (uint32_t k = 1; k < a->line_info_cnt; k++)
		ck_assert_uint_gt(a->line_info[k].insn_off, a->line_info[k - 1].insn_off);

	/* History: where instructions came from, which line, what touched them. */
	ck_assert_uint_eq(a->hist[29].func, 2);
	ck_assert_uint_eq(a->hist[29].func_insn, 2);
	ck_assert_uint_eq(line_of(a, 29), 30);  /* return hits[i & 3] + base; */
	ck_assert_uint_eq(line_of(a, 21), 35);  /* return inner(i) + inner(i + 1); */
	ck_assert_uint_eq(line_of(a, 0), 41);   /* hits[2] += outer(1); */
	d = &a->decisions[a->hist[29].first_decision];
	ck_assert_int_eq(d->kind, RB_DEC_DATA);
	ck_assert_str_eq(d->sym, ".bss");
	ck_assert_int_eq(d->next, -1);
	d = &a->decisions[a->hist[9].first_decision];
	ck_assert_int_eq(d->kind, RB_DEC_WEAK_POISON);
	ck_assert_str_eq(d->sym, "bpf_rawbpf_no_such_kfunc");
	assert_insn(&d->before[0], 0x85, 0, BPF_PSEUDO_CALL, 0, -1);
	d = &a->decisions[a->hist[24].first_decision];
	ck_assert_int_eq(d->kind, RB_DEC_CALL);
	ck_assert_str_eq(d->target, "subprogram 'inner' at insn 27");
	ck_assert_uint_eq(d->func, 1);
	ck_assert_uint_eq(d->func_insn, 4);

	/* mix_b gets its own copy of inner, right after it. */
	ck_assert_uint_eq(b->insn_cnt, 20);
	assert_layout(b, (const char *[]){ "mix_b", "inner" }, (const uint32_t[]){ 0, 9 }, 2);
	assert_insn(&b->insns[1], 0x85, 0, BPF_PSEUDO_CALL, 0, 7);
	assert_insn(&b->insns[11], 0x18, 2, BPF_PSEUDO_MAP_VALUE, 0, bss);

	ck_assert(!rb_prepared_extern(p.pp, kcfg)->resolved);
	ck_assert_str_eq(rb_prepared_extern(p.pp, kcfg)->value, "0 (absent)");
	done(&p);
}
END_TEST

START_TEST(subprograms_shared)
{
	const struct rb_linked_prog *a, *b;
	struct prepared p;
	int calls;

	prepare("subprogs.bpf.o", NULL, &p);
	calls = map_idx(&p, "calls");
	a = prog(&p, "on_getpid");
	b = prog(&p, "on_getppid");
	for (int k = 0; k < 2; k++) {
		const struct rb_linked_prog *lp = k ? b : a;

		ck_assert_uint_eq(lp->insn_cnt, 27);
		assert_layout(lp, (const char *[]){ lp->name, "bump", "slot", "record_call" },
			      (const uint32_t[]){ 0, 6, 11, 18 }, 4);
		assert_insn(&lp->insns[1], 0x85, 0, 1, 0, 4);   /* bump */
		assert_insn(&lp->insns[3], 0x85, 0, 1, 0, 14);  /* record_call */
		assert_insn(&lp->insns[6], 0x85, 0, 1, 0, 4);   /* bump -> slot */
		assert_insn(&lp->insns[14], 0x18, 1, BPF_PSEUDO_MAP_FD, 0, calls);
		assert_insn(&lp->insns[24], 0x85, 0, 1, 0, -19); /* record_call -> bump */
		ck_assert_uint_eq(lp->func_info_cnt, 4);
		ck_assert_uint_eq(lp->decision_cnt, 5);
	}
	done(&p);
}
END_TEST

START_TEST(callbacks_and_globals)
{
	const struct rb_linked_prog *lp;
	struct prepared p;

	prepare("callbacks.bpf.o", NULL, &p);
	lp = prog(&p, "loop_and_sum");
	assert_layout(lp, (const char *[]){ "loop_and_sum", "add_square", "add_count" },
		      (const uint32_t[]){ 0, 49, 58 }, 3);
	assert_insn(&lp->insns[27], 0x18, 2, BPF_PSEUDO_FUNC, 0, 21);
	assert_insn(&lp->insns[39], 0x18, 2, BPF_PSEUDO_FUNC, 0, 18);
	ck_assert_int_eq(lp->decisions[lp->hist[39].first_decision].kind, RB_DEC_FUNC_PTR);
	lp = prog(&p, "arm_timer");
	ck_assert_str_eq(lp->funcs[1].name, "on_timer");
	assert_insn(&lp->insns[20], 0x18, 2, BPF_PSEUDO_FUNC, 0, 12);
	done(&p);

	prepare("globals.bpf.o", NULL, &p);
	lp = prog(&p, "count_matching");
	/* greeting through the .rodata section symbol: offset 21 from the instruction */
	assert_insn(&lp->insns[27], 0x18, 1, BPF_PSEUDO_MAP_VALUE, 0,
		    map_idx(&p, "globals.rodata"));
	ck_assert_int_eq(lp->insns[28].imm, 21);
	/* verbose: a variable symbol at 20 */
	ck_assert_int_eq(lp->insns[24].imm, 20);
	assert_insn(&lp->insns[2], 0x18, 2, BPF_PSEUDO_MAP_VALUE, 0, map_idx(&p, ".data.stats"));
	done(&p);
}
END_TEST

START_TEST(kconfig_values)
{
	struct rb_prepare_opts o = { .sz = sizeof(o) };
	const struct rb_linked_prog *lp;
	struct rb_error e = { 0 };
	const uint8_t *k;
	struct prepared p;
	struct utsname u;
	uint32_t ver, v32;
	int32_t s32;
	size_t size;
	int kmap;

	o.kconfig_path = write_kconfig("CONFIG_HZ=300\nCONFIG_BPF_JIT=y\nCONFIG_TUN=m\n"
				       "# CONFIG_KPROBES is not set\n");
	prepare("kconfig.bpf.o", &o, &p);
	k = rb_prepared_kconfig(p.pp, &kmap, &size);
	ck_assert_uint_eq(size, 18); /* last extern's offset + size, as libbpf sizes it */
	lp = prog(&p, "read_kconfig");
	/* Each extern's ld_imm64 points at its slot: check the bytes found there. */
	assert_insn(&lp->insns[6], 0x18, 1, BPF_PSEUDO_MAP_VALUE, 0, kmap);  /* CONFIG_HZ */
	memcpy(&s32, k + lp->insns[7].imm, 4);
	ck_assert_int_eq(s32, 300);
	memcpy(&v32, k + lp->insns[15].imm, 4);                             /* CONFIG_TUN */
	ck_assert_uint_eq(v32, 2);
	ck_assert_uint_eq(k[lp->insns[11].imm], 1);                         /* CONFIG_BPF_JIT */
	ck_assert_uint_eq(k[lp->insns[19].imm], 0);                         /* CONFIG_KPROBES */
	memcpy(&v32, k + lp->insns[1].imm, 4);                   /* LINUX_KERNEL_VERSION */
	ck_assert_int_eq(uname(&u), 0);
	ck_assert_int_eq(load_kernel_version(u.release, &ver), 0);
	ck_assert_uint_eq(v32, ver);
	ck_assert_str_eq(rb_prepared_extern(p.pp, extern_idx(&p, "CONFIG_KPROBES"))->value,
			 "0 (not set)");
	done(&p);

	/* A strong extern the config does not have. */
	o.kconfig_path = write_kconfig("CONFIG_BPF_JIT=y\nCONFIG_TUN=m\n");
	ck_assert_int_eq(try_prepare("kconfig.bpf.o", &o, &p, &e), -ESRCH);
	ck_assert(strstr(e.msg, "kconfig.bpf.o: extern 'CONFIG_HZ' (strong): is not in the "
			 "kernel config /tmp/rb-kconfig-"));
	ck_assert(strstr(e.msg, "; declare it __weak to read 0 instead"));
	done(&p);

	/* A value of the wrong shape. */
	o.kconfig_path = write_kconfig("CONFIG_HZ=y\nCONFIG_BPF_JIT=y\nCONFIG_TUN=m\n");
	ck_assert_int_eq(try_prepare("kconfig.bpf.o", &o, &p, &e), -EINVAL);
	ck_assert(strstr(e.msg, "kconfig.bpf.o: kconfig extern 'CONFIG_HZ': value 'y' is y/n/m, "
			 "which needs a bool, char or tristate"));
	done(&p);
}
END_TEST

START_TEST(ksyms_and_kfuncs)
{
	struct rb_prepare_opts o = { .sz = sizeof(o) };
	const struct rb_linked_prog *lp;
	char path[512];
	struct prepared p;

	/* Against the object's own BTF as target: the kfunc ids are the object's, fixed. */
	o.btf_path = test_sample_path(path, sizeof(path), "ksyms.bpf.o");
	prepare("ksyms.bpf.o", &o, &p);
	lp = prog(&p, "on_exec");
	assert_insn(&lp->insns[15], 0x85, 0, BPF_PSEUDO_KFUNC_CALL, 0, 25);
	assert_insn(&lp->insns[28], 0x85, 0, BPF_PSEUDO_KFUNC_CALL, 0, 27);
	ck_assert_str_eq(rb_prepared_extern(p.pp, extern_idx(&p, "bpf_task_from_pid"))->value,
			 "FUNC [25]");
	/* weak typeless ksym: 0 */
	assert_insn(&lp->insns[7], 0x18, 2, 0, 0, 0);
	assert_insn(&lp->insns[8], 0, 0, 0, 0, 0);
	/* typeless ksym: the address kallsyms gives */
	{
		const char *names[] = { "_stext" };
		struct rb_error e = { 0 };
		uint64_t addr = 0, got;
		bool found = false;
		char *text;
		size_t len;

		if (!load_read_file("/proc/kallsyms", &text, &len, &e)) {
			ck_assert_int_eq(load_kallsyms_resolve(text, len, names, &addr, &found, 1,
							       &e), 0);
			free(text);
		}
		got = (uint32_t)lp->insns[10].imm | (uint64_t)(uint32_t)lp->insns[11].imm << 32;
		ck_assert_uint_eq(got, addr);
		ck_assert_int_eq(lp->decisions[lp->hist[10].first_decision].kind,
				 found ? RB_DEC_KSYM_ADDR : RB_DEC_WEAK_ZERO);
	}
	/* CO-RE against the object's own BTF: applied, every offset stays what it was. */
	ck_assert_uint_eq(rb_prepared_core_pending(p.pp), 0);
	ck_assert_int_eq(lp->decisions[lp->hist[5].first_decision].kind, RB_DEC_CORE);
	ck_assert_str_eq(lp->decisions[lp->hist[5].first_decision].target,
			 "[21] struct task_struct->tgid");
	assert_insn(&lp->insns[5], 0x61, 2, 1, 12, 0);
	done(&p);

	/* No target BTF at all: the records are noted, the instructions stay as compiled. */
	o.btf_path = "/nonexistent/vmlinux";
	prepare("core_task.bpf.o", &o, &p);
	lp = prog(&p, "record_task");
	ck_assert_uint_eq(rb_prepared_core_pending(p.pp), 14);
	ck_assert_int_eq(lp->decisions[lp->hist[8].first_decision].kind, RB_DEC_CORE_PENDING);
	assert_insn(&lp->insns[8], 0xb7, 1, 0, 0, 8);
	done(&p);
	/* ...while a strong kfunc cannot do without one. */
	{
		struct rb_error e = { 0 };

		ck_assert_int_eq(try_prepare("ksyms.bpf.o", &o, &p, &e), -ENOENT);
		ck_assert(strstr(e.msg, "ksyms.bpf.o: extern 'bpf_task_from_pid' needs the kernel "
				 "BTF: /nonexistent/vmlinux: "));
		done(&p);
	}
}
END_TEST

/*
 * A poisoned CO-RE instruction gets a line_info record of its own: its text (the failed
 * relocation) and a copy of the file name go to the strings appended to the object's BTF.
 */
START_TEST(poisoned_insn_gets_its_own_line_info)
{
	struct rb_prepare_opts o = { .sz = sizeof(o) };
	const struct rb_linked_prog *lp;
	const struct rb_relo_decision *d;
	const struct bpf_line_info *li, *after;
	char target[512];
	struct prepared p;
	uint32_t base;
	const char *file;

	/* core_task's BTF has a task_struct, without core_no_match's rb_no_such_field */
	o.btf_path = test_sample_path(target, sizeof(target), "core_task.bpf.o");
	prepare("broken/core_no_match.bpf.o", &o, &p);
	lp = prog(&p, "core_no_match");
	base = btf_header(p.obj->btf)->str_len;
	d = &lp->decisions[lp->hist[1].first_decision];
	ck_assert_int_eq(d->kind, RB_DEC_CORE_POISON);
	ck_assert_str_eq(d->reason, "CO-RE relocation #0 failed: byte_off struct "
				    "task_struct->rb_no_such_field: no candidate matches: 2 types of "
				    "that name in core_task.bpf.o, none with this access; "
				    "instruction poisoned");
	/* compiled: records at 0, 1 (both line 15), 5, 8; now 1 is ours and 2 resumes line 15 */
	ck_assert_uint_eq(lp->line_info_cnt, 5);
	li = &lp->line_info[lp->hist[1].line_info];
	ck_assert_uint_eq(li->insn_off, 1);
	ck_assert_uint_ge(li->line_off, base);
	ck_assert_uint_lt(li->line_off - base, p.pp->btf_strs.len);
	ck_assert_str_eq(p.pp->btf_strs.buf + (li->line_off - base), d->reason);
	ck_assert_uint_ge(li->file_name_off, base);
	file = p.pp->btf_strs.buf + (li->file_name_off - base);
	ck_assert_str_eq(file, btf_str(p.obj->btf, lp->line_info[0].file_name_off));
	ck_assert_uint_eq(BPF_LINE_INFO_LINE_NUM(li->line_col), 15);
	after = &lp->line_info[lp->hist[2].line_info];
	ck_assert_uint_eq(after->insn_off, 2);
	ck_assert_uint_eq(after->file_name_off, lp->line_info[0].file_name_off);
	ck_assert_uint_eq(BPF_LINE_INFO_LINE_NUM(after->line_col), 15);
	ck_assert_uint_eq(lp->hist[4].line_info, lp->hist[2].line_info);
	for (uint32_t k = 1; k < lp->line_info_cnt; k++)
		ck_assert_uint_gt(lp->line_info[k].insn_off, lp->line_info[k - 1].insn_off);
	done(&p);

	/* Nothing poisoned, nothing added. */
	prepare("core_task.bpf.o", &o, &p);
	ck_assert_uint_eq(p.pp->btf_strs.len, 0);
	done(&p);
}
END_TEST

START_TEST(core_against_vmlinux)
{
	const struct rb_linked_prog *lp;
	struct rb_error e = { 0 };
	struct btf *vmlinux;
	struct prepared p;
	int id, pid_off = -1;

	if (btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &vmlinux, &e))
		return; /* no kernel BTF here */
	id = btf_find(vmlinux, "task_struct", BTF_KIND_STRUCT);
	ck_assert_int_gt(id, 0);
	for (uint32_t k = 0; k < btf_vlen(btf_type(vmlinux, id)); k++)
		if (!strcmp(btf_str(vmlinux, btf_members(btf_type(vmlinux, id))[k].name_off), "pid"))
			pid_off = (int)(btf_member_bit_offset(btf_type(vmlinux, id), k) / 8);
	btf_free(vmlinux);
	prepare("core_task.bpf.o", NULL, &p);
	lp = prog(&p, "record_task");
	/* r1 = offsetof(struct task_struct, pid) on this kernel, not the local 8 */
	assert_insn(&lp->insns[8], 0xb7, 1, 0, 0, pid_off);
	ck_assert_int_eq(lp->decisions[lp->hist[8].first_decision].kind, RB_DEC_CORE);
	ck_assert_int_eq(lp->decisions[lp->hist[8].first_decision].before[0].imm, 8);
	ck_assert_ptr_nonnull(lp->decisions[lp->hist[8].first_decision].detail);
	ck_assert_uint_eq(rb_prepared_core_pending(p.pp), 0);
	done(&p);
}
END_TEST

START_TEST(typed_ksym_against_vmlinux)
{
	const struct rb_linked_prog *lp;
	struct rb_error e = { 0 };
	struct btf *vmlinux;
	struct prepared p;
	int id;

	if (btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &vmlinux, &e))
		return; /* no kernel BTF here: covered by the --btf tests */
	id = btf_find(vmlinux, "runqueues", BTF_KIND_VAR);
	btf_free(vmlinux);
	if (id < 0)
		return;
	prepare("ksyms_typed.bpf.o", NULL, &p);
	lp = prog(&p, "sample_runqueue");
	assert_insn(&lp->insns[0], 0x18, 1, BPF_PSEUDO_BTF_ID, 0, id);
	assert_insn(&lp->insns[1], 0, 0, 0, 0, 0);
	done(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prepare");
	TCase *tc = tcase_create("prepare");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, relo_mix_layout_and_patches);
	tcase_add_test(tc, subprograms_shared);
	tcase_add_test(tc, callbacks_and_globals);
	tcase_add_test(tc, kconfig_values);
	tcase_add_test(tc, ksyms_and_kfuncs);
	tcase_add_test(tc, core_against_vmlinux);
	tcase_add_test(tc, poisoned_insn_gets_its_own_line_info);
	tcase_add_test(tc, typed_ksym_against_vmlinux);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
