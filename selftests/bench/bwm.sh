#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bandwidth manager's benchmarks, in one VM run:
#
#   BENCH bwm_rate_error error=<worst>%
#     the seed's scenario (a 1 Mbit/s WAN, two FTP-like classes of 100 and
#     500 Kbit/s, both backlogged, borrowing off) and the same scaled to
#     10 and 50 Mbit/s, forwarded by gw:
#
#       src 10.9.0.2 ---- gw (forwards; shapes "out") ---- dst 10.8.0.2
#
#     each class's rate from its byte counter between two readings (the
#     kernel's timestamps of the readings); the worst relative error of
#     any class against its rate.  A reading can fall anywhere between
#     two packets, so a window of W seconds measures a class of R bit/s
#     to within one packet, 8 * 1042 / (W * R): the 1 Mbit/s case runs
#     for 30 s (0.28% for 100k), the others for $SECS s.  1 and 10 Mbit/s
#     are iperf3 UDP (1000-byte datagrams, twice the rate offered, a
#     blocking socket); an emulated VM cannot send 60 Mbit/s of UDP
#     datagrams, so 50 Mbit/s is iperf3 TCP, four connections per class
#     (FTP-like bulk data; GSO packets, split by the shaper; with one
#     connection the sawtooth of its window empties the queue at times).
#
#   BENCH bwm_cpu_vs_htb vgate=<ns/pkt> htb=<ns/pkt> ratio=<vgate/htb>
#     CPU time per packet through the queueing layer of a dummy device
#     with an equivalent two-class setup (vgate_bwm; HTB with u32
#     filters), neither class at its limit so both classify, queue and
#     pass: pktgen (queue_xmit mode, the path a forwarded packet takes
#     from dev_queue_xmit()) sends $PKTS UDP packets to ports 5201 and
#     5202 in turn, busy on one CPU; ns per packet is its elapsed time
#     over the count.  Median of $ROUNDS alternating runs.  The same
#     without a shaper (noqueue) is printed too, and each shaper's share
#     above it.

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
for c in "1m 100000 500000 udp 30" "10m 1000000 5000000 udp $SECS" \
	 "50m 5000000 25000000 tcp $SECS"; do
	set -- $c
	bm gw interface out enable bandwidth "$1"
	bm gw class out add 1 bandwidth "$2" borrow off
	bm gw class out add 2 bandwidth "$3" borrow off
	bm gw filter out add 1 class 1 protocol "$4" dport 5201
	bm gw filter out add 2 class 2 protocol "$4" dport 5202
	servers
	if [ "$4" = udp ]; then
		ns src iperf3 -c 10.8.0.2 -p 5201 -u -l 1000 -b $(($2 * 2)) -w 2M -t $(($5 + 15)) >/dev/null 2>&1 &
		ns src iperf3 -c 10.8.0.2 -p 5202 -u -l 1000 -b $(($3 * 2)) -w 2M -t $(($5 + 15)) >/dev/null 2>&1 &
	else
		ns src iperf3 -c 10.8.0.2 -p 5201 -P 4 -t $(($5 + 20)) >/dev/null 2>&1 &
		ns src iperf3 -c 10.8.0.2 -p 5202 -P 4 -t $(($5 + 20)) >/dev/null 2>&1 &
	fi
	wait_for backlogged gw out 1 && wait_for backlogged gw out 2
	# past TCP's slow start
	sleep $([ "$4" = tcp ] && echo 6 || echo 2)
	s1=$(bwm_snap gw out)
	sleep "$5"
	s2=$(bwm_snap gw out)
	for i in 1 2; do
		want=$(( i == 1 ? $2 : $3 ))
		g=$(bwm_rate "$s1" "$s2" $i)
		e=$(err_pct "$g" "$want")
		echo "# rate: interface $1, $4, ${5} s, class $i: $g bit/s for $want ($e%, backlog $(bwm_backlog "$s1" $i) and $(bwm_backlog "$s2" $i))"
		worst=$(awk -v a="$worst" -v b="$e" 'BEGIN { if (b < 0) b = -b; print (b > a ? b : a) }')
	done
	ns_stop src dst
	wait
	bm gw interface out disable
done
echo "BENCH bwm_rate_error error=${worst}%"

# ---- CPU per packet against HTB ----
modprobe pktgen 2>/dev/null || { echo "# no pktgen: bwm_cpu_vs_htb not measured"; exit 0; }
PKTS=${BENCH_PKTS:-200000}
ns_add pg
ns pg ip link add bwm0 type dummy
ns pg ip link set bwm0 up
ns pg ip addr add 10.7.0.1/24 dev bwm0

setup_vgate() {
	bm pg interface bwm0 enable bandwidth 10g
	bm pg class bwm0 add 1 bandwidth 4g borrow off
	bm pg class bwm0 add 2 bandwidth 4g borrow off
	bm pg filter bwm0 add 1 class 1 protocol udp dport 5201
	bm pg filter bwm0 add 2 class 2 protocol udp dport 5202
}
setup_htb() {
	ns pg tc qdisc add dev bwm0 root handle 1: htb default 30
	ns pg tc class add dev bwm0 parent 1: classid 1:1 htb rate 10gbit
	ns pg tc class add dev bwm0 parent 1:1 classid 1:10 htb rate 4gbit ceil 4gbit
	ns pg tc class add dev bwm0 parent 1:1 classid 1:20 htb rate 4gbit ceil 4gbit
	ns pg tc class add dev bwm0 parent 1:1 classid 1:30 htb rate 2gbit ceil 10gbit
	ns pg tc filter add dev bwm0 parent 1: protocol ip u32 \
		match ip protocol 17 0xff match ip dport 5201 0xffff flowid 1:10
	ns pg tc filter add dev bwm0 parent 1: protocol ip u32 \
		match ip protocol 17 0xff match ip dport 5202 0xffff flowid 1:20
}

pgset() { ns pg sh -c "echo '$2' >/proc/net/pktgen/$1"; }

# one KIND: ns of one CPU per packet sent through bwm0's qdisc
one() {
	local r
	case $1 in vgate) setup_vgate ;; htb) setup_htb ;; esac
	pgset kpktgend_0 rem_device_all
	pgset kpktgend_0 "add_device bwm0"
	pgset bwm0 "count $PKTS"
	pgset bwm0 "pkt_size 128"
	pgset bwm0 "delay 0"
	pgset bwm0 "xmit_mode queue_xmit"
	pgset bwm0 "dst 10.7.0.2"
	pgset bwm0 "dst_mac 02:00:00:00:07:02"
	pgset bwm0 "udp_dst_min 5201"
	pgset bwm0 "udp_dst_max 5202"
	pgset pgctrl start
	# "Result: OK: 1234567(c...+d...) usec, 200000 (128byte,0frags)"
	r=$(ns pg grep -o 'Result: OK: [0-9]*(.*) usec, [0-9]*' /proc/net/pktgen/bwm0)
	case $1 in
	vgate) bm pg interface bwm0 disable ;;
	htb) ns pg tc qdisc del dev bwm0 root ;;
	esac
	awk -v r="$r" 'BEGIN { split(r, f, /[: (]+/); n = f[length(f)];
		us = f[3]; printf "%.0f", n ? us * 1000 / n : 0 }'
}

bs=() vs=() hs=()
for r in $(seq "$ROUNDS"); do
	bs+=("$(one none)")
	vs+=("$(one vgate)")
	hs+=("$(one htb)")
	echo "# cpu round $r: none ${bs[-1]} ns/pkt, vgate ${vs[-1]} ns/pkt, htb ${hs[-1]} ns/pkt"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
nm=$(median "${bs[@]}"); vm=$(median "${vs[@]}"); hm=$(median "${hs[@]}")
echo "# cpu medians: none ${nm}, vgate ${vm}, htb ${hm} ns/pkt (pktgen's own work included)"
echo "# shaper's share above none: vgate $((vm - nm)), htb $((hm - nm)) ns/pkt, ratio $(awk -v a=$((vm - nm)) -v b=$((hm - nm)) 'BEGIN { printf "%.2f", b > 0 ? a / b : 0 }')"
echo "BENCH bwm_cpu_vs_htb vgate=${vm}ns/pkt htb=${hm}ns/pkt ratio=$(awk -v a="$vm" -v b="$hm" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
