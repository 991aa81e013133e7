/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The bpf(2) boundary. Every bpf(2) call of rawbpf goes through sys_bpf(), which zeroes
 * nothing itself (the typed wrappers build a zeroed attribute and pass the size of the
 * fields they use), retries BPF_PROG_LOAD on EAGAIN a bounded number of times, reports
 * each call to the trace hook and returns the result or -errno. Tests replace the entry
 * point with sys_set_bpf_hook() to record the exact attributes sent, without a kernel.
 *
 * All wrappers return a new fd (>= 0) or 0 on success, -errno on failure. They never
 * fill an rb_error: the caller knows which object the call was about and says so.
 */
#ifndef RB_BPF_SYS_H
#define RB_BPF_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

#include "bpf/uapi_compat.h"

/* ---- the single entry point ---- */

/*
 * The hook sees the command, the attribute bytes and the size that would be passed to
 * bpf(2); it returns what bpf(2) would (fd or 0) or -errno. It may write into attr (e.g. a
 * log_true_size) like the kernel does.
 */
typedef long (*sys_bpf_hook_fn)(int cmd, void *attr, unsigned int size, void *ctx);

/* Install (NULL: the real syscall) the entry point; process-wide, for tests. */
void sys_set_bpf_hook(sys_bpf_hook_fn fn, void *ctx);

/* Issue one bpf(2) command; traced; retried on EAGAIN for BPF_PROG_LOAD. */
long sys_bpf(int cmd, void *attr, unsigned int size);

/* Name of a command ("BPF_PROG_LOAD") and of an errno ("EINVAL"); never NULL. */
const char *sys_cmd_name(int cmd);
const char *sys_errno_name(int err); /* err positive or negative */

/* How many times BPF_PROG_LOAD is retried on EAGAIN before giving up. */
#define SYS_PROG_LOAD_EAGAIN_RETRIES 5

/* ---- maps ---- */

struct sys_map_create_opts {
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	const char *name; /* NULL: unnamed; truncated to BPF_OBJ_NAME_LEN - 1 */
	int inner_map_fd; /* 0: none */
	uint32_t numa_node;
	uint32_t map_ifindex;
	int btf_fd; /* 0: none */
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t map_extra;
	int value_type_btf_obj_fd; /* 0: none */
};

int sys_map_create(const struct sys_map_create_opts *o);
int sys_map_lookup_elem(int map_fd, const void *key, void *value, uint64_t flags);
int sys_map_update_elem(int map_fd, const void *key, const void *value, uint64_t flags);
int sys_map_delete_elem(int map_fd, const void *key);
/* key NULL: first key. Returns -ENOENT after the last key. */
int sys_map_get_next_key(int map_fd, const void *key, void *next_key);
/*
 * in_batch NULL starts from the beginning; *count is in/out. Returns 0, or -ENOENT when
 * the map is exhausted (with *count holding what was read in this batch).
 */
int sys_map_lookup_batch(int map_fd, void *in_batch, void *out_batch, void *keys, void *values,
			 uint32_t *count, uint64_t elem_flags, uint64_t flags);
int sys_map_freeze(int map_fd);

/* ---- programs ---- */

struct sys_prog_load_opts {
	uint32_t prog_type;
	uint32_t expected_attach_type;
	const char *name; /* NULL: unnamed; truncated to BPF_OBJ_NAME_LEN - 1 */
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	const char *license; /* NULL: "" */
	uint32_t kern_version;
	uint32_t prog_flags;
	uint32_t prog_ifindex;
	/* verifier log: level 0 with a NULL buffer means no log */
	uint32_t log_level;
	char *log_buf;
	uint32_t log_size;
	uint32_t log_true_size; /* out: size the whole log needs (0 if the kernel lacks it) */
	int prog_btf_fd; /* 0: none */
	const void *func_info;
	uint32_t func_info_rec_size;
	uint32_t func_info_cnt;
	const void *line_info;
	uint32_t line_info_rec_size;
	uint32_t line_info_cnt;
	uint32_t attach_btf_id;
	int attach_btf_obj_fd; /* module BTF; exclusive with attach_prog_fd */
	int attach_prog_fd;
	const int *fd_array;
	uint32_t fd_array_cnt; /* 0: fd_array is only indexed by instructions */
};

int sys_prog_load(struct sys_prog_load_opts *o);

struct sys_test_run_opts {
	const void *data_in;
	uint32_t data_size_in;
	void *data_out;
	uint32_t data_size_out; /* in/out */
	const void *ctx_in;
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out; /* in/out */
	uint32_t repeat;
	uint32_t flags;
	uint32_t cpu;
	uint32_t batch_size;
	uint32_t retval;   /* out */
	uint32_t duration; /* out: average ns per run */
};

int sys_prog_test_run(int prog_fd, struct sys_test_run_opts *o);
int sys_prog_bind_map(int prog_fd, int map_fd, uint32_t flags);

/* ---- BTF ---- */

struct sys_btf_load_opts {
	const void *data;
	uint32_t size;
	uint32_t log_level;
	char *log_buf;
	uint32_t log_size;
	uint32_t log_true_size; /* out */
};

int sys_btf_load(struct sys_btf_load_opts *o);

/* ---- bpffs ---- */

int sys_obj_pin(int fd, const char *path, uint32_t flags);
int sys_obj_get(const char *path, uint32_t file_flags);

/* ---- attach ---- */

struct sys_link_create_opts {
	int prog_fd; /* BPF_STRUCT_OPS: the struct_ops map's fd (UAPI link_create.map_fd) */
	int target_fd; /* target fd, or an ifindex for xdp/tcx/netkit */
	uint32_t attach_type;
	uint32_t flags;
	/* BPF_PERF_EVENT */
	uint64_t perf_cookie;
	/* tracing (fentry/fexit/tp_btf/lsm/freplace) */
	uint32_t target_btf_id;
	uint64_t tracing_cookie;
	/* BPF_TRACE_ITER */
	const void *iter_info;
	uint32_t iter_info_len;
	/* tcx, netkit, cgroup (mprog): anchor and revision */
	uint32_t relative_fd_or_id;
	uint64_t expected_revision;
	/* kprobe_multi (syms or addrs) and uprobe_multi (path + offsets) */
	uint32_t multi_flags;
	uint32_t multi_cnt;
	const char *const *kprobe_syms;
	const uint64_t *kprobe_addrs;
	const uint64_t *multi_cookies;
	const char *uprobe_path;
	const uint64_t *uprobe_offsets;
	const uint64_t *uprobe_ref_ctr_offsets;
	uint32_t uprobe_pid;
};

int sys_link_create(const struct sys_link_create_opts *o);
int sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd, uint32_t flags);
int sys_link_detach(int link_fd);
/* name NULL: attach a tp_btf/fentry-style program at its load-time target (old kernels). */
int sys_raw_tracepoint_open(const char *name, int prog_fd, uint64_t cookie);
int sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags,
		    int replace_prog_fd);
int sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type);
int sys_iter_create(int link_fd);

/* ---- introspection ---- */

/* info/info_len: in the buffer size, out what the kernel filled. */
int sys_obj_get_info(int fd, void *info, uint32_t *info_len);
int sys_prog_get_info(int prog_fd, struct bpf_prog_info *info);
int sys_map_get_info(int map_fd, struct bpf_map_info *info);
int sys_btf_get_info(int btf_fd, struct bpf_btf_info *info);
int sys_link_get_info(int link_fd, struct bpf_link_info *info);

/* The object kinds that have ids. */
enum sys_obj_kind { SYS_OBJ_PROG, SYS_OBJ_MAP, SYS_OBJ_BTF, SYS_OBJ_LINK };

int sys_get_fd_by_id(enum sys_obj_kind kind, uint32_t id);
/* start_id 0: the first; returns -ENOENT after the last. */
int sys_get_next_id(enum sys_obj_kind kind, uint32_t start_id, uint32_t *next_id);

/* BPF_STATS_RUN_TIME: returns an fd that keeps statistics on while open. */
int sys_enable_stats(uint32_t type);

#endif
