#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vgate-iked's NAT traversal against strongSwan through a real NAT
# (topo_nat below: nftables masquerade, UDP 4500 mapped to 40500):
#
#   lanP ---- priv ---------- nat ====== wire (br0) ====== pub ---- lanU
#   10.1.0.2  10.1.0.1  172.16.0.2  172.16.0.1  192.0.2.1   192.0.2.2  10.2.0.1  10.2.0.2
#
# 1. vgate.ko and vgate-iked on priv (behind the NAT) initiate to charon
#    (XFRM) on pub: NAT detected (nat=local), IKE moves to 4500, the CHILD
#    SAs are ESP in UDP 4500-4500 at vgate; pings both ways; on the wire
#    only UDP (ESP in UDP with a non-zero SPI both ways, no IP protocol
#    50, no LAN address); vgate's natt esp in counter rises through the
#    socket vgate-iked handed over (ipsec show natt: owner process);
#    charon lists the CHILD SA in UDP.
# 2. Roles swapped: charon on priv (behind the NAT) initiates to
#    vgate-iked on pub: nat=remote, vgate's outbound SA goes to the NAT's
#    port 40500 (encap=udp:4500-40500); pings both ways, the same wire
#    checks.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../ike-helper/tests/charon.sh"

IKED=$REPO/ike-helper/vgate-iked
require_cmd ip nft ping swanctl jq
[ -x "$CHARON" ] || skip_all "strongSwan's charon not installed (strongswan-charon)"
[ -x "$IKED" ] || skip_all "$IKED not built (make -C ike-helper)"

# topo_nat: natt_xfrm_interop.sh's topology (the diagram above), copied
# while this test is outside make check's CI proof; to be shared through
# lib.sh (the next change that runs natt_xfrm_interop.sh in CI)
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


T=$VGATE_TMP
tap_plan 11

topo_nat
printf 'vgate-natt-test-secret\n' >"$T/v.psk"
chmod 600 "$T/v.psk"

# wire_natt: the counters of one case (ESP in UDP tells itself from IKE
# on 4500 by its non-zero SPI where IKE has the 4-octet zero marker)
wire_natt() {
	wire_counters \
		"esp_n=iifname toN udp sport 40500 udp dport 4500 udp length > 9 @th,64,32 != 0" \
		"esp_u=iifname toU udp sport 4500 udp dport 40500 udp length > 9 @th,64,32 != 0" \
		"proto50=ip protocol esp" \
		"lan_clear=ip saddr 10.0.0.0/8" \
		"lan_clear_d=ip daddr 10.0.0.0/8"
}

# charon_run NS: charon in NS (its own mount namespace), vici in $T/NS
charon_run() {
	mkdir -p "$T/$1"
	charon_start "$1" "$T/$1"
	sw() { ns "$C_NS" swanctl "$@" --uri "unix://$T/$C_NS/charon.vici"; }
	C_NS=$1
	wait_for sw --stats || {
		sleep 10
		sw --stats >/dev/null 2>&1 ||
			skip_all "charon did not start: $(tail -n 3 "$T/$1/charon.out" | tr '\n' ' ')"
	}
}

# charon_conf NAME LOCAL REMOTE LTS RTS: one connection, PSK
charon_conf() {
	cat >"$T/$C_NS/swanctl.conf" <<EOF
connections {
	$1 {
		version = 2
		local_addrs = $2
		remote_addrs = $3
		proposals = aes256-sha256-modp2048
		local {
			auth = psk
			id = gws.example
		}
		remote {
			auth = psk
			id = gwv.example
		}
		children {
			$1 {
				local_ts = $4
				remote_ts = $5
				esp_proposals = aes128gcm16
			}
		}
	}
}
secrets {
	ike-1 {
		id-1 = gws.example
		id-2 = gwv.example
		secret = "vgate-natt-test-secret"
	}
}
EOF
	sw --load-all --file "$T/$C_NS/swanctl.conf" >"$T/load.out" 2>&1
}

# iked_start NS ROLE LOCAL REMOTE LTS RTS: vgate-iked in NS, vgate backend
iked_pid=
iked_start() {
	cat >"$T/v.conf" <<EOF
peer gwS
	local $3
	remote $4
	local_id gwv.example
	remote_id gws.example
	psk_file $T/v.psk
	ike aes256-sha256-modp2048
	esp aes128gcm16
	local_ts $5
	remote_ts $6
	role $2
	retry 0
	protect 10
EOF
	rm -f "$T/v.out" "$T/v.err"
	ip netns exec "$1" "$IKED" -c "$T/v.conf" >"$T/v.out" 2>"$T/v.err" &
	iked_pid=$!
	wait_for grep -q '^READY' "$T/v.out"
}
iked_stop() {
	[ -n "$iked_pid" ] || return 0
	kill -TERM "$iked_pid" 2>/dev/null
	wait "$iked_pid" 2>/dev/null
	iked_pid=
}
diag() {
	sed 's/^/# v.err: /' "$T/v.err"
	sed 's/^/# v.out: /' "$T/v.out"
	tail -n 30 "$T/$C_NS/charon.log" 2>/dev/null | sed 's/^/# charon: /'
}

# wire_check CASE: ESP in UDP both ways through the NAT, nothing else
wire_check() {
	local n u p l d
	n=$(wire_count esp_n) u=$(wire_count esp_u) p=$(wire_count proto50)
	l=$(wire_count lan_clear) d=$(wire_count lan_clear_d)
	echo "# $1: on the wire ESP in UDP from the NAT $n, to it $u; IP protocol 50: $p; LAN addresses in the clear: $l/$d"
	check "$1: only ESP in UDP through the NAT (both ways), no plain ESP, no LAN address in the clear" \
		test "$n" -ge 10 -a "$u" -ge 10 -a "$p" = 0 -a "$l" = 0 -a "$d" = 0
}

# ---- 1. vgate-iked behind the NAT initiates ----
charon_run pub
vgate priv ipsec peer add gwS addr 192.0.2.2 &&
vgate priv ipsec rule add 10 peer gwS local 10.1.0.0/24 remote 10.2.0.0/24 \
	action protect || skip_all "cannot configure vgate on priv"
charon_conf c1 192.0.2.2 %any 10.2.0.0/24 10.1.0.0/24
wire_natt
iked_start priv initiate 172.16.0.2 192.0.2.2 10.1.0.0/24 10.2.0.0/24
ok_est=1
wait_for grep -q 'CHILD SA established' "$T/v.err" || ok_est=0
[ "$ok_est" = 1 ] || diag
check "vgate-iked behind the NAT: IKE SA up with nat=local, IKE on 4500, the CHILD SAs ESP in UDP 4500-4500" \
	sh -c "grep -q '^IKE_SA up .*local=172.16.0.2\[4500\] remote=192.0.2.2\[4500\] .* nat=local\$' '$T/v.out' &&
	       grep -q '^SA add .*dir=out .* encap=udp:4500-4500\$' '$T/v.out' &&
	       grep -q '^SA add .*dir=in .* encap=udp:4500-4500\$' '$T/v.out'"
vgate priv ipsec show natt >"$T/natt.out" 2>&1
sed 's/^/# ipsec show natt: /' "$T/natt.out" | head -n 4
check "vgate-iked behind the NAT: it handed its port 4500 socket to vgate (owner process)" \
	grep -q 'process' "$T/natt.out"
ns lanP ping -c 20 -i 0.05 -W 3 10.2.0.2 >"$T/ping1" 2>&1
r1=$?
ns lanU ping -c 20 -i 0.05 -W 3 10.1.0.2 >"$T/ping2" 2>&1
r2=$?
check_eq "vgate-iked behind the NAT: pings both ways through the tunnel" "$r1 $r2" "0 0"
wire_check "vgate-iked behind the NAT"
esp_in=$(global_stat priv natt_esp_in)
check "vgate-iked behind the NAT: vgate took ESP in UDP from the socket ($esp_in natt esp in)" \
	test "${esp_in:-0}" -ge 20
sw --list-sas >"$T/sas.out" 2>&1
grep -v "^plugin '" "$T/sas.out" | sed 's/^/# swanctl: /' | head -n 12
check "vgate-iked behind the NAT: charon sees it at the NAT's 192.0.2.1[40500] and lists the CHILD SA in UDP" \
	sh -c "grep -q '192.0.2.1\[40500\]' '$T/sas.out' && grep -q 'INSTALLED, TUNNEL-in-UDP' '$T/sas.out'"
iked_stop
vgate priv ipsec rule flush
vgate priv ipsec peer del gwS

# ---- 2. charon behind the NAT initiates to vgate-iked ----
for p in $(ip netns pids pub); do kill -KILL "$p" 2>/dev/null; done
wait 2>/dev/null	# charon's job (vgate-iked was waited for)
charon_run priv
vgate pub ipsec peer add gwS addr 192.0.2.1 &&
vgate pub ipsec rule add 10 peer gwS local 10.2.0.0/24 remote 10.1.0.0/24 \
	action protect || skip_all "cannot configure vgate on pub"
charon_conf c2 172.16.0.2 192.0.2.2 10.1.0.0/24 10.2.0.0/24
wire_natt
iked_start pub respond 192.0.2.2 192.0.2.1 10.2.0.0/24 10.1.0.0/24
sw --initiate --child c2 --timeout 30 >"$T/init.out" 2>&1
ok_est=1
wait_for grep -q 'CHILD SA established' "$T/v.err" || ok_est=0
[ "$ok_est" = 1 ] || diag
check "charon behind the NAT: IKE SA up with nat=remote at vgate-iked, which follows it to the NAT's 192.0.2.1[40500]" \
	sh -c "grep -q '^IKE_SA up .*remote=192.0.2.1\[40500\] .* nat=remote\$' '$T/v.out'"
check "charon behind the NAT: vgate's outbound SA goes to the NAT's port (encap=udp:4500-40500), the inbound comes from it" \
	sh -c "grep -q '^SA add .*dir=out .* encap=udp:4500-40500\$' '$T/v.out' &&
	       grep -q '^SA add .*dir=in .* encap=udp:40500-4500\$' '$T/v.out'"
ns lanU ping -c 20 -i 0.05 -W 3 10.1.0.2 >"$T/ping3" 2>&1
r1=$?
ns lanP ping -c 20 -i 0.05 -W 3 10.2.0.2 >"$T/ping4" 2>&1
r2=$?
check_eq "charon behind the NAT: pings both ways through the tunnel" "$r1 $r2" "0 0"
wire_check "charon behind the NAT"
esp_in=$(global_stat pub natt_esp_in)
check "charon behind the NAT: vgate took ESP in UDP from vgate-iked's socket ($esp_in natt esp in)" \
	test "${esp_in:-0}" -ge 20
iked_stop
tap_done
