#!/bin/sh
# Cross-kernel prepare: every corpus object (scripts/corpus.sh) through `rawbpf relo --btf`
# against each guest kernel's BTF (taken from its package by scripts/kernels.sh, with that
# kernel's config for .kconfig) and against the host's, counting per target the objects
# prepared, refused (exit 1, with the first reasons) and the relocation kinds, CO-RE included.
# Fails when rawbpf crashes, hangs or exits otherwise than 0/1, or when the objects refused
# differ from the host's without a CO-RE/ksym reason (a target-independent refusal must be
# the same everywhere). Prints "RESULT host relo-<target> ..." lines.
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
KERNELS=${KERNELS:-"6.1 6.12"}
C="$BUILD/corpus"
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
[ -s "$C/MANIFEST" ] || { echo "$C/MANIFEST is empty"; exit 1; }
T="$BUILD/kernels/relo"
rm -rf "$T"
mkdir -p "$T"
fail=0

run_target() { # name btf [kconfig]
	ok=0 refused=0 n=0
	err="$T/$1.err"
	mkdir -p "$T/$1"
	: >"$T/$1.refused"
	while read -r path _; do
		n=$((n + 1))
		json="$T/$1/$n.json"
		timeout 60 "$RAWBPF" relo --json --btf "$2" ${3:+--kconfig "$3"} "$path" >"$json" 2>"$err"
		rc=$?
		case $rc in
		0) ok=$((ok + 1)) ;;
		1) refused=$((refused + 1))
		   printf '%s %s\n' "$(basename "$path")" "$(tail -1 "$err")" >>"$T/$1.refused" ;;
		*) echo "$1: rawbpf relo $path exit $rc: $(tail -1 "$err")"; touch "$T/$1.crashed" ;;
		esac
	done <"$C/MANIFEST"
	# One jq over the whole target (one per object costs more than rawbpf itself).
	for f in "$T/$1"/*.json; do [ -s "$f" ] || rm -f "$f"; done
	jq -r '.programs[].relocations[].kind' "$T/$1"/*.json >"$T/$1.kinds"
	kinds=$(sort "$T/$1.kinds" | uniq -c | awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }')
	echo "RESULT host relo-$1 ok: $ok of $n prepared, $refused refused; relocations: $kinds"
}

# The targets are independent: run them side by side, print in order.
run_target host /sys/kernel/btf/vmlinux >"$T/host.out" 2>&1 &
for k in $KERNELS; do
	run_target "$k" "$BUILD/kernels/$k/btf" "$BUILD/kernels/$k/config" >"$T/$k.out" 2>&1 &
done
wait
for t in host $KERNELS; do
	cat "$T/$t.out"
	[ -e "$T/$t.crashed" ] && fail=1
done
for k in $KERNELS; do
	# Objects refused on one kernel and not the host (or the reverse) must name a kernel
	# dependency (a ksym, a kfunc, a kconfig value or a CO-RE target); anything else is a bug.
	cut -d' ' -f1 "$T/host.refused" | sort >"$T/a"
	cut -d' ' -f1 "$T/$k.refused" | sort >"$T/b"
	for o in $(comm -3 "$T/a" "$T/b" | tr -d '\t'); do
		why=$(grep -h "^$o " "$T/$k.refused" "$T/host.refused" | head -1)
		case $why in
		*ksym*|*kfunc*|*kconfig*|*CONFIG_*|*CO-RE*|*extern*) echo "  $k differs from host: $why" ;;
		*) echo "$k: $o refused on one target only, for no kernel reason: $why"; fail=1 ;;
		esac
	done
done
exit $fail
