#!/bin/sh
# Every corpus object (real objects from Debian packages, scripts/corpus.sh) opens, inspects
# (text and JSON) and disassembles without error, except the ones cilium/ebpf built to be
# invalid, which must fail with exactly these sentences.
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
C="$BUILD/corpus"
command -v jq >/dev/null || { echo "SKIP: jq is not installed (scripts/deps.sh installs it)"; exit 77; }
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
[ -s "$C/MANIFEST" ] || { echo "FAIL: $C/MANIFEST is empty"; exit 1; }

cil="$C/objs/cilium-ebpf"
# name -> the one sentence its open must fail with
expected_error() {
	case "$1" in
	"$cil/el/invalid_btf_map_init-el.elf"|"$cil/be/invalid_btf_map_init-eb.elf")
		b=8; [ "${1%-eb.elf}" != "$1" ] && b=15
		echo "rawbpf: $1: section '.maps' [3]: map 'hash_map' at offset 0x0: byte $b of the definition is not zero (map attributes are types, not values)" ;;
	"$cil/el/invalid_map-el.elf"|"$cil/be/invalid_map-eb.elf")
		b=20; [ "${1%-eb.elf}" != "$1" ] && b=23
		echo "rawbpf: $1: section 'maps' [4]: map 'invalid_map' at offset 0x0: byte $b of its 24-byte definition is not zero and has no meaning to this loader" ;;
	*) echo "" ;;
	esac
}

n=0 good=0 invalid=0 fail=0 progs=0 maps=0
while read -r path pkg endian; do
	n=$((n + 1))
	want=$(expected_error "$path")
	out=$("$RAWBPF" inspect "$path" 2>&1 >/dev/null); rc=$?
	if [ -n "$want" ]; then
		if [ $rc -eq 1 ] && [ "$out" = "$want" ]; then
			invalid=$((invalid + 1))
		else
			echo "FAIL $path ($pkg, $endian): expected exit 1 with"
			echo "  $want"
			echo "  got exit $rc: $out"
			fail=$((fail + 1))
		fi
		continue
	fi
	if [ $rc -ne 0 ]; then
		echo "FAIL $path ($pkg, $endian): inspect exit $rc: $out"
		fail=$((fail + 1))
		continue
	fi
	json=$("$RAWBPF" inspect "$path" --json 2>&1) &&
		counts=$(printf '%s' "$json" | jq -r '"\([.programs[] | select(.subprog | not)] | length) \(.maps | length)"') || {
		echo "FAIL $path: inspect --json is not valid JSON"
		fail=$((fail + 1))
		continue
	}
	set -- $counts
	progs=$((progs + $1))
	maps=$((maps + $2))
	if ! "$RAWBPF" disasm "$path" >/dev/null 2>"$C/disasm.err"; then
		echo "FAIL $path: disasm: $(cat "$C/disasm.err")"
		fail=$((fail + 1))
		continue
	fi
	good=$((good + 1))
done <"$C/MANIFEST"
echo "corpus inspect: $n objects, $good open and inspect ($progs programs, $maps maps), $invalid invalid as expected, $fail failed"
[ "$invalid" -eq 4 ] || { echo "FAIL: expected 4 invalid objects, saw $invalid"; fail=$((fail + 1)); }
[ "$fail" -eq 0 ]
