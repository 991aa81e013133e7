#!/bin/sh
# Run every test: unit (ASan+UBSan, Check), shell tests of the CLI, kernel tests, corpus tests.
# A test exits 0 (pass), 77 (skip, with the reason on stdout) or anything else (fail).
# With RAWBPF_REQUIRE_KERNEL=1 (CI) a kernel test that cannot reach bpf(2) fails instead.
BUILD=${BUILD:-build}
export BUILD RAWBPF="$BUILD/rawbpf"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Check forks each test; keep that (CK_FORK unset means fork).
pass=0 fail=0 skip=0 failed=""

scripts/mount-fs.sh >/dev/null 2>&1 || true

run() { # name command...
	name=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); printf '  ok    %s\n' "$name" ;;
	77) skip=$((skip + 1)); printf '  skip  %s: %s\n' "$name" "$(printf '%s\n' "$out" | grep -m1 '^SKIP' | sed 's/^SKIP: //')" ;;
	*) fail=$((fail + 1)); failed="$failed $name"
	   printf '  FAIL  %s (exit %d)\n' "$name" "$rc"
	   printf '%s\n' "$out" | tail -40 | sed 's/^/        /' ;;
	esac
}

echo "unit tests (ASan+UBSan):"
for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] && run "unit/$(basename "$t")" "$t"
done
for t in tests/unit/test_*.sh; do
	[ -f "$t" ] && run "unit/$(basename "$t")" sh "$t"
done
echo "kernel tests:"
for t in "$BUILD"/tests/kernel/test_*; do
	[ -x "$t" ] && run "kernel/$(basename "$t")" "$t"
done
for t in tests/kernel/test_*.sh; do
	[ -f "$t" ] && run "kernel/$(basename "$t")" sh "$t"
done
echo "corpus tests:"
for t in tests/corpus/test_*.sh; do
	[ -f "$t" ] && run "corpus/$(basename "$t")" sh "$t"
done

echo "tests: $pass passed, $skip skipped, $fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
