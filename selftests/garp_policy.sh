#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# garp_policy: vgate_garp.ko, the gratuitous-ARP acceptance policy
# ("vgate ip arp ackGratuitous ...", include/uapi/linux/vgate.h, VGATE_GARP_*).
#
#   client 10.0.9.2 --c9-- gw (vgate, vgate_garp) --lan2-- h2 10.0.2.2
#                    10.0.9.1 | lan 10.0.1.1    10.0.2.1
#                             |
#                  sw: br0 ---+--- oldgw    eth0 10.0.1.254, lo 198.51.100.1
#                   (nft      +--- backup   eth0 10.0.1.253 (+ .254 after the
#                   bridge    |             failover, + .252), lo 198.51.100.1
#                   counters) +--- attacker eth0 10.0.1.66
#
#   gw routes 198.51.100.0/24 via 10.0.1.254 (oldgw, later the backup);
#   both routers answer pings for 198.51.100.1 on lo and count the echo
#   requests they receive (nft), so where the client's pings arrive shows
#   which MAC gw uses for 10.0.1.254.
#
# Every phase takes the per-interface counters of "vgate -j ip arp show"
# before and after and compares the whole difference (every counter that
# moved) with what was sent; neighbour entries are read with ip neigh.
#   active no (default): announcements for an existing and a new address,
#     and an unsolicited unicast reply (ARP poisoning), change nothing
#     (arp_accept=1, so stock Linux would take them)
#   ARP requests (issue 13): "who has 10.0.1.1? tell 10.0.1.254" from the
#     attacker's MAC does not move 10.0.1.254 (stock Linux merges the
#     sender of any request to it) and is still answered; a request from a
#     new address still creates its entry; with forceUpdate on such a
#     request is verified like an announcement (refused when the owner
#     contradicts, applied when a reply confirms it)
#   active yes, forceUpdate off: a new address is held for verifyTimeout,
#     probed, and entered with the MAC its owner confirms; an existing
#     entry is not changed
#   active yes, forceUpdate on: failover of 10.0.1.254 from oldgw to the
#     backup, logged, and the client's traffic follows; a repeat is
#     "unchanged"
#   attacks: a spoofed 10.0.1.254 (gratuitous) and 10.0.1.253 (unicast
#     reply) the real owner contradicts, an unused address nobody
#     confirms (announced twice: coalesced), one two MACs claim, a spoof
#     the attacker also confirms while the owner contradicts
#   off-subnet, own-address and static-entry announcements, malformed
#     frames
#   per-interface override (CLI and sysfs), rate limit (global 2/s on lan,
#     unlimited override on lan2), normal ARP resolution under active no
#   totals = what was sent, the header's sum invariant on every interface
#   bad input (CLI and sysfs) is refused and changes nothing
#
# Frames arping cannot make come from tools/arpsend.py (AF_PACKET).

. "$(dirname "$0")/lib.sh"

require_cmd ip jq python3 arping nft ping
arping -V 2>&1 | grep -q iputils || skip_all "arping is not iputils-arping"
GARP_KO=${VGATE_GARP_KO:-$REPO/vgate_garp.ko}
[ -f "$GARP_KO" ] || skip_all "$GARP_KO is not built (make modules)"
ARPSEND=$REPO/selftests/tools/arpsend.py

unload_at_exit vgate_garp

GW_MAC=02:00:00:00:01:01
OLD_MAC=02:00:00:00:01:fe
BAK_MAC=02:00:00:00:02:fe
ATT_MAC=02:00:00:00:06:66

# ---------------------------------------------------------------------------
# Topology (one "ip -b" per namespace: every exec is slow under TCG)
ns_add gw sw oldgw backup attacker client h2
H2_MAC=02:00:00:00:02:02
# link NS_A IF_A MAC_A NS_B IF_B [MAC_B]: a veth pair
link() {
	ip link add "$2" netns "$1" address "$3" type veth \
		peer name "$5" ${6:+address "$6"} netns "$4"
}
link gw lan $GW_MAC sw p_gw
link oldgw eth0 $OLD_MAC sw p_old
link backup eth0 $BAK_MAC sw p_bak
link attacker eth0 $ATT_MAC sw p_att
link gw lan2 02:00:00:00:02:01 h2 eth0 $H2_MAC
link gw c9 02:00:00:00:09:01 client eth0
ip -n sw -b - <<-EOF
	link add br0 type bridge
	link set br0 up
	link set p_gw master br0 up
	link set p_old master br0 up
	link set p_bak master br0 up
	link set p_att master br0 up
EOF
ip -n gw -b - <<-EOF
	addr add 10.0.1.1/24 dev lan
	addr add 10.0.2.1/24 dev lan2
	addr add 10.0.9.1/24 dev c9
	link set lan up
	link set lan2 up
	link set c9 up
	route add 198.51.100.0/24 via 10.0.1.254
EOF
# host NS ADDR/LEN [BATCH_LINES]: eth0 with ADDR, up, then BATCH_LINES
host() {
	printf 'addr add %s dev eth0\nlink set eth0 up\n%s\n' "$2" "${3:-}" | ip -n "$1" -b -
}
host h2 10.0.2.2/24
host client 10.0.9.2/24 "route add default via 10.0.9.1"
host attacker 10.0.1.66/24
ROUTER="addr add 198.51.100.1/32 dev lo
route add 10.0.9.0/24 via 10.0.1.1"
host oldgw 10.0.1.254/24 "$ROUTER"
host backup 10.0.1.253/24 "$ROUTER"
# Both routers answer for 198.51.100.1: with the default arp_announce their
# ARP requests to gw (re-probing gw's entry) would say "tell 198.51.100.1"
# from two MACs, and gw judges a request that changes an entry (counted):
# make them ask from their address on the link.
for n in oldgw backup; do ns $n sysctl -qw net.ipv4.conf.all.arp_announce=2; done
ns gw sysctl -qw net.ipv4.ip_forward=1
for n in oldgw backup; do
	ns $n nft -f - <<-'NFT'
	table inet host {
		counter pings {}
		chain count {
			type filter hook input priority 0;
			icmp type echo-request ip daddr 198.51.100.1 counter name "pings"
		}
	}
	NFT
done
# gw's own ARP requests (broadcast) for 10.0.1.253 and 10.0.1.254 on the wire,
# counted once as they enter the bridge (forward would count each flood copy)
ns sw nft -f - <<-'NFT'
table bridge sw {
	counter probe253 {}
	counter probe254 {}
	counter answer254 {}
	counter answer80 {}
	chain count {
		type filter hook prerouting priority 0;
		iifname "p_gw" ether daddr ff:ff:ff:ff:ff:ff arp operation request arp saddr ip 10.0.1.1 arp daddr ip 10.0.1.253 counter name "probe253"
		iifname "p_gw" ether daddr ff:ff:ff:ff:ff:ff arp operation request arp saddr ip 10.0.1.1 arp daddr ip 10.0.1.254 counter name "probe254"
		iifname "p_gw" ether daddr 02:00:00:00:06:66 arp operation reply arp saddr ip 10.0.1.1 arp daddr ip 10.0.1.254 arp daddr ether 02:00:00:00:06:66 counter name "answer254"
		iifname "p_gw" ether daddr 02:00:00:00:06:66 arp operation reply arp saddr ip 10.0.1.1 arp daddr ip 10.0.1.80 arp daddr ether 02:00:00:00:06:66 counter name "answer80"
	}
}
NFT

# ---------------------------------------------------------------------------
# Helpers.  Under TCG every process costs (vgate ~0.5-1 s, jq ~0.4-0.8 s,
# python ~0.6-1.2 s): one show per checkpoint, one jq per question.
pings() { ns "$1" nft list counter inet host pings | awk '/packets/ { print $2 }'; }
probes() { ns sw nft list counter bridge sw "$1" | awk '/packets/ { print $2 }'; }
# sysset PATH VALUE: write VALUE to a sysfs file as a process of gw
sysset() { ns gw sh -c "echo $2 > $1" 2>/dev/null; }
# switch values read back from sysfs: the format is not part of the
# contract, so map yes/on/1 -> 1, no/off/0 -> 0
norm() { case "$1" in yes|on|1) echo 1 ;; no|off|0) echo 0 ;; *) echo "$1" ;; esac; }

arp() { vgate gw ip arp "$@"; }
SHOW=$VGATE_TMP/show.json
MARK=$VGATE_TMP/mark.json
# fetch: gw's show view into $SHOW; q JQ: JQ (jq -c) on it, where IF(name)
# is that interface's entry; gq JQ: both
fetch() { vgate gw -j ip arp show >"$SHOW"; }
q() { jq -c "def IF(\$n): .interfaces[] | select(.name == \$n); $1" "$SHOW"; }
gq() { fetch && q "$1"; }
# mark: the counters every later delta starts from
mark() { fetch && cp "$SHOW" "$MARK"; }
# pending_is N, without jq (polled while a verification runs)
pending_is() { fetch && [[ $(<"$SHOW") =~ \"pending\":\ *$1[^0-9] ]]; }

# shellcheck disable=SC2016 # jq variables
DELTA_JQ='
def outcomes: .accepted_new + .accepted_changed + .unchanged + .refused_policy +
	.refused_verify + .refused_offsubnet + .rate_limited + .coalesced;
def cnt($s; $nm): [$s.interfaces[]? | select(.name == $nm) | .counters];
($ign | split(" ")) as $ign |
[($i | split(" "))[] as $nm |
 cnt($a[0]; $nm) as $m | cnt($b[0]; $nm) as $n |
 if ($m | length) != 1 or ($n | length) != 1 then {done: true, s: "no interface \($nm)"}
 else $m[0] as $m | $n[0] as $n |
	{done: ($n.seen >= $m.seen + $want and $n.seen == ($n | outcomes) and
		$n.malformed >= $m.malformed + $malf),
	 s: ([["seen", "accepted_new", "accepted_changed", "unchanged", "refused_policy",
	       "refused_verify", "refused_offsubnet", "rate_limited", "coalesced",
	       "malformed", "probes_sent", "requests"][] as $k |
	      select($ign | index([$k]) | not) |
	      ($n[$k] - $m[$k]) as $d | select($d != 0) | "\($k)=\($d)"] |
	     if length == 0 then "none" else join(" ") end)}
 end] |
(if $b[0].pending == 0 and all(.[]; .done) then "= " else "~ " end) +
(map(.s) | join(" / "))'
# delta "IF..." N [IGNORE...]: once each IF has considered N more
# announcements since mark(), every one decided (seen = the sum of the
# outcomes, include/uapi/linux/vgate.h) and no verification runs (and, with
# MALF=M, M more malformed frames are counted): every counter that moved,
# "name=n ...", "none" if none did, IGNOREd ones left out; interfaces
# separated by " / ".  "not settled: ..." after 20 s.
delta() {
	local i=$1 want=$2 out="~ no show" end=$((SECONDS + 20))
	shift 2
	while :; do
		if fetch; then
			out=$(jq -rn --arg i "$i" --argjson want "$want" --argjson malf "${MALF:-0}" \
				--arg ign "$*" --slurpfile a "$MARK" --slurpfile b "$SHOW" "$DELTA_JQ") ||
				out="~ show unreadable"
		fi
		case $out in "= "*) echo "${out#= }"; return 0 ;; esac
		[ $SECONDS -lt $end ] || break
		sleep 0.1
	done
	echo "not settled: ${out#~ }"
}
# lladdr IP DEV: the MAC of gw's neighbour entry, empty if none
lladdr() {
	ip -n gw -4 neigh show "$1" dev "$2" |
		awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") { print $(i + 1); exit } }'
}
neigh() { ip -n gw -4 neigh show "$@"; }
# send NS IF [SPEC...]: tools/arpsend.py send in NS (-S: no site, starts
# faster; it needs nothing outside the standard library)
send() { local n=$1; shift; ns "$n" python3 -S "$ARPSEND" send "$@"; }
# announce NS -U|-A IF IP: one announcement of IP by arping
announce() { ns "$1" arping -q "$2" -c 1 -I "$3" "$4"; }

SENT_LAN=0 SENT_LAN2=0 MALFORMED_LAN=0
# where this test's kernel log starts (line numbers shift once it wraps)
KMARK="garp_policy: start $$.$(date +%s)"
echo "$KMARK" >/dev/kmsg

tap_plan 68

# ---------------------------------------------------------------------------
# Load, defaults, sysfs
if [ -d /sys/module/vgate_garp ]; then
	echo "# vgate_garp was loaded by someone else: reloading for the defaults"
	rmmod vgate_garp
fi
check "garp_policy: insmod vgate_garp.ko" insmod "$GARP_KO"
[ -d /sys/module/vgate_garp ] || { echo "Bail out! vgate_garp.ko not loaded"; exit 1; }
check "garp_policy: /sys/kernel/vgate/garp/{active,force_update,rate_limit,verify_timeout} and /sys/class/net/lan/vgate_garp/{active,force_update,rate_limit}" \
	ns gw sh -c 'cd /sys/kernel/vgate/garp && test -f active && test -f force_update &&
		test -f rate_limit && test -f verify_timeout &&
		cd /sys/class/net/lan/vgate_garp && test -f active && test -f force_update && test -f rate_limit'
mark
{ read -r G; read -r L; read -r I; } < <(q '{active, force_update, rate_limit, verify_timeout_ms, pending},
	(IF("lan") | {active, force_update, rate_limit, effective}),
	(.interfaces | sort_by(.name) | map("\(.name):\(.ifindex)") | join(" "))')
check_eq "garp_policy: show: defaults active no, forceUpdate off, rateLimit 10, verifyTimeout 500, nothing pending" \
	"$G" '{"active":"no","force_update":"off","rate_limit":10,"verify_timeout_ms":500,"pending":0}'
check_eq "garp_policy: show: lan inherits everything, in force: no/off/10" \
	"$L" '{"active":"inherit","force_update":"inherit","rate_limit":"inherit","effective":{"active":"no","force_update":"off","rate_limit":10}}'
check_eq "garp_policy: show: every Ethernet interface of gw, with its ifindex" "$I" \
	"\"$(ip -n gw -o link show | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2 ":" $1 }' |
		sort -t: -k1,1 | paste -sd' ')\""
# shellcheck disable=SC2046
set -- $(ns gw sh -c 'cd /sys/kernel/vgate/garp && cat active force_update rate_limit verify_timeout')
check_eq "garp_policy: sysfs reads the defaults (active, force_update, rate_limit, verify_timeout)" \
	"$(norm "${1:-}") $(norm "${2:-}") ${3:-} ${4:-}" "0 0 10 500"
ns gw sh -c 'cd /sys/kernel/vgate/garp && echo 200 > verify_timeout && echo 0 > rate_limit'
check_eq "garp_policy: sysfs verify_timeout 200, rate_limit 0 (unlimited) written in gw: gw's show has them" \
	"$(gq '[.verify_timeout_ms, .rate_limit]')" "[200,0]"
# shellcheck disable=SC2016 # expanded by that shell
check_eq "garp_policy: sysfs: another namespace (backup) keeps its defaults" \
	"$(ns backup sh -c 'cd /sys/kernel/vgate/garp && echo $(cat verify_timeout rate_limit)')" "500 10"

# ---------------------------------------------------------------------------
# Baseline: the client reaches 198.51.100.1 through oldgw
ok=$(ns client ping -c 2 -i 0.2 -W 2 198.51.100.1 >/dev/null && echo ok)
check_eq "garp_policy: baseline: client pings 198.51.100.1, the echo requests arrive at oldgw (2), not the backup" \
	"$ok $(pings oldgw) $(pings backup)" "ok 2 0"
check_eq "garp_policy: baseline: gw's entry for 10.0.1.254 is oldgw's MAC" "$(lladdr 10.0.1.254 lan)" $OLD_MAC
check_eq "garp_policy: baseline: normal ARP resolution (client<->gw, gw->oldgw) counts nothing (lan / lan2 / c9)" \
	"$(delta "lan lan2 c9" 0)" "none / none / none"

# ---------------------------------------------------------------------------
# active no (the default): nothing is taken, even with arp_accept=1
ns gw sysctl -qw net.ipv4.conf.lan.arp_accept=1
mark
# 10.0.1.254 spoofed three ways: gratuitous request and reply, and the
# classic poisoning, an unsolicited unicast reply to gw (stock Linux takes
# it once the entry is older than locktime)
send attacker eth0 spa=10.0.1.254,sha=$ATT_MAC spa=10.0.1.254,sha=$ATT_MAC,op=rep \
	spa=10.0.1.254,tpa=10.0.1.1,op=rep,sha=$ATT_MAC,dst=$GW_MAC,tha=$GW_MAC >/dev/null &
announce backup -U eth0 10.0.1.253 &
announce backup -A eth0 10.0.1.253 &
wait
SENT_LAN=$((SENT_LAN + 5))
check_eq "garp_policy: active no: 5 announcements (10.0.1.254 spoofed as gratuitous request, reply and unicast reply to gw; new 10.0.1.253 by arping -U and -A) all refused_policy" \
	"$(delta lan 5)" "seen=5 refused_policy=5"
check_eq "garp_policy: active no: 10.0.1.254 keeps oldgw's MAC" "$(lladdr 10.0.1.254 lan)" $OLD_MAC
check_eq "garp_policy: active no: no entry for the new 10.0.1.253 (stock Linux with arp_accept=1 would create one)" \
	"$(neigh 10.0.1.253)" ""

# ARP requests to gw: "who has 10.0.1.1? tell 10.0.1.254" from the attacker's
# MAC (stock Linux: neigh_event_ns() moves 10.0.1.254 to it at once), and
# one from 10.0.1.80, which has no entry (learnt as usual, not counted)
mark
a0=$(probes answer254) b0=$(probes answer80)
send attacker eth0 spa=10.0.1.254,tpa=10.0.1.1,sha=$ATT_MAC spa=10.0.1.80,tpa=10.0.1.1,sha=$ATT_MAC >/dev/null
SENT_LAN=$((SENT_LAN + 1))
check_eq "garp_policy: active no: a spoofed request (who has 10.0.1.1? tell 10.0.1.254, attacker's MAC) is refused_policy, counted as a request; the one from new 10.0.1.80 counts nothing" \
	"$(delta lan 1)" "seen=1 refused_policy=1 requests=1"
check_eq "garp_policy: active no: after the spoofed request 10.0.1.254 keeps oldgw's MAC" "$(lladdr 10.0.1.254 lan)" $OLD_MAC
check_eq "garp_policy: active no: a request from new 10.0.1.80 still creates its entry (the attacker's MAC)" \
	"$(lladdr 10.0.1.80 lan)" $ATT_MAC
check_eq "garp_policy: active no: gw answered both requests (10.0.1.1 is at gw's MAC, to the asker): 1 and 1" \
	"$(( $(probes answer254) - a0 )) $(( $(probes answer80) - b0 ))" "1 1"
ns gw sysctl -qw net.ipv4.conf.lan.arp_accept=0

# ---------------------------------------------------------------------------
# active yes, forceUpdate off: a new address after verification, no change
VT=6000
arp ackGratuitous active yes
arp ackGratuitous verifyTimeout $VT
check_eq "garp_policy: CLI active yes, verifyTimeout $VT: show has them, forceUpdate still off" \
	"$(gq '[.active, .force_update, .verify_timeout_ms]')" "[\"yes\",\"off\",$VT]"
mark
p0=$(probes probe253)
announce backup -A eth0 10.0.1.253 &
# Held: once its verification runs (pending 1), there is no entry, and the
# verification still ran after that look (pending still 1), so the look
# came before the decision.  No timing assumed; if the look took longer
# than verifyTimeout, nothing can be said.
if ! wait_for pending_is 1; then
	tap_fail "garp_policy: forceUpdate off: new 10.0.1.253 is held while it is verified"
	echo "# no verification was seen running (pending never 1)"
elif entry=$(lladdr 10.0.1.253 lan) && pending_is 1; then
	check_eq "garp_policy: forceUpdate off: new 10.0.1.253 is held while it is verified (no entry)" \
		"$entry" ""
else
	tap_skip "garp_policy: forceUpdate off: new 10.0.1.253 is held while it is verified" \
		"the verification was over before the neighbour table was read (slower than ${VT} ms)"
fi
wait
SENT_LAN=$((SENT_LAN + 1))
check_eq "garp_policy: forceUpdate off: new 10.0.1.253 verified (one probe, the backup confirmed) and accepted_new" \
	"$(delta lan 1)" "seen=1 accepted_new=1 probes_sent=1"
check_eq "garp_policy: forceUpdate off: gw's broadcast ARP request for 10.0.1.253 was on the wire once" \
	"$(( $(probes probe253) - p0 ))" 1
check_eq "garp_policy: forceUpdate off: 10.0.1.253 has the backup's MAC" "$(lladdr 10.0.1.253 lan)" $BAK_MAC
arp ackGratuitous verifyTimeout 200
mark
send attacker eth0 spa=10.0.1.254,sha=$ATT_MAC >/dev/null
SENT_LAN=$((SENT_LAN + 1))
check_eq "garp_policy: forceUpdate off: a different MAC for the existing 10.0.1.254 is refused_policy" \
	"$(delta lan 1)" "seen=1 refused_policy=1"
check_eq "garp_policy: forceUpdate off: 10.0.1.254 keeps oldgw's MAC" "$(lladdr 10.0.1.254 lan)" $OLD_MAC

# ---------------------------------------------------------------------------
# forceUpdate on: failover of 10.0.1.254 from oldgw to the backup
sysset /sys/kernel/vgate/garp/force_update on
check_eq "garp_policy: sysfs force_update on: show and lan's effective value say on, verifyTimeout 200" \
	"$(gq '[.force_update, (IF("lan") | .effective.force_update), .verify_timeout_ms]')" '["on","on",200]'
ip -n oldgw addr del 10.0.1.254/24 dev eth0
ip -n backup addr add 10.0.1.254/24 dev eth0
mark
p0=$(probes probe254)
announce backup -U eth0 10.0.1.254
SENT_LAN=$((SENT_LAN + 1))
check_eq "garp_policy: failover: the backup's announcement of 10.0.1.254 is verified and accepted_changed" \
	"$(delta lan 1)" "seen=1 accepted_changed=1 probes_sent=1"
check_eq "garp_policy: failover: gw's broadcast ARP request for 10.0.1.254 was on the wire once" \
	"$(( $(probes probe254) - p0 ))" 1
check_eq "garp_policy: failover: 10.0.1.254 has the backup's MAC" "$(lladdr 10.0.1.254 lan)" $BAK_MAC
check "garp_policy: failover: the change is logged (vgate_garp, lan, 10.0.1.254, old and new MAC)" \
	sh -c "dmesg | sed -n '\\|$KMARK|,\$p' | grep vgate_garp | grep -w lan | grep -F 10.0.1.254 |
		grep -iF $OLD_MAC | grep -iqF $BAK_MAC"
old0=$(pings oldgw) bak0=$(pings backup)
ok=$(ns client ping -c 3 -i 0.2 -W 2 198.51.100.1 >/dev/null && echo ok)
check_eq "garp_policy: failover: client's pings to 198.51.100.1 are answered and arrive at the backup (3), none at oldgw" \
	"$ok $(( $(pings backup) - bak0 )) $(( $(pings oldgw) - old0 ))" "ok 3 0"
mark
announce backup -A eth0 10.0.1.254
SENT_LAN=$((SENT_LAN + 1))
check_eq "garp_policy: failover: the backup announcing its MAC again is unchanged (probes not counted here)" \
	"$(delta lan 1 probes_sent)" "seen=1 unchanged=1"

# ---------------------------------------------------------------------------
# Attacks, forceUpdate on
mark
send attacker eth0 spa=10.0.1.254,sha=$ATT_MAC spa=10.0.1.77,sha=$ATT_MAC,n=2 \
	spa=10.0.1.253,tpa=10.0.1.1,op=rep,sha=$ATT_MAC,dst=$GW_MAC,tha=$GW_MAC \
	spa=10.0.1.78,sha=$ATT_MAC spa=10.0.1.78,sha=02:00:00:00:06:67 >/dev/null
SENT_LAN=$((SENT_LAN + 6))
check_eq "garp_policy: attack: gratuitous 10.0.1.254 and unicast reply 10.0.1.253 spoofed (owner contradicts), unused 10.0.1.77 twice (nobody answers; the repeat coalesced), unused 10.0.1.78 claimed by two MACs (both refused at once): 4 probes, 5 refused_verify" \
	"$(delta lan 6)" "seen=6 refused_verify=5 coalesced=1 probes_sent=4"
check_eq "garp_policy: attack: 10.0.1.254 and 10.0.1.253 keep the backup's MAC, 10.0.1.77 and 10.0.1.78 have none" \
	"$(lladdr 10.0.1.254 lan) $(lladdr 10.0.1.253 lan) /$(lladdr 10.0.1.77 lan)$(lladdr 10.0.1.78 lan)/" "$BAK_MAC $BAK_MAC //"
RESP=$VGATE_TMP/respond
rm -f "$RESP.ready"
# Not through ns(): $! must be python itself (ip netns exec execs it).
ip netns exec attacker python3 -S "$ARPSEND" respond eth0 --ip 10.0.1.254 --mac $ATT_MAC \
	--from 10.0.1.1 --count 1 --timeout 30 --ready "$RESP.ready" >"$RESP.out" &
resp=$!
for _ in $(seq 300); do [ -e "$RESP.ready" ] && break; sleep 0.1; done
mark
send attacker eth0 spa=10.0.1.254,sha=$ATT_MAC >/dev/null
SENT_LAN=$((SENT_LAN + 1))
d=$(delta lan 1)
wait $resp
check_eq "garp_policy: attack: the attacker also answered gw's probe for 10.0.1.254 with its MAC" \
	"$(cat "$RESP.out")" "answered=1"
check_eq "garp_policy: attack: confirmed by the attacker, contradicted by the owner: refused_verify" \
	"$d" "seen=1 refused_verify=1 probes_sent=1"
check_eq "garp_policy: attack: 10.0.1.254 still has the backup's MAC" "$(lladdr 10.0.1.254 lan)" $BAK_MAC

# Requests, forceUpdate on: verified like announcements
mark
a0=$(probes answer254) p0=$(probes probe254)
send attacker eth0 spa=10.0.1.254,tpa=10.0.1.1,sha=$ATT_MAC >/dev/null
SENT_LAN=$((SENT_LAN + 1))
check_eq "garp_policy: request, forceUpdate on: tell 10.0.1.254 from the attacker's MAC is probed, the owner contradicts: refused_verify" \
	"$(delta lan 1)" "seen=1 refused_verify=1 probes_sent=1 requests=1"
check_eq "garp_policy: request, forceUpdate on: 10.0.1.254 keeps the backup's MAC; gw answered the request and probed 10.0.1.254 once" \
	"$(lladdr 10.0.1.254 lan) $(( $(probes answer254) - a0 )) $(( $(probes probe254) - p0 ))" "$BAK_MAC 1 1"
NEW80=02:00:00:00:06:80
rm -f "$RESP.ready"
ip netns exec attacker python3 -S "$ARPSEND" respond eth0 --ip 10.0.1.80 --mac $NEW80 \
	--from 10.0.1.1 --count 1 --timeout 30 --ready "$RESP.ready" >"$RESP.out" &
resp=$!
for _ in $(seq 300); do [ -e "$RESP.ready" ] && break; sleep 0.1; done
mark
send attacker eth0 spa=10.0.1.80,tpa=10.0.1.1,sha=$NEW80 >/dev/null
SENT_LAN=$((SENT_LAN + 1))
d=$(delta lan 1)
wait $resp
check_eq "garp_policy: request, forceUpdate on: 10.0.1.80 asks from a new MAC and confirms it when probed: accepted_changed" \
	"$(cat "$RESP.out") $d" "answered=1 seen=1 accepted_changed=1 probes_sent=1 requests=1"
check_eq "garp_policy: request, forceUpdate on: 10.0.1.80 has the new MAC" "$(lladdr 10.0.1.80 lan)" $NEW80
check "garp_policy: request, forceUpdate on: the change is logged as a verified ARP request" \
	sh -c "dmesg | sed -n '\\|$KMARK|,\$p' | grep vgate_garp | grep -F 10.0.1.80 |
		grep -iF $NEW80 | grep -qF 'verified ARP request'"

# ---------------------------------------------------------------------------
# Off-subnet, own address, malformed frames
# Off-subnet, own address, off a static entry (forceUpdate still on)
ip -n gw neigh add 10.0.1.30 lladdr 02:00:00:00:00:30 dev lan nud permanent
mark
send attacker eth0 spa=203.0.113.9,sha=$ATT_MAC spa=10.0.1.1,sha=$ATT_MAC spa=10.0.1.30,sha=$ATT_MAC >/dev/null
SENT_LAN=$((SENT_LAN + 3))
check_eq "garp_policy: 203.0.113.9 on lan (10.0.1.0/24) is refused_offsubnet; gw's own 10.0.1.1 and the permanent 10.0.1.30 refused_policy" \
	"$(delta lan 3)" "seen=3 refused_policy=2 refused_offsubnet=1"
check_eq "garp_policy: no entry for 203.0.113.9 nor for gw's own 10.0.1.1; 10.0.1.30 keeps its static MAC" \
	"$(neigh 203.0.113.9)$(neigh 10.0.1.1)/$(lladdr 10.0.1.30 lan)" "/02:00:00:00:00:30"
mark
send attacker eth0 spa=10.0.1.90,len=8 spa=10.0.1.91,len=27 \
	spa=10.0.1.92,sha=01:00:5e:00:00:01 spa=10.0.1.93,sha=00:00:00:00:00:00 \
	spa=10.0.1.94,sha=ff:ff:ff:ff:ff:ff,op=rep >/dev/null
MALFORMED_LAN=$((MALFORMED_LAN + 5))
check_eq "garp_policy: malformed: 2 truncated (8 and 27 bytes of ARP), multicast, zero and broadcast sender MAC: malformed=5, nothing considered" \
	"$(MALF=5 delta lan 0)" "malformed=5"
check_eq "garp_policy: malformed: no entry for 10.0.1.90-94" "$(neigh to 10.0.1.88/29)" ""

# ---------------------------------------------------------------------------
# Per-interface override: global active no, lan2 active yes
L2SYS=/sys/class/net/lan2/vgate_garp
arp ackGratuitous active no
arp ackGratuitous interface lan2 active yes
check_eq "garp_policy: override: show: lan2 active yes (in force yes), lan inherits (in force no)" \
	"$(gq '[IF("lan", "lan2") | "\(.name) \(.active) \(.effective.active)"]')" \
	'["lan inherit no","lan2 yes yes"]'
ip -n backup addr add 10.0.1.252/24 dev eth0
mark
announce h2 -U eth0 10.0.2.2 &
announce backup -U eth0 10.0.1.252 &
wait
SENT_LAN=$((SENT_LAN + 1)) SENT_LAN2=$((SENT_LAN2 + 1))
check_eq "garp_policy: override: new 10.0.2.2 on lan2 (active yes) verified and accepted_new; new 10.0.1.252 on lan (inherits active no) refused_policy" \
	"$(delta "lan2 lan" 1)" "seen=1 accepted_new=1 probes_sent=1 / seen=1 refused_policy=1"
check_eq "garp_policy: override: 10.0.2.2 has h2's MAC, no entry for 10.0.1.252" \
	"$(lladdr 10.0.2.2 lan2) /$(neigh 10.0.1.252)/" "$H2_MAC //"
sysset $L2SYS/active inherit
check_eq "garp_policy: override: sysfs lan2 active inherit: show says inherit (in force no), the file reads inherit" \
	"$(gq 'IF("lan2") | [.active, .effective.active]') $(ns gw cat $L2SYS/active)" '["inherit","no"] inherit'
if sysset $L2SYS/active maybe; then r=accepted; else r=refused; fi
check_eq "garp_policy: override: sysfs lan2 active maybe is refused and changes nothing" \
	"$r $(gq 'IF("lan2") | .active')" 'refused "inherit"'
sysset $L2SYS/active yes
check_eq "garp_policy: override: sysfs lan2 active yes: show says yes, the file reads yes" \
	"$(gq 'IF("lan2") | [.active, .effective.active]') $(norm "$(ns gw cat $L2SYS/active)")" '["yes","yes"] 1'

# ---------------------------------------------------------------------------
# Rate limit: 2/s for lan (global), unlimited override on lan2
arp ackGratuitous active yes
arp ackGratuitous rateLimit 2
sysset $L2SYS/rate_limit 0
check_eq "garp_policy: rate: show: global 2, lan in force 2, lan2 override 0 (unlimited)" \
	"$(gq '[.rate_limit, (IF("lan", "lan2") | "\(.name) \(.rate_limit) \(.effective.rate_limit)")]')" \
	'[2,"lan inherit 2","lan2 0 0"]'
# Nothing announced on lan for over a second: its full allowance of 2.
sleep 1.1
mark
burst=$(send attacker eth0 spa=10.0.1.100,sha=$ATT_MAC,n=10,incr=1)
SENT_LAN=$((SENT_LAN + 10))
d=$(delta lan 10)
# At most 2 per second: a bucket of 2 that refills at 2/s admits 2 plus
# what refilled during the burst, 2 * T (T = first to last send), at most
# one more while T < 0.5 s.  The admitted ones are probed; nobody answers.
T=${burst#*elapsed_ms=}
upper=$(awk -v t="$T" 'BEGIN { x = 2 * t / 1000; c = int(x); if (c < x) c++; print 2 + c }')
lim=0
[[ $d =~ rate_limited=([0-9]+) ]] && lim=${BASH_REMATCH[1]}
adm=$((10 - lim))
echo "# rate: burst of 10 in $T ms, $adm admitted (allowed 2..$upper)"
check "garp_policy: rate: rateLimit 2, 10 announcements in $T ms: 2..$upper considered ($adm)" \
	test "$adm" -ge 2 -a "$adm" -le "$upper"
check_eq "garp_policy: rate: the rest rate_limited, the admitted ones probed and refused_verify" \
	"$d" "seen=10 refused_verify=$adm rate_limited=$lim probes_sent=$adm"
mark
send h2 eth0 spa=10.0.2.100,n=10,incr=1 >/dev/null
SENT_LAN2=$((SENT_LAN2 + 10))
check_eq "garp_policy: rate: lan2 (override 0, unlimited): all 10 probed and refused_verify, none rate_limited" \
	"$(delta lan2 10)" "seen=10 refused_verify=10 probes_sent=10"

# ---------------------------------------------------------------------------
# Normal ARP resolution under active no
arp ackGratuitous active no
arp ackGratuitous rateLimit 10
arp ackGratuitous interface lan2 active inherit
arp ackGratuitous interface lan2 rateLimit inherit
check_eq "garp_policy: CLI interface lan2 active/rateLimit inherit: show: inherit, in force no/10" \
	"$(gq 'IF("lan2") | [.active, .rate_limit, .effective.active, .effective.rate_limit]')" '["inherit","inherit","no",10]'
mark
pre=$(neigh 10.0.1.66)
ok=$(ns gw ping -c 1 -W 3 10.0.1.66 >/dev/null && echo ok)
check_eq "garp_policy: active no: gw resolves a fresh host (10.0.1.66, no entry before) and pings it" \
	"$pre/$ok $(lladdr 10.0.1.66 lan)" "/ok $ATT_MAC"
ok=$(ns h2 ping -c 1 -W 3 10.0.2.1 >/dev/null && echo ok)
check_eq "garp_policy: active no: h2 pings gw; solicited ARP counts nothing (lan / lan2)" \
	"$ok $(delta "lan lan2" 0)" "ok none / none"

# ---------------------------------------------------------------------------
# Totals and the invariant
fetch
check_eq "garp_policy: totals: seen on lan = announcements sent there, malformed = malformed sent, lan2 likewise, c9 nothing" \
	"$(q '[.interfaces[] | "\(.name) \(.counters.seen) \(.counters.malformed)"] | sort')" \
	"[\"c9 0 0\",\"lan $SENT_LAN $MALFORMED_LAN\",\"lan2 $SENT_LAN2 0\"]"
declare -A inv
# shellcheck disable=SC2016 # jq variables
while read -r n v; do inv[$n]=$v; done < <(q '.pending as $p | .interfaces[] | .counters as $c |
	($c.accepted_new + $c.accepted_changed + $c.unchanged + $c.refused_policy + $c.refused_verify +
	 $c.refused_offsubnet + $c.rate_limited + $c.coalesced) as $sum |
	"\(.name) " + (if $p == 0 and $c.seen == $sum then "holds" else "pending=\($p),seen=\($c.seen),sum=\($sum)" end)' |
	tr -d '"')
for n in c9 lan lan2; do
	check_eq "garp_policy: invariant on $n: seen = sum of the outcomes, nothing pending" "${inv[$n]:-missing}" holds
done

# ---------------------------------------------------------------------------
# Bad input
before=$(q '[.active, .force_update, .rate_limit, .verify_timeout_ms]')
out=$(arp ackGratuitous active maybe 2>&1); rc=$?
echo "# vgate ip arp ackGratuitous active maybe: rc $rc: $out"
check_eq "garp_policy: bad input: CLI active maybe fails, names \"maybe\", changes nothing" \
	"$([ $rc -ne 0 ] && echo failed) $(printf '%s' "$out" | grep -q maybe && echo named) $(gq .active)" \
	'failed named "no"'
if sysset /sys/kernel/vgate/garp/active maybe; then r=accepted; else r=refused; fi
check_eq "garp_policy: bad input: sysfs active maybe is refused and changes nothing" \
	"$r $(gq .active) $(norm "$(ns gw cat /sys/kernel/vgate/garp/active)")" 'refused "no" 0'
arp ackGratuitous rateLimit 10001 2>/dev/null; rc=$?
if sysset /sys/kernel/vgate/garp/rate_limit 10001; then r=accepted; else r=refused; fi
check_eq "garp_policy: bad input: rateLimit 10001 refused by the CLI and by sysfs, still 10" \
	"$([ $rc -ne 0 ] && echo failed) $r $(gq .rate_limit) $(ns gw cat /sys/kernel/vgate/garp/rate_limit)" \
	"failed refused 10 10"
n=0
arp ackGratuitous verifyTimeout 99 2>/dev/null && n=$((n + 1))
arp ackGratuitous verifyTimeout 10001 2>/dev/null && n=$((n + 1))
sysset /sys/kernel/vgate/garp/verify_timeout 99 && n=$((n + 1))
check_eq "garp_policy: bad input: verifyTimeout 99 and 10001 (CLI) and 99 (sysfs) refused, nothing changed" \
	"$n accepted, $(gq '[.active, .force_update, .rate_limit, .verify_timeout_ms]')" "0 accepted, $before"
check "garp_policy: bad input: CLI interface nosuch0 fails" \
	sh -c "! ip netns exec gw '$VGATE' ip arp ackGratuitous interface nosuch0 active yes"
tap_done
