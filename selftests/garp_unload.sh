#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# garp_unload: rmmod vgate_garp while gratuitous ARPs flow and verifications
# are pending (active yes, forceUpdate on, verifyTimeout 10 s); its sysfs
# files go, stock ARP behaviour is back, it loads again with the defaults
# (active no) and unloads again.  The harness fails the test on any BUG,
# WARNING or slab complaint (timers or held packets left behind).
#
#   gw (vgate, vgate_garp) lan 10.0.1.1/24 ------ peer eth0 10.0.1.2/24
#                                                      10.0.1.3/24
#
#   peer announces 10.0.1.100-119 (nobody owns them: each verification runs
#   the full 10 s) and its own 10.0.1.2, 50 times a second each.  Its entry
#   for gw is permanent: it never probes gw (see the pings below).
#   Stock Linux (module unloaded), net.ipv4.conf.lan.arp_accept:
#     0: a gratuitous ARP changes an existing entry, creates none
#     1: it also creates one
#   Module loaded again (active no): neither.
# Then, with verifications pending again, lan is deleted (they go with it)
# and then the namespace; the module unloads after that.

. "$(dirname "$0")/lib.sh"

require_cmd ip jq python3
GARP_KO=${VGATE_GARP_KO:-$REPO/vgate_garp.ko}
[ -f "$GARP_KO" ] || skip_all "$GARP_KO is not built (make modules)"
ARPSEND=$REPO/selftests/tools/arpsend.py

unload_at_exit vgate_garp

GW_MAC=02:00:00:00:01:01
PEER_MAC=02:00:00:00:01:02
FAKE_MAC=02:00:00:00:00:99

ns_add gw peer
ip link add lan netns gw address $GW_MAC type veth peer name eth0 address $PEER_MAC netns peer
printf 'addr add 10.0.1.1/24 dev lan\nlink set lan up\n' | ip -n gw -b -
printf 'addr add 10.0.1.2/24 dev eth0\naddr add 10.0.1.3/24 dev eth0\nlink set eth0 up\n' | ip -n peer -b -

arp() { vgate gw ip arp "$@"; }
gq() { vgate gw -j ip arp show | jq -c "$1"; }
lladdr() {
	ip -n gw -4 neigh show "$1" dev lan |
		awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") { print $(i + 1); exit } }'
}
send() { ns peer python3 -S "$ARPSEND" send eth0 "$@" >/dev/null; }
# settled N: lan has considered N announcements, all decided (seen = sum
# of the outcomes, include/uapi/linux/vgate.h), none pending
settled() {
	vgate gw -j ip arp show | jq -e --argjson n "$1" '.pending == 0 and
		([.interfaces[] | select(.name == "lan") | .counters | .seen >= $n and
		  .seen == .accepted_new + .accepted_changed + .unchanged + .refused_policy +
			.refused_verify + .refused_offsubnet + .rate_limited + .coalesced] | all)' >/dev/null
}
pending_ge() { [ "$(gq .pending)" -ge "$1" ]; }
lladdr_is() { [ "$(lladdr "$1")" = "$2" ]; }
# sysfs_gone NS: no vgate_garp files in NS's view of sysfs
sysfs_gone() {
	ns "$1" sh -c '! test -e /sys/kernel/vgate/garp &&
		! ls -d /sys/class/net/*/vgate_garp 2>/dev/null | grep -q .'
}
garp_gone() {
	! test -e /sys/module/vgate_garp && ! test -e /sys/kernel/vgate/garp &&
		! compgen -G '/sys/class/net/*/vgate_garp' >/dev/null &&
		sysfs_gone gw && sysfs_gone peer
}
unload_again() { rmmod vgate_garp && ! test -e /sys/module/vgate_garp && sysfs_gone peer; }

tap_plan 16

if [ -d /sys/module/vgate_garp ]; then
	echo "# vgate_garp was loaded by someone else: reloading for the defaults"
	rmmod vgate_garp
fi
check "garp_unload: insmod vgate_garp.ko" insmod "$GARP_KO"
[ -d /sys/module/vgate_garp ] || { echo "Bail out! vgate_garp.ko not loaded"; exit 1; }
arp ackGratuitous active yes
arp ackGratuitous forceUpdate on
arp ackGratuitous verifyTimeout 10000
arp ackGratuitous rateLimit 0
check_eq "garp_unload: active yes, forceUpdate on, verifyTimeout 10000, rateLimit 0" \
	"$(gq '[.active, .force_update, .verify_timeout_ms, .rate_limit]')" '["yes","on",10000,0]'
# Diagnostics for the stock checks below, printed only if one fails: what
# happened to the neighbour entries of both sides from the pings on.
DIAG=$VGATE_TMP/garp_unload
mkdir -p "$DIAG"
: >"$DIAG/events"
event() { echo "$(date +%T.%N | cut -c1-12) $*" >>"$DIAG/events"; }
ip -n gw -ts monitor neigh >"$DIAG/monitor-gw" 2>&1 &
mon_gw=$!
ip -n peer -ts monitor neigh >"$DIAG/monitor-peer" 2>&1 &
mon_peer=$!
# send_logged SPEC...: send() whose output and status go to the events
send_logged() {
	local out rc
	out=$(ns peer python3 -S "$ARPSEND" send eth0 "$@" 2>&1)
	rc=$?
	event "send $* -> rc=$rc $out"
}
diag_dump() {
	kill "$mon_gw" "$mon_peer" 2>/dev/null
	wait "$mon_gw" "$mon_peer" 2>/dev/null
	{
		echo "events:"; cat "$DIAG/events"
		echo "ip -s -n gw neigh show dev lan:"; ip -s -n gw neigh show dev lan
		echo "ip -s -n peer neigh show dev eth0:"; ip -s -n peer neigh show dev eth0
		echo "/proc/net/stat/arp_cache:"; cat /proc/net/stat/arp_cache
		echo "ip -n gw monitor neigh:"; cat "$DIAG/monitor-gw"
		echo "ip -n peer monitor neigh:"; cat "$DIAG/monitor-peer"
	} 2>&1 | sed 's/^/# /'
}

# The peer's entry for gw is pinned before the pings.  Otherwise the peer
# answers them through an entry that gw's ARP request left STALE, the entry
# goes DELAY and, delay_first_probe_time (5 s) later, the peer probes gw
# with a unicast "who-has 10.0.1.1 tell 10.0.1.2" from its own MAC.  gw's
# arp_process() answers it with neigh_event_ns(), which overrides gw's
# 10.0.1.2 entry with the peer's MAC: in a fast run that lands after the
# stock gratuitous ARP below changed the entry, and undoes it.  Nothing but
# the test's own announcements may write gw's entries.
ip -n peer neigh replace 10.0.1.1 lladdr $GW_MAC dev eth0 nud permanent
ok=$(ns gw ping -c 1 -W 3 10.0.1.2 >/dev/null && ns gw ping -c 1 -W 3 10.0.1.3 >/dev/null && echo ok)
event "pinged 10.0.1.2 and 10.0.1.3: $ok"
check_eq "garp_unload: gw pings 10.0.1.2 and 10.0.1.3; both entries have the peer's MAC" \
	"$ok $(lladdr 10.0.1.2) $(lladdr 10.0.1.3)" "ok $PEER_MAC $PEER_MAC"

# Not through ns(): $! must be python itself (ip netns exec execs it).
ip netns exec peer python3 -S "$ARPSEND" send eth0 --for 60 --gap 20 \
	spa=10.0.1.100,n=20,incr=1 spa=10.0.1.2 >"$DIAG/flow" 2>&1 &
flow=$!
wait_for pending_ge 1
n=$(gq .pending)
check "garp_unload: announcements flow, verifications pending ($n)" \
	sh -c "[ '$n' -ge 1 ] && kill -0 $flow"
check "garp_unload: rmmod vgate_garp while announcements flow and verifications are pending" \
	rmmod vgate_garp
event "rmmod vgate_garp: done"
check "garp_unload: /sys/module/vgate_garp, /sys/kernel/vgate/garp and every /sys/class/net/*/vgate_garp (init, gw and peer namespaces) are gone" \
	garp_gone
check "garp_unload: vgate ip arp show fails without the module" \
	sh -c "! ip netns exec gw '$VGATE' -j ip arp show"
kill $flow
wait $flow 2>/dev/null
event "flow killed: $(tr '\n' ' ' <"$DIAG/flow")"

# Stock behaviour: arp_accept=0 changes the existing 10.0.1.2, creates no
# 10.0.1.50 (sent first: once 10.0.1.2 changed, 10.0.1.50 was processed)
ns gw sysctl -qw net.ipv4.conf.lan.arp_accept=0
send_logged spa=10.0.1.50,sha=$FAKE_MAC spa=10.0.1.2,sha=$FAKE_MAC
wait_for lladdr_is 10.0.1.2 $FAKE_MAC
event "10.0.1.2 is $FAKE_MAC: wait_for status $?"
got2=$(lladdr 10.0.1.2)
got50=$(ns gw ip -4 neigh show 10.0.1.50)
check_eq "garp_unload: stock, arp_accept=0: a gratuitous ARP changes the existing 10.0.1.2" \
	"$got2" $FAKE_MAC
check_eq "garp_unload: stock, arp_accept=0: it creates no entry for 10.0.1.50" "$got50" ""
ns gw sysctl -qw net.ipv4.conf.lan.arp_accept=1
send_logged spa=10.0.1.51,sha=$FAKE_MAC
wait_for lladdr_is 10.0.1.51 $FAKE_MAC
event "10.0.1.51 is $FAKE_MAC: wait_for status $?"
got51=$(lladdr 10.0.1.51)
check_eq "garp_unload: stock, arp_accept=1: it creates 10.0.1.51" "$got51" $FAKE_MAC
[ "$got2/$got50/$got51" = "$FAKE_MAC//$FAKE_MAC" ] || diag_dump
kill "$mon_gw" "$mon_peer" 2>/dev/null
wait "$mon_gw" "$mon_peer" 2>/dev/null

check "garp_unload: insmod vgate_garp.ko again" insmod "$GARP_KO"
check_eq "garp_unload: reloaded: defaults (active no, forceUpdate off, rateLimit 10, verifyTimeout 500), nothing pending" \
	"$(gq '{active, force_update, rate_limit, verify_timeout_ms, pending}')" \
	'{"active":"no","force_update":"off","rate_limit":10,"verify_timeout_ms":500,"pending":0}'
check_eq "garp_unload: reloaded: lan inherits, its counters start at 0" \
	"$(gq '.interfaces[] | select(.name == "lan") | [.active, .force_update, .rate_limit, ([.counters[]] | add)]')" \
	'["inherit","inherit","inherit",0]'
# arp_accept is still 1: stock Linux would take both
send spa=10.0.1.52,sha=$FAKE_MAC spa=10.0.1.3,sha=$FAKE_MAC
wait_for settled 2
check_eq "garp_unload: reloaded, active no: the existing 10.0.1.3 and the new 10.0.1.52 are refused_policy, nothing changes" \
	"$(gq '.interfaces[] | select(.name == "lan") | .counters | [.seen, .refused_policy]') $(lladdr 10.0.1.3) /$(ns gw ip -4 neigh show 10.0.1.52)/" \
	"[2,2] $PEER_MAC //"

# Teardown with verifications pending: the interface, then the namespace
arp ackGratuitous active yes
arp ackGratuitous verifyTimeout 10000
send spa=10.0.1.60,n=2,incr=1
wait_for pending_ge 2
n=$(gq .pending)
ip -n gw link del lan
check_eq "garp_unload: lan deleted with $n verifications pending: none pending, lan gone from the view" \
	"$(gq '[.pending, [.interfaces[].name]]')" "[0,[]]"
ip link add lan netns gw address $GW_MAC type veth peer name eth0 address $PEER_MAC netns peer
printf 'addr add 10.0.1.1/24 dev lan\nlink set lan up\n' | ip -n gw -b -
printf 'addr add 10.0.1.2/24 dev eth0\nlink set eth0 up\n' | ip -n peer -b -
send spa=10.0.1.62
wait_for pending_ge 1
n=$(gq .pending)
ip netns del gw
check "garp_unload: namespace gw deleted with $n verification(s) pending, then rmmod vgate_garp again: module and sysfs gone" \
	unload_again
tap_done
