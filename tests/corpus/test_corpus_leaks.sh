#!/bin/sh
# The leak check of issue 9. (1) In one process, through the public API, every little-endian
# corpus object and every sample is opened, prepared, loaded with keep_going (refusals and
# failed loads included) and freed; after each, the process's fds and the kernel's programs,
# maps and BTF objects that the load created (ids caught by the trace hook, feature probes
# included) must be back to what they were: tests/corpus/leak_check.c. (2) The CLI under
# valgrind on a handful of objects (loaded, partly refused, refused at map creation, pinned
# by name, usdt): no leaked heap block, no invalid access, no fd left open at exit.
# Everything runs in a private mount namespace on a bpffs of its own (maps pinned by name
# cannot outlive the test).
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
C="$BUILD/corpus"

command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The helper links the library (public API only).
${CC:-cc} -std=gnu11 -O1 -g -D_GNU_SOURCE -Iinclude -I. tests/corpus/leak_check.c \
	"$BUILD/librawbpf.a" -lelf -lz -o "$tmp/leak_check" || { echo "FAIL: cannot build helper"; exit 1; }

{
	awk '$3 == "le" { print $1 }' "$C/MANIFEST"
	ls "$BUILD"/samples/*.bpf.o
} >"$tmp/objs"
fail=0

# (1) library: fds and kernel objects, every object.
unshare -m --propagation private sh -c '
	mount -t bpf bpf /sys/fs/bpf || exit 3
	xargs "$1" <"$2"
	rc=$?
	umount /sys/fs/bpf
	exit $rc' sh "$tmp/leak_check" "$tmp/objs" >"$tmp/lib.out" 2>&1
rc=$?
n=$(grep -c "^ok " "$tmp/lib.out")
if [ $rc -ne 0 ]; then
	echo "FAIL: leak_check exit $rc:"
	grep -v "^ok " "$tmp/lib.out" | head -20
	fail=1
fi
echo "library: $n of $(wc -l <"$tmp/objs") objects loaded and freed with no fd and no kernel object left"

# (2) the CLI under valgrind.
if ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind not installed (scripts/deps.sh installs it)"
	exit 77
fi
vg=0
for obj in "$BUILD/samples/counter.bpf.o" "$BUILD/samples/globals.bpf.o" \
	"$BUILD/samples/usdt.bpf.o" "$C/objs/libbpf-tools/bindsnoop.bpf.o" \
	"$C/objs/libbpf-tools/capable.bpf.o" "$C/objs/libxdp1/xdpfilt_alw_all.o"; do
	[ -f "$obj" ] || continue
	vg=$((vg + 1))
	unshare -m --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf || exit 3
		timeout 600 valgrind --leak-check=full --show-leak-kinds=all \
			--errors-for-leak-kinds=all --error-exitcode=99 --track-fds=yes \
			--suppressions=tests/corpus/valgrind-bpf.supp \
			"$1" load "$2" --no-attach --keep-going </dev/null
		rc=$?
		umount /sys/fs/bpf
		exit $rc' sh "$RAWBPF" "$obj" >"$tmp/vg.out" 2>&1
	rc=$?
	# fds open at exit that the CLI opened (not the std ones, not inherited).
	fds=$(awk '/Open (file descriptor|AF_)/ { fd = $0; inh = 0; getline nx
			if (nx !~ /inherited from parent/) print fd }' "$tmp/vg.out" | wc -l)
	if [ $rc -eq 99 ] || [ $rc -eq 3 ] || [ $rc -eq 124 ] || [ "$fds" -ne 0 ] ||
		! grep -q "All heap blocks were freed" "$tmp/vg.out"; then
		echo "FAIL: valgrind on $obj (exit $rc, $fds fds left open):"
		grep -E "^==[0-9]+== (Invalid|Syscall|Conditional|Open|  *(at|by) |.*definitely|.*indirectly|.*in use at exit)" \
			"$tmp/vg.out" | head -30
		fail=1
	fi
done
echo "valgrind: $vg CLI loads checked (no leak, no invalid access, no fd left open)"
exit $fail
