// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The kernel's refusals in words: errno + request + (where needed) a probe run afterwards. */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bpf/explain.h"
#include "bpf/names.h"
#include "bpf/probe.h"

#define ENOTSUPP_KERNEL 524 /* the kernel's internal "not supported", seen by user space */
#define MAX_INSNS_PRIV 1000000
#define MAX_INSNS_UNPRIV 4096

static const char *prog_type_str(uint32_t t)
{
	const char *n = sys_prog_type_name(t);

	return n ? n : "unknown";
}

static const char *map_type_str(uint32_t t)
{
	const char *n = sys_map_type_name(t);

	return n ? n : "unknown";
}

/* Old kernels (before 5.11) charge BPF memory to RLIMIT_MEMLOCK: a common EPERM/ENOMEM. */
static int memlock_is_the_limit(struct strbuf *sb)
{
	struct rlimit rl;

	if (probe_feature(PROBE_MEMCG_ACCOUNT)->state != PROBE_NO)
		return 0;
	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return 0;
	sb_printf(sb,
		  "this kernel charges BPF memory to RLIMIT_MEMLOCK, which is %llu KiB here: raise it "
		  "(ulimit -l unlimited)",
		  (unsigned long long)rl.rlim_cur / 1024);
	return 1;
}

static int not_privileged(struct strbuf *sb, const char *what)
{
	if (geteuid() == 0)
		return 0;
	sb_printf(sb,
		  "%s needs privileges: run as root (or with CAP_BPF, plus CAP_PERFMON for tracing "
		  "and CAP_NET_ADMIN for networking programs)",
		  what);
	return 1;
}

static int log_empty(const char *log)
{
	return !log || !log[0];
}

/* An empty log, or one whose statistics say no instruction was verified. */
static int verified_nothing(const char *log)
{
	return log_empty(log) || strstr(log, "processed 0 insns");
}

void explain_prog_load(struct strbuf *sb, int err, const struct sys_prog_load_opts *o,
		       const char *log)
{
	const char *type = prog_type_str(o->prog_type);
	const struct probe_result *pr;

	if (err > 0)
		err = -err;
	switch (err) {
	case -EPERM:
	case -EACCES:
		if (!log_empty(log)) {
			sb_printf(sb, "the verifier rejected the program (%s); its log says why",
				  sys_errno_name(err));
			return;
		}
		if (not_privileged(sb, "loading BPF programs") || memlock_is_the_limit(sb))
			return;
		/* Empty log: refused before verification. Is it this type, or everything? */
		if (probe_prog_type(BPF_PROG_TYPE_SOCKET_FILTER)->state == PROBE_UNKNOWN) {
			sb_printf(sb,
				  "the kernel refuses every BPF program (%s before verification): "
				  "kernel lockdown or a security policy forbids BPF here",
				  sys_errno_name(err));
			return;
		}
		pr = probe_prog_type(o->prog_type);
		if (pr && pr->state == PROBE_UNKNOWN) {
			sb_printf(sb,
				  "the kernel refuses %s programs outright (%s before verification, "
				  "while other program types load): kernel lockdown, a security "
				  "policy, or a kernel built without what this type needs",
				  type, sys_errno_name(err));
			return;
		}
		sb_printf(sb, "the kernel refused the %s program with %s before verification",
			  type, sys_errno_name(err));
		return;
	case -EINVAL:
		if (!log_empty(log)) {
			sb_printf(sb, "the verifier rejected the program (EINVAL); its log says why");
			return;
		}
		pr = probe_prog_type(o->prog_type);
		if (pr && pr->state == PROBE_NO) {
			sb_printf(sb, "this kernel does not support %s programs", type);
			return;
		}
		if (!pr) {
			sb_printf(sb, "program type %u is unknown to rawbpf and to this kernel",
				  o->prog_type);
			return;
		}
		if (o->expected_attach_type || o->attach_btf_id || o->prog_flags) {
			const char *at = sys_attach_type_name(o->expected_attach_type);

			sb_printf(sb,
				  "the kernel refused the load attributes before verification (EINVAL): "
				  "%s programs load here, so the expected attach type (%s), attach "
				  "target (BTF id %u) or program flags (0x%x) are what it rejects",
				  type, at ? at : "unknown", o->attach_btf_id, o->prog_flags);
			return;
		}
		sb_printf(sb, "the kernel refused the program before verification (EINVAL)");
		return;
	case -E2BIG:
		if (o->insn_cnt > MAX_INSNS_PRIV) {
			sb_printf(sb, "the program has %u instructions, more than the kernel's limit "
				      "of %d",
				  o->insn_cnt, MAX_INSNS_PRIV);
		} else if (!log_empty(log)) {
			sb_printf(sb, "the program is too complex for the verifier (E2BIG); its log "
				      "says where it gave up");
		} else if (geteuid() != 0 && o->insn_cnt > MAX_INSNS_UNPRIV) {
			sb_printf(sb, "the program has %u instructions; without privileges the limit "
				      "is %d",
				  o->insn_cnt, MAX_INSNS_UNPRIV);
		} else {
			sb_printf(sb, "the kernel does not know an attribute rawbpf sent (E2BIG): it "
				      "is older than a feature this load uses");
		}
		return;
	case -ENOSPC:
		sb_printf(sb, "the verifier log did not fit in its buffer (ENOSPC)");
		return;
	case -ENOMEM:
		if (memlock_is_the_limit(sb))
			return;
		sb_printf(sb, "the kernel ran out of memory loading the program (ENOMEM)");
		return;
	case -EBADF:
		sb_printf(sb, "a file descriptor the program refers to (a map, the BTF, or the "
			      "attach target) is not valid (EBADF)");
		return;
	case -ENOENT:
	case -ESRCH:
		sb_printf(sb, "the attach target or a kernel function the program calls does not "
			      "exist in this kernel (%s)",
			  sys_errno_name(err));
		return;
	case -ENOTSUPP_KERNEL:
	case -EOPNOTSUPP:
		if (o->prog_type == BPF_PROG_TYPE_STRUCT_OPS && verified_nothing(log)) {
			/* the struct_ops member check comes first: nothing was verified */
			sb_printf(sb,
				  "the kernel refuses struct_ops programs outright here (%s before "
				  "verification): it calls them through BPF trampolines, which this "
				  "kernel cannot make, or it has no struct_ops support for member %u "
				  "of the struct (BTF id %u)",
				  sys_errno_name(err), o->expected_attach_type, o->attach_btf_id);
			return;
		}
		sb_printf(sb, "the program uses something this kernel does not support for %s "
			      "programs (%s)",
			  type, sys_errno_name(err));
		return;
	case -EFAULT:
		sb_printf(sb, "the kernel could not read part of the request (EFAULT)");
		return;
	default:
		sb_printf(sb, "BPF_PROG_LOAD failed with %s (%s)", sys_errno_name(err),
			  strerror(-err));
		return;
	}
}

static int power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Would the same map be created without this part? A real create, closed at once. */
static int creates_without(const struct sys_map_create_opts *o, int drop_flags, int drop_btf)
{
	struct sys_map_create_opts c = *o;
	int fd;

	if (drop_flags)
		c.map_flags = 0;
	if (drop_btf) {
		c.btf_fd = 0;
		c.btf_key_type_id = 0;
		c.btf_value_type_id = 0;
	}
	fd = sys_map_create(&c);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

void explain_map_create(struct strbuf *sb, int err, const struct sys_map_create_opts *o)
{
	const char *type = map_type_str(o->map_type);
	long page = sysconf(_SC_PAGESIZE);
	const struct probe_result *pr;

	if (err > 0)
		err = -err;
	if ((o->map_type == BPF_MAP_TYPE_RINGBUF || o->map_type == BPF_MAP_TYPE_USER_RINGBUF) &&
	    (err == -EINVAL) &&
	    (!power_of_two(o->max_entries) || o->max_entries % (uint32_t)page)) {
		sb_printf(sb,
			  "ring buffer size %u is not a power-of-two multiple of the page size (%ld "
			  "bytes)",
			  o->max_entries, page);
		return;
	}
	switch (err) {
	case -EINVAL:
		pr = probe_map_type(o->map_type);
		if (!pr || pr->state == PROBE_NO) {
			sb_printf(sb, "this kernel does not support %s maps", type);
			return;
		}
		if (o->max_entries == 0 && o->map_type != BPF_MAP_TYPE_CGROUP_STORAGE &&
		    o->map_type != BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE &&
		    o->map_type != BPF_MAP_TYPE_SK_STORAGE &&
		    o->map_type != BPF_MAP_TYPE_INODE_STORAGE &&
		    o->map_type != BPF_MAP_TYPE_TASK_STORAGE &&
		    o->map_type != BPF_MAP_TYPE_CGRP_STORAGE) {
			sb_printf(sb, "max_entries is 0, which %s maps do not accept", type);
			return;
		}
		if (o->map_flags && creates_without(o, 1, 0)) {
			sb_printf(sb, "map flags 0x%x are not supported for %s maps on this kernel",
				  o->map_flags, type);
			return;
		}
		if (o->btf_fd > 0 && creates_without(o, 0, 1)) {
			sb_printf(sb,
				  "the kernel rejected the map's BTF types (key type %u, value type %u) "
				  "for a %s map",
				  o->btf_key_type_id, o->btf_value_type_id, type);
			return;
		}
		sb_printf(sb,
			  "the kernel refused the %s map's sizes or attributes (EINVAL: key_size %u, "
			  "value_size %u, max_entries %u, flags 0x%x)",
			  type, o->key_size, o->value_size, o->max_entries, o->map_flags);
		return;
	case -E2BIG:
		sb_printf(sb,
			  "the %s map is larger than the kernel allows (E2BIG: key_size %u, "
			  "value_size %u, max_entries %u)",
			  type, o->key_size, o->value_size, o->max_entries);
		return;
	case -EPERM:
	case -EACCES:
		if (not_privileged(sb, "creating BPF maps") || memlock_is_the_limit(sb))
			return;
		sb_printf(sb, "the kernel refuses to create %s maps here (%s): lockdown or a "
			      "security policy",
			  type, sys_errno_name(err));
		return;
	case -ENOMEM:
		if (memlock_is_the_limit(sb))
			return;
		sb_printf(sb, "the kernel could not allocate the %s map (%u entries of %u bytes)",
			  type, o->max_entries, o->value_size);
		return;
	case -ENOTSUPP_KERNEL:
	case -EOPNOTSUPP:
		sb_printf(sb, "this kernel cannot create this %s map (%s)", type,
			  sys_errno_name(err));
		return;
	case -EBADF:
		sb_printf(sb, "the BTF or inner map file descriptor given is not valid (EBADF)");
		return;
	default:
		sb_printf(sb, "BPF_MAP_CREATE failed with %s (%s)", sys_errno_name(err),
			  strerror(-err));
		return;
	}
}

void explain_btf_load(struct strbuf *sb, int err, const char *log)
{
	if (err > 0)
		err = -err;
	if ((err == -EPERM || err == -EACCES) && not_privileged(sb, "loading BTF"))
		return;
	if (err == -EINVAL && !log_empty(log)) {
		sb_printf(sb, "the kernel rejected the BTF (EINVAL); its log names the type");
		return;
	}
	if (err == -EINVAL && probe_feature(PROBE_BTF)->state == PROBE_NO) {
		sb_printf(sb, "this kernel does not load BTF at all");
		return;
	}
	sb_printf(sb, "BPF_BTF_LOAD failed with %s (%s)", sys_errno_name(err), strerror(-err));
}
