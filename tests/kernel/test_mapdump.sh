#!/bin/sh
# rawbpf map dump prints exactly what bpftool map dump prints (plain and -j) on maps with BTF
# (structs with bitfields, anonymous unions, enums, char arrays, nested arrays, pointers,
# 128-bit integers; a per-CPU array; an array), on maps without BTF (hash, per-CPU hash) and
# on a prog array and an array of maps, where our JSON adds the id the kernel returned.
# Maps live in a private bpffs directory removed on exit.
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
OBJ=$BUILD/samples/mapdump/types.bpf.o
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v bpftool >/dev/null || { echo "SKIP: bpftool not installed"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
[ -f "$OBJ" ] || { echo "FAIL: $OBJ not built"; exit 1; }
scripts/mount-fs.sh >/dev/null 2>&1 || true
D=/sys/fs/bpf/rb-mapdump-$$  # bpffs refuses dots in names
mkdir "$D" || { echo "SKIP: cannot make a directory on bpffs at /sys/fs/bpf"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$D" "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

bpftool prog loadall "$OBJ" "$D" pinmaps "$D/maps" || fail "bpftool could not load $OBJ"
M=$D/maps
# Two flows: every field set (string name, negative numbers, an enumerator, bitfields), and
# one with a value that is no enumerator, a name without NUL, an all-ones __int128.
python3 - >"$T/kv" <<'PY'
import struct
def hx(b): return ' '.join('0x%02x' % x for x in b)
k = struct.pack('<IHBb', 0x0100007f, 8080, 6, ord('x'))
v = bytearray(112)
struct.pack_into('<QihbB', v, 0, 123456789012, -5, -300, -7, 1)
struct.pack_into('<I', v, 16, 7)
struct.pack_into('<I', v, 20, 5 | (9 << 4) | (3 << 8) | (0x12345 << 11))
struct.pack_into('<I', v, 24, 0x1b)
struct.pack_into('<I', v, 28, 0xdeadbeef)
struct.pack_into('<HH', v, 32, 1, 2)
v[36:42] = b'hello\0'
v[52:58] = bytes([1, 2, 3, 4, 5, 6])
struct.pack_into('<6I', v, 60, 1, 2, 3, 4, 5, 6)
struct.pack_into('<Q', v, 88, 0xffff888012345678)
struct.pack_into('<QQ', v, 96, 1, 0)
print(hx(k)); print(hx(v))
k2 = struct.pack('<IHBb', 2, 1, 17, 0)
v2 = bytearray(112)
struct.pack_into('<I', v2, 16, 3)
v2[36:52] = b'abcdefghijklmnop'
v2[52:58] = b'ab\0\0\0\0'
struct.pack_into('<QQ', v2, 96, (1 << 64) - 1, (1 << 64) - 1)
print(hx(k2)); print(hx(v2))
PY
# shellcheck disable=SC2046
bpftool map update pinned "$M/flows" key $(sed -n 1p "$T/kv") value $(sed -n 2p "$T/kv") &&
bpftool map update pinned "$M/flows" key $(sed -n 3p "$T/kv") value $(sed -n 4p "$T/kv") &&
bpftool map update pinned "$M/plain" key 1 0 0 0 value 0xff 0 0 0 0 0 0 1 &&
bpftool map update pinned "$M/percpu" key 1 0 0 0 value 5 0 0 0 &&
bpftool map update pinned "$M/jumps" key 0 0 0 0 value pinned "$D/touch_maps" ||
	fail "bpftool could not fill the maps"
# Maps without BTF, one with a value longer than 16 bytes, a per-CPU one, a map of maps.
bpftool map create "$D/nb" type hash key 4 value 40 entries 4 name nb &&
bpftool map create "$D/nb2" type hash key 4 value 8 entries 4 name nb2 &&
bpftool map create "$D/nbpc" type percpu_hash key 4 value 20 entries 4 name nbpc &&
bpftool map create "$D/aom" type array_of_maps key 4 value 4 entries 2 name aom \
	inner_map pinned "$D/nb2" &&
bpftool map create "$D/rb" type ringbuf key 0 value 0 entries 4096 name rb ||
	fail "bpftool could not create the maps without BTF"
# shellcheck disable=SC2046
bpftool map update pinned "$D/nb" key 1 2 3 4 value $(seq 1 40) &&
bpftool map update pinned "$D/nb2" key 1 2 3 4 value 1 2 3 4 5 6 7 8 &&
bpftool map update pinned "$D/nbpc" key 1 2 3 4 value $(seq 1 20) &&
bpftool map update pinned "$D/aom" key 1 0 0 0 value pinned "$D/nb2" ||
	fail "bpftool could not fill the maps without BTF"

same() { # label file-bpftool file-rawbpf
	cmp -s "$2" "$3" && return 0
	echo "FAIL: $1 differs from bpftool:"
	diff "$2" "$3" | head -20
	exit 1
}
n=0
for m in maps/flows maps/plain maps/percpu maps/jumps nb nb2 nbpc aom; do
	bpftool map dump pinned "$D/$m" >"$T/b" || fail "bpftool map dump $m"
	"$RAWBPF" map dump "$D/$m" >"$T/r" || fail "rawbpf map dump $m: exit $?"
	same "map dump $m" "$T/b" "$T/r"
	bpftool -j map dump pinned "$D/$m" >"$T/bj" || fail "bpftool -j map dump $m"
	"$RAWBPF" map dump "$D/$m" --json >"$T/rj" || fail "rawbpf map dump $m --json"
	case $m in
	maps/jumps | aom)
		# our JSON names the id the kernel returns; without it, bpftool's bytes exactly
		python3 - "$T/rj" "$T/rj2" "$m" <<'PY' || fail "map dump $m --json: ids"
import json, sys
d = json.load(open(sys.argv[1]))
key = 'prog_id' if sys.argv[3].endswith('jumps') else 'map_id'
assert len(d) == 1, d
e = d[0]
assert e[key] == int.from_bytes(bytes(int(x, 16) for x in e['value']), 'little'), e
del e[key]
open(sys.argv[2], 'w').write(json.dumps(d, separators=(',', ':')) + '\n')
PY
		mv "$T/rj2" "$T/rj"
		;;
	esac
	same "map dump $m --json" "$T/bj" "$T/rj"
	n=$((n + 1))
done
# The typed text really is typed (a guard against both tools printing hex).
"$RAWBPF" map dump "$M/flows" | grep -q '"colour": "BLUE"' || fail "flows: enum not named"
"$RAWBPF" map dump "$M/flows" | grep -q '"name": "hello"' || fail "flows: name not a string"
"$RAWBPF" map dump "$M/flows" | grep -q '"rest": 0x12345' || fail "flows: bitfield"
# By id.
id=$(bpftool -j map show pinned "$M/flows" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$RAWBPF" map dump "id:$id" >"$T/r" || fail "map dump id:$id"
bpftool map dump id "$id" >"$T/b"
same "map dump id:$id" "$T/b" "$T/r"
# A ring buffer has nothing to dump, and says so.
out=$("$RAWBPF" map dump "$D/rb" 2>&1) || fail "map dump of a ring buffer: exit $?"
case $out in *"nothing to dump: a ring buffer has no entries"*) ;; *) fail "ringbuf: $out" ;; esac
# Errors: exit 1 and a sentence; usage: exit 2.
out=$("$RAWBPF" map dump "$D/none" 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "missing pin: exit $rc"
[ "$out" = "rawbpf: $D/none: no such pinned object" ] || fail "missing pin: $out"
out=$("$RAWBPF" map dump id:4294967295 2>&1)
[ "$out" = "rawbpf: map id 4294967295: no such map" ] || fail "missing id: $out"
out=$("$RAWBPF" map dump "$D/touch_maps" 2>&1)
[ $? -eq 1 ] || fail "a program is not a map: $out"
"$RAWBPF" map dump >/dev/null 2>&1
[ $? -eq 2 ] || fail "no argument: not a usage error"
"$RAWBPF" map list >/dev/null 2>&1
[ $? -eq 2 ] || fail "unknown subcommand: not a usage error"
echo "ok: $n maps dumped exactly as bpftool dumps them (text and JSON), by path and by id"
exit 0
