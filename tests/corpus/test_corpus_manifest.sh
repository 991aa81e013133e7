#!/bin/sh
# scripts/corpus.sh keeps its promises: every MANIFEST line names an existing BPF ELF object
# (e_machine 247) whose byte order is the one written next to it, cilium's -eb.elf files are
# big-endian and kept under be/, -el.elf little-endian under el/, no two objects have the same
# bytes, every package contributed, and a second run is fast and changes nothing.
BUILD=${BUILD:-build}
C="$BUILD/corpus"
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
fail() { echo "FAIL: $*"; exit 1; }
[ -s "$C/MANIFEST" ] || fail "$C/MANIFEST is empty"

while read -r path pkg endian; do
	[ -f "$path" ] || fail "$path listed but missing"
	# e_ident: magic, class 2 (64-bit), data 1 (LE) or 2 (BE); e_machine at 18.
	set -- $(od -An -tu1 -N20 "$path")
	[ "$1 $2 $3 $4 $5" = "127 69 76 70 2" ] || fail "$path is not a 64-bit ELF"
	case "$6:$endian" in
	1:le) [ "${19} ${20}" = "247 0" ] || fail "$path: e_machine is not 247 (LE)" ;;
	2:be) [ "${19} ${20}" = "0 247" ] || fail "$path: e_machine is not 247 (BE)" ;;
	*) fail "$path: EI_DATA $6 but MANIFEST says $endian" ;;
	esac
	# cilium names its objects by byte order: NAME-eb.elf, NAME-el.elf.
	case "$path" in
	*-eb.elf) want=be dir=be ;;
	*-el.elf) want=le dir=el ;;
	*) want="" dir="" ;;
	esac
	if [ -n "$want" ]; then
		[ "$endian" = "$want" ] || fail "$path: named for $want, listed as $endian"
		case $path in
		*/cilium-ebpf/$dir/*) ;;
		*) fail "$path: not under cilium-ebpf/$dir/" ;;
		esac
	fi
done <"$C/MANIFEST"

dups=$(cut -d' ' -f1 "$C/MANIFEST" | xargs sha256sum | cut -d' ' -f1 | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups objects appear more than once (same bytes)"
for p in libbpf-tools xdp-tools libxdp1 golang-github-cilium-ebpf-dev; do
	grep -q " $p " "$C/MANIFEST" || fail "no object from $p"
done

before=$(cat "$C/MANIFEST")
start=$(date +%s)
scripts/corpus.sh >/dev/null || fail "second run failed"
[ $(($(date +%s) - start)) -le 5 ] || fail "second run took more than 5 s"
[ "$(cat "$C/MANIFEST")" = "$before" ] || fail "second run changed MANIFEST"
echo "$(wc -l <"$C/MANIFEST") objects checked"
exit 0
