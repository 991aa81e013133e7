#!/bin/sh
# rawbpf verify --json over every little-endian object of the corpus: each run ends with
# exit 0 (all verified) or 1 (something refused) within its time limit, never a crash, a
# hang or another status; its JSON parses; every program gets a verdict or its object an
# error; every refusal has a failure family other than "unknown"; nothing stays pinned.
# Writes the counts (accepted, refused by family, objects that could not be loaded) to
# $BUILD/corpus/verify-summary.txt and prints them.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
C="$BUILD/corpus"
LIMIT=120 # seconds per object; the largest take a few seconds

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
if ! out=$(scripts/corpus.sh 2>&1); then
	echo "SKIP: corpus unavailable (no Debian mirror?): $(printf '%s\n' "$out" | tail -1)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
ls -A /sys/fs/bpf >"$tmp/pins.before" 2>/dev/null

awk '$3 == "le" { print $1 }' "$C/MANIFEST" >"$tmp/objs"
[ -s "$tmp/objs" ] || { echo "FAIL: no little-endian object in $C/MANIFEST"; exit 1; }
i=0
while read -r obj; do
	i=$((i + 1))
	"$RAWBPF" inspect "$obj" 2>/dev/null | awk '/pinned by name/ { print $1 }' >>"$tmp/pinned"
	timeout "$LIMIT" "$RAWBPF" verify --json "$obj" >"$tmp/$i.json" 2>"$tmp/$i.err" </dev/null
	rc=$?
	case $rc in
	0 | 1) ;;
	124) echo "FAIL: $obj: no answer within $LIMIT s"; fail=1; continue ;;
	*) echo "FAIL: $obj: exit status $rc"; sed 's/^/    /' "$tmp/$i.err" | tail -5
	   fail=1; continue ;;
	esac
	if ! jq -e '.programs and .errors and .notes' "$tmp/$i.json" >/dev/null 2>&1; then
		echo "FAIL: $obj: the output is not JSON with programs, errors and notes:"
		head -c 300 "$tmp/$i.json"; echo
		fail=1
		continue
	fi
	# Something said about every object, and an exit status that matches it.
	jq -r --arg obj "$obj" --arg rc "$rc" '
		(.programs | length) as $p | (.errors | length) as $e
		| ([.programs[] | select(.verdict != "accepted")] | length) as $bad
		| ([.notes[] | select(.message == "the object has no programs")] | length) as $none
		| if $p + $e + $none == 0 then "FAIL: \($obj): no program, no error, no note"
		  elif ($bad + $e > 0) != ($rc == "1") then
			"FAIL: \($obj): exit status \($rc) with \($bad) refused, \($e) errors"
		  else empty end,
		(.programs[] | "prog \(.verdict) \(.failure.family // "-") \($obj) \(.program)"),
		(.errors[] | "error \($obj) \(.message)")' "$tmp/$i.json" >>"$tmp/lines"
done <"$tmp/objs"

if grep '^FAIL' "$tmp/lines"; then
	fail=1
fi
if grep -q '^prog rejected unknown ' "$tmp/lines"; then
	echo "FAIL: refusals without a family (add one in loader/vlog_hints.c if it is real):"
	grep '^prog rejected unknown ' "$tmp/lines" | cut -d' ' -f4- | head -20
	fail=1
fi
# Every program is either accepted or rejected: the kernel (or loader) gave a verdict.
if grep '^prog ' "$tmp/lines" | grep -qv '^prog \(accepted\|rejected\) '; then
	echo "FAIL: programs without a verdict:"
	grep '^prog ' "$tmp/lines" | grep -v '^prog \(accepted\|rejected\) ' | head
	fail=1
fi

{
	echo "objects: $(wc -l <"$tmp/objs"), of which not loadable as a whole:" \
		"$(grep -c '^error ' "$tmp/lines")"
	echo "programs accepted: $(grep -c '^prog accepted ' "$tmp/lines")"
	echo "programs refused: $(grep -c '^prog rejected ' "$tmp/lines"), by family:"
	grep '^prog rejected ' "$tmp/lines" | cut -d' ' -f3 | sort | uniq -c | sort -rn
	echo "objects not loadable, by reason:"
	grep '^error ' "$tmp/lines" | sed 's/^error [^ ]* //; s/^[^ ]*: //; s/'"'"'[^'"'"']*'"'"'/NAME/g' |
		sort | uniq -c | sort -rn
} >"$C/verify-summary.txt"
cat "$C/verify-summary.txt"

# Maps pinned by name went to a private directory that is gone now. (Other tests may pin
# things meanwhile: only our directories and the corpus' pinned map names count.)
ls -A /sys/fs/bpf >"$tmp/pins.after" 2>/dev/null
sort -u "$tmp/pinned" >"$tmp/pinned.names" 2>/dev/null
new=$(sort "$tmp/pins.before" "$tmp/pins.before" "$tmp/pins.after" | uniq -u |
	awk 'NR == FNR { n[$1] = 1; next } ($1 in n) || /^rawbpf-verify-/' "$tmp/pinned.names" -)
if [ -n "$new" ]; then
	echo "FAIL: left in /sys/fs/bpf after verify: $new"
	fail=1
fi
exit $fail
