#!/bin/sh
# rawbpf load's attach flags end to end: a uprobe sample whose sections name no target,
# attached with --attach PROG=BINARY:FUNC on libc's getpid; a python process calls getpid
# and its pid shows up in the map with the calls and returns counted. Usage errors.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
S=$BUILD/samples
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
OUT=$(mktemp) ERR=$(mktemp) PIDF=$(mktemp)
LOADER=
cleanup() { [ -n "$LOADER" ] && kill "$LOADER" 2>/dev/null; rm -f "$OUT" "$ERR" "$PIDF"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$OUT"; echo "--- stderr"; cat "$ERR"; exit 1; }

# 1. usage errors
"$RAWBPF" load "$S/uprobe.bpf.o" --attach nonsense >"$OUT" 2>"$ERR"
[ $? -eq 2 ] || fail "--attach without = must be a usage error"
grep -q "wants PROG=TARGET" "$ERR" || fail "no --attach usage sentence"
"$RAWBPF" load "$S/uprobe.bpf.o" --pid abc >"$OUT" 2>"$ERR"
[ $? -eq 2 ] || fail "--pid abc must be a usage error"

# 2. no target: the program and the flag to use are named
"$RAWBPF" load "$S/uprobe.bpf.o" --duration 0.1 >"$OUT" 2>"$ERR"
[ $? -ne 0 ] || fail "uprobe without a target must fail"
grep -q "give one with --attach func_entry=BINARY:FUNC" "$ERR" || fail "no sentence"

# 3. getpid in libc, counted for a python process
"$RAWBPF" load "$S/uprobe.bpf.o" --duration 8 --print-limit 0 \
	--attach func_entry=libc.so.6:getpid --attach func_return=libc.so.6:getpid >"$OUT" 2>"$ERR" &
LOADER=$!
sleep 4
python3 -c '
import os, sys
open(sys.argv[1], "w").write(str(os.getpid()))
for i in range(7): os.getpid()' "$PIDF" || fail "python"
wait "$LOADER" || fail "load with --attach"
LOADER=
grep -q 'attached: uprobe libc.so.6:getpid' "$OUT" || fail "func_entry not attached"
grep -q 'attached: uretprobe libc.so.6:getpid' "$OUT" || fail "func_return not attached"
python3 - "$OUT" "$(cat "$PIDF")" <<'PY' || fail "python's calls not counted"
import json, re, sys
pid = sys.argv[2]
for line in open(sys.argv[1]):
    m = re.match(r"^\s+(\d+) = (\{.*\})$", line)
    if m and m.group(1) == pid:
        v = json.loads(m.group(2))  # struct call_stats, typed with BTF
        calls, rets, ret = v["calls"], v["returns"], v["last_ret"]
        assert calls >= 7 and rets >= 7, (calls, rets)
        assert ret == int(pid), ret
        sys.exit(0)
sys.exit("pid %s not in the map" % pid)
PY
exit 0
