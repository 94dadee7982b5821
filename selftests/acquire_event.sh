#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# acquire_event: a dynamic PROTECT entry (no SPIs) holds its packets while
# no SA with its REQID exists, raises exactly one ACQUIRE event per entry,
# sends the held packets once the SA pair (REQID = entry ID) is added,
# drops what exceeds acquire_queue (ACQUIRE_OVERFLOW) and, after
# acquire_timeout, everything held (ACQUIRE_TIMEOUT); the next packet then
# raises a new event.
#
#   lanA ---- gwA (vgate) ==== wire ==== gwB (XFRM) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1    192.0.2.2  10.2.0.1   10.2.0.2
#
# gwA is configured with raw netlink (tools/acquire_cfg.py), events are
# read by tools/vgate_events.py --event acquire; lanB counts what it
# receives with nftables counters in its input hook (UDP to port 5555 is
# counted and dropped there, so that no ICMP error comes back).

. "$(dirname "$0")/lib.sh"

require_cmd ip nft ping python3
TOOLS=$(dirname "$0")/tools
cfg() { ns gwA python3 "$TOOLS/acquire_cfg.py" "$@"; }
gstat() { cfg stat "$1"; }
lanb_count() {
	ns lanB nft list counter inet lanb "$1" | awk '/packets/ { print $2 }'
}
# udp_send N: N datagrams from lanA to lanB:5555, back to back
udp_send() {
	ns lanA bash -c "for i in \$(seq $1); do echo x >/dev/udp/10.2.0.2/5555; done"
}
events() { grep -c '^ACQUIRE' "$EVENTS"; }
# until_eq SECONDS CMD... WANT: poll until CMD prints WANT, at most
# SECONDS (asynchronous delivery); the caller checks the value afterwards.
until_eq() {
	local end=$((SECONDS + $1)); shift
	local want=${*: -1}
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$("${@:1:$#-1}")" = "$want" ] && return 0
		sleep 0.1
	done
	return 1
}
now() { date +%s.%N; }


# xfrm_gwB SPI_AB KEY_AB SPI_BA KEY_BA: gwB's states for the SA pair
xfrm_states() {
	ns gwB ip xfrm state flush
	ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
		spi "$1" mode tunnel aead 'rfc4106(gcm(aes))' "$2" 128 &&
	ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp \
		spi "$3" mode tunnel aead 'rfc4106(gcm(aes))' "$4" 128
}

# sa_pair SPI_AB KEY_AB SPI_BA KEY_BA: gwA's pair with REQID 10, the
# inbound one first (it alone must not release anything)
sa_pair() {
	cfg sa "$3" 192.0.2.2 192.0.2.1 "$4" 10 &&
	cfg sa "$1" 192.0.2.1 192.0.2.2 "$2" 10
}

tap_plan 16
topo_gw_pair gwA gwB
ns lanB nft -f - <<-'NFT' || skip_all "nftables not usable"
table inet lanb {
	counter c_echo {}
	counter c_udp {}
	chain in {
		type filter hook input priority 0;
		icmp type echo-request counter name "c_echo"
		udp dport 5555 counter name "c_udp" drop
	}
}
NFT
wire_counters "cleartext=ip protocol != esp"

K1=$(hexkey 20); K2=$(hexkey 20)
xfrm_states 0x1000 "$K1" 0x2000 "$K2" &&
ns gwB ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel &&
for dir in in fwd; do
	ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir $dir \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
done || skip_all "XFRM setup failed on gwB"
cfg knobs 32 60 && cfg peer 1 gwB 192.0.2.2 &&
cfg entry 10 gwB 10.1.0.0/24 10.2.0.0/24 || skip_all "cannot configure gwA"

EVENTS=$VGATE_TMP/acquire-events
ns gwA python3 "$TOOLS/vgate_events.py" --event acquire >"$EVENTS" 2>&1 &
until_eq 10 grep -c READY "$EVENTS" 1 || skip_all "listener did not start"

# (a) one event for many packets of one entry
ns lanA ping -c 5 -i 0.2 -W 1 10.2.0.2 >/dev/null
udp_send 4
# As patient as vgate holds (acquire_timeout 60): under emulation and load
# the checks below and the SA pair can take more than 30 s to come.
ns lanA ping -c 3 -i 0.2 -W 60 10.2.0.2 >"$VGATE_TMP/ping-held" 2>&1 &
ping_pid=$!
until_eq 10 events 1
sleep 1		# a second event, were there one, would be here by now
check_eq "5 pings, 4 datagrams, 3 pings: one ACQUIRE event" "$(events)" 1
ev=$(grep '^ACQUIRE' "$EVENTS" | head -1)
echo "# $ev"
check "event names rule 10 (stage peer) and peer gwB (id 1, 192.0.2.2)" \
	grep -q "rule=10 stage=2 rule_peer_name=gwB rule_peer=192.0.2.2 peer_id=1 peer_name=gwB peer_family=2 peer_addr=192.0.2.2 " <<< "$ev"
check "event names the flow 10.1.0.2 -> 10.2.0.2 proto 1, outbound" \
	grep -q "family=2 src=10.1.0.2 dst=10.2.0.2 proto=1 dir=1$" <<< "$ev"
check_eq "ACQUIRES counter" "$(gstat ACQUIRES)" 1
sleep 1
check_eq "held, not sent: lanB saw no echo request, no datagram, wire no cleartext" \
	"$(lanb_count c_echo)/$(lanb_count c_udp)/$(wire_count cleartext)" 0/0/0

# (b) the SA pair releases them, in order, through the SA
sa_pair 0x1000 "$K1" 0x2000 "$K2" || echo "# adding the SA pair failed"
until_eq 20 lanb_count c_echo 8
until_eq 10 lanb_count c_udp 4
check_eq "held packets delivered: 8 echo requests, 4 datagrams" \
	"$(lanb_count c_echo)/$(lanb_count c_udp)" 8/4
wait "$ping_pid"
check_eq "the held ping got its replies through the inbound SA (REQID 10)" \
	"$?" 0
check "traffic then flows through the SA" \
	ns lanA ping -c 3 -i 0.2 -W 5 10.2.0.2
out=$(cfg sa-get 0x1000 192.0.2.2); in=$(cfg sa-get 0x2000 192.0.2.1)
echo "# outbound SA: $out, inbound SA: $in"
check_eq "SA stats: 15 packets out (12 held + 3), 11 replies in, REQID 10" \
	"$out $in" "packets=15 reqid=10 packets=11 reqid=10"
check_eq "no cleartext crossed the wire, no second event" \
	"$(wire_count cleartext) $(events)" "0 1"

# (c) overflow: 4 held, 16 dropped; the 4 leave with the next SA pair
cfg sa-flush && cfg knobs 4 60
ovf0=$(gstat ACQUIRE_OVERFLOW)
udp_send 20
until_eq 10 events 2
check_eq "acquire_queue 4, 20 datagrams: 16 ACQUIRE_OVERFLOW drops" \
	"$(($(gstat ACQUIRE_OVERFLOW) - ovf0))" 16
check_eq "a new entry, a new event (2 in all)" "$(events)" 2
K3=$(hexkey 20); K4=$(hexkey 20)
xfrm_states 0x1001 "$K3" 0x2001 "$K4" &&
sa_pair 0x1001 "$K3" 0x2001 "$K4" || echo "# adding the second SA pair failed"
until_eq 20 lanb_count c_udp 8
check_eq "the 4 held datagrams arrive (8 in all)" "$(lanb_count c_udp)" 8

# (d) timeout: held packets dropped after acquire_timeout, then a new event
cfg sa-flush && cfg knobs 32 2
WATCH=$VGATE_TMP/acquire-watch
cfg watch ACQUIRE_TIMEOUT 3 60 >"$WATCH" 2>&1 &
watch_pid=$!
until_eq 30 grep -c READY "$WATCH" 1
t0=$(now)
udp_send 3
wait "$watch_pid"
res=$(tail -1 "$WATCH")
first=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[1].split()[0][6:]) - $t0))" "$res")
echo "# $res; first timeout drop seen ${first} s after sending"
check_eq "3 held datagrams dropped as ACQUIRE_TIMEOUT" "${res##*delta=}" 3
check "none before acquire_timeout 2 (first drop at ${first} s)" \
	python3 -c "import sys; sys.exit(not 1.9 <= $first <= 30)"
udp_send 1
until_eq 10 events 4
check_eq "a packet after the timeout raises a second ACQUIRE (ACQUIRES 4)" \
	"$(events) $(gstat ACQUIRES) $(lanb_count c_udp)" "4 4 8"

tap_done
