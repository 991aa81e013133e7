// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Attach usdt programs: "BINARY:PROVIDER:NAME" (section or --attach) to every site of that
 * probe in the binary's .note.stapsdt. Each distinct argument layout gets a spec id; its
 * recipe (loader/usdt.c's encoding of struct __bpf_usdt_spec) goes into the object's
 * __bpf_usdt_specs array at that id, and the site's uprobe carries the id as its bpf_cookie,
 * which is how <bpf/usdt.bpf.h> finds the recipe. For kernels without cookies the BPF side
 * looks the probe's address up in __bpf_usdt_ip_to_spec_id instead: that map is filled
 * where the run-time address is known (a non-PIE executable, or any binary with --pid,
 * through /proc/PID/maps). A semaphore, when the probe has one, is the uprobe's
 * ref_ctr_offset: the kernel raises it while the probe is attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/dynprobe.h"
#include "bpf/sys.h"
#include "loader/attach_kinds.h"
#include "loader/elf_open.h"
#include "loader/uprobe_target.h"
#include "loader/usdt.h"
#include "util/err.h"
#include "util/trace.h"

#define USDT_SPECS_MAP "__bpf_usdt_specs"
#define USDT_IP_MAP    "__bpf_usdt_ip_to_spec_id"

struct usdt_target {
	char binary[PATH_MAX];
	char provider[64];
	char name[64];
};

int usdt_parse_target(const char *t, char *bin, size_t binlen, char *prov, size_t provlen,
		      char *name, size_t namelen)
{
	const char *c2 = strrchr(t, ':'), *c1;
	size_t bl, pl;

	if (!c2 || c2 == t || !c2[1] || strlen(c2 + 1) >= namelen)
		return -EINVAL;
	for (c1 = c2 - 1; c1 > t && *c1 != ':'; c1--)
		;
	if (c1 == t || c1 + 1 == c2)
		return -EINVAL;
	bl = (size_t)(c1 - t);
	pl = (size_t)(c2 - c1 - 1);
	if (bl >= binlen || pl >= provlen)
		return -EINVAL;
	memcpy(bin, t, bl);
	bin[bl] = 0;
	memcpy(prov, c1 + 1, pl);
	prov[pl] = 0;
	strcpy(name, c2 + 1);
	return 0;
}

static int map_by_name(const struct rb_loaded *l, const char *name)
{
	for (size_t i = 0; i < l->map_cnt; i++) {
		const struct obj_map *m = &l->obj->maps[i];

		if ((m->real_name && !strcmp(m->real_name, name)) ||
		    (m->name && !strcmp(m->name, name)))
			return (int)i;
	}
	return -1;
}

/*
 * The recipe layout of the object's usdt.bpf.h: from the specs map's BTF value type, or,
 * for an object without BTF, the historical 208-byte one when the value size says so.
 */
static int specs_layout(const struct rb_loaded *l, int mi, struct usdt_spec_layout *lay,
			struct rb_error *e)
{
	const struct obj_map *m = &l->obj->maps[mi];
	int r;

	if (l->obj->btf && m->btf_value_type_id) {
		r = usdt_layout_from_btf(l->obj->btf, m->btf_value_type_id, lay, e);
		if (r < 0)
			return rb_err_wrap(e, r, "map '%s'", USDT_SPECS_MAP);
	} else {
		usdt_layout_legacy(lay);
	}
	if (lay->size != m->value_size)
		return rb_errorf(e, EINVAL,
				 "map '%s': value size %u is not the %u bytes of its spec layout%s",
				 USDT_SPECS_MAP, m->value_size, lay->size,
				 m->btf_value_type_id ? "" : " (no BTF says otherwise)");
	return 0;
}

/* The ELF's e_type (ET_EXEC: addresses are run-time addresses), or -1. */
static int elf_type(const char *path)
{
	GElf_Ehdr eh;
	Elf *elf;
	int fd, t = -1;

	if (elf_open_path(path, &elf, &fd, NULL))
		return -1; /* usdt_read_probes opened it already: this cannot fail but by a race */
	if (gelf_getehdr(elf, &eh))
		t = eh.e_type;
	elf_open_close(elf, fd);
	return t;
}

int usdt_runtime_ip(const char *maps, const char *path, uint64_t file_off, uint64_t *ip)
{
	char line[PATH_MAX + 256];
	FILE *f = fopen(maps, "re");
	int r = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		/* "start-end perms offset dev inode   path" */
		unsigned long long start, end, off;
		char perms[8];
		int pos = 0;
		char *p;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &off, &pos) <
			    4 ||
		    !pos)
			continue;
		p = line + pos;
		p[strcspn(p, "\n")] = 0;
		if (strcmp(p, path) || perms[2] != 'x')
			continue;
		if (file_off >= off && file_off - off < end - start) {
			*ip = start + (file_off - off);
			r = 0;
			break;
		}
	}
	fclose(f);
	return r;
}

int attach_usdt(struct rb_loaded *l, struct loaded_prog *lp, const struct obj_prog *p,
		const struct rb_attach_opts *o, struct rb_error *e)
{
	const struct secdef_attach *a = &p->attach;
	const char *user = attach_override(o, p->name);
	struct dynprobe_opts po = {.pid = o && o->pid > 0 ? o->pid : -1};
	struct usdt_target *t = calloc(1, sizeof(*t));
	char *path = malloc(PATH_MAX), tgt[PATH_MAX + 160];
	struct usdt_probe *pr = NULL;
	struct dynprobe *d = NULL;
	uint32_t *ids = NULL;
	struct usdt_spec_layout lay;
	unsigned char *spec = NULL;
	int specs, ipmap, r, etype;
	size_t n = 0, done = 0;

	if (!t || !path) {
		r = rb_errorf(e, ENOMEM, "no memory for the USDT target and binary path (%zu bytes)",
			      sizeof(*t) + PATH_MAX);
		goto out;
	}
	if (user) {
		if (usdt_parse_target(user, t->binary, sizeof(t->binary), t->provider,
				      sizeof(t->provider), t->name, sizeof(t->name))) {
			r = rb_errorf(e, -EINVAL, "USDT target '%s' is not BINARY:PROVIDER:NAME",
				      user);
			goto out;
		}
	} else if (a->binary && a->func && a->name) {
		snprintf(t->binary, sizeof(t->binary), "%s", a->binary);
		snprintf(t->provider, sizeof(t->provider), "%s", a->func);
		snprintf(t->name, sizeof(t->name), "%s", a->name);
	} else {
		r = rb_errorf(e, -EINVAL,
			      "section '%s' names no binary:provider:name; give one with "
			      "--attach %s=BINARY:PROVIDER:NAME",
			      p->sec_name, p->name);
		goto out;
	}
	snprintf(tgt, sizeof(tgt), "usdt %s:%s:%s", t->binary, t->provider, t->name);
	lp->target = strdup(tgt);
	specs = map_by_name(l, USDT_SPECS_MAP);
	ipmap = map_by_name(l, USDT_IP_MAP);
	if (specs < 0) {
		r = rb_errorf(e, -EINVAL,
			      "the object has no '%s' map to hold the USDT argument specs (is "
			      "<bpf/usdt.bpf.h> included?)",
			      USDT_SPECS_MAP);
		goto out;
	}
	r = specs_layout(l, specs, &lay, e);
	if (r < 0)
		goto out;
	specs = l->maps[specs].fd;
	ipmap = ipmap >= 0 ? l->maps[ipmap].fd : -1;
	spec = malloc(lay.size);
	if (!spec) {
		r = rb_errorf(e, ENOMEM, "USDT %s:%s: no memory for a %u-byte argument spec",
			      t->provider, t->name, lay.size);
		goto out;
	}
	r = uprobe_find_binary(t->binary, path, PATH_MAX, e);
	if (r < 0)
		goto out;
	r = usdt_find(path, t->provider, t->name, &pr, &n, e);
	if (r < 0)
		goto out;
	d = calloc(n, sizeof(*d));
	ids = calloc(n, sizeof(*ids));
	if (!d || !ids) {
		r = rb_errorf(e, ENOMEM,
			      "USDT %s:%s: no memory for the uprobes and spec ids of its %zu sites",
			      t->provider, t->name, n);
		goto out;
	}
	etype = elf_type(path);
	for (size_t i = 0; i < n; i++) {
		char maps[64];
		uint64_t ip = 0;
		bool have_ip = false;
		size_t k;

		/* sites whose arguments are read alike share one spec */
		for (k = 0; k < i && !usdt_same_args(&pr[k], &pr[i]); k++)
			;
		if (k < i) {
			ids[i] = ids[k];
		} else {
			ids[i] = l->usdt_next_spec++;
			r = usdt_spec_encode(&pr[i], &lay, 0, spec, lay.size, e);
			if (r < 0) {
				rb_err_wrap(e, r, "%s", path);
				goto fail;
			}
			r = sys_map_update_elem(specs, &ids[i], spec, 0);
			if (r < 0) {
				rb_errorf(e, r, "USDT %s:%s: storing spec %u in '%s' failed: %s%s",
					  t->provider, t->name, ids[i], USDT_SPECS_MAP,
					  strerror(-r),
					  r == -E2BIG ? " (more specs than BPF_USDT_MAX_SPEC_CNT)"
						      : "");
				goto fail;
			}
		}
		if (etype == ET_EXEC) {
			ip = pr[i].addr;
			have_ip = true;
		} else if (po.pid > 0) {
			/* the maps file names the file by its real path, not as it was given */
			char real[PATH_MAX];
			const char *mapped = realpath(path, real) ? real : path;

			snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)po.pid);
			have_ip = usdt_runtime_ip(maps, mapped, pr[i].file_off, &ip) == 0;
		}
		if (ipmap >= 0 && have_ip) {
			long key = (long)ip;

			r = sys_map_update_elem(ipmap, &key, &ids[i], 0);
			if (r < 0) {
				rb_errorf(e, r,
					  "USDT %s:%s: storing address 0x%" PRIx64
					  " in '%s' failed: %s",
					  t->provider, t->name, ip, USDT_IP_MAP, strerror(-r));
				goto fail;
			}
		}
		po.cookie = ids[i];
		po.ref_ctr_offset = pr[i].sema_off;
		r = dynprobe_uprobe(lp->fd, path, pr[i].file_off, &po, &d[i], e);
		if (r < 0) {
			rb_err_wrap(e, r, "USDT %s:%s site %zu of %zu", t->provider, t->name, i + 1,
				    n);
			goto fail;
		}
		done++;
		trace_emit(RB_TRACE_STAGE, "attach", 0, 0,
			   "usdt %s:%s site 0x%" PRIx64 " (file offset 0x%" PRIx64
			   ") spec %u args '%s'%s",
			   t->provider, t->name, pr[i].addr, pr[i].file_off, ids[i], pr[i].args_str,
			   pr[i].sema_off ? " with semaphore" : "");
	}
	r = att_add_probes(lp, d, n);
	if (r < 0)
		rb_errorf(e, r, "out of memory keeping %zu USDT probes", n);
	goto out;
fail:
	while (done-- > 0)
		dynprobe_detach(&d[done]);
out:
	free(spec);
	free(d);
	free(ids);
	free(pr);
	free(path);
	free(t);
	return r;
}
