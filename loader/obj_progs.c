// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Programs: every function symbol in an executable section. Functions in .text are
 * subprograms; everywhere else each function is a program of the section's type (several per
 * section are normal, static ones included).
 */
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/object.h"
#include "util/err.h"

static int sym_cmp(const void *a, const void *b, void *ctx)
{
	const struct elf_file *ef = ctx;
	const struct elf_symbol *x = &ef->syms[*(const uint32_t *)a];
	const struct elf_symbol *y = &ef->syms[*(const uint32_t *)b];

	return x->value < y->value ? -1 : x->value > y->value;
}

static int add_prog(struct rb_object *obj, const struct elf_section *s, uint32_t sym,
		    const char *name, uint64_t off, uint64_t size, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	const char *secname = s->name;
	struct obj_prog *p, *n;

	if (off % 8 || size % 8 || size == 0)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: function '%s' at offset 0x%llx "
				 "size %llu is not a whole number of 8-byte instructions",
				 obj_file(obj), s->name, s->idx, name, (unsigned long long)off,
				 (unsigned long long)size);
	if (off > s->size || size > s->size - off)
		return rb_errorf(err, EINVAL, "%s: section '%s' [%u]: function '%s' at offset 0x%llx "
				 "size %llu runs past the end of the section (0x%llx bytes)",
				 obj_file(obj), s->name, s->idx, name, (unsigned long long)off,
				 (unsigned long long)size, (unsigned long long)s->size);
	n = realloc(obj->progs, (obj->prog_cnt + 1) * sizeof(*n));
	if (!n)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	obj->progs = n;
	p = &n[obj->prog_cnt];
	memset(p, 0, sizeof(*p));
	p->attach_type = SECDEF_NO_ATTACH;
	p->name = strdup(name);
	p->insn_cnt = size / 8;
	p->insns = malloc(size);
	if (!p->name || !p->insns) {
		free(p->name);
		free(p->insns);
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	}
	obj->prog_cnt++;
	obj_decode_insns(obj, s->data + off, p->insn_cnt, p->insns);
	p->sec_idx = s->idx;
	p->sec_name = secname;
	p->sec_off = off;
	p->sym = sym;
	if (sym) {
		p->is_static = ef->syms[sym].bind == STB_LOCAL;
		p->hidden = ef->syms[sym].visibility == STV_HIDDEN ||
			    ef->syms[sym].visibility == STV_INTERNAL;
	}
	p->subprog = (int)s->idx == obj->text_sec;
	p->autoload = secname[0] != '?';
	if (p->subprog)
		return 0;
	if (secname[0] == '?')
		secname++;
	p->def = secdef_find(secname);
	if (!p->def)
		return 0;
	p->prog_type = p->def->prog_type;
	p->attach_type = p->def->attach_type;
	if (p->def->flags & SECDEF_SLEEPABLE)
		p->prog_flags |= BPF_F_SLEEPABLE;
	if (p->def->flags & SECDEF_XDP_FRAGS)
		p->prog_flags |= 1U << 5; /* BPF_F_XDP_HAS_FRAGS */
	{
		struct rb_error perr = { 0 };

		/* A malformed target is kept and reported when the program is loaded: the rest
		 * of the object is still worth inspecting. */
		if (secdef_parse_attach(p->def, secname, &p->attach, &perr)) {
			secdef_attach_free(&p->attach);
			p->attach.kind = p->def->target;
			char msg[sizeof(perr.msg) + 256];

			snprintf(msg, sizeof(msg), "%s: program '%s': %s", obj_file(obj), p->name,
				 perr.msg);
			p->attach_error = strdup(msg);
		}
	}
	{
		char buf[1024];

		secdef_attach_describe(&p->attach, buf, sizeof(buf));
		p->attach_text = strdup(buf);
		if (!p->attach_text)
			return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	}
	return 0;
}

static int collect_section(struct rb_object *obj, const struct elf_section *s,
			   struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	uint32_t *syms = NULL;
	size_t n = 0;
	int ret = 0;

	syms = malloc((ef->sym_cnt ? ef->sym_cnt : 1) * sizeof(*syms));
	if (!syms)
		return rb_errorf(err, ENOMEM, "%s: out of memory", obj_file(obj));
	for (size_t i = 1; i < ef->sym_cnt; i++) {
		const struct elf_symbol *sym = &ef->syms[i];

		if (sym->shndx == s->idx && sym->type == STT_FUNC)
			syms[n++] = i;
	}
	qsort_r(syms, n, sizeof(*syms), sym_cmp, (void *)ef);
	if (n == 0) {
		/* Objects from old compilers: the whole section is one program, named after a
		 * global symbol at its start if there is one. */
		const char *name = s->name;
		uint32_t sym = 0;

		for (size_t i = 1; i < ef->sym_cnt; i++) {
			const struct elf_symbol *y = &ef->syms[i];

			if (y->shndx == s->idx && y->value == 0 && y->bind == STB_GLOBAL &&
			    y->type == STT_NOTYPE && y->name[0]) {
				name = y->name;
				sym = i;
				break;
			}
		}
		if ((int)s->idx != obj->text_sec)
			ret = add_prog(obj, s, sym, name, 0, s->size, err);
		free(syms);
		return ret;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		const struct elf_symbol *sym = &ef->syms[syms[i]];
		uint64_t size = sym->size;

		if (i > 0 && sym->value == ef->syms[syms[i - 1]].value) {
			ret = rb_errorf(err, EINVAL, "%s: section '%s' [%u]: functions '%s' and '%s' "
					"both start at offset 0x%llx", obj_file(obj), s->name,
					s->idx, ef->syms[syms[i - 1]].name, sym->name,
					(unsigned long long)sym->value);
			break;
		}
		/* Hand-written assembly may leave the size out: run to the next function. */
		if (size == 0 && sym->value < s->size)
			size = (i + 1 < n ? ef->syms[syms[i + 1]].value : s->size) - sym->value;
		if (i + 1 < n && sym->value + size > ef->syms[syms[i + 1]].value) {
			ret = rb_errorf(err, EINVAL, "%s: section '%s' [%u]: function '%s' (offset "
					"0x%llx, size %llu) overlaps function '%s'", obj_file(obj),
					s->name, s->idx, sym->name, (unsigned long long)sym->value,
					(unsigned long long)size, ef->syms[syms[i + 1]].name);
			break;
		}
		ret = add_prog(obj, s, syms[i], sym->name, sym->value, size, err);
	}
	free(syms);
	return ret;
}

int obj_collect_programs(struct rb_object *obj, struct rb_error *err)
{
	const struct elf_file *ef = &obj->elf;
	int ret;

	for (size_t i = 1; i < ef->sec_cnt; i++) {
		const struct elf_section *s = &ef->secs[i];

		if (s->type != SHT_PROGBITS || !(s->flags & SHF_EXECINSTR) || s->size == 0)
			continue;
		if (s->size % 8)
			return rb_errorf(err, EINVAL, "%s: section '%s' [%zu]: size %llu is not a "
					 "multiple of the 8-byte instruction size", obj_file(obj),
					 s->name, i, (unsigned long long)s->size);
		ret = collect_section(obj, s, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* Parse "PROG=TYPE[:ATTACH]" and apply it (the --type option of load and verify). */
RB_API int rb_object_set_prog_type(struct rb_object *obj, const char *spec, struct rb_error *err)
{
	const char *eq = strchr(spec, '=');
	char name[256], type[128], attach[128] = "";
	const struct secdef *d = NULL;
	int pt, at = SECDEF_NO_ATTACH;
	struct obj_prog *p = NULL;
	const char *colon;

	if (!eq || eq == spec || !eq[1] || (size_t)(eq - spec) >= sizeof(name))
		return rb_errorf(err, EINVAL, "type override '%s': expected PROG=TYPE[:ATTACH]",
				 spec);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - spec), spec);
	colon = strchr(eq + 1, ':');
	snprintf(type, sizeof(type), "%.*s", (int)(colon ? colon - eq - 1 : (long)strlen(eq + 1)),
		 eq + 1);
	if (colon)
		snprintf(attach, sizeof(attach), "%s", colon + 1);
	for (size_t i = 0; i < obj->prog_cnt; i++)
		if (!strcmp(obj->progs[i].name, name))
			p = &obj->progs[i];
	if (!p)
		return rb_errorf(err, ENOENT, "%s: type override '%s': no program '%s'",
				 obj_file(obj), spec, name);
	if (p->subprog)
		return rb_errorf(err, EINVAL, "%s: type override '%s': '%s' is a .text subprogram, "
				 "not a program", obj_file(obj), spec, name);
	pt = secdef_prog_type_by_name(type);
	if (pt < 0) {
		d = secdef_find(type);
		if (!d)
			return rb_errorf(err, EINVAL, "%s: type override '%s': unknown program type "
					 "'%s' (a type such as 'kprobe' or 'sched_cls', or a section "
					 "prefix such as 'tp' or 'cgroup/skb')", obj_file(obj), spec,
					 type);
		pt = d->prog_type;
		at = d->attach_type;
	}
	if (attach[0]) {
		at = secdef_attach_type_by_name(attach);
		if (at < 0)
			return rb_errorf(err, EINVAL, "%s: type override '%s': unknown attach type "
					 "'%s'", obj_file(obj), spec, attach);
	}
	p->prog_type = pt;
	p->attach_type = at;
	p->type_overridden = true;
	if (d) {
		p->def = d;
		p->prog_flags = 0;
		if (d->flags & SECDEF_SLEEPABLE)
			p->prog_flags |= BPF_F_SLEEPABLE;
	}
	return 0;
}

RB_API int rb_object_program_check_type(const struct rb_object *obj, size_t idx,
					struct rb_error *err)
{
	const struct obj_prog *p;
	const char *sec, *near;
	char buf[64];

	if (idx >= obj->prog_cnt)
		return rb_errorf(err, ERANGE, "%s: no program %zu", obj_file(obj), idx);
	p = &obj->progs[idx];
	if (p->subprog)
		return rb_errorf(err, EINVAL, "%s: '%s' is a subprogram in .text, loaded only as "
				 "part of the programs that call it", obj_file(obj), p->name);
	if (p->def || p->type_overridden)
		return 0;
	sec = p->sec_name[0] == '?' ? p->sec_name + 1 : p->sec_name;
	near = secdef_nearest(sec, buf, sizeof(buf));
	if (near)
		return rb_errorf(err, ENOENT, "%s: program '%s': unknown section name '%s' (did "
				 "you mean '%s'?); give the type with --type %s=TYPE",
				 obj_file(obj), p->name, p->sec_name, near, p->name);
	return rb_errorf(err, ENOENT, "%s: program '%s': unknown section name '%s' (no known "
			 "prefix is close); give the type with --type %s=TYPE", obj_file(obj),
			 p->name, p->sec_name, p->name);
}

RB_API const char *rb_section_rule(size_t i, const char **prog_type, const char **attach_type)
{
	size_t n;
	const struct secdef *t = secdef_table(&n);

	if (i >= n)
		return NULL;
	if (prog_type)
		*prog_type = secdef_prog_type_name(t[i].prog_type);
	if (attach_type)
		*attach_type = secdef_attach_type_name(t[i].attach_type);
	return t[i].sec;
}
