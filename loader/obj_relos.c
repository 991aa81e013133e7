// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Relocation records of the programs, classified by the patched instruction and the symbol
 * it names (the ELF relocation type says little for BPF): map and global-data references,
 * extern variables and kfunc calls, bpf-to-bpf calls and callback addresses. prepare (relo/)
 * applies them; inspect counts them; disasm names their targets.
 */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/object.h"
#include "util/err.h"

#define LDIMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

static int find_prog_start(const struct rb_object *obj, uint32_t sec, int64_t insn)
{
	const struct obj_prog *p = insn >= 0 ? obj_prog_at(obj, sec, (uint64_t)insn * 8) : NULL;

	return p && p->sec_off == (uint64_t)insn * 8 ? (int)(p - obj->progs) : -1;
}

struct relo_ctx {
	const struct rb_object *obj;
	const int *ext_of_sym; /* symbol index -> extern index or -1 */
	const struct elf_relsec *rs;
	size_t ri; /* relocation index */
	const struct obj_prog *p;
	uint32_t insn_idx;
};

static int relo_error(const struct relo_ctx *c, struct rb_error *err, const char *what,
		      const char *sym)
{
	const struct elf_file *ef = &c->obj->elf;

	return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: relocation %zu (symbol '%s') at "
			 "instruction %u of program '%s' in section '%s': %s", obj_file(c->obj),
			 ef->secs[c->rs->sec].name, c->rs->sec, c->ri, sym, c->insn_idx,
			 c->p->name, c->p->sec_name, what);
}

static int classify(const struct relo_ctx *c, const struct elf_reloc *r, struct obj_reloc *out,
		    struct rb_error *err)
{
	const struct rb_object *obj = c->obj;
	const struct elf_file *ef = &obj->elf;
	const struct elf_symbol *sym = &ef->syms[r->sym];
	const struct bpf_insn *insn = &c->p->insns[c->insn_idx];
	const char *sname = sym->name[0] ? sym->name :
		(sym->shndx < ef->sec_cnt ? ef->secs[sym->shndx].name : "");
	bool is_call = insn->code == CALL;
	int idx;

	memset(out, 0, sizeof(*out));
	out->insn_idx = c->insn_idx;
	out->sym = r->sym;
	out->sym_value = sym->value;
	out->map_idx = out->ext_idx = out->callee_prog = -1;
	if (!is_call && insn->code != LDIMM64)
		return relo_error(c, err, "the instruction is neither a call nor a 64-bit load",
				  sname);
	if (!is_call && c->insn_idx + 1 >= c->p->insn_cnt)
		return relo_error(c, err, "the 64-bit load is missing its second half", sname);
	if (sym->shndx == SHN_UNDEF) {
		idx = c->ext_of_sym[r->sym];
		if (idx < 0)
			return relo_error(c, err, "the symbol is undefined and not an extern", sname);
		out->ext_idx = idx;
		out->kind = is_call ? OBJ_RELO_EXTERN_CALL : OBJ_RELO_EXTERN_VAR;
		return 0;
	}
	if (sym->shndx >= ef->sec_cnt)
		return relo_error(c, err, "the symbol lives in a special section (a common symbol? "
				  "initialise global variables)", sname);
	if (is_call) {
		if (insn->src_reg != BPF_PSEUDO_CALL)
			return relo_error(c, err, "a helper call cannot be relocated", sname);
		if (!(ef->secs[sym->shndx].flags & SHF_EXECINSTR))
			return relo_error(c, err, "the call target is not in a code section", sname);
		out->kind = OBJ_RELO_CALL;
		out->callee_sec = sym->shndx;
		out->callee_insn = (int64_t)(sym->value / 8) + insn->imm + 1;
		out->callee_prog = find_prog_start(obj, sym->shndx, out->callee_insn);
		return 0;
	}
	if (ef->secs[sym->shndx].flags & SHF_EXECINSTR) {
		out->kind = OBJ_RELO_SUBPROG_ADDR;
		out->callee_sec = sym->shndx;
		out->callee_insn = ((int64_t)sym->value + insn->imm) / 8;
		out->callee_prog = find_prog_start(obj, sym->shndx, out->callee_insn);
		return 0;
	}
	if ((int)sym->shndx == obj->maps_sec || (int)sym->shndx == obj->legacy_maps_sec) {
		/* Against the section symbol (a static map), the offset is in the insn. */
		uint64_t off = sym->value + (sym->type == STT_SECTION ? (uint32_t)insn->imm : 0);

		for (size_t i = 0; i < obj->map_cnt; i++) {
			const struct obj_map *m = &obj->maps[i];

			if (m->sec_idx == (int)sym->shndx && m->sec_off == off &&
			    (m->kind == OBJ_MAP_BTF || m->kind == OBJ_MAP_LEGACY)) {
				out->kind = OBJ_RELO_MAP;
				out->map_idx = i;
				return 0;
			}
		}
		{
			char what[160];

			snprintf(what, sizeof(what), "no map definition starts at offset 0x%llx of "
				 "section '%s' (a static map without a symbol?)",
				 (unsigned long long)off, ef->secs[sym->shndx].name);
			return relo_error(c, err, what, sname);
		}
	}
	idx = obj_map_for_section(obj, sym->shndx);
	if (idx >= 0) {
		out->kind = obj->maps[idx].kind == OBJ_MAP_ARENA ? OBJ_RELO_ARENA : OBJ_RELO_DATA;
		out->map_idx = idx;
		return 0;
	}
	{
		char what[192];

		snprintf(what, sizeof(what), "section '%s' of the symbol holds neither maps nor "
			 "global data", ef->secs[sym->shndx].name);
		return relo_error(c, err, what, sname);
	}
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct obj_reloc *x = a, *y = b;

	return x->insn_idx < y->insn_idx ? -1 : x->insn_idx > y->insn_idx;
}

struct rel_order {
	const struct elf_relsec *rs;
	size_t *idx; /* relocation indexes sorted by offset */
};

static int cmp_rel_off(const void *a, const void *b, void *ctx)
{
	const struct elf_relsec *rs = ctx;
	uint64_t x = rs->relocs[*(const size_t *)a].offset;
	uint64_t y = rs->relocs[*(const size_t *)b].offset;

	return x < y ? -1 : x > y;
}

int obj_collect_relos(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	struct rel_order *ord = NULL;
	int *ext_of_sym = NULL;
	size_t cap = 0;
	int ret = 0;

	for (size_t i = 0; i < ef->rel_cnt; i++)
		if (ef->secs[ef->rels[i].target].flags & SHF_EXECINSTR)
			cap += ef->rels[i].cnt;
	obj->relos = calloc(cap ? cap : 1, sizeof(*obj->relos));
	ext_of_sym = malloc((ef->sym_cnt + 1) * sizeof(*ext_of_sym));
	ord = calloc(ef->rel_cnt + 1, sizeof(*ord));
	if (!obj->relos || !ext_of_sym || !ord) {
		ret = rb_errorf(err, ENOMEM, "%s: out of memory for %zu relocations", obj_file(obj),
				cap);
		goto out;
	}
	for (size_t i = 0; i <= ef->sym_cnt; i++)
		ext_of_sym[i] = -1;
	for (size_t i = 0; i < obj->extern_cnt; i++)
		ext_of_sym[obj->externs[i].sym] = i;
	/* Sort each code section's relocations by offset once; programs then take slices. */
	for (size_t i = 0; i < ef->rel_cnt; i++) {
		const struct elf_relsec *rs = &ef->rels[i];

		ord[i].rs = rs;
		if (!(ef->secs[rs->target].flags & SHF_EXECINSTR))
			continue;
		ord[i].idx = malloc((rs->cnt + 1) * sizeof(size_t));
		if (!ord[i].idx) {
			ret = rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
			goto out;
		}
		for (size_t k = 0; k < rs->cnt; k++)
			ord[i].idx[k] = k;
		qsort_r(ord[i].idx, rs->cnt, sizeof(size_t), cmp_rel_off, (void *)rs);
	}
	for (size_t pi = 0; pi < obj->prog_cnt && !ret; pi++) {
		struct obj_prog *p = &obj->progs[pi];
		const struct elf_relsec *rs = NULL;
		struct relo_ctx c = { .obj = obj, .ext_of_sym = ext_of_sym, .p = p };
		uint64_t end = p->sec_off + p->insn_cnt * 8;
		const size_t *order = NULL;
		size_t lo, hi;

		p->relo_first = obj->relo_cnt;
		for (size_t i = 0; i < ef->rel_cnt; i++)
			if (ord[i].rs->target == p->sec_idx) {
				rs = ord[i].rs;
				order = ord[i].idx;
			}
		if (!rs || !order)
			continue;
		c.rs = rs;
		lo = 0, hi = rs->cnt;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (rs->relocs[order[mid]].offset < p->sec_off)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < rs->cnt && !ret; k++) {
			size_t ri = order[k];
			const struct elf_reloc *r = &rs->relocs[ri];

			if (r->offset >= end)
				break;
			/* R_BPF_NONE patches nothing. */
			if (r->type == 0)
				continue;
			c.ri = ri;
			c.insn_idx = (r->offset - p->sec_off) / 8;
			if (r->offset % 8) {
				ret = rb_errorf(err, EINVAL, "%s: section '%s' [%u]: relocation %zu at "
						"offset 0x%llx is not on an instruction boundary",
						obj_file(obj), ef->secs[rs->sec].name, rs->sec, ri,
						(unsigned long long)r->offset);
				break;
			}
			ret = classify(&c, r, &obj->relos[obj->relo_cnt], err);
			if (!ret)
				obj->relo_cnt++;
		}
		p->relo_cnt = obj->relo_cnt - p->relo_first;
		qsort(obj->relos + p->relo_first, p->relo_cnt, sizeof(*obj->relos), cmp_reloc);
	}
out:
	for (size_t i = 0; ord && i < ef->rel_cnt; i++)
		free(ord[i].idx);
	free(ord);
	free(ext_of_sym);
	return ret;
}
