#!/bin/sh
# rawbpf load with a usdt program, end to end from the command line: a program built here
# with <sys/sdt.h> has the probe demo:tick(i, -7, i * 100) behind a semaphore; it waits
# until the loader has attached (the semaphore goes up), fires the probe 5 times and
# exits. The printed map (typed with BTF) must show 5 hits, 3 arguments and the last
# values (5, -7, 500).
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
S=$BUILD/samples
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v gcc >/dev/null || { echo "SKIP: needs gcc"; exit 77; }
echo "#include <sys/sdt.h>" | gcc -E - >/dev/null 2>&1 ||
	{ echo "SKIP: needs sys/sdt.h (systemtap-sdt-dev)"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
DIR=$(mktemp -d) LOADER= PROG=
PIN=/sys/fs/bpf/rawbpf_usdt_pin_test_$$
cleanup() {
	[ -n "$LOADER" ] && kill "$LOADER" 2>/dev/null
	[ -n "$PROG" ] && kill "$PROG" 2>/dev/null
	[ -e "$PIN" ] && "$RAWBPF" unpin "$PIN" >/dev/null 2>&1
	rm -rf "$DIR"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$DIR/out"; echo "--- stderr"; cat "$DIR/err"; exit 1; }

cat >"$DIR/demo.c" <<'C'
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <unistd.h>
unsigned short demo_tick_semaphore __attribute__((unused, section(".probes")));
__attribute__((noinline)) static void tick(long i)
{
	long v = i * 100;

	if (demo_tick_semaphore)
		STAP_PROBE3(demo, tick, i, -7, v);
	__asm__ volatile("" : : "r"(v) : "memory");
}
int main(void)
{
	for (int t = 0; t < 200 && !demo_tick_semaphore; t++)
		usleep(50000);
	if (!demo_tick_semaphore)
		return 1;
	for (long i = 1; i <= 5; i++)
		tick(i);
	return 0;
}
C
gcc -O2 -o "$DIR/demo" "$DIR/demo.c" || fail "building the demo"

# usage: a usdt program with no target names the form to give
"$RAWBPF" load "$S/usdt_args.bpf.o" --duration 0.1 >"$DIR/out" 2>"$DIR/err"
[ $? -ne 0 ] || fail "usdt without a target must fail"
grep -q "give one with --attach on_args=BINARY:PROVIDER:NAME" "$DIR/err" || fail "no sentence"

"$DIR/demo" &
PROG=$!
"$RAWBPF" load "$S/usdt_args.bpf.o" --duration 4 --pid "$PROG" \
	--attach "on_args=$DIR/demo:demo:tick" >"$DIR/out" 2>"$DIR/err" &
LOADER=$!
wait "$PROG" || fail "the demo never saw its semaphore raised"
PROG=
wait "$LOADER" || fail "load with a usdt target"
LOADER=
grep -q "attached: usdt $DIR/demo:demo:tick" "$DIR/out" || fail "on_args not attached"
python3 - "$DIR/out" <<'PY' || fail "probe arguments not seen"
import json, re, sys
in_seen = False
for line in open(sys.argv[1]):
    if line.startswith("map "):
        in_seen = line.startswith("map seen ")
        continue
    m = re.match(r"^\s+0 = (\{.*\})$", line)
    if in_seen and m:
        v = json.loads(m.group(1))
        assert v == {"hits": 5, "arg_cnt": 3, "args": [5, -7, 500]}, v
        sys.exit(0)
sys.exit("no entry 0 of map seen in the printed map")
PY

# --pin keeps every site: a probe at two places pins links/on_args and links/on_args_site1,
# and after the loader has gone both still count (the pinned map shows 2 hits, from i = 1
# and i = 2).
cat >"$DIR/two.c" <<'C'
#include <sys/sdt.h>
__attribute__((noipa)) static void one(long i) { STAP_PROBE3(demo, two, i, -7, i * 100); }
__attribute__((noipa)) static void two(long i) { STAP_PROBE3(demo, two, i, -7, i * 100); }
int main(void)
{
	one(1);
	two(2);
	return 0;
}
C
: >"$DIR/out"
gcc -O2 -o "$DIR/two" "$DIR/two.c" || fail "building the two-site demo"
[ "$(readelf -n "$DIR/two" | grep -c 'Name: two')" = 2 ] || fail "the demo has not two sites"
scripts/mount-fs.sh >/dev/null 2>&1
"$RAWBPF" load "$S/usdt_args.bpf.o" --pin "$PIN" --attach "on_args=$DIR/two:demo:two" \
	>"$DIR/out" 2>"$DIR/err" || fail "load --pin with two usdt sites"
[ -e "$PIN/links/on_args" ] && [ -e "$PIN/links/on_args_site1" ] ||
	fail "not both sites pinned: $(ls "$PIN/links" | tr '\n' ' ')"
"$DIR/two" || fail "running the two-site demo"
"$RAWBPF" map dump "$PIN/maps/seen" --json >"$DIR/out" 2>"$DIR/err" || fail "map dump"
python3 - "$DIR/out" <<'PY' || fail "the pinned links did not both fire"
import json, sys
v = json.load(open(sys.argv[1]))[0]["formatted"]["value"]
assert v["hits"] == 2 and v["args"] == [2, -7, 200], v
PY
"$RAWBPF" unpin "$PIN" >/dev/null 2>&1 || fail "unpin"
exit 0
