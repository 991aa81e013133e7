# The guest test list, sourced by the guests' init. Each test is a shell function; `check NAME
# FUNC` runs it under a time limit and prints its RESULT line. A test prints "SKIP: reason" and
# returns 77 to skip; its other output is shown (prefixed "OUT") only when it fails.
TEST_TIMEOUT=60
nfail=0

check() { # name function
	out=$(timeout $TEST_TIMEOUT sh -c ". /guest/tests.sh; $2" 2>&1)
	rc=$?
	case $rc in
	0) echo "RESULT $KERNEL $1 ok" ;;
	77) echo "RESULT $KERNEL $1 skip $(echo "$out" | sed -n 's/^SKIP: //p' | head -1)" ;;
	*) nfail=$((nfail + 1))
	   echo "$out" | tail -30 | sed "s/^/OUT $1: /"
	   [ $rc -eq 143 ] && echo "OUT $1: (killed after ${TEST_TIMEOUT}s)"
	   echo "RESULT $KERNEL $1 FAIL exit $rc" ;;
	esac
}

# The kernel's BTF is the one taken from the package on the host (scripts/kernels.sh).
t_btf() {
	want=$(cat /guest/btf-$KERNEL.sha256 2>/dev/null) ||
		{ echo "no /guest/btf-$KERNEL.sha256"; return 1; }
	got=$(sha256sum /sys/kernel/btf/vmlinux | cut -d' ' -f1)
	echo "package .BTF $want, /sys/kernel/btf/vmlinux $got"
	[ "$want" = "$got" ]
}

# rawbpf probe, checked against what each kernel is known to have.
t_probe() {
	$RAWBPF probe >/tmp/probe.txt || { cat /tmp/probe.txt; return 1; }
	awk '/^[a-z_]+$/ { g = $1; next } NF >= 2 { print g "/" $1, $2 }' /tmp/probe.txt >/tmp/probe.kv
	bad=0
	want() { # group/name state
		got=$(awk -v k="$1" '$1 == k { print $2 }' /tmp/probe.kv)
		if [ "$got" != "$2" ]; then
			echo "MISMATCH probe $1: want $2, got '${got}' ($(grep "^ *${1#*/} " /tmp/probe.txt | head -1))"
			bad=1
		fi
	}
	for k in program_types/kprobe program_types/tracepoint program_types/raw_tracepoint \
		program_types/xdp program_types/sched_cls program_types/lsm program_types/tracing \
		map_types/ringbuf map_types/array map_types/hash btf/btf_func btf/btf_enum64 \
		btf/btf_type_tag links/perf_event links/tracing links/xdp pmus/kprobe pmus/uprobe \
		misc/bpf_cookie misc/global_data misc/kfunc_call misc/prog_name; do
		want $k yes
	done
	case $KERNEL in
	6.1) # no tcx (6.6), no uprobe_multi (6.6), no log_true_size (6.4), no fprobe in Debian's 6.1,
	     # no mmap of vmlinux BTF (6.15)
		want misc/vmlinux_btf_mmap no
		want links/tcx no
		want links/uprobe_multi no
		want links/kprobe_multi no
		want misc/log_true_size no ;;
	6.12)
		want misc/vmlinux_btf_mmap no
		want links/tcx yes
		want links/uprobe_multi yes
		want links/kprobe_multi yes
		want misc/log_true_size yes ;;
	esac
	grep -E ' (no|unknown) ' /tmp/probe.txt
	tail -1 /tmp/probe.txt
	return $bad
}

# A kernel test program built static (tests/kernel/test_*.c), optionally one Check case; or a
# shell kernel test (tests/kernel/test_*.sh), the case as its argument.
t_ktest() { # binary [case]
	case $1 in
	*.sh) sh /build/tests/kernel/$1 $2; return ;;
	esac
	if [ -n "$2" ]; then
		CK_RUN_CASE=$2 /build/tests/kernel/$1
	else
		/build/tests/kernel/$1
	fi
}

# CO-RE against this guest's own vmlinux BTF: every CO-RE sample prepares.
t_relo_core() {
	for o in /build/samples/core_task.bpf.o; do
		[ -f "$o" ] || { echo "SKIP: no $o"; return 77; }
		$RAWBPF relo "$o" >/tmp/relo.txt 2>&1 || { cat /tmp/relo.txt; return 1; }
	done
	cat /tmp/relo.txt | tail -5
}

run_all() {
	check btf t_btf
	check probe t_probe
	check relo-core t_relo_core
	for t in /build/tests/kernel/test_*; do
		n=$(basename "$t")
		[ -x "$t" ] || [ "${n%.sh}" != "$n" ] || continue
		cases=$(cat /guest/cases-$n 2>/dev/null)
		name=${n#test_}
		name=${name%.sh}
		if [ -n "$cases" ]; then
			for c in $cases; do
				check "$name:$c" "t_ktest $n $c"
			done
		else
			check "$name" "t_ktest $n"
		fi
	done
	[ $nfail -eq 0 ]
}
