#!/bin/sh
# rawbpf load --json on the real samples: the output is JSON Lines (every line one document,
# flushed as written), read here with jq. The load document comes first; then what the
# programs produce while the test triggers them: ring buffer and perf buffer records decoded
# field by field (this test's own pid, comm "sh", filename "/bin/true"; the perf buffer's
# CPU; every kind of value, exactly), records the kernel dropped ("lost", with rawbpf stopped
# while a perf ring overflows), undecoded records as hex, bpf_printk lines, an iterator's
# output (listing this shell), a syscall program's return value and context; then the maps
# with their entries (a getpid counter keyed by pids the test knows). --duration and SIGINT
# both end the stream with complete lines, and `| jq -c .` reads it live.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
S=$BUILD/samples
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq is not installed (scripts/deps.sh installs it)"; exit 77; }
command -v taskset >/dev/null || { echo "SKIP: taskset (util-linux) is not installed"; exit 77; }
T=$(mktemp -d)
OUT=$T/out ERR=$T/err
RPID=
cleanup() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null && kill -CONT "$RPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$OUT"; echo "--- stderr"; cat "$ERR"; exit 1; }

# has JQ-FILTER WHAT: some line of $OUT matches the filter (jq -e on the stream)
has() {
	jq -e -s "map(select($1)) | length > 0" "$OUT" >/dev/null || fail "$2"
}

# every line is one complete JSON document, and the first is the load report
lines_ok() {
	n=$(wc -l <"$OUT")
	[ "$n" -gt 0 ] && [ "$(jq -c . "$OUT" | wc -l)" = "$n" ] || fail "$1: not one JSON document a line"
	[ "$(head -1 "$OUT" | jq -r .type)" = load ] || fail "$1: the first line is not the load report"
	jq -e -s 'all(has("type"))' "$OUT" >/dev/null || fail "$1: a line without \"type\""
}

# start OBJ ARGS...: rawbpf --json in the background, until its load line is out
start() {
	"$RAWBPF" load "$@" --json >"$OUT" 2>"$ERR" &
	RPID=$!
	for _ in $(seq 100); do
		[ -s "$OUT" ] && break
		kill -0 "$RPID" 2>/dev/null || break
		sleep 0.1
	done
	head -1 "$OUT" | jq -e '.type == "load"' >/dev/null || fail "$1: no load line"
}

finish() {
	wait "$RPID" || fail "rawbpf exited with $?"
	RPID=
}

# exec_true: a shell execs /bin/true; its pid in $pid
exec_true() {
	sh -c 'echo $$ >"$1"; exec /bin/true' sh "$T/pid"
	pid=$(cat "$T/pid")
}

# 1. ring buffer: the record arrives decoded while rawbpf still runs (flushed line by line)
start "$S/ringbuf.bpf.o" --duration 6
exec_true
live=0
for _ in $(seq 50); do
	# lines as they are now (a last one may still be half written)
	if jq -e -n -R --argjson p "$pid" \
		'[inputs | fromjson? | select(.type == "record" and .fields.pid == $p)] | length > 0' \
		"$OUT" >/dev/null 2>&1; then
		kill -0 "$RPID" 2>/dev/null && live=1
		break
	fi
	sleep 0.1
done
[ $live = 1 ] || fail "ringbuf: the record of pid $pid did not arrive while rawbpf ran"
finish
lines_ok ringbuf
has ".type == \"record\" and .map == \"events\" and .struct == \"event\" and .size == 160 and
     .fields.pid == $pid and .fields.uid == 0 and .fields.comm == \"sh\" and
     .fields.filename == \"/bin/true\" and (.fields.timestamp_ns | type) == \"number\" and
     (has(\"cpu\") | not)" "ringbuf: no decoded record of pid $pid"
has '.type == "summary" and .records > 0 and .discarded == 0 and .lost == 0' "ringbuf: summary"
has '.type == "map" and .name == "events" and .entries == [] and (.note | test("ring buffer"))' \
	"ringbuf: the ring buffer map line"
has '.type == "map" and .name == "ringbuf.bss" and .entries[0].formatted.value[".bss"][0].dropped == 0' \
	"ringbuf: the .bss map line with its typed value"
[ "$(tail -1 "$OUT" | jq -r .type)" = map ] || fail "ringbuf: maps are not last"

# 2. perf buffer, struct named: the same record plus the CPU it came from
start "$S/perfbuf.bpf.o" --duration 2 --event-type 'struct event'
exec_true
finish
lines_ok perfbuf
has ".type == \"record\" and .map == \"events\" and .struct == \"event\" and
     (.cpu | type) == \"number\" and .cpu >= 0 and .size == 164 and .fields.pid == $pid and
     .fields.comm == \"sh\" and .fields.filename == \"/bin/true\"" \
	"perfbuf: no decoded record of pid $pid with its cpu"

# 2b. every kind of value, exactly (samples/events/kinds_ring.bpf.c): signed/unsigned of each
# size, bool, enum by name, bitfields as numbers (one negative), pointer, nested struct,
# union, array, a char array with a quote, backslash, tab, control char and a non-UTF-8 byte,
# and a flexible char array filled from the 4 bytes past the struct (120 + 4)
start "$S/events/kinds_ring.bpf.o" --duration 2 --event-type kinds
sh -c 'echo $$' >"$T/pid"
pid=$(cat "$T/pid")
finish
lines_ok kinds_ring
has ".type == \"record\" and .struct == \"kinds\" and .size == 124 and .fields == {
	\"pid\": $pid, \"s8\": -8, \"s16\": -16, \"s32\": -32, \"s64\": -64, \"u8\": 200,
	\"u16\": 65000, \"u64\": 18446744073709551615, \"yes\": true, \"mood\": \"ANGRY\",
	\"lo\": 5, \"neg\": -3, \"hi\": 11259375, \"ptr\": 4096, \"in\": {\"a\": 1, \"b\": -2},
	\"u\": {\"word\": 67305985, \"bytes\": [1, 2, 3, 4]}, \"arr\": [10, 20, 30],
	\"text\": \"a\\\"b\\\\\\t\\u0001\\ufffd\", \"comm\": \"sh\", \"n\": 4, \"tail\": \"xyz\"}" \
	"kinds_ring: the record of pid $pid is not decoded exactly"
grep -qF '"text":"a\"b\\\t\u0001\ufffd"' "$OUT" || fail "kinds_ring: the text's escapes as written"

# 2c. lost records: with rawbpf stopped (SIGSTOP), 20000 execve() calls that fail at once
# overflow a CPU's perf ring; once it runs again, "lost" lines count what the kernel dropped,
# and they add up to the summary's count
start "$S/perfbuf.bpf.o" --duration 8
kill -STOP "$RPID"
python3 -c '
import os
for i in range(20000):
    try:
        os.execv("/nonexistent/rawbpf-json-test", ["x"])
    except OSError:
        pass' || { kill -CONT "$RPID"; fail "python"; }
kill -CONT "$RPID"
# the kernel writes its "lost" record into a ring at that CPU's next sample, once there is
# room again: an execve on every CPU after rawbpf has drained the rings
sleep 1
for _ in 1 2 3; do
	for c in $(seq 0 $(($(nproc) - 1))); do taskset -c "$c" /bin/true; done
	sleep 0.2
done
finish
lines_ok perfbuf-lost
has '.type == "lost" and .map == "events" and (.cpu | type) == "number" and .count > 0' \
	"perfbuf: no lost line after the ring overflowed"
jq -e -s '([.[] | select(.type == "lost") | .count] | add) ==
	  (.[] | select(.type == "summary") | .lost)' "$OUT" >/dev/null ||
	fail "perfbuf: the lost lines do not add up to the summary"

# 3. a record no struct describes: hex, little-endian pid first
start "$S/events/raw_ring.bpf.o" --duration 2
python3 -c 'import os, sys; open(sys.argv[1], "w").write(str(os.getpid()))' "$T/pid"
pid=$(cat "$T/pid")
finish
lines_ok raw_ring
le=$(printf '%08x' "$pid" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
has ".type == \"record\" and .size == 16 and .hex == \"${le}0df0edfe8877665544332211\" and
     (has(\"fields\") | not)" "raw_ring: no hex record of pid $pid"
has '.type == "summary" and .discarded > 0' "raw_ring: discarded records not counted"

# 4. bpf_printk lines, and the map print: getpid from shells whose pids are known
start "$S/hello.bpf.o" --duration 3
: >"$T/pids"
for _ in 1 2 3; do sh -c 'echo $$' >>"$T/pids"; done
# a task named like the kernel's columns ("a-7 [5]") must not set the pid and cpu read
cp /bin/sh "$T/a-7 [5]"
"$T/a-7 [5]" -c 'echo $$' >>"$T/pids"
finish
lines_ok hello
# (the task name is not checked: trace_pipe takes it from a small pid-to-comm cache when it
# prints, so on a busy machine it can be "<...>" or another process's name)
for p in $(cat "$T/pids"); do
	has ".type == \"printk\" and (.line | endswith(\"hello from pid $p\")) and
	     (.task | type) == \"string\" and .pid == $p and .message == \"hello from pid $p\" and
	     (.cpu | type) == \"number\" and (.timestamp | type) == \"number\"" \
		"hello: no printk line of pid $p (a task, its pid, the message)"
done
# (--print-limit 0: every entry; other processes on a busy machine call getpid too)
start "$S/counter.bpf.o" --duration 2 --print-limit 0
: >"$T/pids"
for _ in 1 2 3; do sh -c 'echo $$' >>"$T/pids"; done
finish
lines_ok counter
for p in $(cat "$T/pids"); do
	has ".type == \"map\" and .name == \"counts\" and .map_type == \"hash\" and
	     any(.entries[]; .formatted.key == $p and .formatted.value >= 1)" \
		"counter: pid $p is not a key of counts"
done
# --print-limit: one entry shown, the rest counted
"$RAWBPF" load "$S/counter.bpf.o" --duration 1 --print-limit 1 --json >"$OUT" 2>"$ERR" &
RPID=$!
sleep 0.5
for _ in 1 2 3; do sh -c 'true'; done
finish
has '.type == "map" and .name == "counts" and (.entries | length) == 1 and .more >= 1' \
	"--print-limit 1: not one entry and a count of the others"

# 4b. an attach that fails (no --ifname for XDP): exit 1, the load line alone says why;
# --no-attach: the load line, then the maps
"$RAWBPF" load "$S/attach/mixed.bpf.o" --duration 0 --json >"$OUT" 2>"$ERR"
[ $? -eq 1 ] || fail "mixed: a failed attach must exit 1"
lines_ok mixed
[ "$(wc -l <"$OUT")" = 1 ] || fail "mixed: more than the load line after a failed attach"
has '.type == "load" and any(.programs[]; .name == "pass_all" and (.attached | not) and
     (.attach_error | test("--ifname")))' "mixed: no attach_error for pass_all"
"$RAWBPF" load "$S/counter.bpf.o" --no-attach --json >"$OUT" 2>"$ERR" || fail "--no-attach ($?)"
lines_ok no-attach
[ "$(jq -r .type "$OUT" | tr '\n' ' ')" = "load map " ] || fail "--no-attach: not load, map"
has '.type == "load" and (.programs[0].attached | not)' "--no-attach: attached?"

# 5. iterator: one "iter" line whose output lists this shell
timeout 20 "$RAWBPF" load "$S/iter_task.bpf.o" --json >"$OUT" 2>"$ERR" || fail "iter_task ($?)"
lines_ok iter_task
has ".type == \"iter\" and .program == \"list_tasks\" and .bytes == (.output | length) and
     any(.output | split(\"\\n\")[]; test(\"^ *$$ +$$ \"))" "iter_task: this shell ($$) not listed"

# 6. syscall program: return value, the context it wrote back, the time it took
timeout 20 "$RAWBPF" load "$S/syscall_prog.bpf.o" --ctx '07000000 03000000' --json >"$OUT" \
	2>"$ERR" || fail "syscall_prog ($?)"
lines_ok syscall_prog
has '.type == "run" and .program == "add" and .retval == 4 and .struct == "args" and
     .ctx == {"a": 7, "b": 3, "sum": 10} and .duration_ns > 0' "syscall_prog: run line"

# 7. perf_event sampling: its map of samples per pid is printed with entries
"$RAWBPF" load "$S/perf_event.bpf.o" --freq 499 --duration 0.5 --json >"$OUT" 2>"$ERR" ||
	fail "perf_event ($?)"
lines_ok perf_event
has '.type == "map" and .name == "samples" and (.entries | length) > 0 and
     all(.entries[]; .formatted.value >= 1)' "perf_event: no samples in the map line"

# 8. through a pipe into jq, --duration 1: jq reads every line
"$RAWBPF" load "$S/counter.bpf.o" --duration 1 --json 2>"$ERR" | jq -c . >"$OUT" ||
	fail "jq could not read the stream"
lines_ok pipe
[ "$(jq -r .type "$OUT" | tr '\n' ' ')" = "load summary map " ] || fail "pipe: not load, summary, map"

# 9. SIGINT (Ctrl-C) without --duration, read live through `jq -c --unbuffered`: the record
# comes through while rawbpf runs; after the signal the stream ends with the summary and the
# maps, every line complete (jq exits 0), and rawbpf exits 0
(
	"$RAWBPF" load "$S/ringbuf.bpf.o" --json 2>"$ERR" &
	echo $! >"$T/rpid"
	wait $!
	echo $? >"$T/rc"
) | jq -c --unbuffered . >"$OUT" &
PIPE=$!
for _ in $(seq 100); do [ -s "$OUT" ] && break; sleep 0.1; done
RPID=$(cat "$T/rpid")
exec_true
live=0
for _ in $(seq 50); do
	if jq -e -n -R --argjson p "$pid" \
		'[inputs | fromjson? | select(.type == "record" and .fields.pid == $p)] | length > 0' \
		"$OUT" >/dev/null 2>&1; then
		live=1
		break
	fi
	sleep 0.1
done
[ $live = 1 ] || fail "sigint: the record of pid $pid did not come through jq while rawbpf ran"
kill -INT "$RPID"
wait "$PIPE" || fail "sigint: jq could not read the stream to its end ($?)"
RPID=
[ "$(cat "$T/rc")" = 0 ] || fail "sigint: rawbpf exited with $(cat "$T/rc")"
lines_ok sigint
[ "$(jq -r .type "$OUT" | grep -v record | tr '\n' ' ')" = "load summary map map " ] ||
	fail "sigint: not load, records, summary, maps"
exit 0
