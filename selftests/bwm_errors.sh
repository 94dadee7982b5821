#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bwm_errors: bad input from the user is refused with a message naming
# the value, and nothing changes.
#
#   gw: lan (veth, link speed 10 Gbit/s) -- peer; dummy0
#
# Refused: an unknown interface, bandwidth 0, above the link speed; a
# class of bandwidth 0, above the interface's, classes summing above the
# interface, a ceiling below the class's rate, a parent chain that loops,
# an unknown parent; a filter naming an unknown class or one with
# subclasses; deleting a class that has subclasses; classes on an
# interface that is not enabled.  The configuration (bm show class and
# filter, statistics left out) is the same before and after them all.
# Four processes sending 3,000 failing requests each at the same time
# each get their own formatted messages (tools/extack_race.py).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip jq
bwm_load
ns_add gw peer
veth_link gw lan 10.9.0.1/24 peer eth0 10.9.0.2/24
ns gw ip link add dummy0 type dummy

# refused MSG ARGS...: "vgate bm ARGS" exits 2 and says MSG
refused() {
	local msg=$1 out rc
	shift
	out=$(vgate gw bm "$@" 2>&1)
	rc=$?
	echo "# bm $*: $out"
	if [ $rc = 2 ] && printf '%s' "$out" | grep -qF -- "$msg"; then
		tap_ok "refused: bm $*"
	else
		tap_fail "refused: bm $* (rc $rc, want 2 and \"$msg\")"
	fi
}

config() {
	{ vgate gw -j bm show class lan | jq -c '[.classes[] | del(.stats)]'
	  vgate gw -j bm show filter lan | jq -c '[.filters[] | del(.matches)]'
	  vgate gw -j bm show interface lan | jq -c '.interfaces[] | del(.stats)'
	} 2>&1
}

tap_plan 16

refused '"nosuch": no such interface' interface nosuch enable bandwidth 1m
refused 'lan: bandwidth 0: must be above 0' interface lan enable bandwidth 0
refused 'bandwidth 20000000000 bit/s above the link speed 10000000000' \
	interface lan enable bandwidth 20g
refused 'lan: bandwidth management is not enabled' class lan add 1 bandwidth 1m

bm gw interface lan enable bandwidth 1m
bm gw class lan add 1 bandwidth 400k name a
bm gw class lan add 2 bandwidth 200k parent 1 name b
bm gw filter lan add 1 class 2 service http
before=$(config)

refused 'class 3: bandwidth 0: must be above 0' class lan add 3 bandwidth 0
refused 'class 3: bandwidth 2000000 bit/s above the bandwidth of lan (1000000 bit/s)' \
	class lan add 3 bandwidth 2m
refused 'classes of lan: bandwidths sum to 1100000 bit/s, above its 1000000 bit/s' \
	class lan add 3 bandwidth 700k
refused 'class 3: ceiling 100000 bit/s below its bandwidth 200000 bit/s' \
	class lan add 3 bandwidth 200k ceiling 100k
refused 'parent 2 is the class itself or one of its subclasses' \
	class lan set 1 parent 2
refused 'class 3: parent class 9 does not exist' class lan add 3 bandwidth 100k parent 9
refused 'filter 2: class 9 does not exist' filter lan add 2 class 9 service ftp
refused 'filter 2: class 1 has subclasses' filter lan add 2 class 1 service ftp
refused 'class 1 has subclass 2' class lan del 1
refused 'subclasses of class 1: bandwidths sum to 500000 bit/s, above its 400000 bit/s' \
	class lan add 3 bandwidth 300k parent 1

check_eq "nothing changed" "$(config)" "$before"

out=$(ns gw python3 "$REPO/selftests/tools/extack_race.py" lan 4 3000)
echo "# extack_race: $out"
check_eq "concurrent failing requests each get their own message" \
	"$out" "replies=12000 foreign=0 errors=0"

tap_done
