// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Feature probes. Each is the smallest real request that shows whether the kernel knows a
 * thing: a two-instruction program of a type, a one-entry map, a BTF blob holding one new
 * kind, a link create aimed where the kernel's errno tells "known" from "unknown". The
 * errno conventions used to read the answers are the kernel's: an unknown program or map
 * type, BTF kind or attach type is EINVAL; EPERM/EACCES only say we may not ask.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf/probe.h"
#include "bpf/sys.h"

/* ---- tiny instruction builders (only what the probes need) ---- */

#define I_MOV64_IMM(dst, v)                                                                    \
	((struct bpf_insn){ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = (dst), .imm = (v) })
#define I_EXIT() ((struct bpf_insn){ .code = BPF_JMP | BPF_EXIT })
#define I_CALL(h) ((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = (h) })
#define I_KFUNC_CALL(id)                                                                       \
	((struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL,      \
			    .imm = (id) })
#define I_LD_MAP_VALUE(dst, fd, o)                                                           \
	((struct bpf_insn){ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = (dst),               \
			    .src_reg = BPF_PSEUDO_MAP_VALUE, .imm = (fd) }),                   \
		((struct bpf_insn){ .imm = (o) })
#define I_ST_DW(dst, o, v)                                                                   \
	((struct bpf_insn){ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = (dst), .off = (o),      \
			    .imm = (v) })

static probe_btf_id_fn btf_resolver;
static void *btf_resolver_ctx;

void probe_set_btf_resolver(probe_btf_id_fn fn, void *ctx)
{
	btf_resolver = fn;
	btf_resolver_ctx = ctx;
}

/* ---- the cache ---- */

struct cached {
	int done;
	struct probe_result r;
};

static struct cached feature_cache[PROBE_FEATURE_COUNT];
static struct cached prog_cache[RB_PROG_TYPE_MAX];
static struct cached map_cache[RB_MAP_TYPE_MAX];

void probe_reset(void)
{
	memset(feature_cache, 0, sizeof(feature_cache));
	memset(prog_cache, 0, sizeof(prog_cache));
	memset(map_cache, 0, sizeof(map_cache));
}

static void set(struct probe_result *r, enum probe_state s, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set(struct probe_result *r, enum probe_state s, int err, const char *fmt, ...)
{
	va_list ap;

	r->state = s;
	r->err = err > 0 ? -err : err;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

/* Permission errors say nothing about support. */
static int is_perm(int err)
{
	return err == -EPERM || err == -EACCES;
}

static void set_perm(struct probe_result *r, int err, const char *what)
{
	set(r, PROBE_UNKNOWN, err, "%s refused with %s: not permitted to ask (privileges, lockdown)",
	    what, sys_errno_name(err));
}

/* ---- helpers: load a program, create a map ---- */

static uint32_t kernel_version_code(void)
{
	struct utsname u;
	unsigned int a = 0, b = 0, c = 0;

	/* Only old kernels check it, and only for kprobe programs. */
	if (uname(&u) < 0 || sscanf(u.release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return (a << 16) | (b << 8) | (c > 255 ? 255 : c);
}

struct load_args {
	uint32_t type;
	uint32_t expected;
	uint32_t flags;
	const struct bpf_insn *insns;
	uint32_t cnt;
	const char *name;
	uint32_t attach_btf_id;
	char *log;	  /* optional */
	uint32_t log_size;
	uint32_t log_true_size; /* out */
};

static int load(struct load_args *a)
{
	struct sys_prog_load_opts o = {
		.prog_type = a->type,
		.expected_attach_type = a->expected,
		.prog_flags = a->flags,
		.insns = a->insns,
		.insn_cnt = a->cnt,
		.name = a->name,
		.license = "GPL",
		.kern_version = kernel_version_code(),
		.attach_btf_id = a->attach_btf_id,
		.log_level = a->log ? 1 : 0,
		.log_buf = a->log,
		.log_size = a->log_size,
	};
	int fd = sys_prog_load(&o);

	a->log_true_size = o.log_true_size;
	return fd;
}

/* mov r0, ret; exit — of the given type. */
static int load_trivial(uint32_t type, uint32_t expected, int ret)
{
	struct bpf_insn insns[] = { I_MOV64_IMM(0, ret), I_EXIT() };
	struct load_args a = { .type = type, .expected = expected, .insns = insns, .cnt = 2 };

	return load(&a);
}

static int create_map(uint32_t type, uint32_t key, uint32_t value, uint32_t max, uint32_t flags)
{
	struct sys_map_create_opts o = { .map_type = type, .key_size = key, .value_size = value,
					 .max_entries = max, .map_flags = flags };

	return sys_map_create(&o);
}

/* ---- BTF blobs ---- */

#define BTF_INFO(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (vlen))

/*
 * One BTF blob: header, the given type words, the given string table. Returns the fd of
 * the loaded BTF or -errno.
 */
static int load_btf_blob(const uint32_t *types, size_t types_len, const char *strs, size_t strs_len)
{
	struct btf_header h = {
		.magic = BTF_MAGIC,
		.version = BTF_VERSION,
		.hdr_len = sizeof(struct btf_header),
		.type_off = 0,
		.type_len = (uint32_t)types_len,
		.str_off = (uint32_t)types_len,
		.str_len = (uint32_t)strs_len,
	};
	unsigned char buf[512];
	struct sys_btf_load_opts o = { 0 };

	if (sizeof(h) + types_len + strs_len > sizeof(buf))
		return -E2BIG;
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), types, types_len);
	memcpy(buf + sizeof(h) + types_len, strs, strs_len);
	o.data = buf;
	o.size = (uint32_t)(sizeof(h) + types_len + strs_len);
	return sys_btf_load(&o);
}

/* String table shared by the blobs: offsets below. */
static const char btf_strs[] = "\0int\0x\0.data\0f\0tag\0e\0float";
#define S_INT 1
#define S_X 5
#define S_DATA 7
#define S_F 13
#define S_TAG 15
#define S_E 19
#define S_FLOAT 21

#define T_INT(name) name, BTF_INFO(BTF_KIND_INT, 0, 0), 4, (BTF_INT_SIGNED << 24) | 32

static int btf_probe_blob(enum probe_feature f)
{
	switch (f) {
	case PROBE_BTF: {
		const uint32_t t[] = { T_INT(S_INT) };

		return load_btf_blob(t, sizeof(t), btf_strs, sizeof(btf_strs));
	}
	case PROBE_BTF_FUNC:
	case PROBE_BTF_GLOBAL_FUNC: {
		uint32_t linkage = f == PROBE_BTF_GLOBAL_FUNC ? BTF_FUNC_GLOBAL : BTF_FUNC_STATIC;
		const uint32_t t[] = {
			T_INT(S_INT),					 /* [1] int */
			0, BTF_INFO(BTF_KIND_FUNC_PROTO, 0, 0), 1,	 /* [2] int (void) */
			S_F, BTF_INFO(BTF_KIND_FUNC, 0, linkage), 2, /* [3] f */
		};

		return load_btf_blob(t, sizeof(t), btf_strs, sizeof(btf_strs));
	}
	case PROBE_BTF_DATASEC: {
		const uint32_t t[] = {
			T_INT(S_INT),					    /* [1] int */
			S_X, BTF_INFO(BTF_KIND_VAR, 0, 0), 1, BTF_VAR_GLOBAL_ALLOCATED, /* [2] x */
			S_DATA, BTF_INFO(BTF_KIND_DATASEC, 0, 1), 4, 2, 0, 4, /* [3] .data */
		};

		return load_btf_blob(t, sizeof(t), btf_strs, sizeof(btf_strs));
	}
	case PROBE_BTF_FLOAT: {
		const uint32_t t[] = { S_FLOAT, BTF_INFO(BTF_KIND_FLOAT, 0, 0), 4 };

		return load_btf_blob(t, sizeof(t), btf_strs, sizeof(btf_strs));
	}
	case PROBE_BTF_DECL_TAG: {
		const uint32_t t[] = {
			T_INT(S_INT),
			S_X, BTF_INFO(BTF_KIND_VAR, 0, 0), 1, BTF_VAR_GLOBAL_ALLOCATED,
			S_TAG, BTF_INFO(BTF_KIND_DECL_TAG, 0, 0), 2, (uint32_t)-1, /* on x */
		};

		return load_btf_blob(t, sizeof(t), btf_strs, sizeof(btf_strs));
	}
	case PROBE_BTF_TYPE_TAG: {
		const uint32_t t[] = {
			T_INT(S_INT),
			S_TAG, BTF_INFO(BTF_KIND_TYPE_TAG, 0, 0), 1, /* [2] int __tag("tag") */
			0, BTF_INFO(BTF_KIND_PTR, 0, 0), 2,	     /* [3] pointer to [2] */
		};

		return load_btf_blob(t, sizeof(t), btf_strs, sizeof(btf_strs));
	}
	case PROBE_BTF_ENUM64: {
		const uint32_t t[] = {
			S_E, BTF_INFO(BTF_KIND_ENUM64, 0, 1), 8, S_X, 1, 1, /* e { x = 1<<32|1 } */
		};

		return load_btf_blob(t, sizeof(t), btf_strs, sizeof(btf_strs));
	}
	default:
		return -EINVAL;
	}
}

static void probe_btf_kind(enum probe_feature f, struct probe_result *r)
{
	int fd = btf_probe_blob(f);
	const char *what = probe_feature_name(f);

	if (fd >= 0) {
		close(fd);
		set(r, PROBE_YES, 0, "BPF_BTF_LOAD accepted a blob using %s", what);
	} else if (is_perm(fd)) {
		set_perm(r, fd, "BPF_BTF_LOAD");
	} else if (f != PROBE_BTF && probe_feature(PROBE_BTF)->state != PROBE_YES) {
		set(r, probe_feature(PROBE_BTF)->state, fd, "the kernel does not load BTF at all");
	} else {
		set(r, PROBE_NO, fd, "BPF_BTF_LOAD refused a blob using %s: %s", what,
		    sys_errno_name(fd));
	}
}

/* ---- program types ---- */

/* What a type needs to load a trivial program. */
static void prog_type_setup(uint32_t type, uint32_t *expected, uint32_t *flags)
{
	*expected = 0;
	*flags = 0;
	switch (type) {
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		*expected = BPF_CGROUP_INET4_CONNECT;
		break;
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		*expected = BPF_CGROUP_GETSOCKOPT;
		break;
	case BPF_PROG_TYPE_SK_LOOKUP:
		*expected = BPF_SK_LOOKUP;
		break;
	case BPF_PROG_TYPE_SYSCALL:
		*flags = BPF_F_SLEEPABLE;
		break;
	case BPF_PROG_TYPE_NETFILTER:
		*expected = BPF_NETFILTER;
		break;
	case BPF_PROG_TYPE_TRACING:
		*expected = BPF_TRACE_FENTRY;
		break;
	case BPF_PROG_TYPE_LSM:
		*expected = BPF_LSM_MAC;
		break;
	default:
		break;
	}
}

/*
 * Types that need a target (attach_btf_id, a struct_ops member, a program to replace)
 * cannot load without one; the kernel looks the type up first, then complains in the
 * verifier log about the missing target: a log means the type is known.
 */
static int needs_target(uint32_t type)
{
	return type == BPF_PROG_TYPE_TRACING || type == BPF_PROG_TYPE_LSM ||
	       type == BPF_PROG_TYPE_EXT || type == BPF_PROG_TYPE_STRUCT_OPS;
}

static void run_prog_type_probe(uint32_t type, struct probe_result *r)
{
	struct bpf_insn insns[] = { I_MOV64_IMM(0, 0), I_EXIT() };
	char log[512];
	struct load_args a = { .type = type, .insns = insns, .cnt = 2, .log = log,
			       .log_size = sizeof(log) };
	int fd;

	prog_type_setup(type, &a.expected, &a.flags);
	log[0] = '\0';
	fd = load(&a);
	if (fd >= 0) {
		close(fd);
		set(r, PROBE_YES, 0, "a trivial program loaded");
	} else if (is_perm(fd)) {
		set_perm(r, fd, "BPF_PROG_LOAD");
	} else if ((fd == -EINVAL && log[0] && needs_target(type)) ||
		   (fd == -524 && needs_target(type))) {
		/* ENOTSUPP comes from the target lookup, which an unknown type never reaches. */
		set(r, PROBE_YES, fd, "known: the kernel asked for an attach target (%s)",
		    sys_errno_name(fd));
	} else if (fd == -EINVAL && log[0]) {
		set(r, PROBE_UNKNOWN, fd, "the verifier rejected the trivial program");
	} else if (fd == -EINVAL || fd == -E2BIG || fd == -EOPNOTSUPP || fd == -524) {
		set(r, PROBE_NO, fd, "BPF_PROG_LOAD: %s before verification", sys_errno_name(fd));
	} else {
		set(r, PROBE_UNKNOWN, fd, "BPF_PROG_LOAD: unexpected %s", sys_errno_name(fd));
	}
}

const struct probe_result *probe_prog_type(uint32_t type)
{
	if (type == BPF_PROG_TYPE_UNSPEC || type >= RB_PROG_TYPE_MAX)
		return NULL;
	if (!prog_cache[type].done) {
		run_prog_type_probe(type, &prog_cache[type].r);
		prog_cache[type].done = 1;
	}
	return &prog_cache[type].r;
}

/* ---- map types ---- */

/* A tiny BTF with "int" as [1]: what local-storage maps need for their key and value. */
static int int_btf(void)
{
	return btf_probe_blob(PROBE_BTF);
}

static void run_map_type_probe(uint32_t type, struct probe_result *r)
{
	struct sys_map_create_opts o = { .map_type = type, .key_size = 4, .value_size = 4,
					 .max_entries = 1 };
	long page = sysconf(_SC_PAGESIZE);
	int inner = -1, btf = -1, fd;

	switch (type) {
	case BPF_MAP_TYPE_LPM_TRIE:
		o.key_size = 8; /* prefix length + 4 bytes of data */
		o.map_flags = BPF_F_NO_PREALLOC;
		break;
	case BPF_MAP_TYPE_STACK_TRACE:
		o.value_size = 8;
		break;
	case BPF_MAP_TYPE_CGROUP_STORAGE:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		o.key_size = sizeof(struct bpf_cgroup_storage_key);
		o.max_entries = 0;
		break;
	case BPF_MAP_TYPE_QUEUE:
	case BPF_MAP_TYPE_STACK:
	case BPF_MAP_TYPE_BLOOM_FILTER:
		o.key_size = 0;
		break;
	case BPF_MAP_TYPE_SK_STORAGE:
	case BPF_MAP_TYPE_INODE_STORAGE:
	case BPF_MAP_TYPE_TASK_STORAGE:
	case BPF_MAP_TYPE_CGRP_STORAGE:
		btf = int_btf();
		if (btf < 0) {
			set(r, is_perm(btf) ? PROBE_UNKNOWN : PROBE_NO, btf,
			    "local storage maps need BTF, and BPF_BTF_LOAD failed: %s",
			    sys_errno_name(btf));
			return;
		}
		o.btf_fd = btf;
		o.btf_key_type_id = 1;
		o.btf_value_type_id = 1;
		o.map_flags = BPF_F_NO_PREALLOC;
		o.max_entries = 0;
		break;
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		o.key_size = 0;
		o.value_size = 0;
		o.max_entries = (uint32_t)page;
		break;
	case BPF_MAP_TYPE_ARENA:
		o.key_size = 0;
		o.value_size = 0;
		o.map_flags = BPF_F_MMAPABLE;
		break;
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		inner = create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
		if (inner < 0) {
			set(r, is_perm(inner) ? PROBE_UNKNOWN : PROBE_NO, inner,
			    "the inner array map could not be created: %s", sys_errno_name(inner));
			return;
		}
		o.inner_map_fd = inner;
		break;
	case BPF_MAP_TYPE_STRUCT_OPS:
		/* No real struct_ops type here: a known map type answers ENOTSUPP for id 1. */
		o.btf_vmlinux_value_type_id = 1;
		break;
	default:
		break;
	}
	fd = sys_map_create(&o);
	if (inner >= 0)
		close(inner);
	if (btf >= 0)
		close(btf);
	if (fd >= 0) {
		close(fd);
		set(r, PROBE_YES, 0, "a one-entry map was created");
	} else if (type == BPF_MAP_TYPE_STRUCT_OPS && fd == -524) {
		set(r, PROBE_YES, fd, "known: the kernel looked for the value type");
	} else if (is_perm(fd)) {
		set_perm(r, fd, "BPF_MAP_CREATE");
	} else if (fd == -EINVAL || fd == -E2BIG || fd == -EOPNOTSUPP || fd == -524) {
		set(r, PROBE_NO, fd, "BPF_MAP_CREATE: %s", sys_errno_name(fd));
	} else {
		set(r, PROBE_UNKNOWN, fd, "BPF_MAP_CREATE: unexpected %s", sys_errno_name(fd));
	}
}

const struct probe_result *probe_map_type(uint32_t type)
{
	if (type == BPF_MAP_TYPE_UNSPEC || type >= RB_MAP_TYPE_MAX)
		return NULL;
	if (!map_cache[type].done) {
		run_map_type_probe(type, &map_cache[type].r);
		map_cache[type].done = 1;
	}
	return &map_cache[type].r;
}

/* ---- links ---- */

/*
 * Link creates aimed at a target that cannot exist: a kernel that knows the attach type
 * looks for the target and fails with `known` (EBADF, ENODEV...), one that does not stops
 * at EINVAL.
 */
static void link_probe(struct probe_result *r, int prog_fd, const struct sys_link_create_opts *lo,
		       int known, const char *what)
{
	int fd;

	if (prog_fd < 0) {
		set(r, is_perm(prog_fd) ? PROBE_UNKNOWN : PROBE_NO, prog_fd,
		    "the program for the %s link did not load: %s", what, sys_errno_name(prog_fd));
		return;
	}
	fd = sys_link_create(lo);
	close(prog_fd);
	if (fd >= 0) {
		close(fd);
		set(r, PROBE_YES, 0, "a %s link was created", what);
	} else if (fd == known) {
		set(r, PROBE_YES, fd, "known: the kernel looked for the %s target (%s)", what,
		    sys_errno_name(fd));
	} else if (is_perm(fd)) {
		set_perm(r, fd, "BPF_LINK_CREATE");
	} else if (fd == -EINVAL || fd == -EOPNOTSUPP || fd == -524) {
		set(r, PROBE_NO, fd, "BPF_LINK_CREATE for %s: %s", what, sys_errno_name(fd));
	} else {
		set(r, PROBE_UNKNOWN, fd, "BPF_LINK_CREATE for %s: unexpected %s", what,
		    sys_errno_name(fd));
	}
}

/* An ifindex no device has (ifindexes are positive ints allocated from 1 upwards). */
#define NO_SUCH_IFINDEX 0x7ffffff0

/*
 * XDP links answer EINVAL both for "unknown" and for "no such device", so this one really
 * attaches: an XDP_PASS program on the loopback device of a fresh network namespace, in a
 * child process, so nothing on the host's interfaces is touched.
 */
static void probe_xdp_link(struct probe_result *r)
{
	int prog = load_trivial(BPF_PROG_TYPE_XDP, BPF_XDP, 2 /* XDP_PASS */);
	int status = 0;
	pid_t pid;

	if (prog < 0) {
		set(r, is_perm(prog) ? PROBE_UNKNOWN : PROBE_NO, prog,
		    "the XDP program did not load: %s", sys_errno_name(prog));
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct sys_link_create_opts lo = { .prog_fd = prog, .target_fd = 1,
						   .attach_type = BPF_XDP };
		int fd;

		if (unshare(CLONE_NEWNET) < 0)
			_exit(100);
		fd = sys_link_create(&lo);
		_exit(fd >= 0 ? 0 : (-fd > 99 ? 99 : -fd));
	}
	close(prog);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		set(r, PROBE_UNKNOWN, -ECHILD, "the probe process failed");
		return;
	}
	switch (WEXITSTATUS(status)) {
	case 0:
		set(r, PROBE_YES, 0, "an XDP link was created on lo in a new network namespace");
		break;
	case 100:
		set(r, PROBE_UNKNOWN, -EPERM, "cannot create a network namespace to probe in");
		break;
	case EINVAL:
	case EOPNOTSUPP:
		set(r, PROBE_NO, -(int)WEXITSTATUS(status), "BPF_LINK_CREATE for xdp: %s",
		    sys_errno_name(WEXITSTATUS(status)));
		break;
	case EPERM:
	case EACCES:
		set_perm(r, -(int)WEXITSTATUS(status), "BPF_LINK_CREATE");
		break;
	default:
		set(r, PROBE_UNKNOWN, -(int)WEXITSTATUS(status), "BPF_LINK_CREATE for xdp: %s",
		    sys_errno_name(WEXITSTATUS(status)));
		break;
	}
}

static void probe_tracing_link(struct probe_result *r)
{
	struct bpf_insn insns[] = { I_MOV64_IMM(0, 0), I_EXIT() };
	struct load_args a = { .type = BPF_PROG_TYPE_TRACING, .expected = BPF_TRACE_RAW_TP,
			       .insns = insns, .cnt = 2 };
	struct sys_link_create_opts lo = { .attach_type = BPF_TRACE_RAW_TP };
	int id;

	if (!btf_resolver) {
		set(r, PROBE_UNKNOWN, -ENOSYS,
		    "needs a tp_btf target from vmlinux BTF, and no BTF lookup is available");
		return;
	}
	/* tp_btf on sys_enter: the typedef btf_trace_sys_enter names its prototype. */
	id = btf_resolver("btf_trace_sys_enter", BTF_KIND_TYPEDEF, btf_resolver_ctx);
	if (id < 0) {
		set(r, PROBE_UNKNOWN, id, "vmlinux BTF has no btf_trace_sys_enter: %s",
		    sys_errno_name(id));
		return;
	}
	a.attach_btf_id = (uint32_t)id;
	lo.prog_fd = load(&a);
	link_probe(r, lo.prog_fd, &lo, 0, "tracing");
}

/* ---- everything else ---- */

static void probe_global_data(struct probe_result *r)
{
	int map = create_map(BPF_MAP_TYPE_ARRAY, 4, 16, 1, 0);

	if (map < 0) {
		set(r, is_perm(map) ? PROBE_UNKNOWN : PROBE_NO, map, "array map: %s",
		    sys_errno_name(map));
		return;
	}
	{
		struct bpf_insn insns[] = { I_LD_MAP_VALUE(1, map, 0), I_ST_DW(1, 0, 42),
					    I_MOV64_IMM(0, 0), I_EXIT() };
		struct load_args a = { .type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns,
				       .cnt = 5 };
		int fd = load(&a);

		close(map);
		if (fd >= 0) {
			close(fd);
			set(r, PROBE_YES, 0, "a program stored through a map-value ld_imm64");
		} else if (is_perm(fd)) {
			set_perm(r, fd, "BPF_PROG_LOAD");
		} else {
			set(r, PROBE_NO, fd, "ld_imm64 with a map value refused: %s",
			    sys_errno_name(fd));
		}
	}
}

static void probe_loaded(struct probe_result *r, struct load_args *a, const char *yes,
			 const char *no)
{
	int fd = load(a);

	if (fd >= 0) {
		close(fd);
		set(r, PROBE_YES, 0, "%s", yes);
	} else if (is_perm(fd)) {
		set_perm(r, fd, "BPF_PROG_LOAD");
	} else {
		set(r, PROBE_NO, fd, "%s: %s", no, sys_errno_name(fd));
	}
}

static void probe_kfunc(struct probe_result *r)
{
	/* A kfunc call to an id that is no function: known calls fail in the BTF lookup. */
	struct bpf_insn insns[] = { I_KFUNC_CALL(1), I_MOV64_IMM(0, 0), I_EXIT() };
	char log[512] = "";
	struct load_args a = { .type = BPF_PROG_TYPE_SCHED_CLS, .insns = insns, .cnt = 3,
			       .log = log, .log_size = sizeof(log) };
	int fd = load(&a);

	if (fd >= 0) {
		close(fd);
		set(r, PROBE_YES, 0, "a kfunc call loaded");
	} else if (is_perm(fd)) {
		set_perm(r, fd, "BPF_PROG_LOAD");
	} else if (strstr(log, "not supported")) {
		set(r, PROBE_NO, fd, "the verifier says calling kernel functions is not supported");
	} else if (strstr(log, "btf_id") || strstr(log, "kernel function") ||
		   strstr(log, "kfunc")) {
		set(r, PROBE_YES, fd, "known: the verifier looked the kfunc up in vmlinux BTF");
	} else {
		set(r, PROBE_NO, fd, "the verifier does not know kfunc calls: %s",
		    sys_errno_name(fd));
	}
}

static void probe_log_true_size(struct probe_result *r)
{
	struct bpf_insn insns[] = { I_MOV64_IMM(0, 0), I_EXIT() };
	char log[4096];
	struct load_args a = { .type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns, .cnt = 2,
			       .log = log, .log_size = sizeof(log) };
	int fd = load(&a);

	if (fd >= 0)
		close(fd);
	if (fd < 0 && is_perm(fd))
		set_perm(r, fd, "BPF_PROG_LOAD");
	else if (fd < 0)
		set(r, PROBE_UNKNOWN, fd, "the probe program did not load: %s", sys_errno_name(fd));
	else if (a.log_true_size)
		set(r, PROBE_YES, 0, "the kernel reported a log size of %u bytes", a.log_true_size);
	else
		set(r, PROBE_NO, 0, "the kernel left log_true_size at 0");
}

static void probe_vmlinux_mmap(struct probe_result *r)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0) {
		int err = -errno;

		set(r, is_perm(err) ? PROBE_UNKNOWN : PROBE_NO, err, "cannot open %s: %s", path,
		    sys_errno_name(err));
		return;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		set(r, PROBE_UNKNOWN, -EINVAL, "%s has no size", path);
		return;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		int err = -errno;

		set(r, is_perm(err) ? PROBE_UNKNOWN : PROBE_NO, err, "mmap of %s: %s", path,
		    sys_errno_name(err));
		return;
	}
	if (*(const uint16_t *)p == BTF_MAGIC)
		set(r, PROBE_YES, 0, "%s mapped (%lld bytes)", path, (long long)st.st_size);
	else
		set(r, PROBE_NO, -EINVAL, "%s mapped, but holds no BTF magic", path);
	munmap(p, (size_t)st.st_size);
}

static void probe_bind_map(struct probe_result *r)
{
	int map = create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	int prog = load_trivial(BPF_PROG_TYPE_SOCKET_FILTER, 0, 0);
	int err;

	if (map < 0 || prog < 0) {
		err = map < 0 ? map : prog;
		set(r, is_perm(err) ? PROBE_UNKNOWN : PROBE_NO, err, "setup failed: %s",
		    sys_errno_name(err));
	} else if ((err = sys_prog_bind_map(prog, map, 0)) == 0) {
		set(r, PROBE_YES, 0, "a map was bound to a program");
	} else if (is_perm(err)) {
		set_perm(r, err, "BPF_PROG_BIND_MAP");
	} else {
		set(r, PROBE_NO, err, "BPF_PROG_BIND_MAP: %s", sys_errno_name(err));
	}
	if (map >= 0)
		close(map);
	if (prog >= 0)
		close(prog);
}

static void run_feature_probe(enum probe_feature f, struct probe_result *r)
{
	struct sys_link_create_opts lo = { 0 };
	uint64_t off = 0;

	switch (f) {
	case PROBE_BTF:
	case PROBE_BTF_FUNC:
	case PROBE_BTF_GLOBAL_FUNC:
	case PROBE_BTF_DATASEC:
	case PROBE_BTF_FLOAT:
	case PROBE_BTF_DECL_TAG:
	case PROBE_BTF_TYPE_TAG:
	case PROBE_BTF_ENUM64:
		probe_btf_kind(f, r);
		break;
	case PROBE_LINK_PERF:
		lo.prog_fd = load_trivial(BPF_PROG_TYPE_TRACEPOINT, 0, 0);
		lo.target_fd = -1;
		lo.attach_type = BPF_PERF_EVENT;
		link_probe(r, lo.prog_fd, &lo, -EBADF, "perf_event");
		break;
	case PROBE_LINK_TRACING:
		probe_tracing_link(r);
		break;
	case PROBE_LINK_XDP:
		probe_xdp_link(r);
		break;
	case PROBE_LINK_TCX:
		lo.prog_fd = load_trivial(BPF_PROG_TYPE_SCHED_CLS, 0, 0);
		lo.target_fd = NO_SUCH_IFINDEX;
		lo.attach_type = BPF_TCX_INGRESS;
		link_probe(r, lo.prog_fd, &lo, -ENODEV, "tcx");
		break;
	case PROBE_LINK_NETKIT:
		lo.prog_fd = load_trivial(BPF_PROG_TYPE_SCHED_CLS, 0, 0);
		lo.target_fd = NO_SUCH_IFINDEX;
		lo.attach_type = BPF_NETKIT_PRIMARY;
		link_probe(r, lo.prog_fd, &lo, -ENODEV, "netkit");
		break;
	case PROBE_LINK_KPROBE_MULTI: {
		static const char *const syms[] = { "rawbpf_probe_no_such_function" };

		lo.prog_fd = load_trivial(BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0);
		lo.attach_type = BPF_TRACE_KPROBE_MULTI;
		lo.multi_cnt = 1;
		lo.kprobe_syms = syms;
		link_probe(r, lo.prog_fd, &lo, -ESRCH, "kprobe_multi");
		/* Some kernels report a missing symbol as ENOENT. */
		if (r->state != PROBE_YES && r->err == -ENOENT)
			set(r, PROBE_YES, -ENOENT, "known: the kernel looked for the symbol");
		break;
	}
	case PROBE_LINK_UPROBE_MULTI:
		/* "/" is no regular file: a kernel that knows uprobe_multi says EBADF. */
		lo.prog_fd = load_trivial(BPF_PROG_TYPE_KPROBE, BPF_TRACE_UPROBE_MULTI, 0);
		lo.attach_type = BPF_TRACE_UPROBE_MULTI;
		lo.uprobe_path = "/";
		lo.uprobe_offsets = &off;
		lo.multi_cnt = 1;
		link_probe(r, lo.prog_fd, &lo, -EBADF, "uprobe_multi");
		break;
	case PROBE_PROG_NAME: {
		struct bpf_insn insns[] = { I_MOV64_IMM(0, 0), I_EXIT() };
		struct load_args a = { .type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns,
				       .cnt = 2, .name = "rawbpf_probe" };

		probe_loaded(r, &a, "a named program loaded", "a named program was refused");
		break;
	}
	case PROBE_GLOBAL_DATA:
		probe_global_data(r);
		break;
	case PROBE_BPF_COOKIE: {
		struct bpf_insn insns[] = { I_CALL(BPF_FUNC_get_attach_cookie), I_MOV64_IMM(0, 0),
					    I_EXIT() };
		struct load_args a = { .type = BPF_PROG_TYPE_TRACEPOINT, .insns = insns,
				       .cnt = 3 };

		probe_loaded(r, &a, "a tracepoint program called bpf_get_attach_cookie",
			     "bpf_get_attach_cookie refused");
		break;
	}
	case PROBE_LOG_TRUE_SIZE:
		probe_log_true_size(r);
		break;
	case PROBE_VMLINUX_BTF_MMAP:
		probe_vmlinux_mmap(r);
		break;
	case PROBE_KFUNC_CALL:
		probe_kfunc(r);
		break;
	case PROBE_ARRAY_MMAP: {
		int fd = create_map(BPF_MAP_TYPE_ARRAY, 4, 4, 1, BPF_F_MMAPABLE);

		if (fd >= 0) {
			close(fd);
			set(r, PROBE_YES, 0, "an mmapable array map was created");
		} else if (is_perm(fd)) {
			set_perm(r, fd, "BPF_MAP_CREATE");
		} else {
			set(r, PROBE_NO, fd, "BPF_F_MMAPABLE refused: %s", sys_errno_name(fd));
		}
		break;
	}
	case PROBE_EXP_ATTACH_TYPE: {
		struct bpf_insn insns[] = { I_MOV64_IMM(0, 1), I_EXIT() };
		struct load_args a = { .type = BPF_PROG_TYPE_CGROUP_SOCK,
				       .expected = BPF_CGROUP_INET4_POST_BIND, .insns = insns,
				       .cnt = 2 };

		probe_loaded(r, &a, "a cgroup_sock program with an expected attach type loaded",
			     "expected_attach_type refused");
		break;
	}
	case PROBE_PROG_BIND_MAP:
		probe_bind_map(r);
		break;
	case PROBE_MEMCG_ACCOUNT: {
		/* bpf_ktime_get_coarse_ns came in the same release as memcg accounting (5.11). */
		struct bpf_insn insns[] = { I_CALL(BPF_FUNC_ktime_get_coarse_ns), I_MOV64_IMM(0, 0),
					    I_EXIT() };
		struct load_args a = { .type = BPF_PROG_TYPE_SOCKET_FILTER, .insns = insns,
				       .cnt = 3 };

		probe_loaded(r, &a, "bpf_ktime_get_coarse_ns is there: memory is charged to memcg",
			     "no bpf_ktime_get_coarse_ns: memory counts against RLIMIT_MEMLOCK");
		break;
	}
	default:
		set(r, PROBE_UNKNOWN, -EINVAL, "no such probe");
		break;
	}
}

static const struct {
	const char *name;
	const char *group;
} feature_names[PROBE_FEATURE_COUNT] = {
	[PROBE_BTF] = { "btf", "btf" },
	[PROBE_BTF_FUNC] = { "btf_func", "btf" },
	[PROBE_BTF_GLOBAL_FUNC] = { "btf_func_global", "btf" },
	[PROBE_BTF_DATASEC] = { "btf_datasec", "btf" },
	[PROBE_BTF_FLOAT] = { "btf_float", "btf" },
	[PROBE_BTF_DECL_TAG] = { "btf_decl_tag", "btf" },
	[PROBE_BTF_TYPE_TAG] = { "btf_type_tag", "btf" },
	[PROBE_BTF_ENUM64] = { "btf_enum64", "btf" },
	[PROBE_LINK_PERF] = { "perf_event", "links" },
	[PROBE_LINK_TRACING] = { "tracing", "links" },
	[PROBE_LINK_XDP] = { "xdp", "links" },
	[PROBE_LINK_TCX] = { "tcx", "links" },
	[PROBE_LINK_NETKIT] = { "netkit", "links" },
	[PROBE_LINK_KPROBE_MULTI] = { "kprobe_multi", "links" },
	[PROBE_LINK_UPROBE_MULTI] = { "uprobe_multi", "links" },
	[PROBE_PROG_NAME] = { "prog_name", "misc" },
	[PROBE_GLOBAL_DATA] = { "global_data", "misc" },
	[PROBE_BPF_COOKIE] = { "bpf_cookie", "misc" },
	[PROBE_LOG_TRUE_SIZE] = { "log_true_size", "misc" },
	[PROBE_VMLINUX_BTF_MMAP] = { "vmlinux_btf_mmap", "misc" },
	[PROBE_KFUNC_CALL] = { "kfunc_call", "misc" },
	[PROBE_ARRAY_MMAP] = { "array_mmap", "misc" },
	[PROBE_EXP_ATTACH_TYPE] = { "expected_attach_type", "misc" },
	[PROBE_PROG_BIND_MAP] = { "prog_bind_map", "misc" },
	[PROBE_MEMCG_ACCOUNT] = { "memcg_account", "misc" },
};

const char *probe_feature_name(enum probe_feature f)
{
	return (unsigned int)f < PROBE_FEATURE_COUNT ? feature_names[f].name : NULL;
}

const char *probe_feature_group(enum probe_feature f)
{
	return (unsigned int)f < PROBE_FEATURE_COUNT ? feature_names[f].group : NULL;
}

const struct probe_result *probe_feature(enum probe_feature f)
{
	if ((unsigned int)f >= PROBE_FEATURE_COUNT)
		return NULL;
	if (!feature_cache[f].done) {
		/* Mark first: a probe that consults another never recurses into itself. */
		feature_cache[f].done = 1;
		set(&feature_cache[f].r, PROBE_UNKNOWN, 0, "probe in progress");
		run_feature_probe(f, &feature_cache[f].r);
	}
	return &feature_cache[f].r;
}
