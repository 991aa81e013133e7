// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A stapsdt note (type 3, owner "stapsdt") describes one probe site. Its descriptor holds
 * three addresses (the probe's pc, the link-time address of the .stapsdt.base section, the
 * semaphore or 0), each 8 bytes in a 64-bit ELF and 4 in a 32-bit one, then three strings:
 * provider, name, argument specification. When the file was prelinked, .stapsdt.base has
 * moved and the pc and semaphore move by the same amount.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/elf_open.h"
#include "loader/uprobe_target.h"
#include "loader/usdt.h"
#include "util/err.h"
#include "util/strbuf.h"

#define STAPSDT_NOTE_TYPE 3
#define MAX_PROBES	  65536 /* more than any real binary; bounds the allocation */

/*
 * x86-64 struct pt_regs, in slot order: the 64-bit names, their 32/16/8-bit forms, and the
 * high-byte form of the four registers that have one (%ah is bits 8..15 of %rax).
 */
static const struct {
	const char *names[4];
	const char *high8;
	int off;
} x86_regs[] = {
	{{"r15", "r15d", "r15w", "r15b"}, NULL, 0},  {{"r14", "r14d", "r14w", "r14b"}, NULL, 8},
	{{"r13", "r13d", "r13w", "r13b"}, NULL, 16}, {{"r12", "r12d", "r12w", "r12b"}, NULL, 24},
	{{"rbp", "ebp", "bp", "bpl"}, NULL, 32},     {{"rbx", "ebx", "bx", "bl"}, "bh", 40},
	{{"r11", "r11d", "r11w", "r11b"}, NULL, 48}, {{"r10", "r10d", "r10w", "r10b"}, NULL, 56},
	{{"r9", "r9d", "r9w", "r9b"}, NULL, 64},     {{"r8", "r8d", "r8w", "r8b"}, NULL, 72},
	{{"rax", "eax", "ax", "al"}, "ah", 80},      {{"rcx", "ecx", "cx", "cl"}, "ch", 88},
	{{"rdx", "edx", "dx", "dl"}, "dh", 96},      {{"rsi", "esi", "si", "sil"}, NULL, 104},
	{{"rdi", "edi", "di", "dil"}, NULL, 112},    {{"rip", "eip", NULL, NULL}, NULL, 128},
	{{"rsp", "esp", "sp", "spl"}, NULL, 152},
};

/* The slot of name and its width in bytes (1 for %ah-style, with *high8 set); -1 unknown. */
static int reg_lookup(const char *name, unsigned int *width, bool *high8)
{
	static const unsigned int widths[4] = {8, 4, 2, 1};

	for (size_t i = 0; i < sizeof(x86_regs) / sizeof(x86_regs[0]); i++) {
		for (int k = 0; k < 4; k++)
			if (x86_regs[i].names[k] && !strcmp(x86_regs[i].names[k], name)) {
				*width = widths[k];
				*high8 = false;
				return x86_regs[i].off;
			}
		if (x86_regs[i].high8 && !strcmp(x86_regs[i].high8, name)) {
			*width = 1;
			*high8 = true;
			return x86_regs[i].off;
		}
	}
	return -1;
}

int usdt_x86_reg_offset(const char *name)
{
	unsigned int w;
	bool h;

	return reg_lookup(name, &w, &h);
}

/* "%name" at *p: copy the name (letters and digits), advance; -1 when malformed/unknown. */
static int read_reg(const char **p, char *out, size_t outlen, unsigned int *width, bool *high8)
{
	const char *s = *p;
	size_t n = 0;

	if (*s != '%')
		return -1;
	s++;
	while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9'))
		n++;
	if (!n || n >= outlen)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	*p = s + n;
	return reg_lookup(out, width, high8);
}

/* A register used to form an address must be a 64-bit one (not %eax, %ax, %al, %ah). */
static int read_addr_reg(const char **p, char *out, size_t outlen)
{
	unsigned int width;
	bool high8;
	int off = read_reg(p, out, outlen, &width, &high8);

	return off >= 0 && width == 8 ? off : -1;
}

static bool sym_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
	       c == '$' || (!first && c >= '0' && c <= '9');
}

/*
 * "sym[+-N](%rip)": the address of a variable, as gcc writes a global or static argument.
 * Kept as memory at %rip + displacement with the symbol to resolve against the binary's
 * symbol tables (usdt_resolve_rip): at the probe's uprobe %rip is the probe address, so the
 * displacement is the symbol's address minus the probe's, the same in every process.
 */
static int parse_rip_sym(const char *p, struct usdt_arg *a)
{
	size_t n = 0;
	char *end;

	while (sym_char(p[n], n == 0))
		n++;
	if (!n || n >= sizeof(a->sym))
		return -1;
	memcpy(a->sym, p, n);
	a->sym[n] = '\0';
	p += n;
	if (*p == '+' || *p == '-') {
		errno = 0;
		a->val_off = strtoll(p, &end, 0);
		if (errno || end == p + 1)
			return -1;
		p = end;
	}
	if (strcmp(p, "(%rip)"))
		return -1;
	snprintf(a->reg, sizeof(a->reg), "rip");
	a->reg_off = usdt_x86_reg_offset("rip");
	a->kind = USDT_ARG_REG_DEREF;
	return 0;
}

/*
 * Memory operands: "[disp](%base)", "[disp](%base,%index[,scale])", "[disp](,%index[,scale])",
 * "sym[+-N](%rip)". p points after the "N@". A numeric displacement from %rip would be
 * relative to an instruction the note has none of: refused.
 */
static int parse_mem(const char *p, struct usdt_arg *a)
{
	char *end;

	if (sym_char(*p, true))
		return parse_rip_sym(p, a);
	if (*p != '(') {
		errno = 0;
		a->val_off = strtoll(p, &end, 0);
		if (errno || end == p || *end != '(')
			return -1;
		p = end;
	}
	p++;
	if (*p != ',') {
		a->reg_off = read_addr_reg(&p, a->reg, sizeof(a->reg));
		if (a->reg_off < 0 || !strcmp(a->reg, "rip"))
			return -1; /* "%rip + disp" is relative to the next instruction: no such here */
		if (*p == ')' && !p[1]) {
			a->kind = USDT_ARG_REG_DEREF;
			return 0;
		}
	}
	if (*p++ != ',')
		return -1;
	a->idx_reg_off = read_addr_reg(&p, a->idx_reg, sizeof(a->idx_reg));
	if (a->idx_reg_off < 0 || !strcmp(a->idx_reg, "rip") || !strcmp(a->idx_reg, "rsp"))
		return -1; /* neither can be an index */
	a->scale = 1;
	if (*p == ',') {
		long sc = strtol(p + 1, &end, 10);

		if (end == p + 1 || (sc != 1 && sc != 2 && sc != 4 && sc != 8))
			return -1;
		a->scale = (unsigned int)sc;
		p = end;
	}
	if (*p != ')' || p[1])
		return -1;
	a->kind = USDT_ARG_SIB;
	return 0;
}

static int parse_one(const char *arg, struct usdt_arg *a)
{
	const char *p = arg;
	char *end;
	long size;

	memset(a, 0, sizeof(*a));
	a->reg_off = -1;
	a->idx_reg_off = -1;
	size = strtol(p, &end, 10);
	if (end == p || *end != '@' || size < -8 || size > 8)
		return -1;
	a->is_signed = size < 0;
	a->size = (unsigned int)(size < 0 ? -size : size);
	if (a->size != 1 && a->size != 2 && a->size != 4 && a->size != 8)
		return -1;
	p = end + 1;
	if (*p == '$') { /* constant */
		errno = 0;
		a->val_off = strtoll(p + 1, &end, 0);
		if (errno || end == p + 1 || *end)
			return -1;
		a->kind = USDT_ARG_CONST;
		return 0;
	}
	if (*p == '%') { /* register */
		unsigned int width;

		a->reg_off = read_reg(&p, a->reg, sizeof(a->reg), &width, &a->high8);
		if (a->reg_off < 0 || *p || (a->high8 && a->size != 1))
			return -1;
		(void)width;
		a->kind = USDT_ARG_REG;
		return 0;
	}
	return parse_mem(p, a);
}

int usdt_parse_args(const char *spec, struct usdt_arg *args, int max, struct rb_error *e)
{
	int n = 0;

	for (const char *p = spec; *p;) {
		char one[128];
		size_t len;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		len = strcspn(p, " \t");
		if (n >= max)
			return rb_errorf(e, E2BIG, "USDT arguments '%s': more than %d", spec, max);
		if (len >= sizeof(one))
			return rb_errorf(e, EINVAL, "USDT argument %d of '%s' is too long", n + 1,
					 spec);
		memcpy(one, p, len);
		one[len] = '\0';
		if (parse_one(one, &args[n]))
			return rb_errorf(
				e, EINVAL,
				"USDT argument %d '%s' is not a form rawbpf reads (N@%%reg, N@$imm, "
				"N@disp(%%reg), N@disp(%%base,%%index,scale), N@symbol(%%rip))",
				n + 1, one);
		n++;
		p += len;
	}
	return n;
}

bool usdt_same_args(const struct usdt_probe *a, const struct usdt_probe *b)
{
	if (a->nargs != b->nargs)
		return false;
	for (int i = 0; i < a->nargs && i < USDT_MAX_ARGS; i++) {
		const struct usdt_arg *x = &a->args[i], *y = &b->args[i];

		if (x->kind != y->kind || x->size != y->size || x->is_signed != y->is_signed ||
		    x->val_off != y->val_off || x->reg_off != y->reg_off ||
		    x->high8 != y->high8 || x->idx_reg_off != y->idx_reg_off ||
		    x->scale != y->scale || strcmp(x->sym, y->sym))
			return false;
	}
	return true;
}

/* Read an address of the note's class from desc at *pos. */
static bool read_addr(const unsigned char *desc, size_t len, size_t *pos, bool is64, uint64_t *out)
{
	size_t w = is64 ? 8 : 4;

	if (len - *pos < w)
		return false;
	if (is64) {
		memcpy(out, desc + *pos, 8);
	} else {
		uint32_t v;

		memcpy(&v, desc + *pos, 4);
		*out = v;
	}
	*pos += w;
	return true;
}

/* A string inside desc at *pos; copied into out (truncation is an error). */
static bool read_str(const unsigned char *desc, size_t len, size_t *pos, char *out, size_t outlen)
{
	const unsigned char *nul;
	size_t n;

	if (*pos >= len)
		return false;
	nul = memchr(desc + *pos, '\0', len - *pos);
	if (!nul)
		return false;
	n = (size_t)(nul - (desc + *pos));
	if (n >= outlen)
		return false;
	memcpy(out, desc + *pos, n + 1);
	*pos += n + 1;
	return true;
}

/* Keep why a probe cannot be used; the binary's other probes stay usable (returns 0). */
static int __attribute__((format(printf, 3, 4)))
probe_unusable(struct usdt_probe *pr, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pr->why, sizeof(pr->why), fmt, ap);
	va_end(ap);
	pr->err = -err;
	return 0;
}

/*
 * The address of the data or function symbol name in elf's .symtab (then .dynsym). 0, or
 * -ENOENT when no defined symbol has the name, -ENOTUNIQ when several differ (two file-local
 * statics of one name in different sources).
 */
static int symbol_vaddr(Elf *elf, const char *name, uint64_t *out)
{
	static const unsigned int order[2] = {SHT_SYMTAB, SHT_DYNSYM};
	bool found = false;

	for (int k = 0; k < 2 && !found; k++) {
		Elf_Scn *scn = NULL;

		while ((scn = elf_nextscn(elf, scn))) {
			Elf_Data *d;
			GElf_Shdr sh;
			size_t n;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != order[k] || !sh.sh_entsize)
				continue;
			d = elf_getdata(scn, NULL);
			n = d ? d->d_size / sh.sh_entsize : 0;
			for (size_t i = 1; i < n && i <= INT_MAX; i++) {
				const char *sn;
				GElf_Sym sym;
				int type;

				if (!gelf_getsym(d, (int)i, &sym))
					break;
				type = GELF_ST_TYPE(sym.st_info);
				if (sym.st_shndx == SHN_UNDEF || type == STT_SECTION ||
				    type == STT_FILE || type == STT_TLS)
					continue;
				sn = elf_strptr(elf, sh.sh_link, sym.st_name);
				if (!sn || strcmp(sn, name))
					continue;
				if (found && *out != sym.st_value)
					return -ENOTUNIQ;
				*out = sym.st_value;
				found = true;
			}
		}
	}
	return found ? 0 : -ENOENT;
}

/* Arguments at "sym(%rip)": the symbol's distance from the probe, read from %rip. */
static int resolve_rip_args(Elf *elf, const char *path, struct usdt_probe *pr)
{
	for (int i = 0; i < pr->nargs; i++) {
		struct usdt_arg *a = &pr->args[i];
		uint64_t addr;
		int r;

		if (!a->sym[0])
			continue;
		r = symbol_vaddr(elf, a->sym, &addr);
		if (r == -ENOENT)
			return probe_unusable(pr, ENOENT,
					      "%s: USDT %s:%s: argument %d is at symbol '%s', which "
					      "is in neither .symtab nor .dynsym (stripped?)",
					      path, pr->provider, pr->name, i + 1, a->sym);
		if (r)
			return probe_unusable(pr, -r,
					      "%s: USDT %s:%s: argument %d is at symbol '%s', which "
					      "several symbols of different addresses are called",
					      path, pr->provider, pr->name, i + 1, a->sym);
		a->val_off = (int64_t)(addr + (uint64_t)a->val_off - pr->addr);
		a->sym[0] = '\0';
	}
	return 0;
}

/* The probes a read is for: provider and name, or every probe when provider is NULL. */
struct probe_filter {
	const char *provider, *name;
};

static bool wanted(const struct probe_filter *f, const struct usdt_probe *pr)
{
	return !f->provider || (!strcmp(pr->provider, f->provider) && !strcmp(pr->name, f->name));
}

static int parse_note(Elf *elf, const char *path, const unsigned char *desc, size_t len, bool is64,
		      bool have_base, uint64_t base_addr, const struct probe_filter *f,
		      struct usdt_probe *pr, struct rb_error *e)
{
	struct rb_error pe = { 0 };
	uint64_t note_base;
	size_t pos = 0;
	int n;

	memset(pr, 0, sizeof(*pr));
	if (!read_addr(desc, len, &pos, is64, &pr->addr) ||
	    !read_addr(desc, len, &pos, is64, &note_base) ||
	    !read_addr(desc, len, &pos, is64, &pr->sema_addr) ||
	    !read_str(desc, len, &pos, pr->provider, sizeof(pr->provider)) ||
	    !read_str(desc, len, &pos, pr->name, sizeof(pr->name)) ||
	    !read_str(desc, len, &pos, pr->args_str, sizeof(pr->args_str)))
		return rb_errorf(e, EINVAL,
				 "%s: section '.note.stapsdt': truncated or oversized note", path);
	if (have_base && note_base) {
		pr->addr += base_addr - note_base;
		if (pr->sema_addr)
			pr->sema_addr += base_addr - note_base;
	}
	if (uprobe_vaddr_to_offset(elf, pr->addr, &pr->file_off))
		return probe_unusable(pr, EINVAL, "%s: USDT %s:%s at 0x%llx is in no loadable segment",
				      path, pr->provider, pr->name, (unsigned long long)pr->addr);
	if (pr->sema_addr && uprobe_vaddr_to_offset(elf, pr->sema_addr, &pr->sema_off))
		return probe_unusable(pr, EINVAL,
				      "%s: USDT %s:%s semaphore at 0x%llx is in no loadable segment",
				      path, pr->provider, pr->name,
				      (unsigned long long)pr->sema_addr);
	n = usdt_parse_args(pr->args_str, pr->args, USDT_MAX_ARGS, &pe);
	if (n < 0)
		return probe_unusable(pr, -n, "%s: USDT %s:%s: %s", path, pr->provider, pr->name,
				      pe.msg);
	pr->nargs = n;
	/* a symbol lookup scans the symbol tables: only for the probes asked for */
	return wanted(f, pr) ? resolve_rip_args(elf, path, pr) : 0;
}

static int read_probes(const char *path, const struct probe_filter *f, struct usdt_probe **probes,
		       size_t *cnt, struct rb_error *e)
{
	Elf_Scn *scn = NULL, *notes = NULL;
	struct usdt_probe *out = NULL;
	size_t shstrndx, n = 0, cap = 0;
	bool have_base = false, is64;
	uint64_t base_addr = 0;
	int fd, ret = 0;
	Elf *elf;

	*probes = NULL;
	*cnt = 0;
	ret = elf_open_path(path, &elf, &fd, e);
	if (ret)
		return ret;
	if (elf_getshdrstrndx(elf, &shstrndx)) {
		ret = rb_errorf(e, EINVAL, "%s: no section name table: %s", path, elf_errmsg(-1));
		goto out;
	}
	is64 = gelf_getclass(elf) == ELFCLASS64;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (sh.sh_type == SHT_NOTE && !strcmp(name, ".note.stapsdt"))
			notes = scn;
		else if (!strcmp(name, ".stapsdt.base")) {
			have_base = true;
			base_addr = sh.sh_addr;
		}
	}
	if (notes) {
		Elf_Data *d = elf_getdata(notes, NULL);
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		while (d && (off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			const char *owner = (const char *)d->d_buf + name_off;

			if (nh.n_type != STAPSDT_NOTE_TYPE || nh.n_namesz != sizeof("stapsdt") ||
			    memcmp(owner, "stapsdt", sizeof("stapsdt")))
				continue;
			if (n == cap) {
				struct usdt_probe *p;

				if (cap >= MAX_PROBES) {
					ret = rb_errorf(e, E2BIG, "%s: more than %d USDT probes",
							path, MAX_PROBES);
					goto out;
				}
				cap = cap ? cap * 2 : 8;
				p = realloc(out, cap * sizeof(*out));
				if (!p) {
					ret = rb_errorf(e, ENOMEM, "%s: out of memory", path);
					goto out;
				}
				out = p;
			}
			ret = parse_note(elf, path, (const unsigned char *)d->d_buf + desc_off,
					 nh.n_descsz, is64, have_base, base_addr, f, &out[n], e);
			if (ret)
				goto out;
			n++;
		}
	}
out:
	elf_open_close(elf, fd);
	if (ret) {
		free(out);
		return ret;
	}
	*probes = out;
	*cnt = n;
	return 0;
}

int usdt_read_probes(const char *path, struct usdt_probe **probes, size_t *cnt, struct rb_error *e)
{
	const struct probe_filter all = { NULL, NULL };

	return read_probes(path, &all, probes, cnt, e);
}

int usdt_find(const char *path, const char *provider, const char *name, struct usdt_probe **probes,
	      size_t *cnt, struct rb_error *e)
{
	const struct probe_filter f = { provider, name };
	struct usdt_probe *all;
	size_t n, k = 0;
	int ret = read_probes(path, &f, &all, &n, e);

	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(all[i].provider, provider) && !strcmp(all[i].name, name))
			all[k++] = all[i];
	if (!k) {
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; i < n && i < 8; i++)
			sb_printf(&sb, "%s%s:%s", i ? ", " : "", all[i].provider, all[i].name);
		ret = rb_errorf(e, ENOENT, "%s: no USDT probe %s:%s in .note.stapsdt (%s%s)", path,
				provider, name, n ? "it has " : "it has none",
				n ? sb_str(&sb) : "");
		sb_free(&sb);
		free(all);
		return ret;
	}
	for (size_t i = 0; i < k; i++)
		if (all[i].err) {
			ret = rb_errorf(e, -all[i].err, "%s", all[i].why);
			free(all);
			return ret;
		}
	*probes = all;
	*cnt = k;
	return 0;
}
