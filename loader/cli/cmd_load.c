// SPDX-License-Identifier: GPL-2.0-only
/*
 * rawbpf load OBJ: open, prepare, load, attach, then stay in the foreground streaming
 * bpf_printk lines until Ctrl-C or --duration, detach and print the maps; or pin and exit.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
		"                   [--trace] [--json]\n" ATTACH_FLAGS_USAGE "\n"
		"Load the object's maps and programs, attach what its section names say, then show\n"
		"bpf_printk output until Ctrl-C or --duration and print the maps; with --pin, pin\n"
		"everything under DIR (progs/, maps/, links/) and exit.\n");
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

/* Integers for 1/2/4/8-byte cells, a string for printable text, hex otherwise. */
static void print_cell(const unsigned char *p, size_t n)
{
	size_t i, text = 0;

	if (n == 1 || n == 2 || n == 4 || n == 8) {
		unsigned long long v = 0;

		memcpy(&v, p, n);
		printf("%llu", v);
		return;
	}
	while (text < n && p[text] >= 0x20 && p[text] < 0x7f)
		text++;
	if (text > 0) {
		for (i = text; i < n && !p[i]; i++)
			;
		if (i == n) {
			printf("\"%.*s\"", (int)text, (const char *)p);
			return;
		}
	}
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void print_map(const char *name, int fd)
{
	struct rb_map_fd_info mi;
	unsigned char *key, *next, *val;
	size_t shown = 0, vbytes;
	int r;

	if (fd < 0 || rb_map_fd_info(fd, &mi) < 0)
		return;
	if (mi.type == 27 /* ringbuf */ || mi.type == 4 /* perf event array */ || !mi.key_size) {
		printf("map %s: (%s, not listed)\n", name, rb_map_type_name(mi.type));
		return;
	}
	vbytes = rb_map_value_bytes(&mi);
	key = calloc(1, mi.key_size);
	next = calloc(1, mi.key_size);
	val = calloc(1, vbytes ? vbytes : 1);
	if (!key || !next || !val)
		goto out;
	printf("map %s (%s):\n", name, rb_map_type_name(mi.type) ? rb_map_type_name(mi.type) : "?");
	for (r = rb_map_next_key(fd, NULL, next); r == 0; r = rb_map_next_key(fd, key, next)) {
		memcpy(key, next, mi.key_size);
		if (rb_map_lookup(fd, key, val) < 0)
			continue;
		if (shown++ >= MAP_PRINT_LIMIT)
			continue;
		printf("  ");
		print_cell(key, mi.key_size);
		printf(" = ");
		print_cell(val, vbytes);
		printf("\n");
	}
	if (shown > MAP_PRINT_LIMIT)
		printf("  ... %zu entries in all\n", shown);
	else if (!shown)
		printf("  (empty)\n");
out:
	free(key);
	free(next);
	free(val);
}

static void print_json(const char *path, struct rb_object *obj, struct rb_loaded *l,
		       const char *pin)
{
	struct json j;
	uint32_t btf_id;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
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
			for (char *c = p + strlen(pin) + 6; *c; c++) /* as pinned: '.' -> '_' */
				*c = *c == '.' ? '_' : *c;
			json_string(&j, "pin_path", p);
		} else {
			json_string(&j, "pin_path", mi.pin_path);
		}
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

static void run(double duration, bool json)
{
	struct rb_error e = { 0 };
	struct rb_trace_pipe *tp = rb_trace_pipe_open(&e);
	struct timespec t0, now;
	char line[1024];

	if (!tp)
		cli_error("bpf_printk output will not be shown: %s", e.msg);
	if (!json) {
		if (duration > 0)
			printf("running for %g s (Ctrl-C to stop)\n", duration);
		else
			printf("running until Ctrl-C\n");
		fflush(stdout);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		int r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (duration > 0 &&
		    (double)(now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 >= duration)
			break;
		if (!tp) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };

			nanosleep(&ts, NULL);
			continue;
		}
		r = rb_trace_pipe_read(tp, line, sizeof(line), 100);
		if (r >= 0 && !json)
			printf("%s\n", line);
		fflush(stdout);
	}
	rb_trace_pipe_close(tp);
}

int cmd_load(int argc, char **argv)
{
	const char *path = NULL, *pin = NULL, *log_file = NULL, *btf = NULL;
	const char *progs[MAX_PROGS];
	struct rb_map_override ovs[MAX_OVERRIDES];
	struct rb_load_opts lo = { .sz = sizeof(lo) };
	struct rb_prepare_opts po = { .sz = sizeof(po) };
	const char *types[MAX_PROGS];
	size_t nprogs = 0, novs = 0, ntypes = 0;
	bool no_attach = false, json = false;
	struct attach_flags af;
	double duration = 0;
	struct rb_error e = { 0 };
	struct rb_object *obj = NULL;
	struct rb_prepared *pp = NULL;
	struct rb_loaded *l = NULL;
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
			if (*end || duration <= 0) {
				cli_error("load: --duration takes a positive number of seconds");
				return EXIT_USAGE;
			}
		} else if (!strcmp(a, "--map") && has_val && novs < MAX_OVERRIDES) {
			if (parse_override(argv[++i], &ovs[novs]) < 0) {
				cli_error("load: --map wants NAME.ATTR=N (e.g. counts.max_entries=4096)");
				return EXIT_USAGE;
			}
			novs++;
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
	po.btf_path = btf;
	if (rb_object_open(path, NULL, &obj, &e) < 0)
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
	if (!no_attach && rb_loaded_attach_opts(l, &af.opts, &e) < 0) {
		cli_error("%s", e.msg);
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
	if (!no_attach)
		run(duration, json);
	rb_loaded_detach(l);
	if (!json)
		for (size_t i = 0; i < rb_loaded_map_count(l); i++) {
			struct rb_loaded_map_info mi;

			rb_loaded_map(l, i, &mi);
			print_map(mi.name, mi.fd);
		}
	goto out;
fail:
	cli_error("%s", e.msg);
out:
	rb_loaded_free(l);
	rb_prepared_free(pp);
	rb_object_close(obj);
	return rc;
}
