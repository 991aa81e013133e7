// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Kernel helper names by id, the way the kernel's verifier log prints them ("bpf_" + the
 * UAPI name). The list comes from the installed UAPI header's __BPF_FUNC_MAPPER, whose
 * FN() takes (name) on 6.1 headers and (name, id) on newer ones: a variadic FN takes both.
 * Helpers added after the installed headers are listed by hand with their fixed ids.
 */
#include <errno.h>
#include <string.h>

#include "bpf/disasm.h"

/*
 * 6.1 headers put the commas between FN(name) entries themselves; newer ones call FN(name,
 * id) with none in between, so the comma comes from us only when an id argument is there.
 */
#define RB_HELPER_NAME(name, ...) [BPF_FUNC_##name] = "bpf_" #name __VA_OPT__(, )
static const char *const helper_names[] = {__BPF_FUNC_MAPPER(RB_HELPER_NAME)};
#undef RB_HELPER_NAME

#define HDR_HELPERS ((int)(sizeof(helper_names) / sizeof(helper_names[0])))

/* Helpers newer than the 6.1 UAPI headers (the helper list is frozen since 6.2). */
static const struct {
	int id;
	const char *name;
} newer_helpers[] = {
	{210, "bpf_cgrp_storage_get"},
	{211, "bpf_cgrp_storage_delete"},
};

#define NEWER_HELPERS ((int)(sizeof(newer_helpers) / sizeof(newer_helpers[0])))

const char *disasm_helper_name(int32_t id)
{
	if (id < 0)
		return NULL;
	if (id < HDR_HELPERS)
		return id == BPF_FUNC_unspec ? NULL : helper_names[id];
	for (int i = 0; i < NEWER_HELPERS; i++)
		if (newer_helpers[i].id == id)
			return newer_helpers[i].name;
	return NULL;
}

int disasm_helper_count(void)
{
	int n = HDR_HELPERS;

	for (int i = 0; i < NEWER_HELPERS; i++)
		if (newer_helpers[i].id >= n)
			n = newer_helpers[i].id + 1;
	return n;
}

int disasm_helper_id(const char *name)
{
	int n = disasm_helper_count();

	if (!name)
		return -EINVAL;
	for (int id = 1; id < n; id++) {
		const char *h = disasm_helper_name(id);

		if (h && (!strcmp(h, name) || !strcmp(h + 4, name)))
			return id;
	}
	return -ENOENT;
}

RB_API const char *rb_helper_name(int id)
{
	return disasm_helper_name(id);
}

RB_API int rb_helper_id(const char *name)
{
	return disasm_helper_id(name);
}
