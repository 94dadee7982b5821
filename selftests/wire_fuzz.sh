#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# wire_fuzz: malformed and crafted ESP, AH, IPComp, UDP-encapsulated ESP,
# fragments, IPv6 extension chains and nested encapsulations from the
# wire (tools/wirefuzz.py, 18 kinds, topology and SAs in lib_wire.sh).
# Every packet reaches vgate and is dropped and counted by reason (or
# counted as a NAT keepalive): the counters add up to exactly what was
# sent; nothing reaches lanA; a legitimate packet still gets through after.
# WIREFUZZ_COUNT (default 4000) and WIREFUZZ_SEEDS (default "1 2") set the
# size; make bench TESTS=wire_fuzz runs a million.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_wire.sh"
require_cmd ip python3 jq

COUNT=${WIREFUZZ_COUNT:-2000}
SEEDS=${WIREFUZZ_SEEDS:-1 2}

wire_setup || skip_all "cannot set up gwA's SAs"
udp_recv_start lanA 9999 "$VGATE_TMP/lan" || skip_all "no UDP listener"

set -- $SEEDS
tap_plan $(($# + 2))

for seed in $SEEDS; do
	before=$(wire_absorbed)
	out=$(ns gwB $WIREFUZZ --key "$WIRE_KEY" --ah-key "$WIRE_AH_KEY" \
		--count "$COUNT" --seed "$seed")
	echo "# seed $seed: $out"
	got=$(( $(wire_wait_absorbed $((before + COUNT))) - before ))
	check_eq "wire_fuzz seed $seed: all $COUNT packets dropped and counted" \
		"$got" "$COUNT"
done
vgate gwA ipsec show global | grep '^drop ' | awk '$NF != 0 { print "# " $0 }'

# a legitimate packet through the same SA the fuzzer abused
in0=$(global_stat gwA protected_in)
ns gwB python3 "$REPO/selftests/tools/espgen.py" --src 192.0.2.2 \
	--dst 192.0.2.1 --spi 0x2000 --key "$WIRE_KEY" --inner-src 10.2.0.2 \
	--inner-dst 10.1.0.2 --dport 9999 --seqs 4000000000-4000000009 >/dev/null
wait_for sh -c "[ \$(ip netns exec gwA '$VGATE' -j ipsec show global |
	jq .protected_in) -ge $((in0 + 10)) ]"
sleep 0.5
udp_recv_stop "$VGATE_TMP/lan" || echo "# listener did not stop"
check_eq "wire_fuzz nothing of the fuzz reached lanA" \
	"$(udp_received "$VGATE_TMP/lan" fuzz)" 0
check_eq "wire_fuzz a legitimate tunnel packet still gets through after" \
	"$(jq '[.[] | .received] | add' "$VGATE_TMP/lan")" 10
tap_done
