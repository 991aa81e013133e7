#!/bin/sh
# The oracle vouches for our samples: every samples/*.bpf.c, built, loads with
# `bpftool prog loadall` (libbpf 1.1.2) on this kernel, all its programs accepted by the
# verifier. A few cannot load on this machine; for those the load must fail for exactly the
# known reason, and the test says so:
#   fentry, lsm, fmod_ret   attach through BPF trampolines, which this kernel refuses: EPERM
#   freplace      needs its target program's fd at load, which loadall has no way to give
#   struct_ops_cc a ".struct_ops.link" map, which libbpf learned in 1.2: 1.1.2 ignores it and
#                 loads its programs without their struct, which the kernel refuses (524)
#   ksyms_typed   a typed data ksym needs CONFIG_KALLSYMS_ALL (the kernel finds no address
#                 for 'runqueues': ENOENT); checked only when runqueues is not in kallsyms
# If one of them loads after all (another kernel), that is fine and reported.
# tcx_count uses the "tcx/" section names that libbpf learned in 1.3: we give the type
# explicitly (type tc), which is what a user of this bpftool would do. Likewise uprobe_multi
# ("uprobe.multi", libbpf 1.3): type kprobe.
#
# Each load happens in a private mount namespace on a bpffs of its own; the pins are removed
# and the bpffs instance dies with the namespace, so nothing stays loaded.
BUILD=${BUILD:-build}

command -v bpftool >/dev/null || { echo "SKIP: bpftool not installed"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }

# expected_failure NAME -> "PATTERN|REASON" when NAME is known not to load on this machine.
expected_failure() {
	eperm="Operation not permitted"
	case $1 in
	fentry) echo "$eperm|fentry/fexit (BPF trampolines) are refused with EPERM here" ;;
	lsm) echo "$eperm|lsm programs (BPF trampolines too) are refused with EPERM here" ;;
	fmod_ret) echo "$eperm|fmod_ret (BPF trampolines too) is refused with EPERM here" ;;
	freplace)
		printf "%s|%s\n" "attach program FD is not set" \
			"freplace needs its target program at load; loadall cannot name one"
		;;
	struct_ops_cc)
		printf "%s|%s\n" "failed to load: -524" \
			"libbpf 1.1.2 does not know .struct_ops.link: programs load without their struct"
		;;
	ksyms_typed)
		grep -q ' runqueues$' /proc/kallsyms ||
			printf "%s|%s\n" "the address for kernel symbol 'runqueues'" \
				"no CONFIG_KALLSYMS_ALL: no address for the typed ksym runqueues"
		;;
	esac
}

extra_args() {
	case $1 in
	tcx_count) echo "type tc" ;;
	uprobe_multi) echo "type kprobe" ;;
	esac
}

# load OBJ ARGS...: prints bpftool's output, then "PINNED: names" on success; exit status of
# bpftool.
load() {
	unshare -m --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf || exit 99
		d=/sys/fs/bpf/rawbpf-samples
		mkdir "$d"
		o=$1
		shift
		timeout 120 bpftool -d prog loadall "$o" "$d" "$@" 2>&1
		rc=$?
		[ $rc -eq 0 ] && echo "PINNED: $(ls "$d" | tr "\n" " ")"
		rm -rf "$d"
		umount /sys/fs/bpf
		exit $rc
	' sh "$@" </dev/null
}

srcs=$(ls samples/*.bpf.c 2>/dev/null | wc -l)
[ "$srcs" -gt 0 ] || { echo "FAIL: no samples/*.bpf.c"; exit 1; }
fail=0 loaded=0 expected=0
for src in samples/*.bpf.c; do
	name=$(basename "$src" .bpf.c)
	obj="$BUILD/samples/$name.bpf.o"
	if [ ! -f "$obj" ]; then
		echo "FAIL: $name: $obj was not built"
		fail=$((fail + 1))
		continue
	fi
	# shellcheck disable=SC2046
	out=$(load "$obj" $(extra_args "$name"))
	rc=$?
	exp=$(expected_failure "$name")
	if [ $rc -eq 0 ]; then
		loaded=$((loaded + 1))
		progs=$(printf '%s\n' "$out" | sed -n 's/^PINNED: //p')
		if [ -z "$progs" ]; then
			echo "FAIL: $name: bpftool loaded it but pinned no program"
			fail=$((fail + 1))
		elif [ -n "$exp" ]; then
			echo "  $name: loads here after all ($progs)"
		else
			echo "  $name: loads: $progs"
		fi
	elif [ -n "$exp" ] && printf '%s\n' "$out" | grep -qF "${exp%%|*}"; then
		expected=$((expected + 1))
		echo "  skip $name: ${exp#*|}"
	else
		echo "FAIL: $name: bpftool prog loadall failed (exit $rc):"
		printf '%s\n' "$out" | grep -v '^libbpf: elf: \|^libbpf: sec \|^$' |
			tail -25 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "samples: $srcs, $loaded load with bpftool, $expected fail for the known reason," \
	"$fail unexpected"
[ $fail -eq 0 ]
