#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netlink_errors: malformed and invalid generic netlink requests (wrong
# attribute lengths, unknown algorithms, bad key lengths, duplicate SPIs,
# missing attributes, out-of-range knobs) get an extack error and leave the
# SA database, the rules and the knobs unchanged.  The requests are built
# by selftests/tools/vgatenl.py, not by the CLI, which refuses them earlier.
#
# Also: the sysfs knobs refuse the same bad values and act per namespace.

# Outside the VM harness (VGATE_NEED_MODULE=1, see lib.sh) skip without vgate.
if [ "${VGATE_NEED_MODULE:-0}" = 1 ] && [ ! -d /sys/module/vgate ] &&
	! modprobe -q vgate 2>/dev/null; then
	echo "1..0 # SKIP vgate module not loaded (modprobe vgate failed)"
	exit 4
fi

dir=$(dirname "$0")
ns=nlerr$$
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip netns exec "$ns" python3 "$dir/tools/netlink_errors.py"
rc=$?
# The knob written inside the namespace must not show in the init namespace.
if [ "$(cat /sys/kernel/vgate/replay_window)" = 128 ]; then
	echo "# sysfs knob leaked into the init namespace"
	rc=1
fi
exit $rc
