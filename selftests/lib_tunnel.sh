#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnel fixtures for vgate selftests (sourced after lib.sh).  One manual
# ESP tunnel between gateway A (vgate) and gateway B (a peer of some kind),
# by default on lib.sh's two-gateway topology:
#
#   lanA ---- gwA (vgate) ==== wire ==== gwB (peer) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1    192.0.2.2  10.2.0.1   10.2.0.2
#
# The tunnel is described by the associative array TUN, set with
# tunnel_set KEY=VALUE... (defaults in brackets):
#
#   a, b          gateway namespaces [gwA, gwB]; vgate runs on a
#   a_addr, b_addr  their WAN (outer) addresses [192.0.2.1, 192.0.2.2]
#   a_net, b_net  the protected networks behind them [10.1.0.0/24,
#                 10.2.0.0/24]; in transport mode a_addr and b_addr
#   peer          vgate's name for gateway b [gwB]
#   rule          vgate's rule ID [10]
#   alg           a name of TUNNEL_ALGS [aes128-gcm]
#   mode          tunnel or transport [tunnel]
#   spi_ab, spi_ba  SPIs of the SA from a to b and from b to a
#                 [0x1000, 0x2000]
#   ek_ab, ak_ab, ek_ba, ak_ba  encryption and authentication keys of the
#                 two SAs; tunnel_set alg=... draws fresh random ones of the
#                 algorithm's lengths (hexkey), empty when it has none
#   sa_args       extra words for both of vgate's "ipsec sa add" []
#   kind          what gateway b runs: see "Peer kinds" below [xfrm]
#   peer_b        kind vgate: vgate's name on b for gateway a [a]
#   xfrm_state_args  extra words for both "ip xfrm state add" on b
#                 (e.g. "replay-window 64", "flag af-unspec") []
#   xfrm_in_dirs  the XFRM policy directions of the inbound selector on b
#                 in tunnel mode ["in fwd"]
#
# Functions (each returns non-zero on the first command that fails):
#
#   tunnel_topo            lib.sh's topo_gw_pair with TUN[a] and TUN[b]
#   tunnel_vgate           tunnel_vgate_sas + tunnel_vgate_peer +
#                          tunnel_vgate_rule
#   tunnel_vgate_sas       both SAs on a
#   tunnel_vgate_peer [WORDS...]  "ipsec peer add PEER addr B_ADDR WORDS"
#   tunnel_vgate_rule [ID LOCAL REMOTE]  the protect rule (by default
#                          TUN's rule, a_net, b_net; transport mode adds
#                          selfTraffic on, as a gateway's own traffic must
#                          opt in)
#   tunnel_vgate_down      flush a's rules and SAs (not the peer)
#   tunnel_peer            configure gateway b: tunnel_peer_<kind>
#   tunnel_peer_down       undo it: tunnel_peer_down_<kind>
#   tunnel_up              tunnel_vgate + tunnel_peer
#
# Peer kinds (the extension point): tunnel_peer dispatches to the function
# tunnel_peer_$kind and tunnel_peer_down to tunnel_peer_down_$kind.  A kind
# is defined by those two functions, here or in the test or library that
# brings it.  The contract of tunnel_peer_<kind>:
#   - it reads TUN only (no arguments) and configures namespace TUN[b] so
#     that traffic between TUN[b_net] and TUN[a_net] (transport mode:
#     between b_addr and a_addr) is protected in both directions with
#     TUN[alg], outer addresses b_addr/a_addr;
#   - manual kinds (xfrm, vgate) use TUN's SPIs and keys as they are;
#     keyed kinds (the IKE issues: strongswan, libreswan) negotiate them
#     with vgate's IKE on gateway a instead, and on success write the
#     negotiated SPIs back into TUN[spi_ab] and TUN[spi_ba] so that the
#     tests' wire counters and SA lookups keep working;
#   - it returns 0 once the tunnel can carry traffic (an IKE kind waits for
#     its CHILD_SA to be installed on both sides), 4 when the kind cannot
#     run here (daemon not installed: the caller skips), else 1;
#   - tunnel_peer_down_<kind> removes everything it configured (states,
#     policies, daemons) and leaves b as tunnel_topo made it.
# Kinds here: xfrm (the kernel's own XFRM, ip xfrm state/policy) and vgate
# (a mirror image vgate configuration on b, as demo.sh builds by hand; no
# test uses it yet).
#
# tunnel_vgate_rule and tunnel_xfrm_policies take optional arguments:
# shellcheck disable=SC2119,SC2120

# name | vgate enc | vgate auth | enc key bytes | auth key bytes | xfrm args
# (ENC and AUTH in the xfrm args stand for the keys)
TUNNEL_ALGS="
aes128-gcm|aes128-gcm|none|20|0|aead rfc4106(gcm(aes)) ENC 128
aes256-gcm|aes256-gcm|none|36|0|aead rfc4106(gcm(aes)) ENC 128
chacha20-poly1305|chacha20-poly1305|none|36|0|aead rfc7539esp(chacha20,poly1305) ENC 128
aes128-cbc-sha1|aes128-cbc|hmac-sha1|16|20|enc cbc(aes) ENC auth-trunc hmac(sha1) AUTH 96
aes256-cbc-sha256|aes256-cbc|hmac-sha256|32|32|enc cbc(aes) ENC auth-trunc hmac(sha256) AUTH 128
null-sha256|null|hmac-sha256|0|32|enc ecb(cipher_null) ENC auth-trunc hmac(sha256) AUTH 128
3des-cbc-sha1|3des-cbc|hmac-sha1|24|20|enc cbc(des3_ede) ENC auth-trunc hmac(sha1) AUTH 96
"

declare -A TUN=(
	[a]=gwA [b]=gwB [a_addr]=192.0.2.1 [b_addr]=192.0.2.2
	[a_net]=10.1.0.0/24 [b_net]=10.2.0.0/24 [peer]=gwB [rule]=10
	[mode]=tunnel [spi_ab]=0x1000 [spi_ba]=0x2000 [sa_args]=""
	[kind]=xfrm [xfrm_state_args]="" [xfrm_in_dirs]="in fwd"
)

# tunnel_alg_names: the names of TUNNEL_ALGS, one a line, in table order.
tunnel_alg_names() { awk -F'|' 'NF > 1 { print $1 }' <<<"$TUNNEL_ALGS"; }

# tunnel_alg_field ALG N: field N (1-6) of ALG's TUNNEL_ALGS line.
tunnel_alg_field() {
	awk -F'|' -v a="$1" -v n="$2" '$1 == a { print $n; f = 1 } END { exit !f }' \
		<<<"$TUNNEL_ALGS"
}

# tunnel_set KEY=VALUE...: set TUN entries; alg=NAME also draws fresh keys.
tunnel_set() {
	local kv ekl akl
	for kv in "$@"; do
		TUN[${kv%%=*}]=${kv#*=}
		[ "${kv%%=*}" = alg ] || continue
		ekl=$(tunnel_alg_field "${kv#*=}" 4) || {
			echo "# tunnel_set: unknown algorithm ${kv#*=}" >&2
			return 1
		}
		akl=$(tunnel_alg_field "${kv#*=}" 5)
		TUN[ek_ab]=; TUN[ak_ab]=; TUN[ek_ba]=; TUN[ak_ba]=
		if [ "$ekl" -gt 0 ]; then
			TUN[ek_ab]=$(hexkey "$ekl"); TUN[ek_ba]=$(hexkey "$ekl")
		fi
		if [ "$akl" -gt 0 ]; then
			TUN[ak_ab]=$(hexkey "$akl"); TUN[ak_ba]=$(hexkey "$akl")
		fi
	done
}
tunnel_set alg=aes128-gcm

tunnel_topo() { topo_gw_pair "${TUN[a]}" "${TUN[b]}"; }

# _tunnel_vgate_keys DIR: vgate's key words for the SA of DIR (ab or ba).
_tunnel_vgate_keys() {
	local venc vauth
	venc=$(tunnel_alg_field "${TUN[alg]}" 2)
	vauth=$(tunnel_alg_field "${TUN[alg]}" 3)
	printf '%s\n' enc "$venc"
	[ -z "${TUN[ek_$1]}" ] || printf '%s\n' encKey "${TUN[ek_$1]}"
	[ "$vauth" = none ] || printf '%s\n' auth "$vauth" authKey "${TUN[ak_$1]}"
}

tunnel_vgate_sas() {
	local -a k_ab k_ba extra
	mapfile -t k_ab < <(_tunnel_vgate_keys ab)
	mapfile -t k_ba < <(_tunnel_vgate_keys ba)
	read -ra extra <<<"${TUN[sa_args]}"
	vgate "${TUN[a]}" ipsec sa add "${TUN[spi_ab]}" src "${TUN[a_addr]}" \
		dst "${TUN[b_addr]}" mode "${TUN[mode]}" "${k_ab[@]}" \
		"${extra[@]+"${extra[@]}"}" || return 1
	vgate "${TUN[a]}" ipsec sa add "${TUN[spi_ba]}" src "${TUN[b_addr]}" \
		dst "${TUN[a_addr]}" mode "${TUN[mode]}" "${k_ba[@]}" \
		"${extra[@]+"${extra[@]}"}"
}

tunnel_vgate_peer() {
	vgate "${TUN[a]}" ipsec peer add "${TUN[peer]}" addr "${TUN[b_addr]}" "$@"
}

tunnel_vgate_rule() {
	local id=${1:-${TUN[rule]}} l=${2:-${TUN[a_net]}} r=${3:-${TUN[b_net]}}
	local -a self=()
	if [ "${TUN[mode]}" = transport ]; then
		l=${2:-${TUN[a_addr]}}; r=${3:-${TUN[b_addr]}}
		self=(selfTraffic on)
	fi
	vgate "${TUN[a]}" ipsec rule add "$id" peer "${TUN[peer]}" local "$l" \
		remote "$r" action protect "${self[@]+"${self[@]}"}" \
		spiOut "${TUN[spi_ab]}" spiIn "${TUN[spi_ba]}"
}

tunnel_vgate() { tunnel_vgate_sas && tunnel_vgate_peer && tunnel_vgate_rule; }

tunnel_vgate_down() {
	vgate "${TUN[a]}" ipsec rule flush
	vgate "${TUN[a]}" ipsec sa flush
}

tunnel_peer() {
	local fn=tunnel_peer_${TUN[kind]}
	if ! declare -F "$fn" >/dev/null; then
		echo "# tunnel_peer: no peer kind ${TUN[kind]} ($fn)"
		return 4
	fi
	"$fn"
}

tunnel_peer_down() {
	local fn=tunnel_peer_down_${TUN[kind]}
	declare -F "$fn" >/dev/null || return 4
	"$fn"
}

tunnel_up() { tunnel_vgate && tunnel_peer; }

# --- kind xfrm: the kernel's XFRM on b -------------------------------------

# tunnel_xfrm_states: the two states on b.  An array keeps NULL's empty
# key as one argument.
tunnel_xfrm_states() {
	local -a x_ab x_ba extra
	local i
	read -ra x_ab <<<"$(tunnel_alg_field "${TUN[alg]}" 6)"
	x_ba=("${x_ab[@]}")
	for i in "${!x_ab[@]}"; do
		case "${x_ab[$i]}" in
		ENC) x_ab[i]=${TUN[ek_ab]}; x_ba[i]=${TUN[ek_ba]} ;;
		AUTH) x_ab[i]=${TUN[ak_ab]}; x_ba[i]=${TUN[ak_ba]} ;;
		esac
	done
	read -ra extra <<<"${TUN[xfrm_state_args]}"
	ns "${TUN[b]}" ip xfrm state add src "${TUN[a_addr]}" dst "${TUN[b_addr]}" \
		proto esp spi "${TUN[spi_ab]}" mode "${TUN[mode]}" \
		"${extra[@]+"${extra[@]}"}" "${x_ab[@]}" || return 1
	ns "${TUN[b]}" ip xfrm state add src "${TUN[b_addr]}" dst "${TUN[a_addr]}" \
		proto esp spi "${TUN[spi_ba]}" mode "${TUN[mode]}" \
		"${extra[@]+"${extra[@]}"}" "${x_ba[@]}"
}

# tunnel_xfrm_policies [A_NET B_NET]: b's policies for one pair of
# selectors (default TUN's a_net and b_net); tunnel mode: out, and
# xfrm_in_dirs for the way in; transport mode: out and in between the
# gateways' addresses.
tunnel_xfrm_policies() {
	local an=${1:-${TUN[a_net]}} bn=${2:-${TUN[b_net]}} dir
	local b=${TUN[b]} aa=${TUN[a_addr]} ba=${TUN[b_addr]}
	if [ "${TUN[mode]}" = transport ]; then
		ns "$b" ip xfrm policy add src "$ba" dst "$aa" dir out \
			tmpl proto esp mode transport || return 1
		ns "$b" ip xfrm policy add src "$aa" dst "$ba" dir in \
			tmpl proto esp mode transport
		return
	fi
	ns "$b" ip xfrm policy add src "$bn" dst "$an" dir out \
		tmpl src "$ba" dst "$aa" proto esp mode tunnel || return 1
	for dir in ${TUN[xfrm_in_dirs]}; do
		ns "$b" ip xfrm policy add src "$an" dst "$bn" dir "$dir" \
			tmpl src "$aa" dst "$ba" proto esp mode tunnel || return 1
	done
}

tunnel_peer_xfrm() { tunnel_xfrm_states && tunnel_xfrm_policies; }

tunnel_peer_down_xfrm() {
	ns "${TUN[b]}" ip xfrm policy flush
	ns "${TUN[b]}" ip xfrm state flush
}

# --- kind vgate: vgate on b too, the mirror image of a ---------------------

tunnel_peer_vgate() {
	local -A save=()
	local k
	for k in a b a_addr b_addr a_net b_net spi_ab spi_ba ek_ab ak_ab ek_ba ak_ba peer; do
		save[$k]=${TUN[$k]}
	done
	TUN[a]=${save[b]} TUN[b]=${save[a]}
	TUN[a_addr]=${save[b_addr]} TUN[b_addr]=${save[a_addr]}
	TUN[a_net]=${save[b_net]} TUN[b_net]=${save[a_net]}
	TUN[spi_ab]=${save[spi_ba]} TUN[spi_ba]=${save[spi_ab]}
	TUN[ek_ab]=${save[ek_ba]} TUN[ek_ba]=${save[ek_ab]}
	TUN[ak_ab]=${save[ak_ba]} TUN[ak_ba]=${save[ak_ab]}
	TUN[peer]=${TUN[peer_b]:-${save[a]}}
	local rc=0
	tunnel_vgate || rc=1
	for k in "${!save[@]}"; do TUN[$k]=${save[$k]}; done
	return $rc
}

tunnel_peer_down_vgate() {
	vgate "${TUN[b]}" ipsec rule flush
	vgate "${TUN[b]}" ipsec sa flush
	vgate "${TUN[b]}" ipsec peer flush
}
