#!/bin/sh
# The samples, as a loader first sees them: the ELF sections clang made of each SEC(), and
# the extern symbols left for the loader to resolve. A program's section name is its type and
# attach point; .maps, .data*, .rodata*, .bss become maps; externs (__kconfig, __ksym, kfuncs)
# are undefined symbols with no section at all (llvm-objdump-19 -h and -t).
BUILD=${BUILD:-build}
OBJDUMP=$(command -v llvm-objdump-19 || command -v llvm-objdump) || exit 0
echo "== samples: program sections | map and data sections ($BUILD/samples)"
for o in "$BUILD"/samples/*.bpf.o; do
	[ -f "$o" ] || continue
	"$OBJDUMP" -h "$o" | awk -v name="$(basename "$o" .bpf.o)" '
		$1 ~ /^[0-9]+$/ && NF >= 4 {
			sec = $2; type = $NF
			if (type == "TEXT" && sec != ".text") progs = progs " " sec
			else if (sec ~ /^(\.maps|maps|\.data|\.rodata|\.bss)/ && sec !~ /\.str1\./)
				data = data " " sec
		}
		END { printf "  %-12s%s |%s\n", name, progs, data }'
	"$OBJDUMP" -t "$o" | awk '/\*UND\*/ && $NF != "" {
			n = $NF; if ($2 == "w") n = n "(weak)"; ext = ext " " n
		}
		END { if (ext != "") printf "  %-12s externs:%s\n", "", ext }'
done
