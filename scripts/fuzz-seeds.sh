#!/bin/sh
# scripts/fuzz-seeds.sh NAME DIR: write seed inputs for fuzz harness NAME into DIR.
# Called by scripts/run-fuzz.sh; quiet, idempotent, never fails the run.
name=$1
dir=$2
BUILD=${BUILD:-build}
CLANG=$(command -v clang-19 || command -v clang)
OBJCOPY=$(command -v llvm-objcopy-19 || command -v llvm-objcopy)
mkdir -p "$dir"

# A fuzz_btf seed: 4-byte little-endian length of .BTF, .BTF, then .BTF.ext.
btf_seed() { # object output
	bt=$(mktemp -d)
	"$OBJCOPY" --dump-section .BTF="$bt/btf" "$1" /dev/null 2>/dev/null || { rm -rf "$bt"; return; }
	"$OBJCOPY" --dump-section .BTF.ext="$bt/ext" "$1" /dev/null 2>/dev/null || : >"$bt/ext"
	n=$(stat -c %s "$bt/btf")
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((n & 255)) $((n >> 8 & 255)) \
		$((n >> 16 & 255)) $((n >> 24 & 255)))" >"$2"
	cat "$bt/btf" "$bt/ext" >>"$2"
	rm -rf "$bt"
}

case $name in
fuzz_btf)
	[ -n "$CLANG" ] && [ -n "$OBJCOPY" ] || exit 0
	t=$(mktemp -d)
	"$CLANG" -target bpf -O2 -g -I"/usr/include/$(gcc -dumpmachine)" \
		-c tests/unit/btf/kinds.bpf.c -o "$t/kinds.o" 2>/dev/null &&
		btf_seed "$t/kinds.o" "$dir/seed-kinds"
	for c in tests/unit/core/*.bpf.c; do
		n=$(basename "$c" .bpf.c)
		"$CLANG" -target bpf -O2 -g -I"/usr/include/$(gcc -dumpmachine)" -c "$c" \
			-o "$t/$n.o" 2>/dev/null && btf_seed "$t/$n.o" "$dir/seed-core-$n"
	done
	rm -rf "$t"
	i=0
	for o in $(find "$BUILD/samples" "$BUILD/tests" -name '*.bpf.o' -o -name '*.btf.o' \
		2>/dev/null | sort | head -20); do
		i=$((i + 1))
		btf_seed "$o" "$dir/seed-obj$i"
	done
	;;
fuzz_object)
	# Whole objects: the samples, the unit tests' objects, and a few real ones (small first).
	i=0
	for o in $(find "$BUILD/samples" "$BUILD/tests/objs" -name '*.o' 2>/dev/null | sort) \
		$(ls -S -r "$BUILD"/corpus/objs/*/*.o "$BUILD"/corpus/objs/cilium-ebpf/*/*.elf \
			2>/dev/null | head -30); do
		[ -f "$o" ] || continue
		i=$((i + 1))
		cp "$o" "$dir/seed-obj$i" 2>/dev/null
	done
	;;
esac
exit 0
