#!/bin/sh
# rawbpf disasm: exact text for a program of tests/unit/objs/basic.bpf.c (source lines from
# line_info, signature from func_info, maps/globals/calls named), the same text from the
# big-endian build, no source lines without BTF, and exit statuses.
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
CLANG=$(command -v clang-19 || command -v clang)
dir="$BUILD/tests/objs/disasm"
mkdir -p "$dir/be" "$dir/nobtf"
build() { # out flags
	$CLANG -O2 -target bpf $2 -I/usr/include/$(gcc -dumpmachine) -Wno-unused-function \
		-c tests/unit/objs/basic.bpf.c -o "$1" || exit 1
}
build "$dir/basic.o" "-g"
build "$dir/be/basic.o" "-g -target bpfeb"
build "$dir/nobtf/basic.o" "-g0"
fail=0

expected='tp_lazy:  ; section '"'"'?tp/syscalls/sys_enter_getpid'"'"' offset 0x0, 9 instructions
; int tp_lazy(void *ctx)
; basic.bpf.c:72  bpf_printk("%s", msg);
   0: (18) r1 = map[basic.rodata]+4 (tp_lazy.____fmt)
   2: (b7) r2 = 3
   3: (18) r3 = map[basic.rodata]+7 (msg)
   5: (85) call bpf_trace_printk#6
; basic.bpf.c:73  return add_one(1);
   6: (b7) r1 = 1
   7: (85) call add_one
   8: (95) exit

subprogram add_one:  ; section '"'"'.text'"'"' offset 0x0, 10 instructions
; int add_one(int x)
; basic.bpf.c:28  __attribute__((noinline)) int add_one(int x)
   0: (bf) r0 = r1
; basic.bpf.c:30  total += x;
   1: (67) r1 <<= 32
   2: (c7) r1 s>>= 32
   3: (18) r2 = map[basic.bss]+0 (total)
   5: (79) r3 = *(u64 *)(r2 +0)
   6: (0f) r3 += r1
   7: (7b) *(u64 *)(r2 +0) = r3
; basic.bpf.c:31  return x + 1;
   8: (07) r0 += 1
   9: (95) exit'
actual=$("$RAWBPF" disasm "$dir/basic.o" --prog tp_lazy)
if [ "$expected" != "$actual" ]; then
	echo "FAIL disasm --prog tp_lazy"
	printf '%s\n' "$expected" >"$dir/expected.txt"
	printf '%s\n' "$actual" >"$dir/actual.txt"
	diff -u "$dir/expected.txt" "$dir/actual.txt"
	fail=1
fi

# Callers and callbacks are named; the static call through the .text section symbol too.
out=$("$RAWBPF" disasm "$dir/basic.o" --prog xdp_second)
printf '%s\n' "$out" | grep -qx '   3: (18) r2 = func\[each\]' || { echo "FAIL callback"; printf '%s\n' "$out"; fail=1; }
printf '%s\n' "$out" | grep -qx '   1: (18) r1 = map\[counts\]' || { echo "FAIL map name"; fail=1; }
"$RAWBPF" disasm "$dir/basic.o" --prog xdp_first | grep -qx '  19: (85) call twice' ||
	{ echo "FAIL static call"; fail=1; }

# A big-endian object disassembles to the same text.
le=$("$RAWBPF" disasm "$dir/basic.o") || fail=1
be=$("$RAWBPF" disasm "$dir/be/basic.o") || fail=1
[ -n "$le" ] && [ "$le" = "$be" ] || { echo "FAIL big-endian disassembly differs"; fail=1; }

# Without BTF: the same instructions, no source lines or signatures.
nb=$("$RAWBPF" disasm "$dir/nobtf/basic.o" --prog tp_lazy) || fail=1
want=$(printf '%s\n' "$expected" | grep -v '^;')
[ "$nb" = "$want" ] || { echo "FAIL disasm without BTF"; printf '%s\n' "$nb"; fail=1; }

out=$("$RAWBPF" disasm "$dir/basic.o" --prog nope 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "rawbpf: $dir/basic.o: no program or subprogram 'nope'" ] ||
	{ echo "FAIL unknown program: $rc $out"; fail=1; }
"$RAWBPF" disasm >/dev/null 2>&1; [ $? -eq 2 ] || { echo "FAIL usage exit"; fail=1; }
exit $fail
