#!/bin/sh
# CO-RE differential test: for every little-endian corpus object, the CO-RE engine's result
# for each relocation (new value, load size change, or poison) must equal what libbpf 1.1.2
# does to the same instruction against this kernel's vmlinux BTF, as `bpftool -d prog
# loadall` logs it. libbpf's log is only produced by a real load, so this needs root; each
# load runs in a private mount namespace on its own bpffs (nothing outlives the test).
BUILD=${BUILD:-build}
C="$BUILD/corpus"
command -v bpftool >/dev/null || { echo "SKIP: bpftool not installed"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for bpftool's loads"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no vmlinux BTF"; exit 77; }
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The helper links the library's internal CO-RE API (hidden symbols link statically).
${CC:-cc} -std=gnu11 -O1 -D_GNU_SOURCE -Iinclude -I. tests/corpus/core_diff.c \
	"$BUILD/librawbpf.a" -lelf -lz -o "$tmp/core_diff" || { echo "FAIL: cannot build helper"; exit 1; }

objs=0 compared=0 relos=0 skipped=0 fail=0
while read -r path pkg endian; do
	[ "$endian" = le ] || continue
	objs=$((objs + 1))
	"$tmp/core_diff" "$path" >"$tmp/ours" 2>"$tmp/ours.err" || {
		echo "FAIL: $path: $(cat "$tmp/ours.err")"; fail=1; continue; }
	[ -s "$tmp/ours" ] || continue # no CO-RE records
	unshare -m --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf || exit 0
		mkdir /sys/fs/bpf/rawbpf-core
		timeout 120 bpftool -d prog loadall "$1" /sys/fs/bpf/rawbpf-core 2>&1
		rm -rf /sys/fs/bpf/rawbpf-core' sh "$path" >"$tmp/log" 2>&1
	# libbpf's CO-RE lines, in the helper's words.
	sed -n -e "s/^libbpf: prog '\([^']*\)': relo #[0-9]*: patched insn #\([0-9]*\) ([A-Z0-9/]*) mem_sz [0-9]* -> \([0-9]*\)$/\1 #\2: mem_sz \3/p" \
		-e "s/^libbpf: prog '\([^']*\)': relo #[0-9]*: patched insn #\([0-9]*\) ([A-Z0-9/]*) [a-z0-9]* [0-9]* -> \([0-9]*\)$/\1 #\2: patched \3/p" \
		-e "s/^libbpf: prog '\([^']*\)': relo #[0-9]*: substituting insn #\([0-9]*\) w\/ invalid insn$/\1 #\2: poison/p" \
		"$tmp/log" | sort >"$tmp/theirs"
	if [ ! -s "$tmp/theirs" ] || grep -q "relo #[0-9]*: .*failed" "$tmp/log"; then
		# libbpf stopped before (or during) CO-RE: nothing to compare with.
		skipped=$((skipped + 1))
		continue
	fi
	sort "$tmp/ours" >"$tmp/ours.sorted"
	compared=$((compared + 1))
	relos=$((relos + $(wc -l <"$tmp/theirs")))
	if ! cmp -s "$tmp/ours.sorted" "$tmp/theirs"; then
		echo "FAIL: $path: CO-RE results differ from libbpf's (< ours, > libbpf):"
		diff "$tmp/ours.sorted" "$tmp/theirs" | head -10
		fail=1
	fi
done <"$C/MANIFEST"
echo "CO-RE vs libbpf: $objs objects, $compared compared ($relos patched instructions), $skipped where libbpf did no CO-RE"
[ "$compared" -gt 0 ] || { echo "FAIL: nothing compared"; fail=1; }
exit $fail
