#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The wire fuzzer at scale (tools/wirefuzz.py, set-up of lib_wire.sh):
# BENCH_WIRE_PKTS (default 1000000) malformed packets of 18 kinds from gwB
# to gwA, in runs of 100000 with seeds 1, 2, ...  Prints
#   BENCH wire_fuzz pps=<packets/s absorbed> dropped_counted=<ratio>
# pps: packets sent / time until vgate had counted them all (the sender,
# python under emulation, is the limit); dropped_counted: the packets vgate
# counted as dropped (or as NAT keepalives) / packets sent, which must be
# 1.000.

. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../lib_wire.sh"
require_cmd ip python3 jq

TOTAL=${BENCH_WIRE_PKTS:-1000000}
RUN=100000
wire_setup || skip_all "cannot set up gwA's SAs"

sent=0 seed=0
before=$(wire_absorbed)
t0=$(date +%s.%N)
while [ $sent -lt "$TOTAL" ]; do
	n=$(( TOTAL - sent < RUN ? TOTAL - sent : RUN ))
	seed=$((seed + 1))
	ns gwB $WIREFUZZ --key "$WIRE_KEY" --ah-key "$WIRE_AH_KEY" \
		--count $n --seed $seed | sed 's/^/# /'
	sent=$((sent + n))
done
got=$(( $(wire_wait_absorbed $((before + sent))) - before ))
t1=$(date +%s.%N)
vgate gwA ipsec show global | grep '^drop ' | awk '$NF != 0 { print "# " $0 }'
awk -v g="$got" -v s="$sent" -v a="$t0" -v b="$t1" 'BEGIN {
	printf "BENCH wire_fuzz pps=%d dropped_counted=%.3f\n", g / (b - a), g / s }'
