#!/bin/sh
# rawbpf inspect: exact JSON on tests/unit/objs/basic.bpf.c (built here with clang-19), the
# text view, and the exit statuses (1 invalid object with one sentence, 2 usage).
BUILD=${BUILD:-build}
RAWBPF=${RAWBPF:-$BUILD/rawbpf}
CLANG=$(command -v clang-19 || command -v clang)
command -v jq >/dev/null || { echo "SKIP: jq is not installed (scripts/deps.sh installs it)"; exit 77; }
dir="$BUILD/tests/objs/sh"
mkdir -p "$dir"
obj="$dir/basic.o"
$CLANG -O2 -g -target bpf -I/usr/include/$(gcc -dumpmachine) -Wno-unused-function \
	-c tests/unit/objs/basic.bpf.c -o "$obj" || exit 1
fail=0
check() { # what expected actual
	if [ "$2" != "$3" ]; then
		printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
		fail=1
	fi
}
json=$("$RAWBPF" inspect "$obj" --json) || { echo "inspect --json failed"; exit 1; }

check "top-level keys" \
	'["btf","endianness","externs","globals","license","maps","name","path","programs","relocations","sections","version"]' \
	"$(printf '%s' "$json" | jq -c 'keys')"
check "programs" \
	'[{"name":"xdp_first","section":"xdp","type":"xdp","attach_type":"xdp","attach_target":null,"insns":27,"subprogs":["add_one","twice"]},{"name":"xdp_second","section":"xdp","type":"xdp","attach_type":"xdp","attach_target":null,"insns":15,"subprogs":["each"]},{"name":"xdp_static","section":"xdp","type":"xdp","attach_type":"xdp","attach_target":null,"insns":7,"subprogs":[]},{"name":"tp_lazy","section":"?tp/syscalls/sys_enter_getpid","type":"tracepoint","attach_type":null,"attach_target":"syscalls/sys_enter_getpid","insns":9,"subprogs":["add_one"]},{"name":"typo","section":"kprob/do_nanosleep","type":null,"attach_type":null,"attach_target":null,"insns":2,"subprogs":[]},{"name":"bad_target","section":"uprobe/no_colon_here","type":"kprobe","attach_type":null,"attach_target":null,"insns":2,"subprogs":[]}]' \
	"$(printf '%s' "$json" | jq -c '[.programs[] | select(.subprog | not) | {name,section,type,attach_type,attach_target,insns,subprogs}]')"
check "subprograms" '["add_one","twice","each"]' \
	"$(printf '%s' "$json" | jq -c '[.programs[] | select(.subprog) | .name]')"
check "autoload and static" '[["tp_lazy",false,false],["xdp_static",true,true]]' \
	"$(printf '%s' "$json" | jq -c '[.programs[] | select(.name=="tp_lazy" or .name=="xdp_static") | [.name,.autoload,.static]] | sort')"
check "unknown section error" \
	"\"$obj: program 'typo': unknown section name 'kprob/do_nanosleep' (did you mean 'kprobe'?); give the type with --type typo=TYPE\"" \
	"$(printf '%s' "$json" | jq -c '.programs[] | select(.name=="typo") | .error')"
check "maps" \
	'[{"name":"counts","type":"hash","key_size":4,"value_size":8,"max_entries":16,"flags":0},{"name":"progs","type":"prog_array","key_size":4,"value_size":4,"max_entries":4,"flags":0},{"name":"basic.data","type":"array","key_size":4,"value_size":4,"max_entries":1,"flags":1024},{"name":"basic.rodata","type":"array","key_size":4,"value_size":11,"max_entries":1,"flags":1152},{"name":".data.custom","type":"array","key_size":4,"value_size":8,"max_entries":1,"flags":1024},{"name":"basic.bss","type":"array","key_size":4,"value_size":8,"max_entries":1,"flags":1024}]' \
	"$(printf '%s' "$json" | jq -c '[.maps[] | {name,type,key_size,value_size,max_entries,flags}]')"
check "globals" \
	'[[".data","hits",0,4],[".rodata","limit",0,4],[".rodata","tp_lazy.____fmt",4,3],[".rodata","msg",7,4],[".data.custom","tag",0,8],[".bss","total",0,8]]' \
	"$(printf '%s' "$json" | jq -c '[.globals[] | [.section,.name,.offset,.size]]')"
check "relocations" '{"map":3,"data":6,"extern_var":0,"extern_call":0,"call":3,"subprog_addr":1,"arena":0}' \
	"$(printf '%s' "$json" | jq -c '.relocations')"
check "license and version" '["Dual BSD/GPL",393472]' "$(printf '%s' "$json" | jq -c '[.license,.version]')"
check "section roles" '[[".text","subprograms"],["xdp","program"],["maps","legacy-maps"]]' \
	"$(printf '%s' "$json" | jq -c '[.sections[] | select(.name=="xdp" or .name==".text" or .name=="maps") | [.name,.role]]')"
check "relocation section target" true \
	"$(printf '%s' "$json" | jq -c '(.sections[] | select(.name==".relxdp") | .relocates) == (.sections[] | select(.name=="xdp") | .index)')"
text=$("$RAWBPF" inspect "$obj") || { echo "inspect failed"; exit 1; }
printf '%s\n' "$text" | grep -Eq '^  xdp_first +xdp +xdp +xdp +27  -  calls add_one,twice$' ||
	{ echo "FAIL text: no xdp_first line"; printf '%s\n' "$text"; fail=1; }

# invalid objects: exit 1, one line naming the file
head -c 100 "$obj" >"$dir/trunc.o"
out=$("$RAWBPF" inspect "$dir/trunc.o" 2>&1); rc=$?
check "truncated exit" 1 "$rc"
check "truncated message" "rawbpf: $dir/trunc.o: truncated or corrupt: section header table at offset 0x$(printf '%x' "$(od -An -t u8 -j 40 -N 8 "$obj" | tr -d ' ')") (entry size 64) is outside the 100-byte file" "$out"
out=$("$RAWBPF" inspect /nonexistent.o 2>&1); rc=$?
check "missing exit" 1 "$rc"
check "missing message" "rawbpf: /nonexistent.o: cannot open: No such file or directory" "$out"
"$RAWBPF" inspect >/dev/null 2>&1; check "usage exit" 2 "$?"
"$RAWBPF" inspect "$obj" --bogus >/dev/null 2>&1; check "bad option exit" 2 "$?"
"$RAWBPF" inspect --section-rules | grep -Eq '^kprobe\+ +kprobe +-$' || { echo "FAIL section rules"; fail=1; }
exit $fail
