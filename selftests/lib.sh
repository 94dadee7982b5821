#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for vgate selftests (sourced).  kselftest conventions: TAP
# on stdout, exit 0 pass, 1 fail, 4 skip.
#
# The common topology, built by topo_gw_pair GW_A GW_B:
#
#   lanA ---------- gwA ====== wire (br0) ====== gwB ---------- lanB
#   10.1.0.2/24 lan 10.1.0.1  wan  toA   toB  wan  10.2.0.1  lan 10.2.0.2/24
#                   192.0.2.1/24               192.0.2.2/24
#
# "wire" is a bridge that belongs to neither gateway: nftables counters in
# its bridge forward hook (wire_count) see exactly what crosses the link.
#
# Every namespace has lo up; the gateways forward; LAN hosts route via
# their gateway, each gateway routes the other LAN via the WAN peer.
# Environment from the harness: REPO, VGATE (CLI), VGATE_KO, VGATE_TMP.

REPO=${REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VGATE=${VGATE:-$REPO/cli/vgate}
VGATE_TMP=${VGATE_TMP:-$(mktemp -d)}
export REPO VGATE VGATE_TMP

_tap_n=0
_tap_failed=0
_tap_planned=
_namespaces=()
_modules=()

tap_plan() { _tap_planned=$1; echo "TAP version 13"; echo "1..$1"; }
tap_ok() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $*"; }
tap_fail() {
	_tap_n=$((_tap_n + 1)); _tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n $*"
}
tap_skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n $1 # SKIP ${2:-}"; }

# Checks of a measured rate (the shaper's).  On the debug kernel (guest.sh
# exports VGATE_DEBUG_KERNEL=1: KASAN, lockdep and kmemleak under emulation,
# several times slower) the senders cannot keep a class backlogged and a
# rate measures the checkers, not vgate: a miss is then reported as
# "not ok # TODO" (TAP: expected to fail, not a failure) with its figures,
# and the test goes on to its other checks.  "make check" keeps them strict.
debug_kernel() { [ "${VGATE_DEBUG_KERNEL:-0}" = 1 ]; }
tap_rate_fail() {
	if debug_kernel; then
		_tap_n=$((_tap_n + 1))
		echo "not ok $_tap_n $* # TODO a rate on the debug kernel"
	else
		tap_fail "$@"
	fi
}
# check_rate NAME CMD...: as check, with a miss through tap_rate_fail
check_rate() { _check tap_rate_fail "$@"; }

# check NAME CMD...: run CMD, record ok/not ok, keep going.
check() { _check tap_fail "$@"; }

# _check FAIL NAME CMD...: check, a miss reported through FAIL
_check() {
	local fail=$1 name=$2; shift 2
	local out
	if out=$("$@" 2>&1); then
		tap_ok "$name"
	else
		"$fail" "$name"
		printf '%s\n' "$out" | sed 's/^/# /' | tail -20
	fi
}

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
	else
		tap_fail "$1"
		echo "# got '$2', want '$3'"
	fi
}

tap_done() {
	if [ -n "$_tap_planned" ] && [ "$_tap_n" -ne "$_tap_planned" ]; then
		echo "# planned $_tap_planned tests, ran $_tap_n"
		exit 1
	fi
	[ "$_tap_failed" -eq 0 ] || exit 1
	exit 0
}

skip_all() { echo "1..0 # SKIP $*"; exit 4; }

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "$c not installed"
	done
}

# Outside the VM harness ("make -C selftests run_tests" on a box with vgate
# installed, which sets VGATE_NEED_MODULE=1) a test without the vgate
# module skips, as kselftests do.  The VM harness loads vgate.ko itself,
# and there a missing module is a failure, never a skip.
if [ "${VGATE_NEED_MODULE:-0}" = 1 ] && [ ! -d /sys/module/vgate ]; then
	modprobe -q vgate 2>/dev/null
	[ -d /sys/module/vgate ] || skip_all "vgate module not loaded (modprobe vgate failed)"
fi

ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
vgate() { local n=$1; shift; ip netns exec "$n" "$VGATE" "$@"; }

_cleanup() {
	local n
	for n in "${_namespaces[@]+"${_namespaces[@]}"}"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	for n in "${_modules[@]+"${_modules[@]}"}"; do
		if [ -d "/sys/module/$n" ]; then
			rmmod "$n" || echo "# rmmod $n failed at exit"
		fi
	done
}
trap _cleanup EXIT

# ns_stop NS...: end every process running in the namespaces and wait
# until none is left.  A job started as "ns NS CMD &" has $! pointing at
# the subshell that runs ns(), not at CMD, so killing $! leaves CMD
# running into whatever the test does next.
ns_stop() {
	local n
	for n in "$@"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
	done
	for n in "$@"; do
		wait_for sh -c "! ip netns pids '$n' | grep -q ." ||
			echo "# ns_stop: processes left in $n: $(ip netns pids "$n" | tr '\n' ' ')"
	done
}

# unload_at_exit MODULE: a test that loads MODULE itself (vgate_garp.ko)
# leaves it unloaded at exit, after its namespaces are gone.
unload_at_exit() { _modules+=("$1"); }

ns_add() {
	local n
	for n in "$@"; do
		ip netns add "$n"
		_namespaces+=("$n")
		ns "$n" ip link set lo up
	done
}

# veth_link NS_A IF_A ADDR_A/LEN NS_B IF_B ADDR_B/LEN
veth_link() {
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	ns "$1" ip addr add "$3" dev "$2"
	ns "$4" ip addr add "$6" dev "$5"
	ns "$1" ip link set "$2" up
	ns "$4" ip link set "$5" up
}

topo_gw_pair() {
	local a=${1:-gwA} b=${2:-gwB}
	ns_add lanA "$a" "$b" lanB wire
	veth_link lanA lan 10.1.0.2/24 "$a" lan 10.1.0.1/24
	ns wire ip link add br0 type bridge
	ip link add wan netns "$a" type veth peer name toA netns wire
	ip link add wan netns "$b" type veth peer name toB netns wire
	ns "$a" ip addr add 192.0.2.1/24 dev wan
	ns "$b" ip addr add 192.0.2.2/24 dev wan
	local l
	for l in toA toB; do
		ns wire ip link set "$l" master br0
		ns wire ip link set "$l" up
	done
	ns wire ip link set br0 up
	ns "$a" ip link set wan up
	ns "$b" ip link set wan up
	veth_link "$b" lan 10.2.0.1/24 lanB lan 10.2.0.2/24
	ns lanA ip route add default via 10.1.0.1
	ns lanB ip route add default via 10.2.0.1
	ns "$a" ip route add 10.2.0.0/24 via 192.0.2.2
	ns "$b" ip route add 10.1.0.0/24 via 192.0.2.1
	ns "$a" sysctl -qw net.ipv4.ip_forward=1
	ns "$b" sysctl -qw net.ipv4.ip_forward=1
}

# topo_gw_pair_ipv6 [GW_A GW_B]: IPv6 on top of topo_gw_pair (call it
# first, with the same names): lanA fd00:1::2 - fd00:1::1 gwA, the WAN
# fd00:ff::1 gwA - gwB fd00:ff::2, gwB fd00:2::1 - fd00:2::2 lanB, each /64,
# no DAD; routes and forwarding as for IPv4.  The gateways' WAN neighbours
# are static in both families, so no ARP or neighbour discovery crosses the
# wire (wire counters see only the test's traffic).
topo_gw_pair_ipv6() {
	local a=${1:-gwA} b=${2:-gwB} g
	ns lanA ip -6 addr add fd00:1::2/64 dev lan nodad
	ns "$a" ip -6 addr add fd00:1::1/64 dev lan nodad
	ns "$a" ip -6 addr add fd00:ff::1/64 dev wan nodad
	ns "$b" ip -6 addr add fd00:ff::2/64 dev wan nodad
	ns "$b" ip -6 addr add fd00:2::1/64 dev lan nodad
	ns lanB ip -6 addr add fd00:2::2/64 dev lan nodad
	ns lanA ip -6 route add default via fd00:1::1
	ns lanB ip -6 route add default via fd00:2::1
	ns "$a" ip -6 route add fd00:2::/64 via fd00:ff::2
	ns "$b" ip -6 route add fd00:1::/64 via fd00:ff::1
	for g in "$a" "$b"; do
		ns "$g" sysctl -qw net.ipv6.conf.all.forwarding=1
	done
	local mac_a mac_b
	mac_a=$(ns "$a" cat /sys/class/net/wan/address)
	mac_b=$(ns "$b" cat /sys/class/net/wan/address)
	ns "$a" ip -6 neigh replace fd00:ff::2 lladdr "$mac_b" dev wan nud permanent
	ns "$b" ip -6 neigh replace fd00:ff::1 lladdr "$mac_a" dev wan nud permanent
	ns "$a" ip neigh replace 192.0.2.2 lladdr "$mac_b" dev wan nud permanent
	ns "$b" ip neigh replace 192.0.2.1 lladdr "$mac_a" dev wan nud permanent
}

# hexkey BYTES: a random key of BYTES bytes as 0x followed by hex digits,
# the form both "vgate ... encKey/authKey" and "ip xfrm state" take.  The
# one key generator of the selftests: use it, do not copy it.
hexkey() { echo "0x$(head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n')"; }

# xfrm_states_diag NS: the XFRM states of NS with their counters, as TAP
# comments; the key lines (aead, enc, auth, auth-trunc) are left out.
xfrm_states_diag() {
	ns "$1" ip -s xfrm state | grep -vE '^\s*(aead|enc|auth|auth-trunc) ' | sed 's/^/# /'
}

# interop_result NAME ERR: "ok NAME" when ERR is empty; otherwise vgate's
# global counters and SAD on gwA and the XFRM states on gwB as TAP comments,
# then "not ok NAME:ERR".
interop_result() {
	if [ -n "$2" ]; then
		vgate gwA ipsec show global | sed 's/^/# /'
		vgate gwA ipsec show sad | sed 's/^/# /'
		xfrm_states_diag gwB
		tap_fail "$1:$2"
	else
		tap_ok "$1"
	fi
}

# drop_count NS REASON: the per-reason drop counter of vgate in NS.
drop_count() {
	vgate "$1" -j ipsec show global | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["drops"][sys.argv[1]])' "$2"
}

# wait_for CMD...: poll CMD up to 10 s (services starting under emulation).
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# wait_listen NS PORT: until a TCP socket listens on PORT in NS.
wait_listen() {
	wait_for sh -c "ip netns exec '$1' ss -Hltn 'sport = :$2' | grep -q ."
}

# tcp_both_ways CLIENT-NS ADDR SERVER-NS [SIZE]: SIZE (default 1M) over TCP
# from CLIENT-NS to an iperf3 server on ADDR in SERVER-NS, then the same the
# other way (-R) on a second connection.
tcp_both_ways() {
	local cns=$1 addr=$2 sns=$3 size=${4:-1M} r
	for r in "" -R; do
		ns "$sns" iperf3 -s -1 -D -B "$addr" --logfile "$VGATE_TMP/iperf-$sns.log" || return 1
		wait_listen "$sns" 5201 || return 1
		ns "$cns" timeout 60 iperf3 -c "$addr" -n "$size" $r >/dev/null || return 1
	done
}

# wire_counters NAME=MATCH...: named nftables counters on the wire bridge,
# e.g. wire_counters "esp_ab=iifname toA esp spi 0x1000"; read with
# wire_count NAME.
wire_counters() {
	local spec name match rules="" counters=""
	for spec in "$@"; do
		name=${spec%%=*}; match=${spec#*=}
		counters="$counters	counter $name {}
"
		rules="$rules		$match counter name \"$name\"
"
	done
	ns wire nft -f - <<-NFT
	flush ruleset
	table bridge wire {
	$counters
		chain count {
			type filter hook forward priority 0;
	$rules
		}
	}
	NFT
}

wire_count() {
	ns wire nft list counter bridge wire "$1" | awk '/packets/ { print $2 }'
}

# topo_teardown: delete every namespace this test created so far.
topo_teardown() {
	_cleanup
	_namespaces=()
}

# global_stat NS KEY: a top-level counter of "ipsec show global -j" in NS
# (e.g. overlap_skipped, self_bypassed, dropped).
global_stat() {
	vgate "$1" -j ipsec show global | jq -r --arg k "$2" '.[$k]'
}

# udp_recv_start NS PORTS OUT [--ipv6]: tools/udpprobe.py receiver in NS
# counting tagged datagrams on PORTS (e.g. 7000-7020), over IPv6 too with
# --ipv6; returns once it listens.
# udp_recv_stop OUT: stop it; OUT then holds its JSON counts.
# udp_received OUT TAG [FIELD]: received (or FIELD) for TAG, 0 if none.
UDPPROBE=$REPO/selftests/tools/udpprobe.py
declare -A _udp_recv_pid
udp_recv_start() {
	rm -f "$3" "$3.ready"
	# Not through ns(): $! must be python itself (ip netns exec execs it).
	ip netns exec "$1" python3 "$UDPPROBE" recv --ports "$2" \
		--ready "$3.ready" --out "$3" ${4:+"$4"} &
	_udp_recv_pid[$3]=$!
	local i	# python starts slowly under emulation: up to 30 s
	for i in $(seq 300); do
		[ -e "$3.ready" ] && return 0
		sleep 0.1
	done
	return 1
}
udp_recv_stop() {
	local i
	kill "${_udp_recv_pid[$1]}" 2>/dev/null
	for i in $(seq 300); do
		[ -e "$1" ] && break
		sleep 0.1
	done
	wait "${_udp_recv_pid[$1]}" 2>/dev/null
	test -e "$1"
}
udp_received() {
	jq -r --arg t "$2" --arg f "${3:-received}" '.[$t][$f] // 0' "$1"
}
