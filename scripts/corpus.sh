#!/bin/sh
# The real-object corpus: BPF objects that other people built, taken from Debian packages.
#
#   libbpf-tools                   BPF objects embedded (as skeletons) in its binaries: carved
#   xdp-tools                      same, from its binaries (libxdp's own objects are skipped
#                                  as duplicates of libxdp1's files)
#   libxdp1                        its .o files
#   golang-github-cilium-ebpf-dev  its testdata/*.elf, little- and big-endian kept apart
#
# Only `apt-get download` and `dpkg-deb -x` touch the outside world. Everything lives under
# $BUILD/corpus (kept by `make clean`); a second run with everything in place does nothing
# but print the summary. Identical objects (same bytes) are kept once.
#
# $BUILD/corpus/MANIFEST has one line per object: PATH PACKAGE ENDIANNESS (le|be), where PATH
# is $BUILD/corpus/objs/... (usable from the top of the tree).
set -eu
BUILD=${BUILD:-build}
C="$BUILD/corpus"
CARVE="$BUILD/tests/corpus/carve"
PKGS="libbpf-tools xdp-tools libxdp1 golang-github-cilium-ebpf-dev"

mkdir -p "$C/debs"

if [ ! -x "$CARVE" ]; then
	${MAKE:-make} --no-print-directory -s BUILD="$BUILD" "$CARVE" >/dev/null
fi

summary() {
	awk '{ n++; e[$3]++; p[$2]++ }
	END {
		printf "corpus: %d objects (%d little-endian, %d big-endian): ", n, e["le"], e["be"]
		split("libbpf-tools xdp-tools libxdp1 golang-github-cilium-ebpf-dev", order, " ")
		for (i = 1; i <= 4; i++)
			printf "%s%s %d", (i > 1 ? ", " : ""), order[i], p[order[i]]
		printf "; %s\n", FILENAME
	}' "$C/MANIFEST"
}

# Fast path: a complete corpus newer than this script and the carver.
if [ -f "$C/MANIFEST" ] && [ -f "$C/objs/.complete" ] &&
	[ ! "$0" -nt "$C/objs/.complete" ] && [ ! "$CARVE" -nt "$C/objs/.complete" ]; then
	summary
	exit 0
fi

deb_of() { # package -> cached .deb path (empty if not there)
	for f in "$C/debs/$1"_*.deb; do
		[ -f "$f" ] && { echo "$f"; return; }
	done
}

# Download what is missing; refresh the package lists once if apt cannot find a package.
missing=""
for p in $PKGS; do
	[ -n "$(deb_of "$p")" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	log="$C/apt.log"
	# shellcheck disable=SC2086
	if ! (cd "$C/debs" && apt-get download -qq $missing) >"$log" 2>&1; then
		apt-get update -qq >>"$log" 2>&1 || true
		# shellcheck disable=SC2086
		if ! (cd "$C/debs" && apt-get download -qq $missing) >>"$log" 2>&1; then
			echo "corpus: apt-get download failed for$missing; see $log" >&2
			exit 1
		fi
	fi
fi

rm -rf "$C/extract" "$C/objs.new"
mkdir -p "$C/extract" "$C/objs.new"
for p in $PKGS; do
	dpkg-deb -x "$(deb_of "$p")" "$C/extract/$p"
done

manifest="$C/MANIFEST.new"
: >"$manifest"
seen="$C/objs.new/.sha256"
: >"$seen"

# add FILE DEST PACKAGE: keep FILE as objs/DEST unless the same bytes are already there.
add() {
	sum=$(sha256sum "$1" | cut -d' ' -f1)
	if grep -q "^$sum " "$seen"; then
		rm -f "$1"
		return
	fi
	echo "$sum $2" >>"$seen"
	mkdir -p "$(dirname "$C/objs.new/$2")"
	[ "$1" = "$C/objs.new/$2" ] || mv "$1" "$C/objs.new/$2"
	# EI_DATA, byte 5 of the ELF header: 1 little-endian, 2 big-endian.
	case $(od -An -tu1 -j5 -N1 "$C/objs.new/$2" | tr -d ' ') in
	1) end=le ;;
	2) end=be ;;
	*) echo "corpus: $2: not an ELF byte order" >&2; exit 1 ;;
	esac
	echo "$C/objs/$2 $3 $end" >>"$manifest"
}

# libxdp1 first, so that the copies of its objects inside the xdp-tools binaries are dropped.
for f in "$C"/extract/libxdp1/usr/lib/*/bpf/*.o; do
	[ -f "$f" ] || continue
	cp "$f" "$C/objs.new/tmp.o"
	add "$C/objs.new/tmp.o" "libxdp1/$(basename "$f")" libxdp1
done

for p in libbpf-tools xdp-tools; do
	mkdir -p "$C/objs.new/carved"
	for bin in "$C"/extract/$p/usr/sbin/* "$C"/extract/$p/usr/bin/*; do
		[ -f "$bin" ] || continue
		"$CARVE" "$bin" "$C/objs.new/carved/$(basename "$bin")" >/dev/null
	done
	for f in "$C"/objs.new/carved/*.bpf.o; do
		[ -f "$f" ] || continue
		add "$f" "$p/$(basename "$f")" "$p"
	done
	rmdir "$C/objs.new/carved"
done

# cilium/ebpf: testdata/NAME-el.elf -> cilium-ebpf/el/NAME-el.elf; btf/testdata/... gets "btf-".
cil="$C/extract/golang-github-cilium-ebpf-dev/usr/share/gocode/src/github.com/cilium/ebpf"
find "$cil" -name '*.elf' -type f | LC_ALL=C sort | while read -r f; do
	rel=${f#"$cil"/}
	dir=${rel%/testdata/*}
	[ "$dir" = "$rel" ] && dir=""
	name=$(basename "$f")
	[ -n "$dir" ] && name="$(echo "$dir" | tr / -)-$name"
	case $name in
	*-eb.elf) sub=be ;;
	*) sub=el ;;
	esac
	cp "$f" "$C/objs.new/tmp.o"
	add "$C/objs.new/tmp.o" "cilium-ebpf/$sub/$name" golang-github-cilium-ebpf-dev
done

rm -f "$seen"
rm -rf "$C/objs"
mv "$C/objs.new" "$C/objs"
mv "$manifest" "$C/MANIFEST"
touch "$C/objs/.complete"
summary
