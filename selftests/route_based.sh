#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# route_based: a virtual peer (Bintec "virtual interface: yes") owns the
# interface vgate0; traffic routed into it leaves as ESP through the peer's
# SA, ESP from the peer arrives on it.  The far end is the kernel's XFRM.
#
#   lanA ---- gwA (vgate, vgate0) ==== wire ==== gwB (XFRM) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1          192.0.2.2  10.2.0.1   10.2.0.2
#
#   gwA: peer gwB addr 192.0.2.2 virtual spiOut 0x3000 spiIn 0x3001,
#        ip route 10.2.0.0/24 dev vgate0 (no traffic list at all)
#   gwB: XFRM tunnel 10.2.0.0/24 <-> 10.1.0.0/24
#
# Proves: the device exists (kind vgate, in PEER_GET, documented MTU 1420,
# MTU settable), cannot be made or deleted with ip link, pings and TCP both
# ways through the route with only ESP of the two SPIs on the wire, device
# counters grow, PEER_SET keeps the device, IPv6 routed into it leaves as
# ESP too (6in4), packets without an SA are dropped and counted, PEER_DEL
# and rmmod remove the device.
# Configuration uses raw netlink (tools/vpeer.py), not the CLI.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"

require_cmd ip nft iperf3 ping python3
VP="python3 $REPO/selftests/tools/vpeer.py"
vp() { local n=$1; shift; ip netns exec "$n" $VP "$@"; }

# AES-GCM-128, SPIs 0x3000 (gwA to gwB) and 0x3001; keys from lib_tunnel.sh.
tunnel_set alg=aes128-gcm spi_ab=0x3000 spi_ba=0x3001

# link_stat NS DEV FIELD: e.g. tx.packets, rx.bytes, tx.dropped
link_stat() {
	ns "$1" ip -s -j link show "$2" | python3 -c '
import json, sys
s = json.load(sys.stdin)[0]["stats64"]
d, f = sys.argv[1].split(".")
print(s[d][f])' "$3"
}

link_kind() {
	ns "$1" ip -d -j link show "$2" | python3 -c '
import json, sys
print(json.load(sys.stdin)[0].get("linkinfo", {}).get("info_kind", "-"))'
}

# gwB: XFRM states and out, in, fwd policies (lib_tunnel.sh).
xfrm_setup() { tunnel_peer; }

vgate_setup() {
	vp gwA sa-add 0x3000 192.0.2.1 192.0.2.2 "${TUN[ek_ab]}" &&
	vp gwA sa-add 0x3001 192.0.2.2 192.0.2.1 "${TUN[ek_ba]}" &&
	vp gwA peer-add 1 gwB 192.0.2.2 0x3000 0x3001 "route-based XFRM gateway"
}

tap_plan 22

tunnel_topo
xfrm_setup || { tap_fail "route_based xfrm setup"; tap_done; }
if ! vgate_setup; then
	tap_fail "route_based vgate setup (raw netlink)"
	tap_done
fi

check_eq "route_based virtual peer got device vgate0 (kind vgate)" \
	"$(link_kind gwA vgate0)" vgate
ifindex=$(ns gwA cat /sys/class/net/vgate0/ifindex 2>/dev/null)
check_eq "route_based PEER_GET reports IFNAME vgate0 and its IFINDEX" \
	"$(vp gwA peer-get gwB)" "ifindex=${ifindex:-none} ifname=vgate0 virtual=1"
check_eq "route_based default MTU is 1420 (1500 minus worst-case ESP)" \
	"$(ns gwA cat /sys/class/net/vgate0/mtu)" 1420
check "route_based MTU settable within 68..65442, refused outside" sh -c "
	ip netns exec gwA ip link set vgate0 mtu 1400 &&
	[ \$(ip netns exec gwA cat /sys/class/net/vgate0/mtu) = 1400 ] &&
	! ip netns exec gwA ip link set vgate0 mtu 67 2>/dev/null &&
	! ip netns exec gwA ip link set vgate0 mtu 65443 2>/dev/null &&
	ip netns exec gwA ip link set vgate0 mtu 1420"
out=$(ns gwA ip link add vgate9 type vgate 2>&1)
check "route_based ip link add type vgate refused with a hint" \
	sh -c "! ip netns exec gwA ip link show vgate9 >/dev/null 2>&1 &&
	       echo '$out' | grep -q 'virtual yes'"
check "route_based ip link del vgate0 refused" \
	sh -c "! ip netns exec gwA ip link del vgate0 2>/dev/null &&
	       ip netns exec gwA ip link show vgate0 >/dev/null"
check "route_based address and route on vgate0" sh -c "
	ip netns exec gwA ip link set vgate0 up &&
	ip netns exec gwA ip addr add 10.255.0.1/32 dev vgate0 &&
	ip netns exec gwA ip route del 10.2.0.0/24 &&
	ip netns exec gwA ip route add 10.2.0.0/24 dev vgate0"

wire_counters "esp_to_b=iifname toA esp spi 0x3000" \
	"esp_from_b=iifname toB esp spi 0x3001" \
	"cleartext=ip protocol != esp"
tx0=$(link_stat gwA vgate0 tx.packets)
rx0=$(link_stat gwA vgate0 rx.packets)

check "route_based lanA pings lanB through vgate0" \
	ns lanA ping -c 3 -i 0.2 -W 2 10.2.0.2
check "route_based lanB pings lanA through vgate0" \
	ns lanB ping -c 3 -i 0.2 -W 2 10.1.0.2
check "route_based 1420-byte DF ping and 4000-byte fragmented ping cross" \
	sh -c "ip netns exec lanA ping -c 2 -W 2 -M do -s 1392 10.2.0.2 &&
	       ip netns exec lanA ping -c 2 -W 2 -s 4000 10.2.0.2"
check "route_based TCP 1 MB both ways (iperf3)" tcp_both_ways lanA 10.2.0.2 lanB

to_b=$(wire_count esp_to_b); from_b=$(wire_count esp_from_b)
clear=$(wire_count cleartext)
echo "# wire: ESP spi 0x3000 $to_b pkts, spi 0x3001 $from_b pkts, cleartext $clear"
check "route_based wire carries ESP 0x3000 and 0x3001, no cleartext" \
	sh -c "[ ${to_b:-0} -ge 500 ] && [ ${from_b:-0} -ge 500 ] &&
	       [ ${clear:-1} -eq 0 ]"
tx1=$(link_stat gwA vgate0 tx.packets)
rx1=$(link_stat gwA vgate0 rx.packets)
echo "# vgate0: tx $tx0 -> $tx1 packets, rx $rx0 -> $rx1 packets"
check "route_based vgate0 tx and rx counters grew" \
	sh -c "[ $tx1 -ge $((tx0 + 500)) ] && [ $rx1 -ge $((rx0 + 500)) ]"

check "route_based PEER_SET keeps device, ifindex, address, route" sh -c "
	ip netns exec gwA $VP peer-set 1 gwB 192.0.2.2 0x3000 0x3001 replaced &&
	[ \"\$(ip netns exec gwA $VP peer-get gwB)\" = \
	  'ifindex=$ifindex ifname=vgate0 virtual=1' ] &&
	ip netns exec gwA ip -4 addr show dev vgate0 | grep -q 10.255.0.1 &&
	ip netns exec gwA ip route show 10.2.0.0/24 | grep -q 'dev vgate0' &&
	ip netns exec lanA ping -c 2 -W 2 10.2.0.2"

# IPv6 routed into the device leaves as ESP through the same SA (6in4);
# the far end (XFRM with IPv4 policies only) does not answer.
ns gwA ip -6 addr add fd00:2::1/64 dev vgate0 nodad
d0=$(link_stat gwA vgate0 tx.dropped); w0=$(wire_count esp_to_b)
ns gwA ping -6 -c 2 -i 0.2 -W 1 fd00:2::2 >/dev/null 2>&1
d1=$(link_stat gwA vgate0 tx.dropped); w1=$(wire_count esp_to_b)
check "route_based IPv6 into vgate0 leaves as ESP 0x3000 (wire $w0 -> $w1, dropped $d0 -> $d1)" \
	test "$w1" -ge $((w0 + 2)) -a "$d1" -eq "$d0"

# No outbound SA: routed packets are dropped, counted by the device and as
# NO_SA, and nothing leaves on the wire.
vp gwA sa-del 0x3000 192.0.2.2
n0=$(vp gwA drops NO_SA); d0=$(link_stat gwA vgate0 tx.dropped)
w0=$(wire_count esp_to_b)
check "route_based without its SA the ping fails" \
	sh -c "! ip netns exec lanA ping -c 3 -i 0.2 -W 1 10.2.0.2"
n1=$(vp gwA drops NO_SA); d1=$(link_stat gwA vgate0 tx.dropped)
w1=$(wire_count esp_to_b)
echo "# no SA: NO_SA $n0 -> $n1, vgate0 tx_dropped $d0 -> $d1, wire $w0 -> $w1"
check "route_based without its SA: NO_SA and tx_dropped count, wire quiet" \
	sh -c "[ $n1 -ge $((n0 + 3)) ] && [ $d1 -ge $((d0 + 3)) ] &&
	       [ $w1 -eq $w0 ]"

check "route_based PEER_DEL removes vgate0" sh -c "
	ip netns exec gwA $VP peer-del gwB &&
	! ip netns exec gwA ip link show vgate0 2>/dev/null &&
	! ip netns exec gwA $VP peer-get gwB 2>/dev/null"
check "route_based a new virtual peer gets a device again" sh -c "
	ip netns exec gwA $VP peer-add 2 gwB2 192.0.2.2 0x3000 0x3001 &&
	ip netns exec gwA $VP peer-get gwB2 | grep -q 'ifname=vgate'"

# A dying namespace takes its virtual peers' devices along (pre_exit).
ns_add vpns
check "route_based delete a namespace that has a virtual peer" sh -c "
	ip netns exec vpns $VP peer-add 1 far 198.51.100.1 0x4000 0x4001 &&
	ip netns exec vpns ip link set vgate0 up &&
	ip netns exec vpns ip route add 10.9.0.0/24 dev vgate0 &&
	(ip netns exec vpns ping -q -c 50 -i 0.01 10.9.0.1 >/dev/null 2>&1 &
	 sleep 0.2; ip netns del vpns) && sleep 1"

# rmmod with a virtual peer configured and traffic into its device; the
# harness fails the run on any warning or leak.
if [ -f "${VGATE_KO:-}" ]; then
	dev=$(vp gwA peer-get gwB2 | sed 's/.*ifname=\([^ ]*\).*/\1/')
	ns gwA ip link set "$dev" up
	ns gwA ip route replace 10.2.0.0/24 dev "$dev"
	ns lanA ping -q -i 0.01 10.2.0.2 >/dev/null 2>&1 &
	sleep 0.5
	check "route_based rmmod with a virtual peer removes its device" \
		sh -c "rmmod vgate && ! ip netns exec gwA ip link show $dev 2>/dev/null"
	check "route_based insmod again" insmod "$VGATE_KO"
else
	tap_skip "route_based rmmod with a virtual peer" "VGATE_KO not set"
	tap_skip "route_based insmod again" "VGATE_KO not set"
fi
tap_done
