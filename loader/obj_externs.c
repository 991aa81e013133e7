// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Externs: undefined global or weak symbols. With BTF their DATASEC (.kconfig or .ksyms) and
 * type say what they are; without BTF the name and use are all there is (CONFIG_* and
 * LINUX_* are kconfig values, a called symbol is a kfunc, anything else a typeless ksym).
 */
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "loader/object.h"
#include "util/err.h"

/* Which symbols some code section calls (one pass over the relocations). */
static bool *called_symbols(const struct rb_object *obj)
{
	const struct elf_file *ef = &obj->elf;
	bool *called = calloc(ef->sym_cnt + 1, sizeof(*called));

	if (!called)
		return NULL;
	for (size_t i = 0; i < ef->rel_cnt; i++) {
		const struct elf_relsec *rs = &ef->rels[i];
		const struct elf_section *t = &ef->secs[rs->target];

		if (!(t->flags & SHF_EXECINSTR) || !t->data)
			continue;
		for (size_t j = 0; j < rs->cnt; j++) {
			const struct elf_reloc *r = &rs->relocs[j];

			/* offset < size was checked when the relocations were read */
			if (r->offset % 8 == 0 && t->data[r->offset] == (BPF_JMP | BPF_CALL))
				called[r->sym] = true;
		}
	}
	return called;
}

int obj_collect_externs(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	bool *called = called_symbols(obj);

	if (!called)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));

	for (size_t i = 1; i < ef->sym_cnt; i++) {
		const struct elf_symbol *y = &ef->syms[i];
		struct obj_extern *n, *e;

		if (y->shndx != SHN_UNDEF || !y->name[0] ||
		    (y->bind != STB_GLOBAL && y->bind != STB_WEAK))
			continue;
		n = realloc(obj->externs, (obj->extern_cnt + 1) * sizeof(*n));
		if (!n) {
			free(called);
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		}
		obj->externs = n;
		e = &n[obj->extern_cnt];
		memset(e, 0, sizeof(*e));
		e->name = strdup(y->name);
		if (!e->name) {
			free(called);
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
		}
		obj->extern_cnt++;
		e->sym = i;
		e->weak = y->bind == STB_WEAK;
		if (!strncmp(y->name, "CONFIG_", 7) || !strncmp(y->name, "LINUX_", 6))
			e->kind = OBJ_EXT_KCONFIG;
		else if (y->type == STT_FUNC || called[i])
			e->kind = OBJ_EXT_KFUNC;
		else
			e->kind = OBJ_EXT_KSYM;
	}
	free(called);
	return obj->btf ? obj_btf_classify_externs(obj, err) : 0;
}
