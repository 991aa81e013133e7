#!/bin/sh
# The oracle's baseline for the corpus differential test (issue 9): for every little-endian
# object of the corpus, does `bpftool prog loadall` (libbpf 1.1.2) load it on this kernel?
#
# Writes $BUILD/corpus/bpftool-baseline.txt, one line per object, tab-separated:
#   PATH  ok    PROGS   -         (PROGS: the pinned program names, comma-separated)
#   PATH  fail  -       REASON    (REASON: libbpf's last error line)
# loadall is all-or-nothing: one program refused fails the whole object.
#
# Each load runs in a private mount namespace on a bpffs of its own, so the pins (including
# maps that an object asks libbpf to pin by name under /sys/fs/bpf) can neither collide with
# other tests nor outlive the test: we remove them, and the instance dies with the namespace.
BUILD=${BUILD:-build}
C="$BUILD/corpus"

command -v bpftool >/dev/null || { echo "SKIP: bpftool not installed"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
[ -s "$C/MANIFEST" ] || { echo "FAIL: $C/MANIFEST is empty"; exit 1; }

base="$C/bpftool-baseline.txt"
tmp="$base.new"
: >"$tmp"
n=0
ok=0
while read -r path pkg endian; do
	[ "$endian" = le ] || continue
	n=$((n + 1))
	# The namespace's script prints "ok PROGS" or "fail" on its last line.
	res=$(unshare -m --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf || { echo "fail mount"; exit 0; }
		d=/sys/fs/bpf/rawbpf-baseline
		mkdir "$d"
		if timeout 120 bpftool prog loadall "$1" "$d" >/tmp/rawbpf-baseline.$$ 2>&1; then
			echo "ok $(ls "$d" | tr "\n" "," | sed "s/,\$//")"
		else
			grep -E "libbpf: |Error: " /tmp/rawbpf-baseline.$$ |
				grep -v "^libbpf: elf: skipping" |
				tail -3 | tr "\t\n" "  "
			echo
			echo fail
		fi
		rm -f /tmp/rawbpf-baseline.$$
		# Our pins, and any map libbpf pinned by name at the root (the .debug files are the
		# preloaded iterators of the kernel, not removable).
		find /sys/fs/bpf -mindepth 1 -maxdepth 1 ! -name "*.debug" -exec rm -rf {} +
		umount /sys/fs/bpf
	' sh "$path" </dev/null 2>&1)
	last=$(printf '%s\n' "$res" | tail -1)
	case $last in
	ok*)
		ok=$((ok + 1))
		progs=$(echo "$last" | sed "s/^ok *//")
		printf '%s\tok\t%s\t-\n' "$path" "${progs:--}" >>"$tmp"
		;;
	*)
		reason=$(printf '%s\n' "$res" | head -1 | sed 's/  *$//')
		printf '%s\tfail\t-\t%s\n' "$path" "${reason:-unknown}" >>"$tmp"
		;;
	esac
done <"$C/MANIFEST"

lines=$(wc -l <"$tmp")
want=$(awk '$3 == "le"' "$C/MANIFEST" | wc -l)
mv "$tmp" "$base"
echo "bpftool baseline: $n little-endian objects, $ok load with bpftool, $((n - ok)) fail; $base"
if [ "$lines" -ne "$want" ] || [ "$n" -ne "$want" ]; then
	echo "FAIL: baseline has $lines lines for $want little-endian objects"
	exit 1
fi
exit 0
