#!/bin/sh
# Real libbpf-tools objects (from the corpus, build/corpus) attached by `rawbpf load` with
# the kinds this machine's kernel lacks and the 6.12 guest has, triggered, and checked on the
# maps rawbpf prints at the end of the run:
#   vfsstat   kprobe_vfs_* and fentry_vfs_* (the tool picks one kind at run time; rawbpf
#             attaches both): N reads and N opens of a file are counted (at least N each)
#   filetop   kprobe/vfs_read and kprobe/vfs_write: the file the test reads N times is in
#             the entries map, named, with at least N reads
# Here (no kprobes, fentry refused) both cases skip with the kernel's reason; in the qemu
# guests (make test-kernels; scripts/test-kernels.sh copies the objects below into the
# initramfs) RAWBPF_REQUIRE_TRACING=1 turns a skip for a missing kernel feature into a
# failure. Without the corpus the cases skip. Usage: test_cli_corpus_tracing.sh [CASE...]
# guest-cases: vfsstat filetop
# guest-objects: libbpf-tools/vfsstat.bpf.o libbpf-tools/filetop.bpf.o
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
C=$BUILD/corpus/objs
N=40
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
T=$(mktemp -d)
LOADER=""
cleanup() {
	[ -n "$LOADER" ] && kill -INT "$LOADER" 2>/dev/null && wait "$LOADER" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL: $CASE: $*"
	for f in out err; do
		[ -s "$T/$f" ] && { echo "--- $f"; grep -v '^  [0-9]' "$T/$f" | tail -25; }
	done
	exit 1
}

# A case this kernel cannot run: skipped with the reason, unless tracing is required.
cannot() {
	[ "${RAWBPF_REQUIRE_TRACING:-0}" = 1 ] && fail "$* (RAWBPF_REQUIRE_TRACING=1)"
	echo "skip $CASE: $*"
	SKIPPED="$SKIPPED $CASE"
	[ -n "$WHY" ] || WHY="$CASE: $*"
	return 77
}

# A case without its object: skipped with the reason, whatever the kernel.
cannot_data() {
	echo "skip $CASE: $*"
	SKIPPED="$SKIPPED $CASE"
	[ -n "$WHY" ] || WHY="$CASE: $*"
}

# run OBJ TRIGGER: rawbpf load --keep-going in the background; once it runs, the trigger
# function; then Ctrl-C, and the maps it prints are in $T/out. 77 when nothing attached.
run() {
	: >"$T/out"
	: >"$T/err"
	"$RAWBPF" load "$1" --keep-going --duration 120 --print-limit 0 >"$T/out" 2>"$T/err" &
	LOADER=$!
	i=0
	while ! grep -q '^running for' "$T/out"; do
		kill -0 "$LOADER" 2>/dev/null || break
		i=$((i + 1))
		[ $i -le 600 ] || fail "not running after 60 s"
		sleep 0.1
	done
	if ! grep -q '^running for' "$T/out" || grep -q '^attached 0 of' "$T/out"; then
		[ -n "$LOADER" ] && kill -INT "$LOADER" 2>/dev/null
		wait "$LOADER" 2>/dev/null
		LOADER=""
		why=$(grep -m1 -e 'NOT ATTACHED' -e 'REFUSED' "$T/out" | sed 's/^  program *//')
		cannot "${why:-$(head -1 "$T/err")}"
		return
	fi
	$2
	kill -INT "$LOADER"
	wait "$LOADER"
	rc=$?
	LOADER=""
	# 1: --keep-going with some program not attached (the summary line says which)
	[ $rc -le 1 ] || fail "rawbpf load exited $rc after SIGINT"
	grep '^attached ' "$T/out"
	grep -q '^map ' "$T/out" || fail "no map listing after the run"
}

attached() { # program, target (extended regexps)
	grep -Eq "^  program +$1 .* attached: $2 " "$T/out" || fail "$1 not attached to '$2'"
}

# N opens and reads of $T/rawbpf_probe_file by this shell, through read(2): the shell's
# own read (busybox cat would use sendfile(2), which vfs_read never sees)
reads() {
	echo "some bytes for the tools to count" >"$T/rawbpf_probe_file"
	for _ in $(seq $N); do
		read -r _ <"$T/rawbpf_probe_file"
	done
}

case_vfsstat() {
	obj=$C/libbpf-tools/vfsstat.bpf.o
	[ -f "$obj" ] || { cannot_data "no $obj (corpus absent)"; return 77; }
	run "$obj" reads || return
	attached kprobe_vfs_read 'kprobe vfs_read'
	attached fentry_vfs_read '(fentry|tracing) vfs_read'
	attached kprobe_vfs_open 'kprobe vfs_open'
	attached fentry_vfs_open '(fentry|tracing) vfs_open'
	# stats[]: read, write, fsync, open, create (each event counted by both kinds)
	set -- $(sed -n 's/.*"stats":\[\([0-9,]*\)\].*/\1/p' "$T/out" | tr ',' ' ')
	[ $# -eq 5 ] || fail "no stats array in the .bss map"
	[ "$1" -ge $N ] && [ "$4" -ge $N ] || fail "reads $1, opens $4: want at least $N each"
	echo "$CASE: reads $1, opens $4 (at least $N each)"
}

case_filetop() {
	obj=$C/libbpf-tools/filetop.bpf.o
	[ -f "$obj" ] || { cannot_data "no $obj (corpus absent)"; return 77; }
	run "$obj" reads || return
	attached vfs_read_entry 'kprobe vfs_read'
	attached vfs_write_entry 'kprobe vfs_write'
	n=$(grep '"filename":"rawbpf_probe_file"' "$T/out" | sed -n 's/.*"reads":\([0-9]*\).*/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	[ "$n" -ge $N ] || fail "rawbpf_probe_file read $n times in the entries map, want at least $N"
	echo "$CASE: rawbpf_probe_file read $n times (at least $N)"
}

SKIPPED="" WHY=""
ran=0
[ $# -gt 0 ] || set -- $(sed -n 's/^# guest-cases: *//p' "$0")
for CASE in "$@"; do
	"case_$CASE"
	rc=$?
	[ $rc -eq 0 ] || [ $rc -eq 77 ] || exit $rc
	[ $rc -eq 0 ] && ran=$((ran + 1))
done
if [ $ran -eq 0 ]; then
	echo "SKIP:$SKIPPED skipped; $WHY"
	exit 77
fi
exit 0
