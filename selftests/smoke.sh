#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# smoke: the harness loaded vgate.ko, network namespaces work. Tiny on
# purpose: it tells "the VM/harness is broken" apart from "vgate is broken".
# Self-contained (no lib.sh), TAP on stdout, exit 0 pass / 1 fail / 4 skip.

# Outside the VM harness (VGATE_NEED_MODULE=1, see lib.sh) skip without vgate.
if [ "${VGATE_NEED_MODULE:-0}" = 1 ] && [ ! -d /sys/module/vgate ] &&
	! modprobe -q vgate 2>/dev/null; then
	echo "1..0 # SKIP vgate module not loaded (modprobe vgate failed)"
	exit 4
fi

command -v ip >/dev/null 2>&1 || { echo "1..0 # SKIP ip (iproute2) missing"; exit 4; }

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); failed=1; echo "not ok $n $1"; }

ns=smoke$$
trap 'ip netns del "$ns" 2>/dev/null' EXIT

echo "TAP version 13"
echo "1..3"
if [ -d /sys/module/vgate ]; then ok "vgate module loaded"; else nok "vgate module loaded"; fi
if ip netns add "$ns"; then ok "ip netns add"; else nok "ip netns add"; fi
if ip netns exec "$ns" ip link set lo up && ip netns exec "$ns" ping -c 1 -W 2 127.0.0.1 >/dev/null; then
	ok "loopback in a namespace"
else
	nok "loopback in a namespace"
fi
exit $failed
