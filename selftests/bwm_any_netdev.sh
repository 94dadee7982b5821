#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bwm_any_netdev: the shaper works on any net device, with no tc: a veth
# (noqueue), a dummy device and vgate's route-based interface vgate0
# (noqueue, no L2 header), where "esp tunnel" makes a class's rate the
# rate of the ESP packets it becomes; the physical interface under it,
# shaped too, sends that ESP as "direct" and does not count it again.
#
#   lanA ---- gwA (vgate, vgate0) ==== wire ==== gwB (XFRM) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1          192.0.2.2  10.2.0.1   10.2.0.2
#   gwA: dummy0, route 10.77.0.0/24 -> dummy0; route 10.2.0.0/24 -> vgate0
#
#   veth:   gwA lan 10m, class 1 1m (udp dport 5201), iperf3 gwA -> lanA
#   dummy:  gwA dummy0 2m, class 1 500k (udp), a UDP sender to 10.77.0.2
#   vgate0: 2m esp tunnel, class 1 1m (udp dport 5201), iperf3 lanA -> lanB
#           through the tunnel; gwA wan shaped 10m at the same time
#
# Each class is backlogged (twice its rate offered through a blocking
# socket) and its rate from its counters over 8 s is within 2%.  Through
# vgate0 the iperf3 server receives 1m * 1000/1084 within 2% (a 1000-byte
# UDP payload is a 1028-byte IP packet, 1084 bytes as ESP with AES-GCM);
# wan's direct counter took those packets and its classes did not.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip jq iperf3 python3
[ -d /sys/module/vgate ] || skip_all "vgate.ko not loaded"
VP="python3 $REPO/selftests/tools/vpeer.py"
vp() { local n=$1; shift; ip netns exec "$n" $VP "$@"; }
K1=$(hexkey 20)
K2=$(hexkey 20)
bwm_load
bwm_sockbufs

tap_plan 8

topo_gw_pair gwA gwB
ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
	spi 0x3000 mode tunnel aead 'rfc4106(gcm(aes))' "$K1" 128
ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp \
	spi 0x3001 mode tunnel aead 'rfc4106(gcm(aes))' "$K2" 128
ns gwB ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel
ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir in \
	tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd \
	tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
vp gwA sa-add 0x3000 192.0.2.1 192.0.2.2 "$K1"
vp gwA sa-add 0x3001 192.0.2.2 192.0.2.1 "$K2"
vp gwA peer-add 1 gwB 192.0.2.2 0x3000 0x3001 "route-based"
ns gwA ip link set vgate0 up
ns gwA ip route replace 10.2.0.0/24 dev vgate0
ns gwA ip link add dummy0 type dummy
ns gwA ip link set dummy0 up
ns gwA ip route add 10.77.0.0/24 dev dummy0

# measure NS IF WHAT RATE: class 1 of IF backlogged, its rate over 8 s
measure() {
	local s1 s2 g
	if ! wait_for backlogged "$1" "$2" 1; then
		tap_rate_fail "$3: class 1 backlogged and within 2% of $4"
		return
	fi
	s1=$(bwm_snap "$1" "$2")
	sleep 8
	s2=$(bwm_snap "$1" "$2")
	g=$(bwm_rate "$s1" "$s2" 1)
	echo "# $3: class 1 at $g bit/s for $4 ($(err_pct "$g" "$4")%)"
	if [ "$(bwm_backlog "$s2" 1)" -gt 0 ] && within "$g" "$4" 2; then
		tap_ok "$3: class 1 backlogged and within 2% of $4"
	else
		tap_rate_fail "$3: class 1 backlogged and within 2% of $4"
	fi
}

# ---- veth ----
bm gwA interface lan enable bandwidth 10m
bm gwA class lan add 1 bandwidth 1m borrow off
bm gwA filter lan add 1 class 1 protocol udp dport 5201
ns lanA iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
srv=$!
wait_listen lanA 5201
ns gwA iperf3 -c 10.1.0.2 -p 5201 -u -l 1000 -b 2m -w 2M -t 30 >/dev/null 2>&1 &
cli=$!
measure gwA lan veth 1000000
kill $cli $srv 2>/dev/null
wait $cli $srv 2>/dev/null
bm gwA interface lan disable

# ---- dummy ----
bm gwA interface dummy0 enable bandwidth 2m
bm gwA class dummy0 add 1 bandwidth 500k borrow off
bm gwA filter dummy0 add 1 class 1 protocol udp
tx0=$(ns gwA cat /sys/class/net/dummy0/statistics/tx_packets)
ns gwA python3 -S -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 30
while time.time() < end:
    s.sendto(b"x" * 1000, ("10.77.0.2", 9))
' &
cli=$!
measure gwA dummy0 dummy 500000
p1=$(cls_stat gwA dummy0 1 packets)
kill $cli 2>/dev/null
wait $cli 2>/dev/null
tx1=$(ns gwA cat /sys/class/net/dummy0/statistics/tx_packets)
echo "# dummy0: class 1 sent $p1 packets, dummy0 tx_packets $tx0 -> $tx1"
check "dummy: what class 1 sent left through dummy0" \
	test $((tx1 - tx0)) -ge "$p1"
bm gwA interface dummy0 disable

# ---- vgate0, and wan under it ----
bm gwA interface vgate0 enable bandwidth 2m esp tunnel
bm gwA class vgate0 add 1 bandwidth 1m borrow off
bm gwA filter vgate0 add 1 class 1 protocol udp dport 5201
bm gwA interface wan enable bandwidth 10m
ns lanB iperf3 -s -1 -J -i 1 -p 5201 >"$VGATE_TMP/srv.json" 2>&1 &
srv=$!
wait_listen lanB 5201
ns lanA iperf3 -c 10.2.0.2 -p 5201 -u -l 1000 -b 2m -w 2M -t 30 >/dev/null 2>&1 &
cli=$!
d0=$(vgate gwA -j bm show interface wan | jq '.interfaces[0].stats.direct')
b0=$(vgate gwA -j bm show interface wan | jq '.interfaces[0].stats.bytes')
v0=$(cls_stat gwA vgate0 1 packets)
measure gwA vgate0 vgate0 1000000
wait $cli
wait $srv
g=$(iperf_rate "$VGATE_TMP/srv.json" 3)
want=$((1000000 * 1000 / 1084))
echo "# vgate0: iperf3 server received $g bit/s of UDP payload for $want ($(err_pct "${g:-0}" "$want")%)"
check_rate "vgate0: the ESP wire rate is the class rate (iperf3 within 2%)" \
	within "${g:-0}" "$want" 2
# vgate0's queue drains after the client ends (up to 1000 packets at
# 1 Mbit/s): read its count once nothing is left, then wan's once every
# packet of it has been encrypted and passed wan
drained() { [ "$(cls_stat gwA vgate0 1 backlog)" -eq 0 ]; }
wait_for drained || echo "# vgate0 class 1 still holds packets"
v1=$(cls_stat gwA vgate0 1 packets)
direct_ge() {
	[ $(($(vgate gwA -j bm show interface wan | jq '.interfaces[0].stats.direct') - d0)) -ge $((v1 - v0)) ]
}
wait_for direct_ge
d1=$(vgate gwA -j bm show interface wan | jq '.interfaces[0].stats.direct')
b1=$(vgate gwA -j bm show interface wan | jq '.interfaces[0].stats.bytes')
echo "# wan: direct $d0 -> $d1 packets, class bytes $b0 -> $b1; vgate0 class 1 $v0 -> $v1 packets"
check "wan sent vgate0's ESP directly" test $((d1 - d0)) -ge $((v1 - v0))
check "wan's classes did not count it again" test $((b1 - b0)) -lt 20000
check "vgate0 and wan disable" sh -c \
	"ip netns exec gwA $VGATE bm interface vgate0 disable &&
	 ip netns exec gwA $VGATE bm interface wan disable"

tap_done
