/*
 * Prepared programs against the running kernel's verifier: what relo/ produced (call
 * offsets, appended subprograms, map value offsets, rebuilt func_info/line_info, a poisoned
 * weak kfunc call behind a known-false branch) must be accepted by BPF_PROG_LOAD.
 * Maps are created here from the object model, minimally: this tests prepare, not load.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/sys.h"
#include "btf/btf.h"
#include "loader/object.h"
#include "testlib.h"

struct loaded {
	struct rb_object *obj;
	struct rb_prepared *pp;
	int fds[16];
	size_t nfds;
	int btf_fd;
};

static char log_buf[1 << 20];
static char kconfig_file[64];

static void cleanup(struct loaded *l)
{
	for (size_t i = 0; i < l->nfds; i++)
		if (l->fds[i] >= 0)
			close(l->fds[i]);
	if (l->btf_fd > 0)
		close(l->btf_fd);
	rb_prepared_free(l->pp);
	rb_object_close(l->obj);
	if (kconfig_file[0])
		unlink(kconfig_file);
	kconfig_file[0] = '\0';
}

/*
 * The object's BTF as the kernel accepts it: clang leaves DATASEC sizes and variable
 * offsets for the loader to fill from the ELF section and symbol table (what the load stage's
 * sanitiser does in full; here only that, on a copy).
 */
static void *fixed_btf(const struct rb_object *obj, size_t *size)
{
	const uint8_t *raw = btf_raw_data(obj->btf, size);
	uint8_t *copy = malloc(*size);

	memcpy(copy, raw, *size);
	for (uint32_t id = 1; id < btf_nr_ids(obj->btf); id++) {
		const struct btf_type *t = btf_type(obj->btf, id);
		const struct elf_section *sec;
		struct btf_var_secinfo *vs;
		struct btf_type *mt;

		if (!btf_is_datasec(t))
			continue;
		mt = (struct btf_type *)(copy + ((const uint8_t *)t - raw));
		sec = elf_file_section(&obj->elf, btf_name(obj->btf, t));
		if (!sec)
			continue;
		mt->size = (uint32_t)sec->size;
		vs = (struct btf_var_secinfo *)(mt + 1);
		for (uint32_t k = 0; k < btf_vlen(t); k++) {
			const char *vn = btf_name_of(obj->btf, vs[k].type);

			for (size_t y = 0; y < obj->elf.sym_cnt; y++)
				if (obj->elf.syms[y].shndx == sec->idx &&
				    !strcmp(obj->elf.syms[y].name, vn))
					vs[k].offset = (uint32_t)obj->elf.syms[y].value;
		}
	}
	return copy;
}

/* Open, prepare, create every map (array/hash as declared) and fill the data maps. */
static void setup(struct loaded *l, const char *sample, bool with_btf)
{
	struct rb_prepare_opts o = { .sz = sizeof(o) };
	struct rb_error e = { 0 };
	char path[512];
	FILE *f;
	int fd;

	memset(l, 0, sizeof(*l));
	strcpy(kconfig_file, "/tmp/rb-kconfig-XXXXXX");
	fd = mkstemp(kconfig_file);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("CONFIG_BPF=y\n", f);
	fclose(f);
	o.kconfig_path = kconfig_file;
	ck_assert_msg(!rb_object_open(test_sample_path(path, sizeof(path), sample), NULL, &l->obj,
				      &e), "%s", e.msg);
	ck_assert_msg(!rb_object_prepare(l->obj, &o, &l->pp, &e), "%s", e.msg);
	l->nfds = rb_object_map_count(l->obj);
	ck_assert_uint_le(l->nfds, 16);
	for (size_t i = 0; i < l->nfds; i++) {
		struct sys_map_create_opts mo = { 0 };
		struct rb_map_info mi;
		const void *init;
		size_t size;
		uint32_t zero = 0;
		int kmap;

		ck_assert_int_eq(rb_object_map(l->obj, i, &mi), 0);
		mo.map_type = mi.type_id;
		mo.key_size = mi.key_size;
		mo.value_size = mi.value_size;
		mo.max_entries = mi.max_entries;
		l->fds[i] = sys_map_create(&mo);
		ck_assert_msg(l->fds[i] >= 0, "map %s: %s", mi.name, strerror(-l->fds[i]));
		init = rb_object_map_data(l->obj, i, &size);
		if (init && size)
			ck_assert_int_eq(sys_map_update_elem(l->fds[i], &zero, init, 0), 0);
		init = rb_prepared_kconfig(l->pp, &kmap, &size);
		if (init && kmap == (int)i)
			ck_assert_int_eq(sys_map_update_elem(l->fds[i], &zero, init, 0), 0);
	}
	if (with_btf) {
		struct sys_btf_load_opts bo = { 0 };
		void *data;
		size_t size;

		data = fixed_btf(l->obj, &size);
		bo.data = data;
		bo.size = (uint32_t)size;
		bo.log_buf = log_buf;
		bo.log_size = sizeof(log_buf);
		bo.log_level = 1;
		l->btf_fd = sys_btf_load(&bo);
		free(data);
		ck_assert_msg(l->btf_fd > 0, "BTF_LOAD: %s\n%s", strerror(-l->btf_fd), log_buf);
	}
}

/* Load linked program name with the map fds patched in; returns the fd or -errno. */
static int load(struct loaded *l, const char *name, uint32_t prog_type)
{
	const struct rb_linked_prog *lp = NULL;
	struct sys_prog_load_opts po = { 0 };
	struct bpf_insn *insns;
	int fd;

	for (size_t i = 0; i < rb_prepared_prog_count(l->pp); i++)
		if (!strcmp(rb_prepared_prog(l->pp, i, NULL)->name, name))
			lp = rb_prepared_prog(l->pp, i, NULL);
	ck_assert_ptr_nonnull(lp);
	insns = malloc(lp->insn_cnt * sizeof(*insns));
	memcpy(insns, lp->insns, lp->insn_cnt * sizeof(*insns));
	for (uint32_t k = 0; k < lp->decision_cnt; k++) {
		const struct rb_relo_decision *d = &lp->decisions[k];

		if (d->kind == RB_DEC_MAP || d->kind == RB_DEC_DATA || d->kind == RB_DEC_KCONFIG)
			insns[d->insn].imm = l->fds[d->after[0].imm];
	}
	po.prog_type = prog_type;
	po.name = name;
	po.insns = insns;
	po.insn_cnt = lp->insn_cnt;
	po.license = "GPL";
	po.log_buf = log_buf;
	po.log_size = sizeof(log_buf);
	po.log_level = 1;
	if (l->btf_fd > 0) {
		po.prog_btf_fd = l->btf_fd;
		po.func_info = lp->func_info;
		po.func_info_rec_size = sizeof(*lp->func_info);
		po.func_info_cnt = lp->func_info_cnt;
		po.line_info = lp->line_info;
		po.line_info_rec_size = sizeof(*lp->line_info);
		po.line_info_cnt = lp->line_info_cnt;
	}
	log_buf[0] = '\0';
	fd = sys_prog_load(&po);
	free(insns);
	return fd;
}

START_TEST(subprograms_with_func_and_line_info)
{
	struct loaded l;
	int fd;

	setup(&l, "subprogs.bpf.o", true);
	fd = load(&l, "on_getpid", BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_msg(fd >= 0, "on_getpid: %s\n%s", strerror(-fd), log_buf);
	close(fd);
	fd = load(&l, "on_getppid", BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_msg(fd >= 0, "on_getppid: %s\n%s", strerror(-fd), log_buf);
	close(fd);
	cleanup(&l);
}
END_TEST

START_TEST(callbacks_with_func_info)
{
	struct loaded l;
	int fd;

	setup(&l, "callbacks.bpf.o", true);
	fd = load(&l, "loop_and_sum", BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_msg(fd >= 0, "loop_and_sum: %s\n%s", strerror(-fd), log_buf);
	close(fd);
	cleanup(&l);
}
END_TEST

START_TEST(weak_kfunc_poison_is_dead_code)
{
	struct loaded l;
	int fd;

	/* No BTF: the object's BTF names an extern kfunc the kernel would refuse as is. */
	setup(&l, "relo/relo_mix.bpf.o", false);
	fd = load(&l, "mix_a", BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_msg(fd >= 0, "mix_a: %s\n%s", strerror(-fd), log_buf);
	close(fd);
	fd = load(&l, "mix_b", BPF_PROG_TYPE_TRACEPOINT);
	ck_assert_msg(fd >= 0, "mix_b: %s\n%s", strerror(-fd), log_buf);
	close(fd);
	cleanup(&l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("prepare_kernel");
	TCase *tc = tcase_create("prepare_kernel");

	test_require_kernel();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, subprograms_with_func_and_line_info);
	tcase_add_test(tc, callbacks_with_func_info);
	tcase_add_test(tc, weak_kfunc_poison_is_dead_code);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
