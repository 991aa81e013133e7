#!/bin/sh
# Regenerate the command output blocks of the docs from the real commands, so that what the
# docs show is what rawbpf prints today.
#
#   scripts/gen-docs.sh [-o OUT] [DOC...]     (default: docs/load-path.md, rewritten in place)
#
# A block is a marker line followed by a fenced block, which is replaced:
#
#   <!-- run: rawbpf inspect build/samples/counter.bpf.o -->
#   ```text
#   ...whatever the command prints (stdout and stderr)...
#   ```
#
# The command runs from the top of the tree with `sh -c` (pipes are allowed: `| sed ...`),
# `rawbpf` and `build/` standing for $BUILD/rawbpf and $BUILD/. What changes from run to run
# is normalised: kernel ids, program tags, BTF ids and syscall durations. The kernel release
# is recorded in a line `<!-- generated on Linux RELEASE -->` so the freshness test
# (tests/kernel/test_docs.sh) knows when it compares like with like.
# With -o (one DOC only), the result goes to OUT and DOC is left alone.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
OUT=
if [ "${1:-}" = "-o" ]; then
	OUT=$2
	shift 2
fi
[ $# -gt 0 ] || set -- docs/load-path.md
[ -x "$BUILD/rawbpf" ] || { echo "gen-docs: $BUILD/rawbpf is not built (make all samples)" >&2; exit 1; }
scripts/mount-fs.sh >/dev/null 2>&1 || true

normalise() {
	sed -E -e "s|$BUILD/|build/|g" \
		-e 's/\b(id|ids) [0-9]+/\1 N/g' \
		-e 's/\((BTF id) [0-9]+\)/(\1 N)/g' \
		-e 's/\b(tag) [0-9a-f]{16}/\1 T/g' \
		-e 's/"(id|tag|btf_id|link_id)": ?("[0-9a-f]+"|[0-9]+)/"\1": N/g' \
		-e 's/\b(id|btf_id|link_id|prog_id|map_id)=[0-9]+/\1=N/g' \
		-e 's/\([0-9]+ us\)/(N us)/g'
}

gen_one() { # DOC -> stdout
	release=$(uname -r)
	in_block=0
	skip_fence=0
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"<!-- generated on Linux "*)
			printf '<!-- generated on Linux %s -->\n' "$release"
			continue ;;
		esac
		if [ $in_block = 1 ]; then
			# dropping the old output up to its closing fence
			[ "$line" = '```' ] && in_block=0
			continue
		fi
		if [ $skip_fence = 1 ]; then
			skip_fence=0
			case $line in
			'```'*) in_block=1; continue ;; # the old output, dropped
			esac
		fi
		printf '%s\n' "$line"
		case $line in
		"<!-- run: "*" -->")
			cmd=${line#"<!-- run: "}
			cmd=${cmd%" -->"}
			case $cmd in
			rawbpf\ *) ;;
			*) echo "gen-docs: $1: only rawbpf commands run: $cmd" >&2; exit 1 ;;
			esac
			run=$(printf '%s' "$cmd" | sed -e "s|^rawbpf |$BUILD/rawbpf |" \
				-e "s| build/| $BUILD/|g")
			printf '```text\n'
			timeout 30 sh -c "$run" 2>&1 </dev/null | normalise
			printf '```\n'
			skip_fence=1 ;;
		esac
	done <"$1"
	return 0
}

rc=0
for doc in "$@"; do
	tmp=$(mktemp)
	if ! gen_one "$doc" >"$tmp"; then
		rm -f "$tmp"
		rc=1
		continue
	fi
	if [ -n "$OUT" ]; then
		mv "$tmp" "$OUT"
	else
		cat "$tmp" >"$doc"
		rm -f "$tmp"
	fi
done
exit $rc
