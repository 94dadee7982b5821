#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPComp (RFC 3173, deflate) with ESP between vgate and the kernel's XFRM,
# in strongSwan's layout: IPComp in tunnel mode with ESP in transport mode
# (LAN to LAN), and both in transport mode (gateway to gateway).
#
#   lanA ------------ gwA (vgate) ==== wire (br0) ==== gwB (XFRM) ------------ lanB
#   10.1.0.2          10.1.0.1  192.0.2.1          192.0.2.2  10.2.0.1         10.2.0.2
#   fd00:1::2  fd00:1::1  fd00:ff::1  fd00:ff::2  fd00:2::1  fd00:2::2
#
# Both ways: small pings (below the 90-byte threshold: sent uncompressed,
# as IP-in-IP inside ESP in tunnel mode), a compressible text transfer
# (compressed: fewer ESP bytes on the wire than the transfer, the IPComp
# SA counters agree) and a random one (incompressible: sent uncompressed
# and counted so); every transfer arrives intact (SHA-256).  The peer
# options: ipcomp no refuses entries with CPIs and drops what arrives
# through IPComp as policy; force refuses entries without CPIs, drops as
# no-sa without the IPComp SA, and still sends small packets
# uncompressed.  Bad IPComp behind a valid ESP SA (tools/ipcompgen.py):
# truncated, reserved flags, nested, corrupt deflate, a decompression bomb,
# an unknown CPI: each dropped and counted by its reason.  An IPComp+ESP+AH
# bundle in transport mode (CEA: AH carrying ESP on the wire).  Then 6in6.

. "$(dirname "$0")/lib.sh"

require_cmd ip nft ping python3 jq
topo_gw_pair gwA gwB
GEN=$REPO/selftests/tools/ipcompgen.py

topo_gw_pair_ipv6

KAB=$(hexkey 20); KBA=$(hexkey 20); KNULL=$(hexkey 32)
SPI_AB=0x1001 SPI_BA=0x2001 CPI_AB=0x3001 CPI_BA=0x4001
AH_AB=0x6001 AH_BA=0x7001 KAH_AB=$(hexkey 32) KAH_BA=$(hexkey 32) WITH_AH=""

# configure MODE OUTER_A OUTER_B [NET_A NET_B]: ESP (transport) and IPComp
# (MODE) SAs each way on both gateways, vgate's entry naming all four, and
# XFRM policies as strongSwan installs them (IPComp template first,
# optional inbound).
configure() {
	local mode=$1 oa=$2 ob=$3 ia=${4:-$2} ib=${5:-$3} self="" d
	local tah_out="" tah_in=""
	vgate gwA ipsec peer add gwB addr "$ob" || return 1
	vgate gwA ipsec sa add $SPI_AB src "$oa" dst "$ob" mode transport \
		enc aes128-gcm encKey "$KAB" || return 1
	vgate gwA ipsec sa add $SPI_BA src "$ob" dst "$oa" mode transport \
		enc aes128-gcm encKey "$KBA" || return 1
	vgate gwA ipsec sa add $CPI_AB src "$oa" dst "$ob" mode "$mode" \
		proto comp || return 1
	vgate gwA ipsec sa add $CPI_BA src "$ob" dst "$oa" mode "$mode" \
		proto comp comp deflate || return 1
	[ "$mode" = transport ] && self="selfTraffic on"
	if [ -n "$WITH_AH" ]; then
		vgate gwA ipsec sa add $AH_AB src "$oa" dst "$ob" mode transport \
			proto ah auth hmac-sha256 authKey "$KAH_AB" || return 1
		vgate gwA ipsec sa add $AH_BA src "$ob" dst "$oa" mode transport \
			proto ah auth hmac-sha256 authKey "$KAH_BA" || return 1
		self="$self ahSpiOut $AH_AB ahSpiIn $AH_BA"
	fi
	vgate gwA ipsec rule add 10 peer gwB local "$ia" remote "$ib" \
		action protect $self spiOut $SPI_AB spiIn $SPI_BA \
		cpiOut $CPI_AB cpiIn $CPI_BA || return 1

	ns gwB ip xfrm state add src "$oa" dst "$ob" proto esp spi $SPI_AB \
		mode transport replay-window 64 aead 'rfc4106(gcm(aes))' "$KAB" 128 || return 1
	ns gwB ip xfrm state add src "$ob" dst "$oa" proto esp spi $SPI_BA \
		mode transport replay-window 64 aead 'rfc4106(gcm(aes))' "$KBA" 128 || return 1
	ns gwB ip xfrm state add src "$oa" dst "$ob" proto comp spi $CPI_AB \
		mode "$mode" comp deflate || return 1
	ns gwB ip xfrm state add src "$ob" dst "$oa" proto comp spi $CPI_BA \
		mode "$mode" comp deflate || return 1
	if [ -n "$WITH_AH" ]; then
		# AH outermost, as XFRM orders a bundle (IPComp, ESP, AH)
		ns gwB ip xfrm state add src "$oa" dst "$ob" proto ah spi $AH_AB \
			mode transport replay-window 64 flag align4 \
			auth-trunc 'hmac(sha256)' "$KAH_AB" 128 || return 1
		ns gwB ip xfrm state add src "$ob" dst "$oa" proto ah spi $AH_BA \
			mode transport replay-window 64 flag align4 \
			auth-trunc 'hmac(sha256)' "$KAH_BA" 128 || return 1
		tah_out="tmpl src $ob dst $oa proto ah mode transport"
		tah_in="tmpl src $oa dst $ob proto ah mode transport"
	fi
	ns gwB ip xfrm policy add src "$ib" dst "$ia" dir out \
		tmpl src "$ob" dst "$oa" proto comp mode "$mode" \
		tmpl src "$ob" dst "$oa" proto esp mode transport $tah_out || return 1
	for d in in fwd; do
		[ "$mode" = transport ] && [ $d = fwd ] && continue
		ns gwB ip xfrm policy add src "$ia" dst "$ib" dir $d \
			tmpl src "$oa" dst "$ob" proto comp mode "$mode" level use \
			tmpl src "$oa" dst "$ob" proto esp mode transport $tah_in || return 1
	done
}

unconfigure() {
	vgate gwA ipsec rule flush
	vgate gwA ipsec sa flush
	vgate gwA ipsec peer flush
	ns gwB ip xfrm policy flush
	ns gwB ip xfrm state flush
}

# sa_stat SPI KEY: a counter ("stats" of show sad -j) of vgate's SA SPI.
sa_stat() {
	vgate gwA -j ipsec show sad | jq -r --arg s "$(printf '0x%08x' "$1")" \
		--arg k "$2" '.[] | select(.spi == $s) | .stats[$k]'
}

wire_bytes() {
	ns wire nft list counter bridge wire "$1" | awk '/bytes/ { print $4 }'
}

# transfer FROM_NS TO_NS TO_ADDR DATA SIZE: a TCP transfer; true if it
# arrived whole and unchanged.
PORT=7000
transfer() {
	local out=$VGATE_TMP/recv.$PORT sent got
	PORT=$((PORT + 1))
	rm -f "$out" "$out.ready"
	ip netns exec "$2" python3 "$GEN" --tcp-recv "$3:$PORT" --out "$out" \
		--ready "$out.ready" --timeout 90 &
	local pid=$! i
	for i in $(seq 300); do [ -e "$out.ready" ] && break; sleep 0.1; done
	sent=$(ns "$1" timeout 90 python3 "$GEN" --tcp-send "$3:$PORT" \
		--data "$4" --size "$5")
	wait $pid
	got=$(cat "$out" 2>/dev/null)
	[ -n "$sent" ] && [ "$sent" = "$got" ] ||
		{ echo "# transfer $1 -> $3 $4: sent '$sent', received '$got'"; return 1; }
}

diag() {
	vgate gwA ipsec show global | sed 's/^/# /'
	vgate gwA ipsec show sad | sed 's/^/# /'
	xfrm_states_diag gwB | head -60
}

# result NAME ERR: ok or not ok with the diagnostics.
result() {
	echo "# ${SECONDS}s"
	if [ -n "$2" ]; then
		diag
		tap_fail "$1:$2"
	else
		tap_ok "$1"
	fi
}

# refused TEXT TAG CMD...: CMD must fail with TEXT in its error message;
# otherwise appends "TAGaccepted" or "TAGmessage='...'" to $err.
refused() {
	local text=$1 tag=$2
	shift 2
	if "$@" 2>"$VGATE_TMP/err"; then
		err="$err ${tag}accepted"
	fi
	grep -q "$text" "$VGATE_TMP/err" || err="$err ${tag}message='$(cat "$VGATE_TMP/err")'"
}

tap_plan 21
echo "# ${SECONDS}s topology"

# ---- tunnel mode (IPComp tunnel + ESP transport), IPv4 ----
unconfigure 2>/dev/null
configure tunnel 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 ||
	{ diag; skip_all "cannot configure IPComp+ESP (XFRM ipcomp missing?)"; }
wire_counters "esp_to_b=iifname toA ip protocol esp" \
	"esp_from_b=iifname toB ip protocol esp" \
	"cleartext=ip protocol != esp"
echo "# ${SECONDS}s configured"

t="ipcomp_xfrm_interop tunnel small packets uncompressed both ways"
err=""
ns lanA ping -c 3 -i 0.2 -W 2 -s 32 10.2.0.2 >/dev/null || err="$err ping-a-to-b"
ns lanB ping -c 3 -i 0.2 -W 2 -s 32 10.1.0.2 >/dev/null || err="$err ping-b-to-a"
small=$(sa_stat $CPI_AB small_out); comp=$(sa_stat $CPI_AB compressed_out)
[ "$small" -ge 6 ] || err="$err small_out=$small"
[ "$comp" -eq 0 ] || err="$err compressed_out=$comp"
echo "# small_out $small compressed_out $comp"
cea=$(vgate gwA -j ipsec show sa | jq -r '.[] | select(.id == 10) | .cea')
[ "$cea" = "CE-" ] || err="$err cea=$cea"
result "$t" "$err"

# 256 KiB of text: about 180 full segments, deflated to a fifth or less
t="ipcomp_xfrm_interop tunnel compressible transfer A to B"
err=""
b0=$(wire_bytes esp_to_b)
transfer lanA lanB 10.2.0.2 text 262144 || err="$err transfer"
b=$(( $(wire_bytes esp_to_b) - b0 ))
before=$(sa_stat $CPI_AB comp_bytes_before); after=$(sa_stat $CPI_AB comp_bytes_after)
comp=$(sa_stat $CPI_AB compressed_out)
echo "# ESP bytes to B $b for 256 KiB; compressed_out $comp, $before -> $after bytes"
[ "$b" -lt 65536 ] || err="$err esp-bytes=$b"
[ "$comp" -ge 100 ] || err="$err compressed_out=$comp"
[ "$before" -ge 250000 ] && [ $((after * 4)) -lt "$before" ] || err="$err ratio=$before/$after"
result "$t" "$err"

t="ipcomp_xfrm_interop tunnel compressible transfer B to A"
err=""
b0=$(wire_bytes esp_from_b)
transfer lanB lanA 10.1.0.2 text 262144 || err="$err transfer"
b=$(( $(wire_bytes esp_from_b) - b0 ))
dec=$(sa_stat $CPI_BA decompressed_in)
echo "# ESP bytes from B $b for 256 KiB; decompressed_in $dec"
[ "$b" -lt 65536 ] || err="$err esp-bytes=$b"
[ "$dec" -ge 100 ] || err="$err decompressed_in=$dec"
result "$t" "$err"

t="ipcomp_xfrm_interop tunnel incompressible transfers sent uncompressed"
err=""
i0=$(sa_stat $CPI_AB incompressible_out); c0=$(sa_stat $CPI_AB compressed_out)
b0=$(wire_bytes esp_from_b)
transfer lanA lanB 10.2.0.2 random 131072 || err="$err transfer-a-to-b"
transfer lanB lanA 10.1.0.2 random 131072 || err="$err transfer-b-to-a"
inc=$(( $(sa_stat $CPI_AB incompressible_out) - i0 ))
comp=$(( $(sa_stat $CPI_AB compressed_out) - c0 ))
b=$(( $(wire_bytes esp_from_b) - b0 ))
echo "# incompressible_out +$inc compressed_out +$comp; ESP bytes from B $b for 128 KiB"
[ "$inc" -ge 80 ] || err="$err incompressible_out=+$inc"
[ "$comp" -le 2 ] || err="$err compressed_out=+$comp"
[ "$b" -ge 131072 ] || err="$err esp-bytes-from-b=$b"
result "$t" "$err"

# Full-size segments of a new connection meet the tunnel MTU (the outer
# header and ESP on top; the uncompressed size counts) and are refused
# with "fragmentation needed": mtu drops are path MTU discovery at work.
t="ipcomp_xfrm_interop tunnel nothing in the clear, nothing dropped but PMTU"
err=""
clear=$(wire_count cleartext)
dropped=$(( $(global_stat gwA dropped) - $(drop_count gwA mtu) ))
[ "$clear" -eq 0 ] || err="$err cleartext=$clear"
[ "$dropped" -eq 0 ] || err="$err dropped=$dropped"
result "$t" "$err"

# The IPComp outer header plus ESP in transport mode cost what an ESP
# tunnel costs: with AES-GCM over a 1500-byte IPv4 path the inner MTU is
# 1446 (the uncompressed size counts: compression is not known in advance).
t="ipcomp_xfrm_interop tunnel inner MTU 1446, the largest packet passes"
err=""
out=$(ns lanA ping -M do -c 1 -W 2 -s 1419 10.2.0.2 2>&1) && err="$err 1447-passed"
echo "$out" | grep -qE "mtu ?= ?1446" || err="$err no-frag-needed-1446"
ns lanA ping -M do -c 1 -W 2 -s 1418 -p 41 10.2.0.2 >/dev/null || err="$err 1446-lost"
result "$t" "$err"

# ---- the peer options ----
t="ipcomp_xfrm_interop ipcomp no refused while the entry names CPIs"
err=""
refused "ipcomp no" "" vgate gwA ipsec peer set gwB addr 192.0.2.2 ipcomp no
[ "$(vgate gwA -j ipsec show peer | jq -r '.[0].ipcomp')" = accept ] || err="$err changed"
vgate gwA ipsec peer add nocomp addr 192.0.2.3 ipcomp no || err="$err peer-add"
refused "ipcomp no" entry- vgate gwA ipsec rule add 30 peer nocomp \
	local 10.1.0.0/24 remote 10.3.0.0/24 \
	action protect spiOut 0x1003 spiIn 0x2003 cpiOut 0x3003 cpiIn 0x4003
result "$t" "$err"

t="ipcomp_xfrm_interop ipcomp no drops what arrives through IPComp (policy)"
err=""
vgate gwA ipsec rule del 10 || err="$err rule-del"
vgate gwA ipsec peer set gwB addr 192.0.2.2 ipcomp no || err="$err peer-set"
vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 remote 10.2.0.0/24 \
	action protect spiOut $SPI_AB spiIn $SPI_BA || err="$err rule-add"
p0=$(drop_count gwA policy); d0=$(sa_stat $CPI_BA decompressed_in)
# a compressible ping (zeros), which XFRM compresses
if ns lanB ping -c 3 -i 0.3 -W 1 -s 1000 -p 00 10.1.0.2 >/dev/null; then
	err="$err ping-passed"
fi
p=$(( $(drop_count gwA policy) - p0 )); d=$(( $(sa_stat $CPI_BA decompressed_in) - d0 ))
echo "# policy drops +$p, decompressed_in +$d"
[ "$p" -ge 3 ] || err="$err policy-drops=+$p"
[ "$d" -ge 3 ] || err="$err decompressed_in=+$d"
result "$t" "$err"

t="ipcomp_xfrm_interop ipcomp force needs CPIs, small packets still uncompressed"
err=""
refused "ipcomp force" "" vgate gwA ipsec peer set gwB addr 192.0.2.2 ipcomp force
vgate gwA ipsec rule del 10 || err="$err rule-del"
vgate gwA ipsec peer set gwB addr 192.0.2.2 ipcomp force || err="$err peer-set"
vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 remote 10.2.0.0/24 \
	action protect spiOut $SPI_AB spiIn $SPI_BA cpiOut $CPI_AB cpiIn $CPI_BA ||
	err="$err rule-add"
refused "ipcomp force" entry- vgate gwA ipsec rule add 11 peer gwB \
	local 10.1.0.0/24 remote 10.9.0.0/24 action protect spiOut $SPI_AB spiIn $SPI_BA
s0=$(sa_stat $CPI_AB small_out)
ns lanA ping -c 3 -i 0.2 -W 2 -s 32 10.2.0.2 >/dev/null || err="$err ping"
s=$(( $(sa_stat $CPI_AB small_out) - s0 ))
[ "$s" -ge 3 ] || err="$err small_out=+$s"
transfer lanA lanB 10.2.0.2 text 65536 || err="$err transfer"
result "$t" "$err"

t="ipcomp_xfrm_interop ipcomp force without the IPComp SA: no-sa"
err=""
vgate gwA ipsec sa del $CPI_AB dst 192.0.2.2 proto comp || err="$err sa-del"
n0=$(drop_count gwA no_sa)
if ns lanA ping -c 3 -i 0.2 -W 1 10.2.0.2 >/dev/null; then
	err="$err ping-passed"
fi
n=$(( $(drop_count gwA no_sa) - n0 ))
[ "$n" -ge 3 ] || err="$err no-sa=+$n"
result "$t" "$err"

# ---- bad IPComp behind a valid ESP SA (NULL + HMAC-SHA-256, transport) ----
ns gwB ip xfrm policy flush
vgate gwA ipsec sa add 0x5001 src 192.0.2.2 dst 192.0.2.1 mode transport \
	enc null auth hmac-sha256 authKey "$KNULL" >/dev/null
# One packet of each kind, in this order; each adds 1 to its drop reason
# (a good packet is decompressed, then refused: no entry takes SPI 0x5001).
KINDS="ok:policy truncated:ipcomp_malformed flags:ipcomp_malformed
nested:ipcomp_malformed corrupt:decompress bomb:decompress_oversize
unknown:no_sa"
drops() { vgate gwA -j ipsec show global | jq -c .drops; }
d0=$(drops); dec0=$(sa_stat $CPI_BA decompressed_in)
all0=$(global_stat gwA dropped)
ns gwB python3 "$GEN" --src 192.0.2.2 --dst 192.0.2.1 --spi 0x5001 \
	--key "$KNULL" --cpi $CPI_BA --seq 1 --inner-src 10.2.0.2 \
	--inner-dst 10.1.0.2 --kind "$(echo $KINDS | sed 's/:[a-z_]*//g; s/ /,/g')" |
	sed 's/^/# /'
# all seven counted (the total of the drops)
wait_for sh -c "[ \$(ip netns exec gwA $VGATE -j ipsec show global | jq .dropped) -ge $((all0 + 7)) ]"
d1=$(drops)
for kr in $KINDS; do
	k=${kr%%:*}; r=${kr#*:}
	want=$(echo $KINDS | tr ' ' '\n' | grep -c ":$r\$")
	got=$(( $(echo "$d1" | jq ".$r") - $(echo "$d0" | jq ".$r") ))
	check_eq "ipcomp_xfrm_interop bad IPComp $k: drop $r" "$got" "$want"
done
check_eq "ipcomp_xfrm_interop bad IPComp: the good packet decompressed" \
	"$(( $(sa_stat $CPI_BA decompressed_in) - dec0 ))" 1

# ---- transport mode (both transport), IPv4 ----
t="ipcomp_xfrm_interop transport ping and compressible transfers both ways"
unconfigure 2>/dev/null
err=""
configure transport 192.0.2.1 192.0.2.2 || err="$err configuration"
ns gwA ping -c 3 -i 0.2 -W 2 -s 32 192.0.2.2 >/dev/null || err="$err ping-a-to-b"
ns gwB ping -c 3 -i 0.2 -W 2 -s 32 192.0.2.1 >/dev/null || err="$err ping-b-to-a"
transfer gwA gwB 192.0.2.2 text 65536 || err="$err transfer-a-to-b"
transfer gwB gwA 192.0.2.1 text 65536 || err="$err transfer-b-to-a"
comp=$(sa_stat $CPI_AB compressed_out); dec=$(sa_stat $CPI_BA decompressed_in)
echo "# compressed_out $comp decompressed_in $dec"
[ "$comp" -ge 20 ] || err="$err compressed_out=$comp"
[ "$dec" -ge 20 ] || err="$err decompressed_in=$dec"
result "$t" "$err"

# ---- IPComp+ESP+AH (all transport), IPv4: the CEA bundle ----
# Outbound IPComp, then ESP, then AH outermost; inbound the reverse, and
# on the wire AH carrying ESP (next header 50) and nothing else.
t="ipcomp_xfrm_interop IPComp+ESP+AH bundle transport both ways"
unconfigure 2>/dev/null
err=""
WITH_AH=1 configure transport 192.0.2.1 192.0.2.2 || err="$err configuration"
wire_counters "ah_esp_to_b=iifname toA ip protocol ah ah spi $AH_AB @nh,160,8 50" \
	"ah_esp_from_b=iifname toB ip protocol ah ah spi $AH_BA @nh,160,8 50" \
	"not_ah=ether type ip ip protocol != ah"
ns gwA ping -c 3 -i 0.2 -W 2 -s 32 192.0.2.2 >/dev/null || err="$err ping-a-to-b"
transfer gwA gwB 192.0.2.2 text 65536 || err="$err transfer-a-to-b"
transfer gwB gwA 192.0.2.1 text 65536 || err="$err transfer-b-to-a"
comp=$(sa_stat $CPI_AB compressed_out); dec=$(sa_stat $CPI_BA decompressed_in)
ahout=$(sa_stat $AH_AB packets); ahin=$(sa_stat $AH_BA packets)
to_b=$(wire_count ah_esp_to_b)
from_b=$(wire_count ah_esp_from_b)
not_ah=$(wire_count not_ah)
cea=$(vgate gwA -j ipsec show sa | jq -r '.[] | select(.id == 10) | .cea')
echo "# compressed_out $comp decompressed_in $dec; AH out $ahout in $ahin; wire AH+ESP to B $to_b from B $from_b, not AH $not_ah; CEA $cea"
[ "$comp" -ge 20 ] || err="$err compressed_out=$comp"
[ "$dec" -ge 20 ] || err="$err decompressed_in=$dec"
[ "${ahout:-0}" -ge 20 ] && [ "${ahin:-0}" -ge 20 ] || err="$err ah-sa=$ahout/$ahin"
[ "${to_b:-0}" -ge 20 ] && [ "${from_b:-0}" -ge 20 ] || err="$err wire-ah-esp=$to_b/$from_b"
[ "${not_ah:-0}" -eq 0 ] || err="$err not-ah=$not_ah"
[ "$cea" = "CEA" ] || err="$err cea=$cea"
result "$t" "$err"

# ---- 6in6: IPComp tunnel + ESP transport over IPv6 ----
t="ipcomp_xfrm_interop 6in6 ping and compressible transfers both ways"
unconfigure 2>/dev/null
err=""
configure tunnel fd00:ff::1 fd00:ff::2 fd00:1::/64 fd00:2::/64 ||
	err="$err configuration"
ns lanA ping -c 3 -i 0.2 -W 2 -s 32 fd00:2::2 >/dev/null || err="$err ping-a-to-b"
ns lanB ping -c 3 -i 0.2 -W 2 -s 32 fd00:1::2 >/dev/null || err="$err ping-b-to-a"
transfer lanA lanB fd00:2::2 text 65536 || err="$err transfer-a-to-b"
transfer lanB lanA fd00:1::2 text 65536 || err="$err transfer-b-to-a"
comp=$(sa_stat $CPI_AB compressed_out); dec=$(sa_stat $CPI_BA decompressed_in)
echo "# compressed_out $comp decompressed_in $dec"
[ "$comp" -ge 20 ] || err="$err compressed_out=$comp"
[ "$dec" -ge 20 ] || err="$err decompressed_in=$dec"
result "$t" "$err"

unconfigure 2>/dev/null
tap_done
