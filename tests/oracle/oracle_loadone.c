// SPDX-License-Identifier: MIT
/*
 * oracle_loadone: libbpf (the reference loader) loads ONE program of an object, the others
 * switched off (autoload false), and pins it. `bpftool prog loadall` stops at the first
 * program the kernel refuses, so for an object it rejects, the programs after that one are
 * never tried; the corpus differential test (tests/corpus/test_corpus_diff.sh) asks this
 * oracle about each of them instead.
 *
 *   oracle_loadone OBJ PROG PIN_PATH
 *
 * libbpf's messages, debug level included, go to stderr (as with `bpftool -d`), so that the
 * caller can read "prog 'X': failed to load: -E" and the verifier log. Exit 0: loaded and
 * pinned at PIN_PATH; 1: refused (by libbpf or the kernel); 2: usage or no such program.
 */
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int print_all(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	struct bpf_program *p, *want = NULL;
	struct bpf_object *obj;
	int err;

	if (argc != 4) {
		fprintf(stderr, "usage: oracle_loadone OBJ PROG PIN_PATH\n");
		return 2;
	}
	libbpf_set_print(print_all);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "Error: failed to open object file\n");
		return 1;
	}
	bpf_object__for_each_program(p, obj) {
		bool me = !strcmp(bpf_program__name(p), argv[2]);

		bpf_program__set_autoload(p, me);
		if (me)
			want = p;
	}
	if (!want) {
		fprintf(stderr, "Error: no program '%s' in %s\n", argv[2], argv[1]);
		bpf_object__close(obj);
		return 2;
	}
	err = bpf_object__load(obj);
	if (!err)
		err = bpf_program__pin(want, argv[3]);
	if (err)
		fprintf(stderr, "Error: failed to load object file\n");
	bpf_object__close(obj);
	return err ? 1 : 0;
}
