/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Feature probes: what the running kernel supports, found by real minimal loads and
 * creates (never by version numbers). Each answer is cached for the life of the process.
 * A probe says "no" only when the kernel's answer means "I do not know this"; when the
 * answer is ambiguous (EPERM, lockdown, a missing capability) it says "unknown".
 */
#ifndef RB_BPF_PROBE_H
#define RB_BPF_PROBE_H

#include <stdint.h>

enum probe_state {
	PROBE_NO = 0,
	PROBE_YES = 1,
	PROBE_UNKNOWN = 2, /* the kernel refused to tell (e.g. EPERM) */
};

enum probe_feature {
	PROBE_BTF,
	PROBE_BTF_FUNC,
	PROBE_BTF_GLOBAL_FUNC,
	PROBE_BTF_DATASEC,
	PROBE_BTF_FLOAT,
	PROBE_BTF_DECL_TAG,
	PROBE_BTF_TYPE_TAG,
	PROBE_BTF_ENUM64,
	PROBE_LINK_PERF,
	PROBE_LINK_TRACING,
	PROBE_LINK_XDP,
	PROBE_LINK_TCX,
	PROBE_LINK_NETKIT,
	PROBE_LINK_KPROBE_MULTI,
	PROBE_LINK_UPROBE_MULTI,
	PROBE_PROG_NAME,
	PROBE_GLOBAL_DATA,
	PROBE_BPF_COOKIE,
	PROBE_LOG_TRUE_SIZE,
	PROBE_VMLINUX_BTF_MMAP,
	PROBE_KFUNC_CALL,
	PROBE_ARRAY_MMAP,
	PROBE_EXP_ATTACH_TYPE,
	PROBE_PROG_BIND_MAP,
	PROBE_MEMCG_ACCOUNT, /* BPF memory charged to the cgroup, not RLIMIT_MEMLOCK (5.11) */
	PROBE_FEATURE_COUNT
};

struct probe_result {
	enum probe_state state;
	int err;	  /* the errno that decided (negative), 0 when the call succeeded */
	char detail[160]; /* why, in words */
};

/* Never NULL for a valid argument; NULL for an out-of-range one. */
const struct probe_result *probe_feature(enum probe_feature f);
const struct probe_result *probe_prog_type(uint32_t prog_type);
const struct probe_result *probe_map_type(uint32_t map_type);

/* "btf_func", "link_tcx", ... (the names `rawbpf probe` prints). */
const char *probe_feature_name(enum probe_feature f);
/* "btf", "links" or "misc": where `rawbpf probe` lists it. */
const char *probe_feature_group(enum probe_feature f);

/*
 * Some probes need a BTF type id from the running kernel's vmlinux BTF (a tp_btf target for
 * the tracing link). bpf/ does not parse BTF; the loader installs a resolver that does.
 * fn returns the id of the type named name of BTF kind kind, or -errno.
 */
typedef int (*probe_btf_id_fn)(const char *name, int kind, void *ctx);
void probe_set_btf_resolver(probe_btf_id_fn fn, void *ctx);

/* Forget every cached answer (tests, and callers that changed privileges). */
void probe_reset(void);

#endif
