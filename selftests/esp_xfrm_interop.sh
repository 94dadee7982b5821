#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ESP interoperability between vgate and the kernel's own XFRM stack.
#
#   lanA ---- gwA (vgate) ==== wire ==== gwB (XFRM) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1    192.0.2.2  10.2.0.1   10.2.0.2
#
# For every algorithm, in tunnel mode (LAN to LAN through both gateways)
# and transport mode (gateway to gateway): ping and a TCP transfer in both
# directions succeed, and nftables counters on the wire (a bridge in its own
# namespace, see lib.sh) prove the packets on the link are ESP with the
# configured SPIs and that no cleartext crossed it.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"

require_cmd ip nft iperf3 ping
tunnel_topo
tunnel_vgate_peer descr "the XFRM gateway" || skip_all "cannot add the peer"
tunnel_set xfrm_state_args="replay-window 64"

# alg mode spi_ab spi_ba: the vgate side on gwA (SAs, rule; the peer is
# there already), then the XFRM side on gwB (lib_tunnel.sh).
configure() {
	tunnel_set alg="$1" mode="$2" spi_ab="$3" spi_ba="$4" &&
	tunnel_vgate_sas && tunnel_vgate_rule && tunnel_peer
}

unconfigure() {
	tunnel_vgate_down
	tunnel_peer_down
}

n=0
count=$(tunnel_alg_names | wc -l)
tap_plan $((count * 2))

for mode in tunnel transport; do
	while read -r name; do
		n=$((n + 1))
		spi_ab=$(printf '0x%x' $((0x1000 + n)))
		spi_ba=$(printf '0x%x' $((0x2000 + n)))
		t="esp_xfrm_interop $mode $name"
		unconfigure 2>/dev/null
		if ! configure "$name" "$mode" "$spi_ab" "$spi_ba"; then
			tap_fail "$t: configuration"
			continue
		fi
		wire_counters "esp_to_b=iifname toA esp spi $spi_ab" \
			"esp_from_b=iifname toB esp spi $spi_ba" \
			"cleartext=ip protocol != esp"
		if [ "$mode" = tunnel ]; then
			a=lanA; b=lanB; addr_a=10.1.0.2; addr_b=10.2.0.2
		else
			a=gwA; b=gwB; addr_a=192.0.2.1; addr_b=192.0.2.2
		fi
		err=""
		ns "$a" ping -c 3 -i 0.2 -W 2 "$addr_b" >/dev/null || err="$err ping-a-to-b"
		ns "$b" ping -c 3 -i 0.2 -W 2 "$addr_a" >/dev/null || err="$err ping-b-to-a"
		tcp_both_ways "$a" "$addr_b" "$b" || err="$err tcp-a-to-b"
		tcp_both_ways "$b" "$addr_a" "$a" || err="$err tcp-b-to-a"
		to_b=$(wire_count esp_to_b); from_b=$(wire_count esp_from_b)
		clear=$(wire_count cleartext)
		[ "${to_b:-0}" -ge 500 ] || err="$err esp-to-b=$to_b"
		[ "${from_b:-0}" -ge 500 ] || err="$err esp-from-b=$from_b"
		[ "$clear" -eq 0 ] || err="$err cleartext-on-wire=$clear"
		echo "# $t: ESP spi $spi_ab on wire $to_b pkts, spi $spi_ba $from_b pkts, cleartext $clear"
		interop_result "$t" "$err"
	done < <(tunnel_alg_names)
done
unconfigure 2>/dev/null
tap_done
