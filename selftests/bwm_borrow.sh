#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bwm_borrow: how spare bandwidth is shared, with two backlogged classes
# that may borrow (each offered 2 Mbit/s through a blocking socket):
#
#   gw (vgate_bwm on wan, 1 Mbit/s) wan 10.9.0.1 ------ peer eth0 10.9.0.2
#   class 1: 100k, class 2: 500k; udp dport 5201 -> 1, 5202 -> 2
#   (the built-in default class's 400k is unused: spare)
#
#   fairness:            spare shared 1:5 -> 166.7k and 833.3k
#   priority, 1 over 2:  class 1 takes all spare -> 500k and 500k
#   then, the same flows going on, class 1 given a ceiling of 300k
#   (class set: the tree is swapped with the queues in place):
#                        300k, the rest to class 2 -> 700k
#
# Each within 3% (rates from the class counters over 8 s, the kernel's
# timestamps), and the ceiling is never exceeded: class 1 at most 300k
# plus 1% over the 8 s, and in each 2 s reading at most that plus its
# ceiling bucket's depth (two packets).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip jq iperf3 python3
bwm_load
bwm_sockbufs

ns_add gw peer
veth_link gw wan 10.9.0.1/24 peer eth0 10.9.0.2/24

both_backlogged() {
	local s
	s=$(bwm_snap gw wan)
	[ "$(bwm_backlog "$s" 1)" -gt 0 ] && [ "$(bwm_backlog "$s" 2)" -gt 0 ]
}

# flows_start NAME: an iperf3 UDP flow to each class, 2 Mbit/s offered
flows_start() {
	local p
	for p in 5201 5202; do
		ns peer iperf3 -s -1 -p $p --forceflush >"$VGATE_TMP/server-$p.txt" 2>&1 &
	done
	for p in 5201 5202; do
		wait_listen peer $p || { tap_fail "$1: iperf3 server $p"; return 1; }
	done
	for p in 5201 5202; do
		ns gw iperf3 -c 10.9.0.2 -p $p -u -l 1000 -b 2m -w 2M -t 60 --forceflush \
			>"$VGATE_TMP/client-$p.txt" 2>&1 &
	done
	wait_for both_backlogged && return
	if debug_kernel; then
		echo "# $1: the classes are not both backlogged (debug kernel: measured anyway)"
		return 0
	fi
	tap_fail "$1: both classes backlogged"
	flows_dump
	return 1
}

flows_dump() {
	vgate gw bm show class wan | sed 's/^/# /'
	tail -n 5 "$VGATE_TMP"/client-*.txt "$VGATE_TMP"/server-*.txt | sed 's/^/# /'
}

# The flows end with every process in the namespaces (not only the
# subshells "ns ... &" left in $!); the interface is disabled after each
# pair of flows, which drops what is still queued: a new iperf3 server
# would otherwise take a dead client's late datagrams for its own.
flows_stop() {
	ns_stop gw peer
	wait
}

# measure NAME WANT1 WANT2 [CEIL1]: the class rates over 8 s, read every
# 2 s; with CEIL1, class 1 also stays under it in each 2 s reading
measure() {
	local name=$1 w1=$2 w2=$3 ceil=${4:-} s=() g i k want bad= max=0
	for k in 0 1 2 3 4; do
		[ $k -gt 0 ] && sleep 2
		s+=("$(bwm_snap gw wan)")
	done
	for i in 1 2; do
		want=w$i
		g=$(bwm_rate "${s[0]}" "${s[4]}" $i)
		echo "# $name: class $i at $g bit/s, want ${!want} ($(err_pct "$g" "${!want}")%)"
		if [ "$(bwm_backlog "${s[4]}" $i)" -gt 0 ] &&
		   within "$g" "${!want}" 3; then
			tap_ok "$name: class $i gets ${!want} bit/s within 3%"
		else
			tap_rate_fail "$name: class $i gets ${!want} bit/s within 3%"
			bad=1
		fi
	done
	if [ -n "$bad" ]; then
		echo "# readings: ${s[0]} / ${s[4]}"
		flows_dump
	fi
	[ -n "$ceil" ] || return 0
	for k in 0 1 2 3; do
		g=$(bwm_rate "${s[$k]}" "${s[$((k + 1))]}" 1)
		[ "$g" -gt "$max" ] && max=$g
	done
	# 2 s readings: the ceiling bucket's depth (two packets) on top
	check "$name: class 1 at most its ceiling $ceil (8 s; highest 2 s reading $max)" \
		awk -v g="$(bwm_rate "${s[0]}" "${s[4]}" 1)" -v m="$max" -v c="$ceil" \
		'BEGIN { exit !(g <= c * 1.01 && m <= c * 1.01 + 2 * 1042 * 8 / 2) }'
}

tap_plan 7

setup() {
	bm gw interface wan enable bandwidth 1m "$1"
	bm gw class wan add 1 bandwidth 100k priority 7 name small
	bm gw class wan add 2 bandwidth 500k priority 1 name large
	bm gw filter wan add 1 class 1 protocol udp dport 5201
	bm gw filter wan add 2 class 2 protocol udp dport 5202
}

setup fairness
flows_start fairness && measure fairness 166667 833333
flows_stop
bm gw interface wan disable

setup priority
if flows_start priority; then
	measure priority 500000 500000
	# the same flows go on; class 1 capped by a change (class set)
	bm gw class wan set 1 ceiling 300k
	sleep 2
	measure "priority, ceiling set while traffic flows" 300000 700000 300000
fi
flows_stop
bm gw interface wan disable

tap_done
