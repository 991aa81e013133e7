// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader/elf_open.h"
#include "loader/ldcache.h"
#include "loader/uprobe_target.h"
#include "util/err.h"
#include "util/strbuf.h"

int uprobe_parse_spec(const char *spec, struct uprobe_spec *out, struct rb_error *e)
{
	const char *colon = strrchr(spec, ':');
	const char *target, *plus;
	char *end;
	size_t blen;

	memset(out, 0, sizeof(*out));
	if (!colon || colon == spec || !colon[1])
		return rb_errorf(e, EINVAL,
				 "uprobe target '%s': expected binary:function[+offset] or "
				 "binary:offset",
				 spec);
	blen = (size_t)(colon - spec);
	if (blen >= sizeof(out->binary))
		return rb_errorf(e, ENAMETOOLONG, "uprobe target '%s': binary path too long", spec);
	memcpy(out->binary, spec, blen);
	target = colon + 1;
	if (target[0] >= '0' && target[0] <= '9') {
		errno = 0;
		out->offset = strtoull(target, &end, 0);
		if (errno || *end)
			return rb_errorf(e, EINVAL, "uprobe target '%s': bad offset '%s'", spec,
					 target);
		return 0;
	}
	plus = strchr(target, '+');
	if ((plus ? (size_t)(plus - target) : strlen(target)) >= sizeof(out->func))
		return rb_errorf(e, ENAMETOOLONG, "uprobe target '%s': function name too long",
				 spec);
	if (plus) {
		memcpy(out->func, target, (size_t)(plus - target));
		errno = 0;
		out->offset = strtoull(plus + 1, &end, 0);
		if (errno || *end || end == plus + 1)
			return rb_errorf(e, EINVAL, "uprobe target '%s': bad offset '%s'", spec,
					 plus + 1);
	} else {
		strcpy(out->func, target);
	}
	if (!out->func[0])
		return rb_errorf(e, EINVAL, "uprobe target '%s': empty function name", spec);
	return 0;
}

static bool is_executable_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

int uprobe_find_binary(const char *name, char *out, size_t outlen, struct rb_error *e)
{
	const char *path = getenv("PATH");

	if (strchr(name, '/')) {
		if (access(name, R_OK))
			return rb_errorf(e, ENOENT, "uprobe binary %s: %s", name, strerror(errno));
		if (strlen(name) + 1 > outlen)
			return rb_errorf(e, ENAMETOOLONG, "uprobe binary %s: path too long", name);
		strcpy(out, name);
		return 0;
	}
	if (strstr(name, ".so"))
		return ldcache_find_library(name, NULL, out, outlen, e);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		int len = snprintf(out, outlen, "%.*s/%s", (int)n, n ? p : ".", name);

		if (len > 0 && (size_t)len < outlen && is_executable_file(out))
			return 0;
		p += n + (p[n] == ':');
	}
	return rb_errorf(e, ENOENT, "uprobe binary %s: not found on PATH (%s)", name, path);
}

int uprobe_func_sym(Elf *elf, Elf_Data *d, size_t strndx, size_t i, GElf_Sym *sym,
		    const char **name)
{
	int type;

	if (i > INT_MAX || !gelf_getsym(d, (int)i, sym))
		return -1;
	type = GELF_ST_TYPE(sym->st_info);
	if ((type != STT_FUNC && type != STT_GNU_IFUNC) || sym->st_shndx == SHN_UNDEF ||
	    !sym->st_value)
		return 0;
	*name = elf_strptr(elf, strndx, sym->st_name);
	if (!*name || !(*name)[0])
		return 0;
	return type == STT_GNU_IFUNC ? 2 : 1;
}

int uprobe_vaddr_to_offset(Elf *elf, uint64_t vaddr, uint64_t *off)
{
	size_t n;

	if (elf_getphdrnum(elf, &n))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (vaddr >= ph.p_vaddr && vaddr - ph.p_vaddr < ph.p_filesz) {
			*off = vaddr - ph.p_vaddr + ph.p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

/* One function symbol that matched, with its version decoration. */
struct func_match {
	uint64_t addr;
	char name[320];	 /* "f", "f@V" (hidden) or "f@@V" (default) */
	bool is_default; /* unversioned or the default version */
};

#define MAX_MATCHES 16
#define MAX_CLOSE   5

struct func_search {
	const char *want;     /* as requested */
	size_t want_base_len; /* length before any '@' */
	struct func_match m[MAX_MATCHES];
	int nm;
	char close[MAX_CLOSE][128];
	int nclose;
};

/* Version name of dynsym entry idx (NULL for none), and whether it is hidden (f@V). */
static const char *dynsym_version(Elf *elf, Elf_Data *versym, Elf_Scn *verdef_scn, size_t idx,
				  bool *hidden)
{
	GElf_Versym vs;
	GElf_Shdr sh;
	Elf_Data *vd;
	size_t off = 0;

	*hidden = false;
	if (!versym || !verdef_scn || !gelf_getversym(versym, (int)idx, &vs))
		return NULL;
	*hidden = vs & 0x8000;
	vs &= 0x7fff;
	if (vs <= 1) /* local or global, unversioned */
		return NULL;
	vd = elf_getdata(verdef_scn, NULL);
	if (!vd || !gelf_getshdr(verdef_scn, &sh))
		return NULL;
	/* Walk the verdef chain; vd_next links are bounds-checked by gelf_getverdef. */
	for (unsigned int guard = 0; guard < 65536; guard++) {
		GElf_Verdef def;
		GElf_Verdaux aux;

		if (!gelf_getverdef(vd, (int)off, &def))
			return NULL;
		if (def.vd_ndx == vs) {
			if (!gelf_getverdaux(vd, (int)(off + def.vd_aux), &aux))
				return NULL;
			return elf_strptr(elf, sh.sh_link, aux.vda_name);
		}
		if (!def.vd_next)
			return NULL;
		off += def.vd_next;
	}
	return NULL;
}

static void note_close(struct func_search *s, const char *name)
{
	size_t len = strcspn(name, "@");

	if (s->nclose >= MAX_CLOSE || len >= sizeof(s->close[0]))
		return;
	/* compiler variants (f.isra.0, f.cold, f.constprop.0) and names containing f */
	if (!memmem(name, len, s->want, s->want_base_len))
		return;
	for (int i = 0; i < s->nclose; i++)
		if (strlen(s->close[i]) == len && !strncmp(s->close[i], name, len))
			return;
	snprintf(s->close[s->nclose++], sizeof(s->close[0]), "%.*s", (int)len, name);
}

static bool name_matches(const struct func_search *s, const char *full)
{
	const char *at = strchr(s->want, '@');

	if (!at) /* plain name: any version of it */
		return !strncmp(full, s->want, s->want_base_len) &&
		       (full[s->want_base_len] == '\0' || full[s->want_base_len] == '@');
	if (!strcmp(full, s->want))
		return true;
	/* "f@V" also names the default version "f@@V" */
	if (at[1] != '@') {
		size_t b = s->want_base_len;

		return !strncmp(full, s->want, b) && !strncmp(full + b, "@@", 2) &&
		       !strcmp(full + b + 2, at + 1);
	}
	return false;
}

static void add_match(struct func_search *s, uint64_t addr, const char *full, bool is_default)
{
	for (int i = 0; i < s->nm; i++)
		if (s->m[i].addr == addr) {
			s->m[i].is_default |= is_default;
			return;
		}
	if (s->nm >= MAX_MATCHES)
		return;
	s->m[s->nm].addr = addr;
	s->m[s->nm].is_default = is_default;
	snprintf(s->m[s->nm].name, sizeof(s->m[0].name), "%s", full);
	s->nm++;
}

static void scan_symtab(Elf *elf, Elf_Scn *scn, bool dynamic, Elf_Data *versym, Elf_Scn *verdef,
			struct func_search *s)
{
	GElf_Shdr sh;
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n;

	if (!d || !gelf_getshdr(scn, &sh) || !sh.sh_entsize)
		return;
	n = d->d_size / sh.sh_entsize;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *name, *ver;
		char full[320];
		bool hidden, is_default;
		int kind = uprobe_func_sym(elf, d, sh.sh_link, i, &sym, &name);

		if (kind < 0)
			break;
		if (!kind)
			continue;
		ver = dynamic ? dynsym_version(elf, versym, verdef, i, &hidden) : NULL;
		if (ver)
			snprintf(full, sizeof(full), "%s%s%s", name, hidden ? "@" : "@@", ver);
		else
			snprintf(full, sizeof(full), "%s", name);
		if (!name_matches(s, full)) {
			note_close(s, full);
			continue;
		}
		/* .symtab spells versions into the name itself ("f@@V", "f@V") */
		is_default = ver ? !hidden : !strchr(full, '@') || strstr(full, "@@");
		add_match(s, sym.st_value, full, is_default);
	}
}

static int pick_match(const char *path, struct func_search *s, uint64_t *addr, struct rb_error *e)
{
	struct strbuf sb = STRBUF_INIT;
	int ndefault = 0, pick = -1, ret;

	if (s->nm == 1) {
		*addr = s->m[0].addr;
		return 0;
	}
	for (int i = 0; i < s->nm; i++)
		if (s->m[i].is_default) {
			ndefault++;
			pick = i;
		}
	if (ndefault == 1) {
		*addr = s->m[pick].addr;
		return 0;
	}
	for (int i = 0; i < s->nm; i++)
		sb_printf(&sb, "%s%s at 0x%llx", i ? ", " : "", s->m[i].name,
			  (unsigned long long)s->m[i].addr);
	ret = rb_errorf(e, EINVAL, "%s: function '%s' is ambiguous: %s; name a version (f@@VER)",
			path, s->want, sb_str(&sb));
	sb_free(&sb);
	return ret;
}

int uprobe_func_offset(const char *path, const char *func, uint64_t *off, struct rb_error *e)
{
	struct func_search *s;
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL, *verdef = NULL;
	Elf_Data *versym = NULL;
	uint64_t addr = 0;
	Elf *elf;
	int fd, ret;

	ret = elf_open_path(path, &elf, &fd, e);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s) {
		ret = rb_errorf(e, ENOMEM, "%s: out of memory", path);
		goto out;
	}
	s->want = func;
	s->want_base_len = strcspn(func, "@");
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn;
		else if (sh.sh_type == SHT_DYNSYM)
			dynsym = scn;
		else if (sh.sh_type == SHT_GNU_versym)
			versym = elf_getdata(scn, NULL);
		else if (sh.sh_type == SHT_GNU_verdef)
			verdef = scn;
	}
	if (symtab)
		scan_symtab(elf, symtab, false, NULL, NULL, s);
	if (dynsym)
		scan_symtab(elf, dynsym, true, versym, verdef, s);
	if (!s->nm) {
		struct strbuf sb = STRBUF_INIT;

		for (int i = 0; i < s->nclose; i++)
			sb_printf(&sb, "%s%s", i ? ", " : "; closest: ", s->close[i]);
		if (!symtab && !dynsym)
			ret = rb_errorf(e, ENOENT,
					"%s: no function '%s': the file has no symbol "
					"tables (stripped)",
					path, func);
		else
			ret = rb_errorf(e, ENOENT,
					"%s: no function '%s' in %s%s%s (static and inlined, or "
					"renamed?)%s",
					path, func, symtab ? ".symtab" : "",
					symtab && dynsym ? " and " : "", dynsym ? ".dynsym" : "",
					sb_str(&sb));
		sb_free(&sb);
	} else {
		ret = pick_match(path, s, &addr, e);
	}
	free(s);
	if (ret)
		goto out;
	if (uprobe_vaddr_to_offset(elf, addr, off)) {
		ret = rb_errorf(e, EINVAL, "%s: function '%s' at 0x%llx is in no loadable segment",
				path, func, (unsigned long long)addr);
		goto out;
	}
	ret = 0;
out:
	elf_open_close(elf, fd);
	return ret;
}

int uprobe_resolve(const char *spec_str, char *path, size_t pathlen, uint64_t *off,
		   struct rb_error *e)
{
	struct uprobe_spec *spec = malloc(sizeof(*spec));
	uint64_t func_off = 0;
	int ret;

	if (!spec)
		return rb_errorf(e, ENOMEM, "uprobe target '%s': out of memory", spec_str);
	ret = uprobe_parse_spec(spec_str, spec, e);
	if (!ret)
		ret = uprobe_find_binary(spec->binary, path, pathlen, e);
	if (!ret && spec->func[0])
		ret = uprobe_func_offset(path, spec->func, &func_off, e);
	if (!ret)
		*off = func_off + spec->offset;
	free(spec);
	return ret;
}
