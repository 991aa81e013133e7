#!/bin/sh
# Each samples/broken/ program really fails on this kernel with the message its fixture
# (tests/unit/vlog/*.log) records: load it with bpftool (libbpf, as an outside oracle), take
# the kernel's message from the log (the lines after the last instruction, before the
# statistics) and compare it with the fixture's. Keeps the fixtures true to the kernel.
BUILD=${BUILD:-build}
SAMPLES="$BUILD/samples/broken"
FIX=tests/unit/vlog

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v bpftool >/dev/null || { echo "SKIP: bpftool is not installed"; exit 77; }
[ -d "$SAMPLES" ] || { echo "broken samples not built in $SAMPLES"; exit 1; }
grep -q ' /sys/fs/bpf bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf || exit 1

tmp=$(mktemp -d)
pin=/sys/fs/bpf/rb_vlog_test_$$
cleanup() { rm -f "$pin"; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

# The kernel's message: lines after the last "N: ..." instruction or state line, up to the
# "verification time" line; libbpf's own lines and the BEGIN/END markers are dropped.
message() {
	sed -n '/-- BEGIN PROG LOAD LOG --/,/-- END PROG LOAD LOG --/p' "$1" |
		sed '1d;$d' |
		awk '/^[0-9]+: / { n = 0; next }
		     /^verification time / { exit }
		     /^mark_precise: / || /^\(/ || /^SCC / || /^$/ { next }
		     { msg[n++] = $0 }
		     END { for (i = 0; i < n; i++) print msg[i] }'
}
fixture_message() {
	awk '/^[0-9]+: / { n = 0; next }
	     /^verification time / { exit }
	     /^mark_precise: / || /^\(/ || /^SCC / || /^$/ { next }
	     { msg[n++] = $0 }
	     END { for (i = 0; i < n; i++) print msg[i] }' "$1"
}

fail=0
# sample  fixture  expected substring of the kernel's message
check() {
	name=$1 fixture=$2 expect=$3
	shift 3
	out="$tmp/$name.out"
	rm -f "$pin"
	if "$@" timeout 120 bpftool -d prog load "$SAMPLES/$name.bpf.o" "$pin" >"$out" 2>&1; then
		echo "FAIL $name: the kernel accepted it"
		fail=1
		rm -f "$pin"
		return
	fi
	rm -f "$pin"
	got=$(message "$out")
	case $got in
	*"$expect"*) ;;
	*) echo "FAIL $name: expected '$expect' in the kernel's message, got:"
	   printf '%s\n' "$got" | head -5
	   fail=1
	   return ;;
	esac
	want=$(fixture_message "$FIX/$fixture")
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: the kernel's message differs from fixture $fixture:"
		printf 'kernel:  %s\nfixture: %s\n' "$got" "$want"
		fail=1
		return
	fi
	echo "ok   $name: $expect"
}

check null_deref null_deref.l2.log "R0 invalid mem access 'map_value_or_null'"
check map_value_oob map_value_oob.l2.log "invalid access to map value, value_size=64 off=120 size=8"
check packet_oob packet_oob.l2.log "invalid access to packet, off=12 size=1"
check stack_oob stack_oob.l2.log "invalid variable-offset write to stack R1"
check ctx_access ctx_access.l2.log "invalid bpf_context access off=64 size=4"
check helper_not_allowed helper_not_allowed.l2.log "cannot use helper bpf_redirect#23"
check gpl_only gpl_only.l2.log "cannot call GPL-restricted function from non-GPL compatible program"
check unreleased_ref unreleased_ref.l2.log "Unreleased reference id=2 alloc_insn=4"
check arg_type arg_type.l2.log "R2 type=ctx expected=fp"
check core_no_match core_no_match.libbpf.l2.log \
	"failed to resolve CO-RE relocation <byte_off> [5] struct task_struct.rb_no_such_field"
check loop_too_complex loop_too_complex.tail.log "BPF program is too large. Processed 1000001 insn"
# Root may read uninitialised stack (CAP_PERFMON); the sample fails for a loader without it.
if command -v setpriv >/dev/null; then
	check uninit_stack uninit_stack.l2.log "invalid read from stack R2 off=-8 size=8" \
		setpriv --bounding-set=-perfmon,-sys_admin
else
	echo "FAIL uninit_stack: setpriv (util-linux) is missing"
	fail=1
fi
exit $fail
