#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Single TCP stream (iperf3) from lanA to lanB through a site-to-site ESP
# tunnel, once with vgate on both gateways and once with the kernel's XFRM
# on both, in the same VM run; ESP NULL (with HMAC-SHA1-96, the cheapest
# integrity: the datapath's own cost), AES-GCM-128, AES-GCM-128 with UDP
# encapsulation (NAT-T, RFC 3948, port 4500 both ways; no NAT in the path:
# the cost of the encapsulation is what is measured), all over IPv4, and
# AES-GCM-128 over IPv6 (6in6: IPv6 LANs, IPv6 outer addresses).
#
#   lanA ---- gwA ==== wire ==== gwB ---- lanB
#   IPv4: 10.1.0.0/24, 192.0.2.1 -- 192.0.2.2, 10.2.0.0/24
#   IPv6: fd00:1::/64, fd00:ff::1 -- fd00:ff::2, fd00:2::/64
#
# Each figure is the median of $ROUNDS runs of $SECS seconds; vgate and
# XFRM runs alternate so that drift in the VM hits both alike.
# Prints: BENCH <name> vgate=<Mbit/s> xfrm=<Mbit/s> ratio=<vgate/xfrm>

. "$(dirname "$0")/../lib.sh"
require_cmd iperf3 ip python3

SECS=${BENCH_SECS:-8}
ROUNDS=${BENCH_ROUNDS:-5}

# The addresses of the family being measured (set_family 4|6).
set_family() {
	if [ "$1" = 6 ]; then
		OA=fd00:ff::1; OB=fd00:ff::2
		NA=fd00:1::/64; NB=fd00:2::/64; HB=fd00:2::2
	else
		OA=192.0.2.1; OB=192.0.2.2; NA=10.1.0.0/24; NB=10.2.0.0/24
		HB=10.2.0.2
	fi
	FAM=$1
}

add_ipv6() {
	local n a d
	for n in "lanA fd00:1::2/64 lan" "gwA fd00:1::1/64 lan" \
		 "gwA fd00:ff::1/64 wan" "gwB fd00:ff::2/64 wan" \
		 "gwB fd00:2::1/64 lan" "lanB fd00:2::2/64 lan"; do
		set -- $n
		ns "$1" ip -6 addr add "$2" dev "$3" nodad
	done
	ns lanA ip -6 route add default via fd00:1::1
	ns lanB ip -6 route add default via fd00:2::1
	ns gwA ip -6 route add fd00:2::/64 via fd00:ff::2
	ns gwB ip -6 route add fd00:1::/64 via fd00:ff::1
	ns gwA sysctl -qw net.ipv6.conf.all.forwarding=1
	ns gwB sysctl -qw net.ipv6.conf.all.forwarding=1
}


# setup_vgate ENC-ARGS...: both gateways run vgate
setup_vgate() {
	local k1 k2
	case "$1" in
	null) k1="enc null auth hmac-sha1 authKey $(hexkey 20)"
	      k2="enc null auth hmac-sha1 authKey $(hexkey 20)" ;;
	gcm) k1="enc aes128-gcm encKey $(hexkey 20)"; k2="enc aes128-gcm encKey $(hexkey 20)" ;;
	natt) k1="enc aes128-gcm encKey $(hexkey 20) encap udp sport 4500 dport 4500"
	      k2="enc aes128-gcm encKey $(hexkey 20) encap udp sport 4500 dport 4500" ;;
	esac
	local gw local_net remote_net me peer
	if [ "$1" = natt ]; then
		vgate gwA ipsec natt socket && vgate gwB ipsec natt socket || return 1
	fi
	for gw in gwA gwB; do
		if [ $gw = gwA ]; then
			me=$OA; peer=$OB; local_net=$NA; remote_net=$NB
			out=0x1000; in=0x2000
		else
			me=$OB; peer=$OA; local_net=$NB; remote_net=$NA
			out=0x2000; in=0x1000
		fi
		# shellcheck disable=SC2086
		vgate $gw ipsec sa add 0x1000 src $OA dst $OB mode tunnel $k1 &&
		vgate $gw ipsec sa add 0x2000 src $OB dst $OA mode tunnel $k2 &&
		vgate $gw ipsec peer add far addr $peer &&
		vgate $gw ipsec rule add 10 peer far local $local_net \
			remote $remote_net action protect spiOut $out spiIn $in ||
			return 1
	done
}

setup_xfrm() {
	local a1 a2
	case "$1" in
	null) a1=(enc 'ecb(cipher_null)' "" auth-trunc 'hmac(sha1)' "$(hexkey 20)" 96)
	      a2=(enc 'ecb(cipher_null)' "" auth-trunc 'hmac(sha1)' "$(hexkey 20)" 96) ;;
	gcm) a1=(aead 'rfc4106(gcm(aes))' "$(hexkey 20)" 128)
	     a2=(aead 'rfc4106(gcm(aes))' "$(hexkey 20)" 128) ;;
	natt) a1=(aead 'rfc4106(gcm(aes))' "$(hexkey 20)" 128 encap espinudp 4500 4500 0.0.0.0)
	      a2=(aead 'rfc4106(gcm(aes))' "$(hexkey 20)" 128 encap espinudp 4500 4500 0.0.0.0) ;;
	esac
	local gw l r me peer
	for gw in gwA gwB; do
		# What an IKE daemon does: a UDP_ENCAP_ESPINUDP socket on 4500
		# (the process dies with the topology).
		if [ "$1" = natt ]; then
			rm -f "$VGATE_TMP/xfrm.$gw"
			ip netns exec $gw python3 "$REPO/selftests/tools/natt_sock.py" \
				xfrm --ready "$VGATE_TMP/xfrm.$gw" &
			wait_for test -e "$VGATE_TMP/xfrm.$gw" || return 1
		fi
		ns $gw ip xfrm state add src $OA dst $OB proto esp spi 0x1000 \
			mode tunnel replay-window 64 "${a1[@]}" || return 1
		ns $gw ip xfrm state add src $OB dst $OA proto esp spi 0x2000 \
			mode tunnel replay-window 64 "${a2[@]}" || return 1
		if [ $gw = gwA ]; then
			l=$NA; r=$NB; me=$OA; peer=$OB
		else
			l=$NB; r=$NA; me=$OB; peer=$OA
		fi
		ns $gw ip xfrm policy add src $l dst $r dir out \
			tmpl src $me dst $peer proto esp mode tunnel || return 1
		ns $gw ip xfrm policy add src $r dst $l dir fwd \
			tmpl src $peer dst $me proto esp mode tunnel || return 1
	done
}

# measure IMPL: Mbit/s received for one TCP stream lanA -> lanB; notes the
# stream's retransmissions and the receiving gateway's replay drops
measure() {
	ns lanB iperf3 -s -1 -D -B $HB || return 1
	wait_listen lanB 5201 || return 1
	ns lanA ping -c 2 -W 2 $HB >/dev/null || { echo 0; return 0; }
	ns lanA iperf3 -c $HB -t "$SECS" -J > "$VGATE_TMP/iperf.json" 2>/dev/null
	python3 - "$VGATE_TMP/iperf.json" <<-'PY'
	import json, sys
	d = json.load(open(sys.argv[1]))
	print("%.1f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))
	print("retransmits=%d" % d["end"]["sum_sent"].get("retransmits", -1), file=sys.stderr)
	PY
	if [ "$1" = vgate ]; then
		echo "replay-drops=$(drop_count gwB replay) mtu-drops=$(drop_count gwA mtu)" >&2
	else
		ns gwB ip -s xfrm state | awk '/replay-window [0-9]+ replay/ { print "xfrm " $0 }' >&2
	fi
}

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# run IMPL ALG: one measurement on a fresh topology, into $RESULT (not a
# subshell: the topology's namespaces must be remembered for teardown)
run() {
	topo_teardown
	topo_gw_pair gwA gwB
	[ "$FAM" = 6 ] && add_ipv6
	RESULT=0
	if "setup_$1" "$2"; then
		RESULT=$(measure "$1" 2> "$VGATE_TMP/diag")
		echo "# $1 $2 IPv$FAM: $RESULT Mbit/s $(tr '\n' ' ' < "$VGATE_TMP/diag")"
	else
		echo "# setup_$1 $2 failed"
	fi
}

# BENCH_CASES: a subset of the cases, e.g. "natt:4 gcm:6"
for c in ${BENCH_CASES:-null:4 gcm:4 natt:4 gcm:6}; do
	alg=${c%:*}
	set_family "${c#*:}"
	v=(); x=()
	for _ in $(seq "$ROUNDS"); do
		run xfrm $alg; x+=("$RESULT")
		run vgate $alg; v+=("$RESULT")
	done
	echo "# $alg IPv$FAM: vgate ${v[*]} Mbit/s; xfrm ${x[*]} Mbit/s"
	vm=$(median "${v[@]}"); xm=$(median "${x[@]}")
	case $c in
	null:4) name=esp_null ;;
	gcm:4) name=esp_aes_gcm_128 ;;
	natt:4) name=esp_natt_aes_gcm_128 ;;
	gcm:6) name=esp_ipv6_aes_gcm_128 ;;
	esac
	echo "BENCH $name vgate=${vm}Mbit/s xfrm=${xm}Mbit/s ratio=$(python3 -c "print('%.2f' % ($vm / $xm if $xm else 0))")"
done
grep -E "^(name|driver)" /proc/crypto | paste - - | grep -E "gcm|ghash|aes|sha1|cipher_null" | sed 's/^/# /' | sort -u | head -20
exit 0
