/* SPDX-License-Identifier: GPL-2.0-only */
/* The rawbpf command: shared pieces of the subcommands (one file each). */
#ifndef RB_CLI_H
#define RB_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rawbpf.h"

/* Exit statuses (DESIGN.md): 0 ok, 1 invalid input or kernel refusal, 2 usage. */
#define EXIT_INVALID 1
#define EXIT_USAGE 2

/* Each subcommand: argv[0] is the subcommand name. Returns the exit status. */
int cmd_inspect(int argc, char **argv);
int cmd_disasm(int argc, char **argv);
int cmd_btf(int argc, char **argv);
int cmd_relo(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_unpin(int argc, char **argv);
int cmd_probe(int argc, char **argv);

/*
 * (verify helper) Printed by `load` before the first bpf_printk line: trace_pipe cannot tell
 * which program printed a line (it names the task that ran it), so nothing is filtered.
 */
#define LOAD_PRINTK_HEADER                                                                   \
	"bpf_printk lines (system-wide: trace_pipe holds every BPF program's output, not only " \
	"this object's; each line names the task that ran the program):"

/* load's run stage (rb2-output: loader/cli/load_events.c) */
struct load_run_opts {
	double duration;	       /* seconds; <= 0: until *stop */
	bool json;		       /* print nothing while running */
	const char *event_type;	       /* --event-type */
	volatile sig_atomic_t *stop;   /* set by SIGINT/SIGTERM */
	const unsigned char *ctx;      /* --ctx for syscall programs */
	size_t ctx_len;
	bool once_only;		       /* every loaded program ran once: no loop */
};
/*
 * The readers of the object's ring buffers, perf buffers and bpf_printk lines, opened
 * before attach so that nothing the programs produce is missed and an unknown --event-type
 * stops the run before anything is attached (an exit status; said why on failure).
 */
struct rb_event_reader;
int load_events_open(const struct rb_loaded *l, const struct load_run_opts *o,
		     struct rb_event_reader **out);
/* Stream records and printk lines (duration < 0: until stopped, 0: what is there), then
 * free the reader; returns an exit status. */
int load_run_events(struct rb_event_reader *r, const struct load_run_opts *o);
/* Read iterators, run syscall programs; sets once_only; returns an exit status. */
int load_run_once(const struct rb_loaded *l, struct load_run_opts *o);
/* --freq HZ or --period NS for perf_event programs; -1 (said why) when malformed. */
int load_parse_sampling(struct rb_attach_opts *ao, const char *flag, const char *v);
/* --ctx HEX into o; -1 (said why) when malformed. */
int load_parse_ctx(struct load_run_opts *o, const char *hex);

/* Print "rawbpf: <msg>" to stderr (the library's sentence, or a usage problem). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Colour on a terminal, never with NO_COLOR set. */
bool cli_color(FILE *f);

/* load: --set VAR=VALUE (load_set.c). A spec needs a name before its '='. */
bool load_set_valid(const char *spec);
/* Apply each "NAME=VALUE" with rb_object_set_var(); the first failure fills err. */
int load_apply_sets(struct rb_object *obj, char *const *specs, size_t n, struct rb_error *err);

/*
 * load: "attached N of M loaded programs; K could not attach; ..." on f (none when f is NULL);
 * -1 when some program could not attach (load_summary.c).
 */
int load_attach_summary(const struct rb_loaded *l, bool keep_going, FILE *f);

/*
 * load: the end-of-run print of a map, BTF-formatted, at most limit entries (load_print.c).
 * *cache (made on first use; the caller frees it) shares one BTF fetch among the maps.
 */
void load_print_map(const char *name, int fd, size_t limit, struct rb_btf_cache **cache);
/* The struct_ops maps of a load: registered as what, or why not (load_print.c). */
void load_print_struct_ops(const struct rb_loaded *l);

/*
 * load --json: every line a JSON document, flushed (load_json.c; docs/json-stream.md).
 * The load document is print_json's; these write the rest of the stream.
 */
void load_json_record(const struct rb_event *ev);
void load_json_lost(const char *map, int cpu, uint64_t count);
void load_json_printk(const char *line);
/* out: len bytes of the iterator's output (bytes in all; len < bytes: cut at a bound) */
void load_json_iter(const char *prog, const char *out, size_t len, unsigned long long bytes);
void load_json_run(const char *prog, const struct rb_syscall_run *res);
void load_json_summary(const struct rb_event_stats *st);
/*
 * The end-of-run map object: entries as `map dump --json` has them, at most limit; *cache as
 * load_print_map's.
 */
void load_json_map(const char *name, int fd, size_t limit, struct rb_btf_cache **cache);

/* A minimal streaming JSON writer: stable, compact-but-readable output. */
struct json {
	FILE *f;
	int depth;
	bool need_comma[64];
	bool pretty;
};
void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j, const char *key); /* key NULL inside arrays/top */
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
void json_string(struct json *j, const char *key, const char *val); /* NULL -> null */
/* len bytes of val, NULs included (escaped) */
void json_string_n(struct json *j, const char *key, const char *val, size_t len);
/* raw: JSON text written as it is (a value formatted elsewhere) */
void json_raw(struct json *j, const char *key, const char *raw);
void json_int(struct json *j, const char *key, long long val);
void json_uint(struct json *j, const char *key, unsigned long long val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
void json_finish(struct json *j); /* trailing newline */
void json_escape(FILE *f, const char *s);

#endif
