#!/bin/sh
# rawbpf load when some programs cannot attach (samples/attach/mixed.bpf.o: a getpid
# tracepoint that attaches, an XDP program that needs --ifname). Without --keep-going the
# table names each program's outcome, the error says nothing was run, exit 1, no program
# outlives the run. With --keep-going the failure is reported, the summary line counts it, the
# tracepoint program runs (getpid calls made during the run are counted) and the exit
# status is 1. --json gives the reason in "attach_error". A placeholder kprobe target is named
# as one.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
OBJ=$BUILD/samples/attach/mixed.bpf.o
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
[ -f "$OBJ" ] || { echo "FAIL: $OBJ not built"; exit 1; }
OUT=$(mktemp) ERR=$(mktemp)
LOADER=
cleanup() { [ -n "$LOADER" ] && kill "$LOADER" 2>/dev/null; rm -f "$OUT" "$ERR"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$OUT"; echo "--- stderr"; cat "$ERR"; exit 1; }
NEED_IF="section 'xdp' attaches to a network interface: give one with --ifname IF"
# After the run, no program of it may still exist (a link left behind would hold it).
gone() {
	for id in $(sed -n 's/^  program .* id \([0-9]*\) tag .*/\1/p' "$OUT"); do
		bpftool prog show id "$id" >/dev/null 2>&1 && fail "program id $id outlived the run"
	done
	return 0
}

# 1. no --keep-going: the first failure stops the run, after the table
"$RAWBPF" load "$OBJ" --duration 5 >"$OUT" 2>"$ERR"
[ $? -eq 1 ] || fail "a failed attach must exit 1"
grep -q "^  program count_getpid .* attached: tracepoint syscalls/sys_enter_getpid" "$OUT" ||
	fail "the table does not show count_getpid attached"
grep -q "^  program pass_all .* NOT ATTACHED (EINVAL): $NEED_IF\$" "$OUT" ||
	fail "the table does not say why pass_all did not attach"
grep -q "^rawbpf: program 'pass_all': $NEED_IF (nothing was run; --keep-going runs" "$ERR" ||
	fail "no error line naming the program and --keep-going"
grep -q "running for" "$OUT" && fail "ran although an attach failed without --keep-going"
gone

# 2. --keep-going: reported, counted, and the attached program runs
"$RAWBPF" load "$OBJ" --keep-going --duration 60 >"$OUT" 2>"$ERR" &
LOADER=$!
for _ in $(seq 300); do
	grep -q '^running for' "$OUT" && break
	kill -0 "$LOADER" 2>/dev/null || break
	sleep 0.1
done
grep -q '^running for 60 s' "$OUT" || fail "--keep-going did not run"
python3 -c '
import os
for i in range(100): os.getpid()' || fail "python"
kill -INT "$LOADER"
wait "$LOADER"
rc=$?
LOADER=
[ $rc -eq 1 ] || fail "--keep-going with a failed attach must exit 1 (got $rc)"
grep -q "^  program pass_all .* NOT ATTACHED (EINVAL): $NEED_IF\$" "$OUT" ||
	fail "--keep-going: the table does not say why pass_all did not attach"
grep -q "^attached 1 of 2 loaded programs; 1 could not attach (reasons above); --keep-going: running the 1 that did\$" "$OUT" ||
	fail "no summary line"
n=$(sed -n 's/.*"getpid_calls":\([0-9]*\).*/\1/p' "$OUT")
[ -n "$n" ] && [ "$n" -ge 100 ] || fail "getpid_calls is '$n', want >= 100 (the tracepoint did not run)"
gone

# 3. --json: the reason in attach_error, null for the attached program
"$RAWBPF" load "$OBJ" --keep-going --duration 0 --json >"$OUT" 2>"$ERR"
[ $? -eq 1 ] || fail "--json --keep-going must exit 1"
python3 -c '
import json, sys
d = json.JSONDecoder().raw_decode(open(sys.argv[1]).read())[0]
p = {x["name"]: x for x in d["programs"]}
assert p["count_getpid"]["attached"] and p["count_getpid"]["attach_error"] is None
assert not p["pass_all"]["attached"]
assert p["pass_all"]["attach_error"] == sys.argv[2], p["pass_all"]["attach_error"]
' "$OUT" "$NEED_IF" || fail "--json attach_error"
# 4. a placeholder kprobe target (libbpf-tools' dummy_* names): named as such, with the flag
# that retargets it; on a kernel without kprobes, that is said first
"$RAWBPF" load "$BUILD/samples/kprobe.bpf.o" --attach unlink_entry=dummy_rawbpf_nowhere \
	--keep-going --duration 0 >"$OUT" 2>"$ERR"
[ $? -eq 1 ] || fail "a kprobe on a placeholder must exit 1"
msg=$(grep "^  program unlink_entry " "$OUT")
case $msg in
*"kernel function 'dummy_rawbpf_nowhere' is not in /proc/kallsyms (a placeholder name, which the object's own tool replaces at run time); --attach unlink_entry=FUNC probes another"*) ;;
*) fail "placeholder not named as such: $msg" ;;
esac
if [ ! -e /sys/bus/event_source/devices/kprobe/type ]; then
	case $msg in
	*"NOT ATTACHED (EOPNOTSUPP): kprobe 'dummy_rawbpf_nowhere+0x0': this kernel has no kprobes"*"; and kernel function"*) ;;
	*) fail "without kprobes, that must come first: $msg" ;;
	esac
fi
echo "ok: table, error line, summary, --keep-going run ($n getpid calls counted), --json, placeholder"
