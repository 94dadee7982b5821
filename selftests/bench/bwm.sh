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
#     CPU time per packet in the shaper, for an equivalent two-class setup
#     on a dummy device (vgate_bwm; HTB with u32 filters), neither class
#     at its limit so both classify, queue and pass: pktgen (queue_xmit
#     mode, the path a forwarded packet takes from dev_queue_xmit()) sends
#     $PKTS UDP packets to ports 5201 and 5202 in turn, busy on one CPU,
#     while perf samples every CPU (the qdisc may run on another one, from
#     the NET_TX softirq); a shaper's ns per packet is the run's time per
#     packet times the CPUs times the share of samples in its own code
#     (bwm_*; htb_*, u32_* and the tcf_* classifier and action code).  Median of $CPU_ROUNDS alternating
#     runs.  Whole-path times (pktgen included) are printed too, with
#     noqueue for reference: the emulated VM's noise between runs is
#     larger than either shaper's cost, which is why samples are used.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_bwm.sh"
require_cmd iperf3 ip tc jq python3 perf

SECS=${BENCH_SECS:-12}
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
		echo "# rate: interface $1, $4, ${5} s, class $i: $g bit/s for $want ($e%, backlog $(bwm_backlog "$s1" $i) and $(bwm_backlog "$s2" $i), stalled $(( $(cls_stat gw out $i stall_ns) / 1000000 )) ms)"
		worst=$(awk -v a="$worst" -v b="$e" 'BEGIN { if (b < 0) b = -b; print (b > a ? b : a) }')
	done
	ns_stop src dst
	wait
	bm gw interface out disable
done
echo "BENCH bwm_rate_error error=${worst}%"

# ---- CPU per packet against HTB ----
modprobe pktgen 2>/dev/null || { echo "# no pktgen: bwm_cpu_vs_htb not measured"; exit 0; }
PKTS=${BENCH_PKTS:-100000}
CPU_ROUNDS=${BENCH_CPU_ROUNDS:-5}
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

# The shapers' own code: what the kernel runs for vgate_bwm and not for
# noqueue, and likewise for HTB with its u32 filters (the qdisc core
# both go through, __qdisc_run() and the lock, is left out of both).
SYMS_vgate='[]] bwm_'
SYMS_htb='[]] (htb_|u32_|__?tcf_)'

# one KIND: "TOTAL SHAPER" ns per packet: the whole run's, and the
# shaper's own code's from the samples
one() {
	local r el n pct
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
	perf record -q -a -e cpu-clock -F 4000 -o "$VGATE_TMP/pg.data" -- \
		ip netns exec pg sh -c 'echo start >/proc/net/pktgen/pgctrl' 2>/dev/null
	# "Result: OK: 1234567(c...+d...) usec, 100000 (128byte,0frags)"
	r=$(ns pg grep -o 'Result: OK: [0-9]*(.*) usec, [0-9]*' /proc/net/pktgen/bwm0)
	case $1 in
	vgate) bm pg interface bwm0 disable ;;
	htb) ns pg tc qdisc del dev bwm0 root ;;
	esac
	el=$(awk -v r="$r" 'BEGIN { split(r, f, /[: (]+/); print f[3] }')
	n=$(awk -v r="$r" 'BEGIN { n = split(r, f, /[: (]+/); print f[n] }')
	local re=SYMS_$1
	pct=0
	[ -n "${!re:-}" ] &&
		pct=$(perf report -i "$VGATE_TMP/pg.data" --sort sym --stdio 2>/dev/null |
		      awk -v re="${!re}" '/^ +[0-9.]+%/ && $0 ~ re { s += $1 } END { print s + 0 }')
	# every CPU sampled, idle included: shares of nproc CPUs' time
	awk -v el="$el" -v n="$n" -v p="$pct" -v c="$(nproc)" 'BEGIN {
		if (!n) { print "0 0"; exit }
		printf "%.0f %.0f\n", el * 1000 / n, el * 1000 / n * p / 100 * c }'
}

bt=() vt=() ht=() vs=() hs=()
for r in $(seq "$CPU_ROUNDS"); do
	read -r t _ <<<"$(one none)"; bt+=("$t")
	read -r t x <<<"$(one vgate)"; vt+=("$t"); vs+=("$x")
	read -r t x <<<"$(one htb)"; ht+=("$t"); hs+=("$x")
	echo "# cpu round $r: ns/pkt in all (shaper's own code): none ${bt[-1]}, vgate ${vt[-1]} (${vs[-1]}), htb ${ht[-1]} (${hs[-1]})"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
nm=$(median "${bt[@]}"); vtm=$(median "${vt[@]}"); htm=$(median "${ht[@]}")
echo "# cpu medians, ns/pkt in all: none $nm, vgate $vtm, htb $htm; above none: vgate $((vtm - nm)), htb $((htm - nm)) (pktgen's own work, and clock reads, included; the emulated VM's noise between runs is of the order of the shapers' cost)"
vm=$(median "${vs[@]}"); hm=$(median "${hs[@]}")
echo "BENCH bwm_cpu_vs_htb vgate=${vm}ns/pkt htb=${hm}ns/pkt ratio=$(awk -v a="$vm" -v b="$hm" 'BEGIN { printf "%.2f", b ? a / b : 0 }')"
