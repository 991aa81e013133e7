// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Failure families of verifier logs: a stable id, a title and a hint for each, chosen by
 * the kernel's own message text. The patterns are the kernel's wording (verifier.c), which
 * has been stable for years; when a kernel words something new the family is "unknown" and
 * the message is still shown as the kernel wrote it.
 */
#include <stdlib.h>
#include <string.h>

#include "loader/vlog.h"

enum family_idx {
	F_NULL_DEREF,
	F_SCALAR_DEREF,
	F_MAP_VALUE_OOB,
	F_PACKET_OOB,
	F_LOOP_TOO_COMPLEX,
	F_STACK_OOB,
	F_UNINIT_STACK,
	F_UNINIT_REG,
	F_CTX_ACCESS,
	F_HELPER_NOT_ALLOWED,
	F_GPL_ONLY,
	F_UNRELEASED_REF,
	F_ARG_TYPE,
	F_CORE_NO_MATCH,
	F_BAD_RETURN,
	F_TYPE_REFUSED,
	F_ATTACH_TARGET,
	F_SECTION_UNKNOWN,
	F_UNKNOWN,
	F_COUNT,
};

/* clang-format off */
static const struct rb_vlog_family families[F_COUNT] = {
	[F_NULL_DEREF] = {
		"null-deref", "a pointer that may be NULL is used without a check",
		"Compare the pointer with NULL before using it: what bpf_map_lookup_elem() and "
		"other *_or_null results return can be NULL (`if (!val) return 0;`).",
	},
	[F_SCALAR_DEREF] = {
		"scalar-deref", "memory is accessed through a plain number, not a pointer",
		"The register holds a number the verifier cannot treat as a pointer: read kernel "
		"pointers found in memory with bpf_probe_read_kernel() or BPF_CORE_READ(), and "
		"avoid arithmetic that turns a pointer into a number.",
	},
	[F_MAP_VALUE_OOB] = {
		"map-value-oob", "a map value is accessed outside its bounds",
		"Check the offset or index against the size of the value before the access "
		"(`if (idx >= 8) return 0;` for an 8-element array): the verifier needs the "
		"largest possible offset to stay inside value_size.",
	},
	[F_PACKET_OOB] = {
		"packet-oob", "packet data is read or written without a bounds check",
		"Compare with data_end before touching the packet (`if (data + sizeof(*eth) > "
		"data_end) return XDP_PASS;`), and check again after helpers that move the packet "
		"(bpf_xdp_adjust_head, bpf_skb_pull_data).",
	},
	[F_LOOP_TOO_COMPLEX] = {
		"loop-too-complex", "the program is too complex to verify (loops, paths)",
		"The verifier walks every path and every loop iteration, at most 1 million "
		"instructions: give loops a small constant bound it can see, use bpf_loop() or "
		"bpf_for() for long loops, or split the work with tail calls. The most visited "
		"lines of a level-2 log show which loop costs the most.",
	},
	[F_STACK_OOB] = {
		"stack-oob", "the stack is accessed outside the 512-byte frame or an array",
		"Keep stack accesses inside the frame: bound a variable index into a stack array "
		"by the array's size, and move large buffers to a per-CPU array map.",
	},
	[F_UNINIT_STACK] = {
		"uninit-stack", "stack memory is read before it was written",
		"Initialise the variable before passing its address to a helper or reading it "
		"(`__u64 key = 0;` or __builtin_memset). Loaders with CAP_PERFMON may read "
		"uninitialised stack; others may not.",
	},
	[F_UNINIT_REG] = {
		"uninit-reg", "a register is read before anything was written to it",
		"After a helper or function call r1-r5 hold nothing; a value needed after the call "
		"must live in r6-r9 or on the stack. In C this is usually a variable left unset.",
	},
	[F_CTX_ACCESS] = {
		"ctx-access", "the context is accessed at an offset its program type forbids",
		"Read only the fields the program type's context defines, at their size, through "
		"the context pointer itself; tracepoint arguments follow the event's format file, "
		"kernel structures are read with BPF_CORE_READ().",
	},
	[F_HELPER_NOT_ALLOWED] = {
		"helper-not-allowed", "a helper or kfunc this program type may not call",
		"Use a program type that may call it (bpf_redirect is for XDP and tc, for "
		"instance) or another helper; `bpftool feature probe` lists the helpers of each "
		"program type on this kernel.",
	},
	[F_GPL_ONLY] = {
		"gpl-only", "a GPL-only helper is called from a program that is not GPL",
		"Declare a GPL-compatible license: `char LICENSE[] SEC(\"license\") = \"GPL\";` "
		"(or \"Dual BSD/GPL\").",
	},
	[F_UNRELEASED_REF] = {
		"unreleased-ref", "a reference is still held when the program exits",
		"Release what was acquired on every path: submit or discard each ring buffer "
		"reservation (bpf_ringbuf_submit/bpf_ringbuf_discard), bpf_sk_release() sockets "
		"from bpf_sk_lookup_*(), and release acquired kernel objects with their kfunc.",
	},
	[F_ARG_TYPE] = {
		"arg-type", "a helper argument has the wrong type",
		"The helper wants another kind of value in that register (the message lists what "
		"it expected): keys and values must point to the stack or to map memory, sizes "
		"must be bounded numbers. Copy the data to a stack variable first if needed.",
	},
	[F_CORE_NO_MATCH] = {
		"core-no-match", "a CO-RE relocation found no match in this kernel",
		"The type or field does not exist in this kernel's BTF, so the loader poisoned the "
		"instruction that used it. Guard the access with bpf_core_field_exists() or "
		"bpf_core_type_exists(), or give an alternative layout (struct foo___old).",
	},
	[F_BAD_RETURN] = {
		"bad-return", "the program returns a value its type does not allow",
		"Return a value in the range the message names (for example 0 or 1 for cgroup "
		"programs), on every path.",
	},
	[F_TYPE_REFUSED] = {
		"type-refused", "the kernel refuses this program type before verifying it",
		"Nothing in the program is wrong: the kernel turned the type away without a log. "
		"Loading needs root (CAP_BPF, plus CAP_PERFMON for tracing); tracing programs "
		"(fentry, fexit, lsm) and struct_ops programs also need a kernel with BPF "
		"trampolines and no lockdown "
		"(/sys/kernel/security/lockdown) or security module in the way. Try the program on "
		"another kernel, or as a kprobe or tracepoint program.",
	},
	[F_ATTACH_TARGET] = {
		"attach-target-missing",
		"the function the program attaches to (or calls) is not in this kernel",
		"fentry, fexit, lsm and tp_btf programs name their target in the section "
		"(SEC(\"fentry/vfs_read\")): it must be in the kernel's BTF "
		"(/sys/kernel/btf/vmlinux, or a loaded module's). The function may be renamed, "
		"inlined or in a module that is not loaded: pick a target this kernel has, or "
		"leave the program out (--prog) where it is optional.",
	},
	[F_SECTION_UNKNOWN] = {
		"section-unknown", "the loader cannot tell the program's type from its section",
		"The kernel never saw this program: its section name is not one libbpf-style "
		"loaders know (\"socket\", \"xdp\", \"tracepoint/CAT/NAME\", "
		"\"uprobe/BINARY:FUNC\"...). Rename the section, or give the type with "
		"--type PROG=TYPE (rawbpf load and verify), the type its own loader gives it.",
	},
	[F_UNKNOWN] = {
		"unknown", "a failure rawbpf has no hint for",
		"Read the kernel's message and the instructions just before it; the register "
		"state printed there shows what the verifier knew.",
	},
};
/* clang-format on */

struct pattern {
	const char *text; /* a substring of the kernel's message */
	const char *also; /* a second substring required, or NULL */
	enum family_idx family;
};

/* First match wins: the CO-RE poison reads as an unknown helper, so it comes first. */
static const struct pattern patterns[] = {
	/* libbpf's CO-RE poison: a call to helper 0xbad2310, which no kernel has */
	{"unknown#195896080", NULL, F_CORE_NO_MATCH},
	{"invalid CO-RE relocation", NULL, F_CORE_NO_MATCH},
	{"failed to resolve CO-RE relocation", NULL, F_CORE_NO_MATCH},
	{"invalid mem access '", "or_null", F_NULL_DEREF},
	{"Possibly NULL pointer passed", NULL, F_NULL_DEREF},
	{"invalid mem access 'scalar'", NULL, F_SCALAR_DEREF},
	{"invalid mem access 'inv'", NULL, F_SCALAR_DEREF},
	{"invalid access to packet", NULL, F_PACKET_OOB},
	{"outside of the packet", NULL, F_PACKET_OOB},
	{"invalid access to map value", NULL, F_MAP_VALUE_OOB},
	{"math between map_value pointer", NULL, F_MAP_VALUE_OOB},
	{"is outside of the allowed memory range", NULL, F_MAP_VALUE_OOB},
	{"unbounded memory access", NULL, F_MAP_VALUE_OOB},
	{"BPF program is too large", NULL, F_LOOP_TOO_COMPLEX},
	{"is too complex", NULL, F_LOOP_TOO_COMPLEX},
	{"infinite loop detected", NULL, F_LOOP_TOO_COMPLEX},
	{"back-edge from insn", NULL, F_LOOP_TOO_COMPLEX},
	{"invalid indirect read from stack", NULL, F_UNINIT_STACK},
	{"slot poisoned by dead code elimination", NULL, F_UNINIT_STACK},
	/* "invalid read from stack" is decided by its offset in classify_stack_read(). */
	{"invalid write to stack", NULL, F_STACK_OOB},
	{"invalid variable-offset", NULL, F_STACK_OOB},
	{"invalid unbounded variable-offset", NULL, F_STACK_OOB},
	{"invalid stack off=", NULL, F_STACK_OOB},
	{"combined stack size", NULL, F_STACK_OOB},
	{"!read_ok", NULL, F_UNINIT_REG},
	{"invalid bpf_context access", NULL, F_CTX_ACCESS},
	{"dereference of modified ctx ptr", NULL, F_CTX_ACCESS},
	{"cannot call GPL-restricted function", NULL, F_GPL_ONLY},
	{"program of this type cannot use helper", NULL, F_HELPER_NOT_ALLOWED},
	{"unknown func ", NULL, F_HELPER_NOT_ALLOWED},
	{"calling kernel function", "is not allowed", F_HELPER_NOT_ALLOWED},
	{"Unreleased reference", NULL, F_UNRELEASED_REF},
	{"would lead to reference leak", NULL, F_UNRELEASED_REF},
	{" type=", " expected=", F_ARG_TYPE},
	{"At program exit the register R0", NULL, F_BAD_RETURN},
	/* Refusals without a verifier message, in the loader's words (bpf/explain.c). */
	{"refuses every BPF program", NULL, F_TYPE_REFUSED},
	{"programs outright", NULL, F_TYPE_REFUSED},
	{"this kernel does not support", " programs", F_TYPE_REFUSED},
	{"is not in the kernel's BTF", NULL, F_ATTACH_TARGET},
	/* freplace: the program it replaces a function of is named at load (load.c) */
	{"replaces a function of a loaded program", NULL, F_ATTACH_TARGET},
	{"freplace target", NULL, F_ATTACH_TARGET},
	{"unknown section name '", NULL, F_SECTION_UNKNOWN},
	{"malformed attach target", NULL, F_SECTION_UNKNOWN},
	{"attach target or a kernel function the program calls does not exist", NULL,
	 F_ATTACH_TARGET},
	/* The kernel's own words for a missing or wrong attach target. */
	{"Tracing programs must provide btf_id", NULL, F_ATTACH_TARGET},
	{"The address of function ", "cannot be found", F_ATTACH_TARGET},
	{"attach_btf_id ", " is not a function", F_ATTACH_TARGET},
};

const struct rb_vlog_family *vlog_family_unknown(void)
{
	return &families[F_UNKNOWN];
}

const struct rb_vlog_family *rb_vlog_families(size_t *n)
{
	if (n)
		*n = F_COUNT;
	return families;
}

const struct rb_vlog_family *rb_vlog_family_by_id(const char *id)
{
	if (!id)
		return NULL;
	for (size_t i = 0; i < F_COUNT; i++)
		if (!strcmp(families[i].id, id))
			return &families[i];
	return NULL;
}

/*
 * "invalid read from stack R2 off=-8 size=8": the kernel words an out-of-frame read and a
 * read of never-written stack (for loaders without CAP_PERFMON) alike. An offset inside the
 * 512-byte frame can only fail for the second reason.
 */
static const struct rb_vlog_family *classify_stack_read(const char *at)
{
	const char *off = strstr(at, " off=");
	const char *space_off = strstr(at, " off ");
	long v;

	if (space_off && (!off || space_off < off))
		return &families[F_UNINIT_STACK]; /* "off -8+0 size 8": a slot not written */
	if (!off)
		return &families[F_UNINIT_STACK];
	v = strtol(off + 5, NULL, 10);
	if (v >= -512 && v < 0)
		return &families[F_UNINIT_STACK];
	return &families[F_STACK_OOB];
}

const struct rb_vlog_family *rb_vlog_classify(const char *msg)
{
	const char *at;

	if (!msg)
		return &families[F_UNKNOWN];
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		at = strstr(msg, patterns[i].text);
		if (!at)
			continue;
		if (patterns[i].also && !strstr(msg, patterns[i].also))
			continue;
		return &families[patterns[i].family];
	}
	at = strstr(msg, "invalid read from stack");
	if (at)
		return classify_stack_read(at);
	return &families[F_UNKNOWN];
}
