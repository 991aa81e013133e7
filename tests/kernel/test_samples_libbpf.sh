#!/bin/sh
# The samples do what their comments say, run by libbpf (tests/oracle/oracle_samples.c):
# exact counts after N calls, values read from the kernel, records received. A sample that
# this kernel cannot run is reported as skipped, with the reason, inside the output.
BUILD=${BUILD:-build}
ORACLE="$BUILD/tests/oracle/oracle_samples"
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
[ -x "$ORACLE" ] || { echo "FAIL: $ORACLE not built"; exit 1; }
out=$(timeout 120 "$ORACLE" "$BUILD/samples" 2>&1)
rc=$?
printf '%s\n' "$out"
[ $rc -eq 0 ] || exit 1
# Every sample source has a verdict line (a new sample needs a check in the oracle).
for src in samples/*.bpf.c; do
	name=$(basename "$src" .bpf.c)
	printf '%s\n' "$out" | grep -q "^\(ok\|skip\) $name:" ||
		{ echo "FAIL: no check for sample $name in tests/oracle/oracle_samples.c"; exit 1; }
done
exit 0
