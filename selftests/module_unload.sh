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
require_cmd ip iperf3 ping
[ -f "$VGATE_KO" ] || skip_all "VGATE_KO not set"

K1=$(hexkey 20)
K2=$(hexkey 20)

setup() {
	vgate gwA ipsec sa add 0x1000 src 192.0.2.1 dst 192.0.2.2 mode tunnel \
		enc aes128-gcm encKey "$K1" &&
	vgate gwA ipsec sa add 0x2000 src 192.0.2.2 dst 192.0.2.1 mode tunnel \
		enc aes128-gcm encKey "$K2" &&
	vgate gwA ipsec peer add gwB addr 192.0.2.2 &&
	vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 \
		remote 10.2.0.0/24 action protect spiOut 0x1000 spiIn 0x2000
}

xfrm_setup() {
	ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x1000 \
		mode tunnel aead 'rfc4106(gcm(aes))' "$K1" 128 &&
	ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x2000 \
		mode tunnel aead 'rfc4106(gcm(aes))' "$K2" 128 &&
	ns gwB ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
		tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel &&
	ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir fwd \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
}

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

topo_gw_pair gwA gwB
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
