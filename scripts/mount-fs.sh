#!/bin/sh
# Mount bpffs and tracefs where a fresh machine lacks them (tests and the demo need both).
grep -q ' /sys/fs/bpf bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf
if ! grep -q ' /sys/kernel/tracing tracefs ' /proc/mounts; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null ||
		mount -t debugfs debugfs /sys/kernel/debug
fi
exit 0
