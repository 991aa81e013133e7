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
 * kernel address and nothing else is excluded.
 *
 * Set RAWBPF_DUMP_LOG=1 to print each verifier log.
 */
#include <errno.h>
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
#include <linux/bpf.h>

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
		ck_assert_msg(!strcmp(ours, text),
			      "%s %s: insn %lu:\n  kernel: '%s'\n  rawbpf: '%s'", obj, p->name, idx,
			      text, ours);
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

int main(void)
{
	Suite *s = suite_create("disasm_kernel");
	TCase *tc = tcase_create("disasm_kernel");

	test_require_kernel();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, samples_match_verifier_log);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
