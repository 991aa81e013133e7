// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The object's BTF into the kernel: sanitised for what the kernel supports (feature probes),
 * DATASEC sizes and offsets completed from the ELF section and symbol tables, then
 * BPF_BTF_LOAD, with a log only when it fails. Without usable BTF the load goes on without
 * it where that is safe, and says so.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/explain.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "btf/sanitize.h"
#include "loader/load.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/trace.h"

#define BTF_LOG_MAX (64u << 20) /* as for verifier logs: beyond this, the end is kept */

static bool have(enum probe_feature f)
{
	/* "unknown" (EPERM) is no reason to rewrite: the load itself will say what is wrong */
	return probe_feature(f)->state != PROBE_NO;
}

static int vsi_by_offset(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * .kconfig has no ELF section: the loader lays its externs out itself (kcfg_off), and the
 * map's value type, this DATASEC, must say the same (the kernel checks the size).
 */
static int fix_kconfig(const struct rb_object *obj, uint32_t *size,
		       struct btf_var_secinfo *vars, uint16_t vlen)
{
	for (size_t i = 0; i < obj->map_cnt; i++)
		if (obj->maps[i].kind == OBJ_MAP_KCONFIG)
			*size = obj->maps[i].value_size;
	for (uint16_t v = 0; v < vlen; v++) {
		const char *vname = btf_name_of(obj->btf, vars[v].type);

		for (size_t k = 0; vname && k < obj->extern_cnt; k++) {
			const struct obj_extern *x = &obj->externs[k];

			if (x->kind == OBJ_EXT_KCONFIG && !strcmp(x->name, vname)) {
				vars[v].offset = x->kcfg_off;
				break;
			}
		}
	}
	/* The kernel wants the entries in offset order; the layout sorted them by alignment. */
	qsort(vars, vlen, sizeof(*vars), vsi_by_offset);
	return 0;
}

/* DATASEC size from its ELF section, entry offsets from the symbols in that section. */
static int fix_datasec(const struct btf *btf, uint32_t id, const char *name, uint32_t *size,
		       struct btf_var_secinfo *vars, uint16_t vlen, void *ctx, struct rb_error *e)
{
	const struct rb_object *obj = ctx;
	const struct elf_section *sec = elf_file_section(&obj->elf, name);

	(void)id;
	if (!sec && !strcmp(name, ".kconfig"))
		return fix_kconfig(obj, size, vars, vlen);
	if (!sec)
		return 0; /* .ksyms: laid out by the sanitiser */
	if (sec->size > UINT32_MAX)
		return rb_errorf(e, -E2BIG, "%s: section '%s' is too large for BTF", obj_file(obj),
				 name);
	*size = (uint32_t)sec->size;
	for (uint16_t v = 0; v < vlen; v++) {
		const char *vname = btf_name_of(btf, vars[v].type);

		for (size_t s = 0; s < obj->elf.sym_cnt; s++) {
			const struct elf_symbol *sym = &obj->elf.syms[s];

			if (sym->shndx == sec->idx && !strcmp(sym->name, vname)) {
				if (sym->value > sec->size)
					return rb_errorf(e, -EINVAL,
							 "%s: symbol '%s' lies outside section '%s'",
							 obj_file(obj), vname, name);
				vars[v].offset = (uint32_t)sym->value;
				break;
			}
		}
	}
	return 0;
}

/*
 * BPF_BTF_LOAD with a level-1 log that is never cut: the kernel logs every type it checks
 * and the complaint comes last, so a full buffer (ENOSPC) is grown and the load repeated,
 * to the size the kernel says it needs (log_true_size, 6.4+) or four times larger.
 */
static int btf_load_logged(struct sys_btf_load_opts *o, char **log_out)
{
	uint32_t size = 1 << 20;
	char *log = NULL;
	int r;

	for (;;) {
		char *grown = realloc(log, size);

		if (!grown) {
			free(log);
			return -ENOMEM;
		}
		log = grown;
		log[0] = '\0';
		o->log_buf = log;
		o->log_size = size;
		o->log_level = 1;
		o->log_true_size = 0;
		r = sys_btf_load(o);
		if (r != -ENOSPC || size >= BTF_LOG_MAX)
			break;
		size = o->log_true_size > size ? o->log_true_size : size * 4;
		if (size > BTF_LOG_MAX)
			size = BTF_LOG_MAX;
	}
	o->log_buf = NULL;
	o->log_size = 0;
	o->log_level = 0;
	*log_out = log;
	return r;
}

/*
 * The object's BTF with prepare's strings (the text of poisoned instructions' line_info)
 * appended to its string section, so the offsets prepare gave them hold. *out is NULL when
 * there is nothing to add.
 */
static int with_prepared_strings(const struct rb_object *obj, const struct rb_prepared *pp,
				 struct btf **out, struct rb_error *err)
{
	const struct btf_header *h = btf_header(obj->btf);
	struct btf_header nh;
	const uint8_t *raw;
	uint8_t *blob;
	size_t size, extra = pp ? pp->btf_strs.len : 0, total;
	int r;

	*out = NULL;
	if (!extra || btf_swapped(obj->btf))
		return 0;
	raw = btf_raw_data(obj->btf, &size);
	if ((uint64_t)h->hdr_len + h->type_off + h->type_len > size ||
	    (uint64_t)h->hdr_len + h->str_off + h->str_len > size ||
	    (uint64_t)h->str_len + extra > UINT32_MAX)
		return rb_errorf(err, -EINVAL, "%s: BTF sections lie outside the blob",
				 obj_file(obj));
	nh = *h;
	nh.hdr_len = sizeof(nh);
	nh.type_off = 0;
	nh.str_off = h->type_len;
	nh.str_len = (uint32_t)(h->str_len + extra);
	total = sizeof(nh) + h->type_len + nh.str_len;
	blob = malloc(total);
	if (!blob)
		return rb_errorf(err, -ENOMEM, "out of memory");
	memcpy(blob, &nh, sizeof(nh));
	memcpy(blob + sizeof(nh), raw + h->hdr_len + h->type_off, h->type_len);
	memcpy(blob + sizeof(nh) + h->type_len, raw + h->hdr_len + h->str_off, h->str_len);
	memcpy(blob + sizeof(nh) + h->type_len + h->str_len, pp->btf_strs.buf, extra);
	r = btf_parse(blob, total, NULL, obj_file(obj), out, err);
	free(blob);
	if (r == 0)
		trace_emit(RB_TRACE_INFO, "btf strings", 0, 0,
			   "%zu bytes appended: line_info text of poisoned instructions", extra);
	return r < 0 ? r : 0;
}

int load_btf(struct rb_loaded *l, const struct rb_object *obj, const struct rb_prepared *pp,
	     struct rb_error *err)
{
	struct btf_kernel_kinds k = {
		.func = have(PROBE_BTF_FUNC),
		.global_func = have(PROBE_BTF_GLOBAL_FUNC),
		.datasec = have(PROBE_BTF_DATASEC),
		.float_kind = have(PROBE_BTF_FLOAT),
		.decl_tag = have(PROBE_BTF_DECL_TAG),
		.type_tag = have(PROBE_BTF_TYPE_TAG),
		.enum64 = have(PROBE_BTF_ENUM64),
	};
	struct sys_btf_load_opts o = { 0 };
	struct btf_sanitize_counts c;
	const char **hidden;
	struct strbuf why = STRBUF_INIT;
	struct btf *grown = NULL;
	void *data;
	size_t size;
	int r;

	l->btf_fd = -1;
	if (!obj->btf)
		return 0;
	/* global but hidden functions verify as static ones, in their caller's context */
	hidden = calloc(obj->prog_cnt ? obj->prog_cnt : 1, sizeof(*hidden));
	if (!hidden)
		return rb_errorf(err, -ENOMEM, "%s: out of memory", obj_file(obj));
	for (size_t i = 0; i < obj->prog_cnt; i++)
		if (obj->progs[i].hidden && !obj->progs[i].is_static)
			hidden[k.static_func_cnt++] = obj->progs[i].name;
	k.static_funcs = hidden;
	if (probe_feature(PROBE_BTF)->state == PROBE_NO) {
		snprintf(l->btf_note, sizeof(l->btf_note),
			 "this kernel does not load BTF: programs load without func/line info");
		free(hidden);
		return 0;
	}
	r = with_prepared_strings(obj, pp, &grown, err);
	if (r < 0) {
		free(hidden);
		return r;
	}
	r = btf_sanitize(grown ? grown : obj->btf, &k, fix_datasec, (void *)obj, &data, &size, &c,
			 err);
	btf_free(grown);
	free(hidden);
	if (r < 0)
		return r;
	trace_emit(RB_TRACE_INFO, "btf sanitise", 0, 0,
		   "rewritten: %u VAR, %u DATASEC, %u FLOAT, %u DECL_TAG, %u TYPE_TAG, %u ENUM64, "
		   "%u global FUNC, %u hidden FUNC (made static), %u FUNC, %u FUNC_PROTO; fixed: %u "
		   "extern VAR, %u extern FUNC, %u .ksyms entries",
		   c.var, c.datasec, c.float_kind, c.decl_tag, c.type_tag, c.enum64, c.global_func,
		   c.hidden_func, c.func, c.func_proto, c.extern_var, c.extern_func, c.ksym_entry);
	o.data = data;
	o.size = (uint32_t)size;
	r = sys_btf_load(&o);
	if (r < 0) {
		/* Once more with a log, to say which type the kernel rejected. */
		char *log = NULL;

		r = btf_load_logged(&o, &log);
		if (r >= 0) {
			l->btf_fd = r;
		} else {
			explain_btf_load(&why, r, log);
			snprintf(l->btf_note, sizeof(l->btf_note),
				 "%s: the kernel refused the object's BTF (%s): %s; loading without "
				 "BTF (no func/line info, no BTF map types)",
				 obj_file(obj), sys_errno_name(r), sb_str(&why));
			trace_emit(RB_TRACE_INFO, "btf", r, 0, "%s\n%s", l->btf_note,
				   log ? log : "");
			l->btf_log = log; /* rb_loaded_btf_log() shows it */
			log = NULL;
		}
		free(log);
		sb_free(&why);
	} else {
		l->btf_fd = r;
	}
	free(data);
	if (l->btf_fd >= 0) {
		struct bpf_btf_info info;

		if (sys_btf_get_info(l->btf_fd, &info) == 0)
			l->btf_id = info.id;
	}
	return 0;
}
