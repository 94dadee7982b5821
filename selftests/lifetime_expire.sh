#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lifetime_expire: SA lifetimes end in netlink events, against XFRM.
#
#   lanA ---- gwA (vgate) ==== wire ==== gwB (XFRM) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1    192.0.2.2  10.2.0.1   10.2.0.2
#
# gwA's outbound SA carries one kind of limit at a time (packets, bytes,
# seconds); lanA pings lanB through it and XFRM on gwB answers through
# gwA's inbound SA 0x2000, which has no limits.  tools/vgate_events.py
# --event sa_expire, subscribed to the "events" group in gwA, records every
# SA_EXPIRE event.
# For each kind: the soft limit sends one soft event (the SA goes on
# working), the hard limit sends one hard event, stops the traffic (the
# packet over the limit is dropped as expired, later ones find no SA) and
# removes the SA; the events carry the SA's counters.  The inbound SA's
# monotonic counters account for every answer.

. "$(dirname "$0")/lib.sh"
require_cmd ip ping python3

K_AB=$(hexkey 20)
K_BA=$(hexkey 20)
GCM="aead rfc4106(gcm(aes))"

topo_gw_pair gwA gwB
vgate gwA ipsec peer add gwB addr 192.0.2.2 || skip_all "cannot add the peer"
vgate gwA ipsec sa add 0x2000 src 192.0.2.2 dst 192.0.2.1 mode tunnel \
	enc aes128-gcm encKey "$K_BA" || skip_all "cannot add SA"
ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2000 \
	mode tunnel replay-window 64 $GCM "$K_BA" 128 &&
for spi in 0x1001 0x1002 0x1003; do
	ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
		spi $spi mode tunnel replay-window 64 $GCM "$K_AB" 128
done &&
ns gwB ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel &&
for dir in in fwd; do
	ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir $dir \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
done || skip_all "XFRM setup failed on gwB"

EVENTS=$VGATE_TMP/expire-events
ns gwA python3 "$REPO/selftests/tools/vgate_events.py" --event sa_expire >"$EVENTS" 2>&1 &
wait_for grep -q READY "$EVENTS" || skip_all "listener did not start"

# out SA SPI LIMITS...: gwA's outbound SA and the rule sending through it
out_sa() {
	local spi=$1; shift
	vgate gwA ipsec rule flush
	vgate gwA ipsec sa add "$spi" src 192.0.2.1 dst 192.0.2.2 mode tunnel \
		enc aes128-gcm encKey "$K_AB" "$@" &&
	vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 \
		remote 10.2.0.0/24 action protect spiOut "$spi" spiIn 0x2000
}

pings() { # N: echo requests lanA -> lanB (84 bytes each), print answers
	ns lanA ping -c "$1" -i 0.1 -W 1 10.2.0.2 |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# (jq, not python: each tool start is slow under emulation)
stopped() { vgate gwA -j ipsec show global | jq '.drops.expired + .drops.no_sa'; }

# events SPI: that SA's events, "hard limit" words, one line each
events() { awk -v s="spi=$1" '$2 == s { print $3, $4 }' "$EVENTS"; }
event() { grep " spi=$1 hard=$2 " "$EVENTS"; } # SPI HARD: the event line

sa_state() { # SPI (0x%08x): "present" or "absent" in show sad
	vgate gwA -j ipsec show sad |
		jq -r --arg s "$1" 'if any(.[]; .spi == $s) then "present" else "absent" end'
}

sa_stat() { # SPI (0x%08x) KEY: a counter of the SA's stats in show sad -j
	vgate gwA -j ipsec show sad |
		jq -r --arg s "$1" --arg k "$2" '.[] | select(.spi == $s) | .stats[$k]'
}

# wait_gone SPI (0x%08x): the removal and then the hard event happen in
# process context just after the packet over the limit; wait (bounded).
wait_gone() {
	local i
	for i in $(seq 100); do
		[ -n "$(event "$1" 1)" ] && return 0
		sleep 0.1
	done
	return 1
}

tap_plan 10

# --- packets: soft 3, hard 5 ---
out_sa 0x1001 softPackets 3 hardPackets 5 || exit 1
s0=$(stopped)
got=$(pings 8)
check_eq "lifetime_expire hardPackets 5: 5 of 8 pings answered, 3 stopped" \
	"$got/$(( $(stopped) - s0 ))" "5/3"
wait_gone 0x00001001
echo "# $(grep spi=0x00001001 "$EVENTS" | tr '\n' ';')"
check_eq "lifetime_expire packets: soft then hard event, one each" \
	"$(events 0x00001001 | tr '\n' ';')" "hard=0 limit=packets;hard=1 limit=packets;"
check "lifetime_expire packets: hard event counts exactly 5 packets out, 420 bytes" \
	grep -Eq "packets_out=5 bytes_in=0 bytes_out=420 errors=[0-9]+ flags=expired,soft-expired$" \
	<<< "$(event 0x00001001 1)"
check_eq "lifetime_expire packets: hard limit removed the SA" \
	"$(sa_state 0x00001001)" absent

# --- bytes: soft 300 (the 4th 84-byte packet), hard 600 (7 fit) ---
out_sa 0x1002 softBytes 300 hardBytes 600 || exit 1
s0=$(stopped)
got=$(pings 10)
check_eq "lifetime_expire hardBytes 600: 7 of 10 pings answered, 3 stopped" \
	"$got/$(( $(stopped) - s0 ))" "7/3"
wait_gone 0x00001002
echo "# $(grep spi=0x00001002 "$EVENTS" | tr '\n' ';')"
check "lifetime_expire bytes: soft, then hard event with bytes_out 588, SA removed" \
	test "$(events 0x00001002 | tr '\n' ';')/$(sa_state 0x00001002)" = \
	"hard=0 limit=bytes;hard=1 limit=bytes;/absent" -a \
	-n "$(event 0x00001002 1 | grep ' packets_out=7 bytes_in=0 bytes_out=588 ')"
check_eq "lifetime_expire inbound SA counts all 12 answers (monotonic, in only)" \
	"$(sa_stat 0x00002000 packets_in)/$(sa_stat 0x00002000 bytes_in)/$(sa_stat 0x00002000 packets_out)" \
	"12/1008/0"

# --- seconds: soft 6, hard 12 (generous: tools start slowly under TCG) ---
out_sa 0x1003 softSeconds 6 hardSeconds 12 || exit 1
got=$(pings 2)
check_eq "lifetime_expire SA within its time: 2 of 2 answered, counted out" \
	"$got/$(sa_stat 0x00001003 packets_out)" "2/2"
for _ in $(seq 300); do
	[ -n "$(event 0x00001003 1)" ] && break
	sleep 0.1
done
echo "# $(grep spi=0x00001003 "$EVENTS" | tr '\n' ';')"
check "lifetime_expire seconds: soft event while the SA worked, then hard" \
	test "$(events 0x00001003 | tr '\n' ';')" = \
	"hard=0 limit=seconds;hard=1 limit=seconds;" -a \
	-n "$(event 0x00001003 0 | grep ' packets_out=2 .* flags=soft-expired$')"
s0=$(stopped)
got=$(pings 2)
check_eq "lifetime_expire seconds: SA removed, traffic stopped and counted" \
	"$(sa_state 0x00001003)/$got/$(( $(stopped) - s0 ))" "absent/0/2"

tap_done
