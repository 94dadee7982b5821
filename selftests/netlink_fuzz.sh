#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink_fuzz: selftests/tools/nlfuzz.py sends random, malformed and
# mutated valid generic netlink requests to vgate, vgate_garp and
# vgate_bwm (unknown commands, NLM_F_DUMP on every command, odd flags,
# attribute trees from the UAPI header's enums with wrong types and sizes,
# truncated, huge and zero lengths, NLA_F_NESTED set and unset,
# duplicates; bit flips, splices and length edits of valid requests),
# issue 20's divide error among them every time, one fresh namespace per
# seed.  Then, per seed: a meaningful share of each family's messages was
# accepted (the fuzzer fails otherwise), no transaction of a closed socket
# is left (a "vgate -f" with a rule works: no EBUSY), the dumps parse and
# agree with the global counters, flushes work.  After every seed: the
# kernel log has no BUG, WARNING, Oops, general protection or divide error
# since the start, a fresh vgate <-> XFRM ESP tunnel passes pings, and
# vgate_bwm and vgate_garp unload.
#
#   fz<seed>: lo, d0 (dummy, 10.77.0.1/24): the fuzzed namespace
#   lanA -- gwA (vgate) ==== wire ==== gwB (XFRM) -- lanB   (afterwards)
#
# NLFUZZ_SEEDS (default "1 2", run at once) and NLFUZZ_COUNT (messages
# per seed, default 1500) make a longer run: "make fuzz" runs 4 seeds of
# 25000.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip python3 ping
GARP_KO=${VGATE_GARP_KO:-$REPO/vgate_garp.ko}
[ -f "$GARP_KO" ] || skip_all "$GARP_KO is not built (make modules)"
SEEDS=${NLFUZZ_SEEDS:-1 2}
COUNT=${NLFUZZ_COUNT:-1500}
MIN_ACCEPT=${NLFUZZ_MIN_ACCEPT:-5}
TOOLS=$REPO/selftests/tools

bwm_load
if [ ! -d /sys/module/vgate_garp ]; then
	insmod "$GARP_KO"
	unload_at_exit vgate_garp
fi

KMARK="nlfuzz: start $$ $(date +%s)"
echo "$KMARK" >/dev/kmsg
KBAD='BUG:|kernel BUG|WARNING:|Oops|general protection|divide error|UBSAN:|list_(add|del) corruption|Poison overwritten|Redzone overwritten'
# kernel_log_bad: the lines matching KBAD logged since KMARK (the whole
# log if the mark has scrolled out)
kernel_log_bad() {
	dmesg | awk -v m="$KMARK" 'index($0, m) { found = 1; n = 0; delete l; next }
		{ l[n++] = $0 } END { for (i = 0; i < n; i++) print l[i] }' | grep -aE "$KBAD"
}

nseeds=$(wc -w <<<"$SEEDS")
declare -A fuzz_pid fuzz_rc
tap_plan $((nseeds * 5 + 5))

# stats_agree NS: the SA, rule and peer dumps hold as many entries as the
# global counters say (read through vgatenl.py, not the CLI)
stats_agree() {
	ns "$1" python3 - "$TOOLS" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[1])
from vgatenl import C, Genl, parse_attrs
g = Genl("vgate")
st = parse_attrs(parse_attrs(g.do("VGATE_CMD_STATS_GET")[0][1])[C["VGATE_A_STATS"]])
bad = 0
for what, cmd in (("SAS", "VGATE_CMD_SA_GET"), ("RULES", "VGATE_CMD_RULE_GET"),
                  ("PEERS", "VGATE_CMD_PEER_GET")):
    want = struct.unpack("=I", st[C["VGATE_STATS_A_" + what]][:4])[0]
    got = len(g.dump(cmd))
    print("# %s: counter %d, dump %d" % (what, want, got))
    bad |= want != got
sys.exit(bad)
PY
}

# ns_drop: delete the namespaces made so far (ns_drop would also
# unload the modules this test loaded: they must stay until the end)
ns_drop() {
	local n
	for n in "${_namespaces[@]+"${_namespaces[@]}"}"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n"
	done
	_namespaces=()
}

json_ok() { "$@" | python3 -c 'import json, sys; json.load(sys.stdin)'; }

# bm_json_ok NS WHAT: "bm show WHAT d0" parses as JSON, or, when the
# fuzzer's last request left d0 unshaped, is refused for exactly that
bm_json_ok() {
	local out
	out=$(vgate "$1" -j bm show "$2" d0 2>&1)
	printf '%s' "$out" | python3 -c 'import json, sys; json.load(sys.stdin)' 2>/dev/null ||
		printf '%s' "$out" | grep -qx 'vgate: bm d0: d0: bandwidth management is not enabled'
}

dumps_parse() {
	local n=$1
	json_ok vgate "$n" -j ipsec show rule &&
	json_ok vgate "$n" -j ipsec show peer &&
	json_ok vgate "$n" -j ipsec show sad &&
	json_ok vgate "$n" -j ipsec show global &&
	json_ok vgate "$n" -j bm show interface &&
	bm_json_ok "$n" class &&
	bm_json_ok "$n" filter &&
	json_ok vgate "$n" -j ip arp show
}

flush_empty() {
	local n=$1
	vgate "$n" ipsec rule flush && vgate "$n" ipsec peer flush &&
	vgate "$n" ipsec sa flush && stats_agree "$n" >/dev/null &&
	[ "$(vgate "$n" -j ipsec show global | python3 -c \
		'import json,sys; d=json.load(sys.stdin); print(d["sas"], d["rules"], d["peers"])')" = "0 0 0" ]
}

# The seeds run at once, one namespace each (the VM has two CPUs; this
# also has the families handle requests from several processes at once);
# then each namespace is checked.
t0=$(date +%s)
for seed in $SEEDS; do
	n=fz$seed
	ns_add "$n"
	ns "$n" ip link add d0 type dummy
	ns "$n" ip addr add 10.77.0.1/24 dev d0
	ns "$n" ip link set d0 up
	ip netns exec "$n" python3 "$TOOLS/nlfuzz.py" --seed "$seed" --count "$COUNT" \
		--dev d0 --dst 10.77.0.2 --min-accept "$MIN_ACCEPT" --progress 5000 \
		>"$VGATE_TMP/fuzz-$seed.log" 2>&1 &
	fuzz_pid[$seed]=$!
done
for seed in $SEEDS; do
	wait "${fuzz_pid[$seed]}"
	fuzz_rc[$seed]=$?
done
echo "# fuzzing: $(( $(date +%s) - t0 ))s for seeds $SEEDS at once, $COUNT messages each"

for seed in $SEEDS; do
	n=fz$seed
	# the fuzzer's progress and summary (seed, messages, time, errno
	# histogram) are shown whatever the outcome
	sed 's/^\([^#]\)/# \1/' "$VGATE_TMP/fuzz-$seed.log"
	if [ "${fuzz_rc[$seed]}" = 0 ]; then
		tap_ok "seed $seed: $COUNT messages, at least $MIN_ACCEPT% of each family's accepted, no timeout"
	else
		tap_fail "seed $seed: $COUNT messages, at least $MIN_ACCEPT% of each family's accepted, no timeout"
	fi
	printf 'ipsec rule add 4000000001 pre local 10.99.0.0/24 remote 10.98.0.0/24 action pass\n' \
		>"$VGATE_TMP/rule.cfg"
	check "seed $seed: no transaction left by the closed sockets (vgate -f with a rule works)" \
		vgate "$n" -f "$VGATE_TMP/rule.cfg"
	check "seed $seed: dumps parse as JSON (show rule, peer, sad, global; bm show; ip arp show)" \
		dumps_parse "$n"
	check "seed $seed: SA, rule and peer dumps agree with the global counters" \
		stats_agree "$n"
	check "seed $seed: rule, peer and SA flush work and leave nothing" flush_empty "$n"
done
ns_drop

# Issue 20 through the CLI as the issue reported it, then with an
# interface bandwidth the kernel takes: the class of 1 bit/s is refused.
ns_add fzcli
ns fzcli ip link add d0 type dummy
ns fzcli ip link set d0 up
i20() {
	! vgate fzcli bm interface d0 enable bandwidth 18446744g 2>/dev/null &&
	! vgate fzcli bm class d0 add 1 bandwidth 1k 2>/dev/null &&
	! vgate fzcli bm class d0 set 1 bandwidth 1 2>/dev/null &&
	vgate fzcli bm interface d0 enable bandwidth 10000g &&
	vgate fzcli bm class d0 add 1 bandwidth 1k &&
	! vgate fzcli bm class d0 set 1 bandwidth 1 2>/dev/null &&
	vgate fzcli bm interface d0 disable
}
check "issue 20 by the CLI: 18446744g refused; with 10000g, class 1k taken, 1 bit/s refused" i20
ns_drop

out=$(kernel_log_bad)
check_eq "kernel log: no BUG, WARNING, Oops, general protection or divide error" "$out" ""

# A fresh tunnel after all this: vgate on gwA, XFRM on gwB.
topo_gw_pair gwA gwB
K1=$(hexkey 20)
K2=$(hexkey 20)
tunnel() {
	ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1000 \
		mode tunnel aead 'rfc4106(gcm(aes))' "$K1" 128 &&
	ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2000 \
		mode tunnel aead 'rfc4106(gcm(aes))' "$K2" 128 &&
	ns gwB ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
		tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel &&
	ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel &&
	vgate gwA ipsec sa add 0x1000 src 192.0.2.1 dst 192.0.2.2 mode tunnel \
		enc aes128-gcm encKey "$K1" &&
	vgate gwA ipsec sa add 0x2000 src 192.0.2.2 dst 192.0.2.1 mode tunnel \
		enc aes128-gcm encKey "$K2" &&
	vgate gwA ipsec peer add gwB addr 192.0.2.2 &&
	vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 remote 10.2.0.0/24 \
		action protect spiOut 0x1000 spiIn 0x2000 &&
	ns lanA ping -c 3 -W 5 10.2.0.2 &&
	ns lanB ping -c 3 -W 5 10.1.0.2 &&
	[ "$(vgate gwA -j ipsec show global | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["protected_out"])')" -ge 3 ]
}
check "a fresh vgate <-> XFRM ESP tunnel passes pings both ways" tunnel
ns_drop

check "vgate_bwm unloads" sh -c 'rmmod vgate_bwm && ! test -d /sys/module/vgate_bwm'
check "vgate_garp unloads" sh -c 'rmmod vgate_garp && ! test -d /sys/module/vgate_garp'
tap_done
