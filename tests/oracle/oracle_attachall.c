// SPDX-License-Identifier: MIT
/*
 * oracle_attachall: what libbpf's auto-attach (a skeleton's attach, `bpftool prog loadall
 * ... autoattach` of bpftool >= 7.2; Debian's bpftool 7.1 has no autoattach) does with each
 * program of an object. Each program is loaded in an object of its own, the others switched
 * off, so that one refused program (or one map libbpf cannot create) does not hide the
 * verdict on the others; then bpf_program__attach() is asked to attach it from its section
 * name, and the link is destroyed at once.
 *
 *   oracle_attachall OBJ
 *
 * One line per program on stdout:
 *   PROG attached
 *   PROG not-attached ERRNO LIBBPF'S-MESSAGE
 *   PROG not-loaded ERRNO LIBBPF'S-MESSAGE
 * (the message is libbpf's first warning about it). Exit 0, or 2 when the object cannot be opened.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char last[512]; /* libbpf's first warning since it was last emptied */

/* Keep libbpf's first warning since the last reset: the reason it gives for a refusal. */
static int keep_first(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[sizeof(last)];
	size_t n;

	if (level == LIBBPF_DEBUG || last[0])
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (n && !strstr(line, "-- BEGIN") && !strstr(line, "-- END"))
		memcpy(last, line, n + 1);
	return 0;
}

/* Attach program number idx of path, alone; print its verdict. */
static void one(const char *path, int idx)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *p, *want = NULL;
	struct bpf_link *link;
	int i = 0, err;

	if (!obj)
		return;
	bpf_object__for_each_program(p, obj) {
		bpf_program__set_autoload(p, i == idx);
		if (i++ == idx)
			want = p;
	}
	last[0] = '\0';
	err = bpf_object__load(obj);
	if (err) {
		printf("%s not-loaded %d %s\n", bpf_program__name(want), -err, last);
		bpf_object__close(obj);
		return;
	}
	last[0] = '\0';
	link = bpf_program__attach(want);
	if (!link) {
		printf("%s not-attached %d %s\n", bpf_program__name(want), errno, last);
	} else {
		printf("%s attached\n", bpf_program__name(want));
		bpf_link__destroy(link);
	}
	bpf_object__close(obj);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *p;
	int n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: oracle_attachall OBJ\n");
		return 2;
	}
	libbpf_set_print(keep_first);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "cannot open %s: %s\n", argv[1], last);
		return 2;
	}
	bpf_object__for_each_program(p, obj)
		n++;
	bpf_object__close(obj);
	for (int i = 0; i < n; i++) {
		one(argv[1], i);
		fflush(stdout);
	}
	return 0;
}
