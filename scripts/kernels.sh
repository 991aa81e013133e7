#!/bin/sh
# Fetch Debian's 6.1 and 6.12 kernels and take out of each package what the qemu tests need:
#   build/kernels/<tag>/vmlinuz   the bzImage as packaged
#   build/kernels/<tag>/vmlinux   the uncompressed kernel (booted through its PVH entry)
#   build/kernels/<tag>/btf       the kernel's .BTF section (a `rawbpf relo --btf` target)
#   build/kernels/<tag>/config    the kernel's config
#   build/kernels/<tag>/release   `uname -r` of that kernel
# The packages are never installed; `apt-get download` + `dpkg-deb` only. Everything is cached:
# a tag whose files are all there is not fetched again (remove build/kernels/<tag> to refresh).
# Usage: scripts/kernels.sh [TAG...]   (default: 6.1 6.12); prints one line per kernel.
set -e
BUILD=${BUILD:-build}
DIR="$BUILD/kernels"
OBJCOPY=${OBJCOPY:-$(command -v llvm-objcopy-19 || command -v llvm-objcopy || echo objcopy)}

die() { echo "kernels.sh: $*" >&2; exit 1; }

# The package name for a tag, through Debian's meta packages (so a new ABI is picked up).
package_for() {
	case $1 in
	6.1) meta=linux-image-amd64 ;;     # bookworm's default kernel is 6.1
	6.12) meta=linux-image-6.12-amd64 ;; # bookworm-security / backports
	*) die "unknown kernel tag '$1' (known: 6.1 6.12)" ;;
	esac
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' | head -1)
	[ -n "$pkg" ] || die "no package behind $meta (apt-get update? is bookworm-security in sources?)"
	case $pkg in
	linux-image-$1.*|linux-image-$1-*) ;;
	*) die "$meta points to $pkg, not a $1 kernel" ;;
	esac
	echo "$pkg"
}

# Little-endian u32 at a byte offset of a file.
u32_at() {
	od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '
}

# The bzImage carries the compressed kernel at payload_offset (0x248) of the protected-mode
# code, which starts after the (setup_sects + 1) 512-byte sectors of the real-mode setup.
# The compressor is known from the payload's magic bytes.
extract_vmlinux() { # bzImage out
	setup_sects=$(od -An -tu1 -j 497 -N1 "$1" | tr -d ' ')
	[ "$setup_sects" -eq 0 ] && setup_sects=4
	off=$(u32_at "$1" 584)
	len=$(u32_at "$1" 588)
	start=$(((setup_sects + 1) * 512 + off))
	size=$(stat -c %s "$1")
	[ $((start + len)) -le "$size" ] || die "$1: payload [$start, +$len) beyond the file ($size)"
	magic=$(od -An -tx1 -j "$start" -N6 "$1" | tr -d ' ')
	# Each compressed payload ends with a 4-byte decompressed size that the decompressors
	# other than xz (which stops at its stream end) would take for garbage.
	case $magic in
	fd377a585a00) tail -c +$((start + 1)) "$1" | head -c "$len" | xz -dc --single-stream >"$2" ;;
	28b52ffd*) tail -c +$((start + 1)) "$1" | head -c $((len - 4)) | zstd -dcq >"$2" ;;
	1f8b*) tail -c +$((start + 1)) "$1" | head -c "$len" | gzip -dc >"$2" 2>/dev/null || true ;;
	*) die "$1: unknown payload compression (magic $magic)" ;;
	esac
	[ "$(od -An -tx1 -N4 "$2" | tr -d ' ')" = 7f454c46 ] || die "$1: payload is not an ELF kernel"
}

fetch() { # tag
	tag=$1
	out="$DIR/$tag"
	if [ -s "$out/vmlinux" ] && [ -s "$out/btf" ] && [ -s "$out/release" ]; then
		echo "$tag $(cat "$out/release") (cached in $out)"
		return 0
	fi
	pkg=$(package_for "$tag")
	tmp="$DIR/.fetch-$tag"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	(cd "$tmp" && apt-get download -q "$pkg" >download.log 2>&1) ||
		die "apt-get download $pkg failed: $(tail -1 "$tmp/download.log")"
	deb=$(ls "$tmp"/*.deb)
	# Only /boot: the modules are not needed (everything the tests use is built in).
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/*'
	release=${pkg#linux-image-}
	[ -f "$tmp/boot/vmlinuz-$release" ] || die "$deb has no boot/vmlinuz-$release"
	mkdir -p "$out"
	mv "$tmp/boot/vmlinuz-$release" "$out/vmlinuz"
	mv "$tmp/boot/config-$release" "$out/config"
	extract_vmlinux "$out/vmlinuz" "$out/vmlinux.tmp"
	"$OBJCOPY" --dump-section .BTF="$out/btf.tmp" "$out/vmlinux.tmp" /dev/null ||
		die "$pkg: no .BTF section in the kernel"
	mv "$out/btf.tmp" "$out/btf"
	mv "$out/vmlinux.tmp" "$out/vmlinux"
	echo "$release" >"$out/release"
	rm -rf "$tmp"
	echo "$tag $release (fetched $pkg)"
}

mkdir -p "$DIR"
[ $# -gt 0 ] || set -- 6.1 6.12
for t in "$@"; do
	fetch "$t"
done
