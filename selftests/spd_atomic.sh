#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# spd_atomic: whole configurations swapped in with "vgate -f" while a
# protected flow runs never drop or leak one of its packets, and a file
# with an error in its last line changes nothing.
#
#   lanA 10.1.0.2 ---- gwA (vgate) ==== wire ==== gwB (XFRM) ---- lanB 10.2.0.2
#                      10.1.0.1  192.0.2.1    192.0.2.2  10.2.0.1
#
# A steady UDP flow lanA:41000 -> lanB:7000 (~500 datagrams/s, numbered,
# tools/udpprobe.py) crosses an ESP tunnel (SA 0x1001 out of gwA, XFRM
# decrypts on gwB).  Meanwhile gwA gets $SWAPS whole configurations with
# "vgate -f" (each starts with "ipsec rule flush" / "ipsec peer flush"):
# every one protects the flow with SA 0x1001, but with a different entry
# (ID, description, selector shape), a differently named and numbered peer,
# thousands of other rules (pre, other peers' traffic lists, post) with
# other IDs, and other peers before it.  Afterwards: no cleartext datagram
# of the flow on the wire, no no_sa/policy/rule drop on gwA, and every
# datagram sent arrived exactly once.

. "$(dirname "$0")/lib.sh"

require_cmd ip nft jq python3
SWAPS=${SPD_ATOMIC_SWAPS:-20}
RULES=${SPD_ATOMIC_RULES:-2500}
RATE=${SPD_ATOMIC_RATE:-500}
topo_gw_pair gwA gwB
for n in lanA gwA gwB lanB; do
	ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done

tap_plan 12

K1=$(hexkey 20); K2=$(hexkey 20)

# Configuration files cfg00 (initial) .. cfg$SWAPS, and each file's flow
# entry ID in cfgNN.flow.
python3 - "$VGATE_TMP" "$SWAPS" "$RULES" <<-'PY'
import random, sys
out, swaps, nrules = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(swaps + 1):
    rnd = random.Random(i)
    lines = ["ipsec rule flush", "ipsec peer flush"]
    ids = rnd.sample(range(1, 200000), nrules + 10)
    pids = rnd.sample(range(1, 1000), 12)
    npeers = 3 + i % 5
    others = ["site%d_%d" % (i, k) for k in range(npeers)]
    flow_peer = ["gwB", "branchB", "B-%d" % i, "hq.b"][i % 4]
    # the flow's peer is somewhere among the others in peer ID order
    for k, name in enumerate(others):
        lines.append("ipsec peer add %s id %d addr 198.51.100.%d descr \"other %d/%d\""
                     % (name, pids[k], 10 + k, i, k))
    lines.append("ipsec peer add %s id %d addr 192.0.2.2 descr \"flow peer, config %d\""
                 % (flow_peer, pids[npeers], i))

    def sel(r):
        kind = r.randrange(4)
        a, b = r.randrange(16, 32), r.randrange(256)
        if kind == 0:
            return "172.%d.%d.%d" % (a, b, r.randrange(1, 255))
        if kind == 1:
            return "172.%d.%d.0/24" % (a, b)
        if kind == 2:
            return "172.%d.%d.10-172.%d.%d.%d" % (a, b, a, b, r.randrange(10, 250))
        return "10.%d.%d.0/24" % (r.randrange(100, 200), b)
    for n in range(nrules):
        rid = ids[n]
        stage = rnd.random()
        local = rnd.choice(["", " local 10.1.0.0/24", " local any", " local 10.1.0.2"])
        proto = rnd.choice(["", " proto udp rport %d" % rnd.randrange(1, 65535),
                            " proto tcp rport 80-90", " proto icmp"])
        if stage < 0.1:
            where, act = "pre", rnd.choice(["pass", "drop"])
        elif stage < 0.2:
            where, act = "post", rnd.choice(["pass", "drop"])
        else:
            p = rnd.choice(others + [flow_peer])
            where, act = "peer " + p, rnd.choice(["pass", "drop", "protect"])
        lines.append("ipsec rule add %d %s descr \"c%d r%d\"%s remote %s%s action %s"
                     % (rid, where, i, n, local, sel(rnd), proto, act))
    fid = ids[nrules]
    shape = [" local 10.1.0.0/24 remote 10.2.0.0/24",
             " local 10.1.0.2 remote 10.2.0.2 proto udp rport 7000",
             " local 10.1.0.0-10.1.0.255 remote 10.2.0.0-10.2.0.127",
             " remote 10.2.0.0/16 proto udp lport 41000 rport 6000-8000"][i % 4]
    lines.append("ipsec rule add %d peer %s descr \"flow, config %d\"%s action protect spiOut 0x1001 spiIn 0x2001"
                 % (fid, flow_peer, i, shape))
    # post rules that would drop the flow if the entry were missed
    lines.append("ipsec rule add %d post remote 10.2.0.0/24 action drop" % ids[nrules + 1])
    rules = lines[2 + npeers + 1:]	# file order is not evaluation order
    rnd.shuffle(rules)
    lines[2 + npeers + 1:] = rules
    # which entry protects the flow right after the commit (same process)
    lines.append("ipsec explain 10.1.0.2 10.2.0.2 proto udp sport 41000 dport 7000")
    with open("%s/cfg%02d" % (out, i), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open("%s/cfg%02d.flow" % (out, i), "w") as f:
        f.write("%d\n" % fid)
PY

setup() {
	vgate gwA ipsec sa add 0x1001 src 192.0.2.1 dst 192.0.2.2 mode tunnel enc aes128-gcm encKey "$K1" &&
	vgate gwA ipsec sa add 0x2001 src 192.0.2.2 dst 192.0.2.1 mode tunnel enc aes128-gcm encKey "$K2" &&
	ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 \
		mode tunnel replay-window 1024 aead 'rfc4106(gcm(aes))' "$K1" 128 &&
	ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2001 \
		mode tunnel aead 'rfc4106(gcm(aes))' "$K2" 128 &&
	ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel &&
	ip netns exec gwA "$VGATE" -f "$VGATE_TMP/cfg00" > /dev/null 2> "$VGATE_TMP/apply.err"
}
check "spd_atomic: SAs, XFRM on gwB, initial configuration ($RULES other rules)" setup

wire_counters "n_clear=iifname toA udp dport 7000" "n_esp=iifname toA esp spi 0x1001"
d_nosa=$(drop_count gwA no_sa); d_pol=$(drop_count gwA policy); d_rule=$(drop_count gwA rule)
R=$VGATE_TMP/recv.json
# The receiver asks for 4 MB of socket buffer (tools/udpprobe.py); the
# default rmem_max would cap it at ~0.4 MB, about one second of the flow,
# which a receiver starved of CPU under emulation can overflow.  This
# test proves vgate's side; socket-buffer overflow is counted separately.
sysctl -qw net.core.rmem_max=16777216
# Packets lost outside vgate (a CPU's backlog full, a veth's drops) are
# shown when a datagram is missing: the VM's stack, not vgate, under load.
softnet_dropped() {
	local s=0 d
	while read -r _ d _; do s=$((s + 16#$d)); done < /proc/net/softnet_stat
	echo "$s"
}
link_drops() { # NS: every link's rx/tx dropped, "dev rx tx" per line
	ns "$1" ip -s -j link show | jq -r '.[] | select(.ifname != "lo") |
		"\(.ifname) rx_dropped \(.stats64.rx.dropped) tx_dropped \(.stats64.tx.dropped)"'
}
softnet0=$(softnet_dropped)
udp_recv_start lanB 7000 "$R" || echo "# receiver did not start"
ip netns exec lanA python3 "$UDPPROBE" flow --src 10.1.0.2 --sport 41000 \
	--dst 10.2.0.2 --dport 7000 --tag atomic --rate "$RATE" \
	--stop "$VGATE_TMP/stop" --out "$VGATE_TMP/sent" &
SENDER=$!
sleep 3

ok=0 took=0 bad=""
t0=$SECONDS
for i in $(seq 1 "$SWAPS"); do
	f=$(printf '%s/cfg%02d' "$VGATE_TMP" "$i")
	# one process: the transaction, then the explain line at its end
	if out=$(ip netns exec gwA "$VGATE" -j -f "$f" 2>> "$VGATE_TMP/apply.err"); then
		ok=$((ok + 1))
	else
		bad="$bad apply-$i"
	fi
	got=$(jq -r '"\(.action) \(.rule_id)"' <<< "$out" 2>/dev/null)
	if [ "$got" = "protect $(cat "$f.flow")" ]; then
		took=$((took + 1))
	else
		bad="$bad $i:'$got'"
	fi
done
echo "# $SWAPS swaps in $((SECONDS - t0))s"
sleep 2
touch "$VGATE_TMP/stop"
wait $SENDER
sleep 3
udp_recv_stop "$R" || echo "# receiver wrote no counts"
read -r sent senderr < "$VGATE_TMP/sent"
received=$(udp_received "$R" atomic); unique=$(udp_received "$R" atomic unique)
dups=$(udp_received "$R" atomic duplicates)
clear=$(wire_count n_clear); esp=$(wire_count n_esp)
drops="$(( $(drop_count gwA no_sa) - d_nosa )) $(( $(drop_count gwA policy) - d_pol )) $(( $(drop_count gwA rule) - d_rule ))"
echo "# sent $sent (send errors $senderr), received $received, unique $unique, duplicates $dups; wire: esp $esp cleartext $clear; gwA drops no_sa/policy/rule: $drops"

check_eq "spd_atomic: $SWAPS configurations applied with vgate -f" "$ok" "$SWAPS"
check_eq "spd_atomic: after each swap the flow is protected by that file's entry" "$took${bad:+ ($bad)}" "$SWAPS"
check_eq "spd_atomic: no cleartext datagram of the flow on the wire" "$clear" 0
check "spd_atomic: every datagram crossed the wire as ESP SPI 0x1001 ($esp >= $sent)" \
	test "${esp:-0}" -ge "${sent:-1}"
check_eq "spd_atomic: gwA dropped nothing (no_sa policy rule)" "$drops" "0 0 0"
if [ "${sent:-0}" -gt $((RATE * 5)) ] && [ "$senderr" = 0 ] &&
   [ "$received" = "$sent" ] && [ "$unique" = "$sent" ]; then
	tap_ok "spd_atomic: all $sent datagrams sent arrived"
else
	tap_fail "spd_atomic: all datagrams sent arrived (sent $sent, errors $senderr, received $received, unique $unique)"
	ns gwB ip -s xfrm state | grep -vE '^\s*(aead|enc|auth|auth-trunc) ' | sed 's/^/# /'
	ns gwB cat /proc/net/xfrm_stat | awk '$2 != 0' | sed 's/^/# gwB /'
	ns lanB nstat -az UdpRcvbufErrors UdpInErrors | sed 's/^/# lanB /'
	echo "# backlog drops (softnet_stat) during the test: $(( $(softnet_dropped) - softnet0 ))"
	for n in lanA gwA gwB lanB wire; do
		link_drops $n | sed "s/^/# $n /"
	done
	for n in lanA gwB; do
		ns $n ip neigh show | sed "s/^/# $n neigh /"
	done
	vgate gwA ipsec show global | sed 's/^/# /'
fi
check_eq "spd_atomic: no datagram arrived twice" "$dups" 0
grep -v '^warning' "$VGATE_TMP/apply.err" | head -5 | sed 's/^/# apply: /'

# An error in the last line: nothing changes, FILE:LINE is reported.
snapshot() {
	vgate gwA -j ipsec show rule | jq -c 'map(del(.stats))' | md5sum
	vgate gwA -j ipsec show peer | jq -c 'map(del(.stats))' | md5sum
	vgate gwA ipsec postDefault
}
before=$(snapshot)
last=$(printf '%s/cfg%02d' "$VGATE_TMP" "$SWAPS")
# a syntax error: caught before anything is sent
{ cat "$VGATE_TMP/cfg01"; echo "ipsec postDefault drop"; echo "ipsec rule add 1 pre remote 10.9.9.9 action maybe"; } > "$VGATE_TMP/bad1"
n1=$(wc -l < "$VGATE_TMP/bad1")
ip netns exec gwA "$VGATE" -f "$VGATE_TMP/bad1" > /dev/null 2> "$VGATE_TMP/bad1.err"
rc=$?
echo "# bad1 (syntax, line $n1): exit $rc: $(grep -v '^warning' "$VGATE_TMP/bad1.err" | head -3)"
if [ $rc != 0 ] && grep -q "bad1:$n1\b" "$VGATE_TMP/bad1.err"; then
	tap_ok "spd_atomic: syntax error in the last line refused with FILE:LINE"
else
	tap_fail "spd_atomic: syntax error in the last line refused with FILE:LINE"
fi
check_eq "spd_atomic: ... and nothing changed" "$(snapshot)" "$before"
# a kernel error: the last line reuses a rule ID of the file (-EEXIST)
dup=$(awk '/^ipsec rule add/ { print $4; exit }' "$VGATE_TMP/cfg01")
{ cat "$VGATE_TMP/cfg01"; echo "ipsec postDefault drop"; echo "ipsec rule add $dup pre remote 10.9.9.9 action drop"; } > "$VGATE_TMP/bad2"
n2=$(wc -l < "$VGATE_TMP/bad2")
ip netns exec gwA "$VGATE" -f "$VGATE_TMP/bad2" > /dev/null 2> "$VGATE_TMP/bad2.err"
rc=$?
echo "# bad2 (duplicate rule ID $dup, line $n2): exit $rc: $(grep -v '^warning' "$VGATE_TMP/bad2.err" | head -3)"
if [ $rc != 0 ] && grep -q "bad2:$n2\b" "$VGATE_TMP/bad2.err"; then
	tap_ok "spd_atomic: kernel error in the last line refused with FILE:LINE"
else
	tap_fail "spd_atomic: kernel error in the last line refused with FILE:LINE"
fi
check_eq "spd_atomic: ... and nothing changed" "$(snapshot)" "$before"
tap_done
