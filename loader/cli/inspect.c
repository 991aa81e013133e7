// SPDX-License-Identifier: GPL-2.0-only
/* rawbpf inspect OBJ [--json]: what an object contains, before anything is loaded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/cli.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: rawbpf inspect OBJ [--json]\n"
		   "       rawbpf inspect --section-rules\n"
		   "Show an object's sections, programs (type, attach target, instructions),\n"
		   "maps, global variables, externs, BTF and relocation summary.\n"
		   "--section-rules lists the known program section names.\n");
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

static const char *or_dash(const char *s)
{
	return s && s[0] ? s : "-";
}

static void flags_str(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, flags ? "0x%x" : "0", flags);
}

static void subprog_list(const struct rb_object *obj, size_t i, char *buf, size_t len)
{
	size_t idx[64], n = rb_object_program_subprogs(obj, i, idx, 64), off = 0;
	struct rb_program_info sp;

	buf[0] = '\0';
	for (size_t k = 0; k < n && k < 64; k++) {
		rb_object_program(obj, idx[k], &sp);
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", k ? "," : "",
				sp.name);
		if (off >= len)
			break;
	}
}

static void print_text(const struct rb_object *obj)
{
	struct rb_object_info oi;
	struct rb_program_info pi;
	struct rb_map_info mi;
	struct rb_section_info si;
	size_t n;
	int w1, w2, w3, w4, wk;
	char buf[512];
	bool any;

	rb_object_info(obj, &oi);
	printf("object    %s (name '%s'), %s-endian%s\n", oi.path, oi.name,
	       oi.big_endian ? "big" : "little",
	       oi.big_endian ? " (inspect only: this host cannot load it)" : "");
	printf("license   %s\n", oi.license[0] ? oi.license : "(none)");
	if (oi.has_version)
		printf("version   0x%x\n", oi.kern_version);
	if (oi.has_btf)
		printf("btf       %u types, %zu bytes\n", oi.btf_type_cnt, oi.btf_size);
	else
		printf("btf       none (built without -g: no BTF maps, CO-RE or source lines)\n");
	if (oi.has_btf_ext)
		printf("btf.ext   %zu func_info, %zu line_info, %zu CO-RE relocations\n",
		       oi.func_info_cnt, oi.line_info_cnt, oi.core_relo_cnt);

	n = rb_object_section_count(obj);
	w1 = 4;
	for (size_t i = 1; i < n; i++) {
		rb_object_section(obj, i, &si);
		w1 = max_int(w1, strlen(si.name));
	}
	printf("\nsections:\n  %4s  %-*s  %-12s %10s  %-12s %s\n", "idx", w1, "name", "type", "size",
	       "role", "relocations");
	for (size_t i = 1; i < n; i++) {
		rb_object_section(obj, i, &si);
		printf("  [%2zu]  %-*s  %-12s %10llu  %-12s", i, w1, si.name, si.type,
		       (unsigned long long)si.size, si.role);
		if (si.relocates >= 0)
			printf(" patches [%d], %zu", si.relocates, si.reloc_cnt);
		else if (si.reloc_cnt)
			printf(" %zu", si.reloc_cnt);
		putchar('\n');
	}

	n = rb_object_program_count(obj);
	w1 = 4, w2 = 7, w3 = 4, w4 = 11;
	for (size_t i = 0; i < n; i++) {
		rb_object_program(obj, i, &pi);
		w1 = max_int(w1, strlen(pi.name));
		w2 = max_int(w2, strlen(pi.section));
		w3 = max_int(w3, strlen(or_dash(pi.type)));
		w4 = max_int(w4, strlen(or_dash(pi.attach_type)));
	}
	for (int sub = 0; sub < 2; sub++) {
		any = false;
		for (size_t i = 0; i < n; i++) {
			rb_object_program(obj, i, &pi);
			if (pi.subprog != sub)
				continue;
			if (!any && sub)
				printf("\nsubprograms:\n  %-*s  %-*s  %6s\n", w1, "name", w2,
				       "section", "insns");
			else if (!any)
				printf("\nprograms:\n  %-*s  %-*s  %-*s  %-*s  %6s  %s\n", w1, "name",
				       w2, "section", w3, "type", w4, "attach_type", "insns", "target");
			any = true;
			if (sub) {
				printf("  %-*s  %-*s  %6zu\n", w1, pi.name, w2, pi.section,
				       pi.insn_cnt);
				continue;
			}
			printf("  %-*s  %-*s  %-*s  %-*s  %6zu  %s", w1, pi.name, w2, pi.section, w3,
			       or_dash(pi.type), w4, or_dash(pi.attach_type), pi.insn_cnt,
			       or_dash(pi.attach_target));
			if (pi.attach_btf_name)
				printf(" (BTF '%s')", pi.attach_btf_name);
			subprog_list(obj, i, buf, sizeof(buf));
			if (buf[0])
				printf("  calls %s", buf);
			if (!pi.autoload)
				printf("  [no autoload]");
			if (pi.is_static)
				printf("  [static]");
			if (!pi.type) {
				struct rb_error e = { 0 };

				rb_object_program_check_type(obj, i, &e);
				printf("\n      %s", e.msg);
			}
			if (pi.attach_error)
				printf("\n      %s", pi.attach_error);
			putchar('\n');
		}
	}

	n = rb_object_map_count(obj);
	if (n) {
		w1 = 4, w2 = 4, w3 = 3, w4 = 5, wk = 7;
		for (size_t i = 0; i < n; i++) {
			rb_object_map(obj, i, &mi);
			w1 = max_int(w1, strlen(mi.name));
			wk = max_int(wk, strlen(mi.kind));
			w2 = max_int(w2, strlen(or_dash(mi.type)));
			w3 = max_int(w3, strlen(or_dash(mi.key_type)));
			w4 = max_int(w4, strlen(or_dash(mi.value_type)));
		}
		printf("\nmaps:\n  %-*s  %-*s %-*s %5s %-*s %6s %-*s %11s  %-6s %s\n", w1, "name",
		       wk, "kind", w2, "type", "key", w3, "", "value", w4, "", "max_entries", "flags",
		       "notes");
		for (size_t i = 0; i < n; i++) {
			rb_object_map(obj, i, &mi);
			flags_str(mi.map_flags, buf, sizeof(buf));
			printf("  %-*s  %-*s %-*s %5u %-*s %6u %-*s %11u  %-6s", w1, mi.name, wk, mi.kind,
			       w2, or_dash(mi.type), mi.key_size, w3, or_dash(mi.key_type),
			       mi.value_size, w4, or_dash(mi.value_type), mi.max_entries, buf);
			if (strcmp(mi.name, mi.real_name))
				printf(" from %s", mi.real_name);
			if (mi.pinning)
				printf(" pinned by name");
			if (mi.map_extra)
				printf(" map_extra 0x%llx", (unsigned long long)mi.map_extra);
			if (mi.numa_node)
				printf(" numa_node %u", mi.numa_node);
			if (mi.has_inner) {
				struct rb_map_info in;

				rb_object_map_inner(obj, i, &in);
				printf(" inner %s key %u value %u max_entries %u", or_dash(in.type),
				       in.key_size, in.value_size, in.max_entries);
			}
			for (size_t s = 0; s < mi.init_slot_cnt; s++) {
				uint32_t key;
				const char *t;

				rb_object_map_slot(obj, i, s, &key, &t);
				printf(" [%u]=%s", key, or_dash(t));
			}
			for (size_t s = 0;; s++) {
				const char *mem, *prog;

				if (rb_object_struct_ops_member(obj, i, s, &mem, &prog) < 0)
					break;
				printf(" .%s=%s", mem, prog);
			}
			putchar('\n');
		}
	}

	n = rb_object_var_count(obj);
	if (n) {
		struct rb_var_info vi;

		w1 = 7, w2 = 4;
		for (size_t i = 0; i < n; i++) {
			rb_object_var(obj, i, &vi);
			w1 = max_int(w1, strlen(vi.section));
			w2 = max_int(w2, strlen(vi.name));
		}
		printf("\nglobals:\n  %-*s  %-*s  %6s  %5s  %s\n", w1, "section", w2, "name", "offset",
		       "size", "type");
		for (size_t i = 0; i < n; i++) {
			rb_object_var(obj, i, &vi);
			printf("  %-*s  %-*s  %6u  %5u  %s%s\n", w1, vi.section, w2, vi.name, vi.offset,
			       vi.size, or_dash(vi.type), vi.is_static ? "  [static]" : "");
		}
	}

	n = rb_object_extern_count(obj);
	if (n) {
		struct rb_extern_info ei;

		printf("\nexterns:\n");
		for (size_t i = 0; i < n; i++) {
			rb_object_extern(obj, i, &ei);
			printf("  %-8s %s%s%s%s\n", ei.kind, ei.name, ei.weak ? "  [weak]" : "",
			       ei.type ? "  " : "", ei.type ? ei.type : "");
		}
	}

	printf("\nrelocations:");
	any = false;
	for (int k = 0; k < RB_RELO_KIND_NR; k++) {
		if (!oi.relo_cnt[k])
			continue;
		printf("%s %s %zu", any ? "," : "", rb_relo_kind_name(k), oi.relo_cnt[k]);
		any = true;
	}
	printf("%s\n", any ? "" : " none");
}

static void json_map(struct json *j, const struct rb_map_info *mi)
{
	json_string(j, "name", mi->name);
	json_string(j, "real_name", mi->real_name);
	json_string(j, "kind", mi->kind);
	json_string(j, "section", mi->section);
	json_string(j, "type", mi->type);
	json_uint(j, "type_id", mi->type_id);
	json_uint(j, "key_size", mi->key_size);
	json_uint(j, "value_size", mi->value_size);
	json_uint(j, "max_entries", mi->max_entries);
	json_uint(j, "flags", mi->map_flags);
	json_string(j, "key_type", mi->key_type);
	json_string(j, "value_type", mi->value_type);
	json_uint(j, "numa_node", mi->numa_node);
	json_string(j, "pinning", mi->pinning ? "by_name" : "none");
	json_uint(j, "map_extra", mi->map_extra);
}

static void print_json(const struct rb_object *obj)
{
	struct rb_object_info oi;
	struct rb_section_info si;
	struct rb_program_info pi;
	struct rb_map_info mi;
	struct json j;
	size_t n;

	rb_object_info(obj, &oi);
	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "path", oi.path);
	json_string(&j, "name", oi.name);
	json_string(&j, "endianness", oi.big_endian ? "big" : "little");
	json_string(&j, "license", oi.license);
	if (oi.has_version)
		json_uint(&j, "version", oi.kern_version);
	else
		json_null(&j, "version");

	json_begin_object(&j, "btf");
	json_bool(&j, "present", oi.has_btf);
	json_uint(&j, "types", oi.btf_type_cnt);
	json_uint(&j, "size", oi.btf_size);
	json_bool(&j, "ext", oi.has_btf_ext);
	json_uint(&j, "func_info", oi.func_info_cnt);
	json_uint(&j, "line_info", oi.line_info_cnt);
	json_uint(&j, "core_relos", oi.core_relo_cnt);
	json_end_object(&j);

	json_begin_array(&j, "sections");
	n = rb_object_section_count(obj);
	for (size_t i = 1; i < n; i++) {
		rb_object_section(obj, i, &si);
		json_begin_object(&j, NULL);
		json_uint(&j, "index", si.index);
		json_string(&j, "name", si.name);
		json_string(&j, "type", si.type);
		json_uint(&j, "size", si.size);
		json_uint(&j, "flags", si.flags);
		json_string(&j, "role", si.role);
		if (si.relocates >= 0)
			json_int(&j, "relocates", si.relocates);
		json_uint(&j, "relocations", si.reloc_cnt);
		json_end_object(&j);
	}
	json_end_array(&j);

	json_begin_array(&j, "programs");
	n = rb_object_program_count(obj);
	for (size_t i = 0; i < n; i++) {
		size_t idx[256], sc;
		struct rb_error e = { 0 };

		rb_object_program(obj, i, &pi);
		json_begin_object(&j, NULL);
		json_string(&j, "name", pi.name);
		json_string(&j, "section", pi.section);
		json_bool(&j, "subprog", pi.subprog);
		json_string(&j, "type", pi.type);
		json_string(&j, "attach_type", pi.attach_type);
		json_string(&j, "attach_target", pi.attach_target[0] ? pi.attach_target : NULL);
		json_string(&j, "attach_btf_name", pi.attach_btf_name);
		json_uint(&j, "insns", pi.insn_cnt);
		json_uint(&j, "offset", pi.section_offset);
		json_bool(&j, "autoload", pi.autoload);
		json_bool(&j, "static", pi.is_static);
		json_bool(&j, "sleepable", pi.sleepable);
		json_uint(&j, "func_info", pi.func_info_cnt);
		json_uint(&j, "line_info", pi.line_info_cnt);
		json_begin_array(&j, "subprogs");
		sc = rb_object_program_subprogs(obj, i, idx, 256);
		for (size_t k = 0; k < sc && k < 256; k++) {
			struct rb_program_info sp;

			rb_object_program(obj, idx[k], &sp);
			json_string(&j, NULL, sp.name);
		}
		json_end_array(&j);
		json_begin_object(&j, "relocations");
		for (int k = 0; k < RB_RELO_KIND_NR; k++)
			if (pi.relo_cnt[k])
				json_uint(&j, rb_relo_kind_name(k), pi.relo_cnt[k]);
		json_end_object(&j);
		if (!pi.subprog && rb_object_program_check_type(obj, i, &e))
			json_string(&j, "error", e.msg);
		else
			json_null(&j, "error");
		json_string(&j, "attach_error", pi.attach_error);
		json_end_object(&j);
	}
	json_end_array(&j);

	json_begin_array(&j, "maps");
	n = rb_object_map_count(obj);
	for (size_t i = 0; i < n; i++) {
		rb_object_map(obj, i, &mi);
		json_begin_object(&j, NULL);
		json_map(&j, &mi);
		if (mi.has_inner) {
			struct rb_map_info in;

			rb_object_map_inner(obj, i, &in);
			json_begin_object(&j, "inner");
			json_map(&j, &in);
			json_end_object(&j);
		} else {
			json_null(&j, "inner");
		}
		json_begin_array(&j, "init_slots");
		for (size_t s = 0; s < mi.init_slot_cnt; s++) {
			uint32_t key;
			const char *t;

			rb_object_map_slot(obj, i, s, &key, &t);
			json_begin_object(&j, NULL);
			json_uint(&j, "index", key);
			json_string(&j, "target", t);
			json_end_object(&j);
		}
		json_end_array(&j);
		if (!strcmp(mi.kind, "struct_ops")) {
			json_begin_array(&j, "struct_ops_members");
			for (size_t s = 0;; s++) {
				const char *mem, *prog;

				if (rb_object_struct_ops_member(obj, i, s, &mem, &prog) < 0)
					break;
				json_begin_object(&j, NULL);
				json_string(&j, "member", mem);
				json_string(&j, "program", prog);
				json_end_object(&j);
			}
			json_end_array(&j);
		}
		json_uint(&j, "data_size", mi.data_size);
		json_end_object(&j);
	}
	json_end_array(&j);

	json_begin_array(&j, "globals");
	n = rb_object_var_count(obj);
	for (size_t i = 0; i < n; i++) {
		struct rb_var_info vi;

		rb_object_var(obj, i, &vi);
		json_begin_object(&j, NULL);
		json_string(&j, "name", vi.name);
		json_string(&j, "section", vi.section);
		json_string(&j, "map", vi.map);
		json_uint(&j, "offset", vi.offset);
		json_uint(&j, "size", vi.size);
		json_string(&j, "type", vi.type);
		json_bool(&j, "static", vi.is_static);
		json_end_object(&j);
	}
	json_end_array(&j);

	json_begin_array(&j, "externs");
	n = rb_object_extern_count(obj);
	for (size_t i = 0; i < n; i++) {
		struct rb_extern_info ei;

		rb_object_extern(obj, i, &ei);
		json_begin_object(&j, NULL);
		json_string(&j, "name", ei.name);
		json_string(&j, "kind", ei.kind);
		json_bool(&j, "weak", ei.weak);
		json_bool(&j, "typed", ei.typed);
		json_string(&j, "type", ei.type);
		json_end_object(&j);
	}
	json_end_array(&j);

	json_begin_object(&j, "relocations");
	for (int k = 0; k < RB_RELO_KIND_NR; k++)
		json_uint(&j, rb_relo_kind_name(k), oi.relo_cnt[k]);
	json_end_object(&j);
	json_end_object(&j);
	json_finish(&j);
}

static void print_rules(void)
{
	const char *sec, *pt, *at;

	printf("%-24s %-24s %s\n", "section", "program type", "expected attach type");
	for (size_t i = 0; (sec = rb_section_rule(i, &pt, &at)); i++)
		printf("%-24s %-24s %s\n", sec, or_dash(pt), or_dash(at));
	printf("\n'x+' matches 'x' and 'x/...'; a leading '?' turns autoload off.\n");
}

int cmd_inspect(int argc, char **argv)
{
	struct rb_object *obj;
	struct rb_error err = { 0 };
	const char *path = NULL;
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--section-rules")) {
			print_rules();
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || path) {
			cli_error("inspect: unexpected argument '%s'", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (rb_object_open(path, NULL, &obj, &err)) {
		cli_error("%s", err.msg);
		return EXIT_INVALID;
	}
	if (json)
		print_json(obj);
	else
		print_text(obj);
	rb_object_close(obj);
	return 0;
}
