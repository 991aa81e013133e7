#!/bin/sh
# The end-of-run map print of `rawbpf load` reads an object's BTF from the kernel once for
# all its maps (one BPF_BTF_GET_FD_BY_ID in --trace for 34 maps sharing that BTF), and every
# map is still printed with its BTF types (the typed .data value, the 32 hash maps).
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
OBJ=$BUILD/samples/mapdump/many.bpf.o
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
[ -f "$OBJ" ] || { echo "FAIL: $OBJ not built"; exit 1; }
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT INT TERM
fail() { echo "FAIL: $*"; sed 's/^/  | /' "$OUT" | head -40; exit 1; }

timeout 60 "$RAWBPF" load "$OBJ" --no-attach --duration 0 --trace >"$OUT" 2>&1 ||
	fail "rawbpf load exited $?"
n=$(grep -c '^map ' "$OUT")
[ "$n" -eq 34 ] || fail "$n maps printed, expected 34"
[ "$(grep -c '^map many_[0-9]* (hash):$' "$OUT")" -eq 32 ] || fail "the 32 hash maps"
grep -q '^  0 = {"\.data":\[{"seed":7}\]}$' "$OUT" || fail "the typed .data value"
fetch=$(grep -c 'BPF_BTF_GET_FD_BY_ID' "$OUT")
[ "$fetch" -eq 1 ] || fail "the object's BTF fetched $fetch times for 34 maps, expected once"
echo "ok: 34 maps printed with one BTF fetch"
