#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# module_unload: rmmod vgate while traffic flows through a vgate tunnel, and
# delete a configured namespace while traffic flows; no warning, no leak
# (the harness fails the test on any BUG/WARNING/slab complaint, including
# objects left in vgate's kmem_cache), and the module loads and works again.
#
#   lanA ---- gwA (vgate) ==== wire ==== gwB (XFRM) ---- lanB
#
# AES-GCM keeps packets in the asynchronous crypto path at unload time.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"
require_cmd ip iperf3 ping
[ -f "$VGATE_KO" ] || skip_all "VGATE_KO not set"

# AES-GCM-128, SPIs 0x1000 out and 0x2000 in (lib_tunnel.sh); gwB's XFRM
# needs out and fwd policies only.
tunnel_set alg=aes128-gcm spi_ab=0x1000 spi_ba=0x2000 xfrm_in_dirs=fwd
setup() { tunnel_vgate; }
xfrm_setup() { tunnel_peer; }

# background traffic in both directions until killed
traffic() {
	ns lanB iperf3 -s -D -B 10.2.0.2
	wait_listen lanB 5201 || return 1
	ns lanA iperf3 -c 10.2.0.2 -t 60 -P 2 >/dev/null 2>&1 &
	ns lanA ping -q -i 0.01 10.2.0.2 >/dev/null 2>&1 &
	ns lanB ping -q -i 0.01 10.1.0.2 >/dev/null 2>&1 &
}

protected_out() {
	vgate gwA -j ipsec show global | python3 -c \
		'import json,sys; print(json.load(sys.stdin)["protected_out"])'
}

# traffic_flows N: more than N packets protected since the call began
traffic_flows() {
	local base
	base=$(protected_out)
	wait_for sh -c "[ \$($VGATE_GLOBAL) -gt $((base + $1)) ]"
}

setup_and_ping() { setup && ns lanA ping -c 2 -W 2 10.2.0.2; }

VGATE_GLOBAL="ip netns exec gwA $VGATE -j ipsec show global | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"protected_out\"])'"

tap_plan 8

tunnel_topo
xfrm_setup || exit 1
setup || exit 1
check "module_unload tunnel works before" ns lanA ping -c 2 -W 2 10.2.0.2
traffic
check "module_unload traffic flows through the tunnel" traffic_flows 200
check "module_unload rmmod while traffic flows" rmmod vgate
check "module_unload module and sysfs gone" \
	sh -c '! test -e /sys/module/vgate && ! test -e /sys/kernel/vgate'
check "module_unload insmod again" insmod "$VGATE_KO"
check "module_unload tunnel works after reload" setup_and_ping

# delete the configured gateway namespace with packets in flight
traffic_flows 200 || echo "# traffic did not resume after reload"
check "module_unload delete a configured namespace under traffic" ip netns del gwA
sleep 1
check "module_unload rmmod and insmod after namespace teardown" \
	sh -c "rmmod vgate && insmod '$VGATE_KO'"
tap_done
