// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf relo OBJ [--prog NAME] [--btf FILE] [--module-btf DIR] [--kconfig FILE] [--json]
 * The dry run of prepare: externs and what they resolved to, every relocation of every
 * program in order with the instruction before and after, then each linked program's layout.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "loader/cli/cli.h"

struct relo_view {
	const struct rb_object *obj;
	const struct rb_prepared *pp;
	const struct rb_linked_prog *lp;
};

/* Map names for pseudo map fd / map value, callee names for calls and callbacks. */
static const char *map_name(const struct relo_view *v, int32_t idx)
{
	struct rb_map_info mi;

	if (idx < 0 || rb_object_map(v->obj, (size_t)idx, &mi))
		return "?";
	return mi.name;
}

static const char *callee_at(const struct relo_view *v, int64_t at)
{
	for (uint32_t f = 0; v->lp && f < v->lp->func_cnt; f++)
		if (v->lp->funcs[f].start == at)
			return v->lp->funcs[f].name;
	return NULL;
}

static const char *kfunc_name(const struct relo_view *v, int32_t btf_id)
{
	char want[32];

	snprintf(want, sizeof(want), "FUNC [%d]", btf_id);
	for (size_t i = 0; i < rb_prepared_extern_count(v->pp); i++) {
		const struct rb_extern_resolution *r = rb_prepared_extern(v->pp, i);

		if (r->resolved && !strcmp(r->value, want))
			return r->name;
	}
	return NULL;
}

struct dis_ctx {
	const struct relo_view *v;
	int64_t at; /* linked-program index of the instruction shown (calls: target = at+imm+1) */
};

static const char *imm_cb(void *ctx, const struct bpf_insn *insn, size_t idx, uint64_t value,
			  char *buf, size_t len)
{
	const struct dis_ctx *d = ctx;
	const char *n;

	(void)idx;
	switch (insn->src_reg) {
	case BPF_PSEUDO_MAP_FD:
		snprintf(buf, len, "map[%s]", map_name(d->v, insn->imm));
		return buf;
	case BPF_PSEUDO_MAP_VALUE:
		snprintf(buf, len, "map[%s]+%d", map_name(d->v, insn->imm), insn[1].imm);
		return buf;
	case BPF_PSEUDO_BTF_ID:
		snprintf(buf, len, "btf_id[%d]", insn->imm);
		return buf;
	case BPF_PSEUDO_FUNC:
		n = d->at >= 0 ? callee_at(d->v, d->at + insn->imm + 1) : NULL;
		snprintf(buf, len, "func[%+d%s%s]", insn->imm, n ? "#" : "", n ? n : "");
		return buf;
	}
	(void)value;
	return NULL;
}

static const char *call_cb(void *ctx, const struct bpf_insn *insn, size_t idx, char *buf,
			   size_t len)
{
	const struct dis_ctx *d = ctx;
	const char *n;

	(void)idx;
	if (insn->src_reg == BPF_PSEUDO_CALL) {
		n = d->at >= 0 ? callee_at(d->v, d->at + insn->imm + 1) : NULL;
		snprintf(buf, len, "%+d%s%s", insn->imm, n ? "#" : "", n ? n : "");
		return buf;
	}
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL) {
		/* the disassembler adds "#<btf id>" */
		n = kfunc_name(d->v, insn->imm);
		if (!n)
			return NULL;
		snprintf(buf, len, "%s", n);
		return buf;
	}
	return NULL;
}

/* One instruction (1 or 2 slots) in verifier syntax; at < 0: no callee names. */
static void dis(const struct relo_view *v, const struct bpf_insn *insns, uint32_t width, int64_t at,
		char *buf, size_t len)
{
	struct dis_ctx d = {v, at};
	struct rb_disasm_cbs cbs = {call_cb, imm_cb, &d};
	struct rb_error err = {0};

	if (rb_disasm_insn(insns, width, 0, &cbs, buf, len, &err) < 0)
		snprintf(buf, len, "(%02x) <%.100s>", insns[0].code, err.msg);
}

static void print_externs(const struct relo_view *v)
{
	size_t n = rb_prepared_extern_count(v->pp);

	if (!n)
		return;
	printf("externs:\n");
	for (size_t i = 0; i < n; i++) {
		const struct rb_extern_resolution *r = rb_prepared_extern(v->pp, i);

		printf("  %-28s %-10s %-6s %-26s %s\n", r->name, r->kind, r->weak ? "weak" : "",
		       r->value, r->source ? r->source : "");
	}
	printf("\n");
}

/* A multi-line explanation (CO-RE candidates), indented under its relocation. */
static void print_detail(const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);
		size_t lead = strspn(text, " ");

		if (n > lead)
			printf("          %.*s\n", (int)(n - lead), text + lead);
		text += n + (nl ? 1 : 0);
	}
}

static void print_prog(const struct relo_view *v)
{
	const struct rb_linked_prog *lp = v->lp;
	char before[160], after[160];

	printf("program %s (%s): %u insns, %u relocations\n", lp->name, lp->funcs[0].sec_name,
	       lp->insn_cnt, lp->decision_cnt);
	for (uint32_t k = 0; k < lp->decision_cnt; k++) {
		const struct rb_relo_decision *d = &lp->decisions[k];
		const struct rb_linked_func *f = &lp->funcs[d->func];

		/* before: as compiled, at its place in its function (no callee known yet) */
		dis(v, d->before, d->width, -1, before, sizeof(before));
		dis(v, d->after, d->width, d->insn, after, sizeof(after));
		printf("  %4u  %-12s %-24s -> %s\n", d->insn, rb_decision_kind_name(d->kind),
		       d->sym[0] ? d->sym : "-", d->target);
		printf("        %s:%u (%s+%" PRIu64 ")  %s\n", f->name, d->func_insn, f->sec_name,
		       ((uint64_t)f->sec_insn_off + d->func_insn) * 8, d->reason);
		if (d->detail)
			print_detail(d->detail);
		printf("        - %s\n        + %s\n", before, after);
	}
	printf("  layout:\n");
	for (uint32_t f = 0; f < lp->func_cnt; f++)
		printf("    %5u  %-28s %s+%" PRIu64 ", %u insns\n", lp->funcs[f].start,
		       lp->funcs[f].name, lp->funcs[f].sec_name,
		       (uint64_t)lp->funcs[f].sec_insn_off * 8, lp->funcs[f].insn_cnt);
	printf("  func_info: %u records, line_info: %u records\n\n", lp->func_info_cnt,
	       lp->line_info_cnt);
}

static void json_prog(struct json *j, const struct relo_view *v)
{
	const struct rb_linked_prog *lp = v->lp;
	char buf[160];

	json_begin_object(j, NULL);
	json_string(j, "name", lp->name);
	json_string(j, "section", lp->funcs[0].sec_name);
	json_uint(j, "insns", lp->insn_cnt);
	json_begin_array(j, "relocations");
	for (uint32_t k = 0; k < lp->decision_cnt; k++) {
		const struct rb_relo_decision *d = &lp->decisions[k];

		json_begin_object(j, NULL);
		json_uint(j, "insn", d->insn);
		json_string(j, "kind", rb_decision_kind_name(d->kind));
		json_string(j, "symbol", d->sym);
		json_string(j, "target", d->target);
		json_string(j, "reason", d->reason);
		if (d->detail)
			json_string(j, "detail", d->detail);
		json_string(j, "function", lp->funcs[d->func].name);
		json_uint(j, "function_insn", d->func_insn);
		dis(v, d->before, d->width, -1, buf, sizeof(buf));
		json_string(j, "before", buf);
		dis(v, d->after, d->width, d->insn, buf, sizeof(buf));
		json_string(j, "after", buf);
		json_end_object(j);
	}
	json_end_array(j);
	json_begin_array(j, "layout");
	for (uint32_t f = 0; f < lp->func_cnt; f++) {
		json_begin_object(j, NULL);
		json_string(j, "name", lp->funcs[f].name);
		json_string(j, "section", lp->funcs[f].sec_name);
		json_uint(j, "section_offset", (uint64_t)lp->funcs[f].sec_insn_off * 8);
		json_uint(j, "start", lp->funcs[f].start);
		json_uint(j, "insns", lp->funcs[f].insn_cnt);
		json_end_object(j);
	}
	json_end_array(j);
	json_uint(j, "func_info", lp->func_info_cnt);
	json_uint(j, "line_info", lp->line_info_cnt);
	json_end_object(j);
}

static void relo_usage(FILE *f)
{
	fprintf(f, "usage: rawbpf relo OBJ [--prog NAME] [--btf FILE] [--module-btf DIR] "
		   "[--kconfig FILE] [--json]\n"
		   "  dry run of prepare: every relocation with its instruction before and after,\n"
		   "  then each linked program's layout (main program, appended subprograms)\n"
		   "  --prog NAME     only this program\n"
		   "  --btf FILE      target BTF for ksyms/kfuncs/CO-RE (default the running "
		   "kernel's)\n"
		   "  --module-btf DIR  CO-RE also searches the module BTFs in DIR (split on the\n"
		   "                  target; default /sys/kernel/btf without --btf, else none)\n"
		   "  --kconfig FILE  kernel config for .kconfig externs (default /boot/config-*,\n"
		   "                  /proc/config.gz)\n"
		   "  --json          the same as data\n");
}

int cmd_relo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prog", required_argument, NULL, 'p'},	   {"btf", required_argument, NULL, 'b'},
		{"kconfig", required_argument, NULL, 'k'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{"module-btf", required_argument, NULL, 'm'},
		{0},
	};
	struct rb_prepare_opts popts = {.sz = sizeof(popts)};
	const char *prog = NULL, *path;
	struct rb_error err = {0};
	struct rb_prepared *pp = NULL;
	struct rb_object *obj = NULL;
	struct relo_view v = {0};
	bool json = false, found = false;
	struct json j;
	int c, ret = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:b:k:m:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			prog = optarg;
			break;
		case 'b':
			popts.btf_path = optarg;
			break;
		case 'k':
			popts.kconfig_path = optarg;
			break;
		case 'm':
			popts.module_btf_dir = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			relo_usage(stdout);
			return 0;
		default:
			relo_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		relo_usage(stderr);
		return EXIT_USAGE;
	}
	path = argv[optind];
	if (rb_object_open(path, NULL, &obj, &err) || rb_object_prepare(obj, &popts, &pp, &err)) {
		cli_error("%s", err.msg);
		rb_object_close(obj);
		return EXIT_INVALID;
	}
	v.obj = obj;
	v.pp = pp;
	if (json) {
		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_string(&j, "object", path);
		json_uint(&j, "core_pending", rb_prepared_core_pending(pp));
		json_begin_array(&j, "externs");
		for (size_t i = 0; i < rb_prepared_extern_count(pp); i++) {
			const struct rb_extern_resolution *r = rb_prepared_extern(pp, i);

			json_begin_object(&j, NULL);
			json_string(&j, "name", r->name);
			json_string(&j, "kind", r->kind);
			json_bool(&j, "weak", r->weak);
			json_bool(&j, "resolved", r->resolved);
			json_string(&j, "value", r->value);
			json_string(&j, "source", r->source);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_begin_array(&j, "programs");
	} else {
		print_externs(&v);
		if (rb_prepared_core_pending(pp))
			printf("CO-RE relocations not applied (no target BTF): %zu records "
			       "(core_pending)"
			       "\n\n",
			       rb_prepared_core_pending(pp));
	}
	for (size_t i = 0; i < rb_prepared_prog_count(pp); i++) {
		v.lp = rb_prepared_prog(pp, i, NULL);
		if (prog && strcmp(prog, v.lp->name))
			continue;
		found = true;
		if (json)
			json_prog(&j, &v);
		else
			print_prog(&v);
	}
	if (json) {
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	}
	if (prog && !found) {
		cli_error("%s: no program '%s' (subprograms are shown inside the programs that "
			  "call them)",
			  path, prog);
		ret = EXIT_INVALID;
	}
	rb_prepared_free(pp);
	rb_object_close(obj);
	return ret;
}
