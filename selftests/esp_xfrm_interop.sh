#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ESP interoperability between vgate and the kernel's own XFRM stack.
#
#   lanA ---- gwA (vgate) ==== wire ==== gwB (XFRM) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1    192.0.2.2  10.2.0.1   10.2.0.2
#
# For every algorithm, in tunnel mode (LAN to LAN through both gateways)
# and transport mode (gateway to gateway): ping and a TCP transfer in both
# directions succeed, and nftables counters on the wire (a bridge in its own
# namespace, see lib.sh) prove the packets on the link are ESP with the
# configured SPIs and that no cleartext crossed it.

. "$(dirname "$0")/lib.sh"

require_cmd ip nft iperf3 ping
topo_gw_pair gwA gwB
vgate gwA ipsec peer add gwB addr 192.0.2.2 descr "the XFRM gateway" ||
	skip_all "cannot add the peer"

# name | vgate enc | vgate auth | enc key bytes | auth key bytes | xfrm args
ALGS="
aes128-gcm|aes128-gcm|none|20|0|aead rfc4106(gcm(aes)) ENC 128
aes256-gcm|aes256-gcm|none|36|0|aead rfc4106(gcm(aes)) ENC 128
chacha20-poly1305|chacha20-poly1305|none|36|0|aead rfc7539esp(chacha20,poly1305) ENC 128
aes128-cbc-sha1|aes128-cbc|hmac-sha1|16|20|enc cbc(aes) ENC auth-trunc hmac(sha1) AUTH 96
aes256-cbc-sha256|aes256-cbc|hmac-sha256|32|32|enc cbc(aes) ENC auth-trunc hmac(sha256) AUTH 128
null-sha256|null|hmac-sha256|0|32|enc ecb(cipher_null) ENC auth-trunc hmac(sha256) AUTH 128
3des-cbc-sha1|3des-cbc|hmac-sha1|24|20|enc cbc(des3_ede) ENC auth-trunc hmac(sha1) AUTH 96
"

optkey() { [ "$1" -eq 0 ] || hexkey "$1"; } # bytes -> hexkey, or empty for none

configure() { # alg-fields mode spi_ab spi_ba
	local name=$1 venc=$2 vauth=$3 ekl=$4 akl=$5 xargs=$6 mode=$7 spi_ab=$8 spi_ba=$9
	local ek_ab ak_ab ek_ba ak_ba va_ab va_ba xa_ab xa_ba
	ek_ab=$(optkey "$ekl"); ak_ab=$(optkey "$akl")
	ek_ba=$(optkey "$ekl"); ak_ba=$(optkey "$akl")
	if [ "$vauth" = none ]; then
		va_ab=""; va_ba=""
	else
		va_ab="auth $vauth authKey $ak_ab"; va_ba="auth $vauth authKey $ak_ba"
	fi
	local vek_ab="encKey $ek_ab" vek_ba="encKey $ek_ba"
	[ "$ekl" -eq 0 ] && { vek_ab=""; vek_ba=""; }

	# vgate side (gwA)
	vgate gwA ipsec sa add "$spi_ab" src 192.0.2.1 dst 192.0.2.2 \
		mode "$mode" enc "$venc" $vek_ab $va_ab || return 1
	vgate gwA ipsec sa add "$spi_ba" src 192.0.2.2 dst 192.0.2.1 \
		mode "$mode" enc "$venc" $vek_ba $va_ba || return 1

	# XFRM side (gwB); an array keeps NULL's empty key as one argument
	local -a xa_ab xa_ba
	read -ra xa_ab <<< "$xargs"; read -ra xa_ba <<< "$xargs"
	local i
	for i in "${!xa_ab[@]}"; do
		case "${xa_ab[$i]}" in
		ENC) xa_ab[i]=$ek_ab; xa_ba[i]=$ek_ba ;;
		AUTH) xa_ab[i]=$ak_ab; xa_ba[i]=$ak_ba ;;
		esac
	done
	ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
		spi "$spi_ab" mode "$mode" replay-window 64 "${xa_ab[@]}" || return 1
	ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp \
		spi "$spi_ba" mode "$mode" replay-window 64 "${xa_ba[@]}" || return 1

	if [ "$mode" = tunnel ]; then
		vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 \
			remote 10.2.0.0/24 action protect \
			spiOut "$spi_ab" spiIn "$spi_ba" || return 1
		ns gwB ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
			tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel || return 1
		for dir in in fwd; do
			ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 \
				dir $dir tmpl src 192.0.2.1 dst 192.0.2.2 proto esp \
				mode tunnel || return 1
		done
	else
		# gwA to gwB is the gateway's own traffic with a directly
		# attached host: the entry must opt in to capture it.
		vgate gwA ipsec rule add 10 peer gwB local 192.0.2.1 \
			remote 192.0.2.2 action protect selfTraffic on \
			spiOut "$spi_ab" spiIn "$spi_ba" || return 1
		ns gwB ip xfrm policy add src 192.0.2.2 dst 192.0.2.1 dir out \
			tmpl proto esp mode transport || return 1
		ns gwB ip xfrm policy add src 192.0.2.1 dst 192.0.2.2 dir in \
			tmpl proto esp mode transport || return 1
	fi
}

unconfigure() {
	vgate gwA ipsec rule flush
	vgate gwA ipsec sa flush
	ns gwB ip xfrm policy flush
	ns gwB ip xfrm state flush
}

n=0
count=$(echo "$ALGS" | grep -c '|')
tap_plan $((count * 2))

for mode in tunnel transport; do
	while IFS='|' read -r name venc vauth ekl akl xargs; do
		[ -n "$name" ] || continue
		n=$((n + 1))
		spi_ab=$(printf '0x%x' $((0x1000 + n)))
		spi_ba=$(printf '0x%x' $((0x2000 + n)))
		t="esp_xfrm_interop $mode $name"
		unconfigure 2>/dev/null
		if ! configure "$name" "$venc" "$vauth" "$ekl" "$akl" "$xargs" \
				"$mode" "$spi_ab" "$spi_ba"; then
			tap_fail "$t: configuration"
			continue
		fi
		wire_counters "esp_to_b=iifname toA esp spi $spi_ab" \
			"esp_from_b=iifname toB esp spi $spi_ba" \
			"cleartext=ip protocol != esp"
		if [ "$mode" = tunnel ]; then
			a=lanA; b=lanB; addr_a=10.1.0.2; addr_b=10.2.0.2
		else
			a=gwA; b=gwB; addr_a=192.0.2.1; addr_b=192.0.2.2
		fi
		err=""
		ns "$a" ping -c 3 -i 0.2 -W 2 "$addr_b" >/dev/null || err="$err ping-a-to-b"
		ns "$b" ping -c 3 -i 0.2 -W 2 "$addr_a" >/dev/null || err="$err ping-b-to-a"
		tcp_both_ways "$a" "$addr_b" "$b" || err="$err tcp-a-to-b"
		tcp_both_ways "$b" "$addr_a" "$a" || err="$err tcp-b-to-a"
		to_b=$(wire_count esp_to_b); from_b=$(wire_count esp_from_b)
		clear=$(wire_count cleartext)
		[ "${to_b:-0}" -ge 500 ] || err="$err esp-to-b=$to_b"
		[ "${from_b:-0}" -ge 500 ] || err="$err esp-from-b=$from_b"
		[ "$clear" -eq 0 ] || err="$err cleartext-on-wire=$clear"
		echo "# $t: ESP spi $spi_ab on wire $to_b pkts, spi $spi_ba $from_b pkts, cleartext $clear"
		interop_result "$t" "$err"
	done <<< "$ALGS"
done
unconfigure 2>/dev/null
tap_done
