#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bwm_accuracy: two backlogged classes each get their configured rate
# within 2%, in fairness and in priority mode, at the seed's rates (a WAN
# shaped to 1 Mbit/s, FTP-like classes of 100 Kbit/s and 500 Kbit/s) and
# scaled up (10 Mbit/s, classes of 1 and 5 Mbit/s).  Borrowing is off:
# each class is held at exactly its guaranteed rate, in priority mode with
# the classes on priorities 7 and 1.
#
#   gw (vgate_bwm on wan) wan 10.9.0.1/24 ------ peer eth0 10.9.0.2/24
#   iperf3 -u clients, -l 1000                     iperf3 servers 5201, 5202
#
#   filter 1: udp dport 5201 -> class 1; filter 2: udp dport 5202 -> class 2
#   (iperf3's TCP control connections fall in the built-in default class)
#
# Proves, per case: each class's rate from its byte counter over 10 s is
# within 2% of its rate; each class was backlogged (its sender sends
# twice its rate, through a blocking socket the full queue pushes back on)
# at the start and the end of that window; what the iperf3 server
# received (its 1 s reports, the first and last 3 s left out) is within 2%
# of the class rate times 1000/1042 (UDP payload of a 1042-byte Ethernet
# frame: counted lengths include the L2 header).  Rates come from the
# kernel's own timestamps of the counter readings and from iperf3's
# clock, so a slow "vgate" exec does not blur them.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip jq iperf3 python3
bwm_load

bwm_sockbufs

ns_add gw peer
veth_link gw wan 10.9.0.1/24 peer eth0 10.9.0.2/24

# case NAME MODE TOTAL RATE1 RATE2 (bit/s)
run_case() {
	local name=$1 mode=$2 total=$3 r1=$4 r2=$5 s1 s2 g i rid want p
	local pid=() srv=()
	bm gw interface wan enable bandwidth "$total" "$mode"
	# priority mode: the classes on different priorities (7 and 1),
	# which must not move a guaranteed rate when nothing is borrowed
	local prio1=() prio2=()
	[ "$mode" = priority ] && prio1=(priority 7) prio2=(priority 1)
	bm gw class wan add 1 bandwidth "$r1" "${prio1[@]}" borrow off name ftp1
	bm gw class wan add 2 bandwidth "$r2" "${prio2[@]}" borrow off name ftp2
	bm gw filter wan add 1 class 1 protocol udp dport 5201
	bm gw filter wan add 2 class 2 protocol udp dport 5202
	for p in 5201 5202; do
		ns peer iperf3 -s -1 -J -i 1 -p $p >"$VGATE_TMP/srv-$name-$p.json" 2>&1 &
		srv+=($!)
	done
	for p in 5201 5202; do
		wait_listen peer $p || { tap_fail "$name: iperf3 server $p"; return; }
	done
	# A blocking UDP socket: the class's queue pushes back on the sender
	# through the socket buffer (no drops, no ENOBUFS ending iperf3).
	for i in 1 2; do
		rid=r$i
		ns gw iperf3 -c 10.9.0.2 -p $((5200 + i)) -u -l 1000 \
			-b $((2 * ${!rid})) -w 2M -t 30 -J \
			--logfile "$VGATE_TMP/cli-$name-$((5200 + i)).json" \
			>/dev/null 2>&1 &
		pid+=($!)
	done
	if ! wait_for backlogged gw wan 1 || ! wait_for backlogged gw wan 2; then
		if ! debug_kernel; then
			tap_fail "$name: both classes backlogged"
			kill "${pid[@]}" "${srv[@]}" 2>/dev/null
			wait
			bm gw interface wan disable
			return
		fi
		echo "# $name: the classes are not both backlogged (debug kernel: measured anyway)"
	fi
	s1=$(bwm_snap gw wan)
	sleep 10
	s2=$(bwm_snap gw wan)
	# the readings themselves show the queues full at both ends
	if [ "$(bwm_backlog "$s1" 1)" -gt 0 ] && [ "$(bwm_backlog "$s1" 2)" -gt 0 ] &&
	   [ "$(bwm_backlog "$s2" 1)" -gt 0 ] && [ "$(bwm_backlog "$s2" 2)" -gt 0 ]; then
		tap_ok "$name: both classes backlogged through the window"
	else
		tap_rate_fail "$name: both classes backlogged through the window"
		# which reading had an empty queue, and the classes' drops and
		# stalls (stall_ns: time the root could not send)
		echo "# $name: id:bytes:time_ns:backlog at start: $s1"
		echo "# $name: id:bytes:time_ns:backlog at end:   $s2"
		vgate gw -j bm show class wan | sed 's/^/#   /'
	fi
	for i in 1 2; do
		rid=r$i
		g=$(bwm_rate "$s1" "$s2" $i)
		echo "# $name class $i: $g bit/s for ${!rid} ($(err_pct "$g" "${!rid}")%)"
		if within "$g" "${!rid}" 2; then
			tap_ok "$name: class $i at its rate within 2% (counters)"
		else
			tap_rate_fail "$name: class $i at its rate within 2% (counters)"
		fi
	done
	wait "${pid[@]}"
	wait "${srv[@]}"
	# A queue only stays full if its sender outruns the class: the
	# sender's slowest second says whether it did (a starved sender in a
	# slow guest, not the shaper, empties a queue).
	for i in 1 2; do
		echo "# $name sender $i: slowest 1 s $(jq -r '[.intervals[].sum |
			.bytes * 8 / .seconds | floor] | min' \
			"$VGATE_TMP/cli-$name-$((5200 + i)).json" 2>/dev/null) bit/s"
	done
	for i in 1 2; do
		rid=r$i
		want=$(( ${!rid} * 1000 / 1042 ))
		g=$(iperf_rate "$VGATE_TMP/srv-$name-$((5200 + i)).json" 3)
		g=${g:-0}
		echo "# $name class $i: iperf3 server received $g bit/s of UDP payload for $want ($(err_pct "$g" "$want")%)"
		if within "$g" "$want" 2; then
			tap_ok "$name: class $i at its rate within 2% (iperf3)"
		else
			tap_rate_fail "$name: class $i at its rate within 2% (iperf3)"
		fi
	done
	bm gw interface wan disable
}

tap_plan 15

run_case fairness fairness 1m 100000 500000
run_case priority priority 1m 100000 500000
run_case scaled fairness 10m 1000000 5000000

tap_done
