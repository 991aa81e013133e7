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
	: >"$T/$1.refused"
	: >"$T/$1.kinds"
	while read -r path _; do
		n=$((n + 1))
		if [ -n "$3" ]; then
			out=$(timeout 60 "$RAWBPF" relo --json --btf "$2" --kconfig "$3" "$path" 2>"$T/err")
		else
			out=$(timeout 60 "$RAWBPF" relo --json --btf "$2" "$path" 2>"$T/err")
		fi
		rc=$?
		case $rc in
		0) ok=$((ok + 1))
		   printf '%s\n' "$out" | jq -r '.programs[].relocations[].kind' >>"$T/$1.kinds" ;;
		1) refused=$((refused + 1))
		   printf '%s %s\n' "$(basename "$path")" "$(tail -1 "$T/err")" >>"$T/$1.refused" ;;
		*) echo "$1: rawbpf relo $path exit $rc: $(tail -1 "$T/err")"; fail=1 ;;
		esac
	done <"$C/MANIFEST"
	kinds=$(sort "$T/$1.kinds" | uniq -c | awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }')
	echo "RESULT host relo-$1 ok: $ok of $n prepared, $refused refused; relocations: $kinds"
}

run_target host /sys/kernel/btf/vmlinux
for k in $KERNELS; do
	run_target "$k" "$BUILD/kernels/$k/btf" "$BUILD/kernels/$k/config"
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
