#!/bin/sh
# rawbpf load on the kinds that are not streamed: an iterator is read once and its output
# printed (the task list holds this shell), a syscall program runs once with --ctx and its
# return value and written-back struct are printed, a perf_event program samples the CPU
# clock of every online CPU (--freq), a socket filter is left unattached with the reason.
# Objects whose programs all run once exit without waiting.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
S=$BUILD/samples
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
OUT=$(mktemp) ERR=$(mktemp)
PIN=/sys/fs/bpf/rawbpf_run_once_test_$$
trap 'rm -rf "$OUT" "$ERR" "$PIN"' EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$OUT"; echo "--- stderr"; cat "$ERR"; exit 1; }

# 1. iterator: printed once; no --duration needed, rawbpf returns by itself
timeout 20 "$RAWBPF" load "$S/iter_task.bpf.o" >"$OUT" 2>"$ERR" || fail "iter_task load ($?)"
grep -q '^  program list_tasks .*attached: iter task (BPF link)$' "$OUT" || fail "iter not attached"
grep -q '^iterator list_tasks:$' "$OUT" || fail "no iterator heading"
grep -q '^     PID      TID COMM$' "$OUT" || fail "no iterator header line"
grep -Eq "^ *$$ +$$ +[^ ]" "$OUT" || fail "this shell ($$) is not in the task list"
grep -Eq '^\(end of iterator list_tasks: [1-9][0-9]* bytes\)$' "$OUT" || fail "no iterator end"
grep -q '^running' "$OUT" && fail "an iterator-only object must not wait"

# 2. syscall program: a = 7, b = 3 -> returns |a - b| = 4 and writes sum = 10
timeout 20 "$RAWBPF" load "$S/syscall_prog.bpf.o" --ctx '07000000 03000000' >"$OUT" 2>"$ERR" ||
	fail "syscall_prog load ($?)"
grep -q '^  program add .*not attached: a syscall program runs when asked (BPF_PROG_TEST_RUN), not on an event$' \
	"$OUT" || fail "syscall note"
grep -q '^program add ran once (BPF_PROG_TEST_RUN): returned 4$' "$OUT" || fail "syscall retval"
grep -q '^  struct args after the run: {"a":7,"b":3,"sum":10}$' "$OUT" || fail "syscall ctx"
grep -q '^running' "$OUT" && fail "a syscall-only object must not wait"
# a shorter context is padded with zeros: a = 9, b = 0
"$RAWBPF" load "$S/syscall_prog.bpf.o" --ctx 09 >"$OUT" 2>"$ERR" || fail "short ctx"
grep -q '^program add ran once (BPF_PROG_TEST_RUN): returned 9$' "$OUT" || fail "short ctx retval"
grep -q '"sum":9}$' "$OUT" || fail "short ctx sum"
"$RAWBPF" load "$S/syscall_prog.bpf.o" --ctx 0x7g >"$OUT" 2>"$ERR"
[ $? -eq 2 ] && grep -q -- '--ctx wants bytes in hex' "$ERR" || fail "bad --ctx must be a usage error"

# 3. perf_event: one cpu-clock event per online CPU
"$RAWBPF" load "$S/perf_event.bpf.o" --freq 499 --duration 0.5 >"$OUT" 2>"$ERR" ||
	fail "perf_event load ($?)"
grep -q "^  program on_sample .*attached: perf_event cpu-clock 499 Hz, $(nproc) CPUs (BPF link)$" \
	"$OUT" || fail "perf_event not attached on every CPU"
# --pin keeps every CPU's link: links/on_sample, links/on_sample_cpuN for the others
"$RAWBPF" load "$S/perf_event.bpf.o" --pin "$PIN" >"$OUT" 2>"$ERR" || fail "perf_event --pin"
n=$(ls "$PIN/links" | wc -l)
[ "$n" = "$(nproc)" ] && [ -e "$PIN/links/on_sample" ] ||
	fail "perf_event --pin: $n links for $(nproc) CPUs: $(ls "$PIN/links")"
"$RAWBPF" unpin "$PIN" >"$OUT" 2>"$ERR" || fail "unpin"
"$RAWBPF" load "$S/perf_event.bpf.o" --freq 0 >"$OUT" 2>"$ERR"
[ $? -eq 2 ] || fail "--freq 0 must be a usage error"

# 4. socket filter: loaded, left unattached with the reason; --duration 0 does not wait
"$RAWBPF" load "$S/disasm/ldabs.bpf.o" --duration 0 >"$OUT" 2>"$ERR" || fail "socket load ($?)"
grep -q '^  program ldabs_all .*not attached: a socket filter needs a socket of yours (setsockopt SO_ATTACH_BPF' \
	"$OUT" || fail "socket note"
grep -q '^running' "$OUT" && fail "--duration 0 must not wait"
exit 0
