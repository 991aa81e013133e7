// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf load OBJ: open, prepare, load, attach, then stay in the foreground streaming
 * bpf_printk lines until Ctrl-C or --duration, detach and print the maps; or pin and exit.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/cli/attach_flags.h"
#include "loader/cli/cli.h"

#define MAX_PROGS 64
#define MAX_OVERRIDES 64
#define MAP_PRINT_LIMIT 64

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rawbpf load OBJ [--prog NAME]... [--keep-going] [--no-attach] [--pin DIR]\n"
		"                   [--pin-root DIR] [--duration SEC] [--map NAME.ATTR=N]...\n"
		"                   [--type PROG=TYPE] [--btf FILE] [--log-level N] [--log-file F]\n"
		"                   [--set VAR=VALUE]... [--print-limit N] [--event-type NAME]\n"
		"                   [--ctx HEX] [--freq HZ | --period NS] [--trace] [--json]\n"
		ATTACH_FLAGS_USAGE "\n"
		"Load the object's maps and programs, attach what its section names say, read its\n"
		"iterators and run its syscall programs once (--ctx: their argument), then show\n"
		"ring buffer and perf buffer records (decoded with --event-type NAME's struct, or\n"
		"the only struct of their size) and bpf_printk lines until Ctrl-C or --duration,\n"
		"then print the maps (typed with BTF, 64 entries each unless --print-limit N; 0: all);\n"
		"with --pin, pin everything under DIR (progs/, maps/, links/) and exit. --set\n"
		"VAR=VALUE sets a global variable (a const volatile knob in .rodata, or .data/.bss)\n"
		"before load. A program that is refused or cannot attach stops the run (exit 1);\n"
		"with --keep-going each is reported and the others run (exit 1 at the end).\n"
		"--json: JSON Lines, one compact document a line, flushed as written: the load\n"
		"report (\"type\":\"load\") first, then what the programs produce (\"type\": record,\n"
		"lost, printk, iter, run, summary), then one \"map\" line per map. Records are\n"
		"decoded as {\"struct\":NAME,\"fields\":{...}} (char arrays as strings, bitfields as\n"
		"numbers) or given as \"hex\". See docs/json-stream.md.\n");
}

static void print_trace(const struct rb_trace_event *ev, void *ctx)
{
	static const char *const kinds[] = { "stage", "syscall", "relo", "info" };

	(void)ctx;
	if (ev->kind == RB_TRACE_SYSCALL)
		fprintf(stderr, "[syscall] %s = %lld (%llu us) %s\n", ev->what, ev->result,
			(unsigned long long)(ev->duration_ns / 1000), ev->detail);
	else
		fprintf(stderr, "[%s] %s: %s\n", kinds[ev->kind & 3], ev->what, ev->detail);
}

static int parse_override(char *arg, struct rb_map_override *ov)
{
	char *dot = strchr(arg, '.'), *eq = strchr(arg, '='), *end;

	if (!dot || !eq || eq < dot || eq == dot + 1)
		return -1;
	*dot = '\0';
	*eq = '\0';
	ov->map = arg;
	ov->attr = dot + 1;
	errno = 0;
	ov->value = strtoull(eq + 1, &end, 0);
	return errno || *end || end == eq + 1 ? -1 : 0;
}

static void print_json(const char *path, struct rb_object *obj, struct rb_loaded *l,
		       const char *pin)
{
	struct json j;
	uint32_t btf_id;

	json_init(&j, stdout);
	j.pretty = false; /* the first line of the --json stream (load_json.c) */
	json_begin_object(&j, NULL);
	json_string(&j, "type", "load");
	json_string(&j, "object", path);
	if (rb_loaded_btf(l, &btf_id) >= 0)
		json_uint(&j, "btf_id", btf_id);
	else
		json_null(&j, "btf_id");
	json_begin_array(&j, "programs");
	for (size_t i = 0; i < rb_loaded_prog_count(l); i++) {
		struct rb_loaded_prog_info pi;
		struct rb_program_info info;
		struct rb_attach_result ar;

		rb_loaded_prog(l, i, &pi);
		rb_object_program(obj, pi.obj_prog, &info);
		rb_loaded_attach_result(l, i, &ar);
		json_begin_object(&j, NULL);
		json_string(&j, "name", pi.name);
		json_string(&j, "type", info.type);
		json_bool(&j, "loaded", pi.fd >= 0);
		json_uint(&j, "id", pi.id);
		json_string(&j, "tag", pi.fd >= 0 ? pi.tag : NULL);
		json_string(&j, "error", pi.err < 0 ? rb_errno_name(pi.err) : NULL);
		json_string(&j, "reason", pi.err < 0 ? pi.explain : NULL);
		json_string(&j, "attach_point", ar.target[0] ? ar.target : NULL);
		json_bool(&j, "attached", ar.attached);
		json_string(&j, "attach_error", ar.err < 0 ? ar.note : NULL);
		json_uint(&j, "link_id", ar.link_id);
		if (pin && pi.fd >= 0) {
			char p[4096];

			snprintf(p, sizeof(p), "%s/progs/%s", pin, pi.name);
			json_string(&j, "pin_path", p);
		}
		json_end_object(&j);
	}
	json_end_array(&j);
	json_begin_array(&j, "maps");
	for (size_t i = 0; i < rb_loaded_map_count(l); i++) {
		struct rb_loaded_map_info mi;
		struct rb_map_info info;

		rb_loaded_map(l, i, &mi);
		if (mi.fd < 0)
			continue;
		rb_object_map(obj, mi.obj_map, &info);
		json_begin_object(&j, NULL);
		json_string(&j, "name", mi.name);
		json_string(&j, "type", info.type);
		json_uint(&j, "id", mi.id);
		json_bool(&j, "reused", mi.reused);
		if (pin && !mi.reused) {
			char p[4096];

			snprintf(p, sizeof(p), "%s/maps/%s", pin, mi.name);
			for (char *c = p + strlen(pin) + 6; *c; c++)
				*c = *c == '.' || *c == '/' ? '_' : *c; /* as rb_loaded_pin names it */
			json_string(&j, "pin_path", p);
		} else {
			json_string(&j, "pin_path", mi.pin_path);
		}
		json_end_object(&j);
	}
	json_end_array(&j);
	json_begin_array(&j, "struct_ops");
	for (size_t i = 0; i < rb_loaded_struct_ops_count(l); i++) {
		struct rb_struct_ops_info so;

		rb_loaded_struct_ops(l, i, &so);
		json_begin_object(&j, NULL);
		json_string(&j, "map", so.map);
		json_string(&j, "type", so.type);
		json_string(&j, "name", so.name[0] ? so.name : NULL);
		json_bool(&j, "link", so.link);
		json_bool(&j, "registered", so.registered);
		json_string(&j, "note", so.note[0] ? so.note : NULL);
		json_uint(&j, "link_id", so.link_id);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
}

static void print_loaded(const char *path, struct rb_object *obj, struct rb_loaded *l,
			 bool attached_phase)
{
	uint32_t btf_id = 0;
	int btf = rb_loaded_btf(l, &btf_id);

	printf("loaded %s", path);
	if (btf >= 0)
		printf(" (BTF id %u)", btf_id);
	printf("\n");
	if (rb_loaded_btf_note(l)[0])
		printf("  note: %s\n", rb_loaded_btf_note(l));
	for (size_t i = 0; i < rb_loaded_prog_count(l); i++) {
		struct rb_loaded_prog_info pi;
		struct rb_program_info info;
		struct rb_attach_result ar;

		rb_loaded_prog(l, i, &pi);
		rb_object_program(obj, pi.obj_prog, &info);
		rb_loaded_attach_result(l, i, &ar);
		if (pi.err == 1) {
			printf("  program %-20s %-12s skipped\n", pi.name, info.type ? info.type : "?");
			continue;
		}
		if (pi.fd < 0) {
			printf("  program %-20s %-12s REFUSED (%s): %s\n", pi.name,
			       info.type ? info.type : "?", rb_errno_name(pi.err), pi.explain);
			if (pi.reason[0])
				printf("%s", pi.reason);
			continue;
		}
		printf("  program %-20s %-12s id %-6u tag %s", pi.name, info.type ? info.type : "?",
		       pi.id, pi.tag);
		if (attached_phase && ar.attached)
			printf("  attached: %s (%s)", ar.target, ar.note);
		else if (attached_phase && ar.err < 0)
			printf("  NOT ATTACHED (%s): %s", rb_errno_name(ar.err), ar.note);
		else if (attached_phase)
			printf("  %s", ar.note);
		printf("\n");
	}
	for (size_t i = 0; i < rb_loaded_map_count(l); i++) {
		struct rb_loaded_map_info mi;
		struct rb_map_info info;

		rb_loaded_map(l, i, &mi);
		if (mi.fd < 0)
			continue;
		rb_object_map(obj, mi.obj_map, &info);
		printf("  map     %-20s %-12s id %u%s\n", mi.name, info.type ? info.type : "?",
		       mi.id, mi.reused ? " (reused from its pin)" : "");
	}
	load_print_struct_ops(l);
}

static int write_logs(const char *file, struct rb_loaded *l)
{
	FILE *f = fopen(file, "w");

	if (!f) {
		cli_error("cannot write %s: %s", file, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < rb_loaded_prog_count(l); i++) {
		struct rb_loaded_prog_info pi;

		rb_loaded_prog(l, i, &pi);
		if (pi.log)
			fprintf(f, "==== program %s%s ====\n%s\n", pi.name,
				pi.log_truncated ? " (log truncated: its tail)" : "", pi.log);
	}
	fclose(f);
	return 0;
}

int cmd_load(int argc, char **argv)
{
	const char *path = NULL, *pin = NULL, *log_file = NULL, *btf = NULL;
	const char *progs[MAX_PROGS];
	struct rb_map_override ovs[MAX_OVERRIDES];
	struct rb_load_opts lo = { .sz = sizeof(lo) };
	struct rb_prepare_opts po = { .sz = sizeof(po) };
	const char *types[MAX_PROGS];
	char *sets[MAX_OVERRIDES];
	size_t nsets = 0;
	size_t nprogs = 0, novs = 0, ntypes = 0;
	bool no_attach = false, json = false;
	struct load_run_opts ro = { .stop = &stop };
	struct attach_flags af;
	double duration = -1;
	unsigned long print_limit = MAP_PRINT_LIMIT;
	struct rb_error e = { 0 };
	struct rb_object *obj = NULL;
	struct rb_prepared *pp = NULL;
	struct rb_loaded *l = NULL;
	struct rb_event_reader *events = NULL;
	struct rb_btf_cache *btf_cache = NULL;
	int rc = EXIT_INVALID, r;

	attach_flags_init(&af);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		int af_r = attach_flags_parse(&af, argc, argv, &i);

		if (af_r < 0)
			return EXIT_USAGE;
		if (af_r > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--prog") && has_val && nprogs < MAX_PROGS) {
			progs[nprogs++] = argv[++i];
		} else if (!strcmp(a, "--keep-going")) {
			lo.keep_going = true;
		} else if (!strcmp(a, "--no-attach")) {
			no_attach = true;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--trace")) {
			rb_set_trace(print_trace, NULL);
		} else if (!strcmp(a, "--pin") && has_val) {
			pin = argv[++i];
		} else if (!strcmp(a, "--pin-root") && has_val) {
			lo.pin_root = argv[++i];
		} else if (!strcmp(a, "--log-file") && has_val) {
			log_file = argv[++i];
		} else if (!strcmp(a, "--event-type") && has_val) {
			ro.event_type = argv[++i];
		} else if ((!strcmp(a, "--freq") || !strcmp(a, "--period")) && has_val) {
			if (load_parse_sampling(&af.opts, a, argv[++i]) < 0)
				return EXIT_USAGE;
		} else if (!strcmp(a, "--ctx") && has_val) {
			if (load_parse_ctx(&ro, argv[++i]) < 0)
				return EXIT_USAGE;
		} else if (!strcmp(a, "--btf") && has_val) {
			btf = argv[++i];
		} else if (!strcmp(a, "--type") && has_val && ntypes < MAX_PROGS) {
			types[ntypes++] = argv[++i];
		} else if (!strcmp(a, "--log-level") && has_val) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 0);

			if (*end || v > 15) {
				cli_error("load: --log-level takes a number (1, 2, 4 for stats...)");
				return EXIT_USAGE;
			}
			lo.log_level = (uint32_t)v;
		} else if (!strcmp(a, "--duration") && has_val) {
			char *end;

			duration = strtod(argv[++i], &end);
			if (*end || duration < 0) {
				cli_error("load: --duration takes a number of seconds (0: stop at once)");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--map") && has_val && novs < MAX_OVERRIDES) {
			if (parse_override(argv[++i], &ovs[novs]) < 0) {
				cli_error("load: --map wants NAME.ATTR=N (e.g. counts.max_entries=4096)");
				return EXIT_USAGE;
			}
			novs++;
		} else if (!strcmp(a, "--print-limit") && has_val) {
			char *end;

			print_limit = strtoul(argv[++i], &end, 10);
			if (*end || !*argv[i] || argv[i][0] == '-') {
				cli_error("load: --print-limit takes a number of entries (0: all)");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--set") && has_val && nsets < MAX_OVERRIDES) {
			if (!load_set_valid(argv[++i])) {
				cli_error("load: --set wants VAR=VALUE (e.g. target_pid=1234)");
				return EXIT_USAGE;
			}
			sets[nsets++] = argv[i];
		} else if (!strncmp(a, "--", 2)) {
			cli_error("load: unknown or incomplete option '%s'", a);
			usage(stderr);
			return EXIT_USAGE;
		} else if (!path) {
			path = a;
		} else {
			cli_error("load: one object at a time ('%s' and '%s')", path, a);
			return EXIT_USAGE;
		}
	}
	if (!path) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (nprogs) {
		lo.only_progs = progs;
		lo.only_prog_cnt = nprogs;
	}
	lo.overrides = ovs;
	lo.override_cnt = novs;
	lo.attach_targets = af.opts.targets; /* freplace targets are fixed at load */
	lo.attach_target_cnt = af.opts.target_cnt;
	po.btf_path = btf;
	if (rb_object_open(path, NULL, &obj, &e) < 0)
		goto fail;
	if (load_apply_sets(obj, sets, nsets, &e) < 0)
		goto fail;
	for (size_t i = 0; i < ntypes; i++)
		if (rb_object_set_prog_type(obj, types[i], &e) < 0)
			goto fail;
	if (rb_object_prepare(obj, &po, &pp, &e) < 0)
		goto fail;
	r = rb_object_load(obj, pp, &lo, &l, &e);
	if (r < 0)
		goto fail;
	if (log_file && write_logs(log_file, l) < 0)
		goto out;
	ro.duration = duration;
	ro.json = json;
	if (!no_attach && !pin && load_events_open(l, &ro, &events) != 0)
		goto out;
	if (!no_attach && rb_loaded_attach_opts(l, &af.opts, &e) < 0 && !lo.keep_going) {
		/* as a skeleton's attach: the first failure stops; the table says why for each */
		if (json)
			print_json(path, obj, l, NULL); /* the --json stream's only line */
		else
			print_loaded(path, obj, l, true);
		rb_loaded_detach(l);
		cli_error("%s (nothing was run; --keep-going runs the programs that did attach)",
			  e.msg);
		goto out;
	}
	if (pin) {
		if (rb_loaded_pin(l, pin, &e) < 0) {
			cli_error("%s", e.msg);
			goto out;
		}
	}
	if (json)
		print_json(path, obj, l, pin);
	else
		print_loaded(path, obj, l, !no_attach);
	rc = 0;
	if (!no_attach && load_attach_summary(l, lo.keep_going, json ? NULL : stdout) < 0)
		rc = EXIT_INVALID; /* --keep-going: some program could not attach */
	for (size_t i = 0; i < rb_loaded_prog_count(l); i++) {
		struct rb_loaded_prog_info pi;

		rb_loaded_prog(l, i, &pi);
		if (pi.err < 0)
			rc = EXIT_INVALID; /* --keep-going: some program was refused */
	}
	if (pin) {
		if (!json)
			printf("pinned under %s; `rawbpf unpin %s` removes them\n", pin, pin);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (!no_attach && load_run_once(l, &ro))
		rc = EXIT_INVALID;
	if (events && load_run_events(events, &ro))
		rc = EXIT_INVALID;
	events = NULL;
	rb_loaded_detach(l);
	for (size_t i = 0; i < rb_loaded_map_count(l); i++) {
		struct rb_loaded_map_info mi;

		rb_loaded_map(l, i, &mi);
		if (json)
			load_json_map(mi.name, mi.fd, print_limit ? print_limit : SIZE_MAX,
				      &btf_cache);
		else
			load_print_map(mi.name, mi.fd, print_limit ? print_limit : SIZE_MAX,
				       &btf_cache);
	}
	goto out;
fail:
	cli_error("%s", e.msg);
out:
	rb_event_reader_free(events);
	rb_btf_cache_free(btf_cache);
	rb_loaded_free(l);
	rb_prepared_free(pp);
	rb_object_close(obj);
	return rc;
}
