#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# esp_replay: anti-replay (RFC 4303 3.4.3) and the handling of bad ESP input.
#
#   lanA ------- gwA (vgate) ==== wire ==== gwB (ESP generator) ---- lanB
#   10.1.0.2     10.1.0.1 192.0.2.1         192.0.2.2               (unused)
#
# gwB runs no IPsec stack: selftests/tools/espgen.py builds ESP packets
# itself (NULL encryption, HMAC-SHA-256-128; an implementation independent
# of vgate and XFRM) carrying UDP datagrams "seq=N" from 10.2.0.2 to
# lanA, so the test chooses every sequence number.  A listener on lanA
# records what got through; each batch ends with a clear "END" datagram
# from gwB's own address, which no rule covers.
#
# With a window of 4096: every order of 1..4096 is accepted; replays and
# packets left of the window are dropped and counted as "replay"; packets
# failing the ICV, with wrong padding or a wrong next header, for an unknown
# SPI, and cleartext that a PROTECT rule covers are dropped and counted by
# reason; none of them reaches lanA.

. "$(dirname "$0")/lib.sh"
require_cmd ip python3

ESPGEN="python3 $REPO/selftests/tools/espgen.py"
KEY=$(hexkey 32)
SPI_IN=0x2000

topo_gw_pair gwA gwB
vgate gwA ipsec peer add gwB addr 192.0.2.2 || skip_all "cannot add the peer"
vgate gwA ipsec sa add 0x1000 src 192.0.2.1 dst 192.0.2.2 mode tunnel \
	enc null auth hmac-sha256 authKey "$KEY" || skip_all "cannot add SA"
vgate gwA ipsec sa add $SPI_IN src 192.0.2.2 dst 192.0.2.1 mode tunnel \
	enc null auth hmac-sha256 authKey "$KEY" replayWindow 4096 || exit 1
vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 remote 10.2.0.0/24 \
	action protect spiOut 0x1000 spiIn $SPI_IN || exit 1

# deliver SEQSPEC [espgen options]: send through gwA, print what lanA got
deliver() {
	local seqs=$1; shift
	rm -f "$VGATE_TMP/ready"
	ns lanA $ESPGEN --listen 10.1.0.2:9999 \
		--ready "$VGATE_TMP/ready" > "$VGATE_TMP/got" &
	local pid=$!
	wait_for test -e "$VGATE_TMP/ready" || { echo "listener did not start"; return 1; }
	ns gwB $ESPGEN --src 192.0.2.2 --dst 192.0.2.1 --spi $SPI_IN \
		--key "$KEY" --inner-src 10.2.0.2 --inner-dst 10.1.0.2 \
		--seqs "$seqs" --sentinel 10.1.0.2:10000 "$@" >/dev/null
	wait $pid || { echo "listener failed"; return 1; }
	sort -u "$VGATE_TMP/got" | wc -l
}

counter() { drop_count gwA "$1"; }

tap_plan 12

replay0=$(counter replay)
got=$(deliver 1-4096 --shuffle 7)
check_eq "esp_replay window 4096 accepts 1..4096 in random order" "$got" 4096
check_eq "esp_replay no replay drops for in-window reordering" \
	"$(counter replay)" "$replay0"

got=$(deliver 1-100,4000-4049 --shuffle 3)
check_eq "esp_replay 150 replayed packets are not delivered" "$got" 0
check_eq "esp_replay 150 replayed packets are counted" \
	"$(counter replay)" $((replay0 + 150))

# top becomes 10000; 5904 is 4096 left of it, 5905 the oldest inside
got=$(deliver 10000,5904)
check_eq "esp_replay packet left of the window dropped" "$got" 1
check_eq "esp_replay left-of-window drop counted" \
	"$(counter replay)" $((replay0 + 151))
got=$(deliver 5905)
check_eq "esp_replay oldest in-window sequence number accepted" "$got" 1

auth0=$(counter auth)
got=$(deliver 20001-20010 --corrupt icv)
check_eq "esp_replay corrupt ICV: 10 dropped, counted as auth" \
	"$got/$(counter auth)" "0/$((auth0 + 10))"
# a failed ICV must not advance the window: the same numbers, intact, pass
got=$(deliver 20001-20010)
check_eq "esp_replay packets failing the ICV do not consume their numbers" "$got" 10

pad0=$(counter bad_padding)
got=$(deliver 20011-20015 --corrupt pad)
got2=$(deliver 20016-20020 --corrupt padlen)
check_eq "esp_replay wrong pad bytes and pad length dropped, counted" \
	"$got/$got2/$(counter bad_padding)" "0/0/$((pad0 + 10))"

mal0=$(counter malformed)
nosa0=$(counter no_sa)
got=$(deliver 20021-20025 --corrupt nexthdr)
got2=$(deliver 20026-20030 --spi 0x7777)
check_eq "esp_replay bad next header (malformed) and unknown SPI (no_sa) counted" \
	"$got/$got2/$(counter malformed)/$(counter no_sa)" \
	"0/0/$((mal0 + 5))/$((nosa0 + 5))"

pol0=$(counter policy)
got=$(deliver 1-5 --clear)
check_eq "esp_replay cleartext covered by a PROTECT rule dropped as policy" \
	"$got/$(counter policy)" "0/$((pol0 + 5))"

tap_done
