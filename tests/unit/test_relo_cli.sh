#!/bin/sh
# rawbpf relo: the full text story of samples/relo/relo_mix.bpf.c (externs resolved against
# a config file of our own and another object's BTF, so every machine prints the same),
# --prog, --json, and the exit statuses (1 invalid input, 2 usage).
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
command -v jq >/dev/null || { echo "SKIP: jq is not installed (scripts/deps.sh installs it)"; exit 77; }
obj="$BUILD/samples/relo/relo_mix.bpf.o"
btf="$BUILD/samples/hello.bpf.o"
kc=$(mktemp /tmp/rb-relo-kconfig.XXXXXX)
trap 'rm -f "$kc"' EXIT
printf 'CONFIG_BPF=y\n# CONFIG_RAWBPF_ABSENT is not set\n' >"$kc"
fail=0
check() { # what expected actual
	if [ "$2" != "$3" ]; then
		printf 'FAIL %s\n--- expected\n%s\n--- actual\n%s\n' "$1" "$2" "$3"
		fail=1
	fi
}

expected=$(sed "s|@BTF@|$btf|; s|@KC@|$kc|" <<'END'
externs:
  bpf_rawbpf_no_such_kfunc     kfunc      weak   not found                  @BTF@
  CONFIG_RAWBPF_ABSENT         kconfig    weak   0 (not set)                @KC@

program mix_a (tracepoint/syscalls/sys_enter_getpid): 38 insns, 10 relocations
     0  call         .text                    -> subprogram 'outer' at insn 20
        mix_a:0 (tracepoint/syscalls/sys_enter_getpid+0)  bpf-to-bpf call: imm = 20 - 0 - 1; appended here
        - (85) call pc-1
        + (85) call pc+19#outer
     1  data         .bss                     -> relo_mix.bss+0 (map index 1)
        mix_a:1 (tracepoint/syscalls/sys_enter_getpid+8)  global data via the section symbol: pseudo map value, offset 0 taken from imm
        - (18) r1 = 0x0
        + (18) r1 = map[relo_mix.bss]+0
     6  weak_zero    bpf_rawbpf_no_such_kfunc -> unresolved weak kfunc 'bpf_rawbpf_no_such_kfunc'
        mix_a:6 (tracepoint/syscalls/sys_enter_getpid+48)  weak extern not found in the kernel: its address is 0
        - (18) r1 = 0x0
        + (18) r1 = 0x0
     9  weak_poison  bpf_rawbpf_no_such_kfunc -> unresolved weak kfunc 'bpf_rawbpf_no_such_kfunc'
        mix_a:9 (tracepoint/syscalls/sys_enter_getpid+72)  weak kfunc not in the kernel: poisoned call, the program loads only if the verifier proves it dead
        - (85) call pc-1
        + (85) call unknown#2002000000
    10  kconfig      CONFIG_RAWBPF_ABSENT     -> relo_mi.kconfig+0 (map index 2)
        mix_a:10 (tracepoint/syscalls/sys_enter_getpid+80)  kconfig extern: pseudo map value into the kconfig map; weak and not in the kernel config, so it reads 0
        - (18) r1 = 0x0
        + (18) r1 = map[relo_mi.kconfig]+0
    15  data         seen_absent              -> .data.mix+8 (map index 0)
        mix_a:15 (tracepoint/syscalls/sys_enter_getpid+120)  global variable: pseudo map value, offset = symbol value 8 + imm 0
        - (18) r2 = 0x0
        + (18) r2 = map[.data.mix]+8
    21  call         inner                    -> subprogram 'inner' at insn 27
        outer:1 (.text+8)  bpf-to-bpf call: imm = 27 - 21 - 1; appended here
        - (85) call pc+5
        + (85) call pc+5#inner
    24  call         inner                    -> subprogram 'inner' at insn 27
        outer:4 (.text+32)  bpf-to-bpf call: imm = 27 - 24 - 1
        - (85) call pc+2
        + (85) call pc+2#inner
    29  data         .bss                     -> relo_mix.bss+0 (map index 1)
        inner:2 (.text+72)  global data via the section symbol: pseudo map value, offset 0 taken from imm
        - (18) r2 = 0x0
        + (18) r2 = map[relo_mix.bss]+0
    33  data         .data.mix                -> .data.mix+0 (map index 0)
        inner:6 (.text+104)  global data via the section symbol: pseudo map value, offset 0 taken from imm
        - (18) r1 = 0x0
        + (18) r1 = map[.data.mix]+0
  layout:
        0  mix_a                        tracepoint/syscalls/sys_enter_getpid+0, 20 insns
       20  outer                        .text+0, 7 insns
       27  inner                        .text+56, 11 insns
  func_info: 3 records, line_info: 16 records

program mix_b (tracepoint/syscalls/sys_enter_getppid): 20 insns, 4 relocations
     1  call         .text                    -> subprogram 'inner' at insn 9
        mix_b:1 (tracepoint/syscalls/sys_enter_getppid+8)  bpf-to-bpf call: imm = 9 - 1 - 1; appended here
        - (85) call pc+6
        + (85) call pc+7#inner
     2  data         .bss                     -> relo_mix.bss+0 (map index 1)
        mix_b:2 (tracepoint/syscalls/sys_enter_getppid+16)  global data via the section symbol: pseudo map value, offset 0 taken from imm
        - (18) r1 = 0x0
        + (18) r1 = map[relo_mix.bss]+0
    11  data         .bss                     -> relo_mix.bss+0 (map index 1)
        inner:2 (.text+72)  global data via the section symbol: pseudo map value, offset 0 taken from imm
        - (18) r2 = 0x0
        + (18) r2 = map[relo_mix.bss]+0
    15  data         .data.mix                -> .data.mix+0 (map index 0)
        inner:6 (.text+104)  global data via the section symbol: pseudo map value, offset 0 taken from imm
        - (18) r1 = 0x0
        + (18) r1 = map[.data.mix]+0
  layout:
        0  mix_b                        tracepoint/syscalls/sys_enter_getppid+0, 9 insns
        9  inner                        .text+56, 11 insns
  func_info: 2 records, line_info: 7 records

END
)
check "text" "$expected" "$("$RAWBPF" relo "$obj" --btf "$btf" --kconfig "$kc")"

json=$("$RAWBPF" relo "$obj" --btf "$btf" --kconfig "$kc" --prog mix_b --json) || {
	echo "FAIL relo --json"; exit 1; }
check "json keys" '["core_pending","externs","object","programs"]' \
	"$(printf '%s' "$json" | jq -c 'keys')"
check "json --prog" '["mix_b"]' "$(printf '%s' "$json" | jq -c '[.programs[].name]')"
check "json relocations" \
	'[[1,"call",".text","mix_b",1,"(85) call pc+6","(85) call pc+7#inner"],[2,"data",".bss","mix_b",2,"(18) r1 = 0x0","(18) r1 = map[relo_mix.bss]+0"],[11,"data",".bss","inner",2,"(18) r2 = 0x0","(18) r2 = map[relo_mix.bss]+0"],[15,"data",".data.mix","inner",6,"(18) r1 = 0x0","(18) r1 = map[.data.mix]+0"]]' \
	"$(printf '%s' "$json" | jq -c '[.programs[0].relocations[] | [.insn,.kind,.symbol,.function,.function_insn,.before,.after]]')"
check "json layout" '[["mix_b",0,9,0],["inner",9,11,56]]' \
	"$(printf '%s' "$json" | jq -c '[.programs[0].layout[] | [.name,.start,.insns,.section_offset]]')"
check "json externs" \
	'[["bpf_rawbpf_no_such_kfunc","kfunc",true,false,"not found"],["CONFIG_RAWBPF_ABSENT","kconfig",true,false,"0 (not set)"]]' \
	"$(printf '%s' "$json" | jq -c '[.externs[] | [.name,.kind,.weak,.resolved,.value]]')"

# CO-RE: applied against a target BTF (here the object's own: every field stays in place),
# each with its explanation; without a target BTF, only noted.
core="$BUILD/samples/core_task.bpf.o"
out=$("$RAWBPF" relo "$core" --btf "$core" --kconfig "$kc") || { echo "FAIL relo core_task"; exit 1; }
check "core_task pid" "$(printf '     8  core         struct task_struct->pid  -> [19] struct task_struct->pid\n        - (b7) r1 = 8\n        + (b7) r1 = 8')" \
	"$(printf '%s\n' "$out" | grep -A7 '^     8  core' | grep -E '^     8|^        [-+] ')"
out=$("$RAWBPF" relo "$core" --btf /nonexistent --kconfig "$kc" 2>&1)
printf '%s\n' "$out" | grep -q '^CO-RE relocations not applied (no target BTF): [1-9][0-9]* records' || {
	echo "FAIL core_task without target BTF: no note"; printf '%s\n' "$out" | head -5; fail=1; }

# Exit statuses: 1 with one sentence for bad input, 2 for usage.
err=$("$RAWBPF" relo "$obj" --kconfig "$kc" --btf "$btf" --prog nosuch 2>&1 >/dev/null)
check "unknown --prog status" 1 $?
check "unknown --prog message" "rawbpf: $obj: no program 'nosuch' (subprograms are shown inside the programs that call them)" "$err"
"$RAWBPF" relo /nonexistent.o >/dev/null 2>&1
check "missing object status" 1 $?
"$RAWBPF" relo >/dev/null 2>&1
check "usage status" 2 $?
"$RAWBPF" relo "$obj" --bogus >/dev/null 2>&1
check "bad option status" 2 $?
exit $fail
