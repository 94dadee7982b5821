#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU through a vgate tunnel (AES-GCM-128, IPv4 outer, IPv4 and IPv6
# inner), with the kernel's XFRM as the other gateway and a router between
# them whose path towards gwB is narrower than the links:
#
#   lanA ---- gwA (vgate) ---- rtr ------------------ gwB (XFRM) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1  .254 | 198.51.100.254   198.51.100.2  10.2.0.1  10.2.0.2
#   fd00:1::2                       route to gwB: mtu 1400             fd00:2::2
#
# Every link is 1500 bytes.  ESP overhead here: 20 (outer IPv4) + 8 (ESP)
# + 8 (IV) + 16 (ICV) + 2 (trailer), 4-byte blocks, so the largest inner
# packet for a 1500-byte MTU is 1446 and for 1400 it is 1346.
#
# propagatePmtu off (the default): the interface MTU (1500) bounds the
# packet: a 1446-byte DF IPv4 packet and a 1446-byte IPv6 packet pass (the
# outer packet goes without DF and rtr fragments it); 1447 bytes get ICMP
# "fragmentation needed" / ICMPv6 "packet too big" with exactly 1446, seen
# as the learnt path MTU on lanA.  propagatePmtu on: the outer packet
# carries DF, rtr answers "fragmentation needed 1400", gwA records it
# (pmtu_learnt, route to gwB mtu 1400), and the next 1446-byte packets of
# both families get ICMP errors with exactly 1346; 1346 bytes pass.  The
# mtu drop counter counts every refused packet.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"

require_cmd ip ping jq
ns_add lanA gwA rtr gwB lanB
veth_link lanA lan 10.1.0.2/24 gwA lan 10.1.0.1/24
veth_link gwA wan 192.0.2.1/24 rtr r1 192.0.2.254/24
veth_link rtr r2 198.51.100.254/24 gwB wan 198.51.100.2/24
veth_link gwB lan 10.2.0.1/24 lanB lan 10.2.0.2/24
ns lanA ip -6 addr add fd00:1::2/64 dev lan nodad
ns gwA ip -6 addr add fd00:1::1/64 dev lan nodad
ns gwB ip -6 addr add fd00:2::1/64 dev lan nodad
ns lanB ip -6 addr add fd00:2::2/64 dev lan nodad
ns lanA ip route add default via 10.1.0.1
ns lanA ip -6 route add default via fd00:1::1
ns lanB ip route add default via 10.2.0.1
ns lanB ip -6 route add default via fd00:2::1
ns gwA ip route add default via 192.0.2.254
ns gwB ip route add default via 198.51.100.254
# IPv6 only crosses inside the tunnel: any route out takes it to the hook.
ns gwA ip -6 route add fd00:2::/64 dev wan
ns gwB ip -6 route add fd00:1::/64 dev wan
ns rtr ip route replace 198.51.100.0/24 dev r2 mtu lock 1400
for n in gwA rtr gwB; do
	ns $n sysctl -qw net.ipv4.ip_forward=1
	ns $n sysctl -qw net.ipv6.conf.all.forwarding=1
	ns $n sysctl -qw net.ipv4.icmp_ratelimit=0
	ns $n sysctl -qw net.ipv6.icmp.ratelimit=0
done

# One pair of SAs carries both families (af-unspec on the XFRM side);
# gwB's WAN address is beyond rtr.
tunnel_set alg=aes128-gcm b_addr=198.51.100.2 spi_ab=0x5001 spi_ba=0x5002 \
	xfrm_state_args="flag af-unspec"
setup() {
	tunnel_vgate_sas &&
	tunnel_vgate_peer &&
	tunnel_vgate_rule 10 10.1.0.0/24 10.2.0.0/24 &&
	tunnel_vgate_rule 11 fd00:1::/64 fd00:2::/64 &&
	tunnel_xfrm_states &&
	tunnel_xfrm_policies 10.1.0.0/24 10.2.0.0/24 &&
	tunnel_xfrm_policies fd00:1::/64 fd00:2::/64
}

# The path MTU lanA has learnt towards ADDR (empty if none).
learnt() { ns lanA ip route get "$1" | grep -o 'mtu [0-9]*' | cut -d' ' -f2; }
# ping from lanA with a packet of exactly SIZE bytes on the wire (DF).
ping4() { ns lanA ping -c 1 -W 2 -M do -s $(($1 - 28)) 10.2.0.2 >/dev/null 2>&1; }
ping6() { ns lanA ping -c 1 -W 2 -M do -s $(($1 - 48)) fd00:2::2 >/dev/null 2>&1; }
mtu_drops() { drop_count gwA mtu; }

tap_plan 12
setup || { tap_fail "pmtu setup"; tap_done; }
ns lanA ping -c 1 -W 5 10.2.0.2 >/dev/null 2>&1	# neighbours, routes
ns lanA ping -c 1 -W 5 fd00:2::2 >/dev/null 2>&1
check_eq "pmtu peer shows propagatePmtu off by default" \
	"$(vgate gwA -j ipsec show peer | jq -r '.[0].propagate_pmtu')" false
d0=$(mtu_drops)

# propagatePmtu off: the interface MTU.
check "pmtu off: a 1446-byte DF IPv4 packet passes (outer fragmented on the path)" ping4 1446
check "pmtu off: a 1446-byte IPv6 packet passes" ping6 1446
ping4 1447
check_eq "pmtu off: a 1447-byte DF IPv4 packet gets frag-needed with mtu 1446" \
	"$(learnt 10.2.0.2)" 1446
ping6 1447
check_eq "pmtu off: a 1447-byte IPv6 packet gets packet-too-big with mtu 1446" \
	"$(learnt fd00:2::2)" 1446
check_eq "pmtu off: both counted as mtu drops" "$(($(mtu_drops) - d0))" 2

# propagatePmtu on: the path MTU beyond rtr is learnt and reflected.
vgate gwA ipsec peer set gwB addr 198.51.100.2 propagatePmtu on
l0=$(global_stat gwA pmtu_learnt)
ping4 1446	# outer 1500 with DF: rtr answers frag-needed 1400
check_eq "pmtu on: gwA learns the path MTU 1400 towards gwB from rtr's ICMP" \
	"$(ns gwA ip route get 198.51.100.2 | grep -o 'mtu [0-9]*')/$(($(global_stat gwA pmtu_learnt) - l0))" \
	"mtu 1400/1"
ping4 1446
check_eq "pmtu on: the next 1446-byte DF IPv4 packet gets frag-needed with mtu 1346" \
	"$(learnt 10.2.0.2)" 1346
check "pmtu on: a 1346-byte DF IPv4 packet passes" ping4 1346
ping6 1446
check_eq "pmtu on: a 1446-byte IPv6 packet gets packet-too-big with mtu 1346" \
	"$(learnt fd00:2::2)" 1346
check "pmtu on: a 1346-byte IPv6 packet passes" ping6 1346
check_eq "pmtu on: mtu drops count the two refused packets" \
	"$(($(mtu_drops) - d0))" 4
echo "# gwA: $(vgate gwA ipsec show global | grep -E 'mtu|learnt|dropped' | tr -s ' ' | tr '\n' ';')"
tap_done
