// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The CO-RE engine on real objects against this kernel's vmlinux BTF: the first record's
 * cost (target name index + flavored-name list + candidate search) apart from the rest.
 * Objects: build/corpus (make corpus) and build/samples. rawbpf only: libbpf 1.1 has no
 * user-space-only CO-RE entry point to time against (it relocates inside bpf_object__load).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btf/btf.h"
#include "loader/btf_file.h"
#include "relo/core.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(void)
{
	const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
	char manifest[512], line[1024], path[512];
	double open_us, first_us = 0, rest_us = 0, t0;
	uint32_t objs = 0, recs = 0, errs = 0;
	struct rb_error err;
	struct btf *vmlinux;
	FILE *f;

	t0 = now_us();
	if (btf_open_raw("/sys/kernel/btf/vmlinux", NULL, &vmlinux, &err)) {
		printf("bench_core: SKIP: %s\n", err.msg);
		return 0;
	}
	open_us = now_us() - t0;
	snprintf(manifest, sizeof(manifest), "%s/corpus/MANIFEST", build);
	f = fopen(manifest, "r");
	if (!f) {
		printf("bench_core: SKIP: no %s (run make corpus)\n", manifest);
		btf_free(vmlinux);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		struct core_target tg = { vmlinux, "vmlinux" };
		struct btf *btf;
		struct btf_ext *ext;
		struct core_ctx *cc;
		char endian[8];
		bool first = true;

		if (sscanf(line, "%511s %*s %7s", path, endian) != 2 || strcmp(endian, "le"))
			continue;
		if (elf_read_btf(path, NULL, &btf, &err))
			continue;
		if (elf_read_btf_ext(path, btf, &ext, &err) ||
		    !btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO)) {
			btf_ext_free(ext);
			btf_free(btf);
			continue;
		}
		core_ctx_new(btf, &tg, 1, &cc, &err);
		objs++;
		for (uint32_t s = 0; s < btf_ext_nr_secs(ext, BTF_EXT_CORE_RELO); s++) {
			const struct btf_ext_sec *sec = btf_ext_sec_at(ext, BTF_EXT_CORE_RELO, s);

			for (uint32_t i = 0; i < sec->nr; i++) {
				struct core_result res;
				double t = now_us();
				int r = core_calc(cc, btf_ext_rec(sec, i), "p", i, &res, &err);

				t = now_us() - t;
				if (first)
					first_us += t;
				else
					rest_us += t;
				first = false;
				recs++;
				if (r)
					errs++;
				else
					core_result_free(&res);
			}
		}
		core_ctx_free(cc);
		btf_ext_free(ext);
		btf_free(btf);
	}
	fclose(f);
	printf("bench_core: %u objects with CO-RE, %u records (%u errors) against vmlinux\n", objs,
	       recs, errs);
	printf("  vmlinux open          %8.0f us (once)\n", open_us);
	printf("  first record/object   %8.1f us avg (first one also builds the name index)\n",
	       objs ? first_us / objs : 0);
	printf("  other records         %8.2f us avg\n",
	       recs > objs ? rest_us / (recs - objs) : 0);
	btf_free(vmlinux);
	return 0;
}
