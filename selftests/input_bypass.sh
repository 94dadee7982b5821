#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# input_bypass: every ESP or AH packet for the gateway is vgate's: taken,
# or dropped and counted by reason, never handed to the IP stack and never
# uncounted; and the drop log names the SA, the peer and the rule.
#
#   gwA (vgate) ====== wire ====== gwB (packet crafters)
#   192.0.2.1 fd00:ff::1          192.0.2.2 fd00:ff::2
#
# gwB runs no IPsec stack: tools/nestgen.py, espgen.py and ahgen.py build
# the packets (NULL encryption with HMAC-SHA-256-128, independent of vgate
# and XFRM).  On gwA a UDP listener counts what vgate delivered and a raw
# socket for protocol 50 (tools/rawcount.py) counts ESP that the stack got
# instead: it must stay at 0.
#
# (1) IPv6 ESP (transport mode) behind 7, 8 and 30 destination options
#     headers is decrypted and delivered (before the fix, 8 or more went to
#     the stack).
# (2) With conntrack bypassed before the defragmenter (nft notrack at
#     priority -450), ESP behind an atomic Fragment header and the first
#     fragment of fragmented ESP are dropped as "fragment" (before: the
#     stack took them, reassembled, past vgate); without it, the atomic
#     fragment is defragmented first and delivered.
# (3) ESP dummy packets (next header 59, RFC 4303 2.6) count as dummy_in;
#     AH with a valid ICV and next header 59 is dropped as no-next-header.
# (4) With dropLog on, drop lines name the SPI, the peer and the rule.

. "$(dirname "$0")/lib.sh"
require_cmd ip python3 jq nft dmesg

NESTGEN="python3 $REPO/selftests/tools/nestgen.py"
ESPGEN="python3 $REPO/selftests/tools/espgen.py"
AHGEN="python3 $REPO/selftests/tools/ahgen.py"
RAWCOUNT=$REPO/selftests/tools/rawcount.py
KEY=$(hexkey 32)
AKEY=$(hexkey 32)
SEQ=1

topo_gw_pair gwA gwB
topo_gw_pair_ipv6 gwA gwB
vgate gwA ipsec show global >/dev/null || skip_all "vgate not usable"

# IPv6: gw6 (fd00:ff::2), transport mode, the gateways' own UDP: no rule
# covers the ESP itself, as with LAN-to-LAN entries, so ESP that vgate
# does not take reaches the stack (the raw socket) rather than a policy
# drop.
# IPv4: gwB (192.0.2.2), LAN to LAN in tunnel mode; no outbound SA 0x1000.
setup() {
	vgate gwA ipsec peer add gw6 addr fd00:ff::2 &&
	vgate gwA ipsec peer add gwB addr 192.0.2.2 &&
	vgate gwA ipsec sa add 0x6001 src fd00:ff::1 dst fd00:ff::2 \
		mode transport enc null auth hmac-sha256 authKey "$KEY" &&
	vgate gwA ipsec sa add 0x6000 src fd00:ff::2 dst fd00:ff::1 \
		mode transport enc null auth hmac-sha256 authKey "$KEY" \
		replayWindow 4096 &&
	vgate gwA ipsec rule add 60 peer gw6 local fd00:ff::1 \
		remote fd00:ff::2 proto udp action protect selfTraffic on \
		spiOut 0x6001 spiIn 0x6000 &&
	vgate gwA ipsec sa add 0x2000 src 192.0.2.2 dst 192.0.2.1 \
		mode tunnel enc null auth hmac-sha256 authKey "$KEY" &&
	vgate gwA ipsec sa add 0x2100 src 192.0.2.2 dst 192.0.2.1 \
		mode tunnel proto ah auth hmac-sha256 authKey "$AKEY" &&
	vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 \
		remote 10.2.0.0/24 action protect spiOut 0x1000 spiIn 0x2000
}
setup || skip_all "cannot configure gwA"

udp_recv_start gwA 9999 "$VGATE_TMP/recv" --ipv6 || skip_all "no UDP listener"
rm -f "$VGATE_TMP/raw".*
ip netns exec gwA python3 "$RAWCOUNT" --proto 50 --ipv6 \
	--ready "$VGATE_TMP/raw.ready" --stop "$VGATE_TMP/raw.stop" \
	--out "$VGATE_TMP/raw.out" &
wait_for test -e "$VGATE_TMP/raw.ready" || skip_all "no raw socket"

g() { global_stat gwA "$1"; }
drops() { vgate gwA -j ipsec show global | jq -r --arg k "$1" '.drops[$k]'; }

# send6 TAG COUNT [nestgen options]: COUNT one-layer ESP packets
# fd00:ff::2 -> fd00:ff::1 of SA 0x6000, tagged TAG; waits until vgate
# has counted as many more packets in (processed or dropped).
send6() {
	local tag=$1 count=$2 want
	shift 2
	want=$(( $(g protected_in) + $(g dropped) + count ))
	ns gwB $NESTGEN --src fd00:ff::2 --dst fd00:ff::1 --spi 0x6000 \
		--key "$KEY" --layers 1 --seq $SEQ --count "$count" \
		--tag "$tag" "$@" >/dev/null || echo "# nestgen failed for $tag"
	SEQ=$((SEQ + count))
	wait_for sh -c "[ \$(ip netns exec gwA '$VGATE' -j ipsec show global |
		jq '.protected_in + .dropped') -ge $want ]" ||
		echo "# $tag: vgate did not count $count packets"
}

tap_plan 9

# (1) extension headers
p0=$(g protected_in)
send6 ext7 2 --exthdrs 7
send6 ext8 2 --exthdrs 8
send6 ext30 2 --exthdrs 30
p1=$(g protected_in)
check_eq "input_bypass ESP behind 7, 8, 30 IPv6 extension headers taken by vgate (protected_in)" \
	"$((p1 - p0))" 6

# (2) fragments that skipped the defragmenter
ns gwA nft -f - <<-'NFT' || echo "# nft notrack failed"
	table ip6 early {
		chain pre {
			type filter hook prerouting priority -450;
			ip6 saddr fd00:ff::2 notrack
		}
	}
NFT
f0=$(drops fragment)
send6 atomic 2 --atomic-frag
send6 first 2 --mtu 64
f1=$(drops fragment)
check_eq "input_bypass notrack: atomic fragment and first fragment of ESP dropped as fragment" \
	"$((f1 - f0))" 4
ns gwA nft delete table ip6 early
send6 atomicdefrag 2 --atomic-frag

# (3) dummy packets and AH without a next header
d0=$(g dummy_in); e0=$(g dropped)
ns gwB $ESPGEN --src 192.0.2.2 --dst 192.0.2.1 --spi 0x2000 --key "$KEY" \
	--inner-src 10.2.0.2 --inner-dst 10.1.0.2 --seqs 1-3 --dummy >/dev/null
wait_for sh -c "[ \$(ip netns exec gwA '$VGATE' -j ipsec show global |
	jq '.dummy_in') -ge $((d0 + 3)) ]"
d1=$(g dummy_in); e1=$(g dropped)
check_eq "input_bypass ESP dummy packets counted as dummy_in, not dropped" \
	"$((d1 - d0)) $((e1 - e0))" "3 0"
n0=$(drops no_next_header)
ns gwB $AHGEN --src 192.0.2.2 --dst 192.0.2.1 --spi 0x2100 --key "$AKEY" \
	--inner-src 10.2.0.2 --inner-dst 10.1.0.2 --seqs 1-3 \
	--no-next-header >/dev/null
wait_for sh -c "[ \$(ip netns exec gwA '$VGATE' -j ipsec show global |
	jq '.drops.no_next_header') -ge $((n0 + 3)) ]"
n1=$(drops no_next_header)
check_eq "input_bypass AH with next header 59 dropped as no-next-header" \
	"$((n1 - n0))" 3

# (4) the drop log; rate limiting off meanwhile (the kernel's own knob)
cost=$(sysctl -n net.core.message_cost)
sysctl -qw net.core.message_cost=0
vgate gwA ipsec dropLog on
ns gwB $ESPGEN --src 192.0.2.2 --dst 192.0.2.1 --spi 0x2000 --key "$KEY" \
	--inner-src 10.2.0.2 --inner-dst 10.1.0.2 --seqs 10-11 \
	--corrupt icv >/dev/null
ns gwB $ESPGEN --src 192.0.2.2 --dst 192.0.2.1 --spi 0x2999 --key "$KEY" \
	--inner-src 10.2.0.2 --inner-dst 10.1.0.2 --seqs 1 >/dev/null
ns lanA python3 -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.2.0.2", 9))'
sleep 1
sysctl -qw net.core.message_cost="$cost"
vgate gwA ipsec dropLog off
log=$(dmesg | grep 'vgate: dropped')
check "input_bypass drop log: inbound ESP names SPI and peer" \
	grep -q 'dropped 192.0.2.2 -> 192.0.2.1 proto 50 spi 0x00002000 peer gwB: auth' <<<"$log"
check "input_bypass drop log: an unknown SPI is named" \
	grep -q 'dropped 192.0.2.2 -> 192.0.2.1 proto 50 spi 0x00002999: no-sa' <<<"$log"
check "input_bypass drop log: outbound drop names peer and rule" \
	grep -q 'dropped 10.1.0.2 -> 10.2.0.2 proto 17 peer gwB rule 10: no-sa' <<<"$log"

touch "$VGATE_TMP/raw.stop"
wait_for test -e "$VGATE_TMP/raw.out"
udp_recv_stop "$VGATE_TMP/recv" || echo "# no receiver output"
got=""
for t in ext7-1 ext8-1 ext30-1 atomic-1 first-1 atomicdefrag-1; do
	got="$got $t=$(udp_received "$VGATE_TMP/recv" "$t")"
done
check_eq "input_bypass delivered: every taken packet, no dropped one" \
	"$got" " ext7-1=2 ext8-1=2 ext30-1=2 atomic-1=0 first-1=0 atomicdefrag-1=2"
check_eq "input_bypass no ESP reached the IPv6 stack (raw socket)" \
	"$(cat "$VGATE_TMP/raw.out" 2>/dev/null)" 0

tap_done
