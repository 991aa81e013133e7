#!/bin/sh
# Run every benchmark; each prints its own ratios against libbpf.
BUILD=${BUILD:-build}
for b in "$BUILD"/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	BUILD="$BUILD" "$b" || exit 1
done
for b in bench/bench_*.sh; do
	[ -f "$b" ] || continue
	echo "== $(basename "$b")"
	BUILD="$BUILD" sh "$b" || exit 1
done
