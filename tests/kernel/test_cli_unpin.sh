#!/bin/sh
# rawbpf unpin DIR says what it removes: one "removed PATH" line per pin and directory
# (children first), exactly the paths that were there, then a count; a DIR that is not on
# bpffs is refused before anything is touched; a missing DIR is an error.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
PIN=/sys/fs/bpf/rawbpf_unpin_test_$$
tmp=$(mktemp -d)
cleanup() { rm -rf "$PIN" "$tmp"; }
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; sed 's/^/    /' "$tmp/out" "$tmp/err" 2>/dev/null | head -30; exit 1; }

"$RAWBPF" load "$BUILD/samples/counter.bpf.o" --pin "$PIN" >"$tmp/out" 2>"$tmp/err" || fail "pin"
# What is there: files (pins) and directories, DIR itself included.
find "$PIN" -type d | sed 's|$|/|' >"$tmp/want"
find "$PIN" ! -type d >>"$tmp/want"
sort "$tmp/want" -o "$tmp/want"
[ "$(grep -vc '/$' "$tmp/want")" -ge 3 ] || fail "fewer than 3 pins under $PIN"

"$RAWBPF" unpin "$PIN" >"$tmp/out" 2>"$tmp/err" || fail "unpin"
[ ! -e "$PIN" ] || fail "unpin left $PIN"
sed -n 's/^removed //p' "$tmp/out" | sort >"$tmp/got"
cmp -s "$tmp/want" "$tmp/got" || { diff "$tmp/want" "$tmp/got"; fail "removed paths differ"; }
# Children before their directory: DIR is the last path removed.
[ "$(sed -n 's/^removed //p' "$tmp/out" | tail -1)" = "$PIN/" ] || fail "$PIN is not removed last"
pins=$(grep -vc '/$' "$tmp/want")
dirs=$(grep -c '/$' "$tmp/want")
grep -qx "unpinned $pins objects, removed $dirs directories" "$tmp/out" || fail "no count line"

# Not bpffs: refused, nothing listed, nothing removed.
mkdir "$tmp/keep" && touch "$tmp/keep/file"
"$RAWBPF" unpin "$tmp/keep" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] || fail "unpin outside bpffs: exit status not 1"
grep -q 'is not on a BPF filesystem: refusing to remove it' "$tmp/err" || fail "no refusal"
[ ! -s "$tmp/out" ] || fail "something listed for a refused DIR"
[ -f "$tmp/keep/file" ] || fail "a file outside bpffs was removed"

"$RAWBPF" unpin "$PIN" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "No such file" "$tmp/err" || fail "a missing DIR is not an error"
exit 0
