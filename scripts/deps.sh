#!/bin/sh
# Install the Debian packages rawbpf needs, only those missing. Quiet and fast when all are there.
set -e
PKGS="make gcc libelf-dev zlib1g-dev pkg-config check clang-19 llvm-19 libclang-rt-19-dev \
libbpf-dev bpftool linux-libc-dev iproute2 systemtap-sdt-dev jq \
qemu-system-x86 busybox-static cpio xz-utils zstd valgrind"
[ -n "$RAWBPF_EXTRA_PKGS" ] && PKGS="$PKGS $RAWBPF_EXTRA_PKGS"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists; refresh them once, then retry once on failure.
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >/tmp/rawbpf-deps.log 2>&1; then
	$SUDO apt-get update -qq >>/tmp/rawbpf-deps.log 2>&1
	if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >>/tmp/rawbpf-deps.log 2>&1; then
		echo "deps: apt-get failed; see /tmp/rawbpf-deps.log" >&2
		tail -20 /tmp/rawbpf-deps.log >&2
		exit 1
	fi
fi
