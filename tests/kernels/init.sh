#!/bin/busybox sh
# PID 1 of the qemu guests: mount what BPF needs, run the guest test list, print one
# "RESULT <kernel> <test> ok|FAIL|skip <reason>" line per test, and hand the outcome to qemu
# through isa-debug-exit (0: every test ok or skipped, 1: a test failed).
/bin/busybox --install -s /bin
export PATH=/sbin:/bin:/build
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp
ip link set lo up 2>/dev/null
# The modules the tests need (veth, clsact, cls_bpf), dependencies first (scripts/kernels.sh).
mods=/lib/modules/$(uname -r)
if [ -f "$mods/order" ]; then
	while read -r m; do
		insmod "$mods/$m" || echo "GUEST insmod $m failed"
	done <"$mods/order"
fi

KERNEL=unknown
for arg in $(cat /proc/cmdline); do
	case $arg in
	rawbpf.kernel=*) KERNEL=${arg#rawbpf.kernel=} ;;
	esac
done
export KERNEL BUILD=/build RAWBPF=/build/rawbpf RAWBPF_REQUIRE_KERNEL=1 RAWBPF_REQUIRE_TRACING=1
echo "GUEST $KERNEL $(uname -r) up"
. /guest/tests.sh
failed=0
run_all || failed=1
echo "GUEST $KERNEL done"
/guest/guest-exit $failed
