#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink_userns: who may configure vgate in a network namespace owned by
# a user namespace other than the initial one (the userns_admin setting:
# module parameter of vgate.ko and /sys/kernel/vgate/userns_admin).
#
#   init userns, root: this script
#     `- uid 65534: setpriv ... unshare -Urn: a user and network
#        namespace of its own, root in it; d0 (dummy) inside
#
# Off (the default): every request of the three families, GETs and dumps
# included, gets EPERM with a message; vgate_bwm.ko without vgate.ko too.
# On: the same user configures SAs, rules, the ARP policy and the
# bandwidth manager in its namespace, and issue 20's requests are refused
# (ERANGE) instead of crashing the kernel.  The sysfs file and the module
# parameter take 0, 1, off, on and nothing else; only CAP_NET_ADMIN in
# the initial user namespace writes the file.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd setpriv unshare python3 ip
GARP_KO=${VGATE_GARP_KO:-$REPO/vgate_garp.ko}
[ -f "$GARP_KO" ] || skip_all "$GARP_KO is not built (make modules)"
modprobe dummy 2>/dev/null		# a user namespace cannot load it
bwm_load
if [ ! -d /sys/module/vgate_garp ]; then
	insmod "$GARP_KO"
	unload_at_exit vgate_garp
fi
KNOB=/sys/kernel/vgate/userns_admin
PROBE="python3 $REPO/selftests/tools/userns_probe.py"
trap 'echo 0 >$KNOB 2>/dev/null; _cleanup' EXIT

# unpriv CMD: CMD as uid 65534, root of a new user and network namespace
# with a dummy d0, up
unpriv() {
	setpriv --reuid 65534 --regid 65534 --clear-groups unshare -Urn \
		sh -c "ip link add d0 type dummy && ip link set d0 up && $1" 2>&1
}

# all_eperm OUT: 9 probe lines, each errno 1 (EPERM); the GETs and
# changes with the message (a dump's start callback has no extended ack
# on 6.1)
all_eperm() {
	local out=$1
	[ "$(printf '%s\n' "$out" | grep -c ' 1 ')" = 9 ] &&
		[ "$(printf '%s\n' "$out" | grep -c ' 1 network namespace of a user namespace')" = 6 ]
}

tap_plan 11

check_eq "userns_admin is 0 by default (sysfs and module parameter)" \
	"$(cat $KNOB) $(cat /sys/module/vgate/parameters/userns_admin)" "0 0"

out=$(unpriv "$PROBE vgate vgate_garp vgate_bwm")
printf '# %s\n' "$out"
check "off: uid 65534 in its own user namespace gets EPERM from every request of vgate, vgate_garp, vgate_bwm (GET, dump, change)" \
	all_eperm "$out"

out=$(unpriv "$VGATE ipsec replayWindow; echo rc=\$?")
printf '# %s\n' "$out"
check "off: the CLI prints the kernel's reason and exits 2" \
	sh -c "printf '%s' \"$out\" | grep -q 'userns_admin is off' &&
		printf '%s' \"$out\" | grep -q '^rc=2'"

bad=0
for v in 2 -1 yes foo ""; do
	if echo "$v" >$KNOB 2>/dev/null; then
		echo "# \"$v\" accepted"; bad=1
	fi
done
[ "$(cat $KNOB)" = 0 ] || bad=1
check "sysfs refuses 2, -1, yes, foo and empty, and stays 0" [ $bad = 0 ]
echo on >$KNOB && a=$(cat $KNOB) && echo off >$KNOB && b=$(cat $KNOB) &&
	echo 1 >$KNOB && c=$(cat $KNOB)
check_eq "sysfs takes on, off, 1" "$a $b $c" "1 0 1"
out=$(setpriv --reuid 65534 --regid 65534 --clear-groups unshare -Urn \
	sh -c "echo 0 >$KNOB" 2>&1)
check "uid 65534 (root of its own user namespace) cannot write it" \
	[ "$(cat $KNOB)" = 1 ]

out=$(unpriv "$PROBE vgate vgate_garp vgate_bwm")
printf '# %s\n' "$out"
check "on: the same requests work" \
	sh -c "[ \$(printf '%s\n' \"$out\" | grep -c ' 0\$') = 9 ]"

K=0x$(printf '%040x' 7)
script="V=$VGATE
\$V ipsec sa add 0x1000 src 192.0.2.1 dst 192.0.2.2 mode tunnel enc aes128-gcm encKey $K &&
\$V ipsec peer add gwb addr 192.0.2.2 &&
\$V ipsec rule add 10 peer gwb local 10.1.0.0/24 remote 10.2.0.0/24 action protect spiOut 0x1000 spiIn 0x1000 &&
\$V ip arp ackGratuitous active yes &&
\$V bm interface d0 enable bandwidth 1m &&
\$V bm class d0 add 1 bandwidth 100k &&
\$V ipsec show sa && \$V ip arp show && \$V bm show class d0 || exit 1
\$V bm interface d0 enable bandwidth 18446744g; echo rc=\$?
\$V bm class d0 set 1 bandwidth 1; echo rc=\$?
\$V bm class d0 add 2 bandwidth 1k; \$V bm class d0 set 2 bandwidth 1; echo rc=\$?"
out=$(unpriv "$script")
rc=$?
printf '# %s\n' "$out"
check "on: uid 65534 configures an SA, a peer, a protect rule, the ARP policy and a shaped interface with a class" \
	[ $rc = 0 ]
check_eq "on: issue 20's bandwidths are refused (exit 2 each)" \
	"$(printf '%s\n' "$out" | grep '^rc=' | tr '\n' ' ')" "rc=2 rc=2 rc=2 "

# vgate_bwm.ko alone: without vgate.ko its default (off) applies.  vgate.ko
# reloaded with the parameter: 2 refused, on taken.
echo 0 >$KNOB
[ -d /sys/module/vgate_garp ] && rmmod vgate_garp
rmmod vgate
out=$(unpriv "$PROBE vgate_bwm")
printf '# %s\n' "$out"
check "vgate_bwm.ko without vgate.ko: EPERM" \
	sh -c "[ \$(printf '%s\n' \"$out\" | grep -c ' 1 ') = 3 ]"
insmod "$VGATE_KO" userns_admin=2 2>/dev/null && { echo "# userns_admin=2 loaded"; rmmod vgate; }
insmod "$VGATE_KO" userns_admin=on
p=$(cat /sys/module/vgate/parameters/userns_admin 2>&1) k=$(cat $KNOB 2>&1)
rmmod vgate && insmod "$VGATE_KO"
check_eq "module parameter: userns_admin=2 refused, userns_admin=on shows in sysfs; default again after reload" \
	"$p $k $(cat $KNOB)" "1 1 0"

tap_done
