#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# overlap_skip: Appendix 4 (swSkipOverlapIp) in test ranges.  A protect
# entry with local 10.1.1.1-10.1.2.254 and remote 10.1.2.240-10.1.2.254:
# 10.1.2.250 lies in both.  It exists twice: "clear", directly attached to
# gwA, and "far", behind the tunnel (a decoy on gwB's LAN), so where a
# datagram arrives shows which way gwA sent it.
#
#   lanA 10.1.1.33 --lan-- gwA (vgate) ==== wire ==== gwB (XFRM) --lan-- lanB
#                  10.1.1.1    |  192.0.2.1        192.0.2.2  10.1.2.1   "far"
#                              | dmz 10.1.2.1                         10.1.2.250
#                          clear 10.1.2.250
#
#   off: 10.1.1.33 -> 10.1.2.250 is tunnelled (ESP SPI 0x1001 on the wire,
#        gwB decrypts it to "far"; "clear" gets nothing); cleartext from
#        "clear" to 10.1.1.33 is dropped (policy: it should have been ESP)
#   on:  routed in the clear to "clear", no ESP, counted as overlap skipped;
#        the reverse direction passes too
#   on, local any: the setting does not apply, tunnelled again
# Plus /sys/kernel/vgate/swskip_overlap: same setting, per namespace,
# takes on/off/0/1 and refuses 2.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"

require_cmd ip nft jq python3
topo_gw_pair gwA gwB
for n in lanA gwA gwB lanB; do
	ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ns_add clear
veth_link clear eth0 10.1.2.250/24 gwA dmz 10.1.2.1/24
ns clear ip route add default via 10.1.2.1
ns lanA ip addr add 10.1.1.33/24 dev lan
ns gwA ip addr add 10.1.1.1/24 dev lan
ns lanB ip addr add 10.1.2.250/24 dev lan
ns gwB ip addr add 10.1.2.1/24 dev lan
ns gwB ip route add 10.1.1.0/24 via 192.0.2.1

tap_plan 27

# AES-GCM-128, SPIs 0x1001 out and 0x2001 in (lib_tunnel.sh).
tunnel_set alg=aes128-gcm spi_ab=0x1001 spi_ba=0x2001
RULE="local 10.1.1.1-10.1.2.254 remote 10.1.2.240-10.1.2.254 action protect spiOut 0x1001 spiIn 0x2001"
setup() {
	tunnel_vgate_sas &&
	tunnel_vgate_peer &&
	# shellcheck disable=SC2086
	vgate gwA ipsec rule add 10 peer gwB descr "Appendix 4" $RULE &&
	tunnel_xfrm_states &&
	ns gwB ip xfrm policy add src 10.1.1.0/24 dst 10.1.2.240/28 dir fwd \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
}
check "overlap_skip: SAs, peer, protect entry 10 (local 10.1.1.1-10.1.2.254, remote 10.1.2.240-10.1.2.254), XFRM on gwB" setup

explain() {
	vgate gwA -j ipsec explain 10.1.1.33 10.1.2.250 proto udp sport 41000 dport 7000 |
		jq -r '"\(.action) \(.reason) \(.rule_id // "-")"'
}

# phase NAME: 10 datagrams lanA -> 10.1.2.250, and (REVERSE=1) 10 from
# "clear" -> 10.1.1.33; leaves FAR CLEAR BACK (received), ESP (on the wire),
# SKIPPED (overlap_skipped delta), POLICY (policy drops delta)
phase() {
	local t=$1 s0 p0
	wire_counters "n_esp=iifname toA esp spi 0x1001" "n_clear=udp dport 7000"
	s0=$(global_stat gwA overlap_skipped); p0=$(drop_count gwA policy)
	udp_recv_start lanB 7000 "$VGATE_TMP/far.json" || echo "# far receiver did not start"
	udp_recv_start clear 7000 "$VGATE_TMP/clear.json" || echo "# clear receiver did not start"
	udp_recv_start lanA 7001 "$VGATE_TMP/back.json" || echo "# lanA receiver did not start"
	ns lanA python3 "$UDPPROBE" send "$t" 10.1.1.33 41000 10.1.2.250 7000 10
	[ "${REVERSE:-0}" = 1 ] &&
		ns clear python3 "$UDPPROBE" send "$t-back" 10.1.2.250 41001 10.1.1.33 7001 10
	sleep 2
	udp_recv_stop "$VGATE_TMP/far.json"; udp_recv_stop "$VGATE_TMP/clear.json"
	udp_recv_stop "$VGATE_TMP/back.json"
	FAR=$(udp_received "$VGATE_TMP/far.json" "$t")
	CLEAR=$(udp_received "$VGATE_TMP/clear.json" "$t")
	BACK=$(udp_received "$VGATE_TMP/back.json" "$t-back")
	ESP=$(wire_count n_esp); WIRE_CLEAR=$(wire_count n_clear)
	SKIPPED=$(( $(global_stat gwA overlap_skipped) - s0 ))
	POLICY=$(( $(drop_count gwA policy) - p0 ))
	echo "# $t: far $FAR clear $CLEAR back $BACK; wire: esp $ESP cleartext $WIRE_CLEAR; overlap_skipped +$SKIPPED, policy drops +$POLICY"
}

# --- off (the default): tunnelled
check_eq "overlap_skip: off: explain says protect by entry 10" "$(explain)" "protect peer_entry 10"
REVERSE=1 phase off
check_eq "overlap_skip: off: 10.1.1.33 -> 10.1.2.250 arrives through the tunnel (far)" "$FAR" 10
check_eq "overlap_skip: off: nothing reaches the directly attached 10.1.2.250" "$CLEAR" 0
if [ "${ESP:-0}" -ge 10 ] && [ "${WIRE_CLEAR:-1}" -eq 0 ]; then
	tap_ok "overlap_skip: off: ESP SPI 0x1001 on the wire, no cleartext"
else
	tap_fail "overlap_skip: off: ESP SPI 0x1001 on the wire, no cleartext (esp $ESP cleartext $WIRE_CLEAR)"
fi
check_eq "overlap_skip: off: no overlap skip counted" "$SKIPPED" 0
check_eq "overlap_skip: off: cleartext 10.1.2.250 -> 10.1.1.33 dropped as policy" "$BACK $POLICY" "0 10"

# --- on: routed in the clear
check "overlap_skip: ipsec swSkipOverlapIp on" vgate gwA ipsec swSkipOverlapIp on
check_eq "overlap_skip: sysfs reads the CLI's setting" \
	"$(ns gwA cat /sys/kernel/vgate/swskip_overlap)" 1
check_eq "overlap_skip: on: explain says overlap skip of entry 10" "$(explain)" "pass overlap_skip 10"
REVERSE=1 phase on
check_eq "overlap_skip: on: nothing goes through the tunnel" "$FAR" 0
check_eq "overlap_skip: on: the directly attached 10.1.2.250 receives it" "$CLEAR" 10
check_eq "overlap_skip: on: no ESP on the wire" "$ESP" 0
check_eq "overlap_skip: on: show global counts it as overlap skipped (10 out + 10 back)" "$SKIPPED" 20
check_eq "overlap_skip: on: 10.1.2.250 -> 10.1.1.33 passes in the clear" "$BACK $POLICY" "10 0"

# --- on, but local any: the setting does not apply
# shellcheck disable=SC2086
check "overlap_skip: entry 10 changed to local any" \
	vgate gwA ipsec rule set 10 peer gwB descr "local any" ${RULE/local 10.1.1.1-10.1.2.254/local any}
check_eq "overlap_skip: on, local any: explain says protect by entry 10" "$(explain)" "protect peer_entry 10"
phase local-any
check_eq "overlap_skip: on, local any: arrives through the tunnel (far)" "$FAR" 10
check_eq "overlap_skip: on, local any: nothing reaches the directly attached host" "$CLEAR" 0
check "overlap_skip: on, local any: ESP SPI 0x1001 on the wire" test "${ESP:-0}" -ge 10
check_eq "overlap_skip: on, local any: no overlap skip counted" "$SKIPPED" 0

# --- /sys/kernel/vgate/swskip_overlap
SYS=/sys/kernel/vgate/swskip_overlap
sys_set() { ns gwA sh -c "echo $1 > $SYS" 2>/dev/null; }
knob() { echo "$(ns gwA cat $SYS) $(vgate gwA ipsec swSkipOverlapIp)"; }
sys_set off
sys_set on; check_eq "overlap_skip: sysfs: write on" "$(knob)" "1 on"
sys_set off; check_eq "overlap_skip: sysfs: write off" "$(knob)" "0 off"
sys_set 1; check_eq "overlap_skip: sysfs: write 1" "$(knob)" "1 on"
sys_set 0; check_eq "overlap_skip: sysfs: write 0" "$(knob)" "0 off"
sys_set 1
if sys_set 2; then r=accepted; else r=refused; fi
check_eq "overlap_skip: sysfs: write 2 refused, setting unchanged" "$r $(knob)" "refused 1 on"
check_eq "overlap_skip: sysfs: gwB's namespace keeps its own setting" \
	"$(ns gwB cat $SYS)" 0
tap_done
