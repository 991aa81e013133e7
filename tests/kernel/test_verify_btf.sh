#!/bin/sh
# A BTF the kernel refuses but rawbpf's parser accepts: core_task.bpf.o with one name made
# invalid (a '-' in a C identifier), once a struct's name and once a member's. rawbpf verify
# shows the kernel's BTF log like a program log: the offending type by id, kind and name,
# the member, the kernel's words; the programs are still verified (without BTF); exit 1.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
OBJ="$BUILD/samples/core_task.bpf.o"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
command -v perl >/dev/null || { echo "SKIP: perl (to patch bytes) not installed"; exit 77; }
[ -f "$OBJ" ] || { echo "FAIL: $OBJ not built"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
expect() { # description, file, fixed string
	grep -qF -- "$3" "$2" || { echo "FAIL $1: no '$3' in:"; sed 's/^/    /' "$2" | head -40; fail=1; }
}
# Same length, so every offset in the object stays right; only the string changes.
patch() { # from, to, out
	perl -0777 -pe "s/\\0$1\\0/\\0$2\\0/g" "$OBJ" >"$3"
	cmp -s "$OBJ" "$3" && { echo "FAIL: '$1' not found in $OBJ"; exit 1; }
}
patch task_info task-info "$tmp/bad_type.o"
patch pidtype_tgid pidtype-tgid "$tmp/bad_member.o"

# Our parser takes it: the type is there under its new name.
"$RAWBPF" btf dump "$tmp/bad_type.o" --type task-info >"$tmp/dump" 2>&1 ||
	{ echo "FAIL: rawbpf btf dump refuses the patched object"; cat "$tmp/dump"; fail=1; }
id=$(sed -n "s/^\[\([0-9]*\)\] STRUCT 'task-info'.*/\1/p" "$tmp/dump")
[ -n "$id" ] || { echo "FAIL: no STRUCT task-info in the dump"; cat "$tmp/dump"; fail=1; }

"$RAWBPF" verify "$tmp/bad_type.o" >"$tmp/out" 2>&1
rc=$?
[ $rc = 1 ] || { echo "FAIL: exit status $rc with a refused BTF, expected 1"; fail=1; }
expect type "$tmp/out" "$tmp/bad_type.o: BTF: rejected"
expect type "$tmp/out" "  type:    [$id] STRUCT task-info"
expect type "$tmp/out" "  kernel:  Invalid name"
expect type "$tmp/out" "  see:     rawbpf btf dump $tmp/bad_type.o --type task-info"
# The program is still verified, without BTF.
expect type "$tmp/out" "prog 'record_task': accepted"

"$RAWBPF" verify --full-log "$tmp/bad_member.o" >"$tmp/out" 2>&1
expect member "$tmp/out" "  type:    [$id] STRUCT task_info, member 'pidtype-tgid'"
expect member "$tmp/out" "  line:    pidtype-tgid type_id="
expect member "$tmp/out" "  BTF log:"
expect member "$tmp/out" "      | [$id] STRUCT task_info size="

"$RAWBPF" verify --json "$tmp/bad_member.o" >"$tmp/json" 2>"$tmp/err"
if command -v jq >/dev/null; then
	got=$(jq -r '.btf[0] | "\(.type_id) \(.kind) \(.name) \(.member) \(.message)"' "$tmp/json")
	[ "$got" = "$id STRUCT task_info pidtype-tgid Invalid name" ] ||
		{ echo "FAIL json: '$got'"; fail=1; }
	jq -e '.btf[0].log | contains("Invalid name")' "$tmp/json" >/dev/null ||
		{ echo "FAIL json: the log is not in .btf[0].log"; fail=1; }
	jq -e '.programs[0].verdict == "accepted"' "$tmp/json" >/dev/null ||
		{ echo "FAIL json: record_task not accepted"; fail=1; }
fi
# --csv and --stats keep stdout for the table: one line on stderr says it.
"$RAWBPF" verify --csv "$tmp/bad_type.o" >/dev/null 2>"$tmp/err"
expect csv "$tmp/err" "the kernel refused the BTF at type [$id] STRUCT task-info: Invalid name"

# The unmodified object: no BTF report, exit 0.
"$RAWBPF" verify "$OBJ" >"$tmp/out" 2>&1 || { echo "FAIL: $OBJ does not verify"; fail=1; }
grep -q "BTF: rejected" "$tmp/out" && { echo "FAIL: BTF report for a good object"; fail=1; }
exit $fail
