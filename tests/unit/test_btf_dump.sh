#!/bin/sh
# rawbpf btf dump --format raw / --json must print exactly what bpftool prints, on this
# kernel's vmlinux BTF and on clang-built objects (the samples, plus one with every kind).
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
command -v bpftool >/dev/null || { echo "SKIP: bpftool not installed"; exit 77; }
CLANG=$(command -v clang-19 || command -v clang)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

compare() { # label rawbpf-file bpftool-file
	if ! cmp -s "$2" "$3"; then
		echo "FAIL: $1 differs from bpftool:"
		diff "$3" "$2" | head -20
		fail=1
	else
		echo "ok: $1 ($(wc -l <"$2") lines)"
	fi
}

check() { # file
	"$RAWBPF" btf dump "$1" >"$tmp/ours" || { echo "FAIL: rawbpf btf dump $1"; fail=1; return; }
	bpftool btf dump file "$1" format raw >"$tmp/theirs" || { echo "FAIL: bpftool on $1"; fail=1; return; }
	compare "raw $1" "$tmp/ours" "$tmp/theirs"
	"$RAWBPF" btf dump "$1" --json >"$tmp/ours" || { echo "FAIL: rawbpf --json $1"; fail=1; return; }
	bpftool -j btf dump file "$1" format raw >"$tmp/theirs"
	compare "json $1" "$tmp/ours" "$tmp/theirs"
}

objs=""
if [ -n "$CLANG" ]; then
	"$CLANG" -target bpf -O2 -g -I"/usr/include/$(gcc -dumpmachine)" \
		-c tests/unit/btf/kinds.bpf.c -o "$tmp/kinds.bpf.o" || exit 1
	objs="$tmp/kinds.bpf.o"
fi
for o in $(find "$BUILD/samples" -name '*.bpf.o' 2>/dev/null | sort | head -5); do
	objs="$objs $o"
done
[ -r /sys/kernel/btf/vmlinux ] && check /sys/kernel/btf/vmlinux
for o in $objs; do
	check "$o"
done

# Default FILE is vmlinux; --type limits to one name.
if [ -r /sys/kernel/btf/vmlinux ]; then
	"$RAWBPF" btf dump --type task_struct >"$tmp/ours" || fail=1
	head -1 "$tmp/ours" | grep -q "^\[[0-9]*\] STRUCT 'task_struct' size=" || {
		echo "FAIL: --type task_struct"; fail=1; }
fi
# Errors: exit status 1 and one sentence.
printf 'not btf at all, not BTF at all, no' >"$tmp/junk"
"$RAWBPF" btf dump "$tmp/junk" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "bad magic" "$tmp/err" || { echo "FAIL: junk file"; cat "$tmp/err"; fail=1; }
"$RAWBPF" btf dump --format yaml 2>/dev/null
[ $? -eq 2 ] || { echo "FAIL: bad --format is not a usage error"; fail=1; }
exit $fail
