#!/bin/sh
# The main job: open a BPF object, show what is in it and what prepare does to it, then load
# it, attach it, let it count syscalls per process name for a few seconds while we make some
# activity, and print the busiest processes from its map.
BUILD=${BUILD:-build}
R=${R:-$BUILD/rawbpf}
OBJ="$BUILD/samples/syscount.bpf.o"
DUR=${DEMO_SECONDS:-3}

echo
echo "== 1. open: what clang left in $OBJ (rawbpf inspect)"
"$R" inspect "$OBJ" | sed -n '/^programs:/,$p'

echo
echo "== 2. prepare: the relocations rawbpf applies (rawbpf relo)"
"$R" relo "$OBJ"

echo
echo "== 3-5. load, attach, run for ${DUR}s while this script makes some activity (rawbpf load)"
(
	sleep 1
	i=0
	while [ $i -lt 200 ]; do
		cat /proc/version >/dev/null
		ls / >/dev/null
		i=$((i + 1))
	done
) &
busy=$!
out=$("$R" load "$OBJ" --duration "$DUR" 2>&1)
rc=$?
wait $busy
if [ $rc -ne 0 ]; then
	printf '%s\n' "$out"
	echo "demo: rawbpf load failed (exit $rc)"
	exit 1
fi
# The header lines as printed, then the map (keys are {"comm":"NAME"}, typed with BTF)
# sorted by count, busiest first.
printf '%s\n' "$out" | sed -n '1,/^map /p'
printf '%s\n' "$out" | sed -n '/^map /,$p' | sed 1d |
	awk -F' = ' 'NF == 2 { sub(/^ +/, "", $1); gsub(/^\{"comm":"|"\}$/, "", $1); print $2 "\t" $1 }' |
	sort -rn | head -10 |
	awk -F'\t' '{ printf "  %-20s %8d syscalls\n", $2, $1 }'
