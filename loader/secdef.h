/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Section rules: what a program's ELF section name (the SEC() text) means. The table follows
 * the conventions libbpf established (same names, same matching), so objects written for
 * libbpf mean the same thing here.
 */
#ifndef RB_LOADER_SECDEF_H
#define RB_LOADER_SECDEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rawbpf.h"

/* Program and attach types newer than the 6.1 UAPI headers (enum values, not macros). */
#define SECDEF_PROG_TYPE_NETFILTER 32
#define SECDEF_ATTACH_STRUCT_OPS 44
#define SECDEF_ATTACH_NETFILTER 45
#define SECDEF_ATTACH_TCX_INGRESS 46
#define SECDEF_ATTACH_TCX_EGRESS 47
#define SECDEF_ATTACH_UPROBE_MULTI 48
#define SECDEF_ATTACH_UNIX_CONNECT 49
#define SECDEF_ATTACH_UNIX_SENDMSG 50
#define SECDEF_ATTACH_UNIX_RECVMSG 51
#define SECDEF_ATTACH_UNIX_GETPEERNAME 52
#define SECDEF_ATTACH_UNIX_GETSOCKNAME 53
#define SECDEF_ATTACH_NETKIT_PRIMARY 54
#define SECDEF_ATTACH_NETKIT_PEER 55
#define SECDEF_ATTACH_KPROBE_SESSION 56
#define SECDEF_ATTACH_UPROBE_SESSION 57
#define SECDEF_ATTACH_FSESSION 58
#define SECDEF_ATTACH_FENTRY_MULTI 59
#define SECDEF_ATTACH_FEXIT_MULTI 60
#define SECDEF_ATTACH_FSESSION_MULTI 61
#define SECDEF_ATTACH_MAX 62

/* "No expected attach type": the kernel gets 0, but 0 is also BPF_CGROUP_INET_INGRESS. */
#define SECDEF_NO_ATTACH (-1)

enum secdef_flag {
	SECDEF_EXP_ATTACH_OPT = 1 << 0, /* drop the expected attach type on kernels without it */
	SECDEF_ATTACHABLE = 1 << 1,
	SECDEF_ATTACH_BTF = 1 << 2,     /* needs a BTF id of the target at load */
	SECDEF_SLEEPABLE = 1 << 3,      /* BPF_F_SLEEPABLE */
	SECDEF_XDP_FRAGS = 1 << 4,      /* BPF_F_XDP_HAS_FRAGS */
	SECDEF_USDT = 1 << 5,           /* becomes uprobe-multi where the kernel has it */
};

/* How the rest of the section name (after "prefix/") names the attach target. */
enum secdef_target {
	SECDEF_TGT_NONE,        /* nothing after the prefix (or it is ignored) */
	SECDEF_TGT_TRACEPOINT,  /* category/name */
	SECDEF_TGT_RAW_TP,      /* tracepoint name */
	SECDEF_TGT_KPROBE,      /* func[+offset] */
	SECDEF_TGT_KRETPROBE,   /* func */
	SECDEF_TGT_KSYSCALL,    /* syscall name */
	SECDEF_TGT_KPROBE_MULTI,/* glob over kernel functions */
	SECDEF_TGT_UPROBE,      /* binary:func[+offset] or binary:offset */
	SECDEF_TGT_URETPROBE,   /* binary:func */
	SECDEF_TGT_UPROBE_MULTI,/* path:glob */
	SECDEF_TGT_USDT,        /* path:provider:name */
	SECDEF_TGT_BTF,         /* [module:]name looked up in kernel BTF with btf_prefix */
	SECDEF_TGT_FREPLACE,    /* function name in another program's BTF */
	SECDEF_TGT_STRUCT_OPS,  /* member name, informational */
};

struct secdef {
	const char *sec;          /* "kprobe+", "xdp", ... (+: exact or "x/...") */
	uint32_t prog_type;       /* enum bpf_prog_type */
	int attach_type;          /* enum bpf_attach_type or SECDEF_NO_ATTACH */
	uint32_t flags;           /* enum secdef_flag */
	enum secdef_target target;
	const char *btf_prefix;   /* SECDEF_TGT_BTF: kernel name = prefix + target */
	bool btf_typedef;         /* the kernel name is a TYPEDEF (tp_btf), else a FUNC */
};

/* The attach target parsed out of a section name; strings are owned (secdef_attach_free). */
struct secdef_attach {
	enum secdef_target kind;
	char *text;      /* everything after "prefix/", as written, or NULL */
	char *module;    /* BTF targets: "module:" part, or NULL (vmlinux) */
	char *binary;    /* uprobe/usdt path; tracepoint category */
	char *func;      /* function, tracepoint name, usdt provider, glob, hook */
	char *name;      /* usdt probe name */
	uint64_t offset; /* kprobe/uprobe offset (or the address when func is NULL) */
	char *btf_name;  /* SECDEF_TGT_BTF: the name to find in kernel BTF */
};

const struct secdef *secdef_table(size_t *cnt);
/* First matching rule for a section name (without the leading '?'), or NULL. */
const struct secdef *secdef_find(const char *sec);
/* The table entry's name without its '+' ("kprobe+" -> "kprobe") into buf. */
const char *secdef_prefix(const struct secdef *d, char *buf, size_t len);

/*
 * Parse the target out of sec for rule d. An empty target where one is needed is not an
 * error (the user gives it at attach time); a malformed one is, with a sentence naming it.
 */
int secdef_parse_attach(const struct secdef *d, const char *sec, struct secdef_attach *out,
			struct rb_error *err);
void secdef_attach_free(struct secdef_attach *a);
/* A one-line human form of the target ("sched/sched_switch", "/bin/bash:readline+0x10"). */
void secdef_attach_describe(const struct secdef_attach *a, char *buf, size_t len);

/* The known prefix nearest (edit distance) to sec's first component, or NULL. */
const char *secdef_nearest(const char *sec, char *buf, size_t len);

/* Names as bpftool prints them ("kprobe", "sched_cls", "trace_fentry"); NULL if unknown. */
const char *secdef_prog_type_name(uint32_t t);
const char *secdef_attach_type_name(int t);
/* Reverse lookups; -1 when unknown. */
int secdef_prog_type_by_name(const char *name);
int secdef_attach_type_by_name(const char *name);

#endif
