#!/bin/sh
# docs/verifier-log.md shows rawbpf's output: each ```console block that starts with
# "$ rawbpf ..." must still be exactly what that command prints (run from the repository root).
RAWBPF=${RAWBPF:-build/rawbpf}
DOC=docs/verifier-log.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Split the blocks into tmp/N.cmd (the arguments) and tmp/N.out (the expected output).
awk -v dir="$tmp" '
	/^```console$/ { inblock = 1; first = 1; next }
	/^```$/ && inblock { inblock = 0; close(out); next }
	inblock && first {
		first = 0
		if ($0 ~ /^\$ rawbpf / && $0 !~ / > /) {
			n++
			out = dir "/" n ".out"
			cmd = substr($0, 10)
			print cmd > (dir "/" n ".cmd")
			close(dir "/" n ".cmd")
			printf "" > out
		} else {
			out = "/dev/null"
		}
		next
	}
	inblock { print > out }
' "$DOC"

count=0 fail=0
for c in "$tmp"/*.cmd; do
	[ -f "$c" ] || continue
	n=${c%.cmd}
	# The arguments have no quotes or globs: plain word splitting is right.
	# shellcheck disable=SC2046
	"$RAWBPF" $(cat "$c") >"$n.got" 2>/dev/null
	count=$((count + 1))
	if ! cmp -s "$n.got" "$n.out"; then
		echo "FAIL: docs/verifier-log.md shows other output for: rawbpf $(cat "$c")"
		diff "$n.out" "$n.got" | head -20
		fail=1
	fi
done
[ "$count" -ge 10 ] || { echo "FAIL: only $count command blocks found in $DOC"; exit 1; }
echo "$count command outputs checked"
exit $fail
