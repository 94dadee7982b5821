#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peer_fail_closed: what a PROTECT entry covers never crosses the wire in
# the clear.  With its peer admin down the entry is skipped, but the
# packet may then only be taken by another peer's entry (a backup peer) or
# a DROP rule; a POST pass rule or the post default does not pass it: it is
# dropped and counted as peer-down, outbound and inbound.  A PRE pass rule
# is the explicit exception.  An entry whose SA was deleted drops as no-sa.
#
#   lanA ------- gwA (vgate) ==== wire (br0) ==== gwB (no IPsec) ---- lanB
#   10.1.0.2     10.1.0.1 192.0.2.1               192.0.2.2 10.2.0.1  10.2.0.2
#                                 "backup" 192.0.2.3 (a static neighbour of
#                                  gwA: its ESP crosses the bridge, flooded)
#
# nftables counters on the bridge see every packet that crosses the wire:
# cleartext between the LANs, and ESP by SPI.

. "$(dirname "$0")/lib.sh"
require_cmd ip nft python3 jq

K1=$(hexkey 20)
K2=$(hexkey 20)

topo_gw_pair gwA gwB
ns gwA ip neigh replace 192.0.2.3 lladdr 02:00:00:00:00:03 dev wan nud permanent
ns gwA ip route replace 10.2.0.0/24 via 192.0.2.2

vgate gwA ipsec sa add 0x1000 src 192.0.2.1 dst 192.0.2.2 mode tunnel \
	enc aes128-gcm encKey "$K1" &&
vgate gwA ipsec sa add 0x2000 src 192.0.2.2 dst 192.0.2.1 mode tunnel \
	enc aes128-gcm encKey "$K2" &&
vgate gwA ipsec sa add 0x1100 src 192.0.2.1 dst 192.0.2.3 mode tunnel \
	enc aes128-gcm encKey "$K1" &&
vgate gwA ipsec sa add 0x2100 src 192.0.2.3 dst 192.0.2.1 mode tunnel \
	enc aes128-gcm encKey "$K2" &&
vgate gwA ipsec peer add gwB id 1 addr 192.0.2.2 &&
vgate gwA ipsec peer add backup id 2 addr 192.0.2.3 &&
vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 remote 10.2.0.0/24 \
	action protect spiOut 0x1000 spiIn 0x2000 ||
	skip_all "cannot configure vgate"

wire_counters "clear=ip saddr 10.1.0.0/24 ip daddr 10.2.0.0/24" \
	"clear_in=ip saddr 10.2.0.0/24 ip daddr 10.1.0.0/24" \
	"esp_gwb=esp spi 0x1000" "esp_backup=esp spi 0x1100"

# lanB listens too, so that no ICMP port unreachable comes back
udp_recv_start lanA 7001 "$VGATE_TMP/recv" &&
udp_recv_start lanB 7000 "$VGATE_TMP/recvB" || skip_all "no UDP listener"

tap_plan 11

# counters: the wire's and gwA's: clear esp_gwb esp_backup peer_down no_sa
counters() {
	echo "$(wire_count clear) $(wire_count esp_gwb) $(wire_count esp_backup)" \
		"$(drop_count gwA peer_down) $(drop_count gwA no_sa)"
}

# probe N: 5 UDP datagrams lanA -> lanB (tag outN), then the counters,
# once each datagram ended somewhere they count (up to 10 s)
probe() {
	local sum0 i
	sum0=$(($(counters | tr ' ' +)))
	ns lanA python3 "$UDPPROBE" send "out$1" 10.1.0.2 41000 10.2.0.2 7000 5 >/dev/null
	for i in $(seq 100); do
		[ $(($(counters | tr ' ' +))) -ge $((sum0 + 5)) ] && break
		sleep 0.1
	done
	counters
}

# delta BEFORE AFTER: AFTER - BEFORE, field by field
delta() {
	local -a b=($1) a=($2)
	local i out=""
	for i in "${!a[@]}"; do
		out="$out $((a[i] - b[i]))"
	done
	echo "${out# }"
}

c0=$(probe 0)
c1=$(probe 1)
check_eq "peer_fail_closed peer up: 5 probes as ESP to gwB, none in the clear" \
	"$(delta "$c0" "$c1")" "0 5 0 0 0"

vgate gwA ipsec peer set gwB addr 192.0.2.2 admin down || echo "# peer set failed"
c2=$(probe 2)
check_eq "peer_fail_closed peer admin down: no ESP, nothing in the clear, 5 peer-down drops" \
	"$(delta "$c1" "$c2")" "0 0 0 5 0"

vgate gwA ipsec rule add 100 post local any remote any action pass &&
vgate gwA ipsec postDefault pass || echo "# post rule failed"
c3=$(probe 3)
check_eq "peer_fail_closed a POST pass rule and postDefault pass do not pass it either" \
	"$(delta "$c2" "$c3")" "0 0 0 5 0"

ex=$(vgate gwA -j ipsec explain 10.1.0.2 10.2.0.2 proto udp dport 7000 out)
check_eq "peer_fail_closed explain: drop, reason peer_down, entry 10 of gwB" \
	"$(echo "$ex" | jq -r '"\(.action) \(.reason) \(.rule_id) \(.peer)"')" \
	"drop peer_down 10 gwB"

# inbound: gwB (no IPsec) forwards lanB's datagrams to gwA in the clear
d0=$(drop_count gwA peer_down)
ns lanB python3 "$UDPPROBE" send in 10.2.0.2 41001 10.1.0.2 7001 5 >/dev/null
sleep 0.5
udp_recv_stop "$VGATE_TMP/recv" || echo "# listener did not stop"
check_eq "peer_fail_closed inbound cleartext for a down peer's entry: on the wire 5, to lanA 0, peer-down 5" \
	"$(wire_count clear_in) $(udp_received "$VGATE_TMP/recv" in) $(($(drop_count gwA peer_down) - d0))" \
	"5 0 5"

c3=$(counters)
vgate gwA ipsec rule add 20 peer backup local 10.1.0.0/24 remote 10.2.0.0/24 \
	action protect spiOut 0x1100 spiIn 0x2100 || echo "# backup entry failed"
c4=$(probe 4)
check_eq "peer_fail_closed a backup peer's later entry takes it: ESP to backup" \
	"$(delta "$c3" "$c4")" "0 0 5 0 0"

vgate gwA ipsec rule del 20
vgate gwA ipsec rule add 5 pre local 10.1.0.0/24 remote 10.2.0.0/24 \
	proto udp action pass || echo "# pre rule failed"
c5=$(probe 5)
check_eq "peer_fail_closed a PRE pass rule still passes it in the clear (explicit)" \
	"$(delta "$c4" "$c5")" "5 0 0 0 0"

vgate gwA ipsec rule del 5
vgate gwA ipsec peer set gwB addr 192.0.2.2 admin up
c6=$(probe 6)
check_eq "peer_fail_closed peer up again: ESP to gwB" \
	"$(delta "$c5" "$c6")" "0 5 0 0 0"

vgate gwA ipsec sa del 0x1000 dst 192.0.2.2
c7=$(probe 7)
check_eq "peer_fail_closed the entry's SA deleted: nothing on the wire, 5 no-sa drops" \
	"$(delta "$c6" "$c7")" "0 0 0 0 5"

vgate gwA ipsec peer set gwB addr 192.0.2.2 admin down
vgate gwA ipsec postDefault drop
c8=$(probe 8)
check_eq "peer_fail_closed postDefault drop: still counted as peer-down" \
	"$(delta "$c7" "$c8")" "0 0 0 5 0"

# lanB got exactly what crossed the wire in the clear: the PRE pass case
udp_recv_stop "$VGATE_TMP/recvB" || echo "# lanB's listener did not stop"
got=""
for t in $(seq 0 8); do
	got="$got $(udp_received "$VGATE_TMP/recvB" out$t)"
done
check_eq "peer_fail_closed lanB received only the 5 probes a PRE rule passed" \
	"${got# }" "0 0 0 0 0 5 0 0 0"
tap_done
