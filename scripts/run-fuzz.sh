#!/bin/sh
# Run each fuzz harness for FUZZ_SECONDS, seeded from tests/fuzz/seeds/<harness>/ and from any
# seed generator scripts/fuzz-seeds.sh provides. Crashes are kept in build/fuzz/crashes/.
BUILD=${BUILD:-build}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
status=0
for f in "$BUILD"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus="$BUILD/fuzz/corpus/$name"
	mkdir -p "$corpus" "$BUILD/fuzz/crashes"
	[ -d "tests/fuzz/seeds/$name" ] && cp -n tests/fuzz/seeds/"$name"/* "$corpus"/ 2>/dev/null
	[ -x scripts/fuzz-seeds.sh ] && BUILD="$BUILD" scripts/fuzz-seeds.sh "$name" "$corpus"
	echo "fuzz: $name for ${FUZZ_SECONDS}s"
	if ! "$f" -max_total_time="$FUZZ_SECONDS" -artifact_prefix="$BUILD/fuzz/crashes/$name-" \
		-print_final_stats=1 "$corpus" 2>"$BUILD/fuzz/$name.log"; then
		echo "fuzz: $name FOUND A CRASH; see $BUILD/fuzz/$name.log"
		status=1
	fi
	grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$BUILD/fuzz/$name.log" | sed 's/^/  /'
done
exit $status
