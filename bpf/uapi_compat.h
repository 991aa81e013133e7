/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What the kernel UAPI gained after the headers we build against (Debian's 6.1
 * linux-libc-dev): constants behind #ifndef, and for commands whose attribute layout grew,
 * our own layout-compatible structs. Values and offsets are the kernel's ABI (stable by
 * definition); the static assertions in bpf/sys.c check that the fields both layouts have
 * sit at the same offsets as in the installed union bpf_attr.
 */
#ifndef RB_BPF_UAPI_COMPAT_H
#define RB_BPF_UAPI_COMPAT_H

#include <stdint.h>

#include <linux/bpf.h>
#include <linux/btf.h>

/* ---- enum values added after 6.1 (macros: the enums themselves cannot be tested) ---- */

#ifndef BPF_MAP_TYPE_CGRP_STORAGE
#define BPF_MAP_TYPE_CGRP_STORAGE 32
#endif
#ifndef BPF_MAP_TYPE_ARENA
#define BPF_MAP_TYPE_ARENA 33
#endif
#define RB_MAP_TYPE_MAX 34 /* one past the last map type we know by name */

#ifndef BPF_PROG_TYPE_NETFILTER
#define BPF_PROG_TYPE_NETFILTER 32
#endif
#define RB_PROG_TYPE_MAX 33

#ifndef BPF_STRUCT_OPS
#define BPF_STRUCT_OPS 44
#endif
#ifndef BPF_NETFILTER
#define BPF_NETFILTER 45
#endif
#ifndef BPF_TCX_INGRESS
#define BPF_TCX_INGRESS 46
#endif
#ifndef BPF_TCX_EGRESS
#define BPF_TCX_EGRESS 47
#endif
#ifndef BPF_TRACE_UPROBE_MULTI
#define BPF_TRACE_UPROBE_MULTI 48
#endif
#ifndef BPF_CGROUP_UNIX_CONNECT
#define BPF_CGROUP_UNIX_CONNECT 49
#endif
#ifndef BPF_CGROUP_UNIX_SENDMSG
#define BPF_CGROUP_UNIX_SENDMSG 50
#endif
#ifndef BPF_CGROUP_UNIX_RECVMSG
#define BPF_CGROUP_UNIX_RECVMSG 51
#endif
#ifndef BPF_CGROUP_UNIX_GETPEERNAME
#define BPF_CGROUP_UNIX_GETPEERNAME 52
#endif
#ifndef BPF_CGROUP_UNIX_GETSOCKNAME
#define BPF_CGROUP_UNIX_GETSOCKNAME 53
#endif
#ifndef BPF_NETKIT_PRIMARY
#define BPF_NETKIT_PRIMARY 54
#endif
#ifndef BPF_NETKIT_PEER
#define BPF_NETKIT_PEER 55
#endif
#ifndef BPF_TRACE_KPROBE_SESSION
#define BPF_TRACE_KPROBE_SESSION 56
#endif
#ifndef BPF_TRACE_UPROBE_SESSION
#define BPF_TRACE_UPROBE_SESSION 57
#endif
#define RB_ATTACH_TYPE_MAX 58

#ifndef BPF_LINK_TYPE_NETFILTER
#define BPF_LINK_TYPE_NETFILTER 10
#endif
#ifndef BPF_LINK_TYPE_TCX
#define BPF_LINK_TYPE_TCX 11
#endif
#ifndef BPF_LINK_TYPE_UPROBE_MULTI
#define BPF_LINK_TYPE_UPROBE_MULTI 12
#endif
#ifndef BPF_LINK_TYPE_NETKIT
#define BPF_LINK_TYPE_NETKIT 13
#endif
#ifndef BPF_LINK_TYPE_SOCKMAP
#define BPF_LINK_TYPE_SOCKMAP 14
#endif
#define RB_LINK_TYPE_MAX 15

/* Commands added after 6.1. */
#ifndef BPF_TOKEN_CREATE
#define BPF_TOKEN_CREATE 36
#endif
#ifndef BPF_PROG_STREAM_READ_BY_FD
#define BPF_PROG_STREAM_READ_BY_FD 37
#endif

/* ---- flags ---- */

#ifndef BPF_F_LINK
#define BPF_F_LINK (1U << 13) /* map_flags: struct_ops map attached through a link */
#endif
#ifndef BPF_F_PATH_FD
#define BPF_F_PATH_FD (1U << 14)
#endif
#ifndef BPF_F_VTYPE_BTF_OBJ_FD
#define BPF_F_VTYPE_BTF_OBJ_FD (1U << 15)
#endif
#ifndef BPF_F_TOKEN_FD
#define BPF_F_TOKEN_FD (1U << 16)
#endif
#ifndef BPF_F_SEGV_ON_FAULT
#define BPF_F_SEGV_ON_FAULT (1U << 17)
#endif
#ifndef BPF_F_NO_USER_CONV
#define BPF_F_NO_USER_CONV (1U << 18)
#endif
#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6)
#endif
#ifndef BPF_F_TEST_REG_INVARIANTS
#define BPF_F_TEST_REG_INVARIANTS (1U << 7)
#endif
#ifndef BPF_F_UPROBE_MULTI_RETURN
#define BPF_F_UPROBE_MULTI_RETURN (1U << 0)
#endif
/* mprog (tcx, netkit, cgroup links): where to insert relative to an anchor. */
#ifndef BPF_F_BEFORE
#define BPF_F_BEFORE (1U << 3)
#endif
#ifndef BPF_F_AFTER
#define BPF_F_AFTER (1U << 4)
#endif
#ifndef BPF_F_ID
#define BPF_F_ID (1U << 5)
#endif

/* Verifier log levels are bits (not UAPI macros in 6.1). */
#define RB_LOG_LEVEL1 1U
#define RB_LOG_LEVEL2 2U
#define RB_LOG_STATS 4U
#define RB_LOG_FIXED 8U

/* ---- attribute layouts that grew after 6.1 ---- */

/* BPF_MAP_CREATE: value_type_btf_obj_fd and map_token_fd (6.9). */
struct sys_map_create_attr {
	uint32_t map_type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;
	uint32_t inner_map_fd;
	uint32_t numa_node;
	char map_name[BPF_OBJ_NAME_LEN];
	uint32_t map_ifindex;
	uint32_t btf_fd;
	uint32_t btf_key_type_id;
	uint32_t btf_value_type_id;
	uint32_t btf_vmlinux_value_type_id;
	uint64_t map_extra;
	int32_t value_type_btf_obj_fd;
	int32_t map_token_fd;
} __attribute__((aligned(8)));

/* BPF_PROG_LOAD: log_true_size (6.4), prog_token_fd (6.9), fd_array_cnt (6.14). */
struct sys_prog_load_attr {
	uint32_t prog_type;
	uint32_t insn_cnt;
	uint64_t insns;
	uint64_t license;
	uint32_t log_level;
	uint32_t log_size;
	uint64_t log_buf;
	uint32_t kern_version;
	uint32_t prog_flags;
	char prog_name[BPF_OBJ_NAME_LEN];
	uint32_t prog_ifindex;
	uint32_t expected_attach_type;
	uint32_t prog_btf_fd;
	uint32_t func_info_rec_size;
	uint64_t func_info;
	uint32_t func_info_cnt;
	uint32_t line_info_rec_size;
	uint64_t line_info;
	uint32_t line_info_cnt;
	uint32_t attach_btf_id;
	uint32_t attach_prog_or_btf_obj_fd;
	uint32_t core_relo_cnt;
	uint64_t fd_array;
	uint64_t core_relos;
	uint32_t core_relo_rec_size;
	uint32_t log_true_size;
	int32_t prog_token_fd;
	uint32_t fd_array_cnt;
} __attribute__((aligned(8)));

/* BPF_BTF_LOAD: btf_log_true_size (6.4), btf_flags and btf_token_fd (6.9). */
struct sys_btf_load_attr {
	uint64_t btf;
	uint64_t btf_log_buf;
	uint32_t btf_size;
	uint32_t btf_log_size;
	uint32_t btf_log_level;
	uint32_t btf_log_true_size;
	uint32_t btf_flags;
	int32_t btf_token_fd;
} __attribute__((aligned(8)));

/* BPF_RAW_TRACEPOINT_OPEN: cookie (6.10). */
struct sys_raw_tp_attr {
	uint64_t name;
	uint32_t prog_fd;
	uint32_t pad;
	uint64_t cookie;
} __attribute__((aligned(8)));

/* BPF_PROG_ATTACH/DETACH: relative_fd/id and expected_revision (6.6, mprog). */
struct sys_prog_attach_attr {
	uint32_t target_fd;
	uint32_t attach_bpf_fd;
	uint32_t attach_type;
	uint32_t attach_flags;
	uint32_t replace_bpf_fd;
	uint32_t relative_fd_or_id;
	uint64_t expected_revision;
} __attribute__((aligned(8)));

/* BPF_LINK_CREATE: tcx/uprobe_multi/netkit/cgroup members of the per-type union (6.6+). */
struct sys_link_create_attr {
	uint32_t prog_fd;
	uint32_t target_fd; /* or target_ifindex */
	uint32_t attach_type;
	uint32_t flags;
	union {
		uint32_t target_btf_id;
		struct {
			uint64_t iter_info;
			uint32_t iter_info_len;
		} iter;
		struct {
			uint64_t bpf_cookie;
		} perf_event;
		struct {
			uint32_t flags;
			uint32_t cnt;
			uint64_t syms;
			uint64_t addrs;
			uint64_t cookies;
		} kprobe_multi;
		struct {
			uint32_t target_btf_id;
			uint64_t cookie;
		} tracing;
		struct {
			uint32_t pf;
			uint32_t hooknum;
			int32_t priority;
			uint32_t flags;
		} netfilter;
		struct { /* tcx, netkit and cgroup share this layout */
			uint32_t relative_fd_or_id;
			uint64_t expected_revision;
		} mprog;
		struct {
			uint64_t path;
			uint64_t offsets;
			uint64_t ref_ctr_offsets;
			uint64_t cookies;
			uint32_t cnt;
			uint32_t flags;
			uint32_t pid;
		} uprobe_multi;
	};
} __attribute__((aligned(8)));

#endif
