// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Disassembly of a program as it is in the object (before prepare): the instructions in the
 * verifier's syntax, the source lines recorded in line_info before the instructions they
 * cover, the function's signature from func_info, and every relocation target named (maps,
 * global data, externs, called functions) instead of the zeros the compiler left.
 */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/disasm.h"
#include "bpf/insn.h"
#include "btf/btf.h"
#include "loader/obj_btf.h"
#include "loader/object.h"
#include "util/err.h"
#include "util/strbuf.h"

struct dis_ctx {
	const struct rb_object *obj;
	const struct obj_prog *p;
};

static const struct obj_reloc *reloc_at(const struct rb_object *obj, const struct obj_prog *p,
					size_t idx)
{
	return obj_prog_reloc(obj, p, idx);
}

/* The function a call or callback reaches, by section and instruction index. */
static const char *callee_name(const struct rb_object *obj, uint32_t sec, int64_t insn)
{
	const struct obj_prog *p = insn >= 0 ? obj_prog_at(obj, sec, (uint64_t)insn * 8) : NULL;

	return p && p->sec_off == (uint64_t)insn * 8 ? p->name : NULL;
}

/* Printable start of a string literal in a .rodata.str section, quoted and shortened. */
static void string_at(const struct obj_map *m, uint64_t off, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (!m->data || off >= m->value_size || len < 8)
		return;
	buf[n++] = ' ';
	buf[n++] = '"';
	for (uint64_t i = off; i < m->value_size && m->data[i] && n + 6 < len; i++) {
		unsigned char ch = m->data[i];

		if (ch == '\n') {
			buf[n++] = '\\';
			buf[n++] = 'n';
		} else {
			buf[n++] = ch >= 0x20 && ch < 0x7f ? ch : '.';
		}
	}
	buf[n++] = '"';
	buf[n] = '\0';
}

static const char *imm_name(void *vctx, const struct bpf_insn *insn, size_t idx, uint64_t value,
			    char *buf, size_t len)
{
	const struct dis_ctx *c = vctx;
	const struct rb_object *obj = c->obj;
	const struct obj_reloc *r = reloc_at(obj, c->p, idx);
	const struct obj_extern *e;
	const struct obj_map *m;
	const char *fn;
	char str[48];
	uint64_t off;

	(void)insn;
	if (!r)
		return NULL;
	switch (r->kind) {
	case OBJ_RELO_MAP:
		snprintf(buf, len, "map[%s]", obj->maps[r->map_idx].name);
		return buf;
	case OBJ_RELO_DATA:
	case OBJ_RELO_ARENA:
		m = &obj->maps[r->map_idx];
		/* A section symbol carries the offset in the instruction, a variable its own. */
		off = r->sym_value + (uint32_t)value;
		if (obj->elf.syms[r->sym].type != STT_SECTION && obj->elf.syms[r->sym].name[0]) {
			snprintf(buf, len, "map[%s]+%llu (%s)", m->name, (unsigned long long)off,
				 obj->elf.syms[r->sym].name);
			return buf;
		}
		str[0] = '\0';
		if (strstr(m->real_name, ".str"))
			string_at(m, off, str, sizeof(str));
		/* Static variables are reached through the section symbol: name them anyway. */
		for (uint32_t v = m->var_first; v < m->var_first + m->var_cnt; v++)
			if (obj->vars[v].offset == off && obj->vars[v].map_idx == r->map_idx)
				snprintf(str, sizeof(str), " (%s)", obj->vars[v].name);
		snprintf(buf, len, "map[%s]+%llu%s", m->name, (unsigned long long)off, str);
		return buf;
	case OBJ_RELO_EXTERN_VAR:
		e = &obj->externs[r->ext_idx];
		snprintf(buf, len, "%s[%s]", e->kind == OBJ_EXT_KCONFIG ? "kconfig" :
			 e->kind == OBJ_EXT_KFUNC ? "kfunc" : "ksym", e->name);
		return buf;
	case OBJ_RELO_SUBPROG_ADDR:
		fn = callee_name(obj, r->callee_sec, r->callee_insn);
		snprintf(buf, len, "func[%s]", fn ? fn : "?");
		return buf;
	default:
		return NULL;
	}
}

/* Name of what call instruction idx calls, when it is not a helper; NULL if unknown. */
static const char *call_target(const struct dis_ctx *c, size_t idx)
{
	const struct rb_object *obj = c->obj;
	const struct bpf_insn *in = &c->p->insns[idx];
	const struct obj_reloc *r = reloc_at(obj, c->p, idx);

	if (r && r->kind == OBJ_RELO_EXTERN_CALL)
		return obj->externs[r->ext_idx].name;
	if (r && r->kind == OBJ_RELO_CALL)
		return callee_name(obj, r->callee_sec, r->callee_insn);
	if (!r && in->src_reg == BPF_PSEUDO_CALL)
		return callee_name(obj, c->p->sec_idx,
				   (int64_t)(c->p->sec_off / 8 + idx) + in->imm + 1);
	return NULL;
}

static const char *basename_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* "int xdp_first(struct xdp_md *ctx)" from a FUNC and its FUNC_PROTO. */
static void signature(const struct rb_object *obj, uint32_t func_id, struct strbuf *sb)
{
	const struct btf *btf = obj->btf;
	const struct btf_type *f = btf_type(btf, func_id), *proto;
	const struct btf_param *par;
	char buf[256];

	if (!f || !btf_is_func(f))
		return;
	proto = btf_type(btf, f->type);
	if (!proto || !btf_is_func_proto(proto))
		return;
	sb_printf(sb, "%s %s(", obj_btf_type_str(obj, proto->type, buf, sizeof(buf)),
		  btf_name(btf, f));
	par = btf_params(proto);
	for (uint32_t i = 0; i < btf_vlen(proto); i++) {
		const char *pn = btf_str(btf, par[i].name_off);

		if (par[i].type == 0) {
			sb_printf(sb, "%s...", i ? ", " : "");
			continue;
		}
		obj_btf_type_str(obj, par[i].type, buf, sizeof(buf));
		sb_printf(sb, "%s%s%s%s", i ? ", " : "", buf,
			  buf[strlen(buf) - 1] == '*' || !pn || !pn[0] ? "" : " ", pn ? pn : "");
	}
	sb_puts(sb, ")");
}

static void line_of(const struct rb_object *obj, const struct btf_ext_sec *ls, uint32_t rec,
		    struct strbuf *sb, uint32_t *last_file, uint32_t *last_line)
{
	const struct bpf_line_info *li = btf_ext_rec(ls, rec);
	const char *file = btf_str(obj->btf, li->file_name_off);
	const char *text = btf_str(obj->btf, li->line_off);
	uint32_t line = BPF_LINE_INFO_LINE_NUM(li->line_col);

	if (li->file_name_off == *last_file && line == *last_line)
		return;
	*last_file = li->file_name_off;
	*last_line = line;
	while (text && (*text == ' ' || *text == '\t'))
		text++;
	sb_printf(sb, "; %s:%u", basename_of(file ? file : "?"), line);
	if (text && *text)
		sb_printf(sb, "  %s", text);
	sb_putc(sb, '\n');
}

static int disasm_one(const struct rb_object *obj, const struct obj_prog *p, struct strbuf *sb,
		      struct rb_error *err)
{
	struct dis_ctx c = { .obj = obj, .p = p };
	struct rb_disasm_cbs cbs = { .imm_name = imm_name, .ctx = &c };
	const struct btf_ext_sec *ls = NULL;
	uint32_t li = 0, li_end = 0, last_file = 0, last_line = 0;

	sb_printf(sb, "%s%s:  ; section '%s' offset 0x%llx, %zu instructions\n",
		  p->subprog ? "subprogram " : "", p->name, p->sec_name,
		  (unsigned long long)p->sec_off, p->insn_cnt);
	if (obj->btf && p->btf_func_id) {
		sb_puts(sb, "; ");
		signature(obj, p->btf_func_id, sb);
		sb_putc(sb, '\n');
	}
	if (obj->btf_ext && p->line_info_cnt) {
		ls = btf_ext_sec_find(obj->btf_ext, BTF_EXT_LINE_INFO, p->sec_name);
		li = p->line_info_first;
		li_end = li + p->line_info_cnt;
	}
	for (size_t idx = 0; idx < p->insn_cnt;) {
		const struct bpf_insn *in = &p->insns[idx];
		uint64_t here = p->sec_off + idx * 8;
		const char *target;
		int n;

		while (ls && li < li_end &&
		       ((const struct bpf_line_info *)btf_ext_rec(ls, li))->insn_off <= here) {
			line_of(obj, ls, li, sb, &last_file, &last_line);
			li++;
		}
		sb_printf(sb, "%4zu: ", idx);
		target = in->code == (BPF_JMP | BPF_CALL) ? call_target(&c, idx) : NULL;
		if (target) {
			sb_printf(sb, "(%02x) call %s", in->code, target);
			n = 1;
		} else {
			n = disasm_insn(sb, p->insns, p->insn_cnt, idx, &cbs);
		}
		if (n < 0) {
			/* The text already says what is wrong (a truncated ld_imm64). */
			sb_putc(sb, '\n');
			break;
		}
		sb_putc(sb, '\n');
		idx += n;
	}
	if (sb->oom)
		return rb_errorf(err, ENOMEM, "%s: out of memory disassembling '%s'", obj_file(obj),
				 p->name);
	return 0;
}

RB_API int rb_object_disasm(const struct rb_object *obj, size_t idx, bool with_subprogs,
			    char **text, struct rb_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t *subs = NULL, n = 0;
	int ret;

	*text = NULL;
	if (idx >= obj->prog_cnt)
		return rb_errorf(err, ERANGE, "%s: no program %zu", obj_file(obj), idx);
	ret = disasm_one(obj, &obj->progs[idx], &sb, err);
	if (!ret && with_subprogs) {
		n = rb_object_program_subprogs(obj, idx, NULL, 0);
		subs = calloc(n + 1, sizeof(*subs));
		if (!subs)
			ret = rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		else
			rb_object_program_subprogs(obj, idx, subs, n);
		for (size_t i = 0; !ret && i < n; i++) {
			sb_putc(&sb, '\n');
			ret = disasm_one(obj, &obj->progs[subs[i]], &sb, err);
		}
		free(subs);
	}
	if (ret) {
		sb_free(&sb);
		return ret;
	}
	*text = sb_detach(&sb);
	return *text ? 0 : rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
}
