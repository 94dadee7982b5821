#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# esp_nested: ESP nested in ESP from the wire.  A peer holding an SA's key
# nests ESP in ESP up to a thousand layers deep in one packet: vgate
# removes at most max_nesting layers (module parameter, default 6, as
# XFRM_MAX_DEPTH) and drops the packet as "nesting" past that; no depth
# crashes the kernel (before the fix, 28 layers overflowed the stack).
#
#   gwA (vgate) ====== wire ====== gwB (tools/nestgen.py)
#   192.0.2.1 fd00:ff::1          192.0.2.2 fd00:ff::2
#
# gwB runs no IPsec stack: nestgen.py builds the packets itself (NULL
# encryption with HMAC-SHA-256-128, independent of vgate and XFRM) and
# fragments them; every innermost payload is a UDP datagram to gwA:9999,
# counted by a listener there, tagged with its case.  Cases: ESP in ESP
# (IPv4 and IPv6, transport and tunnel mode), ESP in IPComp in ESP, ESP in
# UDP (RFC 3948) in ESP; depths 1, max, max + 1, 28 and up to 1000; then
# max_nesting 64, which the per-CPU backlog makes safe (each nested layer
# is re-injected from a tasklet, never by recursion).

. "$(dirname "$0")/lib.sh"
require_cmd ip python3 jq

NESTGEN="python3 $REPO/selftests/tools/nestgen.py"
PARAM=/sys/module/vgate/parameters/max_nesting
KEY=$(hexkey 32)
SEQ=1

topo_gw_pair gwA gwB
topo_gw_pair_ipv6 gwA gwB
vgate gwA ipsec show global >/dev/null || skip_all "vgate not usable"
[ -w "$PARAM" ] || skip_all "no $PARAM"
MAX=$(cat "$PARAM")

# sa_pair OUT IN A B MODE [ARGS...]: NULL + HMAC-SHA-256 SAs A<->B on gwA.
sa_pair() {
	local out=$1 in=$2 a=$3 b=$4 mode=$5
	shift 5
	vgate gwA ipsec sa add "$out" src "$a" dst "$b" mode "$mode" \
		enc null auth hmac-sha256 authKey "$KEY" "$@" &&
	vgate gwA ipsec sa add "$in" src "$b" dst "$a" mode "$mode" \
		enc null auth hmac-sha256 authKey "$KEY" replayWindow 4096 "$@"
}

# setup CASE: gwA's SAs and entries for one case; nothing else left.
setup() {
	local a=192.0.2.1 b=192.0.2.2 mode=transport
	vgate gwA ipsec rule flush && vgate gwA ipsec sa flush &&
	vgate gwA ipsec peer flush || return 1
	case $1 in
	v6*) a=fd00:ff::1 b=fd00:ff::2 ;;
	esac
	case $1 in
	*tunnel) mode=tunnel ;;
	esac
	vgate gwA ipsec peer add gwB addr "$b" || return 1
	case $1 in
	comp)
		sa_pair 0x1000 0x2000 $a $b transport &&
		vgate gwA ipsec sa add 0x301 src $a dst $b mode transport proto comp &&
		vgate gwA ipsec sa add 0x300 src $b dst $a mode transport proto comp &&
		vgate gwA ipsec rule add 10 peer gwB local $a remote $b \
			action protect selfTraffic on spiOut 0x1000 spiIn 0x2000 \
			cpiOut 0x301 cpiIn 0x300 ;;
	udp)
		# UDP 4500 between the gateways through the plain SA, the
		# rest (ESP among it) through the UDP-encapsulated one
		vgate gwA ipsec natt socket &&
		sa_pair 0x1000 0x2000 $a $b transport &&
		sa_pair 0x1001 0x2001 $a $b transport encap udp &&
		vgate gwA ipsec rule add 10 peer gwB local $a remote $b \
			proto udp lport 4500 rport 4500 action protect \
			selfTraffic on spiOut 0x1000 spiIn 0x2000 &&
		vgate gwA ipsec rule add 20 peer gwB local $a remote $b \
			action protect selfTraffic on spiOut 0x1001 spiIn 0x2001 ;;
	*)
		sa_pair 0x1000 0x2000 $a $b $mode &&
		vgate gwA ipsec rule add 10 peer gwB local $a remote $b \
			action protect selfTraffic on spiOut 0x1000 spiIn 0x2000 ;;
	esac
}

# send CASE COUNT DEPTH...: COUNT packets of each DEPTH from gwB to gwA,
# tagged CASE-DEPTH; waits until vgate has dealt with all of them: each
# removed layer counts as protected_in, a packet too deep adds MAX of
# those and one nesting drop.
send() {
	local c=$1 count=$2 a=192.0.2.1 b=192.0.2.2 args=(--mode transport)
	shift 2
	case $c in
	v6*) a=fd00:ff::1 b=fd00:ff::2 ;;
	esac
	case $c in
	*tunnel) args=(--mode tunnel) ;;
	comp) args+=(--via comp --cpi 0x300) ;;
	udp) args+=(--via udp --udp-spi 0x2001 --udp-key "$KEY") ;;
	esac
	local want n depths start=$SEQ
	want=$(vgate gwA -j ipsec show global | jq '.protected_in + .drops.nesting')
	for n in "$@"; do
		want=$((want + count * (n > MAX ? MAX + 1 : n)))
		SEQ=$((SEQ + n * count))
	done
	depths=$(echo "$@" | tr ' ' ,)
	ns gwB $NESTGEN --src $b --dst $a --spi 0x2000 --key "$KEY" \
		--layers "$depths" --seq $start --count "$count" --tag "$c" \
		"${args[@]}" >/dev/null || echo "# nestgen failed for $c"
	wait_for sh -c "[ \$(ip netns exec gwA '$VGATE' -j ipsec show global |
		jq '.protected_in + .drops.nesting') -ge $want ]"
}

udp_recv_start gwA 9999 "$VGATE_TMP/recv" --ipv6 || skip_all "no UDP listener"

tap_plan 11

# case_run CASE DEPTHS...: for each depth, 2 packets; those up to MAX are
# delivered whole, deeper ones dropped as nesting, each counted once.
declare -A want_rx
case_run() {
	local c=$1 n nest0 nest1 err=""
	shift
	setup "$c" || { tap_fail "esp_nested $c: setup"; return; }
	nest0=$(drop_count gwA nesting)
	local deep=0
	for n in "$@"; do
		want_rx[$c-$n]=$(( n > MAX ? 0 : 2 ))
		[ "$n" -gt "$MAX" ] && deep=$((deep + 2))
	done
	local t0=$SECONDS
	send "$c" 2 "$@" || echo "# $c: not all packets were dealt with in time"
	echo "# $c: $((SECONDS - t0)) s"
	nest1=$(drop_count gwA nesting)
	check_eq "esp_nested $c depths $* beyond $MAX dropped as nesting" \
		"$((nest1 - nest0))" "$deep"
}

case_run v4 1 2 "$MAX" $((MAX + 1)) 28 1000
case_run v4tunnel 1 "$MAX" $((MAX + 1)) 28 1000
case_run v6 1 "$MAX" $((MAX + 1)) 28 1000
# 900 layers of IPv6 in IPv6 in ESP: about 61 KB, near the 64 KB limit
case_run v6tunnel 1 "$MAX" $((MAX + 1)) 28 900
case_run comp 1 "$MAX" $((MAX + 1)) 28 300
case_run udp 1 2 "$MAX" $((MAX + 1)) 28 1000

# max_nesting: 1..64; a bad value is refused and changes nothing
bad=""
for v in 0 65 abc -1; do
	echo "$v" > "$PARAM" 2>/dev/null && bad="$bad $v"
done
check_eq "esp_nested max_nesting refuses 0, 65, abc, -1 and keeps $MAX" \
	"${bad:-none} $(cat "$PARAM")" "none $MAX"

# 64 layers, each after the first re-injected from the tasklet backlog
# (28 overflowed the stack when each layer recursed)
ORIG=$MAX
echo 64 > "$PARAM"
MAX=64
case_run v4 64 65
case_run v6tunnel 64 65
echo "$ORIG" > "$PARAM"
MAX=$ORIG

udp_recv_stop "$VGATE_TMP/recv" || echo "# listener did not stop"
err=""
for k in "${!want_rx[@]}"; do
	got=$(udp_received "$VGATE_TMP/recv" "$k" unique)
	[ "$got" = "${want_rx[$k]}" ] || err="$err $k:$got/${want_rx[$k]}"
done
check_eq "esp_nested delivered exactly the packets within max_nesting" \
	"${err:-all ${#want_rx[@]} cases as expected}" \
	"all ${#want_rx[@]} cases as expected"

# vgate still decrypts the ordinary case after all that, and never
# failed an ICV on the way (nestgen's packets are all well formed)
ok=no
setup v4 && send v4 1 1 && ok=yes
check_eq "esp_nested a one-layer packet is accepted after the floods; no auth drops" \
	"$ok $(drop_count gwA auth)" "yes 0"
tap_done
