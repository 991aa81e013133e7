/*
 * Test helper for tests/corpus/test_corpus_diff.sh (issue 9): compare what the kernel holds
 * after two loaders loaded the same object, one pinned by libbpf (bpftool prog loadall ...
 * pinmaps), one by rawbpf (rawbpf load --pin). Each DIR has progs/<name> and maps/<name>
 * pins (either may be missing).
 *
 *   prog_diff LIBBPF_DIR RAWBPF_DIR
 *
 * Programs are matched by pin name (both loaders pin under the function name). For each
 * program pinned by both, the kernel's view (BPF_OBJ_GET_INFO_BY_FD) is compared: program
 * type, attach BTF object and id, GPL compatibility, func_info and line_info counts, and
 * the translated instructions function by function (split at func_info insn_off, named
 * through the program's BTF), with calls to subprograms compared by callee name, map
 * references by map name (and offset into the value), and other kernel addresses taken as
 * equal when both sides hold one. Maps (referenced by the programs or pinned) are matched
 * by kernel name: type, key/value size, max entries, flags, BTF key/value type names.
 *
 * Output, one line each:
 *   equal PROG
 *   different at prog PROG insn N: libbpf '...' rawbpf '...'   (N: index in libbpf's xlated)
 *   different at prog PROG: WHAT libbpf X rawbpf Y
 *   only-libbpf PROG | only-rawbpf PROG
 *   map-different MAP: FIELD libbpf X rawbpf Y | map-only-libbpf MAP | map-only-rawbpf MAP
 * Exit 0 when everything compared equal, 1 when something differs, 2 on a usage/IO error.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/disasm.h"
#include "bpf/sys.h"
#include "btf/btf.h"
#include "util/strbuf.h"

#define MAX_PROGS 256
#define MAX_MAPS 256
#define MAX_FUNCS 1024
#define NAME_LEN 256

struct func {
	char name[NAME_LEN];
	uint32_t start, end; /* [start, end) in xlated insns */
};

struct prog {
	char pin[NAME_LEN];
	struct bpf_prog_info info;
	struct bpf_insn *insns;
	uint32_t cnt;
	struct func *funcs;
	uint32_t nfuncs;
	uint32_t *map_ids;
	uint32_t nmaps;
};

struct map {
	char name[BPF_OBJ_NAME_LEN];
	uint32_t id;
	struct bpf_map_info info;
	char key[NAME_LEN], val[NAME_LEN];
};

struct side {
	const char *who;
	struct prog progs[MAX_PROGS];
	size_t nprogs;
	struct map maps[MAX_MAPS];
	size_t nmaps;
};

static struct side sides[2];

static void die(const char *fmt, const char *a, int err)
{
	fprintf(stderr, "prog_diff: ");
	fprintf(stderr, fmt, a);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	exit(2);
}

/* The BTF object of a program or map, parsed with our parser; NULL without one. */
static struct btf *btf_by_id(uint32_t id)
{
	struct bpf_btf_info bi;
	struct rb_error err;
	struct btf *btf = NULL;
	void *data;
	int fd;

	if (!id)
		return NULL;
	fd = sys_get_fd_by_id(SYS_OBJ_BTF, id);
	if (fd < 0)
		return NULL;
	memset(&bi, 0, sizeof(bi));
	if (sys_btf_get_info(fd, &bi) || !bi.btf_size || bi.btf_size > (256u << 20)) {
		close(fd);
		return NULL;
	}
	data = calloc(1, bi.btf_size);
	if (!data)
		exit(2);
	uint32_t size = bi.btf_size;
	memset(&bi, 0, sizeof(bi));
	bi.btf = (uint64_t)(uintptr_t)data;
	bi.btf_size = size;
	if (!sys_btf_get_info(fd, &bi))
		btf_parse(data, size, NULL, "kernel BTF object", &btf, &err);
	free(data);
	close(fd);
	return btf;
}

static void type_name(const struct btf *btf, uint32_t id, char *out)
{
	const struct btf_type *t;
	const char *n;

	if (!id) {
		strcpy(out, "-");
		return;
	}
	t = btf ? btf_type(btf, id) : NULL;
	if (!t) {
		snprintf(out, NAME_LEN, "[%u]", id);
		return;
	}
	n = btf_name(btf, t);
	snprintf(out, NAME_LEN, "%s %s", btf_kind_name(btf_kind(t)), n && *n ? n : "(anon)");
}

static struct map *map_add(struct side *s, uint32_t id)
{
	struct map *m;
	struct btf *btf;
	int fd;

	for (size_t i = 0; i < s->nmaps; i++)
		if (s->maps[i].id == id)
			return &s->maps[i];
	if (s->nmaps == MAX_MAPS)
		return NULL;
	fd = sys_get_fd_by_id(SYS_OBJ_MAP, id);
	if (fd < 0)
		return NULL;
	m = &s->maps[s->nmaps];
	memset(m, 0, sizeof(*m));
	if (sys_map_get_info(fd, &m->info)) {
		close(fd);
		return NULL;
	}
	close(fd);
	m->id = id;
	memcpy(m->name, m->info.name, sizeof(m->name));
	m->name[sizeof(m->name) - 1] = 0;
	btf = btf_by_id(m->info.btf_id);
	type_name(btf, m->info.btf_key_type_id, m->key);
	type_name(btf, m->info.btf_value_type_id, m->val);
	btf_free(btf);
	s->nmaps++;
	return m;
}

static const char *map_name(const struct side *s, uint32_t id)
{
	for (size_t i = 0; i < s->nmaps; i++)
		if (s->maps[i].id == id)
			return s->maps[i].name;
	return NULL;
}

static void prog_load(struct side *s, const char *dir, const char *name)
{
	struct bpf_prog_info *in;
	struct bpf_func_info *fi = NULL;
	struct prog *p;
	char path[4096];
	uint32_t nfi, rec;
	struct btf *btf;
	int fd, rc;

	if (s->nprogs == MAX_PROGS)
		die("more than %s programs", "256", E2BIG);
	snprintf(path, sizeof(path), "%s/progs/%s", dir, name);
	fd = sys_obj_get(path, 0);
	if (fd < 0)
		die("BPF_OBJ_GET %s", path, fd);
	p = &s->progs[s->nprogs++];
	memset(p, 0, sizeof(*p));
	snprintf(p->pin, sizeof(p->pin), "%s", name);
	in = &p->info;
	rc = sys_prog_get_info(fd, in);
	if (rc)
		die("BPF_OBJ_GET_INFO_BY_FD %s", path, rc);
	p->cnt = in->xlated_prog_len / sizeof(struct bpf_insn);
	p->nmaps = in->nr_map_ids;
	nfi = in->nr_func_info;
	rec = in->func_info_rec_size;
	if (rec < sizeof(*fi))
		rec = sizeof(*fi);
	p->insns = calloc(p->cnt + 1, sizeof(*p->insns));
	p->map_ids = calloc(p->nmaps + 1, sizeof(*p->map_ids));
	fi = calloc(nfi + 1, rec);
	if (!p->insns || !p->map_ids || !fi)
		exit(2);
	struct bpf_prog_info again;
	uint32_t len = sizeof(again);

	memset(&again, 0, sizeof(again));
	again.xlated_prog_len = p->cnt * sizeof(struct bpf_insn);
	again.xlated_prog_insns = (uint64_t)(uintptr_t)p->insns;
	again.nr_map_ids = p->nmaps;
	again.map_ids = (uint64_t)(uintptr_t)p->map_ids;
	again.nr_func_info = nfi;
	again.func_info_rec_size = rec;
	again.func_info = (uint64_t)(uintptr_t)fi;
	rc = sys_obj_get_info(fd, &again, &len);
	if (rc)
		die("BPF_OBJ_GET_INFO_BY_FD (arrays) %s", path, rc);
	close(fd);

	for (uint32_t i = 0; i < p->nmaps; i++)
		map_add(s, p->map_ids[i]);

	/* Functions: one per func_info record; without BTF the program is one function. */
	btf = btf_by_id(in->btf_id);
	p->funcs = calloc(nfi ? nfi : 1, sizeof(*p->funcs));
	if (!p->funcs)
		exit(2);
	if (!nfi) {
		p->nfuncs = 1;
		strcpy(p->funcs[0].name, "(main)");
		p->funcs[0].end = p->cnt;
	}
	for (uint32_t i = 0; i < nfi && i < MAX_FUNCS; i++) {
		const struct bpf_func_info *r = (const void *)((char *)fi + (size_t)i * rec);
		const char *n = btf ? btf_name_of(btf, r->type_id) : NULL;
		struct func *f = &p->funcs[p->nfuncs++];

		if (n && *n)
			snprintf(f->name, sizeof(f->name), "%s", n);
		else
			snprintf(f->name, sizeof(f->name), "func#%u", i);
		f->start = r->insn_off;
		f->end = p->cnt;
		if (i)
			p->funcs[i - 1].end = r->insn_off;
	}
	btf_free(btf);
	free(fi);
}

static void pinned_maps(struct side *s, const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/maps", dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct bpf_map_info mi;
		int fd;

		if (de->d_name[0] == '.' && (!de->d_name[1] || !strcmp(de->d_name, "..")))
			continue;
		snprintf(path, sizeof(path), "%s/maps/%s", dir, de->d_name);
		fd = sys_obj_get(path, 0);
		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (!sys_map_get_info(fd, &mi))
			map_add(s, mi.id);
		close(fd);
	}
	closedir(d);
}

static int by_pin(const void *a, const void *b)
{
	return strcmp(((const struct prog *)a)->pin, ((const struct prog *)b)->pin);
}

static void side_load(struct side *s, const char *who, const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d;

	s->who = who;
	snprintf(path, sizeof(path), "%s/progs", dir);
	d = opendir(path);
	if (d) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				prog_load(s, dir, de->d_name);
		closedir(d);
	}
	qsort(s->progs, s->nprogs, sizeof(s->progs[0]), by_pin);
	pinned_maps(s, dir);
}

static const struct func *func_at(const struct prog *p, uint32_t idx)
{
	for (uint32_t i = 0; i < p->nfuncs; i++)
		if (idx >= p->funcs[i].start && idx < p->funcs[i].end)
			return &p->funcs[i];
	return NULL;
}

static const struct func *func_named(const struct prog *p, const char *name)
{
	for (uint32_t i = 0; i < p->nfuncs; i++)
		if (!strcmp(p->funcs[i].name, name))
			return &p->funcs[i];
	return NULL;
}

static bool is_ld64(const struct bpf_insn *in)
{
	return in->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static bool kernel_addr(uint64_t v)
{
	return v >= 0xffff800000000000ull;
}

/* Text of one instruction in the kernel's syntax; the operand named for maps and calls. */
struct dis_ctx {
	const struct side *s;
	const struct prog *p;
};

static const char *dis_call(void *ctx, const struct bpf_insn *insn, size_t idx, char *buf,
			    size_t len)
{
	struct dis_ctx *c = ctx;
	const struct func *f;

	if (insn->src_reg != BPF_PSEUDO_CALL)
		return NULL;
	f = func_at(c->p, (uint32_t)(idx + insn->off + 1));
	snprintf(buf, len, "%+d#%s", insn->off, f ? f->name : "?");
	return buf;
}

static const char *dis_imm(void *ctx, const struct bpf_insn *insn, size_t idx, uint64_t value,
			   char *buf, size_t len)
{
	struct dis_ctx *c = ctx;
	const char *n;

	(void)idx;
	if (insn->src_reg != BPF_PSEUDO_MAP_FD && insn->src_reg != BPF_PSEUDO_MAP_VALUE)
		return NULL;
	n = map_name(c->s, (uint32_t)insn->imm);
	if (insn->src_reg == BPF_PSEUDO_MAP_FD)
		snprintf(buf, len, "map[%s]", n ? n : "?");
	else
		snprintf(buf, len, "map[%s]+%u", n ? n : "?", (uint32_t)insn[1].imm);
	(void)value;
	return buf;
}

static void dis(const struct side *s, const struct prog *p, uint32_t idx, char *out, size_t len)
{
	struct dis_ctx c = { s, p };
	struct rb_disasm_cbs cbs = { .call_name = dis_call, .imm_name = dis_imm, .ctx = &c };
	struct strbuf sb = STRBUF_INIT;

	if (idx >= p->cnt) {
		snprintf(out, len, "(end of function)");
		return;
	}
	disasm_insn(&sb, p->insns, p->cnt, idx, &cbs);
	snprintf(out, len, "%s", sb_str(&sb));
	sb_free(&sb);
}

/* Name of the function a pseudo call or pseudo func at idx reaches; NULL if none. */
static const char *callee(const struct prog *p, uint32_t idx)
{
	const struct bpf_insn *in = &p->insns[idx];
	int64_t t;
	const struct func *f;

	if (is_ld64(in))
		t = (int64_t)idx + in->imm + 1;
	else
		t = (int64_t)idx + in->off + 1;
	if (t < 0 || t >= p->cnt)
		return NULL;
	f = func_at(p, (uint32_t)t);
	return f && f->start == t ? f->name : NULL;
}

static bool same_name(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* Are a[ia] and b[ib] the same instruction once ids and addresses are normalised? */
static bool insn_equal(const struct prog *pa, uint32_t ia, const struct prog *pb, uint32_t ib,
		       int *slots)
{
	const struct bpf_insn *a = &pa->insns[ia], *b = &pb->insns[ib];

	*slots = 1;
	if (a->code != b->code || a->dst_reg != b->dst_reg || a->src_reg != b->src_reg)
		return false;
	if (a->code == (BPF_JMP | BPF_CALL) && a->src_reg == BPF_PSEUDO_CALL)
		return same_name(callee(pa, ia), callee(pb, ib));
	if (!is_ld64(a))
		return a->off == b->off && a->imm == b->imm;
	*slots = 2;
	if (ia + 1 >= pa->cnt || ib + 1 >= pb->cnt)
		return false;
	switch (a->src_reg) {
	case BPF_PSEUDO_MAP_FD:
	case BPF_PSEUDO_MAP_VALUE:
		return same_name(map_name(&sides[0], (uint32_t)a->imm),
				 map_name(&sides[1], (uint32_t)b->imm)) &&
		       a[1].imm == b[1].imm;
	case BPF_PSEUDO_FUNC:
		return same_name(callee(pa, ia), callee(pb, ib));
	default: {
		uint64_t va = ((uint64_t)(uint32_t)a[1].imm << 32) | (uint32_t)a->imm;
		uint64_t vb = ((uint64_t)(uint32_t)b[1].imm << 32) | (uint32_t)b->imm;

		return va == vb || (kernel_addr(va) && kernel_addr(vb));
	}
	}
}

static int differ;

static void report_insn(const struct prog *pa, uint32_t ia, uint32_t ea, const struct prog *pb,
			uint32_t ib, uint32_t eb)
{
	char ta[256] = "(end of function)", tb[256] = "(end of function)";

	if (ia < ea)
		dis(&sides[0], pa, ia, ta, sizeof(ta));
	if (ib < eb)
		dis(&sides[1], pb, ib, tb, sizeof(tb));
	printf("different at prog %s insn %u: libbpf '%s' rawbpf '%s'\n", pa->pin, ia, ta, tb);
}

#define FIELD(what, x, y)                                                                      \
	do {                                                                                   \
		if ((x) != (y)) {                                                              \
			printf("different at prog %s: %s libbpf %llu rawbpf %llu\n", pa->pin,  \
			       what, (unsigned long long)(x), (unsigned long long)(y));        \
			return false;                                                          \
		}                                                                              \
	} while (0)

static bool prog_equal(const struct prog *pa, const struct prog *pb)
{
	const struct bpf_prog_info *a = &pa->info, *b = &pb->info;

	FIELD("type", a->type, b->type);
	FIELD("attach_btf_obj_id", a->attach_btf_obj_id, b->attach_btf_obj_id);
	FIELD("attach_btf_id", a->attach_btf_id, b->attach_btf_id);
	FIELD("gpl_compatible", a->gpl_compatible, b->gpl_compatible);
	FIELD("nr_func_info", a->nr_func_info, b->nr_func_info);
	FIELD("nr_line_info", a->nr_line_info, b->nr_line_info);
	FIELD("nr_map_ids", a->nr_map_ids, b->nr_map_ids);
	FIELD("xlated insns", pa->cnt, pb->cnt);
	for (uint32_t i = 0; i < pa->nfuncs; i++) {
		const struct func *fa = &pa->funcs[i];
		const struct func *fb = func_named(pb, fa->name);
		uint32_t k;
		int n;

		if (!fb) {
			printf("different at prog %s: function %s only in libbpf's\n", pa->pin,
			       fa->name);
			return false;
		}
		for (k = 0; fa->start + k < fa->end && fb->start + k < fb->end; k += n) {
			if (!insn_equal(pa, fa->start + k, pb, fb->start + k, &n)) {
				report_insn(pa, fa->start + k, fa->end, pb, fb->start + k, fb->end);
				return false;
			}
		}
		if (fa->end - fa->start != fb->end - fb->start) {
			report_insn(pa, fa->start + k, fa->end, pb, fb->start + k, fb->end);
			return false;
		}
	}
	return true;
}

#define MFIELD(what, x, y, fmt)                                                                \
	do {                                                                                   \
		if ((x) != (y)) {                                                              \
			printf("map-different %s: %s libbpf " fmt " rawbpf " fmt "\n", ma->name,  \
			       what, x, y);                                                    \
			return false;                                                          \
		}                                                                              \
	} while (0)

static bool map_equal(const struct map *ma, const struct map *mb)
{
	const struct bpf_map_info *a = &ma->info, *b = &mb->info;

	MFIELD("type", a->type, b->type, "%u");
	MFIELD("key_size", a->key_size, b->key_size, "%u");
	MFIELD("value_size", a->value_size, b->value_size, "%u");
	MFIELD("max_entries", a->max_entries, b->max_entries, "%u");
	MFIELD("flags", a->map_flags, b->map_flags, "0x%x");
	MFIELD("map_extra", (unsigned long long)a->map_extra, (unsigned long long)b->map_extra,
	       "%llu");
	if (strcmp(ma->key, mb->key) || strcmp(ma->val, mb->val)) {
		printf("map-different %s: btf key/value libbpf '%s'/'%s' rawbpf '%s'/'%s'\n",
		       ma->name, ma->key, ma->val, mb->key, mb->val);
		return false;
	}
	return true;
}

static const struct map *map_find(const struct side *s, const char *name)
{
	for (size_t i = 0; i < s->nmaps; i++)
		if (!strcmp(s->maps[i].name, name))
			return &s->maps[i];
	return NULL;
}

static const struct prog *prog_find(const struct side *s, const char *pin)
{
	for (size_t i = 0; i < s->nprogs; i++)
		if (!strcmp(s->progs[i].pin, pin))
			return &s->progs[i];
	return NULL;
}

int main(int argc, char **argv)
{
	struct side *A = &sides[0], *B = &sides[1];

	if (argc != 3) {
		fprintf(stderr, "usage: prog_diff LIBBPF_DIR RAWBPF_DIR\n");
		return 2;
	}
	side_load(A, "libbpf", argv[1]);
	side_load(B, "rawbpf", argv[2]);

	for (size_t i = 0; i < A->nprogs; i++) {
		const struct prog *pb = prog_find(B, A->progs[i].pin);

		if (!pb) {
			printf("only-libbpf %s\n", A->progs[i].pin);
			differ = 1;
		} else if (prog_equal(&A->progs[i], pb)) {
			printf("equal %s\n", A->progs[i].pin);
		} else {
			differ = 1;
		}
	}
	for (size_t i = 0; i < B->nprogs; i++)
		if (!prog_find(A, B->progs[i].pin))
			printf("only-rawbpf %s\n", B->progs[i].pin);

	/* Maps: only when libbpf loaded the object (otherwise its maps are gone). */
	if (A->nprogs || A->nmaps) {
		for (size_t i = 0; i < A->nmaps; i++) {
			const struct map *mb = map_find(B, A->maps[i].name);

			if (!mb) {
				printf("map-only-libbpf %s\n", A->maps[i].name);
				differ = 1;
			} else if (!map_equal(&A->maps[i], mb)) {
				differ = 1;
			}
		}
		for (size_t i = 0; i < B->nmaps; i++)
			if (!map_find(A, B->maps[i].name))
				printf("map-only-rawbpf %s\n", B->maps[i].name);
	}
	return differ;
}
