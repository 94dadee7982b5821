#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT traversal (RFC 3948) between vgate and the kernel's XFRM, through a
# NAT that changes the source port.
#
#   lanP ---- priv ---------- nat ====== wire (br0) ====== pub ---- lanU
#   10.1.0.2  10.1.0.1  172.16.0.2  172.16.0.1  192.0.2.1   192.0.2.2  10.2.0.1  10.2.0.2
#
# nat masquerades what leaves towards the wire, UDP from port 4500 to
# port 40500 (nftables "masquerade to :40500"), so the peer on the public
# side sees 192.0.2.1:40500.  Cases:
#   1. vgate behind the NAT (priv), XFRM public (pub), tunnel mode: ping
#      and TCP both ways, all of it UDP-encapsulated ESP on the wire; NAT
#      keepalives (one byte 0xFF) leave the NAT when the SA is idle, none
#      while traffic flows.  vgate's own NAT-T socket (ipsec natt socket).
#   2. XFRM behind the NAT, vgate public with the socket of a stand-in
#      keying daemon (tools/natt_sock.py: its fd handed over, the L2TP
#      model), tunnel mode both ways; IKE (non-ESP marker) on port 4500
#      reaches the daemon and its echo comes back while ESP stays in the
#      kernel; keepalives and garbage are counted, never reach it; UDP
#      from port 4500 that the gateway forwards is protected like any
#      other packet (no LAN address ever crosses the wire in clear).
#   3. Same topology, transport mode, TCP from the XFRM host behind the
#      NAT to vgate: without NAT-OA the inner TCP checksum is wrong
#      (TcpInCsumErrors), with natOa 172.16.0.2 the connection works.

. "$(dirname "$0")/lib.sh"

require_cmd ip nft iperf3 ping python3 jq nstat
NATT=$REPO/selftests/tools/natt_sock.py

KEY_PU=$(hexkey 20)
KEY_UP=$(hexkey 20)
XALG="rfc4106(gcm(aes))"

topo_nat() {
	ns_add lanP priv nat pub lanU wire
	veth_link lanP lan 10.1.0.2/24 priv lan 10.1.0.1/24
	veth_link priv wan 172.16.0.2/24 nat in 172.16.0.1/24
	ns wire ip link add br0 type bridge
	ip link add out netns nat type veth peer name toN netns wire
	ip link add wan netns pub type veth peer name toU netns wire
	ns nat ip addr add 192.0.2.1/24 dev out
	ns pub ip addr add 192.0.2.2/24 dev wan
	local l
	for l in toN toU; do
		ns wire ip link set "$l" master br0
		ns wire ip link set "$l" up
	done
	ns wire ip link set br0 up
	ns nat ip link set out up
	ns pub ip link set wan up
	veth_link pub lan 10.2.0.1/24 lanU lan 10.2.0.2/24
	ns lanP ip route add default via 10.1.0.1
	ns lanU ip route add default via 10.2.0.1
	ns priv ip route add default via 172.16.0.1
	ns pub ip route add 10.1.0.0/24 via 192.0.2.1
	local n
	for n in priv nat pub; do
		ns "$n" sysctl -qw net.ipv4.ip_forward=1
	done
	ns nat nft -f - <<-'NFT'
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "out" udp sport 4500 masquerade to :40500
			oifname "out" masquerade
		}
	}
	NFT
	# What crosses the wire from the NAT (N) and from the public side (U).
	wire_counters "esp_n=iifname toN udp sport 40500 udp dport 4500 udp length > 9" \
		"esp_u=iifname toU udp sport 4500 udp dport 40500 udp length > 9" \
		"ka_n=iifname toN udp sport 40500 udp dport 4500 udp length 9 @th,64,8 0xff" \
		"clear=ip protocol != udp" "icmp_n=ip protocol icmp" \
		"lan_clear=ip saddr 10.0.0.0/8" \
		"other_udp=udp sport != { 4500, 40500 } udp dport != { 4500, 40500 }"
}

# xfrm_sock NS: a UDP_ENCAP_ESPINUDP socket on 4500 for XFRM in NS; its
# process is xfrm_pid.
xfrm_sock() {
	rm -f "$VGATE_TMP/xfrm.$1"
	ip netns exec "$1" python3 "$NATT" xfrm --ready "$VGATE_TMP/xfrm.$1" &
	xfrm_pid=$!
	wait_for test -e "$VGATE_TMP/xfrm.$1"
}

# send_udp NS DST HEX...: one datagram per HEX to DST:4500, from NS.
send_udp() {
	local n=$1 dst=$2 h cmds=""
	shift 2
	for h in "$@"; do
		cmds="$cmds printf '$(echo "$h" | sed 's/../\\x&/g')' >/dev/udp/$dst/4500;"
	done
	ns "$n" bash -c "$cmds"
}

# tcp_bidir CLIENT-NS SERVER-ADDR SERVER-NS: one TCP connection
# carrying 256 KB each way at the same time (iperf3 --bidir).
tcp_bidir() {
	ns "$3" iperf3 -s -1 -D -B "$2" --logfile "$VGATE_TMP/iperf-$3.log" || return 1
	wait_listen "$3" 5201 || return 1
	ns "$1" timeout 60 iperf3 -c "$2" -n 256K --bidir >/dev/null
}

stat_of() { global_stat "$1" "$2"; }

# check_wire: the wire counters after a tunnel phase: ESP in UDP both ways
# through the NAT, nothing else; sets n_esp, u_esp, clear; appends to $err.
check_wire() {
	n_esp=$(wire_count esp_n); u_esp=$(wire_count esp_u)
	clear=$(wire_count clear)
	local other lan
	other=$(wire_count other_udp); lan=$(wire_count lan_clear)
	[ "$n_esp" -ge 50 ] || err="$err esp-from-nat=$n_esp"
	[ "$u_esp" -ge 50 ] || err="$err esp-to-nat=$u_esp"
	[ "$clear" -eq 0 ] || err="$err cleartext=$clear(icmp $(wire_count icmp_n))"
	[ "$other" -eq 0 ] || err="$err other-udp=$other"
	[ "$lan" -eq 0 ] || err="$err lan-cleartext=$lan"
}
drops_of() { vgate "$1" -j ipsec show global | jq -r --arg r "$2" '.drops[$r]'; }

tap_plan 12

# ---- 1. vgate behind the NAT, XFRM public ----
topo_nat
xfrm_sock pub
ns pub ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1001 \
	mode tunnel aead "$XALG" "$KEY_PU" 128 encap espinudp 40500 4500 0.0.0.0
ns pub ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2001 \
	mode tunnel aead "$XALG" "$KEY_UP" 128 encap espinudp 4500 40500 0.0.0.0
ns pub ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel
for d in in fwd; do
	ns pub ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir $d \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
done
# vgate last: its keepalives must not meet a closed port 4500.
vgate priv ipsec natt socket || skip_all "cannot open the NAT-T socket"
vgate priv ipsec peer add pub addr 192.0.2.2
vgate priv ipsec sa add 0x1001 src 172.16.0.2 dst 192.0.2.2 mode tunnel \
	enc aes128-gcm encKey "$KEY_PU" encap udp sport 4500 dport 4500
vgate priv ipsec sa add 0x2001 src 192.0.2.2 dst 172.16.0.2 mode tunnel \
	enc aes128-gcm encKey "$KEY_UP" encap udp sport 4500 dport 4500
vgate priv ipsec rule add 10 peer pub local 10.1.0.0/24 remote 10.2.0.0/24 \
	action protect spiOut 0x1001 spiIn 0x2001

err=""
# The NAT learns the mapping from the private side first.
ns lanP ping -c 3 -i 0.2 -W 2 10.2.0.2 >/dev/null || err="$err ping-p-to-u"
ns lanU ping -c 3 -i 0.2 -W 2 10.1.0.2 >/dev/null || err="$err ping-u-to-p"
tcp_bidir lanP 10.2.0.2 lanU || err="$err tcp"
check_wire
esp_in=$(stat_of priv natt_esp_in)
[ "$esp_in" -ge 50 ] || err="$err natt_esp_in=$esp_in"
echo "# vgate behind NAT: ESP-in-UDP from NAT (port 40500) $n_esp, to NAT $u_esp, cleartext $clear, vgate natt_esp_in $esp_in"
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop vgate behind NAT: tunnel both ways, ESP in UDP 40500<->4500 on the wire" "$err" ""

# Keepalives: none while the SA sends every 0.2 s, some once it is idle.
# The knob drops from 20 s to 3 s while the ping already runs; the busy
# count is read while it still runs.
# Not through ns(): $! must be ping itself (ip netns exec execs it), or the
# kill below stops a subshell and ping runs on into the idle window.
ip netns exec lanP ping -c 75 -i 0.2 -W 2 10.2.0.2 >/dev/null &
ping_pid=$!
sleep 1
vgate priv ipsec nattKeepalive 3
wire_counters "ka_n=iifname toN udp sport 40500 udp dport 4500 udp length 9 @th,64,8 0xff"
sleep 5
busy=$(wire_count ka_n)
kill -0 "$ping_pid" 2>/dev/null && running=yes || running=no
kill "$ping_pid" 2>/dev/null
wait "$ping_pid" 2>/dev/null
wire_counters "ka_n=iifname toN udp sport 40500 udp dport 4500 udp length 9 @th,64,8 0xff"
sleep 8
idle=$(wire_count ka_n)
ka_out=$(stat_of priv natt_keepalives_out)
echo "# keepalives on the wire: $busy in 5 s of pings (ping still running: $running), $idle in 8 s idle (vgate natt_keepalives_out $ka_out)"
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop keepalive 0xFF through the NAT only when idle" \
	"$busy $running $([ "$idle" -ge 1 ] && [ "$idle" -le 4 ] && [ "$ka_out" -ge "$idle" ] && echo ok)" "0 yes ok"

# ---- 2. XFRM behind the NAT, vgate public with a daemon's socket ----
# Same namespaces, roles swapped: vgate leaves priv, XFRM leaves pub.
vgate priv ipsec rule flush
vgate priv ipsec sa flush
vgate priv ipsec natt release
ns pub ip xfrm policy flush
ns pub ip xfrm state flush
kill "$xfrm_pid"
wait "$xfrm_pid" 2>/dev/null
wire_counters "esp_n=iifname toN udp sport 40500 udp dport 4500 udp length > 9" \
	"esp_u=iifname toU udp sport 4500 udp dport 40500 udp length > 9" \
	"clear=ip protocol != udp" "icmp_n=ip protocol icmp" \
	"lan_clear=ip saddr 10.0.0.0/8" \
	"other_udp=udp sport != { 4500, 40500 } udp dport != { 4500, 40500 }"
DLOG=$VGATE_TMP/natt-daemon.log
rm -f "$DLOG" "$DLOG.ready"
# vgate's own socket first; the daemon takes the port over from it.
vgate pub ipsec natt socket
own=$(vgate pub -j ipsec show natt | jq -r .owner)
ip netns exec pub python3 "$NATT" daemon --takeover --ready "$DLOG.ready" --log "$DLOG" &
daemon_pid=$!
wait_for test -e "$DLOG.ready"
taken=$(vgate pub -j ipsec show natt | jq -r '"\(.owner) \(.port)"')
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop a daemon's socket replaces vgate's own (kernel -> process)" "$own $taken" "kernel process 4500"

vgate pub ipsec peer add priv addr 192.0.2.1
vgate pub ipsec sa add 0x1002 src 192.0.2.1 dst 192.0.2.2 mode tunnel \
	enc aes128-gcm encKey "$KEY_PU" encap udp sport 40500 dport 4500
vgate pub ipsec sa add 0x2002 src 192.0.2.2 dst 192.0.2.1 mode tunnel \
	enc aes128-gcm encKey "$KEY_UP" encap udp sport 4500 dport 40500
vgate pub ipsec rule add 10 peer priv local 10.2.0.0/24 remote 10.1.0.0/24 \
	action protect spiOut 0x2002 spiIn 0x1002
xfrm_sock priv
ns priv ip xfrm state add src 172.16.0.2 dst 192.0.2.2 proto esp spi 0x1002 \
	mode tunnel aead "$XALG" "$KEY_PU" 128 encap espinudp 4500 4500 0.0.0.0
ns priv ip xfrm state add src 192.0.2.2 dst 172.16.0.2 proto esp spi 0x2002 \
	mode tunnel aead "$XALG" "$KEY_UP" 128 encap espinudp 4500 4500 0.0.0.0
ns priv ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir out \
	tmpl src 172.16.0.2 dst 192.0.2.2 proto esp mode tunnel
for d in in fwd; do
	ns priv ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir $d \
		tmpl src 192.0.2.2 dst 172.16.0.2 proto esp mode tunnel
done

err=""
ns lanP ping -c 3 -i 0.2 -W 2 10.2.0.2 >/dev/null || err="$err ping-p-to-u"
ns lanU ping -c 3 -i 0.2 -W 2 10.1.0.2 >/dev/null || err="$err ping-u-to-p"
tcp_bidir lanP 10.2.0.2 lanU || err="$err tcp"
# Forwarded UDP from port 4500 is not the NAT-T socket's: the entry
# protects it like any other packet.
ns lanU python3 "$NATT" send --dst 10.1.0.2 --sport 4500 --hex 01020304
check_wire
# ESP never reached the daemon's socket in userspace.
[ ! -s "$DLOG" ] || err="$err daemon-got-$(wc -l <"$DLOG")"
echo "# XFRM behind NAT: ESP-in-UDP from NAT $n_esp, to NAT $u_esp, cleartext $clear, daemon saw $(wc -l <"$DLOG") datagrams"
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop XFRM behind NAT: tunnel both ways through the daemon's socket" "$err" ""

# IKE with the non-ESP marker: to the daemon, and its answer comes back.
ike_before=$(stat_of pub natt_ike_in)
ns nat python3 "$NATT" send --dst 192.0.2.2 --hex 00000000494b45763220696e6974 --wait-echo 5
rc=$?
ike_after=$(stat_of pub natt_ike_in)
got=$(grep -c '^00000000494b45' "$DLOG")
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop IKE (non-ESP marker) on 4500 reaches the daemon, its reply leaves" \
	"$rc $got $((ike_after - ike_before))" "0 1 1"

# In one go: ESP with an unknown SPI (stays in the kernel: no-sa), a
# keepalive (counted, discarded), garbage of 1..8 bytes that is neither
# marker nor keepalive (natt-malformed), an ESP header with a known SPI
# and no payload (vgate's ESP input: malformed).  None reaches the daemon.
nosa=$(drops_of pub no_sa)
ka=$(stat_of pub natt_keepalives_in)
mal=$(drops_of pub natt_malformed)
malf=$(drops_of pub malformed)
send_udp nat 192.0.2.2 0000dead00000001$(printf '%064d' 0) ff \
	00 0102 01020304 0102030405060708 0000100200ffffff00
sleep 1
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop ESP on 4500 is vgate's: unknown SPI dropped as no-sa, not passed up" \
	"$(($(drops_of pub no_sa) - nosa)) $(wc -l <"$DLOG")" "1 1"
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop keepalive in: counted, not passed up" \
	"$(($(stat_of pub natt_keepalives_in) - ka)) $(wc -l <"$DLOG")" "1 1"
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop truncated UDP-encapsulated input dropped as natt-malformed / malformed" \
	"$(($(drops_of pub natt_malformed) - mal)) $(($(drops_of pub malformed) - malf))" "4 1"

# The daemon exits: vgate lets go, the port is free again.
kill "$daemon_pid"
wait_for sh -c "ip netns exec pub '$VGATE' -j ipsec show natt | jq -e '.port == null'"
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop the daemon closing its socket releases it" \
	"$(vgate pub -j ipsec show natt | jq -r .owner)" "none"

# ---- 3. transport mode, TCP, NAT-OA ----
vgate pub ipsec rule flush
vgate pub ipsec sa flush
ns priv ip xfrm policy flush
ns priv ip xfrm state flush
# Bad requests change nothing and say why.
e1=$(vgate pub ipsec natt release 2>&1); r1=$?
vgate pub ipsec natt socket
e2=$(vgate pub ipsec natt socket port 4501 2>&1); r2=$?
own=$(vgate pub -j ipsec show natt | jq -r '"\(.owner) \(.port)"')
echo "# release without a socket: $e1; a second socket: $e2"
check_eq "natt_xfrm_interop release without a socket, a second socket: refused, nothing changes" \
	"$r1 $(echo "$e1" | grep -c 'no NAT-T socket') $r2 $(echo "$e2" | grep -c 'delete it first') $own" \
	"2 1 2 1 kernel 4500"
vgate pub ipsec sa add 0x1003 src 192.0.2.1 dst 192.0.2.2 mode transport \
	enc aes128-gcm encKey "$KEY_PU" encap udp sport 40500 dport 4500
vgate pub ipsec sa add 0x2003 src 192.0.2.2 dst 192.0.2.1 mode transport \
	enc aes128-gcm encKey "$KEY_UP" encap udp sport 4500 dport 40500
vgate pub ipsec rule add 10 peer priv local 192.0.2.2 remote 192.0.2.1 \
	proto tcp action protect selfTraffic on spiOut 0x2003 spiIn 0x1003
ns priv ip xfrm state add src 172.16.0.2 dst 192.0.2.2 proto esp spi 0x1003 \
	mode transport aead "$XALG" "$KEY_PU" 128 encap espinudp 4500 4500 0.0.0.0
ns priv ip xfrm state add src 192.0.2.2 dst 172.16.0.2 proto esp spi 0x2003 \
	mode transport aead "$XALG" "$KEY_UP" 128 encap espinudp 4500 4500 0.0.0.0
ns priv ip xfrm policy add src 172.16.0.2 dst 192.0.2.2 proto tcp dir out \
	tmpl proto esp mode transport
ns priv ip xfrm policy add src 192.0.2.2 dst 172.16.0.2 proto tcp dir in \
	tmpl proto esp mode transport

# Without NAT-OA the inner TCP checksum (over 172.16.0.2) fails at pub.
csum0=$(ns pub nstat -az TcpInCsumErrors | awk '/TcpInCsumErrors/ { print $2 }')
ns pub iperf3 -s -1 -D -B 192.0.2.2 --logfile "$VGATE_TMP/iperf-oa.log" \
	-I "$VGATE_TMP/iperf-oa.pid"
wait_listen pub 5201
ns priv timeout 20 iperf3 -c 192.0.2.2 -n 64K --connect-timeout 3000 >/dev/null 2>&1
rc_without=$?
csum1=$(ns pub nstat -az TcpInCsumErrors | awk '/TcpInCsumErrors/ { print $2 }')
kill "$(cat "$VGATE_TMP/iperf-oa.pid")"
wait_for sh -c "! ip netns exec pub ss -Hltn 'sport = :5201' | grep -q ."

vgate pub ipsec sa set 0x1003 src 192.0.2.1 dst 192.0.2.2 mode transport \
	enc aes128-gcm encKey "$KEY_PU" encap udp sport 40500 dport 4500 natOa 172.16.0.2
err=""
tcp_bidir priv 192.0.2.2 pub || err="$err tcp"
csum2=$(ns pub nstat -az TcpInCsumErrors | awk '/TcpInCsumErrors/ { print $2 }')
[ "$rc_without" -ne 0 ] || err="$err works-without-natoa"
[ "$csum1" -gt "$csum0" ] || err="$err no-csum-errors-without-natoa"
[ "$csum2" -eq "$csum1" ] || err="$err csum-errors-with-natoa=$((csum2 - csum1))"
echo "# transport: without natOa rc $rc_without, TcpInCsumErrors +$((csum1 - csum0)); with natOa +$((csum2 - csum1))"
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop transport mode behind NAT: TCP works only with the NAT-OA checksum fix-up" "$err" ""

sa=$(vgate pub -j ipsec show sad | jq -c '.[] | select(.spi == "0x00001003") | .encap')
echo "# t=${SECONDS}s"
check_eq "natt_xfrm_interop show sad: encapsulation with NAT-OA" "$sa" \
	'{"type":"udp","sport":40500,"dport":4500,"nat_oa":"172.16.0.2"}'

tap_done
