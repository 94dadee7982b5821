#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# post_default: with "ipsec postDefault drop" a tunnel still carries both
# directions (a decrypted packet being forwarded was accepted by its entry
# and does not meet the post default again), while traffic no rule matches
# is dropped and counted, a pre rule still lets its traffic pass, and the
# gateway's loopback traffic is never classified.
#
#   lanA 10.1.0.2 -- gwA (vgate) ==== wire ==== gwB (XFRM) -- lanB 10.2.0.2
#                    10.1.0.1 / 192.0.2.1       192.0.2.2 / 10.2.0.1

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"
require_cmd ip ping python3

tap_plan 9
tunnel_topo

# gwB: XFRM, out and fwd policies only (nothing is delivered to gwB itself).
tunnel_set alg=aes128-gcm spi_ab=0x1000 spi_ba=0x2000 xfrm_in_dirs=fwd
tunnel_peer || skip_all "cannot configure XFRM on gwB"

tunnel_vgate_sas &&
tunnel_vgate_peer &&
tunnel_vgate_rule 2>/dev/null &&
vgate gwA ipsec postDefault drop || exit 1

check_eq "postDefault reads drop (CLI and sysfs)" \
	"$(vgate gwA ipsec postDefault) $(ns gwA cat /sys/kernel/vgate/post_default)" \
	"drop drop"
check "lanA -> lanB through the tunnel under postDefault drop" \
	ns lanA ping -c 3 -W 5 10.2.0.2
check "lanB -> lanA: decrypted and forwarded, not dropped by the default" \
	ns lanB ping -c 3 -W 5 10.1.0.2
check_eq "no decrypted packet counted as a rule or policy drop" \
	"$(drop_count gwA rule) $(drop_count gwA policy)" "0 0"

# lanA to gwB's WAN address: forwarded by gwA in the clear, no rule matches.
before=$(drop_count gwA rule)
check "lanA -> 192.0.2.2 (no rule) does not get through" \
	sh -c '! ip netns exec lanA ping -c 2 -W 2 192.0.2.2'
after=$(drop_count gwA rule)
check "... and is dropped and counted as rule ($before -> $after)" \
	[ "$after" -ge $((before + 2)) ]

vgate gwA ipsec rule add 5 pre local 10.1.0.0/24 remote 192.0.2.2 \
	action pass 2>/dev/null
check "a pre pass rule lets lanA -> 192.0.2.2 through" \
	ns lanA ping -c 2 -W 5 192.0.2.2
check "gwA's loopback traffic is never classified" \
	ns gwA ping -c 2 -W 2 127.0.0.1
check_eq "explain: unmatched traffic meets the post default" \
	"$(vgate gwA -j ipsec explain 10.1.0.2 198.51.100.1 | python3 -c \
		'import json,sys; d=json.load(sys.stdin); print(d["reason"], d["action"])')" \
	"post_default drop"

tap_done
