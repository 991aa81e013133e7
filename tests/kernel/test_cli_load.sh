#!/bin/sh
# rawbpf load / unpin end to end on the samples: attach and count, JSON manifest, a program
# the verifier refuses (exit 1, its name, the reason), --pin then a second process reads the
# pinned map, unpin leaves nothing; map size overrides; --set; the typed map print; usage
# errors.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
S=$BUILD/samples
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
PIN=/sys/fs/bpf/rawbpf_cli_test_$$
OUT=$(mktemp) ERR=$(mktemp)
cleanup() { rm -rf "$PIN" "$OUT" "$ERR"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- stdout"; cat "$OUT"; echo "--- stderr"; cat "$ERR"; exit 1; }

# 1. attach a tracepoint and count: rawbpf's own system calls show up under its name
"$RAWBPF" load "$S/syscount.bpf.o" --duration 1 --print-limit 0 >"$OUT" 2>"$ERR" || fail "syscount load"
grep -q 'program count_syscall .*attached: tracepoint raw_syscalls/sys_enter' "$OUT" ||
	fail "syscount not attached"
grep -q '^map syscalls (hash):' "$OUT" || fail "no map listing"
grep -Eq '^  \{"comm":"rawbpf"\} = [1-9][0-9]*$' "$OUT" || fail "rawbpf's own syscalls not counted"

# 1b. the map print is typed with BTF (struct keys, .bss by variable name) and limited to
# 64 entries per map: 70 programs with names of their own make more than 64 keys
BIN=$(mktemp -d)
i=0
while [ $i -lt 70 ]; do cp /bin/true "$BIN/rbp$i"; i=$((i + 1)); done
( sleep 0.3; i=0; while [ $i -lt 70 ]; do "$BIN/rbp$i"; i=$((i + 1)); done ) &
"$RAWBPF" load "$S/syscount.bpf.o" --duration 5 >"$OUT" 2>"$ERR" || fail "syscount load (70 names)"
wait
rm -rf "$BIN"
[ "$(sed -n '/^map syscalls/,/^map /p' "$OUT" | grep -c '^  {"comm":')" -eq 64 ] ||
	fail "not 64 entries shown"
grep -Eq '^  \.\.\. [1-9][0-9]* more$' "$OUT" || fail "no '... N more' line"
"$RAWBPF" load "$S/globals.bpf.o" --duration 0.2 --set target_pid=77 --set greeting=hi \
	>"$OUT" 2>"$ERR" || fail "globals load with --set"
grep -Fq '  0 = {".rodata":[{"target_pid":77},{"greeting":"hi"},' "$OUT" ||
	fail "--set values not in the .rodata print"
grep -Fq '  0 = {".bss":[{"matched":0}]}' "$OUT" || fail "no typed .bss line"

# 1c. --set errors: a value that does not fit (exit 1, one sentence), a malformed flag (2)
"$RAWBPF" load "$S/globals.bpf.o" --no-attach --set target_pid=-1 >"$OUT" 2>"$ERR"
[ $? -eq 1 ] && grep -Fq "cannot set variable 'target_pid' (const volatile __u32, in .rodata) to '-1': an unsigned 4-byte integer cannot hold a negative value" "$ERR" ||
	fail "--set target_pid=-1 must be refused"
"$RAWBPF" load "$S/globals.bpf.o" --no-attach --set target >"$OUT" 2>"$ERR"
[ $? -eq 2 ] || fail "--set without = must be a usage error"

# 2. the JSON manifest
"$RAWBPF" load "$S/counter.bpf.o" --duration 0.2 --json >"$OUT" 2>"$ERR" || fail "json load"
python3 - "$OUT" <<'PY' || fail "manifest"
import json, sys
# JSON Lines: the load document is the first line, every line is a document of its own
lines = [json.loads(l) for l in open(sys.argv[1])]
d = lines[0]
assert d["type"] == "load", d
assert [l["type"] for l in lines[1:]] == ["summary", "map"], lines
p = d["programs"][0]
assert p["name"] == "count_getpid" and p["loaded"] and p["id"] > 0 and len(p["tag"]) == 16, p
assert p["attached"] and p["attach_point"] == "tracepoint syscalls/sys_enter_getpid", p
assert p["link_id"] > 0, p
m = [m for m in d["maps"] if m["name"] == "counts"][0]
assert m["type"] == "hash" and m["id"] > 0, m
assert d["btf_id"] > 0
PY

# 3. a program the verifier rejects: exit 1, its name, the kernel's reason
"$RAWBPF" load "$S/broken/map_value_oob.bpf.o" >"$OUT" 2>"$ERR"
[ $? -eq 1 ] || fail "refused load must exit 1"
grep -q "program '" "$ERR" || fail "no program name"
grep -q 'the verifier rejected the program' "$ERR" || fail "no explanation"
grep -qi 'invalid access to map value' "$ERR" || fail "the log's reason is missing"

# 4. pin, read the pinned map from another process, unpin
"$RAWBPF" load "$S/counter.bpf.o" --pin "$PIN" >"$OUT" 2>"$ERR" || fail "pin"
for f in progs/count_getpid maps/counts links/count_getpid; do
	[ -e "$PIN/$f" ] || fail "missing $PIN/$f"
done
bpftool map show pinned "$PIN/maps/counts" >/dev/null 2>&1 || fail "bpftool cannot open the pinned map"
"$RAWBPF" unpin "$PIN" >"$OUT" 2>"$ERR" || fail "unpin"
[ ! -e "$PIN" ] || fail "unpin left $PIN"
"$RAWBPF" unpin /tmp >"$OUT" 2>"$ERR"
[ $? -eq 1 ] && grep -q 'not on a BPF filesystem' "$ERR" || fail "unpin outside bpffs must refuse"

# 1d. verify --set: a knob changes what the verifier walks (verbose=true keeps the
# bpf_printk branch that the default false lets it drop)
n0=$("$RAWBPF" verify "$S/globals.bpf.o" --stats 2>"$ERR" | awk '$2 == "count_matching" { print $5 }')
n1=$("$RAWBPF" verify "$S/globals.bpf.o" --stats --set verbose=true 2>"$ERR" |
	awk '$2 == "count_matching" { print $5 }')
[ -n "$n0" ] && [ -n "$n1" ] && [ "$n1" -gt "$n0" ] ||
	fail "verify --set verbose=true: $n1 instructions, not more than $n0"

# 4b. map types that take no BTF key/value types (the kernel says ENOTSUPP) load without them,
# as libbpf-tools' cgroup_map (a cgroup_array declared with __type) needs
SRC=$(mktemp --suffix=.bpf.c) OBJ=$(mktemp --suffix=.bpf.o)
cat >"$SRC" <<'C'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} cgroup_map SEC(".maps");
SEC("tracepoint/syscalls/sys_enter_getpid")
int use_it(void *ctx) { return bpf_current_task_under_cgroup(&cgroup_map, 0); }
char LICENSE[] SEC("license") = "GPL";
C
clang-19 -target bpf -O2 -g -I/usr/include/$(gcc -dumpmachine) -c "$SRC" -o "$OBJ" ||
	fail "cannot compile the cgroup_array object"
"$RAWBPF" load "$OBJ" --no-attach >"$OUT" 2>"$ERR"
st=$?
rm -f "$SRC" "$OBJ"
[ $st -eq 0 ] && grep -q 'map     cgroup_map .*cgroup_array' "$OUT" ||
	fail "a cgroup_array with BTF key/value types must load"

# 5. map sizes
"$RAWBPF" load "$S/counter.bpf.o" --no-attach --map counts.max_entries=0 >"$OUT" 2>"$ERR"
[ $? -eq 1 ] && grep -q "map 'counts' has max_entries 0" "$ERR" || fail "zero-size map"
"$RAWBPF" load "$S/counter.bpf.o" --no-attach --map counts.max_entries=bad >"$OUT" 2>"$ERR"
[ $? -eq 2 ] || fail "bad --map must be a usage error"
"$RAWBPF" load --bogus "$S/counter.bpf.o" >"$OUT" 2>"$ERR"
[ $? -eq 2 ] || fail "unknown option must exit 2"
exit 0
