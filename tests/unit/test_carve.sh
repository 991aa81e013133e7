#!/bin/sh
# The corpus carver (tests/corpus/carve.c) on files we build ourselves: BPF objects hidden at
# odd offsets between junk bytes come out byte for byte, big-endian ones too; a truncated
# object, a host ELF and an object whose section table points past the end yield nothing.
BUILD=${BUILD:-build}
CARVE="$BUILD/tests/corpus/carve"
[ -x "$CARVE" ] || { echo "FAIL: $CARVE not built"; exit 1; }
CLANG=$(command -v clang-19 || command -v clang) || { echo "SKIP: no clang"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

a="$BUILD/samples/counter.bpf.o"
b="$BUILD/samples/globals.bpf.o"
[ -f "$a" ] && [ -f "$b" ] || fail "samples not built"
"$CLANG" -target bpfeb -O2 -g -I/usr/include/x86_64-linux-gnu -Isamples -c samples/hello.bpf.c \
	-o "$t/be.o" || fail "cannot build a big-endian object"

# Host binary first (an ELF, but not BPF), then junk of odd length, then the objects.
{
	cat /bin/true
	printf '\177ELF junk that looks like a header but is not one'
	cat "$a"
	printf 'xyz'
	cat "$b"
	printf '\0\0\0\0\0'
	cat "$t/be.o"
	printf 'tail'
} >"$t/blob"
"$CARVE" "$t/blob" "$t/out" >"$t/list" || fail "carve exited $?"
[ "$(wc -l <"$t/list")" -eq 3 ] || fail "expected 3 objects, got: $(cat "$t/list")"
cmp -s "$t/out.bpf.o" "$a" || fail "first object differs from $a"
cmp -s "$t/out.1.bpf.o" "$b" || fail "second object differs from $b"
cmp -s "$t/out.2.bpf.o" "$t/be.o" || fail "big-endian object differs"

# Truncated: the section header table (at the end for clang's output) is cut off.
size=$(wc -c <"$a")
head -c $((size - 100)) "$a" >"$t/trunc"
"$CARVE" "$t/trunc" "$t/tr" >"$t/list" || fail "carve exited $? on a truncated object"
[ ! -s "$t/list" ] || fail "carved something out of a truncated object: $(cat "$t/list")"

# e_shoff (offset 40, 8 bytes little-endian) pointing far past the end of the file.
cp "$a" "$t/badoff"
printf '\377\377\377\377\377\377\377\177' | dd of="$t/badoff" bs=1 seek=40 conv=notrunc 2>/dev/null
"$CARVE" "$t/badoff" "$t/bo" >"$t/list" || fail "carve exited $? on a bad e_shoff"
[ ! -s "$t/list" ] || fail "carved something with e_shoff past the end"

# Empty and tiny files: nothing, exit 0. Usage error: exit 2.
: >"$t/empty"
"$CARVE" "$t/empty" "$t/e" >"$t/list" || fail "carve exited $? on an empty file"
[ ! -s "$t/list" ] || fail "carved something out of an empty file"
"$CARVE" >/dev/null 2>&1
[ $? -eq 2 ] || fail "usage error did not exit 2"
exit 0
