#!/bin/sh
# The demo: what rawbpf does today, on this kernel. Grows with the load path.
set -e
BUILD=${BUILD:-build}
R="$BUILD/rawbpf"
scripts/mount-fs.sh >/dev/null 2>&1 || true
echo "== rawbpf $($R version | cut -d' ' -f2)"
for step in scripts/demo.d/*.sh; do
	[ -f "$step" ] && BUILD="$BUILD" R="$R" sh "$step"
done
exit 0
