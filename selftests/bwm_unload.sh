#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bwm_unload: vgate_bwm attaches without tc and always gives a device its
# previous queueing discipline back: on "disable", when tc deletes ours,
# when the device goes, and when the module is unloaded while it shapes
# traffic on several devices in two namespaces.  The harness fails the
# test on any BUG, WARNING or slab complaint.
#
#   gw:    lan (veth, noqueue) ---------- peer eth0    10.9.0.1 <-> .2
#          wan0 (veth, 4 tx queues, mq root with per-queue children) -- peer eth1
#          dummy0 (pfifo limit 77), route 10.77.0.0/24 -> dummy0
#          dummy1, dummy2 (noqueue)
#   other: dummy0 (tbf), a second namespace
#
# Proves: the root is vgate_bwm on each enabled device (one instance on
# every tx queue of wan0); tc cannot create a vgate_bwm qdisc; disable
# restores the exact qdiscs (tc qdisc show before == after); tc deleting
# ours is survived and disable then works; a device deleted while shaped
# leaves no binding; rmmod while pings flow through lan and into dummy0
# restores every device in both namespaces and traffic still flows; the
# module loads, shapes and unloads again.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip tc jq ping
bwm_load

ns_add gw peer other
veth_link gw lan 10.9.0.1/24 peer eth0 10.9.0.2/24
ip link add wan0 netns gw numtxqueues 4 numrxqueues 4 type veth \
	peer name eth1 netns peer numtxqueues 4 numrxqueues 4
ns gw ip addr add 10.9.1.1/24 dev wan0
ns peer ip addr add 10.9.1.2/24 dev eth1
ns gw ip link set wan0 up
ns peer ip link set eth1 up
ns gw tc qdisc add dev wan0 root handle 1: mq
for d in dummy0 dummy1 dummy2; do
	ns gw ip link add $d type dummy
	ns gw ip link set $d up
done
ns gw tc qdisc add dev dummy0 root pfifo limit 77
ns gw ip addr add 10.77.0.1/32 dev dummy0
ns gw ip route add 10.77.0.0/24 dev dummy0
ns other ip link add dummy0 type dummy
ns other ip link set dummy0 up
ns other tc qdisc add dev dummy0 root tbf rate 1mbit burst 10k latency 50ms

qdiscs() { ns "$1" tc qdisc show | sed 's/ refcnt [0-9]*//'; }
root_kind() { ns "$1" tc -j qdisc show dev "$2" root | jq -r '.[0].kind'; }

before_gw=$(qdiscs gw)
before_other=$(qdiscs other)
echo "# gw before:"
echo "$before_gw" | sed 's/^/#   /'

tap_plan 15

enable() {
	bm "$1" interface "$2" enable bandwidth 10m &&
	bm "$1" class "$2" add 1 bandwidth 1m &&
	bm "$1" filter "$2" add 1 class 1 protocol icmp
}
ok=1
for d in lan wan0 dummy0 dummy1 dummy2; do
	enable gw $d || ok=0
done
enable other dummy0 || ok=0
for d in lan wan0 dummy0 dummy1 dummy2; do
	[ "$(root_kind gw $d)" = vgate_bwm ] || ok=0
done
[ "$(root_kind other dummy0)" = vgate_bwm ] || ok=0
check_eq "vgate_bwm is the root of every enabled device, both namespaces" $ok 1
# wan0's four tx queues all hold the one instance: no per-queue children
check_eq "one instance for all of wan0's tx queues" \
	"$(ns gw tc qdisc show dev wan0 | wc -l)" 1

out=$(ns gw ip link add dummy9 type dummy 2>&1 &&
	ns gw tc qdisc add dev dummy9 root vgate_bwm 2>&1)
rc=$?
echo "$out" | sed 's/^/# tc: /'
if [ $rc != 0 ] && echo "$out" | grep -q "vgate bm interface"; then
	tap_ok "tc cannot create a vgate_bwm qdisc"
else
	tap_fail "tc cannot create a vgate_bwm qdisc"
fi

bm gw interface dummy0 disable
check_eq "disable restores dummy0's pfifo limit 77" \
	"$(qdiscs gw | grep 'dev dummy0 ')" \
	"$(echo "$before_gw" | grep 'dev dummy0 ')"
enable gw dummy0

check "tc can delete ours (handle 7b0d:)" ns gw tc qdisc del dev dummy1 root
check "tc deleting ours: the interface can still be disabled" \
	bm gw interface dummy1 disable
check_eq "then dummy1 is not listed as enabled" \
	"$(vgate gw -j bm show interface | jq -r '[.interfaces[].name] | index("dummy1")')" null

ns gw ip link del dummy2
check_eq "a deleted device leaves no binding" \
	"$(vgate gw -j bm show interface | jq -r '[.interfaces[].name] | sort | join(",")')" \
	"dummy0,lan,wan0"

# traffic through lan and into dummy0 while the module goes
ns gw ping -q -i 0.05 -w 600 10.9.0.2 >/dev/null 2>&1 &
ping1=$!
ns gw ping -q -i 0.05 -w 600 10.77.0.5 >/dev/null 2>&1 &
ping2=$!
wait_for sh -c "[ \$(ip netns exec gw $VGATE -j bm show class lan | jq '.classes[] | select(.id == 1) | .stats.packets') -gt 5 ]"
check "icmp shaped in class 1 of lan before the unload" \
	test "$(cls_stat gw lan 1 packets)" -gt 5
check "rmmod vgate_bwm while shaping" rmmod vgate_bwm
# dummy1 lost its qdisc to tc above: it has the default now
check_eq "gw: every device has its previous qdiscs back" \
	"$(qdiscs gw | grep -v 'dev dummy1 ')" \
	"$(echo "$before_gw" | grep -v -e 'dev dummy1 ' -e 'dev dummy2 ')"
check_eq "other namespace: dummy0 has its tbf back" "$(qdiscs other)" \
	"$before_other"
check "traffic flows through lan after the unload" \
	ns gw ping -c 2 -W 5 10.9.0.2
kill $ping1 $ping2 2>/dev/null
wait $ping1 $ping2 2>/dev/null

insmod "$BWM_KO"
enable gw lan && enable gw wan0
check "loads, shapes and unloads again" sh -c \
	"[ \"\$(ip netns exec gw tc -j qdisc show dev wan0 root | jq -r '.[0].kind')\" = vgate_bwm ] && rmmod vgate_bwm"
check_eq "and wan0 has its mq back" "$(root_kind gw wan0)" mq

tap_done
