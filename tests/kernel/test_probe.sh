#!/bin/sh
# rawbpf probe --json on this machine's kernel: parse it and check what is known to be true
# of the 6.18 development kernel (and of any kernel recent enough to run the test suite).
RAWBPF=${RAWBPF:-build/rawbpf}
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
out=$("$RAWBPF" probe --json) || { echo "rawbpf probe --json failed"; exit 1; }
printf '%s\n' "$out" | python3 -c '
import json, os, sys
d = json.load(sys.stdin)
fail = []
def want(group, name, state):
    got = d.get(group, {}).get(name, {}).get("state")
    if got != state:
        fail.append("%s/%s: want %s, got %s (%s)" % (group, name, state, got,
                    d.get(group, {}).get(name, {}).get("detail")))
for g in ("program_types", "map_types", "btf", "links", "misc", "pmus"):
    if g not in d:
        fail.append("missing group " + g)
for g in d.values():
    for name, v in g.items():
        if v["state"] not in ("yes", "no", "unknown"):
            fail.append(name + ": bad state " + v["state"])
        if v["state"] != "yes" and not v["errno"]:
            fail.append(name + ": a no/unknown answer must carry the deciding errno")
for t in ("socket_filter", "tracepoint", "raw_tracepoint", "xdp", "sched_cls", "perf_event",
          "cgroup_skb", "syscall", "netfilter"):
    want("program_types", t, "yes")
for t in ("hash", "array", "ringbuf", "percpu_array", "lpm_trie", "hash_of_maps", "bloom_filter",
          "task_storage", "arena"):
    want("map_types", t, "yes")
for k in ("btf", "btf_func", "btf_func_global", "btf_datasec", "btf_float", "btf_decl_tag",
          "btf_type_tag", "btf_enum64"):
    want("btf", k, "yes")
for l in ("perf_event", "tracing", "xdp", "tcx", "uprobe_multi"):
    want("links", l, "yes")
for m in ("prog_name", "global_data", "bpf_cookie", "log_true_size", "vmlinux_btf_mmap",
          "kfunc_call", "array_mmap", "expected_attach_type", "prog_bind_map", "memcg_account"):
    want("misc", m, "yes")
# fentry & co. load with EPERM here: the kernel will not say, so "unknown", never "no"
if d["program_types"]["tracing"]["state"] == "no":
    fail.append("tracing: EPERM must read as unknown, not as no")
kprobe_pmu = os.path.exists("/sys/bus/event_source/devices/kprobe/type")
want("pmus", "kprobe", "yes" if kprobe_pmu else "no")
want("pmus", "uprobe", "yes")
if fail:
    print("\n".join(fail))
    sys.exit(1)
' || exit 1
# the text form lists the same probes, aligned, with a summary line
"$RAWBPF" probe | grep -Eq '^  ringbuf +yes$' || { echo "text output lacks ringbuf"; exit 1; }
"$RAWBPF" probe | tail -1 | grep -Eq '^[0-9]+ supported, [0-9]+ not supported, [0-9]+ unknown$' ||
	{ echo "text output lacks the summary"; exit 1; }
"$RAWBPF" probe --bogus 2>/dev/null; [ $? -eq 2 ] || { echo "usage error must exit 2"; exit 1; }
exit 0
