#!/bin/sh
# Fetch Debian's 6.1 and 6.12 kernels and take out of each package what the qemu tests need:
#   build/kernels/<tag>/vmlinuz   the bzImage as packaged
#   build/kernels/<tag>/vmlinux   the uncompressed kernel (booted through its PVH entry)
#   build/kernels/<tag>/btf       the kernel's .BTF section (a `rawbpf relo --btf` target)
#   build/kernels/<tag>/config    the kernel's config
#   build/kernels/<tag>/release   `uname -r` of that kernel
#   build/kernels/<tag>/modules/  the modules the guest tests need (MODULES: veth for the
#                                 xdp/tcx tests, sch_ingress (clsact) and cls_bpf for netlink tc),
#                                 with their dependencies, decompressed; `order` lists them in
#                                 load order (dependencies first) for the guest's insmod
# The packages are never installed; `apt-get download` + `dpkg-deb` only. Everything is cached:
# a tag whose files are all there is not fetched again (remove build/kernels/<tag> to refresh).
# Usage: scripts/kernels.sh [TAG...]   (default: 6.1 6.12); prints one line per kernel.
set -e
BUILD=${BUILD:-build}
MODULES=${MODULES:-"veth sch_ingress cls_bpf"}
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

# The package's modules (./lib/modules/<release>/kernel/...) unpacked under $1; prints nothing.
unpack_modules() { # deb dir
	dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards './lib/modules/*/kernel/*'
}

# A module's file under the unpacked tree, by module name (in names, - and _ are the same).
module_file() { # tree name
	a=$(echo "$2" | tr - _)
	b=$(echo "$2" | tr _ -)
	find "$1/lib/modules" \( -name "$a.ko*" -o -name "$b.ko*" \) | head -1
}

# The modules a module needs, from the "depends=" string of its .modinfo section.
module_depends() { # ko
	"$OBJCOPY" --dump-section .modinfo=/dev/stdout "$1" /dev/null 2>/dev/null | tr '\0' '\n' |
		sed -n 's/^depends=//p' | tr , ' '
}

# Decompress MODULES and their dependencies out of the unpacked tree into $out/modules, and
# write their load order (each module after what it depends on).
take_modules() { # tree out
	mkdir -p "$2/modules.tmp"
	: >"$2/modules.tmp/order"
	add_module() { # name
		grep -qx "$1.ko" "$2/modules.tmp/order" 2>/dev/null && return 0
		f=$(module_file "$tree" "$1")
		[ -n "$f" ] || die "no module $1 in the package"
		ko="$2/modules.tmp/$1.ko"
		case $f in
		*.ko.xz) xz -dc "$f" >"$ko" ;;
		*.ko.zst) zstd -dcq "$f" >"$ko" ;;
		*.ko.gz) gzip -dc "$f" >"$ko" ;;
		*.ko) cp "$f" "$ko" ;;
		*) die "$f: unknown module compression" ;;
		esac
		for d in $(module_depends "$ko"); do
			add_module "$d" "$2"
		done
		echo "$1.ko" >>"$2/modules.tmp/order"
	}
	tree=$1
	for m in $MODULES; do
		add_module "$m" "$2"
	done
	rm -rf "$2/modules"
	mv "$2/modules.tmp" "$2/modules"
}

download() { # pkg tmp
	(cd "$2" && apt-get download -q "$1" >download.log 2>&1) ||
		die "apt-get download $1 failed: $(tail -1 "$2/download.log")"
	ls "$2"/*.deb
}

fetch() { # tag
	tag=$1
	out="$DIR/$tag"
	if [ -s "$out/vmlinux" ] && [ -s "$out/btf" ] && [ -s "$out/release" ] &&
		[ -f "$out/modules/order" ]; then
		echo "$tag $(cat "$out/release") (cached in $out)"
		return 0
	fi
	pkg=$(package_for "$tag")
	tmp="$DIR/.fetch-$tag"
	rm -rf "$tmp"
	mkdir -p "$tmp"
	deb=$(download "$pkg" "$tmp")
	release=${pkg#linux-image-}
	# A cache from before the modules were taken: only the modules are missing.
	if [ -s "$out/vmlinux" ] && [ -s "$out/btf" ] && [ "$(cat "$out/release" 2>/dev/null)" = "$release" ]; then
		unpack_modules "$deb" "$tmp"
		take_modules "$tmp" "$out"
		rm -rf "$tmp"
		echo "$tag $release (modules taken from $pkg)"
		return 0
	fi
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './boot/*'
	unpack_modules "$deb" "$tmp"
	[ -f "$tmp/boot/vmlinuz-$release" ] || die "$deb has no boot/vmlinuz-$release"
	mkdir -p "$out"
	mv "$tmp/boot/vmlinuz-$release" "$out/vmlinuz"
	mv "$tmp/boot/config-$release" "$out/config"
	extract_vmlinux "$out/vmlinuz" "$out/vmlinux.tmp"
	"$OBJCOPY" --dump-section .BTF="$out/btf.tmp" "$out/vmlinux.tmp" /dev/null ||
		die "$pkg: no .BTF section in the kernel"
	mv "$out/btf.tmp" "$out/btf"
	mv "$out/vmlinux.tmp" "$out/vmlinux"
	take_modules "$tmp" "$out"
	echo "$release" >"$out/release"
	rm -rf "$tmp"
	echo "$tag $release (fetched $pkg)"
}

mkdir -p "$DIR"
[ $# -gt 0 ] || set -- 6.1 6.12
for t in "$@"; do
	fetch "$t"
done
