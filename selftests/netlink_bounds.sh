#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink_bounds: every numeric attribute of the generic netlink families
# vgate, vgate_garp and vgate_bwm, with 0, 1, its documented maximum, the
# maximum + 1 and the largest value of its type (2^32-1, 2^64-1), is
# either refused with an extended ack naming it (and nothing changes) or
# works; the bandwidth manager's and the ARP policy's on interfaces of the
# smallest and the largest MTU.  Issue 20: "bm interface d0 enable
# bandwidth 18446744g; bm class d0 add 1 bandwidth 1k; bm class d0 set 1
# bandwidth 1" was a divide error in bwm_tree_build().  The harness fails
# the run on any BUG, WARNING or Oops in the kernel log.
#
#   nb: d68 (dummy, MTU 68, 10.68.0.1/24), d65535 (dummy, MTU 65535,
#       10.255.0.1/24); vgate.ko, vgate_garp.ko, vgate_bwm.ko loaded
#
# The requests are built by selftests/tools/netlink_bounds.py from the
# UAPI header's constants (vgatenl.py), not by the CLI.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip python3
GARP_KO=${VGATE_GARP_KO:-$REPO/vgate_garp.ko}
[ -f "$GARP_KO" ] || skip_all "$GARP_KO is not built (make modules)"
bwm_load
if [ ! -d /sys/module/vgate_garp ]; then
	insmod "$GARP_KO"
	unload_at_exit vgate_garp
fi

ns_add nb
ns nb ip link add d68 type dummy
ns nb ip link set d68 mtu 68 up
ns nb ip addr add 10.68.0.1/24 dev d68
ns nb ip link add d65535 type dummy
ns nb ip link set d65535 mtu 65535 up
ns nb ip addr add 10.255.0.1/24 dev d65535

ns nb python3 "$(dirname "$0")/tools/netlink_bounds.py" \
	d68=10.68.0.2 d65535=10.255.0.2
