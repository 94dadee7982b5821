#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cli_file_atomic: "vgate -f FILE" is atomic across the three modules
# (issue 14).  A file with SA, peer, rule, knob, bm and ip arp lines and
# one bad line that only the kernel refuses (last, or in the middle)
# changes nothing in any of them; the error names FILE:LINE.  The same
# file without the bad line applies everything.
#
#   namespace fa: lo; d0 (dummy, Ethernet: shaped by vgate_bwm, and the
#   gratuitous-ARP policy's interface)
#
# The state compared: SPIs of the SAD, rule IDs, peer names, postDefault,
# d0's bm interface settings and classes (statistics left out), the garp
# settings of the namespace and of d0.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"
require_cmd ip jq

GARP_KO=${VGATE_GARP_KO:-$REPO/vgate_garp.ko}
[ -f "$GARP_KO" ] || skip_all "$GARP_KO is not built (make modules)"
bwm_load
if [ -d /sys/module/vgate_garp ]; then
	echo "# vgate_garp was loaded by someone else: reloading"
	rmmod vgate_garp
fi
insmod "$GARP_KO"
unload_at_exit vgate_garp

ns_add fa
ns fa ip link add d0 type dummy
ns fa ip link set d0 up

K1=$(hexkey 20); K2=$(hexkey 20); K3=$(hexkey 20)
AB="src 192.0.2.1 dst 192.0.2.2 mode tunnel enc aes128-gcm"
BA="src 192.0.2.2 dst 192.0.2.1 mode tunnel enc aes128-gcm"

state() {
	vgate fa -j ipsec show sad | jq -c '[.[] | .spi]'
	vgate fa -j ipsec show rule | jq -c '[.[] | .id]'
	vgate fa -j ipsec show peer | jq -c '[.[] | .name]'
	vgate fa ipsec postDefault
	vgate fa -j bm show interface d0 | jq -c '.interfaces[] | del(.stats)'
	vgate fa -j bm show class d0 2>/dev/null | jq -c '[.classes[] | del(.stats)]'
	vgate fa -j ip arp show |
		jq -c '{active, rate_limit, d0: [.interfaces[] | select(.name == "d0") | {active, rate_limit}]}'
}

tap_plan 9

# the running configuration: one of each, so that "nothing changed" means
# something in every module
cat >"$VGATE_TMP/base" <<EOC
ipsec sa add 0x4000 $AB encKey $K3
ipsec peer add gwA addr 192.0.2.9
ipsec rule add 40 peer gwA local 10.1.9.0/24 remote 10.2.9.0/24 action protect
bm interface d0 enable bandwidth 10m
bm class d0 add 9 bandwidth 1m
EOC
check "cli_file_atomic: the base configuration applies" vgate fa -f "$VGATE_TMP/base"
before=$(state)
echo "$before" | sed 's/^/# before: /'

F=$VGATE_TMP/all.conf
cat >"$F" <<EOC
ipsec sa add 0x5000 $AB encKey $K1
ipsec sa add 0x5001 $BA encKey $K2
ipsec sa del 0x4000 dst 192.0.2.2
ipsec peer add gwB addr 192.0.2.2
ipsec rule add 50 peer gwB local 10.1.0.0/24 remote 10.2.0.0/24 action protect spiOut 0x5000 spiIn 0x5001
ipsec postDefault drop
bm class d0 add 1 bandwidth 2m
bm class d0 add 2 bandwidth 1m parent 1
bm filter d0 add 1 class 2 service http
ip arp ackGratuitous active yes
ip arp ackGratuitous interface d0 rateLimit 5
ipsec show sad
EOC

# bad FILE_TAIL_NAME LINE_NO MSG_PART: FILE with LINE inserted is refused
# with FILE:LINE_NO: naming MSG_PART, and nothing changed
bad() {
	local name=$1 lineno=$2 msg=$3 f=$VGATE_TMP/bad.conf out rc
	out=$(vgate fa -f "$f" 2>&1); rc=$?
	if [ $rc = 0 ] || ! grep -qF "$f:$lineno: " <<<"$out" ||
	   ! grep -qF "$msg" <<<"$out"; then
		tap_fail "cli_file_atomic: $name: refused at $f:$lineno naming \"$msg\""
		echo "$out" | sed 's/^/# /'
	else
		tap_ok "cli_file_atomic: $name: refused at $f:$lineno naming \"$msg\""
	fi
	check_eq "cli_file_atomic: $name: nothing changed in any module" \
		"$(state)" "$before"
}

# last line: a bm class whose parent does not exist
{ cat "$F"; echo "bm class d0 add 3 bandwidth 1m parent 99"; } >"$VGATE_TMP/bad.conf"
bad "bm class with a missing parent, last" 13 "parent class 99 does not exist"

# last line: an SA with the SPI of one added earlier in the file
{ cat "$F"; echo "ipsec sa add 0x5000 $AB encKey $K2"; } >"$VGATE_TMP/bad.conf"
bad "duplicate SPI, last" 13 "exists"

# in the middle, after the bm and garp lines: an unknown interface for garp
{ head -n 11 "$F"; echo "ip arp ackGratuitous interface nosuch0 active yes"; tail -n +12 "$F"; } \
	>"$VGATE_TMP/bad.conf"
bad "garp on an unknown interface, line 12" 12 "nosuch0"

# the file without a bad line applies everything
out=$(vgate fa -f "$F" 2>&1); rc=$?
check_eq "cli_file_atomic: the good file applies (exit 0)" "$rc" 0
want='["0x00005000","0x00005001"]'
got=$(state)
echo "$got" | sed 's/^/# after: /'
check "cli_file_atomic: every module changed as the file says" \
	jq -e -n --argjson sad "$(sed -n 1p <<<"$got")" \
		--argjson rules "$(sed -n 2p <<<"$got")" \
		--argjson peers "$(sed -n 3p <<<"$got")" \
		--argjson ifc "$(sed -n 5p <<<"$got")" \
		--argjson cls "$(sed -n 6p <<<"$got")" \
		--argjson garp "$(sed -n 7p <<<"$got")" \
		--arg pd "$(sed -n 4p <<<"$got")" \
		"\$sad == $want and \$rules == [40, 50] and (\$peers | sort) == [\"gwA\", \"gwB\"] and
		 \$pd == \"drop\" and \$ifc.enabled and
		 ([\$cls[] | .id] | sort) == [0, 1, 2, 9, 65535] and
		 \$garp.active == \"yes\" and \$garp.d0[0].rate_limit == 5"
tap_done
