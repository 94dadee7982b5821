#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bwm_wlan: the seed's "BWM does not work on wireless LAN".  Two emulated
# radios (mac80211_hwsim) in an IBSS, each in its own namespace; gw's
# wireless interface is shaped like any other:
#
#   gw wlan (hwsim radio, IBSS "vgate") 10.9.2.1 ~~~ peer wlan 10.9.2.2
#   (both join one fixed BSSID: two IBSSs started apart need not merge
#   within any time under emulation)
#   wlan: 4 Mbit/s; class 1: 1 Mbit/s, borrow off, udp dport 5201
#
# Class 1, offered 2 Mbit/s of UDP through a blocking socket, is
# backlogged and its rate from its counters over 8 s is within 2%; the
# iperf3 server receives 1m * 1000/1042 within 2% (the qdisc sees the
# Ethernet frame mac80211 takes from the stack, 1042 bytes for a
# 1000-byte UDP payload, before it becomes an 802.11 frame); the device's
# qdiscs (`tc qdisc show`) are the same after disable as before enable.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip jq iperf3 iw tc
[ -d /sys/module/mac80211_hwsim ] &&
	skip_all "mac80211_hwsim is loaded already (its radios are someone's)"
modprobe mac80211_hwsim radios=2 2>/dev/null ||
	skip_all "no mac80211_hwsim"
unload_at_exit mac80211_hwsim
bwm_load
bwm_sockbufs

tap_plan 5

# the two radios (the VM has no other wireless device) and their
# interfaces, into gw and peer
phys=()
for p in /sys/class/ieee80211/*; do
	[ -e "$p" ] && phys+=("$(basename "$p")")
done
[ ${#phys[@]} -eq 2 ] || { echo "Bail out! wireless phys: ${phys[*]}"; exit 1; }
# phydev PHY: its network interface
phydev() {
	local d
	for d in /sys/class/net/*; do
		[ "$(cat "$d/phy80211/name" 2>/dev/null)" = "$1" ] && basename "$d"
	done
}
ns_add gw peer
i=0
for n in gw peer; do
	dev=$(phydev "${phys[$i]}")
	[ -n "$dev" ] || { echo "Bail out! no interface of ${phys[$i]}"; exit 1; }
	iw phy "${phys[$i]}" set netns name "$n"
	ns "$n" ip link set "$dev" name wlan
	ns "$n" iw dev wlan set type ibss
	ns "$n" ip addr add "10.9.2.$((i + 1))/24" dev wlan
	ns "$n" ip link set wlan up
	ns "$n" iw dev wlan ibss join vgate 2412 fixed-freq 02:00:00:76:67:01
	i=$((i + 1))
done
if wait_for ns gw ping -c 1 -W 1 10.9.2.2; then
	tap_ok "gw and peer reach each other over the IBSS"
else
	tap_fail "gw and peer reach each other over the IBSS"
	for n in gw peer; do
		{ ns "$n" iw dev wlan info; ns "$n" iw dev wlan link
		  ns "$n" iw dev wlan station dump; ns "$n" ip -s link show wlan
		} 2>&1 | sed "s/^/# $n: /"
	done
	iw reg get 2>&1 | sed 's/^/# reg: /'
	echo "Bail out! no IBSS between the two radios"
	exit 1
fi

before=$(ns gw tc qdisc show dev wlan)
echo "$before" | sed 's/^/# before: /'
bm gw interface wlan enable bandwidth 4m
bm gw class wlan add 1 bandwidth 1m borrow off
bm gw filter wlan add 1 class 1 protocol udp dport 5201
check_eq "wlan's root is vgate_bwm" \
	"$(ns gw tc qdisc show dev wlan | awk '/ root / { print $2 }')" vgate_bwm

ns peer iperf3 -s -1 -J -i 1 -p 5201 >"$VGATE_TMP/srv.json" 2>&1 &
srv=$!
wait_listen peer 5201
ns gw iperf3 -c 10.9.2.2 -p 5201 -u -l 1000 -b 2m -w 2M -t 20 \
	--connect-timeout 10000 >/dev/null 2>&1 &
cli=$!
if wait_for backlogged gw wlan 1; then
	s1=$(bwm_snap gw wlan)
	sleep 8
	s2=$(bwm_snap gw wlan)
	g=$(bwm_rate "$s1" "$s2" 1)
	echo "# wlan: class 1 at $g bit/s for 1000000 ($(err_pct "$g" 1000000)%)"
	if [ "$(bwm_backlog "$s2" 1)" -gt 0 ] && within "$g" 1000000 2; then
		tap_ok "wlan: class 1 backlogged and within 2% of 1000000"
	else
		tap_rate_fail "wlan: class 1 backlogged and within 2% of 1000000"
	fi
else
	tap_rate_fail "wlan: class 1 backlogged and within 2% of 1000000"
	vgate gw bm show class wlan | sed 's/^/# /'
fi
wait $cli
wait $srv
g=$(iperf_rate "$VGATE_TMP/srv.json" 3)
want=$((1000000 * 1000 / 1042))
echo "# wlan: iperf3 server received $g bit/s of UDP payload for $want ($(err_pct "${g:-0}" "$want")%)"
check_rate "wlan: the peer receives the class rate (iperf3 within 2%)" \
	within "${g:-0}" "$want" 2

bm gw interface wlan disable
after=$(ns gw tc qdisc show dev wlan)
check_eq "wlan: disable gives back the qdiscs it had" "$after" "$before"

tap_done
