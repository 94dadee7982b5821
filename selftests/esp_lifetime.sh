#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# esp_lifetime: SA lifetimes and garbage input.
#
#   lanA ------- gwA (vgate) ==== wire ==== gwB (ESP generator)
#   10.1.0.2     10.1.0.1 192.0.2.1         192.0.2.2
#
# Packet limits: an inbound SA with softPackets 3 and hardPackets 5 carries
# five packets, then drops the next as "expired" and is removed (the rest
# find no SA).  Time limits: softSeconds 15 / hardSeconds 30 flag the SA
# and then remove it (generous limits, polled: the emulated VM is slow to
# start each tool; with 6/12 a loaded machine took longer than 12 s from
# "sa add" to the last packet, and the SA was rightly gone).  The events these send: lifetime_expire.sh.  Garbage: ESP for a known SPI with random sequence
# numbers, lengths and contents is dropped and counted (auth, malformed or
# replay), nothing reaches lanA, and the kernel stays quiet.

. "$(dirname "$0")/lib.sh"
require_cmd ip python3

ESPGEN="python3 $REPO/selftests/tools/espgen.py"
KEY=$(hexkey 32)

topo_gw_pair gwA gwB
vgate gwA ipsec peer add gwB addr 192.0.2.2 || skip_all "cannot add the peer"

# add_in SPI LIFETIME-ARGS...: inbound SA from gwB plus its rule
add_in() {
	local spi=$1; shift
	vgate gwA ipsec sa add "$spi" src 192.0.2.2 dst 192.0.2.1 mode tunnel \
		enc null auth hmac-sha256 authKey "$KEY" "$@"
}

deliver() { # SPI SEQSPEC [espgen options]: print how many reached lanA
	local spi=$1 seqs=$2; shift 2
	rm -f "$VGATE_TMP/ready"
	ns lanA $ESPGEN --listen 10.1.0.2:9999 --ready "$VGATE_TMP/ready" \
		> "$VGATE_TMP/got" &
	local pid=$!
	wait_for test -e "$VGATE_TMP/ready" || return 1
	ns gwB $ESPGEN --src 192.0.2.2 --dst 192.0.2.1 --spi "$spi" \
		--key "$KEY" --inner-src 10.2.0.2 --inner-dst 10.1.0.2 \
		--seqs "$seqs" --sentinel 10.1.0.2:10000 "$@" >/dev/null
	wait $pid || return 1
	sort -u "$VGATE_TMP/got" | wc -l
}

sa_flags() { # SPI: the SA's flags as a sorted, comma separated list, or
	# "absent" if there is no such SA
	vgate gwA -j ipsec show sad | python3 -c '
import json, sys
for sa in json.load(sys.stdin):
    if int(sa["spi"], 16) == int(sys.argv[1], 0):
        print(",".join(sorted(sa["flags"])))
        break
else:
    print("absent")' "$1"
}

use_rule() { # SPI_IN: point the protect rule at this inbound SA
	vgate gwA ipsec rule flush
	vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 \
		remote 10.2.0.0/24 action protect spiOut 0x1000 spiIn "$1"
}

tap_plan 7
vgate gwA ipsec sa add 0x1000 src 192.0.2.1 dst 192.0.2.2 mode tunnel \
	enc null auth hmac-sha256 authKey "$KEY" || exit 1

add_in 0x2001 softPackets 3 hardPackets 5 || exit 1
use_rule 0x2001 || exit 1
exp0=$(( $(drop_count gwA expired) + $(drop_count gwA no_sa) ))
got=$(deliver 0x2001 1-8)
check_eq "esp_lifetime hardPackets 5: five of eight delivered, three dropped (expired, then no SA)" \
	"$got/$(( $(drop_count gwA expired) + $(drop_count gwA no_sa) - exp0))" "5/3"
for _ in $(seq 50); do
	[ "$(sa_flags 0x2001)" = absent ] && break
	sleep 0.1
done
check_eq "esp_lifetime hard packet limit removes the SA" "$(sa_flags 0x2001)" absent

t_add=$SECONDS
add_in 0x2002 softSeconds 15 hardSeconds 30 || exit 1
use_rule 0x2002 || exit 1
check_eq "esp_lifetime fresh SA carries no flags" "$(sa_flags 0x2002)" ""
got=$(deliver 0x2002 1-3)
# Only meaningful within the SA's time: say how long it took if not.
check_eq "esp_lifetime SA within its time carries packets ($((SECONDS - t_add)) s of 30)" \
	"$got" 3
for _ in $(seq 90); do
	[ "$(sa_flags 0x2002)" = absent ] && break
	sleep 0.5
done
check_eq "esp_lifetime hardSeconds 30 removed the SA" "$(sa_flags 0x2002)" \
	absent
got=$(deliver 0x2002 4-6)
check_eq "esp_lifetime expired SA drops its packets" "$got" 0

add_in 0x2003 replayWindow 32 || exit 1
use_rule 0x2003 || exit 1
before=$(( $(drop_count gwA auth) + $(drop_count gwA malformed) + $(drop_count gwA replay) ))
rm -f "$VGATE_TMP/ready"
ns lanA $ESPGEN --listen 10.1.0.2:9999 --ready "$VGATE_TMP/ready" > "$VGATE_TMP/got" &
pid=$!
wait_for test -e "$VGATE_TMP/ready"
ns gwB $ESPGEN --src 192.0.2.2 --dst 192.0.2.1 --spi 0x2003 --garbage 1000 \
	--shuffle 5 >/dev/null
ns gwB $ESPGEN --src 192.0.2.2 --dst 192.0.2.1 --spi 0x2003 --key "$KEY" \
	--inner-src 10.2.0.2 --inner-dst 10.1.0.2 --seqs 1 --pace 1 \
	--corrupt icv --sentinel 10.1.0.2:10000 >/dev/null
wait $pid
after=$(( $(drop_count gwA auth) + $(drop_count gwA malformed) + $(drop_count gwA replay) ))
check_eq "esp_lifetime 1000 garbage ESP packets: all dropped and counted, none delivered" \
	"$((after - before))/$(wc -l < "$VGATE_TMP/got")" "1001/0"
tap_done
