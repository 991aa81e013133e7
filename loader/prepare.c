// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Prepare (stage 2): the object model in, linked programs out. This file gathers what the
 * engine (relo/) needs: every function with its relocations and func/line info, the maps,
 * and each extern resolved against the kernel (config text, kallsyms, vmlinux BTF; read
 * from files, never through bpf(2)). relo/ does the patching and keeps the record.
 */
#include <dirent.h>
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "btf/btf.h"
#include "loader/btf_file.h"
#include "loader/kernel_env.h"
#include "loader/object.h"
#include "loader/prepare.h"
#include "loader/struct_ops.h"
#include "relo/core.h"
#include "relo/core_apply.h"
#include "relo/kconfig.h"
#include "relo/relo.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/trace.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

/* Where the engine's input is built; freed in one place. */
struct prep {
	struct rb_object *obj;
	const struct rb_prepare_opts *opts;
	struct rb_prepared *out;
	struct btf *target; /* vmlinux or --btf; NULL until a ksym/kfunc needs it */
	bool target_tried;
	struct relo_func *funcs;
	struct relo_ref *refs;	  /* all functions' references, in obj->relos order */
	struct bpf_func_info *fi; /* all functions' records, function-relative */
	struct bpf_line_info *li;
	struct relo_map *maps;
	struct relo_extern *ext;
	char *kconfig_text;
	size_t kconfig_len;
	const char *kconfig_path;
	bool kconfig_tried;
	struct rb_error *err;
};

static void set_value(struct rb_extern_resolution *r, const char *src, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_value(struct rb_extern_resolution *r, const char *src, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->value, sizeof(r->value), fmt, ap);
	va_end(ap);
	r->source = src;
}

/* ---- externs ------------------------------------------------------------------------- */

static bool is_elf(const char *path)
{
	unsigned char m[4] = {0};
	FILE *f = fopen(path, "rb");
	bool elf;

	if (!f)
		return false;
	elf = fread(m, 1, 4, f) == 4 && !memcmp(m, "\177ELF", 4);
	fclose(f);
	return elf;
}

static int need_target_btf(struct prep *p)
{
	const char *path = p->opts && p->opts->btf_path ? p->opts->btf_path : VMLINUX_BTF;
	int ret;

	if (p->target_tried)
		return p->target ? 0 : -ENOENT;
	p->target_tried = true;
	/* --btf takes a raw BTF file or an ELF object's .BTF */
	p->out->btf_path = strdup(path);
	if (!p->out->btf_path)
		return rb_errorf(p->err, ENOMEM, "out of memory");
	if (is_elf(path))
		ret = elf_read_btf(path, NULL, &p->target, p->err);
	else
		ret = btf_open_raw(path, NULL, &p->target, p->err);
	trace_emit(RB_TRACE_INFO, "target BTF", ret, 0, "%s", path);
	return ret;
}

static int need_kconfig(struct prep *p)
{
	struct rb_error e = {0};
	int ret;

	if (p->kconfig_tried)
		return p->kconfig_text ? 0 : -ENOENT;
	p->kconfig_tried = true;
	if (p->opts && p->opts->kconfig_path) {
		p->kconfig_path = p->opts->kconfig_path;
		ret = load_read_file(p->kconfig_path, &p->kconfig_text, &p->kconfig_len, &e);
	} else {
		ret = load_read_kconfig(&p->kconfig_text, &p->kconfig_len, &p->kconfig_path, &e);
	}
	/* Missing config: weak externs still resolve (to 0); strong ones report this. */
	if (ret)
		snprintf(p->out->kconfig_err, sizeof(p->out->kconfig_err), "%.250s", e.msg);
	return ret;
}

/* The C type of a kconfig extern, as libbpf classifies it. */
static int kcfg_type(struct prep *p, const struct obj_extern *x, struct relo_kcfg_var *v)
{
	const struct btf *btf = p->obj->btf;
	const struct btf_type *t;
	int id;

	v->name = x->name;
	v->size = x->size;
	v->is_signed = false;
	if (!btf)
		goto unknown;
	id = btf_skip_mods_typedefs(btf, x->type_id);
	t = id > 0 ? btf_type(btf, (uint32_t)id) : NULL;
	if (!t)
		goto unknown;
	if (btf_is_int(t)) {
		uint8_t enc = btf_int_encoding(t);

		if (enc & BTF_INT_BOOL) {
			v->type = RELO_KCFG_BOOL;
			return t->size == 1 ? 0 : -EINVAL;
		}
		v->is_signed = enc & BTF_INT_SIGNED;
		v->size = t->size;
		v->type = t->size == 1 ? RELO_KCFG_CHAR : RELO_KCFG_INT;
		return 0;
	}
	if (btf_is_enum(t) && !strcmp(btf_name(btf, t), "libbpf_tristate")) {
		v->type = RELO_KCFG_TRISTATE;
		v->size = t->size;
		return 0;
	}
	if (btf_is_array(t)) {
		const struct btf_array *a = btf_array_info(t);
		int eid = btf_skip_mods_typedefs(btf, a->type);
		const struct btf_type *et = eid > 0 ? btf_type(btf, (uint32_t)eid) : NULL;

		if (et && btf_is_int(et) && et->size == 1) {
			v->type = RELO_KCFG_CHAR_ARR;
			v->size = a->nelems;
			return 0;
		}
	}
unknown:
	return rb_errorf(p->err, EINVAL,
			 "%s: kconfig extern '%s': its type is not bool, char, "
			 "an integer, enum libbpf_tristate or a char array",
			 obj_file(p->obj), x->name);
}

static int resolve_kconfig(struct prep *p, uint32_t i, uint8_t *data, size_t size)
{
	const struct obj_extern *x = &p->obj->externs[i];
	struct rb_extern_resolution *r = &p->out->externs[i];
	struct relo_extern *re = &p->ext[i];
	enum relo_kcfg_found found;
	struct relo_kcfg_var v;
	const char *val = NULL;
	size_t vlen = 0;
	int ret;

	ret = kcfg_type(p, x, &v);
	if (ret)
		return ret;
	if ((uint64_t)x->kcfg_off + v.size > size)
		return rb_errorf(p->err, EINVAL,
				 "%s: kconfig extern '%s' at offset %u (%u bytes) "
				 "is outside the kconfig map (%zu bytes)",
				 obj_file(p->obj), x->name, x->kcfg_off, v.size, size);
	if (!strncmp(x->name, "LINUX_", 6)) {
		uint64_t num;

		if (!strcmp(x->name, "LINUX_KERNEL_VERSION")) {
			struct utsname u;
			uint32_t ver = 0;

			if (uname(&u) || load_kernel_version(u.release, &ver))
				return rb_errorf(p->err, EINVAL,
						 "%s: LINUX_KERNEL_VERSION: cannot "
						 "parse the kernel release",
						 obj_file(p->obj));
			num = ver;
			set_value(r, "uname", "%u.%u.%u (0x%x)", ver >> 16, (ver >> 8) & 0xff,
				  ver & 0xff, ver);
		} else if (!strcmp(x->name, "LINUX_HAS_BPF_COOKIE")) {
			int c = p->opts ? p->opts->bpf_cookie : 0;
			struct utsname u;
			uint32_t ver = 0;

			/* bpf_get_attach_cookie arrived in 5.15; load may pass its probe. */
			if (!c && !uname(&u) && !load_kernel_version(u.release, &ver))
				c = ver >= (5 << 16 | 15 << 8) ? 1 : -1;
			num = c > 0;
			set_value(r,
				  p->opts && p->opts->bpf_cookie ? "feature probe"
								 : "kernel version",
				  "%" PRIu64, num);
		} else if (!strcmp(x->name, "LINUX_HAS_SYSCALL_WRAPPER")) {
			num = p->out->has_syscall_wrapper;
			set_value(r, "/proc/kallsyms", "%" PRIu64, num);
		} else if (x->weak) {
			set_value(r, "", "0 (unknown LINUX_ name, weak)");
			re->resolved = false;
			return 0;
		} else {
			return rb_errorf(p->err, ESRCH,
					 "%s: extern '%s' (strong): unknown virtual "
					 "kconfig value",
					 obj_file(p->obj), x->name);
		}
		ret = relo_kconfig_store_num(&v, num, data + x->kcfg_off, obj_file(p->obj), p->err);
		re->resolved = !ret;
		r->resolved = !ret;
		return ret;
	}
	found = need_kconfig(p)
			? RELO_KCFG_ABSENT
			: relo_kconfig_find(p->kconfig_text, p->kconfig_len, x->name, &val, &vlen);
	if (found != RELO_KCFG_VALUE) {
		/* "is not set" counts as absent, as in libbpf: weak reads 0, strong fails. */
		const char *how = found == RELO_KCFG_NOT_SET ? "is not set in" : "is not in";

		if (x->weak) {
			set_value(r, p->kconfig_path ? p->kconfig_path : "", "0 (%s)",
				  found == RELO_KCFG_NOT_SET ? "not set" : "absent");
			return 0;
		}
		if (!p->kconfig_text)
			return rb_errorf(p->err, ESRCH,
					 "%s: extern '%s' (strong): no kernel config "
					 "to read it from (%s)",
					 obj_file(p->obj), x->name, p->out->kconfig_err);
		return rb_errorf(p->err, ESRCH,
				 "%s: extern '%s' (strong): %s the kernel config "
				 "%s; declare it __weak to read 0 instead",
				 obj_file(p->obj), x->name, how, p->kconfig_path);
	}
	ret = relo_kconfig_store(&v, val, vlen, data + x->kcfg_off, obj_file(p->obj), p->err);
	if (ret)
		return ret;
	set_value(r, p->kconfig_path, "%.*s", (int)(vlen > 100 ? 100 : vlen), val);
	re->resolved = true;
	r->resolved = true;
	return 0;
}

/* A kfunc's name without a ___flavor suffix (bpf_foo___v2 calls bpf_foo). */
static size_t essential_len(const char *name)
{
	const char *s = strstr(name, "___");

	return s ? (size_t)(s - name) : strlen(name);
}

static int resolve_btf_extern(struct prep *p, uint32_t i)
{
	const struct obj_extern *x = &p->obj->externs[i];
	struct rb_extern_resolution *r = &p->out->externs[i];
	struct relo_extern *re = &p->ext[i];
	char name[256];
	int id;

	if (need_target_btf(p)) {
		if (x->weak) {
			rb_err_clear(p->err);
			set_value(r, "", "not found (no target BTF; weak)");
			return 0;
		}
		return rb_err_wrap(p->err, p->err ? p->err->err : -ENOENT,
				   "%s: extern '%s' needs the kernel BTF", obj_file(p->obj),
				   x->name);
	}
	snprintf(name, sizeof(name), "%.*s", (int)essential_len(x->name), x->name);
	id = btf_find(p->target, name, x->kind == OBJ_EXT_KFUNC ? BTF_KIND_FUNC : BTF_KIND_VAR);
	if (id < 0) {
		set_value(r, p->out->btf_path, "not found");
		return 0; /* strong ones are refused where they are used (with the insn) */
	}
	re->btf_id = (uint32_t)id;
	re->resolved = true;
	r->resolved = true;
	set_value(r, p->out->btf_path, "%s [%d]", x->kind == OBJ_EXT_KFUNC ? "FUNC" : "VAR", id);
	return 0;
}

static int resolve_externs(struct prep *p)
{
	struct rb_object *obj = p->obj;
	const char **names = NULL;
	uint32_t *which = NULL, n = 0;
	int kmap = -1, ret = 0;

	for (size_t m = 0; m < obj->map_cnt; m++)
		if (obj->maps[m].kind == OBJ_MAP_KCONFIG)
			kmap = (int)m;
	if (kmap >= 0) {
		p->out->kconfig_size = obj->maps[kmap].value_size;
		p->out->kconfig_map = kmap;
		p->out->kconfig = calloc(1, p->out->kconfig_size ? p->out->kconfig_size : 1);
		if (!p->out->kconfig)
			return rb_errorf(p->err, ENOMEM, "out of memory");
	}
	names = calloc(obj->extern_cnt + 1, sizeof(*names));
	which = calloc(obj->extern_cnt + 1, sizeof(*which));
	if (!names || !which) {
		ret = rb_errorf(p->err, ENOMEM, "out of memory");
		goto out;
	}
	/* LINUX_HAS_SYSCALL_WRAPPER and typeless ksyms come from one pass over kallsyms. */
	bool want_wrapper = false;

	for (uint32_t i = 0; i < obj->extern_cnt; i++) {
		const struct obj_extern *x = &obj->externs[i];

		if (x->kind == OBJ_EXT_KSYM && !x->typed) {
			names[n] = x->name;
			which[n++] = i;
		}
		if (!strcmp(x->name, "LINUX_HAS_SYSCALL_WRAPPER"))
			want_wrapper = true;
	}
	/* kallsyms is slow to read (procfs builds it on the fly): only when something needs it */
	if (n || want_wrapper) {
		const char *wrapper = NULL;
		uint64_t *addrs = calloc(n + 1, sizeof(*addrs));
		bool *found = calloc(n + 1, sizeof(*found));
		char *text = NULL;
		size_t len = 0;
		struct rb_error e = {0};

#if defined(__x86_64__)
		wrapper = "__x64_sys_bpf";
#elif defined(__aarch64__)
		wrapper = "__arm64_sys_bpf";
#elif defined(__s390x__)
		wrapper = "__s390x_sys_bpf";
#endif
		if (wrapper)
			names[n] = wrapper;
		if (!addrs || !found) {
			free(addrs);
			free(found);
			ret = rb_errorf(p->err, ENOMEM, "out of memory");
			goto out;
		}
		if (!load_read_file("/proc/kallsyms", &text, &len, &e))
			ret = load_kallsyms_resolve(text, len, names, addrs, found,
						    n + (wrapper ? 1 : 0), p->err);
		free(text);
		if (!ret) {
			p->out->has_syscall_wrapper = wrapper && found[n];
			for (uint32_t k = 0; k < n; k++) {
				struct rb_extern_resolution *r = &p->out->externs[which[k]];

				if (found[k]) {
					p->ext[which[k]].addr = addrs[k];
					p->ext[which[k]].resolved = true;
					r->resolved = true;
					set_value(r, "/proc/kallsyms", "0x%" PRIx64, addrs[k]);
				} else {
					set_value(r, "/proc/kallsyms", "not found");
				}
			}
		}
		free(addrs);
		free(found);
		if (ret)
			goto out;
	}
	for (uint32_t i = 0; i < obj->extern_cnt && !ret; i++) {
		const struct obj_extern *x = &obj->externs[i];
		struct relo_extern *re = &p->ext[i];

		re->name = x->name;
		re->weak = x->weak;
		p->out->externs[i].name = x->name;
		p->out->externs[i].weak = x->weak;
		switch (x->kind) {
		case OBJ_EXT_KCONFIG:
			re->kind = RELO_EXT_KCONFIG;
			p->out->externs[i].kind = "kconfig";
			if (kmap < 0) {
				ret = rb_errorf(p->err, EINVAL,
						"%s: kconfig extern '%s' but no "
						".kconfig map",
						obj_file(obj), x->name);
				break;
			}
			re->map_idx = (uint32_t)kmap;
			re->data_off = x->kcfg_off;
			ret = resolve_kconfig(p, i, p->out->kconfig, p->out->kconfig_size);
			break;
		case OBJ_EXT_KSYM:
			re->kind = x->typed ? RELO_EXT_KSYM_TYPED : RELO_EXT_KSYM_TYPELESS;
			p->out->externs[i].kind = x->typed ? "typed ksym" : "ksym";
			if (x->typed)
				ret = resolve_btf_extern(p, i);
			break;
		case OBJ_EXT_KFUNC:
			re->kind = RELO_EXT_KFUNC;
			p->out->externs[i].kind = "kfunc";
			ret = resolve_btf_extern(p, i);
			break;
		}
	}
out:
	free(names);
	free(which);
	return ret;
}

/* ---- functions, references, info records ------------------------------------------- */

static const char *sym_name(const struct rb_object *obj, uint32_t sym)
{
	const struct elf_symbol *y = &obj->elf.syms[sym];

	if (y->type == STT_SECTION && y->shndx < obj->elf.sec_cnt)
		return obj->elf.secs[y->shndx].name;
	return y->name;
}

static int build_ref(struct prep *p, const struct obj_reloc *o, struct relo_ref *r,
		     const struct obj_prog *prog)
{
	const struct elf_symbol *y = &p->obj->elf.syms[o->sym];

	r->insn = o->insn_idx;
	r->sym = sym_name(p->obj, o->sym);
	r->sym_is_section = y->type == STT_SECTION;
	r->sym_off = (int64_t)o->sym_value;
	switch (o->kind) {
	case OBJ_RELO_MAP:
		r->kind = RELO_REF_MAP;
		r->map_idx = (uint32_t)o->map_idx;
		return 0;
	case OBJ_RELO_DATA:
		r->kind = RELO_REF_DATA;
		r->map_idx = (uint32_t)o->map_idx;
		return 0;
	case OBJ_RELO_EXTERN_VAR:
	case OBJ_RELO_EXTERN_CALL:
		r->kind = RELO_REF_EXTERN;
		r->extern_idx = (uint32_t)o->ext_idx;
		return 0;
	case OBJ_RELO_CALL:
		r->kind = RELO_REF_SUBPROG;
		r->target_sec = o->callee_sec;
		return 0;
	case OBJ_RELO_SUBPROG_ADDR:
		r->kind = RELO_REF_FUNC;
		r->target_sec = o->callee_sec;
		return 0;
	default:
		return rb_errorf(p->err, EOPNOTSUPP,
				 "%s: program '%s' insn %u: relocation against "
				 "'%s' (arena) is not supported yet",
				 obj_file(p->obj), prog->name, o->insn_idx, r->sym);
	}
}

/* Copy a function's .BTF.ext records, turning section byte offsets into its own indices. */
static int build_info(struct prep *p, const struct obj_prog *prog, struct relo_func *f,
		      size_t *fi_n, size_t *li_n)
{
	const struct btf_ext_sec *s;

	if (!p->obj->btf_ext)
		return 0;
	s = btf_ext_sec_find(p->obj->btf_ext, BTF_EXT_FUNC_INFO, prog->sec_name);
	f->func_info = &p->fi[*fi_n];
	for (uint32_t k = 0; s && k < prog->func_info_cnt; k++) {
		const struct bpf_func_info *src = btf_ext_rec(s, prog->func_info_first + k);
		struct bpf_func_info *d = &p->fi[(*fi_n)++];

		d->insn_off = (uint32_t)((src->insn_off - prog->sec_off) / 8);
		d->type_id = src->type_id;
		f->func_info_cnt++;
	}
	s = btf_ext_sec_find(p->obj->btf_ext, BTF_EXT_LINE_INFO, prog->sec_name);
	f->line_info = &p->li[*li_n];
	for (uint32_t k = 0; s && k < prog->line_info_cnt; k++) {
		const struct bpf_line_info *src = btf_ext_rec(s, prog->line_info_first + k);
		struct bpf_line_info *d = &p->li[(*li_n)++];

		*d = *src;
		d->insn_off = (uint32_t)((src->insn_off - prog->sec_off) / 8);
		f->line_info_cnt++;
	}
	return 0;
}

static int build_input(struct prep *p, struct relo_input *in)
{
	struct rb_object *obj = p->obj;
	size_t fi_total = 0, li_total = 0, fi_n = 0, li_n = 0, ref_n = 0;
	int ret;

	for (size_t i = 0; i < obj->prog_cnt; i++) {
		fi_total += obj->progs[i].func_info_cnt;
		li_total += obj->progs[i].line_info_cnt;
	}
	p->funcs = calloc(obj->prog_cnt + 1, sizeof(*p->funcs));
	p->refs = calloc(obj->relo_cnt + 1, sizeof(*p->refs));
	p->fi = calloc(fi_total + 1, sizeof(*p->fi));
	p->li = calloc(li_total + 1, sizeof(*p->li));
	p->maps = calloc(obj->map_cnt + 1, sizeof(*p->maps));
	p->ext = calloc(obj->extern_cnt + 1, sizeof(*p->ext));
	p->out->externs = calloc(obj->extern_cnt + 1, sizeof(*p->out->externs));
	if (!p->funcs || !p->refs || !p->fi || !p->li || !p->maps || !p->ext || !p->out->externs)
		return rb_errorf(p->err, ENOMEM, "out of memory");
	p->out->extern_cnt = obj->extern_cnt;
	for (size_t m = 0; m < obj->map_cnt; m++) {
		const struct obj_map *om = &obj->maps[m];

		p->maps[m].name = om->name;
		p->maps[m].value_size = om->value_size;
		p->maps[m].is_data = om->kind == OBJ_MAP_DATA || om->kind == OBJ_MAP_RODATA ||
				     om->kind == OBJ_MAP_BSS || om->kind == OBJ_MAP_KCONFIG;
	}
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		const struct obj_prog *prog = &obj->progs[i];
		struct relo_func *f = &p->funcs[i];

		f->name = prog->name;
		f->sec_name = prog->sec_name;
		f->sec_idx = prog->sec_idx;
		f->sec_insn_off = (uint32_t)(prog->sec_off / 8);
		f->insns = prog->insns;
		f->insn_cnt = (uint32_t)prog->insn_cnt;
		f->refs = &p->refs[ref_n];
		for (size_t k = 0; k < prog->relo_cnt; k++) {
			ret = build_ref(p, &obj->relos[prog->relo_first + k], &p->refs[ref_n++],
					prog);
			if (ret)
				return ret;
			f->ref_cnt++;
		}
		ret = build_info(p, prog, f, &fi_n, &li_n);
		if (ret)
			return ret;
	}
	in->obj_name = obj_file(obj);
	in->funcs = p->funcs;
	in->func_cnt = (uint32_t)obj->prog_cnt;
	in->maps = p->maps;
	in->map_cnt = (uint32_t)obj->map_cnt;
	in->externs = p->ext;
	in->extern_cnt = (uint32_t)obj->extern_cnt;
	return 0;
}

static const char *access_str(const struct rb_object *obj, uint32_t off)
{
	const char *s = obj->btf ? btf_str(obj->btf, off) : NULL;

	return s ? s : "?";
}

/* Without a target BTF, each record is noted on its instruction, which stays as compiled. */
static int note_core(struct prep *p, struct relo_ctx *ctx, uint32_t fi, uint32_t insn,
		     const struct btf_ext_core_relo *c)
{
	const struct rb_object *obj = p->obj;
	const struct bpf_insn *insns;
	char target[160];
	uint32_t cnt;

	insns = relo_func_insns(ctx, fi, &cnt);
	snprintf(target, sizeof(target), "%s of [%u] %s, access %s", core_kind_name(c->kind),
		 c->type_id, obj->btf ? btf_name_of(obj->btf, c->type_id) : "",
		 access_str(obj, c->access_str_off));
	p->out->core_pending++;
	return relo_record(ctx, fi, insn, RB_DEC_CORE_PENDING, &insns[insn], 1, "", target,
			   "CO-RE relocation not applied: no target BTF", NULL, p->err);
}

#define MAX_MODULE_BTFS 4096

/* The candidates of every CO-RE record's root type, in one pass over the targets. */
static int prefetch_core(const struct rb_object *obj, struct core_ctx *cc, struct rb_error *err)
{
	uint32_t nsec = btf_ext_nr_secs(obj->btf_ext, BTF_EXT_CORE_RELO), n = 0, cap = 0;
	uint32_t *ids = NULL;
	int ret;

	for (uint32_t s = 0; s < nsec; s++)
		cap += btf_ext_sec_at(obj->btf_ext, BTF_EXT_CORE_RELO, s)->nr;
	ids = calloc(cap ? cap : 1, sizeof(*ids));
	if (!ids)
		return rb_errorf(err, ENOMEM, "out of memory");
	for (uint32_t s = 0; s < nsec; s++) {
		const struct btf_ext_sec *sec = btf_ext_sec_at(obj->btf_ext, BTF_EXT_CORE_RELO, s);

		for (uint32_t k = 0; k < sec->nr && n < cap; k++) {
			const struct btf_ext_core_relo *c = btf_ext_rec(sec, k);

			if (c->kind != CORE_TYPE_ID_LOCAL)
				ids[n++] = c->type_id;
		}
	}
	ret = core_ctx_prefetch(cc, ids, n, err);
	free(ids);
	return ret;
}

struct modules {
	struct core_target *tg; /* tg[0] is the main target */
	struct btf **btf;	/* one per module */
	char **name;
	uint32_t cnt;		/* modules */
};

static void modules_free(struct modules *m)
{
	for (uint32_t i = 0; i < m->cnt; i++) {
		btf_free(m->btf[i]);
		free(m->name[i]);
	}
	free(m->btf);
	free(m->name);
	free(m->tg);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The CO-RE targets: the main one, then each module's BTF under dir (split on the main one),
 * in name order. A module BTF that does not parse on this base is left out and traced.
 */
static int module_targets(struct prep *p, const char *dir, struct modules *m)
{
	struct dirent *de;
	DIR *d;
	uint32_t n = 0;

	memset(m, 0, sizeof(*m));
	d = dir ? opendir(dir) : NULL;
	if (d) {
		m->name = calloc(MAX_MODULE_BTFS, sizeof(*m->name));
		if (!m->name) {
			closedir(d);
			return rb_errorf(p->err, ENOMEM, "out of memory");
		}
		while ((de = readdir(d)) && n < MAX_MODULE_BTFS) {
			if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
				continue;
			m->name[n] = strdup(de->d_name);
			if (!m->name[n])
				break;
			n++;
		}
		closedir(d);
		qsort(m->name, n, sizeof(*m->name), cmp_name);
	}
	m->btf = calloc(n + 1, sizeof(*m->btf));
	m->tg = calloc(n + 1, sizeof(*m->tg));
	if (!m->btf || !m->tg) {
		for (uint32_t i = 0; i < n; i++)
			free(m->name[i]);
		return rb_errorf(p->err, ENOMEM, "out of memory");
	}
	m->tg[0] = (struct core_target){ p->target, p->out->btf_path };
	for (uint32_t i = 0; i < n; i++) {
		struct rb_error e = { 0 };
		char path[4096];
		struct btf *b = NULL;
		int r;

		snprintf(path, sizeof(path), "%s/%s", dir, m->name[i]);
		r = btf_open_raw(path, p->target, &b, &e);
		trace_emit(RB_TRACE_INFO, "module BTF", r, 0, "%s%s%s", path, r ? ": " : "",
			   r ? e.msg : "");
		if (r) {
			free(m->name[i]);
			continue;
		}
		m->name[m->cnt] = m->name[i];
		m->btf[m->cnt] = b;
		m->tg[m->cnt + 1] = (struct core_target){ b, m->name[m->cnt] };
		m->cnt++;
	}
	return 0;
}

/*
 * CO-RE, on the functions' own instructions before anything else (as libbpf), so every copy
 * of a subprogram carries the result. Against the target BTF (vmlinux or --btf FILE); when
 * there is none, the records are only noted and the instructions stay as compiled.
 */
static int apply_core(struct prep *p, struct relo_ctx *ctx)
{
	struct rb_object *obj = p->obj;
	struct core_ctx *cc = NULL;
	struct modules mods = { 0 };
	uint32_t nsec;
	int ret = 0;

	if (!obj->btf_ext)
		return 0;
	nsec = btf_ext_nr_secs(obj->btf_ext, BTF_EXT_CORE_RELO);
	if (!nsec)
		return 0;
	if (obj->btf) {
		struct rb_error *outer = p->err, e = {0};

		p->err = &e;
		ret = need_target_btf(p);
		p->err = outer;
		if (!ret) {
			const char *dir = p->opts ? p->opts->module_btf_dir : NULL;

			if (!dir && !(p->opts && p->opts->btf_path))
				dir = "/sys/kernel/btf";
			ret = module_targets(p, dir, &mods);
			if (!ret)
				ret = core_ctx_new(obj->btf, mods.tg, mods.cnt + 1, &cc, p->err);
			if (!ret)
				ret = prefetch_core(obj, cc, p->err);
			if (ret) {
				modules_free(&mods);
				return ret;
			}
		}
		ret = 0; /* no target BTF: the records are noted below */
	}
	for (uint32_t s = 0; s < nsec && !ret; s++) {
		const struct btf_ext_sec *sec = btf_ext_sec_at(obj->btf_ext, BTF_EXT_CORE_RELO, s);

		for (uint32_t k = 0; k < sec->nr && !ret; k++) {
			const struct btf_ext_core_relo *c = btf_ext_rec(sec, k);

			for (size_t i = 0; i < obj->prog_cnt && !ret; i++) {
				const struct obj_prog *prog = &obj->progs[i];
				uint32_t insn;

				if (strcmp(prog->sec_name, sec->sec_name) || c->insn_off % 8 ||
				    c->insn_off < prog->sec_off ||
				    c->insn_off >= prog->sec_off + prog->insn_cnt * 8)
					continue;
				insn = (uint32_t)((c->insn_off - prog->sec_off) / 8);
				if (cc)
					ret = relo_core_apply(ctx, cc, (uint32_t)i, insn, c, k,
							      p->err);
				else
					ret = note_core(p, ctx, (uint32_t)i, insn, c);
			}
		}
	}
	core_ctx_free(cc);
	modules_free(&mods);
	return ret;
}

/* struct_ops maps: laid out against the target BTF (struct_ops.c). */
static int prepare_struct_ops(struct prep *p)
{
	struct rb_error *outer = p->err, e = {0};
	bool any = false;

	for (size_t i = 0; i < p->obj->map_cnt; i++)
		any |= p->obj->maps[i].kind == OBJ_MAP_STRUCT_OPS;
	if (!any)
		return 0;
	p->err = &e;
	need_target_btf(p); /* no BTF: st_ops_prepare says which map needed it */
	p->err = outer;
	return st_ops_prepare(p->obj, p->target,
			      p->out->btf_path ? p->out->btf_path : VMLINUX_BTF, p->out, p->err);
}

int rb_object_prepare(struct rb_object *obj, const struct rb_prepare_opts *opts,
		      struct rb_prepared **out, struct rb_error *err)
{
	struct prep p = {.obj = obj, .opts = opts, .err = err};
	struct relo_input in = {0};
	struct relo_ctx *ctx = NULL;
	int ret;

	*out = NULL;
	trace_emit(RB_TRACE_STAGE, "prepare", 0, 0, "%s", obj_file(obj));
	p.out = calloc(1, sizeof(*p.out));
	if (!p.out)
		return rb_errorf(err, ENOMEM, "out of memory");
	p.out->kconfig_map = -1;
	ret = build_input(&p, &in);
	if (!ret)
		ret = resolve_externs(&p);
	if (!ret)
		ret = relo_ctx_new(&in, &ctx, err);
	if (!ret)
		ret = apply_core(&p, ctx);
	if (!ret)
		ret = relo_apply(ctx, err);
	if (ret)
		goto out;
	p.out->progs = calloc(obj->prog_cnt + 1, sizeof(*p.out->progs));
	p.out->prog_idx = calloc(obj->prog_cnt + 1, sizeof(*p.out->prog_idx));
	if (!p.out->progs || !p.out->prog_idx) {
		ret = rb_errorf(err, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < obj->prog_cnt; i++) {
		if (obj->progs[i].subprog)
			continue;
		ret = relo_link(ctx, (uint32_t)i, &p.out->progs[p.out->prog_cnt], err);
		if (!ret && obj->btf)
			ret = relo_poison_lines(p.out->progs[p.out->prog_cnt], obj->btf,
						&p.out->btf_strs, err);
		if (ret)
			goto out;
		p.out->prog_idx[p.out->prog_cnt++] = i;
	}
	ret = prepare_struct_ops(&p);
out:
	relo_ctx_free(ctx);
	btf_free(p.target);
	free(p.kconfig_text);
	free(p.funcs);
	free(p.refs);
	free(p.fi);
	free(p.li);
	free(p.maps);
	free(p.ext);
	if (ret) {
		rb_prepared_free(p.out);
		return ret;
	}
	*out = p.out;
	return 0;
}

RB_API size_t rb_prepared_prog_count(const struct rb_prepared *pp)
{
	return pp ? pp->prog_cnt : 0;
}

RB_API const struct rb_linked_prog *rb_prepared_prog(const struct rb_prepared *pp, size_t i,
						     size_t *obj_prog)
{
	if (!pp || i >= pp->prog_cnt)
		return NULL;
	if (obj_prog)
		*obj_prog = pp->prog_idx[i];
	return pp->progs[i];
}

RB_API size_t rb_prepared_extern_count(const struct rb_prepared *pp)
{
	return pp ? pp->extern_cnt : 0;
}

RB_API const struct rb_extern_resolution *rb_prepared_extern(const struct rb_prepared *pp, size_t i)
{
	return pp && i < pp->extern_cnt ? &pp->externs[i] : NULL;
}

RB_API const void *rb_prepared_kconfig(const struct rb_prepared *pp, int *map_idx, size_t *size)
{
	if (map_idx)
		*map_idx = pp ? pp->kconfig_map : -1;
	if (size)
		*size = pp && pp->kconfig ? pp->kconfig_size : 0;
	return pp ? pp->kconfig : NULL;
}

RB_API size_t rb_prepared_core_pending(const struct rb_prepared *pp)
{
	return pp ? pp->core_pending : 0;
}

RB_API void rb_prepared_free(struct rb_prepared *pp)
{
	if (!pp)
		return;
	for (size_t i = 0; pp->progs && i < pp->prog_cnt; i++)
		rb_linked_prog_free(pp->progs[i]);
	free(pp->progs);
	free(pp->prog_idx);
	free(pp->kconfig);
	free(pp->externs);
	free(pp->btf_path);
	sb_free(&pp->btf_strs);
	st_ops_prepared_free(pp);
	free(pp);
}
