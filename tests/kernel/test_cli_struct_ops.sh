#!/bin/sh
# rawbpf and struct_ops (samples/struct_ops_cc.bpf.o, a ".struct_ops.link" map registering
# the TCP congestion control "rb_cc"): inspect names the members' programs; load registers it
# for the run (listed in tcp_available_congestion_control meanwhile, gone after) and says so;
# --trace shows the update and the link; --no-attach registers nothing; --pin leaves it
# registered until `rawbpf unpin`; verify accepts every program. A kernel that refuses
# struct_ops programs (no BPF trampolines) skips, quoting rawbpf's message.
RAWBPF=${RAWBPF:-build/rawbpf}
BUILD=${BUILD:-build}
OBJ="$BUILD/samples/struct_ops_cc.bpf.o"
AVAIL=/proc/sys/net/ipv4/tcp_available_congestion_control
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for bpf(2)"; exit 77; }
[ -f "$OBJ" ] || { echo "FAIL: $OBJ not built"; exit 1; }
PIN=/sys/fs/bpf/rawbpf_struct_ops_test_$$
tmp=$(mktemp -d)
cleanup() { [ -d "$PIN" ] && "$RAWBPF" unpin "$PIN" >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; sed 's/^/    /' "$tmp/out" "$tmp/err" 2>/dev/null | head -40; exit 1; }
listed() { tr ' ' '\n' <"$AVAIL" | grep -qx rb_cc; }
# the kernel frees an unregistered struct_ops after an RCU grace period: wait a little
gone() { for _ in 1 2 3 4 5 6 7 8 9 10; do listed || return 0; sleep 0.2; done; return 1; }

"$RAWBPF" inspect "$OBJ" >"$tmp/out" 2>"$tmp/err" || fail "inspect"
grep -E '^  rb_cc +struct_ops +struct_ops .*tcp_congestion_ops .*0x2000 +\.ssthresh=rb_ssthresh \.cong_avoid=rb_cong_avoid \.undo_cwnd=rb_undo_cwnd \.init=rb_init$' \
	"$tmp/out" >/dev/null || fail "inspect does not show map rb_cc and its members"

listed && { echo "FAIL: rb_cc is registered before the test"; exit 1; }
"$RAWBPF" load "$OBJ" --no-attach >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ]; then
	if grep -q "refused\|ENOTSUPP\|EPERM" "$tmp/err"; then
		echo "SKIP: $(head -1 "$tmp/err")"
		exit 77
	fi
	fail "load --no-attach: exit $rc"
fi
grep -qx '  struct_ops rb_cc (tcp_congestion_ops) not registered' "$tmp/out" ||
	fail "--no-attach: no 'not registered' line"
listed && fail "--no-attach registered rb_cc"

# A run of 2 s: registered meanwhile, with the summary line; gone after.
"$RAWBPF" load "$OBJ" --duration 2 --trace >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do listed && break; sleep 0.1; done
listed || { wait $pid; fail "rb_cc not in $AVAIL during the run"; }
wait $pid || fail "load --duration 2: exit $?"
gone || fail "rb_cc still registered after the run"
grep -Eq '^  struct_ops rb_cc registered as tcp_congestion_ops \(rb_cc\) \(BPF link, link id [0-9]+\)$' \
	"$tmp/out" || fail "no 'registered as' summary line"
grep -Eq 'BPF_MAP_CREATE = [0-9]+ .*map_type=26 name=.rb_cc.' "$tmp/out" "$tmp/err" ||
	fail "--trace: no struct_ops BPF_MAP_CREATE"
grep -Eq 'BPF_PROG_LOAD = [0-9]+ .*name=.rb_init.*expected_attach_type=[0-9]+ .*attach_btf_id=[1-9]' \
	"$tmp/out" "$tmp/err" || fail "--trace: rb_init not loaded with a member index and BTF id"
grep -Eq 'BPF_MAP_UPDATE_ELEM = 0 .*' "$tmp/out" "$tmp/err" || fail "--trace: no map update"
grep -Eq 'BPF_LINK_CREATE = [0-9]+ .*map_fd=[0-9]+ attach_type=44' "$tmp/out" "$tmp/err" ||
	fail "--trace: no struct_ops BPF_LINK_CREATE"

# --pin: the link is pinned and the registration outlives the process, until unpin.
"$RAWBPF" load "$OBJ" --pin "$PIN" >"$tmp/out" 2>"$tmp/err" || fail "load --pin"
[ -e "$PIN/links/rb_cc" ] || fail "no $PIN/links/rb_cc"
listed || fail "rb_cc not registered after load --pin exited"
"$RAWBPF" unpin "$PIN" >"$tmp/out" 2>"$tmp/err" || fail "unpin"
gone || fail "rb_cc still registered after unpin"

# The plain map (samples/struct_ops_plain.bpf.o, "rb_cc_plain") has no link: pinned, it stays
# registered after load exits, and unpin unregisters it (deletes key 0) before removing it.
plain_listed() { tr ' ' '\n' <"$AVAIL" | grep -qx rb_cc_plain; }
"$RAWBPF" load "$BUILD/samples/struct_ops_plain.bpf.o" --pin "$PIN" >"$tmp/out" 2>"$tmp/err" ||
	fail "load --pin of struct_ops_plain"
plain_listed || fail "rb_cc_plain not registered after load --pin exited"
"$RAWBPF" unpin "$PIN" >"$tmp/out" 2>"$tmp/err" || fail "unpin of struct_ops_plain"
for _ in 1 2 3 4 5 6 7 8 9 10; do plain_listed || break; sleep 0.2; done
plain_listed && fail "rb_cc_plain still registered after unpin"

"$RAWBPF" verify "$OBJ" >"$tmp/out" 2>"$tmp/err" || fail "verify"
[ "$(grep -c "prog 'rb_[a-z_]*': accepted" "$tmp/out")" -eq 4 ] ||
	fail "verify: not every struct_ops program accepted"
echo "ok: inspect, load (--no-attach, run, --trace, --pin) and verify of $OBJ"
