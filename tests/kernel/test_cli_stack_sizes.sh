#!/bin/sh
# A stack trace map left unsized by its object (samples/attach/stack_sizes.bpf.o, as
# libbpf-tools' capable, offcputime, wakeuptime leave theirs): rawbpf asks for max_entries,
# then for value_size, each with the --map flag that gives it (the kernel alone would say
# EINVAL); with both the program runs and records stacks of getpid() callers.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
OBJ=$BUILD/samples/attach/stack_sizes.bpf.o
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
[ -f "$OBJ" ] || { echo "FAIL: $OBJ not built"; exit 1; }
OUT=$(mktemp) ERR=$(mktemp)
LOADER=
cleanup() { [ -n "$LOADER" ] && kill "$LOADER" 2>/dev/null; rm -f "$OUT" "$ERR"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$OUT"; echo "--- stderr"; cat "$ERR"; exit 1; }

"$RAWBPF" load "$OBJ" --duration 0 >"$OUT" 2>"$ERR"
[ $? -eq 1 ] || fail "an unsized map must exit 1"
grep -q "^rawbpf: $OBJ: map 'stackmap' has max_entries 0 (its user space would size it): give a size with --map stackmap.max_entries=N\$" "$ERR" ||
	fail "no max_entries sentence"
"$RAWBPF" load "$OBJ" --duration 0 --map stackmap.max_entries=64 >"$OUT" 2>"$ERR"
[ $? -eq 1 ] || fail "a stack trace map without value_size must exit 1"
grep -q "^rawbpf: $OBJ: map 'stackmap' (stack_trace) has value_size 0 (its user space would size it: 8 bytes a frame, 127 frames by default): give a size with --map stackmap.value_size=N\$" "$ERR" ||
	fail "no value_size sentence"

"$RAWBPF" load "$OBJ" --duration 60 --map stackmap.max_entries=64 \
	--map stackmap.value_size=1016 >"$OUT" 2>"$ERR" &
LOADER=$!
for _ in $(seq 300); do
	grep -q '^running for' "$OUT" && break
	kill -0 "$LOADER" 2>/dev/null || break
	sleep 0.1
done
grep -q '^running for' "$OUT" || fail "load with both sizes did not run"
python3 -c '
import os
for i in range(20): os.getpid()' || fail "python"
kill -INT "$LOADER"
wait "$LOADER" || fail "load with both sizes exited $?"
LOADER=
grep -q "^  program user_stack .* attached: tracepoint syscalls/sys_enter_getpid" "$OUT" ||
	fail "user_stack not attached"
n=$(sed -n 's/.*"stacks_seen":\([0-9]*\).*/\1/p' "$OUT")
[ -n "$n" ] && [ "$n" -ge 20 ] || fail "stacks_seen is '$n', want >= 20"
echo "ok: max_entries then value_size asked for; with both, $n stacks recorded"
