#!/bin/sh
# rawbpf relo over the whole corpus (real objects nobody here wrote): every object prepares
# (CO-RE against this kernel's BTF, relocations applied, subprograms linked, externs resolved)
# except the few built to use features no libbpf-style loader has, which must fail saying why.
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
C="$BUILD/corpus"
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
[ -s "$C/MANIFEST" ] || { echo "FAIL: $C/MANIFEST is empty"; exit 1; }

# name|text the error must contain. cilium/ebpf's own test objects: fwd_decl uses an extern
# with no BTF at all, loader-clang-* an extern constant (MY_CONST) that cilium fills in itself
# and no kernel symbol provides. invalid_btf_map_init and invalid_map are built to be refused
# (opening them fails on their map definitions).
expected_failures='
fwd_decl-eb.elf|extern '"'"'fwd'"'"'
fwd_decl-el.elf|extern '"'"'fwd'"'"'
loader-clang-14-eb.elf|MY_CONST
loader-clang-14-el.elf|MY_CONST
loader-clang-9-eb.elf|MY_CONST
loader-clang-9-el.elf|MY_CONST
loader-clang-7-eb.elf|extern '"'"'MY_CONST'"'"' (strong): typeless ksym not resolved
loader-clang-7-el.elf|extern '"'"'MY_CONST'"'"' (strong): typeless ksym not resolved
invalid_btf_map_init-eb.elf|map '"'"'hash_map'"'"' at offset 0x0: byte 15 of the definition is not zero
invalid_btf_map_init-el.elf|map '"'"'hash_map'"'"' at offset 0x0: byte 8 of the definition is not zero
invalid_map-eb.elf|map '"'"'invalid_map'"'"' at offset 0x0: byte 23 of its 24-byte definition is not zero
invalid_map-el.elf|map '"'"'invalid_map'"'"' at offset 0x0: byte 20 of its 24-byte definition is not zero
'
fail=0 n=0 ok=0 core=0
while read -r path pkg endian; do
	n=$((n + 1))
	name=$(basename "$path")
	want=$(printf '%s\n' "$expected_failures" | awk -F'|' -v n="$name" '$1 == n' | cut -d'|' -f2-)
	out=$(timeout 60 "$RAWBPF" relo "$path" 2>&1)
	rc=$?
	if [ -n "$want" ]; then
		if [ $rc -ne 1 ] || ! printf '%s\n' "$out" | grep -qF "$want"; then
			printf 'FAIL %s: expected exit 1 with "%s", got %d: %s\n' "$path" "$want" $rc \
				"$(printf '%s\n' "$out" | tail -1)"
			fail=1
		fi
		continue
	fi
	if [ $rc -ne 0 ]; then
		printf 'FAIL %s (exit %d): %s\n' "$path" $rc "$(printf '%s\n' "$out" | tail -1)"
		fail=1
		continue
	fi
	ok=$((ok + 1))
	printf '%s\n' "$out" | grep -qE '^ +[0-9]+  core ' && core=$((core + 1))
done <"$C/MANIFEST"
echo "relo: $ok of $n objects prepared ($core with CO-RE relocations against this kernel)"
exit $fail
