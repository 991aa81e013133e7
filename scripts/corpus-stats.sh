#!/bin/sh
# What the real-object corpus contains, for the people writing the loader: which SEC()
# prefixes occur and how often, how many programs and maps, and which objects use which
# feature (CO-RE relocations, BTF.ext, legacy maps, global data, externs, subprograms...).
# Read-only: runs llvm-readelf/llvm-objcopy over the objects listed in $BUILD/corpus/MANIFEST
# (run `make corpus` first) and prints two tables in Markdown.
set -eu
BUILD=${BUILD:-build}
M="$BUILD/corpus/MANIFEST"
READELF=$(command -v llvm-readelf-19 || command -v llvm-readelf)
OBJCOPY=$(command -v llvm-objcopy-19 || command -v llvm-objcopy)
[ -s "$M" ] || { echo "corpus-stats: no $M; run make corpus" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Number of CO-RE relocation records in an object's .BTF.ext (0 if none): the header says
# where the core_relo subsection is (hdr_len >= 32); it starts with its record size.
core_relos() { # OBJ ENDIAN
	"$OBJCOPY" --dump-section .BTF.ext="$tmp/ext" "$1" "$tmp/junk" 2>/dev/null ||
		{ echo 0; return; }
	[ "$2" = be ] && e=big || e=little
	set -- $(od -An -tu4 --endian=$e -N32 "$tmp/ext")
	# words: magic/version/flags, hdr_len, func off, len, line off, len, core off, len
	if [ "${2:-0}" -lt 32 ] || [ "${8:-0}" -lt 4 ]; then
		echo 0
		return
	fi
	rec=$(od -An -tu4 --endian=$e -j $(($2 + $7)) -N4 "$tmp/ext" | tr -d ' ')
	[ "${rec:-0}" -gt 0 ] && echo $((($8 - 4) / rec)) || echo 0
}

while read -r path pkg endian; do
	{
		echo "OBJ $path $pkg $endian $(core_relos "$path" "$endian")"
		"$READELF" -S -W "$path" | sed -n 's/^ *\[ *\([0-9]*\)\] /SEC \1 /p'
		"$READELF" -s -W "$path" | awk '$1 ~ /^[0-9]+:$/ { print "SYM", $4, $5, $7, $8 }'
	} >>"$tmp/all"
done <"$M"

awk '
function flush() {
	if (obj == "") return
	nobj++
	f["BTF"] += has[".BTF"]; f["BTF.ext"] += has[".BTF.ext"]
	f["CO-RE relocations"] += (core > 0); ncore += core
	f["legacy maps section"] += has["maps"]; f["BTF .maps section"] += has[".maps"]
	f["global data (.data*/.rodata*/.bss)"] += gdata
	f["kconfig externs"] += kconf; f["other externs (ksyms, kfuncs)"] += ksym
	f["weak externs"] += weak
	f["subprograms in .text"] += (subs > 0); nsub += subs
	f["static programs"] += statp; f["several programs in one section"] += multi
	f["big-endian"] += (end == "be")
}
$1 == "OBJ" {
	flush()
	obj = $2; end = $4; core = $5
	delete has; delete secname; delete exe; delete pcount
	gdata = kconf = ksym = weak = subs = statp = multi = 0
	next
}
$1 == "SEC" {
	# SEC idx name type addr off size es [flags] lk inf al
	idx = $2; name = $3; secname[idx] = name; has[name] = 1
	if (NF == 12 && $9 ~ /X/ && name != ".text") {
		exe[idx] = 1
		p = name; sub(/\/.*/, "", p)
		sections[p]++; objs_with[p, obj] = 1
	}
	if (name ~ /^\.(data|rodata|bss)/ && name !~ /\.str1\./ && NF == 12 && $9 ~ /A/) gdata = 1
	next
}
$1 == "SYM" {
	# SYM type bind ndx name
	type = $2; bind = $3; ndx = $4; name = $5
	if (ndx == "UND") {
		if (name == "") next
		if (name ~ /^(CONFIG_|LINUX_)/) kconf = 1; else ksym = 1
		if (bind == "WEAK") weak = 1
		next
	}
	if (type == "FUNC" && (ndx in exe)) {
		p = secname[ndx]; sub(/\/.*/, "", p)
		progs[p]++; nprog++
		if (bind == "LOCAL") statp = 1
		if (++pcount[ndx] == 2) multi = 1
	} else if (type == "FUNC" && secname[ndx] == ".text") {
		subs++
	} else if (type == "OBJECT" && secname[ndx] == ".maps") {
		nbtfmaps++
	} else if (type == "OBJECT" && secname[ndx] == "maps") {
		nlegacy++
	}
}
END {
	flush()
	for (k in objs_with) { split(k, a, SUBSEP); nobjs[a[1]]++ }
	printf "| SEC() prefix | objects | sections | programs |\n|---|---|---|---|\n"
	n = 0
	for (p in sections) order[++n] = p
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
		if (progs[order[j]] > progs[order[i]] ||
		    (progs[order[j]] == progs[order[i]] && order[j] < order[i])) {
			t = order[i]; order[i] = order[j]; order[j] = t
		}
	for (i = 1; i <= n; i++)
		printf "| %s | %d | %d | %d |\n", order[i], nobjs[order[i]], sections[order[i]],
		       progs[order[i]]
	printf "\n%d objects, %d programs, %d BTF-defined maps, %d legacy maps, ",
	       nobj, nprog, nbtfmaps, nlegacy
	printf "%d CO-RE relocations, %d .text subprograms\n\n", ncore, nsub
	printf "| feature | objects |\n|---|---|\n"
	split("BTF;BTF.ext;CO-RE relocations;BTF .maps section;legacy maps section;" \
	      "global data (.data*/.rodata*/.bss);kconfig externs;other externs (ksyms, kfuncs);" \
	      "weak externs;subprograms in .text;static programs;several programs in one section;" \
	      "big-endian", fs, ";")
	for (i = 1; i in fs; i++) printf "| %s | %d |\n", fs[i], f[fs[i]]
}' "$tmp/all"
