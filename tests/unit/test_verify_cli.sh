#!/bin/sh
# rawbpf verify on saved logs (tests/unit/vlog/): the report, --csv, --json, --compare.
RAWBPF=${RAWBPF:-build/rawbpf}
V=tests/unit/vlog
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

expect() { # description, file, fixed string
	if ! grep -qF -- "$3" "$2"; then
		echo "FAIL $1: no '$3' in:"
		sed 's/^/    /' "$2" | head -30
		fail=1
	fi
}
status() { # description, expected, actual
	[ "$2" = "$3" ] || { echo "FAIL $1: exit status $3, expected $2"; fail=1; }
}

# A rejected program: the failure report, exit 1 (the kernel refused it).
"$RAWBPF" verify --log "$V/null_deref.l2.log" >"$tmp/out" 2>&1
status "rejected log" 1 $?
expect report "$tmp/out" "prog 'null_deref': rejected [null-deref]"
expect report "$tmp/out" "  at:      insn 8: (79) r1 = *(u64 *)(r0 +0)"
expect report "$tmp/out" "  source:  null_deref.bpf.c:19: *val += 1;"
expect report "$tmp/out" "  kernel:  R0 invalid mem access 'map_value_or_null'"
expect report "$tmp/out" "    R0       map_value_or_null(id=1,map=counts,ks=4,vs=8)"
expect report "$tmp/out" "  hint:    Compare the pointer with NULL"
expect report "$tmp/out" "  stats:   8 insns processed (limit 1000000), 1 states (peak 1), max 0 states per insn, 145 us, stack 8"

# An accepted one: exit 0, loops and visits from the level-2 log.
"$RAWBPF" verify --log "$V/bounded_loop.l2.log" >"$tmp/out" 2>&1
status "accepted log" 0 $?
expect accepted "$tmp/out" "prog 'bounded_loop': accepted"
expect accepted "$tmp/out" "    insns 10-16: 27  bounded_loop.bpf.c:31: acc += *sum >> i;"
expect accepted "$tmp/out" "          15  bounded_loop.bpf.c:30: for (int i = 0; i < LOOP_BOUND; i++)"

# bpftool -d output: the log is found between libbpf's markers, named after the program.
"$RAWBPF" verify --full-log --log "$V/bpftool_null_deref.txt" >"$tmp/out" 2>&1
status "bpftool output" 1 $?
expect bpftool "$tmp/out" "bpftool_null_deref.txt: prog 'null_deref': rejected [null-deref]"
expect bpftool "$tmp/out" "     1| 8: (79) r1 = *(u64 *)(r0 +0)"
if grep -q 'libbpf: elf' "$tmp/out"; then
	echo "FAIL bpftool: libbpf's own lines leaked into the log"
	fail=1
fi
"$RAWBPF" verify --log "$V/bpftool_null_deref.txt" --prog nothing >"$tmp/out" 2>&1
status "--prog with no match" 1 $?
expect "--prog" "$tmp/out" "no program 'nothing' in the logs given"

# CSV: one row per program, the kernel's numbers.
"$RAWBPF" verify --csv --log "$V/null_deref.l2.log" "$V/raw_uninit_reg.l1.log" >"$tmp/out"
expect csv "$tmp/out" "file,program,verdict,family,insns_processed,insn_limit,total_states,peak_states,max_states_per_insn,mark_read,verification_usec,stack_depth"
expect csv "$tmp/out" "$V/null_deref.l2.log,null_deref,rejected,null-deref,8,1000000,1,1,0,0,145,8"
expect csv "$tmp/out" "$V/raw_uninit_reg.l1.log,raw_uninit_reg,rejected,uninit-reg,1,1000000,0,0,0,0,,0"

# JSON of every fixture; it parses (python when there is one, and our own reader below).
"$RAWBPF" verify --json --log "$V"/*.log >"$tmp/all.json"
status "--json" 1 $?
expect json "$tmp/all.json" '"family": "loop-too-complex"'
if command -v python3 >/dev/null; then
	python3 -m json.tool "$tmp/all.json" >/dev/null || { echo "FAIL json: does not parse"; fail=1; }
fi
"$RAWBPF" verify --compare "$tmp/all.json" --log "$V"/*.log >"$tmp/out"
expect "compare with itself" "$tmp/out" "loop_too_complex     rejected  rejected  +0 (+0.0%)"

# Two runs of one program: the loop bound 4 -> 8 costs 28 more instructions.
"$RAWBPF" verify --json --log "$V/compare/bound4/bounded_loop.log" >"$tmp/base.json"
"$RAWBPF" verify --compare "$tmp/base.json" --log "$V/compare/bound8/bounded_loop.log" >"$tmp/out"
status "--compare" 0 $?
expect compare "$tmp/out" "bounded_loop         accepted  accepted  +28 (+71.8%)             +0 (+0.0%)           +286 (+156.3%)"
"$RAWBPF" verify --compare "$tmp/base.json" --json --log "$V/compare/bound8/bounded_loop.log" >"$tmp/out"
expect "compare --json" "$tmp/out" '"insns_processed_diff": 28'
echo '{"programs": [' >"$tmp/bad.json"
"$RAWBPF" verify --compare "$tmp/bad.json" --log "$V/bounded_loop.l2.log" >"$tmp/out" 2>&1
status "broken base" 1 $?
expect "broken base" "$tmp/out" "not a verify --json file"

# Usage errors.
"$RAWBPF" verify >/dev/null 2>&1
status "no arguments" 2 $?
"$RAWBPF" verify --json --csv --log "$V/null_deref.l2.log" >/dev/null 2>&1
status "--json --csv" 2 $?
exit $fail
