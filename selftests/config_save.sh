#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# config_save: "config save" with all three modules loaded writes
# the policy, the ip arp settings and the bandwidth manager (one process,
# one netlink handle for the three families), and what it writes applies
# with "vgate -f" to another namespace, giving the same "config show":
# its "bm flush" first removes the shaping that namespace had.  Applied
# again to the namespace it came from (which has all of it: "class 1
# already exists" without the flush), it changes nothing.
#
#   namespace "cs"  (lo, d0, d1: dummies the ARP policy and the shaper act on)
#   namespace "cs2" (the same devices; d1 shaped: the file is applied here)

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

tap_plan 8
ns_add cs cs2
for n in cs cs2; do
	for d in d0 d1; do
		ns $n ip link add $d type dummy
		ns $n ip link set $d up
	done
done
vgate cs2 bm flush &&
	vgate cs2 bm interface d1 enable bandwidth 1m &&
	vgate cs2 bm class d1 add 3 bandwidth 500k
check "bm flush with nothing shaped is no error; cs2 shapes d1" test $? -eq 0

S=$VGATE_TMP/saved
vgate cs ipsec peer add gwB addr 192.0.2.2 descr "branch B" &&
vgate cs ipsec rule add 10 peer gwB local 10.1.0.0/16 remote 10.2.0.0/16 \
	action protect spiOut 0x1000 spiIn 0x1001 &&
vgate cs ip arp ackGratuitous active yes &&
vgate cs ip arp ackGratuitous rateLimit 20 &&
vgate cs ip arp ackGratuitous interface d0 rateLimit 5 &&
vgate cs bm interface d0 enable bandwidth 10m &&
vgate cs bm class d0 add 1 bandwidth 4m name bulk &&
vgate cs bm filter d0 add 1 class 1 dport 80
check "configure policy, ip arp and bm in cs" test $? -eq 0

vgate cs config save "$S" >"$VGATE_TMP/out" 2>&1
rc=$?
sed 's/^/# /' "$S"
check "config save exits 0" test "$rc" -eq 0
grep -q '^ip arp ackGratuitous rateLimit 20' "$S" &&
	grep -q '^ip arp ackGratuitous interface d0 .*rateLimit 5' "$S"
check "config save writes the ip arp settings" test $? -eq 0
grep -q '^bm interface d0 enable bandwidth 10m' "$S" &&
	grep -q '^bm class d0 add 1 bandwidth 4m' "$S" &&
	grep -q '^bm filter d0 add 1 class 1' "$S"
check "config save writes the bandwidth manager" test $? -eq 0

vgate cs2 -f "$S" >"$VGATE_TMP/out" 2>&1 &&
	vgate cs config show >"$VGATE_TMP/a" 2>&1 &&
	vgate cs2 config show >"$VGATE_TMP/b" 2>&1 &&
	diff "$VGATE_TMP/a" "$VGATE_TMP/b" >"$VGATE_TMP/diff"
rc=$?
sed 's/^/# /' "$VGATE_TMP/out" "$VGATE_TMP/diff"
check "the saved file applies to cs2 (d1 was shaped): the same config show" test "$rc" -eq 0

vgate cs -f "$S" >"$VGATE_TMP/out" 2>&1 &&
	vgate cs -f "$S" >>"$VGATE_TMP/out" 2>&1 &&
	vgate cs config show >"$VGATE_TMP/c" 2>&1 &&
	diff "$VGATE_TMP/a" "$VGATE_TMP/c" >"$VGATE_TMP/diff"
rc=$?
sed 's/^/# /' "$VGATE_TMP/out" "$VGATE_TMP/diff"
check "the saved file re-applies twice to cs, which has it all: nothing changes" test "$rc" -eq 0

vgate cs2 bm flush && [ -z "$(vgate cs2 -j bm show interface | jq -r '.interfaces[]?')" ]
check "bm flush: no interface of cs2 is shaped" test $? -eq 0
tap_done
