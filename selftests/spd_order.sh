#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# spd_order: the Bintec evaluation order and the match fields of vgate's
# policy, proved with "ipsec explain" (IPv4 and IPv6) and with real IPv4
# packets forwarded by gwA.
#
#   lanA ---------- gwA (vgate) ==== wire ==== gwB (plain router) ---- lanB
#   10.1.0.2/24       10.1.0.1  192.0.2.1   192.0.2.2  10.2.0.1    10.2.0.2/24
#   10.1.0.3/24                                                    10.2.0.20
#                                                                  10.2.0.29
#                                                                  10.2.0.30
#
# gwA's policy (first match wins):
#   pre rules 300.. (by ID)
#   peer "offline" (peer ID 1, admin down): entry 5 would drop every probe
#   peer "zeta"    (peer ID 2): entries 49..57
#   peer "alpha"   (peer ID 3): entries 10..13 (lower rule IDs than zeta's:
#                  peer order decides before rule ID)
#   peer "six"     (peer ID 4): IPv6 entries 60, 61
#   post rules 400.. (by ID), then postDefault
# A probe is 5 tagged UDP datagrams from lanA (tools/udpprobe.py); lanB's
# receiver counts them per tag: 5 for pass, 0 for drop.  The deciding
# rule's packet counter must equal what the probes put through it.

. "$(dirname "$0")/lib.sh"

require_cmd ip jq python3 ping
topo_gw_pair gwA gwB
for n in lanA gwA gwB lanB; do	# no IPv6 chatter in the drop counters
	ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ns lanA ip addr add 10.1.0.3/24 dev lan
for a in 10.2.0.20 10.2.0.29 10.2.0.30; do ns lanB ip addr add $a/24 dev lan; done

CONF="
ipsec peer add offline id 1 addr 192.0.2.4 admin down descr \"admin down: entries skipped\"
ipsec peer add zeta id 2 addr 192.0.2.2
ipsec peer add alpha id 3 addr 192.0.2.3
ipsec peer add six id 4 addr fd00:ff::2
ipsec rule add 300 pre proto udp remote 10.2.0.2 rport 7001 action drop
ipsec rule add 301 pre proto udp remote 10.2.0.2 rport 7009 action pass
ipsec rule add 310 pre proto tcp remote fd00:2::/64 rport 22 action drop
ipsec rule add 5 peer offline proto udp remote 10.2.0.0/24 rport 7000-7020 action drop
ipsec rule add 49 peer zeta proto udp remote 10.2.0.0/24 rport 7001 action pass
ipsec rule add 50 peer zeta proto udp remote 10.2.0.2 rport 7002 action pass
ipsec rule add 51 peer zeta proto udp remote 10.2.0.2 rport 7003 action pass
ipsec rule add 52 peer zeta proto udp remote 10.2.0.0/24 rport 7003-7004 action drop
ipsec rule add 53 peer zeta proto udp local 10.1.0.3 remote 10.2.0.20-10.2.0.29 rport 7005 action drop
ipsec rule add 54 peer zeta proto udp local any remote any rport 7005 action pass
ipsec rule add 55 peer zeta proto udp lport 40000-40009 rport 7008 action drop
ipsec rule add 56 peer zeta proto icmp remote 10.2.0.30 action drop
ipsec rule add 57 peer zeta proto dont-verify remote 10.2.0.40 action drop
ipsec rule add 10 peer alpha proto udp remote 10.2.0.2 rport 7002 action drop
ipsec rule add 12 peer alpha proto udp remote 10.2.0.0/24 rport 7009 action drop
ipsec rule add 13 peer alpha proto udp remote 10.2.0.2 rport 7010 action pass
ipsec rule add 60 peer six proto udp remote fd00:2::10-fd00:2::20 action pass
ipsec rule add 61 peer six proto tcp local fd00:1::/64 remote fd00:2::/64 rport 443 action protect
ipsec rule add 400 post proto udp remote 10.2.0.20 rport 7006 action pass
ipsec rule add 401 post proto udp rport 7006 action drop
ipsec rule add 402 post proto udp rport 7010 action drop
ipsec rule add 410 post local fd00:1::5 remote fd00:2::/48 action drop
"

# Probes: tag | src | sport | dst | dport | action | reason | rule (- none)
PROBES="
pre_rule_beats_entry|10.1.0.2|41001|10.2.0.2|7001|drop|pre_rule|300
pre_pass_beats_later_peer_drop|10.1.0.2|41002|10.2.0.2|7009|pass|pre_rule|301
peer_order_before_rule_id|10.1.0.2|41003|10.2.0.2|7002|pass|peer_entry|50
entry_order_host_first|10.1.0.2|41004|10.2.0.2|7003|pass|peer_entry|51
entry_order_then_net_port_range|10.1.0.2|41005|10.2.0.2|7004|drop|peer_entry|52
net_selector_other_host|10.1.0.2|41006|10.2.0.20|7003|drop|peer_entry|52
range_start_local_host|10.1.0.3|41007|10.2.0.20|7005|drop|peer_entry|53
range_end_local_host|10.1.0.3|41008|10.2.0.29|7005|drop|peer_entry|53
range_outside_falls_to_any|10.1.0.3|41009|10.2.0.30|7005|pass|peer_entry|54
local_host_mismatch_falls_to_any|10.1.0.2|41010|10.2.0.20|7005|pass|peer_entry|54
lport_range_inside|10.1.0.2|40005|10.2.0.2|7008|drop|peer_entry|55
lport_range_outside|10.1.0.2|40010|10.2.0.2|7008|pass|post_default|-
post_rule_order_pass|10.1.0.2|41011|10.2.0.20|7006|pass|post_rule|400
post_rule_order_drop|10.1.0.2|41012|10.2.0.2|7006|drop|post_rule|401
traffic_list_beats_post_rule|10.1.0.2|41013|10.2.0.2|7010|pass|peer_entry|13
post_default_pass|10.1.0.2|41014|10.2.0.2|7007|pass|post_default|-
admin_down_peer_skipped|10.1.0.2|41015|10.2.0.2|7011|pass|post_default|-
"

# Explain only: name | action reason rule | explain arguments
EXPLAINS="
icmp_rule|drop peer_entry 56|10.1.0.2 10.2.0.30 proto icmp
icmp_rule_not_udp|pass post_default -|10.1.0.2 10.2.0.30 proto udp sport 41000 dport 7007
udp_rule_not_tcp|pass post_default -|10.1.0.2 10.2.0.2 proto tcp sport 41000 dport 7002
dont_verify_tcp|drop peer_entry 57|10.1.0.2 10.2.0.40 proto tcp sport 41000 dport 80
dont_verify_icmp|drop peer_entry 57|10.1.0.2 10.2.0.40 proto icmp
dont_verify_proto_99|drop peer_entry 57|10.1.0.2 10.2.0.40 proto 99
inbound_mirrored|pass peer_entry 50|10.2.0.2 10.1.0.2 proto udp sport 7002 dport 41000 in
inbound_rport_is_sport|pass post_default -|10.2.0.2 10.1.0.2 proto udp sport 41000 dport 7002 in
v6_pre_rule|drop pre_rule 310|fd00:1::2 fd00:2::1 proto tcp sport 41000 dport 22
v6_pre_rule_other_port|pass post_default -|fd00:1::2 fd00:2::1 proto tcp sport 41000 dport 23
v6_range_inside|pass peer_entry 60|fd00:1::2 fd00:2::15 proto udp sport 41000 dport 53
v6_range_start|pass peer_entry 60|fd00:1::2 fd00:2::10 proto udp sport 41000 dport 53
v6_range_end|pass peer_entry 60|fd00:1::2 fd00:2::20 proto udp sport 41000 dport 53
v6_range_outside|pass post_default -|fd00:1::2 fd00:2::21 proto udp sport 41000 dport 53
v6_post_rule_local_host|drop post_rule 410|fd00:1::5 fd00:2::21 proto udp sport 41000 dport 53
v6_protect_net_port|protect peer_entry 61|fd00:1::2 fd00:2::1 proto tcp sport 41000 dport 443
v6_no_v4_any_rule|pass post_default -|fd00:1::2 fd00:2::1 proto udp sport 41000 dport 7005
"

nprobes=$(echo "$PROBES" | grep -c '|')
nexplains=$(echo "$EXPLAINS" | grep -c '|')
# probes: explain + packets each; explains; config, pings 2, counters;
# post default drop 5; admin up 3
tap_plan $((2 * nprobes + nexplains + 1 + 2 + 1 + 5 + 3))

printf '%s\n' "$CONF" > "$VGATE_TMP/spd_order.conf"
check "spd_order: configuration applied with vgate -f" \
	ip netns exec gwA "$VGATE" -f "$VGATE_TMP/spd_order.conf"

# explain_all: "name|ACTION REASON RULE|explain arguments" lines on stdin,
# all explained by one "vgate -j -f" run (each process start is slow
# under emulation).
explain_all() {
	local names=() wants=() got=() f=$VGATE_TMP/explain.cmds i
	: > "$f"
	while IFS='|' read -r name want args; do
		[ -n "$name" ] || continue
		names+=("$name"); wants+=("$want")
		echo "ipsec explain $args" >> "$f"
	done
	ip netns exec gwA "$VGATE" -j -f "$f" > "$f.out" 2>&1
	mapfile -t got < <(jq -r '"\(.action) \(.reason) \(.rule_id // "-")"' "$f.out" 2>/dev/null)
	for i in "${!names[@]}"; do
		check_eq "spd_order: explain ${names[$i]}" "${got[$i]:-}" "${wants[$i]}"
	done
	[ ${#got[@]} = ${#names[@]} ] || head -5 "$f.out" | sed 's/^/# /'
}
explain_is() { explain_all <<< "$1|$2|${*:3}"; }

explain_all < <(
	while IFS='|' read -r tag src sport dst dport act why rule; do
		[ -n "$tag" ] && echo "$tag|$act $why $rule|$src $dst proto udp sport $sport dport $dport"
	done <<< "$PROBES"
	echo "$EXPLAINS"
)
echo "# ${SECONDS}s: explain done"
# Real packets: every probe at once, then the receiver's counts.
R=$VGATE_TMP/recv1.json
udp_recv_start lanB 7000-7020 "$R" || echo "# receiver did not start"
args=()
while IFS='|' read -r tag src sport dst dport act why rule; do
	[ -n "$tag" ] && args+=("$tag" "$src" "$sport" "$dst" "$dport" 5)
done <<< "$PROBES"
ns lanA python3 "$UDPPROBE" send "${args[@]}"
sleep 2
udp_recv_stop "$R" || echo "# receiver wrote no counts"
echo "# ${SECONDS}s: probes done"
declare -A rule_want=() counts=()
while read -r tag n; do counts[$tag]=$n; done < <(jq -r 'to_entries[] | "\(.key) \(.value.received)"' "$R")
while IFS='|' read -r tag src sport dst dport act why rule; do
	[ -n "$tag" ] || continue
	want=$([ "$act" = pass ] && echo 5 || echo 0)
	check_eq "spd_order: packets $tag ($act)" "${counts[$tag]:-0}" "$want"
	[ "$rule" != - ] && rule_want[$rule]=$(( ${rule_want[$rule]:-0} + 5 ))
done <<< "$PROBES"

check "spd_order: ping 10.2.0.20 passes (no ICMP rule for it)" \
	ns lanA ping -c 2 -i 0.3 -W 3 10.2.0.20
ping_out=$(ns lanA ping -c 2 -i 0.3 -W 2 10.2.0.30 2>&1)
if [ $? -ne 0 ]; then
	tap_ok "spd_order: ping 10.2.0.30 dropped by the ICMP entry 56"
else
	tap_fail "spd_order: ping 10.2.0.30 dropped by the ICMP entry 56"
	echo "$ping_out" | sed 's/^/# /'
fi
rule_want[56]=2

# Every rule counted exactly the probes it decided (and no other rule any).
got=$(vgate gwA -j ipsec show rule | jq -r '.[] | "\(.id)=\(.stats.packets_out)"' | sort -n | tr '\n' ' ')
want=$(for id in 5 10 12 13 49 50 51 52 53 54 55 56 57 60 61 300 301 310 400 401 402 410; do
	echo "$id=${rule_want[$id]:-0}"; done | sort -n | tr '\n' ' ')
check_eq "spd_order: per-rule packet counters match the decisions" "$got" "$want"

# postDefault drop: an unmatched flow is dropped and counted, a matched
# pass still passes.
check "spd_order: postDefault drop accepted" vgate gwA ipsec postDefault drop
explain_is "post_default_drop" "drop post_default -" 10.1.0.2 10.2.0.2 proto udp sport 41014 dport 7007
drops0=$(drop_count gwA rule); dropped0=$(global_stat gwA dropped)
R=$VGATE_TMP/recv2.json
udp_recv_start lanB 7000-7020 "$R" || echo "# receiver did not start"
ns lanA python3 "$UDPPROBE" send pd_drop 10.1.0.2 41014 10.2.0.2 7007 5 \
	pd_matched_pass 10.1.0.2 41003 10.2.0.2 7002 5
sleep 2
udp_recv_stop "$R" || echo "# receiver wrote no counts"
check_eq "spd_order: postDefault drop: unmatched packets dropped" "$(udp_received "$R" pd_drop)" 0
check_eq "spd_order: postDefault drop: matched pass entry still passes" "$(udp_received "$R" pd_matched_pass)" 5
check_eq "spd_order: postDefault drop: counted as rule drops in show global" \
	"$(( $(drop_count gwA rule) - drops0 )) $(( $(global_stat gwA dropped) - dropped0 ))" "5 5"
vgate gwA ipsec postDefault pass

# The admin-down peer's entry applies once the peer is up.
check "spd_order: peer offline set admin up" \
	vgate gwA ipsec peer set offline addr 192.0.2.4 admin up
explain_is "admin_up_peer_applies" "drop peer_entry 5" 10.1.0.2 10.2.0.2 proto udp sport 41015 dport 7011
R=$VGATE_TMP/recv3.json
udp_recv_start lanB 7000-7020 "$R" || echo "# receiver did not start"
ns lanA python3 "$UDPPROBE" send up_drop 10.1.0.2 41015 10.2.0.2 7011 5 \
	up_pre_pass 10.1.0.2 41002 10.2.0.2 7009 5
sleep 2
udp_recv_stop "$R" || echo "# receiver wrote no counts"
check_eq "spd_order: admin up: its entry drops, the pre rule still passes" \
	"$(udp_received "$R" up_drop) $(udp_received "$R" up_pre_pass)" "0 5"
tap_done
