#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ESP over IPv6 and across families, between vgate and the kernel's XFRM.
#
#   lanA ------------ gwA (vgate) ==== wire (br0) ==== gwB (XFRM) ------------ lanB
#   10.1.0.2          10.1.0.1  192.0.2.1          192.0.2.2  10.2.0.1         10.2.0.2
#   fd00:1::2  fd00:1::1  fd00:ff::1  fd00:ff::2  fd00:2::1  fd00:2::2
#
# Cases: tunnel mode 6in6 (IPv6 LANs over IPv6), 4in6 (IPv4 LANs over
# IPv6), 6in4 (IPv6 LANs over IPv4), and transport mode over IPv6 (gwA to
# gwB).  For each: ping in both directions and a 512 KB TCP transfer each
# way (one connection from the A side, then reversed: -R) succeed,
# and nftables counters on the wire bridge prove that what crossed the link
# was ESP with the configured SPIs in the expected outer family (ether type
# ip or ip6), and that no cleartext did (no IPv4 other than ESP, no IPv6
# other than ESP and ICMPv6, no ICMPv6 echo).  Neighbour entries on the
# WAN are static, so no neighbour discovery crosses the wire either.  Then
# the counters of vgate agree: both SAs carried packets and nothing was
# dropped.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"

require_cmd ip nft iperf3 ping
tunnel_topo

topo_gw_pair_ipv6

# AES-GCM-128, one pair of keys for every case; XFRM states take any inner
# family.
tunnel_set alg=aes128-gcm xfrm_state_args="replay-window 64 flag af-unspec"

# name | mode | outer A | outer B | ether type | inner A net | inner B net | host A | host B
CASES="
6in6|tunnel|fd00:ff::1|fd00:ff::2|ip6|fd00:1::/64|fd00:2::/64|fd00:1::2|fd00:2::2
4in6|tunnel|fd00:ff::1|fd00:ff::2|ip6|10.1.0.0/24|10.2.0.0/24|10.1.0.2|10.2.0.2
6in4|tunnel|192.0.2.1|192.0.2.2|ip|fd00:1::/64|fd00:2::/64|fd00:1::2|fd00:2::2
transport6|transport|fd00:ff::1|fd00:ff::2|ip6|||fd00:ff::1|fd00:ff::2
"

configure() { # mode outerA outerB innerA innerB spi_ab spi_ba
	tunnel_set mode="$1" a_addr="$2" b_addr="$3" a_net="$4" b_net="$5" \
		spi_ab="$6" spi_ba="$7" &&
	tunnel_vgate && tunnel_peer
}

unconfigure() {
	tunnel_vgate_down
	vgate gwA ipsec peer flush
	tunnel_peer_down
}

sa_packets() { # SPI DST: packets through the SA in vgate's SAD
	vgate gwA -j ipsec show sad | jq -r --arg s "$(printf 0x%08x $(($1)))" \
		--arg d "$2" '.[] | select(.spi == $s and .dst == $d) | .stats.packets'
}

tap_plan 4
n=0
while IFS='|' read -r name mode oa ob etype ia ib ha hb; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	spi_ab=$(printf '0x%x' $((0x6100 + n)))
	spi_ba=$(printf '0x%x' $((0x6200 + n)))
	t="ipv6_xfrm_interop $name"
	unconfigure 2>/dev/null
	if ! configure "$mode" "$oa" "$ob" "$ia" "$ib" "$spi_ab" "$spi_ba"; then
		tap_fail "$t: configuration"
		continue
	fi
	other=ip; [ "$etype" = ip ] && other=ip6
	wire_counters "esp_to_b=iifname toA ether type $etype esp spi $spi_ab" \
		"esp_from_b=iifname toB ether type $etype esp spi $spi_ba" \
		"wrong_family=ether type $other meta l4proto esp" \
		"clear4=ether type ip ip protocol != esp" \
		"clear6=ether type ip6 meta l4proto != { esp, ipv6-icmp }" \
		"echo6=ether type ip6 icmpv6 type { echo-request, echo-reply }"
	if [ "$mode" = tunnel ]; then a=lanA; b=lanB; else a=gwA; b=gwB; fi
	drops0=$(global_stat gwA dropped)
	err=""
	ns "$a" ping -c 3 -i 0.2 -W 2 "$hb" >/dev/null || err="$err ping-a-to-b"
	ns "$b" ping -c 3 -i 0.2 -W 2 "$ha" >/dev/null || err="$err ping-b-to-a"
	tcp_both_ways "$a" "$hb" "$b" 512K || err="$err tcp"
	to_b=$(wire_count esp_to_b); from_b=$(wire_count esp_from_b)
	wrong=$(wire_count wrong_family)
	clear=$(( $(wire_count clear4) + $(wire_count clear6) + $(wire_count echo6) ))
	out=$(sa_packets "$spi_ab" "$ob"); in=$(sa_packets "$spi_ba" "$oa")
	[ "${to_b:-0}" -ge 250 ] || err="$err esp-to-b=$to_b"
	[ "${from_b:-0}" -ge 250 ] || err="$err esp-from-b=$from_b"
	[ "$wrong" -eq 0 ] || err="$err esp-in-other-family=$wrong"
	[ "$clear" -eq 0 ] || err="$err cleartext-on-wire=$clear"
	[ "${out:-0}" -ge 250 ] && [ "${in:-0}" -ge 250 ] || err="$err sa-packets=$out/$in"
	echo "# $t: ESP ($etype) spi $spi_ab $to_b pkts, spi $spi_ba $from_b pkts; SA out $out in $in; other family $wrong, cleartext $clear; drops $drops0 -> $(global_stat gwA dropped)"
	echo "# $t: drops on gwA: $(vgate gwA -j ipsec show global | jq -c '.drops | with_entries(select(.value > 0))')"
	interop_result "$t" "$err"
done <<< "$CASES"
unconfigure 2>/dev/null
tap_done
