// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libFuzzer over opening an object and everything `rawbpf inspect` and `rawbpf disasm` read
 * from it: sections, programs (with subprograms and type checks), maps (inner, slots, data),
 * variables, externs, and the disassembly of every program.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawbpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_open_opts opts = { .sz = sizeof(opts), .name = "fuzz.o" };
	struct rb_error err = { 0 };
	struct rb_object_info oi;
	struct rb_object *obj;
	size_t n, sub[16];

	if (rb_object_open_mem(data, size, &opts, &obj, &err)) {
		/* Every failure says something. */
		if (!err.msg[0])
			abort();
		return 0;
	}
	rb_object_info(obj, &oi);
	n = rb_object_section_count(obj);
	for (size_t i = 0; i < n; i++) {
		struct rb_section_info si;

		rb_object_section(obj, i, &si);
	}
	n = rb_object_program_count(obj);
	for (size_t i = 0; i < n; i++) {
		struct rb_program_info pi;
		const struct bpf_insn *insns;
		char *text = NULL;
		size_t cnt;

		rb_object_program(obj, i, &pi);
		insns = rb_object_program_insns(obj, i, &cnt);
		(void)insns;
		rb_object_program_subprogs(obj, i, sub, 16);
		rb_object_program_check_type(obj, i, &err);
		if (!rb_object_disasm(obj, i, i & 1, &text, &err))
			free(text);
	}
	n = rb_object_map_count(obj);
	for (size_t i = 0; i < n; i++) {
		struct rb_map_info mi, in;
		size_t len;

		rb_object_map(obj, i, &mi);
		rb_object_map_inner(obj, i, &in);
		rb_object_map_data(obj, i, &len);
		for (size_t s = 0; s < mi.init_slot_cnt; s++) {
			uint32_t key;
			const char *t;

			rb_object_map_slot(obj, i, s, &key, &t);
		}
	}
	n = rb_object_var_count(obj);
	for (size_t i = 0; i < n; i++) {
		struct rb_var_info vi;

		rb_object_var(obj, i, &vi);
	}
	n = rb_object_extern_count(obj);
	for (size_t i = 0; i < n; i++) {
		struct rb_extern_info ei;

		rb_object_extern(obj, i, &ei);
	}
	if (rb_object_program_count(obj)) {
		struct rb_program_info pi;
		char spec[300];

		rb_object_program(obj, 0, &pi);
		snprintf(spec, sizeof(spec), "%.200s=kprobe", pi.name);
		rb_object_set_prog_type(obj, spec, &err);
	}
	rb_object_close(obj);
	return 0;
}
