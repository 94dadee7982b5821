#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vgate-iked to vgate-iked over loopback, in a network namespace of its own
# (unshare -n: it dies with the test), both daemons with --kernel=null.
#
#   +------------------- netns (unshare -n) -------------------+
#   |  vgate-iked A  127.0.0.1 / 2001:db8::1   role initiate   |
#   |        |  UDP 500 over lo                                 |
#   |  vgate-iked B  127.0.0.2 / 2001:db8::2   role respond    |
#   +-----------------------------------------------------------+
#
# Each case writes both configurations, starts B then A, waits for the
# CHILD SA (or the failure), stops one side with SIGTERM and checks what
# both report: IKE SPIs and proposal equal, each side's inbound SPI the
# other's outbound one with the same algorithms and the same key check
# value (kernel_null.c), the Delete seen by the other side; the failure
# cases check the one log line that says why, and that nothing was
# installed.  TAP; "1..0 # SKIP" without root or unshare.
set -u
cd "$(dirname "$0")/.." || exit 1
IKED=${IKED:-$(pwd)/vgate-iked}	# check-asan: the sanitized build
. tests/ikedlib.sh
own_netns iked_loop "$0" "$@"
ip -6 addr add 2001:db8::1/128 dev lo nodad
ip -6 addr add 2001:db8::2/128 dev lo nodad
mkpsk "$T/a.psk" "loop-test-secret"
mkpsk "$T/b.psk" "loop-test-secret"
mkpsk "$T/wrong.psk" "another-secret"

# pair CASE A_ADDR B_ADDR IKE_A ESP_A IKE_B ESP_B [A_OPTS [B_OPTS [PSK_B]]]
pair() {
	c=$1
	mkconf "$T/a.conf" b "$2" "$3" gwa.example gwb.example "$T/a.psk" \
		"$4" "$5" "10.1.0.0/24, 2001:db8:1::/48" \
		"10.2.0.0/24, 2001:db8:2::/48" initiate
	mkconf "$T/b.conf" a "$3" "$2" gwb.example gwa.example \
		"${10:-$T/b.psk}" "$6" "$7" "10.2.0.0/16, 2001:db8:2::/48" \
		"10.1.0.0/16, 2001:db8:1::/48" respond
	# shellcheck disable=SC2086
	start b "$T/b.conf" "$3" ${9:-}
	# shellcheck disable=SC2086
	start a "$T/a.conf" "$2" ${8:-}
}

# gcm_confs [A_LINES]: the usual pair, A initiating to B, AES-GCM with
# X25519, 10.1.0.0/24 === 10.2.0.0/24; A_LINES (printf %b) added to A's
gcm_confs() {
	mkconf "$T/a.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example \
		"$T/a.psk" aes128gcm16-prfsha256-x25519 aes128gcm16 \
		10.1.0.0/24 10.2.0.0/24 initiate
	printf '%b' "${1:-}" >>"$T/a.conf"
	mkconf "$T/b.conf" a 127.0.0.2 127.0.0.1 gwb.example gwa.example \
		"$T/b.psk" aes128gcm16-prfsha256-x25519 aes128gcm16 \
		10.2.0.0/24 10.1.0.0/24 respond
}

# established CASE IKE_NAME ESP_ENC ESP_INTEG ESN: the checks of a success
established() {
	wait_for "$T/a.out" '^SA add .*dir=out' 100 &&
		wait_for "$T/b.out" '^SA add .*dir=out' 100
	ok $? "$1: CHILD SA installed on both sides"
	a_up='^IKE_SA up'
	check "$1: A is initiator, B responder" \
		sh -c "grep -q '^IKE_SA up .*role=initiator' $T/a.out &&
		       grep -q '^IKE_SA up .*role=responder' $T/b.out"
	ai=$(field "$T/a.out" "$a_up" ispi) ar=$(field "$T/a.out" "$a_up" rspi)
	bi=$(field "$T/b.out" "$a_up" ispi) br=$(field "$T/b.out" "$a_up" rspi)
	check "$1: same IKE SPIs on both sides ($ai/$ar)" \
		test -n "$ai" -a "$ai" = "$bi" -a "$ar" = "$br"
	pa=$(field "$T/a.out" "$a_up" proposal)
	pb=$(field "$T/b.out" "$a_up" proposal)
	check "$1: IKE proposal $2 on both sides (A $pa, B $pb)" \
		test "$pa" = "$2" -a "$pb" = "$2"
	a_in=$(field "$T/a.out" '^SA add .*dir=in' spi)
	a_out=$(field "$T/a.out" '^SA add .*dir=out' spi)
	b_in=$(field "$T/b.out" '^SA add .*dir=in' spi)
	b_out=$(field "$T/b.out" '^SA add .*dir=out' spi)
	check "$1: ESP SPIs crossed (A in $a_in = B out $b_out, A out $a_out = B in $b_in)" \
		test -n "$a_in" -a "$a_in" = "$b_out" -a -n "$a_out" \
		-a "$a_out" = "$b_in"
	k1=$(field "$T/a.out" '^SA add .*dir=in' keys)
	k2=$(field "$T/b.out" '^SA add .*dir=out' keys)
	k3=$(field "$T/a.out" '^SA add .*dir=out' keys)
	k4=$(field "$T/b.out" '^SA add .*dir=in' keys)
	check "$1: same ESP keys per direction (check values), different directions differ" \
		test -n "$k1" -a "$k1" = "$k2" -a "$k3" = "$k4" -a "$k1" != "$k3"
	algs=$(grep -h '^SA add' "$T/a.out" "$T/b.out" |
	       sed 's/.* enc=\([^ ]*\) integ=\([^ ]*\) esn=\([^ ]*\) .*/\1 \2 \3/' |
	       sort -u)
	check "$1: the 4 ESP SAs are $3 integ $4 esn $5 (got: $algs)" \
		test "$algs" = "$3 $4 $5"
	check "$1: B narrowed its /16 selectors to A's /24" \
		sh -c "grep '^SA add .*dir=in' $T/b.out |
		       grep -q 'local_ts=10.2.0.0/24, 2001:db8:2::/48 remote_ts=10.1.0.0/24, 2001:db8:1::/48'"
}

# torn_down CASE WHO OTHER: WHO got SIGTERM and told OTHER
torn_down() {
	stop "$2"
	wait_for "$T/$3.out" '^IKE_SA down .*reason=deleted by the peer' 100
	ok $? "$1: SIGTERM of $2 deleted the IKE SA at $3 (INFORMATIONAL Delete)"
	check "$1: $2 got the answer to its Delete, removed its SAs" \
		sh -c "grep -q '^IKE_SA down .*reason=deleted\$' $T/$2.out &&
		       test \$(grep -c '^SA del' $T/$2.out) = 2"
	check "$1: $3 removed its 2 ESP SAs" \
		test "$(grep -c '^SA del' "$T/$3.out")" = 2
	stop "$3"
}

# ---- successes: each IKE cipher family, DH 19/31/14, IPv4 and IPv6 ----
pair "GCM x25519 IPv4" 127.0.0.1 127.0.0.2 \
	aes128gcm16-prfsha256-x25519 aes128gcm16 \
	"aes256-sha384-ecp384, aes128gcm16-prfsha256-x25519" \
	"aes256-sha256, aes128gcm16" "" "--control $T/b.ctl"
established "GCM x25519 IPv4" AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519 \
	AES_GCM_16-128 NONE no
# the control socket: mode 0600; show ike gives the SAs the report gave
ctl() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
out = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())' "$@"
}
check "control socket: a socket of mode 0600" \
	sh -c "test -S $T/b.ctl && test \$(stat -c %a $T/b.ctl) = 600"
ctl "$T/b.ctl" "show ike" >"$T/ctl.out" 2>&1
bi=$(field "$T/b.out" '^IKE_SA up' ispi)
b_in=$(field "$T/b.out" '^SA add .*dir=in' spi)
b_out=$(field "$T/b.out" '^SA add .*dir=out' spi)
check "control socket: show ike lists the IKE SA ESTABLISHED and its CHILD SA, then OK" \
	sh -c "grep -q '^IKE_SA peer=a state=ESTABLISHED role=responder ispi=$bi .*proposal=AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519 nat=none' $T/ctl.out &&
	       grep -q '^CHILD_SA peer=a spi_in=$b_in spi_out=$b_out proposal=AES_GCM_16-128 local_ts=10.2.0.0/24, 2001:db8:2::/48' $T/ctl.out &&
	       test \"\$(tail -n 1 $T/ctl.out)\" = OK"
ctl "$T/b.ctl" "show stats" >"$T/ctl.out" 2>&1
check "control socket: show stats, then OK" \
	sh -c "grep -q '^STATS ike_sas=1 ' $T/ctl.out && test \"\$(tail -n 1 $T/ctl.out)\" = OK"
ctl "$T/b.ctl" "delete everything" >"$T/ctl.out" 2>&1
check "control socket: an unknown command gets one ERROR line" \
	grep -qx "ERROR unknown command 'delete everything' (try: help)" "$T/ctl.out"
torn_down "GCM x25519 IPv4" a b

pair "CBC ecp256 IPv6" 2001:db8::1 2001:db8::2 \
	aes256-sha384-ecp256 aes256-sha256-esn \
	aes256-sha384-ecp256 "aes128-sha512-noesn, aes256-sha256-esn"
established "CBC ecp256 IPv6" \
	AES_CBC-256/HMAC_SHA2_384_192/PRF_HMAC_SHA2_384/ECP_256 \
	AES_CBC-256 HMAC_SHA2_256_128 yes
torn_down "CBC ecp256 IPv6" b a

pair "ChaCha20 modp2048 IPv4" 127.0.0.1 127.0.0.2 \
	chacha20poly1305-prfsha512-modp2048 chacha20poly1305 \
	chacha20poly1305-prfsha512-modp2048 chacha20poly1305
established "ChaCha20 modp2048 IPv4" \
	CHACHA20_POLY1305/PRF_HMAC_SHA2_512/MODP_2048 CHACHA20_POLY1305 NONE no
torn_down "ChaCha20 modp2048 IPv4" a b

# ---- INVALID_KE_PAYLOAD: A's first KE is X25519, B takes ECP-384 only ----
pair "INVALID_KE" 127.0.0.1 127.0.0.2 \
	aes128gcm16-prfsha256-x25519-ecp384 aes128gcm16 \
	aes128gcm16-prfsha256-ecp384 aes128gcm16
established "INVALID_KE" AES_GCM_16-128/PRF_HMAC_SHA2_256/ECP_384 \
	AES_GCM_16-128 NONE no
check "INVALID_KE: B asked for ECP_384 instead of CURVE_25519" \
	grep -q 'INVALID_KE_PAYLOAD: its KE is for CURVE_25519, we chose ECP_384' "$T/b.err"
check "INVALID_KE: A retried with ECP_384" \
	grep -q 'INVALID_KE_PAYLOAD: it wants ECP_384 instead of CURVE_25519; retrying' "$T/a.err"
stop_both

# ---- a lost IKE_AUTH response (B's test hook does not send its first
# IKE_AUTH datagram): A retransmits, B answers from its cache ----
pair "lost response" 127.0.0.1 127.0.0.2 \
	aes128gcm16-prfsha256-x25519 aes128gcm16 \
	aes128gcm16-prfsha256-x25519 aes128gcm16 \
	"--retransmit 300 --tries 8" "--test-drop-tx IKE_AUTH"
established "lost response" AES_GCM_16-128/PRF_HMAC_SHA2_256/CURVE_25519 \
	AES_GCM_16-128 NONE no
check "lost response: A retransmitted IKE_AUTH (message 1)" \
	grep -q 'retransmitting IKE_AUTH (message 1), transmission 2' "$T/a.err"
check "lost response: B answered the retransmission from its cache, once" \
	grep -q 'IKE_AUTH request 1 again: answered from the cache' "$T/b.err"
kill -USR1 "$pid_b"
wait_for "$T/b.out" '^STATS' 100
check "lost response: B counts its answers from the cache (answered_from_cache)" \
	grep -q '^STATS .* answered_from_cache=[1-9]' "$T/b.out"
check "lost response: B installed one CHILD SA pair only" \
	test "$(grep -c '^SA add' "$T/b.out")" = 2
stop_both

# ---- NAT detection: nftables in the namespace rewrites A's source ----
# 127.0.0.1:500 -> 127.0.0.3:1500 on the way to B (postrouting on lo)
if nft -f - 2>/dev/null <<'EON'
table ip iked_nat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip saddr 127.0.0.1 ip daddr 127.0.0.2 udp dport 500 snat to 127.0.0.3:1500
		ip saddr 127.0.0.1 ip daddr 127.0.0.2 udp dport 4500 snat to 127.0.0.3:14500
	}
}
EON
then
	mkconf "$T/a.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example \
		"$T/a.psk" aes128gcm16-prfsha256-x25519 aes128gcm16 \
		10.1.0.0/24 10.2.0.0/24 initiate
	mkconf "$T/b.conf" a 127.0.0.2 127.0.0.3 gwb.example gwa.example \
		"$T/b.psk" aes128gcm16-prfsha256-x25519 aes128gcm16 \
		10.2.0.0/24 10.1.0.0/24 respond
	start_both
	wait_for "$T/a.out" '^SA add .*dir=out' 100
	ok $? "NAT: IKE and CHILD SA up through the NAT"
	check "NAT: A finds itself behind a NAT (nat=local), B finds A behind one (nat=remote, from 127.0.0.3[1500])" \
		sh -c "grep -q '^IKE_SA up .* nat=local\$' $T/a.out &&
		       grep -q '^IKE_SA up .*remote=127.0.0.3\[1500\] .* nat=remote\$' $T/b.out"
	check "NAT: both log it; without a NAT-T socket (--natt-port 0) A says ESP will not cross it, the SAs are plain ESP" \
		sh -c "grep -q 'NAT detected (we are behind a NAT)' $T/a.err &&
		       grep -q 'NAT detected (the peer is behind a NAT)' $T/b.err &&
		       grep -q 'NAT detected but no NAT-T socket (--natt-port 0, or none for this address): IKE stays on port 500 and ESP will not cross the NAT' $T/a.err &&
		       ! grep -q 'encap=' $T/a.out"
	stop_both
	# with NAT-T sockets (4500, SNAT to 127.0.0.3:14500): A moves IKE
	# to 4500 for IKE_AUTH, B follows to the NAT's port; ESP in UDP.
	# UDP mappings forgotten after 1 s idle (this namespace only), A's
	# DPD after 2 s of silence: the NAT can map A anew later
	sysctl -qw net.netfilter.nf_conntrack_udp_timeout=1 \
		net.netfilter.nf_conntrack_udp_timeout_stream=1 2>/dev/null
	printf '\tdpd_delay 2\n' >>"$T/a.conf"
	printf '\tdpd_delay 0\n' >>"$T/b.conf"
	start b "$T/b.conf" 127.0.0.2 --natt-port 4500
	start a "$T/a.conf" 127.0.0.1 --natt-port 4500
	wait_for "$T/a.out" '^SA add .*dir=out' 100 &&
		wait_for "$T/b.out" '^SA add .*dir=out' 100
	ok $? "NAT-T: IKE and CHILD SA up through the NAT"
	check "NAT-T: A sent IKE_AUTH from port 4500, B answered the NAT's 127.0.0.3[14500]" \
		sh -c "grep -q 'peer a: now at 127.0.0.3\[14500\] (was 127.0.0.3\[1500\]), our port 4500' $T/b.err &&
		       grep -q '^IKE_SA up .*local=127.0.0.1\[4500\] remote=127.0.0.2\[4500\] .* nat=local\$' $T/a.out"
	check "NAT-T: the CHILD SAs are UDP-encapsulated on the ports IKE uses: A 4500 to 4500, B 4500 to the NAT's 14500, both ways" \
		sh -c "grep -q '^SA add .*dir=out .* encap=udp:4500-4500\$' $T/a.out &&
		       grep -q '^SA add .*dir=in .* encap=udp:4500-4500\$' $T/a.out &&
		       grep -q '^SA add .*dir=out .* encap=udp:4500-14500\$' $T/b.out &&
		       grep -q '^SA add .*dir=in .* encap=udp:14500-4500\$' $T/b.out"
	# the NAT maps A anew (another port once the old mapping is gone):
	# A's next DPD request comes from 127.0.0.3:24500; B follows and
	# rekeys the CHILD SA, whose new SAs carry the new port
	nft flush chain ip iked_nat post &&
	nft add rule ip iked_nat post ip saddr 127.0.0.1 ip daddr 127.0.0.2 \
		udp dport 4500 snat to 127.0.0.3:24500
	wait_for "$T/b.out" '^SA add .*dir=out .* encap=udp:4500-24500$' 100
	ok $? "NAT-T: the NAT mapped A anew (24500): B's new outbound SA goes there"
	wait_for "$T/a.out" '^SA del .*dir=out' 50
	check "NAT-T: B said why it rekeyed, the new SAs are crossed with A's (keys equal), the old pair deleted on both sides" \
		sh -c "grep -q 'peer a: now at 127.0.0.3\[24500\] (was 127.0.0.3\[14500\])' $T/b.err &&
		       grep -q 'the NAT moved the peer: CHILD SA [0-9a-f]*/[0-9a-f]* still sends ESP in UDP to the old port; rekeying it now' $T/b.err &&
		       test \$(grep -c '^SA del' $T/a.out) = 2 &&
		       test \$(grep -c '^SA del' $T/b.out) = 2 &&
		       test \$(grep '^SA add .*dir=in' $T/a.out | tail -n 1 | sed 's/.* keys=\([0-9a-f]*\) .*/\1/') = \
		            \$(grep '^SA add .*dir=out' $T/b.out | tail -n 1 | sed 's/.* keys=\([0-9a-f]*\) .*/\1/')"
	stop_both
	nft delete table ip iked_nat
	mkconf "$T/b.conf" a 127.0.0.2 127.0.0.1 gwb.example gwa.example \
		"$T/b.psk" aes128gcm16-prfsha256-x25519 aes128gcm16 \
		10.2.0.0/24 10.1.0.0/24 respond
	start_both
	wait_for "$T/a.out" '^SA add .*dir=out' 100
	check "NAT: without the NAT, nat=none on both sides" \
		sh -c "grep -q '^IKE_SA up .* nat=none\$' $T/a.out &&
		       grep -q '^IKE_SA up .* nat=none\$' $T/b.out"
	stop_both
else
	ok 0 "NAT detection # SKIP nft cannot set up a NAT here"
fi

# ---- IDs: IPv4 addresses (the default) and user@FQDN ----
mkconf "$T/a.conf" b 127.0.0.1 127.0.0.2 ipsec@gwa.example 127.0.0.2 \
	"$T/a.psk" aes128gcm16-prfsha256-x25519 aes128gcm16 \
	10.1.0.0/24 10.2.0.0/24 initiate
mkconf "$T/b.conf" a 127.0.0.2 127.0.0.1 127.0.0.2 ipsec@gwa.example \
	"$T/b.psk" aes128gcm16-prfsha256-x25519 aes128gcm16 \
	10.2.0.0/24 10.1.0.0/24 respond
start_both
wait_for "$T/a.out" '^SA add .*dir=out' 100
check "IDs: user@FQDN and IPv4 address IDs accepted both ways" \
	sh -c "grep -q '^IKE_SA up .*local_id=email:ipsec@gwa.example remote_id=ipv4:127.0.0.2 ' $T/a.out &&
	       grep -q '^IKE_SA up .*local_id=ipv4:127.0.0.2 remote_id=email:ipsec@gwa.example ' $T/b.out"
stop_both
mkconf "$T/b.conf" a 127.0.0.2 127.0.0.1 127.0.0.2 other@gwa.example \
	"$T/b.psk" aes128gcm16-prfsha256-x25519 aes128gcm16 \
	10.2.0.0/24 10.1.0.0/24 respond
start_both
wait_for "$T/a.err" 'AUTHENTICATION_FAILED' 100
check "IDs: a wrong remote ID is refused, naming both" \
	grep -q 'AUTHENTICATION_FAILED: ID mismatch: received email:ipsec@gwa.example, configured remote_id email:other@gwa.example' "$T/b.err"
stop_both

# ---- role initiate keeps the IKE SA up: B restarts, A initiates again ----
gcm_confs '\tretry 1\n'
start_both --retransmit 200
wait_for "$T/a.out" '^SA add .*dir=out' 100
first=$(field "$T/a.out" '^IKE_SA up' ispi)
stop b
start b "$T/b.conf" 127.0.0.2
i=0
while [ "$(grep -c '^IKE_SA up' "$T/a.out")" -lt 2 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
second=$(grep '^IKE_SA up' "$T/a.out" | sed -n '2s/.* ispi=\([0-9a-f]*\) .*/\1/p')
check "keep up: B's Delete took A's IKE SA down; A initiated again after its retry time and got a new IKE SA ($first, then $second)" \
	sh -c "grep -q 'peer b: initiating again in 1 s' $T/a.err &&
	       grep -q '^IKE_SA down .*reason=deleted by the peer' $T/a.out &&
	       test -n '$second' -a '$second' != '$first' &&
	       grep -q '^IKE_SA up .*ispi=$second' $T/b.out"
stop_both
check "keep up: no new attempt once A is stopped (SIGTERM)" \
	sh -c "! grep -q 'initiating again' $T/b.err &&
	       test \$(grep -c 'initiating again' $T/a.err) = 1"

# ---- cookies (2.6): B asks every IKE_SA_INIT for one (threshold 0) ----
gcm_confs '\tretry 0\n'
{ echo "cookie_threshold 0"; cat "$T/b.conf"; } >"$T/b-cookie.conf"
start b "$T/b-cookie.conf" 127.0.0.2
start a "$T/a.conf" 127.0.0.1 --retransmit 200
wait_for "$T/a.out" '^SA add .*dir=out' 100
kill -USR1 "$pid_b"
wait_for "$T/b.out" '^STATS' 50
check "cookies: B answered A's first IKE_SA_INIT with a COOKIE, took the second with it, the SAs came up" \
	sh -c "grep -q '^STATS .* cookies_sent=1 cookies_ok=1 cookies_bad=0' $T/b.out &&
	       grep -q 'peer b (127.0.0.2\[500\]): asked for a COOKIE; sending IKE_SA_INIT again with it' $T/a.err &&
	       grep -q '^SA add .*dir=out' $T/b.out"
# ---- INITIAL_CONTACT (2.4): A loses its state (SIGKILL) and starts
# again; B removes its IKE SA with the old A when the new one comes ----
first=$(field "$T/b.out" '^IKE_SA up' ispi)
kill -KILL "$pid_a"
wait "$pid_a" 2>/dev/null
start a "$T/a.conf" 127.0.0.1 --retransmit 200
wait_for "$T/b.out" '^IKE_SA down .*reason=INITIAL_CONTACT' 100
second=$(field "$T/a.out" '^IKE_SA up' ispi)
kill -USR1 "$pid_b"
wait_for "$T/b.out" '^STATS .* initial_contact=1' 50
check "INITIAL_CONTACT: B removed the dead IKE SA $first and its 2 SAs at once, kept A's new one $second, one IKE SA left" \
	sh -c "grep -q '^IKE_SA down .*ispi=$first .*reason=INITIAL_CONTACT' $T/b.out &&
	       test \$(grep -c '^SA del' $T/b.out) = 2 &&
	       grep -q '^IKE_SA up .*ispi=$second' $T/b.out &&
	       grep -q '^STATS ike_sas=1 .* initial_contact=1' $T/b.out &&
	       grep -q 'peer a (127.0.0.1\[500\]): INITIAL_CONTACT from a: removing our older IKE SA with it (initial_contact gateway)' $T/b.err"
stop_both

# ---- IKE fragmentation (RFC 7383): fragment_size 256 on both sides;
# A's test hook loses the first datagram of its IKE_AUTH request (its
# fragment 1), B's the first of its answer ----
for side in a b; do
	if [ $side = a ]; then
		mkconf "$T/$side.conf" b 127.0.0.1 127.0.0.2 gwa.example \
			gwb.example "$T/a.psk" aes256-sha256-x25519 aes128gcm16 \
			"10.1.0.0/24, 2001:db8:1::/48" "10.2.0.0/24, 2001:db8:2::/48" initiate
		printf '\tretry 0\n' >>"$T/a.conf"
	else
		mkconf "$T/$side.conf" a 127.0.0.2 127.0.0.1 gwb.example \
			gwa.example "$T/b.psk" aes256-sha256-x25519 aes128gcm16 \
			"10.2.0.0/24, 2001:db8:2::/48" "10.1.0.0/24, 2001:db8:1::/48" respond
	fi
	{ echo "fragment_size 256"; cat "$T/$side.conf"; } >"$T/$side-frag.conf"
done
start b "$T/b-frag.conf" 127.0.0.2 --test-drop-tx IKE_AUTH
start a "$T/a-frag.conf" 127.0.0.1 --retransmit 200 --test-drop-tx IKE_AUTH
wait_for "$T/a.out" '^SA add .*dir=out' 100 &&
	wait_for "$T/b.out" '^SA add .*dir=out' 100
ok $? "fragmentation: the CHILD SA comes up (AES-CBC IKE SA, fragments of 256 octets, one lost each way)"
kill -USR1 "$pid_a" "$pid_b"
wait_for "$T/a.out" '^STATS' 50 && wait_for "$T/b.out" '^STATS' 50
fa=$(field "$T/a.out" '^STATS' frags_sent) ra=$(field "$T/a.out" '^STATS' reassembled)
fb=$(field "$T/b.out" '^STATS' frags_sent) rb=$(field "$T/b.out" '^STATS' reassembled)
check "fragmentation: each side sent its IKE_AUTH in fragments (A $fa, B $fb, each twice: once lost) and reassembled the other's (A $ra, B $rb)" \
	sh -c "test '${fa:-0}' -ge 4 -a '${fb:-0}' -ge 4 -a '${ra:-0}' = 1 -a '${rb:-0}' = 1"
check "fragmentation: the lost fragments were resent: A retransmitted its request, B answered from its cache on fragment 1 only" \
	sh -c "grep -q 'retransmitting IKE_AUTH' $T/a.err &&
	       grep -q '^STATS .* answered_from_cache=1 ' $T/b.out &&
	       grep -q '^STATS .* drop_fragment=' $T/b.out"
a_in=$(field "$T/a.out" '^SA add .*dir=in' keys)
b_out=$(field "$T/b.out" '^SA add .*dir=out' keys)
check "fragmentation: the keys agree (A in $a_in, B out $b_out)" \
	test -n "$a_in" -a "$a_in" = "$b_out"
stop_both

# ---- esp_lifetime_kb: volume limits for the kernel, soft at 80..90 % ----
gcm_confs '\tesp_lifetime_kb 100\n'
start_both
wait_for "$T/a.out" '^SA add .*dir=out' 100
sa=$(grep '^SA add' "$T/a.out" | sed -n 's/.* bytes=\([0-9]*\)\/\([0-9]*\).*/\1 \2/p' | sort -u)
check "esp_lifetime_kb 100: A's two SAs carry the same limits, hard 102400 octets, soft at 80..90 % of it ($sa)" \
	sh -c "test \$(echo '$sa' | wc -l) = 1 && set -- $sa &&
	       test \$2 = 102400 -a \$1 -ge 81920 -a \$1 -le 92160"
check "esp_lifetime_kb: B has none of its own (none configured)" \
	sh -c "! grep -q 'bytes=' $T/b.out"
stop_both

# ---- DPD (2.4): A checks B's liveness after 1 s of silence ----
gcm_confs '\tdpd_delay 1\n\tretry 0\n'
printf '\tdpd_delay 0\n' >>"$T/b.conf"
start_both --retransmit 200 --tries 3
wait_for "$T/a.out" '^SA add .*dir=out' 100
sleep 3.5
kill -USR1 "$pid_a"
wait_for "$T/a.out" '^STATS' 50
sent=$(field "$T/a.out" '^STATS' dpd_sent)
check "DPD: B answers A's liveness checks (A sent $sent in 3.5 s), the IKE SA stays" \
	sh -c "test '${sent:-0}' -ge 2 && grep -q '^STATS .* dpd_dead=0' $T/a.out &&
	       ! grep -q '^IKE_SA down' $T/a.out"
kill -STOP "$pid_b"
wait_for "$T/a.out" '^IKE_SA down .*reason=DPD timeout' 60
ok $? "DPD: B frozen (SIGSTOP): A declares it dead within 3 s (IKE_SA down reason=DPD timeout)"
check "DPD: A says why in one line and removed its 2 SAs" \
	sh -c "grep -q 'peer b (127.0.0.2\[500\]): DPD timeout: no answer to the liveness check after [0-9]* s without a message from it: peer dead' $T/a.err &&
	       test \$(grep -c '^SA del' $T/a.out) = 2"
kill -CONT "$pid_b"
stop_both

# ---- failures ----
pair "wrong PSK" 127.0.0.1 127.0.0.2 \
	aes128gcm16-prfsha256-x25519 aes128gcm16 \
	aes128gcm16-prfsha256-x25519 aes128gcm16 "" "" "$T/wrong.psk"
wait_for "$T/a.err" 'AUTHENTICATION_FAILED' 100
check "wrong PSK: B says the AUTH of fqdn:gwa.example does not match its PSK file" \
	grep -q "peer a (127.0.0.1\[500\]): AUTHENTICATION_FAILED: the AUTH of fqdn:gwa.example does not match the PSK of psk_file $T/wrong.psk" "$T/b.err"
check "wrong PSK: A says the peer refused its AUTH" \
	grep -q 'peer b (127.0.0.2\[500\]): AUTHENTICATION_FAILED: the peer refused our AUTH (we are fqdn:gwa.example' "$T/a.err"
check "wrong PSK: no IKE SA up, no SA installed on either side" \
	sh -c "! grep -q '^IKE_SA up\|^SA add' $T/a.out $T/b.out"
check "wrong PSK: the PSK itself is in no log or report" \
	sh -c "! grep -q 'secret' $T/a.out $T/a.err $T/b.out $T/b.err"
stop_both

pair "no common proposal" 127.0.0.1 127.0.0.2 \
	aes256-sha512-prfsha512-modp4096 aes128gcm16 \
	aes128gcm16-prfsha256-x25519 aes128gcm16
wait_for "$T/a.err" 'NO_PROPOSAL_CHOSEN' 100
check "no common proposal: B names what it received and what it has" \
	grep -q 'peer a (127.0.0.1\[500\]): NO_PROPOSAL_CHOSEN for the IKE SA: received aes256-sha512-prfsha512-modp4096; configured aes128gcm16-prfsha256-curve25519' "$T/b.err"
check "no common proposal: A names what it offered" \
	grep -q 'peer b (127.0.0.2\[500\]): NO_PROPOSAL_CHOSEN: the peer accepted none of our IKE proposals: aes256-sha512-prfsha512-modp4096' "$T/a.err"
check "no common proposal: no IKE SA on either side" \
	sh -c "! grep -q '^IKE_SA up\|^SA add' $T/a.out $T/b.out"
stop_both

pair "no common ESP proposal" 127.0.0.1 127.0.0.2 \
	aes128gcm16-prfsha256-x25519 aes256-sha512 \
	aes128gcm16-prfsha256-x25519 aes128gcm16
wait_for "$T/a.err" 'NO_PROPOSAL_CHOSEN' 100
check "no common ESP proposal: B names both sides' ESP proposals" \
	grep -q 'NO_PROPOSAL_CHOSEN for the CHILD SA: received aes256-sha512-noesn; configured aes128gcm16-noesn' "$T/b.err"
check "no common ESP proposal: the IKE SA is up on both, no ESP SA anywhere" \
	sh -c "grep -q '^IKE_SA up' $T/a.out && grep -q '^IKE_SA up' $T/b.out &&
	       ! grep -q '^SA add' $T/a.out $T/b.out"
stop_both

mkconf "$T/a.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example "$T/a.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.9.0.0/24 10.2.0.0/24 \
	initiate
mkconf "$T/b.conf" a 127.0.0.2 127.0.0.1 gwb.example gwa.example "$T/b.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.2.0.0/16 10.1.0.0/16 \
	respond
start_both
wait_for "$T/a.err" 'TS_UNACCEPTABLE' 100
check "TS mismatch: B names the selectors received and configured" \
	grep -q 'peer a (127.0.0.1\[500\]): TS_UNACCEPTABLE: received TSi 10.9.0.0/24, TSr 10.2.0.0/24; configured remote_ts 10.1.0.0/16, local_ts 10.2.0.0/16' "$T/b.err"
check "TS mismatch: A says the peer refused its selectors" \
	grep -q 'TS_UNACCEPTABLE: the peer refused our selectors TSi 10.9.0.0/24, TSr 10.2.0.0/24' "$T/a.err"
check "TS mismatch: no ESP SA anywhere" \
	sh -c "! grep -q '^SA add' $T/a.out $T/b.out"
stop_both

# ---- unreachable peer: retransmissions with back-off, then give up ----
mkconf "$T/a.conf" b 127.0.0.1 127.0.0.9 gwa.example gwb.example "$T/a.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.1.0.0/24 10.2.0.0/24 \
	initiate
start a "$T/a.conf" 127.0.0.1 --retransmit 50 --tries 4
wait_for "$T/a.err" 'no answer' 100
check "unreachable: 3 retransmissions, then one line naming the peer" \
	sh -c "test \$(grep -c 'retransmitting IKE_SA_INIT' $T/a.err) = 3 &&
	       grep -q 'peer b: no answer to IKE_SA_INIT (message 0) after 4 transmissions in [0-9.]* s: peer unreachable' $T/a.err"
# timers never fire early: each retransmission at least 50, 150, 350 ms
# after the first transmission (50 ms doubling); a constant interval
# would be at 50, 100, 150
offs=$(sed -n 's/.*retransmitting IKE_SA_INIT (message 0), transmission [0-9], \([0-9]*\) ms after the first/\1/p' "$T/a.err" | tr '\n' ' ')
check "unreachable: exponential back-off, retransmissions >= 50, 150, 350 ms after the first (got $offs)" \
	sh -c "set -- $offs; test \$# = 3 -a \$1 -ge 50 -a \$2 -ge 150 -a \$3 -ge 350"
stop a

# ---- malformed datagrams: dropped, counted by reason, nothing breaks ----
mkconf "$T/b.conf" a 127.0.0.2 127.0.0.1 gwb.example gwa.example "$T/b.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.2.0.0/16 10.1.0.0/16 \
	respond
start b "$T/b.conf" 127.0.0.2
python3 - <<'EOPY'
import os, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
dst = ("127.0.0.2", 500)
spi = os.urandom(8)
def hdr(ver=0x20, exch=34, flags=0x08, length=None, body=b"", ispi=spi,
        rspi=bytes(8), nxt=0):
    ln = 28 + len(body) if length is None else length
    return ispi + rspi + bytes([nxt, ver, exch, flags]) + struct.pack(">II", 0, ln) + body
s.sendto(b"\x00" * 10, dst)                      # short
s.sendto(hdr(ver=0x10), dst)                     # version 1
s.sendto(hdr(length=99), dst)                    # length lies
s.sendto(hdr(nxt=33, body=b"\x00\x00\x00\x02"), dst)   # SA payload too short
s.sendto(hdr(exch=35, rspi=os.urandom(8)), dst)  # IKE_AUTH for no SA
s.sendto(b"\xff" * 300, dst)                    # noise: version 15
EOPY
sleep 0.3
kill -USR1 "$pid_b"
wait_for "$T/b.out" '^STATS' 100
st=$(grep '^STATS' "$T/b.out" | head -n 1)
check "malformed: each drop counted by its reason ($st)" \
	sh -c "echo '$st' | grep -q 'rx=6 ' && echo '$st' | grep -q 'parse_short=1' &&
	       echo '$st' | grep -q 'parse_version=2' && echo '$st' | grep -q 'parse_length=1' && echo '$st' | grep -q 'parse_pld_length=1' &&
	       echo '$st' | grep -q 'drop_no_sa=1' && ! echo '$st' | grep -q 'ike_sas=[1-9]'"
# flood N: N well-formed IKE_SA_INIT requests to B from the peer's
# address (spoofed, say), each with its own SPI and nonce, at most 32
# unanswered at a time (no loss in the socket buffers); ANSWERED of them
# must be answered, the rest are sent without waiting
flood() {
	python3 - "$1" "$2" <<'EOPY'
import os, socket, struct, sys
n, answered_want = int(sys.argv[1]), int(sys.argv[2])
def pld(nxt, body):
    return struct.pack(">BBH", nxt, 0, 4 + len(body)) + body
def xf(last, t, i, attr=b""):
    return struct.pack(">BBHBBH", 0 if last else 3, 0, 8 + len(attr), t, 0, i) + attr
xfs = (xf(0, 1, 20, struct.pack(">HH", 0x800e, 128)) + xf(0, 2, 5) +
       xf(1, 4, 31))
prop = struct.pack(">BBHBBBB", 0, 0, 8 + len(xfs), 1, 1, 0, 3) + xfs
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(10)
bad_cookie = os.environ.get("BAD_COOKIE")
def send():
    body = (pld(34, prop) + pld(40, struct.pack(">HH", 31, 0) + os.urandom(32)) +
            pld(0, os.urandom(32)))
    first = 33
    if bad_cookie:      # N(COOKIE) first, of the right length, made up
        body = pld(33, struct.pack(">BBH", 0, 0, 16390) + os.urandom(36)) + body
        first = 41
    hdr = os.urandom(8) + bytes(8) + bytes([first, 0x20, 34, 0x08]) + \
          struct.pack(">II", 0, 28 + len(body))
    s.sendto(hdr + body, ("127.0.0.2", 500))
sent = answered = 0
while answered < answered_want:
    while sent < answered_want and sent - answered < 32:
        send()
        sent += 1
    s.recv(2048)
    answered += 1
for i in range(n - sent):
    send()
EOPY
	sleep 0.5
	kill -USR1 "$pid_b"
	wait_for "$T/b.out" '^STATS ike_sas=' 100
	st=$(grep '^STATS' "$T/b.out" | tail -n 1)
}
# cookie_threshold 10 (the default): 10 half-open IKE SAs, then every
# request is answered with a COOKIE and kept nowhere
flood 1100 1100
check "flood: 1100 IKE_SA_INIT requests: 10 half-open IKE SAs, 1090 answered with a COOKIE, none dropped as half_open ($st)" \
	sh -c "echo '$st' | grep -q 'ike_sas=10 ' &&
	       echo '$st' | grep -q 'cookies_sent=1090 ' &&
	       ! echo '$st' | grep -q 'drop_half_open'"
BAD_COOKIE=1 flood 5 5
check "flood: 5 requests with made-up cookies: each answered with a new COOKIE, none taken ($st)" \
	sh -c "echo '$st' | grep -q 'ike_sas=10 ' &&
	       echo '$st' | grep -q 'cookies_sent=1095 cookies_ok=0 cookies_bad=5 '"
mkconf "$T/a.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example "$T/a.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.1.0.0/24 10.2.0.0/24 \
	initiate
start a "$T/a.conf" 127.0.0.1 --retransmit 100 --tries 3
wait_for "$T/a.err" 'no answer|CHILD SA established' 100
check "flood: the real peer still gets through: it sends the COOKIE back, its SAs come up" \
	sh -c "grep -q 'asked for a COOKIE' $T/a.err &&
	       grep -q '^IKE_SA up' $T/b.out && grep -q '^SA add .*dir=out' $T/a.out"
stop a
stop b
# without cookies (cookie_threshold off) the half-open IKE SAs stop at
# IKED_HALF_OPEN_MAX (1024); the rest is dropped and counted
{ echo "cookie_threshold off"; cat "$T/b.conf"; } >"$T/b-nocookie.conf"
start b "$T/b-nocookie.conf" 127.0.0.2
flood 1100 1024
check "flood, cookie_threshold off: 1024 half-open IKE SAs, the rest dropped as half_open ($st)" \
	sh -c "echo '$st' | grep -q 'ike_sas=1024 ' &&
	       echo '$st' | grep -Eq 'drop_half_open=76( |\$)' &&
	       echo '$st' | grep -q 'cookies_sent=0 '"
start a "$T/a.conf" 127.0.0.1 --retransmit 100 --tries 3
wait_for "$T/a.err" 'no answer|CHILD SA established' 100
check "flood, cookie_threshold off: while the half-open SAs are full, the real peer gets no answer" \
	sh -c "grep -q 'no answer to IKE_SA_INIT' $T/a.err && ! grep -q '^IKE_SA up' $T/b.out"
stop a
stop b
start_both
wait_for "$T/b.out" '^SA add .*dir=out' 100
ok $? "malformed: B (restarted) negotiates afterwards"
stop_both

# ---- configuration errors ----
mkpsk "$T/open.psk" "loop-test-secret" 644
mkconf "$T/c.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example "$T/open.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.1.0.0/24 10.2.0.0/24 \
	initiate
"$IKED" -c "$T/c.conf" --kernel=null --listen 127.0.0.1 >"$T/c.out" 2>"$T/c.err"
r=$?
check "PSK file of mode 0644: refused at start, exit 1, no READY" \
	sh -c "test $r = 1 && ! grep -q READY $T/c.out &&
	       grep -q \"c.conf:2: peer 'b': psk_file '$T/open.psk' has mode 0644: group or others may read it; refused\" $T/c.err"
mkconf "$T/c.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example "$T/a.psk" \
	aes129-sha256-x25519 aes128gcm16 10.1.0.0/24 10.2.0.0/24 initiate
"$IKED" -c "$T/c.conf" --check-config >"$T/c.out" 2>"$T/c.err"
r=$?
check "bad algorithm: the error names line 8, the value and the token" \
	sh -c "test $r = 1 && grep -q \"c.conf:8: bad value 'aes129-sha256-x25519' for 'ike': unknown ike algorithm 'aes129'\" $T/c.err"
mkconf "$T/c.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example "$T/a.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.1.0.1/24 10.2.0.0/24 initiate
"$IKED" -c "$T/c.conf" --check-config >"$T/c.out" 2>"$T/c.err"
r=$?
check "bad selector: the error names line 10 and the value" \
	sh -c "test $r = 1 && grep -q \"c.conf:10: bad value '10.1.0.1/24' for 'local_ts': bad selector '10.1.0.1/24'\" $T/c.err"

mkconf "$T/c.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example "$T/a.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.1.0.0/24 10.2.0.0/24 initiate
{ cat "$T/c.conf"; echo "cookie_threshold 5"; } >"$T/c2.conf"
"$IKED" -c "$T/c2.conf" --check-config >"$T/c.out" 2>"$T/c.err"
r=$?
check "a global setting after a peer: refused, the error says where it goes" \
	sh -c "test $r = 1 && grep -q \"c2.conf:13: 'cookie_threshold' is a global setting: put it before the first 'peer'\" $T/c.err"
{ cat "$T/c.conf"; printf '\tesp_lifetime_kb 1k\n'; } >"$T/c2.conf"
"$IKED" -c "$T/c2.conf" --check-config >"$T/c.out" 2>"$T/c.err"
r=$?
check "esp_lifetime_kb 1k: refused, naming the value and the range" \
	sh -c "test $r = 1 && grep -q \"c2.conf:13: bad value '1k' for 'esp_lifetime_kb': not 0 (no volume limit) or a number of KiB 1..4294967295\" $T/c.err"
{ echo "cookie_threshold 2000"; cat "$T/c.conf"; } >"$T/c2.conf"
"$IKED" -c "$T/c2.conf" --check-config >"$T/c.out" 2>"$T/c.err"
r=$?
check "cookie_threshold 2000: refused, naming the value and the range" \
	sh -c "test $r = 1 && grep -q \"c2.conf:1: bad value '2000' for 'cookie_threshold': not 'off' or a number of half-open IKE SAs 0..1024 (0: always)\" $T/c.err"

# ---- the vgate backend's start-up checks (no vgate.ko on this host) ----
mkconf "$T/c.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example "$T/a.psk" \
	aes128gcm16-prfsha256-x25519 aes128gcm16 10.1.0.0/24 10.2.0.0/24 initiate
echo "	protect 0" >>"$T/c.conf"
"$IKED" -c "$T/c.conf" --check-config >"$T/c.out" 2>"$T/c.err"
r=$?
check "protect 0: refused, the error names line 13 and the range" \
	sh -c "test $r = 1 && grep -q \"c.conf:13: bad value '0' for 'protect': not a vgate rule ID 1..4294967295\" $T/c.err"
sed -i 's/protect 0/protect 10/' "$T/c.conf"
cat >>"$T/c.conf" <<EOC
peer c
	remote 127.0.0.3
	psk_file $T/a.psk
	local_ts 10.1.0.0/24
	remote_ts 10.3.0.0/24
	protect 10
EOC
"$IKED" -c "$T/c.conf" --check-config >"$T/c.out" 2>"$T/c.err"
r=$?
check "two peers with protect 10: refused, the error names the first one" \
	sh -c "test $r = 1 && grep -q \"c.conf:19: bad value '10' for 'protect': peer 'b' (line 2) serves that PROTECT entry already\" $T/c.err"
sed -i '$d' "$T/c.conf"
echo "	protect 11" >>"$T/c.conf"
"$IKED" -c "$T/c.conf" --check-config >"$T/c.out" 2>"$T/c.err"
ok $? "protect 10 and protect 11: accepted"
"$IKED" -c "$T/c.conf" --kernel=xfrm --listen 127.0.0.1 >"$T/c.out" 2>"$T/c.err"
r=$?
check "--kernel=xfrm: refused, the error lists the backends" \
	sh -c "test $r = 1 && grep -q -- '--kernel=xfrm: unknown backend (there are: vgate, null)' $T/c.err"
if [ -d /sys/module/vgate ]; then
	echo "ok $((n + 1)) # SKIP default backend without vgate.ko: vgate.ko is loaded here"
	n=$((n + 1))
else
	"$IKED" -c "$T/c.conf" --listen 127.0.0.1 >"$T/c.out" 2>"$T/c.err"
	r=$?
	check "default backend vgate without vgate.ko: exit 1, no READY, the log says to load it" \
		sh -c "test $r = 1 && ! grep -q READY $T/c.out &&
		       grep -q 'vgate.ko is not loaded (no generic netlink family \"vgate\"); load it (modprobe vgate) or choose --kernel=null' $T/c.err"
fi

done_tap
