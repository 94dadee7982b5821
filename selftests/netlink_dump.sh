#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink_dump: SA and rule dumps spanning many messages return each entry
# once when nothing changes and carry NLM_F_DUMP_INTR when the table
# changes between their parts.  Runs in a namespace of its own.

# Outside the VM harness (VGATE_NEED_MODULE=1, see lib.sh) skip without vgate.
if [ "${VGATE_NEED_MODULE:-0}" = 1 ] && [ ! -d /sys/module/vgate ] &&
	! modprobe -q vgate 2>/dev/null; then
	echo "1..0 # SKIP vgate module not loaded (modprobe vgate failed)"
	exit 4
fi

ns=nldump$$
ip netns add "$ns" || exit 1
trap 'ip netns del "$ns"' EXIT
ip netns exec "$ns" python3 "$(dirname "$0")/tools/netlink_dump.py"
