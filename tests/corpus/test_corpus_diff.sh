#!/bin/sh
# The corpus differential test (issue 9): every little-endian corpus object and every sample
# is loaded by libbpf (`bpftool -d prog loadall OBJ A/progs pinmaps A/maps`, the oracle) and
# by rawbpf (`rawbpf load OBJ --no-attach --keep-going --pin B`); prog_diff compares what
# the kernel holds (BPF_OBJ_GET_INFO_BY_FD: xlated instructions function by function,
# program and map attributes). One line per object, then
#   corpus: N objects, P programs, E equal, D different, L only-libbpf, R only-rawbpf
# and the programs both loaders refuse, with each one's reason. Fails when D or L is not 0
# (differences listed in tests/corpus/diff-known.txt are reported as known, not counted).
#
# Each object is loaded in a private mount namespace on a bpffs of its own: every pin is
# removed and the instance dies with the namespace, so nothing outlives the test.
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
C="$BUILD/corpus"
DIFF="$BUILD/tests/corpus/prog_diff"
ONE="$BUILD/tests/oracle/oracle_loadone" # libbpf, one program at a time
KNOWN=tests/corpus/diff-known.txt

command -v bpftool >/dev/null || { echo "SKIP: bpftool not installed"; exit 77; }
command -v unshare >/dev/null || { echo "SKIP: unshare (util-linux) not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
[ -x "$DIFF" ] || { echo "FAIL: $DIFF not built (make $DIFF)"; exit 1; }
[ -x "$ONE" ] || echo "note: $ONE not built: programs after libbpf's first refusal go untried"
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
[ -s "$C/MANIFEST" ] || { echo "FAIL: $C/MANIFEST is empty"; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
report="$C/diff-report.txt"
: >"$report"

# The objects: the corpus' little-endian ones and rawbpf's own samples (not samples/broken).
{
	awk '$3 == "le" { print $1 }' "$C/MANIFEST"
	ls "$BUILD"/samples/*.bpf.o 2>/dev/null
} >"$tmp/objs"

# "OBJ: LINE" for a prog_diff line, listed in diff-known.txt (GLOB<TAB>reason): the reason.
known() {
	[ -f "$KNOWN" ] || return 1
	while IFS='	' read -r glob why; do
		case $glob in '#'* | '') continue ;; esac
		# shellcheck disable=SC2254
		case $1 in $glob) echo "$why"; return 0 ;; esac
	done <"$KNOWN"
	return 1
}

# libbpf's reason for a program it refused: its errno and the verifier log's last line.
libbpf_reason() { # PROG LOG
	err=$(sed -n "s/^libbpf: prog '$1': failed to load: \(-[0-9]*\)$/\1/p" "$2" | tail -1)
	last=$(awk -v p="libbpf: prog '$1': -- BEGIN PROG LOAD LOG --" '
		index($0, p) == 1 { on = 1; last = ""; next }
		on && /^-- END PROG LOAD LOG --/ { on = 0; next }
		on && NF && !/^(processed [0-9]+ insns|verification time|stack depth)/ { last = $0 }
		END { print last }' "$2")
	if [ -z "$last" ]; then # refused before the kernel was asked: libbpf's own sentence
		last=$(grep -E "^libbpf: " "$2" | grep -v -e "^libbpf: elf: skipping" \
			-e "failed to load object" -e "failed to load: -" -e "^libbpf: prog '.*': -- " |
			tail -1 | sed 's/^libbpf: //')
	fi
	echo "errno $err: ${last:-no verifier log}"
}

# Self-check first: the comparer must see a difference where there is one. libbpf loads
# xdpfilt_alw_all, rawbpf xdpfilt_dny_all (same maps, another verdict), and rawbpf's program
# is renamed on bpffs to libbpf's name; prog_diff must report it different at an instruction,
# and the same pins compared with themselves must be equal.
alw="$C/objs/libxdp1/xdpfilt_alw_all.o" dny="$C/objs/libxdp1/xdpfilt_dny_all.o"
if [ -f "$alw" ] && [ -f "$dny" ]; then
	unshare -m --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf || exit 3
		A=/sys/fs/bpf/libbpf B=/sys/fs/bpf/rawbpf
		mkdir "$A"
		bpftool prog loadall "$1" "$A/progs" >/dev/null 2>&1
		find /sys/fs/bpf -mindepth 1 -maxdepth 1 ! -name "*.debug" ! -name libbpf \
			-exec rm -rf {} +
		"$4" load "$2" --no-attach --pin "$B" >/dev/null 2>&1
		mv "$B/progs/xdpfilt_dny_all" "$B/progs/xdpfilt_alw_all"
		"$3" "$A" "$B"
		echo "rc $?"
		"$3" "$A" "$A"
		echo "rc $?"
		find /sys/fs/bpf -mindepth 1 -maxdepth 1 ! -name "*.debug" -exec rm -rf {} +
		umount /sys/fs/bpf' sh "$alw" "$dny" "$DIFF" "$RAWBPF" </dev/null >"$tmp/self" 2>&1
	if ! grep -q "^different at prog xdpfilt_alw_all insn [0-9]*: libbpf '.*' rawbpf '.*'" "$tmp/self" ||
		[ "$(grep -c '^rc ' "$tmp/self")" -ne 2 ] || ! grep -q "^equal xdpfilt_alw_all" "$tmp/self" ||
		[ "$(sed -n 's/^rc //p' "$tmp/self" | tr '\n' ' ')" != "1 0 " ]; then
		echo "FAIL: prog_diff self-check (a different program must be reported, the same equal):"
		cat "$tmp/self"
		exit 1
	fi
	echo "self-check: $(grep -m1 '^different' "$tmp/self")"
fi

n=0 progs=0 eq=0 dif=0 onlyl=0 onlyr=0 kn=0 both=0 untried=0 whole=0
: >"$tmp/both"
while read -r obj; do
	n=$((n + 1))
	unshare -m --propagation private sh -c '
		mount -t bpf bpf /sys/fs/bpf || { echo "cannot mount bpffs" >"$3/diff"; exit 0; }
		A=/sys/fs/bpf/libbpf B=/sys/fs/bpf/rawbpf
		mkdir -p "$A/maps"
		timeout 120 bpftool -d prog loadall "$1" "$A/progs" pinmaps "$A/maps" \
			>"$3/lib.log" 2>&1
		rc=$?
		if [ $rc -ne 0 ] && grep -q "failed to pin all maps" "$3/lib.log"; then
			# Maps pinned by name cannot be pinned twice: load without pinmaps
			# (maps are then compared through the programs map ids).
			find /sys/fs/bpf -mindepth 1 -maxdepth 1 ! -name "*.debug" -exec rm -rf {} +
			mkdir -p "$A"
			timeout 120 bpftool -d prog loadall "$1" "$A/progs" >"$3/lib.log" 2>&1
			rc=$?
		fi
		echo $rc >"$3/lib.rc"
		# Maps libbpf pinned by name at the root: away, so that rawbpf creates its own
		# (the programs under $A keep libbpf'"'"'s alive).
		find /sys/fs/bpf -mindepth 1 -maxdepth 1 ! -name "*.debug" ! -name libbpf \
			-exec rm -rf {} +
		timeout 120 "$2" load "$1" --no-attach --keep-going --pin "$B" >"$3/raw.log" 2>&1
		echo $? >"$3/raw.rc"
		: >"$3/one.rc"
		if [ "$(cat "$3/lib.rc")" -ne 0 ] && [ -x "$5" ]; then
			# loadall stopped at the first refusal: ask libbpf about each program
			# alone (maps rawbpf pinned by name at the root go first, its programs
			# keep them alive, so that libbpf creates its own).
			find /sys/fs/bpf -mindepth 1 -maxdepth 1 ! -name "*.debug" ! -name libbpf \
				! -name rawbpf -exec rm -rf {} +
			mkdir -p "$A/progs"
			sed -e "/ skipped\$/d" -n -e "s/^  program \([^ ]*\) .*/\1/p" "$3/raw.log" |
			while read -r p; do
				timeout 120 "$5" "$1" "$p" "$A/progs/$p" >"$3/one.$p.log" 2>&1
				echo "$p $?" >>"$3/one.rc"
			done
		fi
		"$4" "$A" "$B" >"$3/diff" 2>&1
		"$2" unpin "$B" >/dev/null 2>&1
		find /sys/fs/bpf -mindepth 1 -maxdepth 1 ! -name "*.debug" -exec rm -rf {} +
		umount /sys/fs/bpf' sh "$obj" "$RAWBPF" "$tmp" "$DIFF" "$ONE" </dev/null >/dev/null 2>&1
	lib_rc=$(cat "$tmp/lib.rc")
	# libbpf's failing program (loadall stops at the first), or its object-level error.
	lib_failed_prog=$(sed -n "s/^libbpf: prog '\([^']*\)': failed to load: .*/\1/p" \
		"$tmp/lib.log" | tail -1)
	lib_obj_err=$(grep -E "^libbpf: |^Error: " "$tmp/lib.log" | grep -v -e "^libbpf: elf: skipping" \
		-e "^libbpf: prog '.*': -- " | tail -2 | head -1)
	status="" e=0 d=0 l=0 r=0 k=0 kp=0 wo=0
	while read -r line; do
		case $line in
		"equal "*) e=$((e + 1)) ;;
		"only-rawbpf "*) r=$((r + 1)); status="$status; $line" ;;
		"different at prog "* | "only-libbpf "* | "map-different "* | "map-only-libbpf "*)
			if why=$(known "$obj: $line"); then
				k=$((k + 1)); status="$status; known: $line ($why)"
				case $line in map-*) ;; *) kp=$((kp + 1)) ;; esac
			else
				case $line in
				"only-libbpf "*) l=$((l + 1)) ;;
				*) d=$((d + 1)) ;;
				esac
				status="$status; $line"
			fi ;;
		"map-only-rawbpf "*) status="$status; $line" ;;
		*) d=$((d + 1)); status="$status; prog_diff: $line" ;;
		esac
	done <"$tmp/diff"
	# The programs rawbpf refused: both refuse, or libbpf never tried them.
	awk '/^  program [^ ]+ .* REFUSED / { if (p != "") print p " " why (last != "" ? ": " last : "")
			p = $2; why = $0; sub(/^.* REFUSED /, "", why); last = ""; on = 1; next }
		/^  (program|map) / || /^(rawbpf: |pinned |loaded |map [^ ]+ \()/ { on = 0 }
		on && NF && !/^(processed [0-9]+ insns|verification time|stack depth)/ { last = $0 }
		END { if (p != "") print p " " why (last != "" ? ": " last : "") }' \
		"$tmp/raw.log" >"$tmp/refused"
	b=0 u=0
	while read -r prog why; do
		[ "$lib_rc" -ne 0 ] || continue # libbpf loaded it: prog_diff said only-libbpf
		one=$(awk -v p="$prog" '$1 == p { print $2 }' "$tmp/one.rc")
		if [ -n "$one" ]; then
			# libbpf alone on this program: 0 (loaded: prog_diff says only-libbpf).
			[ "$one" -ne 0 ] || continue
			b=$((b + 1))
			lr=$(libbpf_reason "$prog" "$tmp/one.$prog.log")
			printf '%s: %s: libbpf %s; rawbpf %s\n' "$obj" "$prog" "$lr" "$why" >>"$tmp/both"
		elif [ "$prog" = "$lib_failed_prog" ]; then
			b=$((b + 1))
			printf '%s: %s: libbpf %s; rawbpf %s\n' "$obj" "$prog" \
				"$(libbpf_reason "$prog" "$tmp/lib.log")" "$why" >>"$tmp/both"
		else
			u=$((u + 1))
		fi
	done <"$tmp/refused"
	# rawbpf refused the whole object (nothing loaded): its one error line.
	if ! grep -q "^loaded " "$tmp/raw.log" && [ "$lib_rc" -ne 0 ]; then
		wo=1
		printf '%s: whole object: libbpf %s; rawbpf %s\n' "$obj" \
			"${lib_failed_prog:+prog '$lib_failed_prog' $(libbpf_reason "$lib_failed_prog" "$tmp/lib.log")}${lib_failed_prog:-$lib_obj_err}" \
			"$(grep -m1 '^rawbpf: ' "$tmp/raw.log" | cut -c1-300)" >>"$tmp/both"
	fi
	[ "$u" -eq 0 ] || status="$status; $u refused by rawbpf that libbpf never tried (it stopped at ${lib_failed_prog:-an object error})"
	[ "$b" -eq 0 ] || status="$status; both refuse $b"
	[ "$wo" -eq 0 ] || status="$status; both refuse the whole object"
	# Programs: compared, only one side, known, refused by both (not whole-object refusals,
	# whose programs neither loader got to; nor map lines).
	nprog=$((e + d + l + r + kp + b + u))
	progs=$((progs + nprog))
	eq=$((eq + e)) dif=$((dif + d)) onlyl=$((onlyl + l)) onlyr=$((onlyr + r)) kn=$((kn + k))
	both=$((both + b)) untried=$((untried + u)) whole=$((whole + wo))
	if [ -z "$status" ]; then
		status="equal"
	else
		status=${status#; }
		[ "$d" -ne 0 ] || [ "$l" -ne 0 ] || [ "$e" -eq 0 ] || status="equal; $status"
	fi
	echo "$obj: $status" | tee -a "$report"
done <"$tmp/objs"

summary="corpus: $n objects, $progs programs, $eq equal, $dif different, $onlyl only-libbpf, $onlyr only-rawbpf"
{
	echo "$summary"
	echo "also: $kn known differences (tests/corpus/diff-known.txt), $both programs refused by both, $whole objects refused as a whole by both, $untried programs refused by rawbpf and never tried by libbpf"
	echo "refused by both loaders (the kernel's reason):"
	sed 's/^/  /' "$tmp/both"
} | tee -a "$report"
[ "$dif" -eq 0 ] && [ "$onlyl" -eq 0 ] || exit 1
exit 0
