/*
 * The disassembler against the kernel: every relocation-free sample program under
 * BUILD/samples/disasm/ is loaded with log_level 2, and every instruction line of the
 * verifier's log ("N: (xx) text") must equal our text for instruction N, byte for byte.
 * Every instruction must appear in the log at least once: the 6.18 verifier lists them all
 * in its "Live regs before insn" table, so a missing one means we misread the log.
 *
 * What is compared: the log line after "N: " up to the register-state comment the 6.18
 * verifier appends after the instruction ("   ; R1_w=..."). That comment is run-time state,
 * not the instruction's text. The samples have no map references, so no ld_imm64 carries a
 * kernel address; a second, hand-assembled program has map references, and there the test
 * compares the text up to the address the kernel prints.
 *
 * Set RAWBPF_DUMP_LOG=1 to print each verifier log.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <glob.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testlib.h"
#include "rawbpf.h"
#include "bpf/insn.h"
#include <linux/btf.h>

#define LOG_SIZE (16u << 20)

struct prog {
	char name[128]; /* section name */
	struct bpf_insn *insns;
	size_t cnt;
};

/* Program type from the section name (only the kinds the samples use). */
static int prog_type_for(const char *sec)
{
	if (!strncmp(sec, "socket", 6))
		return BPF_PROG_TYPE_SOCKET_FILTER;
	if (!strncmp(sec, "tracepoint/", 11))
		return BPF_PROG_TYPE_TRACEPOINT;
	if (!strcmp(sec, "xdp"))
		return BPF_PROG_TYPE_XDP;
	if (!strncmp(sec, "tc", 2))
		return BPF_PROG_TYPE_SCHED_CLS;
	return -1;
}

/* Executable sections of an object; fails the test if one has relocations. */
static size_t read_progs(const char *path, struct prog *out, size_t max)
{
	int fd = open(path, O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx, n = 0;

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	ck_assert_msg(elf && !elf_getshdrstrndx(elf, &shstrndx), "%s: not ELF", path);
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		gelf_getshdr(scn, &sh);
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (sh.sh_type == SHT_REL) {
			Elf_Scn *target = elf_getscn(elf, sh.sh_info);
			GElf_Shdr th;

			gelf_getshdr(target, &th);
			ck_assert_msg(!(th.sh_flags & SHF_EXECINSTR),
				      "%s: section %s has relocations; disasm samples must not",
				      path, name);
			continue;
		}
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) || !sh.sh_size)
			continue;
		ck_assert(n < max);
		d = elf_getdata(scn, NULL);
		ck_assert(d && d->d_size == sh.sh_size && d->d_size % sizeof(struct bpf_insn) == 0);
		snprintf(out[n].name, sizeof(out[n].name), "%s", name);
		out[n].cnt = d->d_size / sizeof(struct bpf_insn);
		out[n].insns = malloc(d->d_size);
		ck_assert_ptr_nonnull(out[n].insns);
		memcpy(out[n].insns, d->d_buf, d->d_size);
		n++;
	}
	elf_end(elf);
	close(fd);
	return n;
}

/* func_info for hand-assembled programs (samples have none). */
static int load_btf_fd = -1;
static struct bpf_func_info load_func_info[3];
static __u32 load_func_info_cnt;

static int load_with_log(const struct prog *p, char *log)
{
	union bpf_attr attr;
	int type = prog_type_for(p->name);

	ck_assert_msg(type >= 0, "no program type for section %s", p->name);
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = (__u32)type;
	attr.insns = (__u64)(unsigned long)p->insns;
	attr.insn_cnt = (__u32)p->cnt;
	attr.license = (__u64)(unsigned long)"GPL";
	attr.log_level = 2;
	attr.log_buf = (__u64)(unsigned long)log;
	attr.log_size = LOG_SIZE;
	if (load_func_info_cnt) {
		attr.prog_btf_fd = (__u32)load_btf_fd;
		attr.func_info = (__u64)(unsigned long)load_func_info;
		attr.func_info_rec_size = sizeof(load_func_info[0]);
		attr.func_info_cnt = load_func_info_cnt;
	}
	log[0] = '\0';
	return (int)syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
}

/* Cut the register-state comment the verifier appends: "<insn>   ; R0_w=0". */
static void strip_state(char *text)
{
	char *semi = strstr(text, " ; ");
	size_t len;

	if (semi)
		*semi = '\0';
	len = strlen(text);
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		text[--len] = '\0';
}

/*
 * Where a log line shows an instruction, return the text after "N: " and set *idx. The 6.18
 * verifier shows instructions in three places:
 *   "12: (bf) r1 = r10          ; R1_w=fp0"            while it walks the program
 *   "     12: .1........ (bf) r1 = r10"                the "Live regs before insn" table
 *   "mark_precise: frame0: regs=r1 stack= before 12: (bf) r1 = r10"
 * The live-register column is one character per register r0..r9.
 */
static char *insn_text_in_line(char *line, unsigned long *idx)
{
	char *p = line, *end, *before = strstr(line, " before ");

	if (before)
		p = before + 8;
	while (*p == ' ')
		p++;
	if (*p < '0' || *p > '9')
		return NULL;
	*idx = strtoul(p, &end, 10);
	if (strncmp(end, ": ", 2))
		return NULL;
	p = end + 2;
	if (p[0] == '(')
		return p;
	if (!before && strspn(p, ".0123456789") == 10 && !strncmp(p + 10, " (", 2))
		return p + 11;
	return NULL;
}

/* Compare every instruction shown in the log; returns the number compared. */
static size_t compare_log(const char *obj, const struct prog *p, char *log, unsigned char *seen)
{
	size_t compared = 0;
	char *save = NULL;

	for (char *line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char ours[256], *text;
		unsigned long idx;
		struct rb_error e = {0};
		int ret;

		text = insn_text_in_line(line, &idx);
		if (!text)
			continue; /* state lines ("5: R1=..."), "from 3 to 5:", summaries */
		strip_state(text);
		ck_assert_msg(idx < p->cnt, "%s %s: log names instruction %lu of %zu", obj, p->name,
			      idx, p->cnt);
		ret = rb_disasm_insn(p->insns, p->cnt, idx, NULL, ours, sizeof(ours), &e);
		ck_assert_msg(ret > 0, "%s %s: insn %lu: %s", obj, p->name, idx, e.msg);
		if (insn_is_map_ref(&p->insns[idx])) {
			/*
			 * A run-time value: the kernel has replaced the map fd with the map's
			 * address (plus the value offset) and prints that. Compare the text up to
			 * "0x" and check the rest is a non-zero 64-bit hex number.
			 */
			char *hex = strstr(ours, "0x");
			size_t pre = (size_t)(hex - ours) + 2;

			ck_assert_ptr_nonnull(hex);
			ck_assert_msg(
				!strncmp(ours, text, pre) &&
					strspn(text + pre, "0123456789abcdef") ==
						strlen(text + pre) &&
					strlen(text + pre) > 8,
				"%s %s: insn %lu (map reference):\n  kernel: '%s'\n  rawbpf: '%s'",
				obj, p->name, idx, text, ours);
		} else {
			ck_assert_msg(!strcmp(ours, text),
				      "%s %s: insn %lu:\n  kernel: '%s'\n  rawbpf: '%s'", obj,
				      p->name, idx, text, ours);
		}
		seen[idx] = 1;
		compared++;
	}
	return compared;
}

START_TEST(samples_match_verifier_log)
{
	char pattern[512];
	glob_t g;
	char *log = malloc(LOG_SIZE);
	const char *dump = getenv("RAWBPF_DUMP_LOG");
	size_t total_lines = 0, total_insns = 0;

	ck_assert_ptr_nonnull(log);
	snprintf(pattern, sizeof(pattern), "%s/samples/disasm/*.bpf.o", test_build_dir());
	ck_assert_msg(glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc >= 4,
		      "expected the disasm samples under %s (make samples)", pattern);
	for (size_t f = 0; f < g.gl_pathc; f++) {
		struct prog progs[16];
		size_t n = read_progs(g.gl_pathv[f], progs, 16);

		ck_assert_msg(n > 0, "%s: no programs", g.gl_pathv[f]);
		for (size_t k = 0; k < n; k++) {
			struct prog *p = &progs[k];
			unsigned char *seen = calloc(p->cnt, 1);
			int fd = load_with_log(p, log);
			int err = errno;

			ck_assert_ptr_nonnull(seen);
			if (dump && dump[0] == '1')
				printf("=== %s %s (fd %d)\n%s\n", g.gl_pathv[f], p->name, fd, log);
			ck_assert_msg(fd >= 0, "%s %s: BPF_PROG_LOAD failed (%s):\n%.4000s",
				      g.gl_pathv[f], p->name, strerror(err), log);
			close(fd);
			total_lines += compare_log(g.gl_pathv[f], p, log, seen);
			for (size_t i = 0; i < p->cnt; i += (p->insns[i].code == 0x18 ? 2 : 1)) {
				ck_assert_msg(seen[i], "%s %s: instruction %zu never in the log",
					      g.gl_pathv[f], p->name, i);
				total_insns++;
			}
			free(seen);
			free(p->insns);
		}
	}
	printf("compared %zu log lines covering %zu instructions in %zu objects\n", total_lines,
	       total_insns, g.gl_pathc);
	globfree(&g);
	free(log);
}
END_TEST

static int map_create_array(void)
{
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 16;
	attr.max_entries = 1;
	return (int)syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

/*
 * The smallest BTF that gives three functions (main, a subprogram, a callback) a type:
 * int, int (void), and three static FUNCs. The kernel wants func_info for a program that
 * passes a callback (ld_imm64 with BPF_PSEUDO_FUNC).
 */
static int btf_load_three_funcs(void)
{
	static const char strs[] = "\0int\0main\0sub\0cb";
	struct {
		struct btf_header h;
		__u32 types[3 + 1 + 3 + 3 * 3];
		char strs[sizeof(strs)];
	} blob;
	__u32 *t = blob.types;
	union bpf_attr attr;

	memset(&blob, 0, sizeof(blob));
	blob.h.magic = BTF_MAGIC;
	blob.h.version = BTF_VERSION;
	blob.h.hdr_len = sizeof(blob.h);
	blob.h.type_len = sizeof(blob.types);
	blob.h.str_off = sizeof(blob.types);
	blob.h.str_len = sizeof(strs);
	/* [1] int: name "int", INT, size 4, signed 32 bits */
	*t++ = 1, *t++ = BTF_KIND_INT << 24, *t++ = 4, *t++ = (BTF_INT_SIGNED << 24) | 32;
	/* [2] FUNC_PROTO returning [1], no parameters */
	*t++ = 0, *t++ = BTF_KIND_FUNC_PROTO << 24, *t++ = 1;
	/* [3] main, [4] sub, [5] cb: static FUNCs of type [2] */
	*t++ = 5, *t++ = BTF_KIND_FUNC << 24, *t++ = 2;
	*t++ = 10, *t++ = BTF_KIND_FUNC << 24, *t++ = 2;
	*t++ = 14, *t++ = BTF_KIND_FUNC << 24, *t++ = 2;
	memcpy(blob.strs, strs, sizeof(strs));
	memset(&attr, 0, sizeof(attr));
	attr.btf = (__u64)(unsigned long)&blob;
	attr.btf_size = (__u32)(offsetof(typeof(blob), strs) + sizeof(strs));
	return (int)syscall(__NR_bpf, BPF_BTF_LOAD, &attr, sizeof(attr));
}

/*
 * What the samples cannot have without relocations, hand-assembled: map references by fd
 * and by value address, a bpf-to-bpf call, a callback passed to bpf_loop (ld_imm64 with
 * BPF_PSEUDO_FUNC). Map references print run-time addresses (see compare_log).
 */
START_TEST(hand_assembled_maps_calls_callbacks)
{
	struct bpf_insn insns[32];
	struct prog p = {.name = "socket"};
	char *log = malloc(LOG_SIZE);
	unsigned char seen[32] = {0};
	int map_fd = map_create_array(), fd, n = 0;
	size_t compared;

	ck_assert_ptr_nonnull(log);
	ck_assert_msg(map_fd >= 0, "BPF_MAP_CREATE: %s", strerror(errno));
	insn_ld_imm64(&insns[n], 1, BPF_PSEUDO_MAP_FD, (uint32_t)map_fd); /* 0 */
	n += 2;
	insns[n++] = insn_mov64_reg(2, 10);						    /* 2 */
	insns[n++] = insn_alu64_imm(BPF_ADD, 2, -4);					    /* 3 */
	insns[n++] = insn_st_mem(BPF_W, 10, -4, 0);					    /* 4 */
	insns[n++] = insn_call_helper(BPF_FUNC_map_lookup_elem);			    /* 5 */
	insns[n++] = insn_jmp_imm(BPF_JEQ, 0, 0, 2);					    /* 6 */
	insns[n++] = insn_ldx_mem(BPF_DW, 1, 0, 8);					    /* 7 */
	insns[n++] = insn_atomic(BPF_DW, BPF_ADD | BPF_FETCH, 0, 1, 0);			    /* 8 */
	insn_ld_imm64(&insns[n], 6, BPF_PSEUDO_MAP_VALUE, (uint32_t)map_fd | (8ULL << 32)); /* 9 */
	n += 2;
	insns[n++] = insn_ldx_mem(BPF_DW, 1, 6, 0);	 /* 11 */
	insns[n++] = insn_mov64_imm(1, 4);		 /* 12 */
	insn_ld_imm64(&insns[n], 2, BPF_PSEUDO_FUNC, 9); /* 13: callback at 13 + 1 + 9 = 23 */
	n += 2;
	insns[n++] = insn_mov64_imm(3, 0);				      /* 15 */
	insns[n++] = insn_mov64_imm(4, 0);				      /* 16 */
	insns[n++] = insn_call_helper(BPF_FUNC_loop);			      /* 17 */
	insns[n++] = insn_make(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 2); /* 18: to 21 */
	insns[n++] = insn_mov64_imm(0, 0);				      /* 19 */
	insns[n++] = insn_exit();					      /* 20 */
	insns[n++] = insn_mov64_imm(0, 1);				      /* 21: subprogram */
	insns[n++] = insn_exit();					      /* 22 */
	insns[n++] = insn_mov64_imm(0, 0); /* 23: loop callback */
	insns[n++] = insn_exit();	   /* 24 */
	p.insns = insns;
	p.cnt = (size_t)n;
	load_btf_fd = btf_load_three_funcs();
	ck_assert_msg(load_btf_fd >= 0, "BPF_BTF_LOAD: %s", strerror(errno));
	load_func_info[0] = (struct bpf_func_info){.insn_off = 0, .type_id = 3};
	load_func_info[1] = (struct bpf_func_info){.insn_off = 21, .type_id = 4};
	load_func_info[2] = (struct bpf_func_info){.insn_off = 23, .type_id = 5};
	load_func_info_cnt = 3;
	fd = load_with_log(&p, log);
	load_func_info_cnt = 0;
	close(load_btf_fd);
	if (getenv("RAWBPF_DUMP_LOG"))
		printf("=== hand-assembled (fd %d)\n%s\n", fd, log);
	ck_assert_msg(fd >= 0, "BPF_PROG_LOAD: %s\n%.4000s", strerror(errno), log);
	close(fd);
	close(map_fd);
	compared = compare_log("hand-assembled", &p, log, seen);
	for (int i = 0; i < n; i += (int)insn_slots(&insns[i]))
		ck_assert_msg(seen[i], "instruction %d never in the log", i);
	ck_assert_uint_gt(compared, (size_t)n);
	free(log);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("disasm_kernel");
	TCase *tc = tcase_create("disasm_kernel");

	test_require_kernel();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, samples_match_verifier_log);
	tcase_add_test(tc, hand_assembled_maps_calls_callbacks);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
