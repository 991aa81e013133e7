#!/bin/sh
# docs/load-path.md shows rawbpf's real output: regenerate its command blocks into a copy
# (scripts/gen-docs.sh) and fail when the copy differs, i.e. when the code changed what it
# prints and `make docs` was not run. The blocks hold kernel-dependent output (feature probes,
# syscalls), so the comparison is made only on the kernel release the doc was generated on.
BUILD=${BUILD:-build}
DOC=docs/load-path.md
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
gen=$(sed -n 's/^<!-- generated on Linux \(.*\) -->$/\1/p' "$DOC")
[ -n "$gen" ] || { echo "FAIL: $DOC has no '<!-- generated on Linux ... -->' line"; exit 1; }
if [ "$gen" != "$(uname -r)" ]; then
	echo "SKIP: $DOC was generated on Linux $gen, this is $(uname -r)"
	exit 77
fi
NEW=$(mktemp)
trap 'rm -f "$NEW"' EXIT
BUILD=$BUILD scripts/gen-docs.sh -o "$NEW" "$DOC" || { echo "FAIL: scripts/gen-docs.sh failed"; exit 1; }
if ! diff -u "$DOC" "$NEW"; then
	echo "FAIL: $DOC is stale (the output above differs): run 'make docs' and commit it"
	exit 1
fi
grep -q '^<!-- run: ' "$DOC" || { echo "FAIL: $DOC has no generated blocks"; exit 1; }
exit 0
