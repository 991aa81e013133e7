// SPDX-License-Identifier: GPL-2.0-only
/* rb_btf_log_analyze: the type, member and words of a refused BPF_BTF_LOAD's log. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testlib.h"
#include "rawbpf.h"

/* As the 6.18 kernel wrote it for core_task.bpf.o with "task_info" renamed "task-info". */
static const char invalid_name[] = "magic: 0xeb9f\n"
				   "version: 1\n"
				   "flags: 0x0\n"
				   "hdr_len: 24\n"
				   "type_off: 0\n"
				   "type_len: 688\n"
				   "str_off: 688\n"
				   "str_len: 1092\n"
				   "btf_total_size: 1804\n"
				   "[1] PTR (anon) type_id=3\n"
				   "[2] INT int size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
				   "[9] INT unsigned int size=4 bits_offset=0 nr_bits=32 "
				   "encoding=(none)\n"
				   "[10] PTR (anon) type_id=11\n"
				   "[11] STRUCT task-info size=40 vlen=7 Invalid name\n"
				   "\n";

START_TEST(type_complaint)
{
	struct rb_btf_log_report r;

	ck_assert_int_eq(rb_btf_log_analyze(invalid_name, sizeof(invalid_name), &r), 0);
	ck_assert_uint_eq(r.type_id, 11);
	ck_assert_str_eq(r.kind, "STRUCT");
	ck_assert_str_eq(r.name, "task-info");
	ck_assert_str_eq(r.member, "");
	ck_assert_str_eq(r.message, "Invalid name");
	ck_assert_str_eq(r.line, "[11] STRUCT task-info size=40 vlen=7 Invalid name");
}
END_TEST

START_TEST(member_complaint)
{
	static const char log[] = "[1] INT int size=4 bits_offset=0 nr_bits=32 encoding=SIGNED\n"
				  "[2] STRUCT pair size=8 vlen=2\n"
				  "\ta type_id=1 bits_offset=0\n"
				  "\tb type_id=1 bits_offset=96 Member exceeds struct_size\n";
	struct rb_btf_log_report r;

	ck_assert_int_eq(rb_btf_log_analyze(log, strlen(log), &r), 0);
	ck_assert_uint_eq(r.type_id, 2);
	ck_assert_str_eq(r.kind, "STRUCT");
	ck_assert_str_eq(r.name, "pair");
	ck_assert_str_eq(r.member, "b");
	ck_assert_str_eq(r.message, "Member exceeds struct_size");
}
END_TEST

START_TEST(details_that_are_not_key_value)
{
	static const char fwd[] = "[4] FWD task_struct struct vlen != 0\n";
	static const char proto[] = "[5] FUNC_PROTO (anon) return=1 args=(1 a, 2 b) Invalid arg#2\n";
	static const char cmp[] = "[6] UNION u size=4 vlen=1 vlen != 0\n";
	struct rb_btf_log_report r;

	ck_assert_int_eq(rb_btf_log_analyze(fwd, strlen(fwd), &r), 0);
	ck_assert_str_eq(r.kind, "FWD");
	ck_assert_str_eq(r.message, "vlen != 0");
	ck_assert_int_eq(rb_btf_log_analyze(proto, strlen(proto), &r), 0);
	ck_assert_uint_eq(r.type_id, 5);
	ck_assert_str_eq(r.name, "(anon)");
	ck_assert_str_eq(r.message, "Invalid arg#2");
	ck_assert_int_eq(rb_btf_log_analyze(cmp, strlen(cmp), &r), 0);
	ck_assert_str_eq(r.message, "vlen != 0");
}
END_TEST

START_TEST(header_complaint)
{
	static const char log[] = "magic: 0xeb9f\nversion: 1\nflags: 0x0\nhdr_len: 24\n"
				  "Unsupported version\n";
	struct rb_btf_log_report r;

	ck_assert_int_eq(rb_btf_log_analyze(log, strlen(log), &r), 0);
	ck_assert_uint_eq(r.type_id, 0);
	ck_assert_str_eq(r.kind, "");
	ck_assert_str_eq(r.message, "Unsupported version");
}
END_TEST

START_TEST(empty_and_hostile)
{
	static const char noeol[] = "[7] PTR (anon) type_id=99 Invalid type_id";
	static const char huge[] = "[99999999999] STRUCT x size=1 Bad\n";
	static const char open_bracket[] = "[12 STRUCT x\n";
	static const char orphan[] = "\tm type_id=1 bits_offset=0 Invalid member\n";
	char big[2048];
	struct rb_btf_log_report r;

	ck_assert_int_eq(rb_btf_log_analyze(NULL, 0, &r), -ENOENT);
	ck_assert_int_eq(rb_btf_log_analyze("\n\n  \n", 5, &r), -ENOENT);
	ck_assert_int_eq(rb_btf_log_analyze(noeol, strlen(noeol), &r), 0);
	ck_assert_uint_eq(r.type_id, 7);
	ck_assert_str_eq(r.message, "Invalid type_id");
	/* An id beyond 32 bits is no type line: the line is kept as the message. */
	ck_assert_int_eq(rb_btf_log_analyze(huge, strlen(huge), &r), 0);
	ck_assert_uint_eq(r.type_id, 0);
	ck_assert_int_eq(rb_btf_log_analyze(open_bracket, strlen(open_bracket), &r), 0);
	ck_assert_uint_eq(r.type_id, 0);
	ck_assert_str_eq(r.message, "[12 STRUCT x");
	/* A member line with no type above it: the member and words, no type. */
	ck_assert_int_eq(rb_btf_log_analyze(orphan, strlen(orphan), &r), 0);
	ck_assert_uint_eq(r.type_id, 0);
	ck_assert_str_eq(r.member, "m");
	ck_assert_str_eq(r.message, "Invalid member");
	/* len bounds the read: the text after it is not looked at. */
	ck_assert_int_eq(rb_btf_log_analyze(invalid_name, 30, &r), 0);
	ck_assert_uint_eq(r.type_id, 0);
	/* Long lines are cut to the fields' sizes, not overflowed. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "[3] STRUCT ", 11);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(rb_btf_log_analyze(big, sizeof(big), &r), 0);
	ck_assert_uint_eq(r.type_id, 3);
	ck_assert_uint_eq(strlen(r.name), sizeof(r.name) - 1);
	ck_assert_uint_eq(strlen(r.line), sizeof(r.line) - 1);
}
END_TEST

/*
 * A log with no NUL at len, its last byte the last of a page whose next page is
 * inaccessible: any read past len faults (a guard that works where ASan's interceptors do
 * not look, e.g. the byte strtoul stops at).
 */
static int analyze_unterminated(const char *text, struct rb_btf_log_report *r)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t len = strlen(text);
	char *map = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *buf;
	int ret;

	ck_assert_ptr_ne(map, MAP_FAILED);
	ck_assert_int_eq(mprotect(map + pg, (size_t)pg, PROT_NONE), 0);
	ck_assert_uint_le(len, (size_t)pg);
	buf = map + pg - len;
	memcpy(buf, text, len);
	ret = rb_btf_log_analyze(buf, len, r);
	munmap(map, (size_t)pg * 2);
	return ret;
}

START_TEST(not_terminated_at_len)
{
	struct rb_btf_log_report r;

	/* the id's digits run to the end of the buffer */
	ck_assert_int_eq(analyze_unterminated("[1] PTR (anon) type_id=3\n[12345", &r), 0);
	ck_assert_uint_eq(r.type_id, 0);
	ck_assert_str_eq(r.message, "[12345");
	ck_assert_int_eq(analyze_unterminated("[7", &r), 0);
	ck_assert_str_eq(r.message, "[7");
	ck_assert_int_eq(analyze_unterminated("[", &r), 0);
	ck_assert_int_eq(analyze_unterminated("[7]", &r), 0);
	ck_assert_uint_eq(r.type_id, 0);
	ck_assert_int_eq(analyze_unterminated("[7] PTR", &r), 0);
	ck_assert_uint_eq(r.type_id, 0);
	ck_assert_int_eq(analyze_unterminated("[7] PTR (anon) type_id=99 Invalid type_id", &r), 0);
	ck_assert_uint_eq(r.type_id, 7);
	ck_assert_str_eq(r.message, "Invalid type_id");
	ck_assert_int_eq(analyze_unterminated("[4] STRUCT s size=8 vlen=1\n\tm type_id=1 "
					      "bits_offset=0 Invalid member",
					      &r),
			 0);
	ck_assert_uint_eq(r.type_id, 4);
	ck_assert_str_eq(r.member, "m");
	ck_assert_str_eq(r.message, "Invalid member");
	ck_assert_int_eq(analyze_unterminated("\t", &r), -ENOENT);
	ck_assert_int_eq(analyze_unterminated("\tm", &r), 0);
	ck_assert_str_eq(r.member, "m");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("btf_log");
	TCase *tc = tcase_create("btf_log");

	tcase_add_test(tc, type_complaint);
	tcase_add_test(tc, member_complaint);
	tcase_add_test(tc, details_that_are_not_key_value);
	tcase_add_test(tc, header_complaint);
	tcase_add_test(tc, empty_and_hostile);
	tcase_add_test(tc, not_terminated_at_len);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
