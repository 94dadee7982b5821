#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the CPU goes: perf samples of the whole VM during one TCP stream
# through an AES-GCM-128 tunnel, once with vgate and once with XFRM on both
# gateways (topology and setup as in esp_throughput.sh).  Prints the top
# kernel symbols of each.  Run alone: make bench TESTS=profile

. "$(dirname "$0")/../lib.sh"
require_cmd perf iperf3

# reuse the set-up functions of the throughput benchmark
eval "$(sed -n '/^key()/,/^median()/p' "$(dirname "$0")/esp_throughput.sh" | sed '/^median()/d')"
SECS=6

for impl in xfrm vgate; do
	topo_teardown
	topo_gw_pair gwA gwB
	"setup_$impl" gcm || exit 1
	ns lanB iperf3 -s -1 -D -B 10.2.0.2
	wait_listen lanB 5201 || exit 1
	ns lanA iperf3 -c 10.2.0.2 -t $((SECS + 2)) > "$VGATE_TMP/iperf.txt" 2>&1 &
	sleep 1
	perf record -a -F 499 -e cpu-clock -q -o "$VGATE_TMP/perf.data" -- sleep "$SECS" 2>&1 | sed 's/^/# perf: /'
	wait
	grep -E "sender|receiver|error" "$VGATE_TMP/iperf.txt" | sed 's/^/# /'
	echo "# ---- $impl: top kernel symbols, AES-GCM-128, all CPUs"
	perf report -i "$VGATE_TMP/perf.data" --sort sym --stdio 2>/dev/null |
		grep -E '^ +[0-9]' | head -25 | sed 's/^/# /'
done
exit 0
