#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# AH (RFC 4302) and AH+ESP bundles between vgate and the kernel's XFRM.
#
#   lanA ------------ gwA (vgate) ==== wire (br0) ==== gwB (XFRM) ------------ lanB
#   10.1.0.2          10.1.0.1  192.0.2.1          192.0.2.2  10.2.0.1         10.2.0.2
#   fd00:1::2  fd00:1::1  fd00:ff::1  fd00:ff::2  fd00:2::1  fd00:2::2
#
# (1) AH alone over IPv4: tunnel mode (LAN to LAN) with HMAC-SHA1-96,
#     -SHA-256-128, -SHA-384-192 and -SHA-512-256, ping both ways for every
#     hash and a 128 KB TCP transfer each way with SHA-256; transport mode
#     (gateway to gateway) with SHA1-96 (ping and TCP) and SHA-384 (ping).  XFRM's IPv4 AH states carry
#     "flag align4" (RFC 4302 padding; XFRM pads to 64 bits without it).
# (2) AH alone over IPv6: 6in6 tunnel and transport mode, ping both ways.
# (3) AH+ESP bundles: ESP tunnel with AH transport outside it (XFRM: tmpl
#     esp tunnel, tmpl ah transport) and ESP transport inside AH transport,
#     ping and TCP both ways.  Then XFRM sends through ESP alone: vgate
#     drops what skipped the entry's AH (policy).
# On the wire (nftables counters on the bridge) every packet between the
# gateways is AH with the configured SPIs (for bundles: AH whose next
# header is ESP), nothing else crosses; the CLI's bundle view says --A or
# -EA.
# (4) Bad AH from the wire (tools/ahgen.py, an implementation independent
#     of vgate and XFRM): good packets are accepted, then a corrupt ICV
#     (auth), a wrong payload length and a truncated header (malformed), a
#     replayed one (replay) and an unknown SPI (no-sa) are each dropped and
#     counted once by reason.

. "$(dirname "$0")/lib.sh"

require_cmd ip nft iperf3 ping jq
REPO=$(cd "$(dirname "$0")/.." && pwd)
AHGEN="python3 $REPO/selftests/tools/ahgen.py"
ESPGEN="python3 $REPO/selftests/tools/espgen.py"
topo_gw_pair gwA gwB
topo_gw_pair_ipv6

# vgate auth | XFRM algorithm | key bytes | ICV bits
HASHES="
hmac-sha1|hmac(sha1)|20|96
hmac-sha256|hmac(sha256)|32|128
hmac-sha384|hmac(sha384)|48|192
hmac-sha512|hmac(sha512)|64|256
"

# The configuration of a case is collected and sent at once (TCG is slow
# to start processes): vg adds a vgate command line, xf an "ip" batch line
# for gwB; apply sends them with one "vgate -f -" (rules and peers in one
# transaction, then the SA commands) and one "ip -b -".
VCFG=""; XCFG=""
vg() { VCFG+="$*"$'\n'; }
xf() { XCFG+="$*"$'\n'; }
apply() {
	local r=0
	printf '%s' "$XCFG" | ns gwB ip -b - || r=1
	printf '%s' "$VCFG" | vgate gwA -f - >/dev/null || r=1
	VCFG=""; XCFG=""
	return $r
}

unconfigure() {
	vg ipsec rule flush
	vg ipsec peer flush
	vg ipsec sa flush
	xf xfrm policy flush
	xf xfrm state flush
}

# xfrm_sa PROTO MODE SRC DST SPI ALG-ARGS...: an XFRM state on gwB.
xfrm_sa() {
	local proto=$1 mode=$2 src=$3 dst=$4 spi=$5 flag=""
	shift 5
	case $src in *:*) ;; *) [ "$proto" = ah ] && flag="flag align4" ;; esac
	xf xfrm state add src "$src" dst "$dst" proto "$proto" spi "$spi" \
		mode "$mode" replay-window 64 $flag "$@"
}

# xfrm_policies MODE OA OB IA IB TMPL...: gwB's policies; TMPL is "esp",
# "ah" or "esp ah" (AH outermost); with an ESP tunnel, AH is transport.
xfrm_policies() {
	local mode=$1 oa=$2 ob=$3 ia=$4 ib=$5 p t tout="" tin="" d
	shift 5
	for p in "$@"; do
		t=$mode
		[ "$p" = ah ] && [ $# -gt 1 ] && t=transport
		tout+=" tmpl src $ob dst $oa proto $p mode $t"
		tin+=" tmpl src $oa dst $ob proto $p mode $t"
	done
	if [ "$mode" = tunnel ]; then
		xf xfrm policy add src "$ib" dst "$ia" dir out "$tout"
		for d in in fwd; do
			xf xfrm policy add src "$ia" dst "$ib" dir $d "$tin"
		done
	else
		xf xfrm policy add src "$ob" dst "$oa" dir out "$tout"
		xf xfrm policy add src "$oa" dst "$ob" dir in "$tin"
	fi
}

# vgate_entry MODE OA OB IA IB SPI-ARGS...: peer gwB and entry 10 on gwA.
vgate_entry() {
	local mode=$1 oa=$2 ob=$3 ia=$4 ib=$5
	shift 5
	vg ipsec peer add gwB addr "$ob"
	if [ "$mode" = tunnel ]; then
		vg ipsec rule add 10 peer gwB local "$ia" remote "$ib" action protect "$@"
	else
		vg ipsec rule add 10 peer gwB local "$oa" remote "$ob" \
			action protect selfTraffic on "$@"
	fi
}

sa_stat() { # SPI DST KEY: a counter of the SA in vgate's SAD
	vgate gwA -j ipsec show sad | jq -r --arg s "$(printf 0x%08x $(($1)))" \
		--arg d "$2" --arg k "$3" '.[] | select(.spi == $s and .dst == $d) | .stats[$k]'
}

# sa_stats SPI DST KEY [SPI DST KEY...]: those counters, one SAD dump.
sa_stats() {
	local f="" sep=""
	while [ $# -ge 3 ]; do
		f+="$sep([.[] | select(.spi == \"$(printf 0x%08x $(($1)))\" and .dst == \"$2\") | .stats.$3][0] // \"none\" | tostring)"
		sep=' + " " + '
		shift 3
	done
	vgate gwA -j ipsec show sad | jq -r "$f"
}

# wire_read: every wire counter into W[NAME] with one nft call.
declare -A W
wire_read() {
	local l
	W=()
	while IFS='=' read -r l v; do W[$l]=$v; done < <(ns wire nft list counters \
		table bridge wire | awk '/counter/ { n = $2 } /packets/ { print n "=" $2 }')
}

cea() { vgate gwA -j ipsec show sa | jq -r '.[] | select(.id == 10) | .cea'; }

# traffic A B HA HB TCP: ping both ways (and TCP); prints the failures.
traffic() {
	local a=$1 b=$2 ha=$3 hb=$4 tcp=$5 e=""
	ns "$a" ping -c 2 -i 0.2 -W 2 "$hb" >/dev/null || e="$e ping-a-to-b"
	ns "$b" ping -c 2 -i 0.2 -W 2 "$ha" >/dev/null || e="$e ping-b-to-a"
	if [ "$tcp" = tcp ]; then
		tcp_both_ways "$a" "$hb" "$b" 128K || e="$e tcp"
	fi
	echo "$e"
}

# pmtu_check HOST WANT: a DF packet of WANT + 1 bytes from lanA to HOST gets
# "fragmentation needed" with exactly WANT from gwA (lanA's route learns
# it), one of WANT bytes passes.  Prints the failures.
pmtu_check() {
	local hb=$1 want=$2 e="" r
	ns lanA ip route flush cache
	ns lanA ping -c 1 -W 2 -M do -s $((want + 1 - 28)) "$hb" >/dev/null 2>&1 &&
		e="$e pmtu-$((want + 1))-passed"
	r=$(ns lanA ip route get "$hb")
	[[ "$r" =~ \ mtu\ $want([^0-9]|$) ]] || e="$e pmtu-learnt=[${r//$'\n'/ }]"
	ns lanA ping -c 1 -W 2 -M do -s $((want - 28)) "$hb" >/dev/null || e="$e pmtu-$want-failed"
	echo "$e"
}

diag() {
	vgate gwA ipsec show global | sed 's/^/# /'
	vgate gwA ipsec show sad | sed 's/^/# /'
	vgate gwA ipsec show sa | sed 's/^/# /'
	xfrm_states_diag gwB
}

tap_plan 13

# --- (1) and (2): AH alone ------------------------------------------------
# name | mode | outer A | outer B | ether type | inner A | inner B | host A | host B | hashes | TCP with
CASES="
tunnel|tunnel|192.0.2.1|192.0.2.2|ip|10.1.0.0/24|10.2.0.0/24|10.1.0.2|10.2.0.2|all|hmac-sha256
transport|transport|192.0.2.1|192.0.2.2|ip|||192.0.2.1|192.0.2.2|hmac-sha1 hmac-sha384|hmac-sha1
ipv6 tunnel|tunnel|fd00:ff::1|fd00:ff::2|ip6|fd00:1::/64|fd00:2::/64|fd00:1::2|fd00:2::2|hmac-sha256|none
ipv6 transport|transport|fd00:ff::1|fd00:ff::2|ip6|||fd00:ff::1|fd00:ff::2|hmac-sha512|none
"
n=0
while IFS='|' read -r name mode oa ob etype ia ib ha hb hashes tcpwith; do
	[ -n "$name" ] || continue
	while IFS='|' read -r vauth xalg kl bits; do
		[ -n "$vauth" ] || continue
		[ "$hashes" = all ] || [[ " $hashes " == *" $vauth "* ]] || continue
		n=$((n + 1))
		spi_ab=$(printf '0x%x' $((0x5100 + n)))
		spi_ba=$(printf '0x%x' $((0x5200 + n)))
		t="ah_xfrm_interop $name $vauth"
		k_ab=$(hexkey "$kl"); k_ba=$(hexkey "$kl")
		unconfigure
		vgate_entry "$mode" "$oa" "$ob" "$ia" "$ib" ahSpiOut "$spi_ab" ahSpiIn "$spi_ba"
		vg ipsec sa add "$spi_ab" src "$oa" dst "$ob" mode "$mode" \
			proto ah auth "$vauth" authKey "$k_ab"
		vg ipsec sa add "$spi_ba" src "$ob" dst "$oa" mode "$mode" \
			proto ah auth "$vauth" authKey "$k_ba"
		xfrm_sa ah "$mode" "$oa" "$ob" "$spi_ab" auth-trunc "$xalg" "$k_ab" "$bits"
		xfrm_sa ah "$mode" "$ob" "$oa" "$spi_ba" auth-trunc "$xalg" "$k_ba" "$bits"
		xfrm_policies "$mode" "$oa" "$ob" "$ia" "$ib" ah
		if ! apply; then
			tap_fail "$t: configuration"
			continue
		fi
		other=ip; [ "$etype" = ip ] && other=ip6
		wire_counters "ah_to_b=iifname toA ether type $etype meta l4proto ah ah spi $spi_ab" \
			"ah_from_b=iifname toB ether type $etype meta l4proto ah ah spi $spi_ba" \
			"wrong_family=ether type $other" \
			"clear4=ether type ip ip protocol != ah" \
			"clear6=ether type ip6 meta l4proto != ah"
		if [ "$mode" = tunnel ]; then a=lanA; b=lanB; else a=gwA; b=gwB; fi
		tcp=no; [ "$vauth" = "$tcpwith" ] && tcp=tcp
		err=$(traffic "$a" "$b" "$ha" "$hb" "$tcp")
		# 1500 - 20 (outer IPv4) - 28 (AH, SHA-256-128)
		[ "$name" = tunnel ] && [ "$tcp" = tcp ] && err="$err$(pmtu_check "$hb" 1452)"
		wire_read
		to_b=${W[ah_to_b]}; from_b=${W[ah_from_b]}; wrong=${W[wrong_family]}
		clear=$(( ${W[clear4]:-0} + ${W[clear6]:-0} ))
		want=4; [ "$tcp" = tcp ] && want=100
		read -r out in < <(sa_stats "$spi_ab" "$ob" packets_out "$spi_ba" "$oa" packets_in)
		[ "${to_b:-0}" -ge $want ] || err="$err ah-to-b=$to_b"
		[ "${from_b:-0}" -ge $want ] || err="$err ah-from-b=$from_b"
		[ ${#W[@]} -eq 5 ] || err="$err wire-counters=${#W[@]}"
		[ "${wrong:-x}" = 0 ] || err="$err other-family=$wrong"
		[ "$clear" -eq 0 ] || err="$err cleartext-on-wire=$clear"
		[ "${in:-0}" -ge $want ] && [ "${out:-0}" -ge $want ] || err="$err sa-packets=$out/$in"
		# the bundle view, once per mode
		c=-; [ "$vauth" = "$tcpwith" ] && { c=$(cea); [ "$c" = "--A" ] || err="$err cea=$c"; }
		echo "# $t: AH spi $spi_ab $to_b pkts, spi $spi_ba $from_b pkts; SA out $out in $in; cleartext $clear; CEA $c${tcp/no/}; ${SECONDS}s"
		if [ -n "$err" ]; then diag; tap_fail "$t:$err"; else tap_ok "$t"; fi
	done <<< "$HASHES"
done <<< "$CASES"

# --- (3) AH+ESP bundles ------------------------------------------------------
KE=$(hexkey 20); KE2=$(hexkey 20); KA=$(hexkey 32); KA2=$(hexkey 32)
for mode in tunnel transport; do
	t="ah_xfrm_interop bundle esp $mode + ah transport"
	if [ "$mode" = tunnel ]; then
		ia=10.1.0.0/24; ib=10.2.0.0/24; a=lanA; b=lanB; ha=10.1.0.2; hb=10.2.0.2
	else
		ia=""; ib=""; a=gwA; b=gwB; ha=192.0.2.1; hb=192.0.2.2
	fi
	unconfigure
	vgate_entry "$mode" 192.0.2.1 192.0.2.2 "$ia" "$ib" spiOut 0x8101 \
		spiIn 0x8201 ahSpiOut 0x8301 ahSpiIn 0x8401
	vg ipsec sa add 0x8101 src 192.0.2.1 dst 192.0.2.2 mode "$mode" \
		enc aes128-gcm encKey "$KE"
	vg ipsec sa add 0x8201 src 192.0.2.2 dst 192.0.2.1 mode "$mode" \
		enc aes128-gcm encKey "$KE2"
	vg ipsec sa add 0x8301 src 192.0.2.1 dst 192.0.2.2 mode transport \
		proto ah auth hmac-sha256 authKey "$KA"
	vg ipsec sa add 0x8401 src 192.0.2.2 dst 192.0.2.1 mode transport \
		proto ah auth hmac-sha256 authKey "$KA2"
	xfrm_sa esp "$mode" 192.0.2.1 192.0.2.2 0x8101 aead "rfc4106(gcm(aes))" "$KE" 128
	xfrm_sa esp "$mode" 192.0.2.2 192.0.2.1 0x8201 aead "rfc4106(gcm(aes))" "$KE2" 128
	xfrm_sa ah transport 192.0.2.1 192.0.2.2 0x8301 auth-trunc "hmac(sha256)" "$KA" 128
	xfrm_sa ah transport 192.0.2.2 192.0.2.1 0x8401 auth-trunc "hmac(sha256)" "$KA2" 128
	xfrm_policies "$mode" 192.0.2.1 192.0.2.2 "$ia" "$ib" esp ah
	if ! apply; then
		tap_fail "$t: configuration"
		continue
	fi
	# AH's next header (its first byte) at offset 20: nft 1.0.6 cannot
	# match "ah nexthdr" (it aborts), hence the raw payload match.
	wire_counters "ah_esp_to_b=iifname toA ip protocol ah ah spi 0x8301 @nh,160,8 50" \
		"ah_esp_from_b=iifname toB ip protocol ah ah spi 0x8401 @nh,160,8 50" \
		"ah_not_esp=ip protocol ah ip frag-off & 0x1fff == 0 @nh,160,8 != 50" \
		"clear4=ether type ip ip protocol != ah" \
		"other=ether type != ip"
	err=$(traffic "$a" "$b" "$ha" "$hb" tcp)
	# 1500 - 28 (AH) - 20 (outer IPv4) - 8 (ESP) - 8 (IV) - 16 (ICV) - 2,
	# 4-byte blocks: 1418
	[ "$mode" = tunnel ] && err="$err$(pmtu_check "$hb" 1418)"
	wire_read
	to_b=${W[ah_esp_to_b]}; from_b=${W[ah_esp_from_b]}
	bad=$(( ${W[ah_not_esp]:-0} + ${W[clear4]:-0} + ${W[other]:-0} ))
	read -r esp_in ah_in esp_out ah_out < <(sa_stats 0x8201 192.0.2.1 packets_in \
		0x8401 192.0.2.1 packets_in 0x8101 192.0.2.2 packets_out 0x8301 192.0.2.2 packets_out)
	[ "${to_b:-0}" -ge 100 ] || err="$err ah-esp-to-b=$to_b"
	[ "${from_b:-0}" -ge 100 ] || err="$err ah-esp-from-b=$from_b"
	[ ${#W[@]} -eq 5 ] || err="$err wire-counters=${#W[@]}"
	[ "$bad" -eq 0 ] || err="$err not-ah-esp-on-wire=$bad"
	[ "${esp_in:-0}" -ge 100 ] && [ "${ah_in:-0}" -ge 100 ] &&
		[ "${esp_out:-0}" -ge 100 ] && [ "${ah_out:-0}" -ge 100 ] ||
		err="$err sa-packets=esp:$esp_out/$esp_in,ah:$ah_out/$ah_in"
	c=$(cea); [ "$c" = "-EA" ] || err="$err cea=$c"
	echo "# $t: AH(ESP) $to_b / $from_b pkts; SA out esp $esp_out ah $ah_out, in esp $esp_in ah $ah_in; other on wire $bad; CEA $c; ${SECONDS}s"
	if [ -n "$err" ]; then diag; tap_fail "$t:$err"; else tap_ok "$t"; fi
done

# The peer leaves out the AH of the bundle: ESP alone arrives, vgate drops
# it as policy (the ESP SA would decrypt it; the entry names AH too).
t="ah_xfrm_interop bundle without its AH dropped as policy"
pol0=$(drop_count gwA policy)
xf xfrm policy flush
xfrm_policies transport 192.0.2.1 192.0.2.2 "" "" esp
if apply; then
	err=""
	ns gwB ping -c 3 -i 0.2 -W 1 192.0.2.1 >/dev/null && err="$err ping-answered"
	pol=$(drop_count gwA policy)
	[ $((pol - pol0)) -ge 3 ] || err="$err policy-drops=$((pol - pol0))"
	echo "# $t: policy drops $pol0 -> $pol"
	if [ -n "$err" ]; then diag; tap_fail "$t:$err"; else tap_ok "$t"; fi
else
	tap_fail "$t: configuration"
fi

# --- (4) bad AH from the wire --------------------------------------------
KG=$(hexkey 32)
unconfigure
vgate_entry tunnel 192.0.2.1 192.0.2.2 10.1.0.0/24 10.2.0.0/24 \
	ahSpiOut 0x7002 ahSpiIn 0x7001
vg ipsec sa add 0x7001 src 192.0.2.2 dst 192.0.2.1 mode tunnel \
	proto ah auth hmac-sha256 authKey "$KG"
vg ipsec sa add 0x7002 src 192.0.2.1 dst 192.0.2.2 mode tunnel \
	proto ah auth hmac-sha256 authKey "$(hexkey 32)"
apply || echo "# bad-input configuration failed"
ahgen() { # SPI SEQS [--corrupt X]
	local spi=$1 seqs=$2
	shift 2
	ns gwB $AHGEN --src 192.0.2.2 --dst 192.0.2.1 --spi "$spi" --key "$KG" \
		--inner-src 10.2.0.2 --inner-dst 10.1.0.2 --seqs "$seqs" "$@" >/dev/null
}
# wait_drop REASON N: until the drop counter reads N (bounded).
wait_drop() { wait_for sh -c "[ \"\$(ip netns exec gwA $VGATE -j ipsec show global | jq -r '.drops[\"$1\"]')\" = $2 ]"; }

t="ah_xfrm_interop good AH from an independent implementation accepted"
ns lanA $ESPGEN --listen 10.1.0.2:9999 --timeout 30 >"$VGATE_TMP/ahgen.out" &
lpid=$!
wait_for sh -c "ip netns exec lanA ss -Hlun 'sport = :9999' | grep -q ."
ahgen 0x7001 1-3
wait_for sh -c "[ \"\$(ip netns exec gwA $VGATE -j ipsec show sad | jq -r '.[] | select(.spi == \"0x00007001\") | .stats.packets_in')\" = 3 ]"
# The listener's sentinel: from gwB itself, outside the entry, in the clear.
ns gwB python3 -c 'import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"END", ("10.1.0.2", 10000))'
wait "$lpid"
got="$(sort "$VGATE_TMP/ahgen.out" | tr '\n' ' ')/$(sa_stat 0x7001 192.0.2.1 packets_in)"
check_eq "$t" "$got" "seq=1 seq=2 seq=3 /3"

base() { vgate gwA -j ipsec show global | jq -r ".drops[\"$1\"]"; }
a0=$(base auth); m0=$(base malformed); r0=$(base replay); s0=$(base no_sa)
ahgen 0x7001 4 --corrupt icv
wait_drop auth $((a0 + 1))
ahgen 0x7001 5 --corrupt hdrlen
wait_drop malformed $((m0 + 1))
ahgen 0x7001 6 --corrupt trunc
wait_drop malformed $((m0 + 2))
ahgen 0x7001 2
wait_drop replay $((r0 + 1))
ahgen 0x7777 7
wait_drop no_sa $((s0 + 1))
got="auth +$(( $(base auth) - a0 )) malformed +$(( $(base malformed) - m0 )) replay +$(( $(base replay) - r0 )) no_sa +$(( $(base no_sa) - s0 )) sa_auth_fail $(sa_stat 0x7001 192.0.2.1 auth_fail) sa_in $(sa_stat 0x7001 192.0.2.1 packets_in)"
check_eq "ah_xfrm_interop bad AH dropped and counted by reason" "$got" \
	"auth +1 malformed +2 replay +1 no_sa +1 sa_auth_fail 1 sa_in 3"
unconfigure; apply >/dev/null 2>&1
tap_done
