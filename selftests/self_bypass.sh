#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# self_bypass: our fix for Appendix 5 (local any).  A protect entry with
# local any and remote 10.1.0.0/16 holds gwA's own LAN address 10.1.0.1 and
# its LAN hosts.  Without selfTraffic, the gateway's own traffic with its
# directly attached hosts bypasses it: a LAN host gets a DHCP lease from gwA
# (busybox udhcpd/udhcpc; the renewal is unicast 10.1.0.1xx -> 10.1.0.1,
# which the entry matches) and reaches gwA's management port (busybox
# httpd on 10.1.0.1:8080), while other traffic the entry matches (lan2 ->
# 10.1.5.2) is tunnelled.  The CLI warns when the entry is added.  With
# selfTraffic on, the same entry captures the management and DHCP renewal
# traffic: cleartext from a "remote" address is dropped (policy).
#
#   lanA 10.1.0.2 (udhcpc) --lan--  gwA (vgate)  ==== wire ==== gwB (XFRM) --lan-- lanB
#                          10.1.0.1  udhcpd, httpd :8080                  10.1.5.1   10.1.5.2
#   lan2 192.168.50.2 ---lan2--- 192.168.50.1   192.0.2.1      192.0.2.2
#
# Entry 10 (peer gwB): local any, remote 10.1.0.0/16, protect, SPI 0x1001
# out, 0x2001 in.  gwB decrypts with XFRM and forwards to lanB.
# (lanA's own traffic to 10.1.5.2 would be cleartext from a "remote"
# address: dropped; that is what the entry says, so the tunnelled traffic
# comes from a second LAN.)

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"

require_cmd ip nft jq python3 busybox curl
topo_gw_pair gwA gwB
for n in lanA gwA gwB lanB; do
	ns $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ns_add lan2
veth_link lan2 eth0 192.168.50.2/24 gwA lan2 192.168.50.1/24
ns lan2 ip route add default via 192.168.50.1
ns lanB ip addr add 10.1.5.2/24 dev lan
ns gwB ip addr add 10.1.5.1/24 dev lan
ns gwA ip route add 10.1.5.0/24 via 192.0.2.2
ns gwB ip route add 192.168.50.0/24 via 192.0.2.1

tap_plan 20

# AES-GCM-128, SPIs 0x1001 out and 0x2001 in (lib_tunnel.sh).
tunnel_set alg=aes128-gcm spi_ab=0x1001 spi_ba=0x2001
setup() {
	tunnel_vgate_sas &&
	tunnel_vgate_peer &&
	tunnel_xfrm_states &&
	ns gwB ip xfrm policy add src 0.0.0.0/0 dst 10.1.0.0/16 dir fwd \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
}
check "self_bypass: SAs, peer gwB, XFRM on gwB" setup

RULE="local any remote 10.1.0.0/16 action protect spiOut 0x1001 spiIn 0x2001"
# shellcheck disable=SC2086
vgate gwA ipsec rule add 10 peer gwB descr "local any" $RULE 2> "$VGATE_TMP/warn"
rc=$?
echo "# rule add exit $rc, stderr: $(cat "$VGATE_TMP/warn")"
if [ $rc = 0 ] && grep -q "10\.1\.0\.1\b" "$VGATE_TMP/warn"; then
	tap_ok "self_bypass: rule add succeeds and warns about gwA's own address 10.1.0.1"
else
	tap_fail "self_bypass: rule add succeeds and warns about gwA's own address 10.1.0.1"
fi

explain() {
	vgate gwA -j ipsec explain "$@" | jq -r '"\(.action) \(.reason) \(.rule_id // "-")"'
}
check_eq "self_bypass: explain LAN host -> gwA:8080 (in): self bypass" \
	"$(explain 10.1.0.2 10.1.0.1 proto tcp sport 40000 dport 8080 in)" "pass self_bypass -"
check_eq "self_bypass: explain gwA:8080 -> LAN host (out): self bypass" \
	"$(explain 10.1.0.1 10.1.0.2 proto tcp sport 8080 dport 40000 out)" "pass self_bypass -"
check_eq "self_bypass: explain DHCP renewal 10.1.0.120 -> gwA:67 (in): self bypass" \
	"$(explain 10.1.0.120 10.1.0.1 proto udp sport 68 dport 67 in)" "pass self_bypass -"
check_eq "self_bypass: explain DHCP discover 0.0.0.0 -> 255.255.255.255 (in): self bypass" \
	"$(explain 0.0.0.0 255.255.255.255 proto udp sport 68 dport 67 in)" "pass self_bypass -"

# gwA's services: DHCP on lan, HTTP on 10.1.0.1:8080.
mkdir -p "$VGATE_TMP/www"
echo "vgate management" > "$VGATE_TMP/www/index.html"
cat > "$VGATE_TMP/udhcpd.conf" <<-EOF
start 10.1.0.100
end 10.1.0.150
interface lan
lease_file $VGATE_TMP/udhcpd.leases
pidfile $VGATE_TMP/udhcpd.pid
option subnet 255.255.255.0
option router 10.1.0.1
option lease 600
EOF
touch "$VGATE_TMP/udhcpd.leases"
ns gwA busybox udhcpd -f "$VGATE_TMP/udhcpd.conf" > "$VGATE_TMP/udhcpd.log" 2>&1 &
ns gwA busybox httpd -f -p 10.1.0.1:8080 -h "$VGATE_TMP/www" &
EV=$VGATE_TMP/dhcp.events
cat > "$VGATE_TMP/udhcpc.script" <<-EOF
#!/bin/sh
echo "\$1 \${ip:-}" >> $EV
case "\$1" in
bound|renew) ip addr replace "\$ip/\${mask:-24}" dev "\$interface" ;;
esac
exit 0
EOF
chmod +x "$VGATE_TMP/udhcpc.script"
wait_listen gwA 8080 || echo "# httpd does not listen"

# wait_event PATTERN SECONDS: until the udhcpc event log has a new line
# matching PATTERN (lines after $EV_SEEN).
wait_event() {
	local i
	for i in $(seq $(( $2 * 10 ))); do
		tail -n +$((EV_SEEN + 1)) "$EV" 2>/dev/null | grep -q "$1" && return 0
		sleep 0.1
	done
	return 1
}
EV_SEEN=0
: > "$EV"
ip netns exec lanA busybox udhcpc -f -i lan -s "$VGATE_TMP/udhcpc.script" \
	-t 10 -T 3 -A 3 > "$VGATE_TMP/udhcpc.log" 2>&1 &
UDHCPC=$!
if wait_event '^bound 10\.1\.0\.1[0-5][0-9]' 60; then
	tap_ok "self_bypass: LAN host gets a DHCP lease from gwA ($(grep bound "$EV" | tail -1))"
else
	tap_fail "self_bypass: LAN host gets a DHCP lease from gwA"
	sed 's/^/# /' "$EV" "$VGATE_TMP/udhcpc.log" "$VGATE_TMP/udhcpd.log" | tail -20
fi
LEASE=$(awk '/^bound/ { ip = $2 } END { print ip }' "$EV")

p0=$(drop_count gwA policy); b0=$(global_stat gwA self_bypassed)
EV_SEEN=$(wc -l < "$EV")
kill -USR1 $UDHCPC	# renew: unicast $LEASE -> 10.1.0.1:67 through the kernel
if wait_event '^renew' 30; then
	tap_ok "self_bypass: DHCP renewal (unicast $LEASE -> 10.1.0.1) answered"
else
	tap_fail "self_bypass: DHCP renewal (unicast $LEASE -> 10.1.0.1) answered"
	sed 's/^/# /' "$EV" "$VGATE_TMP/udhcpc.log" | tail -20
fi
# mgmt SECONDS: lanA fetches gwA's management page
mgmt() {
	ns lanA curl -s -m "$1" http://10.1.0.1:8080/index.html | grep -q "vgate management"
}
check "self_bypass: LAN host reaches gwA's management port 10.1.0.1:8080" mgmt 20
p1=$(drop_count gwA policy); b1=$(global_stat gwA self_bypassed)
echo "# self bypassed +$((b1 - b0)), policy drops +$((p1 - p0))"
if [ $((b1 - b0)) -gt 0 ] && [ $((p1 - p0)) = 0 ]; then
	tap_ok "self_bypass: show global counts self bypassed packets, no policy drops"
else
	tap_fail "self_bypass: show global counts self bypassed packets, no policy drops (+$((b1 - b0)), +$((p1 - p0)))"
fi

# tunnel_probe TAG: 10 datagrams lan2 -> 10.1.5.2; RECEIVED, ESP, CLEAR
tunnel_probe() {
	wire_counters "n_esp=iifname toA esp spi 0x1001" "n_clear=udp dport 7000"
	udp_recv_start lanB 7000 "$VGATE_TMP/$1.json" || echo "# receiver did not start"
	ns lan2 python3 "$UDPPROBE" send "$1" 192.168.50.2 41000 10.1.5.2 7000 10
	sleep 2
	udp_recv_stop "$VGATE_TMP/$1.json"
	RECEIVED=$(udp_received "$VGATE_TMP/$1.json" "$1")
	ESP=$(wire_count n_esp); CLEAR=$(wire_count n_clear)
	echo "# $1: received $RECEIVED, wire: esp $ESP cleartext $CLEAR"
	[ "$RECEIVED" = 10 ] && [ "${ESP:-0}" -ge 10 ] && [ "${CLEAR:-1}" = 0 ]
}
check_eq "self_bypass: explain lan2 -> 10.1.5.2: protect by entry 10" \
	"$(explain 192.168.50.2 10.1.5.2 proto udp sport 41000 dport 7000)" "protect peer_entry 10"
if tunnel_probe bypass; then
	tap_ok "self_bypass: lan2 -> 10.1.5.2 tunnelled (ESP on the wire, delivered by gwB)"
else
	tap_fail "self_bypass: lan2 -> 10.1.5.2 tunnelled (ESP on the wire, delivered by gwB)"
fi

# --- selfTraffic on: the entry captures gwA's own traffic too.
# shellcheck disable=SC2086
vgate gwA ipsec rule set 10 peer gwB descr "local any, self" $RULE selfTraffic on 2> "$VGATE_TMP/warn"
rc=$?
if [ $rc = 0 ] && ! grep -q "own address" "$VGATE_TMP/warn"; then
	tap_ok "self_bypass: rule set with selfTraffic on succeeds without the warning"
else
	tap_fail "self_bypass: rule set with selfTraffic on succeeds without the warning (exit $rc: $(cat "$VGATE_TMP/warn"))"
fi
check_eq "self_bypass: selfTraffic on: explain LAN host -> gwA:8080 (in): protect" \
	"$(explain 10.1.0.2 10.1.0.1 proto tcp sport 40000 dport 8080 in)" "protect peer_entry 10"
check_eq "self_bypass: selfTraffic on: explain DHCP renewal (in): protect" \
	"$(explain "${LEASE:-10.1.0.120}" 10.1.0.1 proto udp sport 68 dport 67 in)" "protect peer_entry 10"
p0=$(drop_count gwA policy)
if mgmt 5; then
	tap_fail "self_bypass: selfTraffic on: management port no longer reachable in the clear"
else
	tap_ok "self_bypass: selfTraffic on: management port no longer reachable in the clear"
fi
p1=$(drop_count gwA policy)
check "self_bypass: selfTraffic on: the management SYNs were dropped as policy (+$((p1 - p0)))" \
	test $((p1 - p0)) -gt 0
# The unicast renewal is captured.  (udhcpc then falls back to a broadcast
# discover from 0.0.0.0, which the entry's remote range does not hold: a
# new "bound" is fine, a "renew" is not.)
EV_SEEN=$(wc -l < "$EV")
kill -USR1 $UDHCPC
if wait_event '^renew' 15; then
	tap_fail "self_bypass: selfTraffic on: DHCP renewal no longer answered"
else
	tap_ok "self_bypass: selfTraffic on: DHCP renewal no longer answered"
fi
tail -n +$((EV_SEEN + 1)) "$EV" | sed 's/^/# udhcpc: /'
p2=$(drop_count gwA policy)
check "self_bypass: selfTraffic on: the renewal requests were dropped as policy (+$((p2 - p1)))" \
	test $((p2 - p1)) -gt 0
if tunnel_probe self; then
	tap_ok "self_bypass: selfTraffic on: lan2 -> 10.1.5.2 still tunnelled"
else
	tap_fail "self_bypass: selfTraffic on: lan2 -> 10.1.5.2 still tunnelled"
fi
kill $UDHCPC 2>/dev/null
tap_done
