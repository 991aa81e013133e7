// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The public face of the feature probes (rb_probe_*): one flat, ordered list over the
 * probes of bpf/probe.c and the PMU lookups of bpf/perf.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpf/names.h"
#include "bpf/perf.h"
#include "bpf/probe.h"
#include "bpf/sys.h"
#include "btf/btf.h"

/* The PMUs dynamic probes use: kprobe and uprobe (type and return-probe bit). */
static const char *const pmus[] = { "kprobe", "uprobe" };
#define NPMUS (sizeof(pmus) / sizeof(pmus[0]))

#define NPROGS (RB_PROG_TYPE_MAX - 1)
#define NMAPS (RB_MAP_TYPE_MAX - 1)

static struct probe_result pmu_results[NPMUS];
static int pmu_done[NPMUS];

static const struct probe_result *probe_pmu(size_t i)
{
	struct probe_result *r = &pmu_results[i];
	struct rb_error e = { 0 };
	int type, bit;

	if (pmu_done[i])
		return r;
	pmu_done[i] = 1;
	type = sys_pmu_type(pmus[i], &e);
	if (type < 0) {
		r->state = type == -ENOENT ? PROBE_NO : PROBE_UNKNOWN;
		r->err = type;
		/* the sentence is short ("this kernel has no 'kprobe' PMU (no ...)"); cut if not */
		memcpy(r->detail, e.msg, sizeof(r->detail) - 1);
		r->detail[sizeof(r->detail) - 1] = '\0';
		return r;
	}
	bit = sys_pmu_retprobe_bit(pmus[i], &e);
	r->state = PROBE_YES;
	r->err = 0;
	if (bit >= 0)
		snprintf(r->detail, sizeof(r->detail), "perf type %d, return probes with config bit %d",
			 type, bit);
	else
		snprintf(r->detail, sizeof(r->detail), "perf type %d, no return-probe bit", type);
	return r;
}

/* The tracing-link probe needs a tp_btf target id: looked up in the running kernel's BTF. */
static int vmlinux_btf_id(const char *name, int kind, void *ctx)
{
	struct btf *btf = NULL;
	int id;

	(void)ctx;
	id = btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &btf, NULL);
	if (id < 0)
		return id;
	id = btf_find(btf, name, kind);
	btf_free(btf);
	return id;
}

static void install_resolver(void)
{
	static int done;

	if (!done) {
		probe_set_btf_resolver(vmlinux_btf_id, NULL);
		done = 1;
	}
}

RB_API size_t rb_probe_count(void)
{
	return NPROGS + NMAPS + PROBE_FEATURE_COUNT + NPMUS;
}

static void fill(struct rb_feature *out, const char *group, const char *name,
		 const struct probe_result *r)
{
	out->group = group;
	out->name = name;
	out->state = (enum rb_feature_state)r->state;
	out->err = r->err;
	out->detail = r->detail;
}

RB_API int rb_probe_get(size_t i, struct rb_feature *out)
{
	install_resolver();
	if (i < NPROGS) {
		fill(out, "program_types", sys_prog_type_name((uint32_t)i + 1),
		     probe_prog_type((uint32_t)i + 1));
		return 0;
	}
	i -= NPROGS;
	if (i < NMAPS) {
		fill(out, "map_types", sys_map_type_name((uint32_t)i + 1),
		     probe_map_type((uint32_t)i + 1));
		return 0;
	}
	i -= NMAPS;
	if (i < PROBE_FEATURE_COUNT) {
		enum probe_feature f = (enum probe_feature)i;

		fill(out, probe_feature_group(f), probe_feature_name(f), probe_feature(f));
		return 0;
	}
	i -= PROBE_FEATURE_COUNT;
	if (i < NPMUS) {
		fill(out, "pmus", pmus[i], probe_pmu(i));
		return 0;
	}
	return -ERANGE;
}

/* Names without running probes: the same order as rb_probe_get. */
static void name_of(size_t i, const char **group, const char **name)
{
	if (i < NPROGS) {
		*group = "program_types";
		*name = sys_prog_type_name((uint32_t)i + 1);
	} else if ((i -= NPROGS) < NMAPS) {
		*group = "map_types";
		*name = sys_map_type_name((uint32_t)i + 1);
	} else if ((i -= NMAPS) < PROBE_FEATURE_COUNT) {
		*group = probe_feature_group((enum probe_feature)i);
		*name = probe_feature_name((enum probe_feature)i);
	} else {
		i -= PROBE_FEATURE_COUNT;
		*group = "pmus";
		*name = pmus[i];
	}
}

RB_API int rb_probe_find(const char *group, const char *name, struct rb_feature *out)
{
	for (size_t i = 0; i < rb_probe_count(); i++) {
		const char *g, *n;

		name_of(i, &g, &n);
		if (g && n && !strcmp(g, group) && !strcmp(n, name))
			return rb_probe_get(i, out);
	}
	return -ENOENT;
}

RB_API const char *rb_feature_state_str(enum rb_feature_state state)
{
	switch (state) {
	case RB_FEATURE_YES:
		return "yes";
	case RB_FEATURE_NO:
		return "no";
	default:
		return "unknown";
	}
}

RB_API const char *rb_errno_name(int err)
{
	return err ? sys_errno_name(err) : "";
}
