#!/bin/sh
# Boot Debian's 6.1 and 6.12 kernels under qemu (TCG, no KVM needed) and run the guest tests
# (tests/kernels/tests.sh) in each; then prepare the corpus objects against each kernel's BTF.
# Prints "<kernel> <test> ok|FAIL|skip <reason>" per kernel and test, and a summary line;
# exits 1 when a test failed or a guest did not finish (hung guests are killed after
# GUEST_TIMEOUT seconds), 0 otherwise. Needs `make all samples kernel-tests` done first.
# Env: BUILD (build), KERNELS ("6.1 6.12"), GUEST_TIMEOUT (600), CC (gcc),
# RAWBPF_REQUIRE_KERNELS=1: fail instead of skipping when the kernels cannot be fetched.
BUILD=${BUILD:-build}
KERNELS=${KERNELS:-"6.1 6.12"}
# A guest runs its list in 30-60 s on an idle 2-core host, but TCG slows down a lot when the
# host is busy (4 minutes seen with other builds running): the bound is for hangs only.
GUEST_TIMEOUT=${GUEST_TIMEOUT:-600}
CC=${CC:-gcc}
G="$BUILD/kernels/guest"
STATIC_LIBS="-lelf -lz"
CHECK_STATIC="-lcheck -lsubunit -lm -lrt -lpthread"

die() { echo "test-kernels: $*" >&2; exit 1; }

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (make deps)"
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' ||
	die "/bin/busybox is not the static one (busybox-static; make deps)"
# No Debian mirror and nothing cached: skip (like the corpus tests), unless told it is required.
if ! out=$(BUILD=$BUILD scripts/kernels.sh $KERNELS 2>&1); then
	[ "${RAWBPF_REQUIRE_KERNELS:-0}" = 1 ] && die "fetching the kernels failed: $out"
	echo "kernels: SKIP: fetching the kernels failed: $(printf '%s\n' "$out" | tail -1)"
	exit 0
fi

# --- static binaries and the initramfs (rebuilt every run: cheap, and never stale) ---
rm -rf "$G"
mkdir -p "$G/root/bin" "$G/root/guest" "$G/root/build/tests/kernel" "$G/bin"
for d in proc sys dev tmp; do mkdir -p "$G/root/$d"; done
cp /bin/busybox "$G/root/bin/busybox"
cp tests/kernels/init.sh "$G/root/init"
cp tests/kernels/tests.sh "$G/root/guest/tests.sh"
chmod 0755 "$G/root/init"
$CC -static -O2 -Wall -Wextra -Werror -o "$G/root/guest/guest-exit" tests/kernels/guest_exit.c ||
	die "building guest-exit failed"
$CC -static -o "$G/root/build/rawbpf" "$BUILD"/obj/loader/cli/*.o "$BUILD/librawbpf.a" \
	$STATIC_LIBS || die "linking a static rawbpf failed"
for src in tests/kernel/test_*.c; do
	n=$(basename "$src" .c)
	# A test that cannot be linked static (one that replaces libc's malloc, say) says
	# "host-only: reason" in a comment and is left out of the guests.
	grep -q 'host-only:' "$src" && continue
	# Built in parallel (no -g: the initramfs stays small); a failure leaves a .failed mark.
	($CC -std=gnu11 -O1 -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude -I. -Itests/lib \
		-static -o "$G/root/build/tests/kernel/$n" "$src" tests/lib/*.c \
		"$BUILD/librawbpf.a" $STATIC_LIBS $CHECK_STATIC || touch "$G/$n.failed") &
	# A test program may list its Check cases (one RESULT line each) in a comment line
	# "guest-cases: a b c".
	sed -n 's/^.*guest-cases: *//p' "$src" | head -1 >"$G/root/guest/cases-$n"
done
wait
# Shell kernel tests that name guest cases run there too (one case per argument).
for src in tests/kernel/test_*.sh; do
	grep -q '^# guest-cases:' "$src" || continue
	n=$(basename "$src")
	cp "$src" "$G/root/build/tests/kernel/$n"
	sed -n 's/^# guest-cases: *//p' "$src" | head -1 >"$G/root/guest/cases-$n"
	# corpus objects it names ("# guest-objects: PATH..." under $BUILD/corpus/objs), if there
	for o in $(sed -n 's/^# guest-objects: *//p' "$src" | head -1); do
		[ -f "$BUILD/corpus/objs/$o" ] || continue
		mkdir -p "$G/root/build/corpus/objs/$(dirname "$o")"
		cp "$BUILD/corpus/objs/$o" "$G/root/build/corpus/objs/$o"
	done
done
for f in "$G"/*.failed; do
	[ -e "$f" ] && die "building a static $(basename "$f" .failed) failed"
done
cp -r "$BUILD/samples" "$G/root/build/samples"
# iproute2's ip and tc (busybox's ip cannot make a veth pair), with the libraries they load;
# and dash as /bin/sh: busybox's sh runs its own applets before anything on PATH, so the
# tests' system("ip ...") would get busybox's ip (init's --install keeps an existing /bin/sh).
mkdir -p "$G/root/sbin"
cp -L /bin/dash "$G/root/bin/sh" || die "no /bin/dash (Debian's /bin/sh)"
for p in /bin/dash ip tc; do
	p=$(command -v "$p") || die "no $p (iproute2; make deps)"
	[ "$p" = /bin/dash ] || cp -L "$p" "$G/root/sbin/$(basename "$p")"
	for lib in $(ldd "$p" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do
		mkdir -p "$G/root$(dirname "$lib")"
		cp -L "$lib" "$G/root$lib"
	done
done
mkdir -p "$G/root/boot"
for k in $KERNELS; do
	# The modules the tests need (scripts/kernels.sh), insmod-ed by init in their order.
	m="$G/root/lib/modules/$(cat "$BUILD/kernels/$k/release")"
	mkdir -p "$m"
	cp "$BUILD/kernels/$k/modules/"* "$m/"
	# Where a Debian system keeps its config (for .kconfig externs), as on a real install.
	cp "$BUILD/kernels/$k/config" "$G/root/boot/config-$(cat "$BUILD/kernels/$k/release")"
	sha256sum "$BUILD/kernels/$k/btf" | cut -d' ' -f1 >"$G/root/guest/btf-$k.sha256"
done
(cd "$G/root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$G/initramfs.gz" ||
	die "packing the initramfs failed"

# --- boot every kernel at once (each guest is one TCG thread) ---
boot() { # tag
	# isa-debug-exit: the guest writes its status to port 0xf4, qemu exits (status << 1) | 1.
	# no_timer_check: on a busy host TCG's timer looks broken to 6.1's IO-APIC check, which
	# then panics ("IO-APIC + timer doesn't work!").
	timeout -k 5 "$GUEST_TIMEOUT" qemu-system-x86_64 -M q35 -cpu max -smp 1 -m 768 \
		-nographic -no-reboot -nodefaults -serial stdio \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$BUILD/kernels/$1/vmlinux" -initrd "$G/initramfs.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=3 no_timer_check rawbpf.kernel=$1" \
		</dev/null >"$G/$1.log" 2>&1
	echo $? >"$G/$1.rc"
}
start=$(date +%s)
pids=""
for k in $KERNELS; do
	boot "$k" &
	pids="$pids $!"
done
for p in $pids; do wait "$p"; done
echo "guests ran in $(($(date +%s) - start)) s (logs: $G/<kernel>.log)"

# --- results ---
# A failed test is a known kernel limitation when every check that failed in it (Check names
# them "file:line:F:case:function:") is listed for that kernel in tests/kernels/known-failures.txt
# (as TEST:FUNCTION, or TEST:FUNCTION@TEXT when the failure message must also contain TEXT);
# prints the reasons.
known_failure() { # kernel test log
	sed -n "s/^OUT $2: \(.*:[FE]:.*\)/\1/p" "$3" >"$G/failed-checks"
	[ -s "$G/failed-checks" ] || return 1
	awk -v k="$1" -v t="$2" '
		FNR == NR { if ($1 == k) { n++; key[n] = $2; $1 = $2 = ""; sub(/^ +/, ""); why[n] = $0 }
			    next }
		{
			split($0, f, ":"); hit = 0
			for (i = 1; i <= n; i++) {
				at = index(key[i], "@")
				name = at ? substr(key[i], 1, at - 1) : key[i]
				if (name != t ":" f[5])
					continue
				if (at && !index($0, substr(key[i], at + 1)))
					continue
				hit = i; break
			}
			if (!hit) { bad = 1; exit }
			out = out (out ? "; " : "") f[5] ": " why[hit]
		}
		END { if (bad || out == "") exit 1; print out }' \
		tests/kernels/known-failures.txt "$G/failed-checks"
}
pass=0 fail=0 skip=0 known=0 failed=""
for k in $KERNELS; do
	log="$G/$k.log"
	rc=$(cat "$G/$k.rc")
	tr -d '\r' <"$log" >"$log.txt"
	while read -r _ kern name state rest; do
		[ -n "$kern" ] || continue
		case $state in
		ok) pass=$((pass + 1)); echo "$kern $name ok" ;;
		skip) skip=$((skip + 1)); echo "$kern $name skip: $rest" ;;
		*) if reason=$(known_failure "$kern" "$name" "$log.txt"); then
			known=$((known + 1)); echo "$kern $name known: $reason"
		   else
			fail=$((fail + 1)); failed="$failed $kern/$name"; echo "$kern $name FAIL ($rest)"
			sed -n "s/^OUT $name: /        /p" "$log.txt"
		   fi ;;
		esac
	done <<EOF
$(grep "^RESULT $k " "$log.txt")
EOF
	case $rc in
	1|3) ;; # the guest exited through isa-debug-exit with status 0 or 1
	124|137) fail=$((fail + 1)); failed="$failed $k/guest"
	   echo "$k guest FAIL (killed after ${GUEST_TIMEOUT}s; last lines of $log:)"
	   tail -15 "$log.txt" | sed 's/^/        /' ;;
	*) fail=$((fail + 1)); failed="$failed $k/guest"
	   echo "$k guest FAIL (qemu exit $rc, no debug-exit; last lines of $log:)"
	   tail -15 "$log.txt" | sed 's/^/        /' ;;
	esac
	grep -q "^GUEST $k done" "$log.txt" || [ "$rc" = 124 ] || {
		fail=$((fail + 1)); failed="$failed $k/unfinished"
		echo "$k guest FAIL (the test list did not finish)"; }
done

# --- cross-kernel CO-RE: the corpus objects against each kernel's BTF and the host's ---
for t in tests/kernels/host_*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	out=$(BUILD=$BUILD KERNELS="$KERNELS" RAWBPF="$BUILD/rawbpf" sh "$t" 2>&1)
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); printf '%s\n' "$out" | sed -n 's/^RESULT //p' ;;
	77) skip=$((skip + 1))
	    echo "host ${n#host_} skip: $(printf '%s\n' "$out" | sed -n 's/^SKIP: //p')" ;;
	*) fail=$((fail + 1)); failed="$failed host/${n#host_}"
	   echo "host ${n#host_} FAIL (exit $rc)"; printf '%s\n' "$out" | tail -20 | sed 's/^/        /' ;;
	esac
done

echo "kernels ($KERNELS): $pass passed, $skip skipped, $known known kernel limitations," \
	"$fail failed"
[ "$fail" -eq 0 ] || { echo "failed:$failed"; exit 1; }
