#!/bin/sh
# rawbpf verify OBJ: rawbpf loads each broken sample itself (every program on its own,
# nothing attached, all unloaded) and reports the right failure family, instruction and
# source line; statistics agree with the kernel's verified_insns; nothing stays loaded.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
B="$BUILD/samples/broken"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
expect() { # description, file, fixed string
	grep -qF -- "$3" "$2" || { echo "FAIL $1: no '$3' in:"; sed 's/^/    /' "$2" | head -40; fail=1; }
}

"$RAWBPF" verify --csv "$B"/*.bpf.o >"$tmp/csv" 2>"$tmp/err"
rc=$?
[ $rc = 1 ] || { echo "FAIL: exit status $rc for refused programs, expected 1"; cat "$tmp/err"; fail=1; }
for row in null_deref,rejected,null-deref map_value_oob,rejected,map-value-oob \
	packet_oob,rejected,packet-oob stack_oob,rejected,stack-oob ctx_access,rejected,ctx-access \
	helper_not_allowed,rejected,helper-not-allowed gpl_only,rejected,gpl-only \
	unreleased_ref,rejected,unreleased-ref arg_type,rejected,arg-type \
	core_no_match,rejected,core-no-match loop_too_complex,rejected,loop-too-complex \
	uninit_stack,accepted,; do
	# (uninit_stack loads as root: CAP_PERFMON may read uninitialised stack)
	expect "family" "$tmp/csv" ",$row,"
done

# The report: failing instruction, source line, and what the loader did there.
"$RAWBPF" verify "$B/null_deref.bpf.o" >"$tmp/out" 2>&1
expect report "$tmp/out" "  at:      insn 8: (79) r1 = *(u64 *)(r0 +0)"
expect report "$tmp/out" "  source:  null_deref.bpf.c:19: *val += 1;"
expect report "$tmp/out" "  loader:  insn 8 is insn 8 of function 'null_deref' (section 'tracepoint/syscalls/sys_enter_getpid')"
"$RAWBPF" verify "$B/core_no_match.bpf.o" >"$tmp/out" 2>&1
expect core "$tmp/out" "  at:      insn 1: (85) call unknown#195896080"
expect core "$tmp/out" "core_poison relocation:"
expect core "$tmp/out" "struct task_struct->rb_no_such_field"
expect core "$tmp/out" "  kernel:  invalid func unknown#195896080"

# An accepted program: exit 0; the log's count equals the kernel's verified_insns.
"$RAWBPF" verify --json "$BUILD/samples/vlog/bounded_loop.bpf.o" >"$tmp/json"
rc=$?
[ $rc = 0 ] || { echo "FAIL: bounded_loop exit $rc"; fail=1; }
p=$(sed -n 's/.*"insns_processed": \([0-9]*\).*/\1/p' "$tmp/json")
v=$(sed -n 's/.*"verified_insns": \([0-9]*\).*/\1/p' "$tmp/json")
[ -n "$p" ] && [ "$p" = "$v" ] || { echo "FAIL: processed '$p' != verified_insns '$v'"; fail=1; }
# Sizes from the program info: translated always, JIT-compiled when the JIT is on.
x=$(sed -n 's/.*"xlated_bytes": \([0-9]*\).*/\1/p' "$tmp/json")
j=$(sed -n 's/.*"jited_bytes": \([0-9]*\).*/\1/p' "$tmp/json")
[ -n "$x" ] && [ "$x" -gt 0 ] || { echo "FAIL: xlated_bytes '$x' for a loaded program"; fail=1; }
# The kernel runs eBPF through the JIT only when bpf_jit_enable is 1 or 2 (or built in).
jit=$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null || echo 1)
if [ "$jit" != 0 ]; then
	[ -n "$j" ] && [ "$j" -gt 0 ] || { echo "FAIL: jited_bytes '$j' with the JIT on"; fail=1; }
else
	[ "$j" = 0 ] || { echo "FAIL: jited_bytes '$j' with the JIT off"; fail=1; }
fi
# xlated is a whole number of 8-byte instructions.
[ -n "$x" ] && [ $((x % 8)) = 0 ] || { echo "FAIL: xlated_bytes $x is not a multiple of 8"; fail=1; }
# The same numbers in the CSV (last three columns) and the text report.
"$RAWBPF" verify --csv "$BUILD/samples/vlog/bounded_loop.bpf.o" >"$tmp/csv2"
expect csv-sizes "$tmp/csv2" ",$v,$x,$j"
"$RAWBPF" verify "$BUILD/samples/vlog/bounded_loop.bpf.o" >"$tmp/out"
expect text-sizes "$tmp/out" "the kernel's program info: verified_insns $v, xlated $x bytes, jited $j bytes"
# A refused program has no program info: the size columns are empty.
expect csv-refused "$tmp/csv" "null_deref,rejected,null-deref,"
grep "null_deref,rejected" "$tmp/csv" | grep -q ',,,$' ||
	{ echo "FAIL: sizes for a refused program: $(grep null_deref "$tmp/csv")"; fail=1; }
"$RAWBPF" verify --log-level 2 "$BUILD/samples/vlog/bounded_loop.bpf.o" >"$tmp/out"
expect level2 "$tmp/out" "    insns 10-16: 27  bounded_loop.bpf.c:31: acc += *sum >> i;"

# Nothing left loaded.
if command -v bpftool >/dev/null; then
	for n in null_deref bounded_loop core_no_match; do
		if bpftool prog show name "$n" 2>/dev/null | grep -q .; then
			echo "FAIL: program $n is still loaded"
			fail=1
		fi
	done
fi
exit $fail
