#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bandwidth manager's benchmarks, in one VM run:
#
#   BENCH bwm_rate_error error=<worst>%
#     the seed's scenario (a 1 Mbit/s WAN, two FTP-like classes of 100 and
#     500 Kbit/s, both backlogged, borrowing off) and the same scaled to
#     10 and 50 Mbit/s; each class's rate from its byte counter over
#     $SECS s (the kernel's timestamps of the readings); the worst relative
#     error of any class against its rate.
#   BENCH bwm_cpu_vs_htb vgate=<us/pkt> htb=<us/pkt> ratio=<vgate/htb>
#     CPU time of the whole VM (non-idle, /proc/stat) per packet forwarded
#     by gw through an equivalent two-class setup: vgate_bwm, then HTB
#     with u32 filters; 2 x 20 Mbit/s of UDP, below the classes' rates,
#     so both only classify and pass; median of $ROUNDS alternating runs.
#     The same without a shaper (veth's noqueue) is printed too, and each
#     shaper's share above it.
#
#   src 10.9.0.2 ---- gw (forwards; shapes "out") ---- dst 10.8.0.2

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_bwm.sh"
require_cmd iperf3 ip tc jq python3

SECS=${BENCH_SECS:-12}
ROUNDS=${BENCH_ROUNDS:-3}
bwm_load
bwm_sockbufs

ns_add src gw dst
veth_link src eth0 10.9.0.2/24 gw in 10.9.0.1/24
veth_link gw out 10.8.0.1/24 dst eth0 10.8.0.2/24
ns src ip route add default via 10.9.0.1
ns dst ip route add default via 10.8.0.1
ns gw sysctl -qw net.ipv4.ip_forward=1

servers() {
	local p
	for p in 5201 5202; do
		ns dst iperf3 -s -1 -p $p >/dev/null 2>&1 &
	done
	wait_listen dst 5201 && wait_listen dst 5202
}

# ---- rate error ----
worst=0
for c in "1m 100000 500000" "10m 1000000 5000000" "50m 5000000 25000000"; do
	set -- $c
	bm gw interface out enable bandwidth "$1"
	bm gw class out add 1 bandwidth "$2" borrow off
	bm gw class out add 2 bandwidth "$3" borrow off
	bm gw filter out add 1 class 1 protocol udp dport 5201
	bm gw filter out add 2 class 2 protocol udp dport 5202
	servers
	ns src iperf3 -c 10.8.0.2 -p 5201 -u -l 1000 -b $(($2 * 2)) -w 2M -t $((SECS + 15)) >/dev/null 2>&1 &
	ns src iperf3 -c 10.8.0.2 -p 5202 -u -l 1000 -b $(($3 * 2)) -w 2M -t $((SECS + 15)) >/dev/null 2>&1 &
	wait_for backlogged gw out 1 && wait_for backlogged gw out 2
	sleep 2
	s1=$(bwm_snap gw out)
	sleep "$SECS"
	s2=$(bwm_snap gw out)
	for i in 1 2; do
		want=$(( i == 1 ? $2 : $3 ))
		g=$(bwm_rate "$s1" "$s2" $i)
		e=$(err_pct "$g" "$want")
		echo "# rate: interface $1, class $i: $g bit/s for $want ($e%, backlog $(bwm_backlog "$s2" $i))"
		worst=$(awk -v a="$worst" -v b="$e" 'BEGIN { if (b < 0) b = -b; print (b > a ? b : a) }')
	done
	ns_stop src dst
	wait
	bm gw interface out disable
done
echo "BENCH bwm_rate_error error=${worst}%"

# ---- CPU per packet against HTB ----
setup_vgate() {
	bm gw interface out enable bandwidth 400m
	bm gw class out add 1 bandwidth 100m borrow off
	bm gw class out add 2 bandwidth 100m borrow off
	bm gw filter out add 1 class 1 protocol udp dport 5201
	bm gw filter out add 2 class 2 protocol udp dport 5202
}
setup_htb() {
	ns gw tc qdisc add dev out root handle 1: htb default 30
	ns gw tc class add dev out parent 1: classid 1:1 htb rate 400mbit
	ns gw tc class add dev out parent 1:1 classid 1:10 htb rate 100mbit ceil 100mbit
	ns gw tc class add dev out parent 1:1 classid 1:20 htb rate 100mbit ceil 100mbit
	ns gw tc class add dev out parent 1:1 classid 1:30 htb rate 200mbit ceil 400mbit
	ns gw tc filter add dev out parent 1: protocol ip u32 \
		match ip protocol 17 0xff match ip dport 5201 0xffff flowid 1:10
	ns gw tc filter add dev out parent 1: protocol ip u32 \
		match ip protocol 17 0xff match ip dport 5202 0xffff flowid 1:20
}
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# one KIND: prints microseconds of CPU per forwarded packet
one() {
	local b0 b1 p0 p1 hz
	case $1 in vgate) setup_vgate ;; htb) setup_htb ;; esac
	servers
	p0=$(ns gw cat /sys/class/net/out/statistics/tx_packets)
	b0=$(busy)
	ns src iperf3 -c 10.8.0.2 -p 5201 -u -l 1000 -b 20m -t "$SECS" >/dev/null 2>&1 &
	c1=$!
	ns src iperf3 -c 10.8.0.2 -p 5202 -u -l 1000 -b 20m -t "$SECS" >/dev/null 2>&1
	wait $c1
	b1=$(busy)
	p1=$(ns gw cat /sys/class/net/out/statistics/tx_packets)
	ns_stop dst
	wait
	case $1 in
	vgate) bm gw interface out disable ;;
	htb) ns gw tc qdisc del dev out root ;;
	esac
	hz=$(getconf CLK_TCK)
	awk -v b=$((b1 - b0)) -v p=$((p1 - p0)) -v hz="$hz" 'BEGIN { printf "%.2f", p ? b * 1e6 / hz / p : 0 }'
}

# none: the same forwarding with veth's own noqueue, to tell the shapers'
# share from iperf3's and the forwarding path's
bs=() vs=() hs=()
for r in $(seq "$ROUNDS"); do
	bs+=("$(one none)")
	vs+=("$(one vgate)")
	hs+=("$(one htb)")
	echo "# cpu round $r: none ${bs[-1]} us/pkt, vgate ${vs[-1]} us/pkt, htb ${hs[-1]} us/pkt"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
nm=$(median "${bs[@]}"); vm=$(median "${vs[@]}"); hm=$(median "${hs[@]}")
echo "# cpu medians: none ${nm}, vgate ${vm}, htb ${hm} us/pkt (whole VM: iperf3 at both ends, forwarding, the shaper)"
echo "# shaper's share above none: vgate $(awk -v a="$vm" -v n="$nm" 'BEGIN { printf "%.2f", a - n }'), htb $(awk -v a="$hm" -v n="$nm" 'BEGIN { printf "%.2f", a - n }') us/pkt"
echo "BENCH bwm_cpu_vs_htb vgate=${vm}us/pkt htb=${hm}us/pkt ratio=$(awk -v a="$vm" -v b="$hm" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
