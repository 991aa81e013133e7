#!/bin/sh
# rawbpf load's record decoding by size leaves kernel structs aside
# (samples/events/kernel_twin.bpf.o): the object's BTF holds the kernel's struct list_head and
# the tool's struct twin_event, both 16 bytes; the records must be decoded as twin_event.
# (Found by the corpus attach sweep: execsnoop's records were shown as posix_cputimers and
# hw_perf_event, kernel structs of the records' sizes.)
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
OBJ=$BUILD/samples/events/kernel_twin.bpf.o
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no /sys/kernel/btf/vmlinux"; exit 77; }
[ -f "$OBJ" ] || { echo "FAIL: $OBJ not built"; exit 1; }
OUT=$(mktemp) ERR=$(mktemp) PIDF=$(mktemp)
RPID=
cleanup() { [ -n "$RPID" ] && kill "$RPID" 2>/dev/null; rm -f "$OUT" "$ERR" "$PIDF"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$OUT"; echo "--- stderr"; cat "$ERR"; exit 1; }

"$RAWBPF" load "$OBJ" --duration 4 >"$OUT" 2>"$ERR" &
RPID=$!
for _ in $(seq 100); do
	grep -q '^running for' "$OUT" && break
	kill -0 "$RPID" 2>/dev/null || break
	sleep 0.1
done
grep -q '^running for' "$OUT" || fail "rawbpf did not start running"
python3 -c 'import os, sys; open(sys.argv[1], "w").write(str(os.getpid()))' "$PIDF"
wait "$RPID" || fail "rawbpf exited with $?"
RPID=
pid=$(cat "$PIDF")
grep -q '^map events: 16-byte records decoded as struct twin_event (the only struct of that size' \
	"$OUT" || fail "not decoded as struct twin_event"
grep -q '^events: {"pid":'"$pid"',"magic":4277006349,"value":1234605616436508552}$' "$OUT" ||
	fail "no decoded record of pid $pid"
grep -q 'list_head' "$OUT" && fail "a kernel struct was chosen"
echo "ok: 16-byte records decoded as struct twin_event, struct list_head left aside"
