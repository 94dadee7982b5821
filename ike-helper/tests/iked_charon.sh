#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vgate-iked against an independent IKEv2 implementation: strongSwan 5.9.8's
# charon on this host, each in a network namespace of its own, joined by a
# veth pair; nothing leaves the two namespaces.
#
#   +---- netns iked-v-PID ----+        +---- netns iked-s-PID ---------+
#   | vgate-iked --kernel=null |  veth  | charon (own mount ns, tmpfs   |
#   | 192.0.2.1/24      vv-PID +--------+ vs-PID  on /run) 192.0.2.2/24 |
#   | 2001:db8:ff::1/64        |        |               2001:db8:ff::2/64 |
#   +--------------------------+        +-------------------------------+
#
# Each case loads one swanctl connection, runs vgate-iked as initiator or
# as responder with a PSK, and compares what both sides say: the IKE SA
# ESTABLISHED in `swanctl --list-sas` with vgate's SPIs and algorithms,
# and the CHILD SA's SPIs against what charon logged (its SPI allocation
# and its SAD entries), and the CHILD SA's keys: charon logs them (chd = 4,
# throwaway keys of this test only), vgate-iked's null backend prints a
# SHA-256 check value of its own, the test compares.  The limit, stated
# in the output: the host kernel
# cannot take ESP SAs ("Function not implemented" from XFRM), so charon's
# CHILD SA install fails: with vgate initiating, charon answers the CHILD
# SA with NO_PROPOSAL_CHOSEN after selecting it and trying to install it;
# with charon initiating, it deletes the CHILD SA vgate installed.
# TAP; "1..0 # SKIP" without root, ip netns or charon.
set -u
cd "$(dirname "$0")/.." || exit 1
IKED=${IKED:-$(pwd)/vgate-iked}	# check-asan: the sanitized build
CLI=${VGATE_CLI:-$(pwd)/../cli/vgate}	# for ipsec show ike
. tests/charon.sh
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null ||
   ! command -v swanctl >/dev/null || [ ! -x "$CHARON" ]; then
	echo "1..0 # SKIP iked_charon: needs root, ip, swanctl and $CHARON (strongswan-charon, strongswan-swanctl)"
	exit 0
fi
. tests/ikedlib.sh

T=$(mktemp -d /tmp/iked_charon.XXXXXX)
chmod 755 "$T"
V=iked-v-$$
S=iked-s-$$
vpid=""
cleanup() {
	[ -n "$vpid" ] && kill -KILL "$vpid" 2>/dev/null
	for p in $(ip netns pids "$S" 2>/dev/null) $(ip netns pids "$V" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null
	done
	ip netns del "$V" 2>/dev/null
	ip netns del "$S" 2>/dev/null
	if [ -n "${IKED_KEEP:-}" ]; then echo "# kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT INT TERM

ip netns add "$V" && ip netns add "$S" &&
ip link add "vv-$$" type veth peer name "vs-$$" &&
ip link set "vv-$$" netns "$V" && ip link set "vs-$$" netns "$S" &&
ip -n "$V" addr add 192.0.2.1/24 dev "vv-$$" &&
ip -n "$S" addr add 192.0.2.2/24 dev "vs-$$" &&
ip -n "$V" link set lo up && ip -n "$S" link set lo up &&
ip -n "$V" addr add 2001:db8:ff::1/64 dev "vv-$$" nodad &&
ip -n "$S" addr add 2001:db8:ff::2/64 dev "vs-$$" nodad &&
ip -n "$V" link set "vv-$$" up && ip -n "$S" link set "vs-$$" up || {
	echo "1..0 # SKIP iked_charon: cannot set up the network namespaces"
	exit 0
}

have_openssl=0
charon_has_openssl && have_openssl=1
charon_start "$S" "$T" "chd = 4"
sw() {
	ip netns exec "$S" swanctl "$@" --uri "unix://$T/charon.vici"
}
i=0
until sw --stats >/dev/null 2>&1; do
	i=$((i + 1))
	if [ $i -gt 150 ]; then
		echo "1..0 # SKIP iked_charon: charon did not start: $(tail -n 3 "$T/charon.out" | tr '\n' ' ')"
		exit 0
	fi
	sleep 0.1
done
mkpsk "$T/v.psk" "interop-test-secret"
DIAG_FILES="$T/v.out $T/v.err $T/charon.log"
echo "# $(sw --version 2>/dev/null | head -n 1 | tr -s ' '); openssl plugin: $have_openssl"
echo "# limit: the host kernel has no ESP, so charon's CHILD SA install fails; the CHILD SA is checked by its SPIs and algorithms in charon's log, not by traffic"

# charon_conf NAME IKE ESP [PSK]
charon_conf() {
	cat >"$T/swanctl.conf" <<EOF
connections {
	$1 {
		version = 2
		${CH_EXTRA:-}
		local_addrs = $SADDR
		remote_addrs = $VADDR
		proposals = $2
		local {
			auth = psk
			id = gws.example
		}
		remote {
			auth = psk
			id = gwv.example
		}
		children {
			$1 {
				local_ts = 10.2.0.0/24
				remote_ts = 10.1.0.0/24
				esp_proposals = $3
			}
		}
	}
}
secrets {
	ike-1 {
		id-1 = gws.example
		id-2 = gwv.example
		secret = "${4:-interop-test-secret}"
	}
}
EOF
	sw --load-all --file "$T/swanctl.conf" >"$T/load.out" 2>&1
}

# vgate_start ROLE IKE ESP
vgate_start() {
	mkconf "$T/v.conf" s "$VADDR" "$SADDR" gwv.example gws.example \
		"$T/v.psk" "$2" "$3" 10.1.0.0/24 10.2.0.0/24 "$1"
	[ -n "${V_EXTRA:-}" ] && printf '\t%s\n' "$V_EXTRA" >>"$T/v.conf"
	if [ -n "${V_GLOBAL:-}" ]; then	# global settings come first
		{ echo "$V_GLOBAL"; cat "$T/v.conf"; } >"$T/v.conf.new"
		mv "$T/v.conf.new" "$T/v.conf"
	fi
	rm -f "$T/v.out" "$T/v.err"	# not to be read before the child opens them
	ip netns exec "$V" "$IKED" -c "$T/v.conf" --kernel=null \
		--control "$T/v.ctl" >"$T/v.out" 2>"$T/v.err" &
	vpid=$!
	wait_for "$T/v.out" '^READY' 100
}
vgate_stop() {
	kill -TERM "$vpid" 2>/dev/null
	wait "$vpid" 2>/dev/null
	vpid=""
}

# ike_compare CASE NAME: swanctl's IKE SA against vgate's report
ike_compare() {
	sw --list-sas >"$T/sas.out" 2>&1
	line=$(grep -E "^$2: #[0-9]+, ESTABLISHED, IKEv2" "$T/sas.out")
	ok $? "$1: swanctl --list-sas: IKE SA ESTABLISHED"
	si=$(echo "$line" | sed -n 's/.*IKEv2, \([0-9a-f]*\)_i\*\{0,1\} \([0-9a-f]*\)_r.*/\1/p')
	sr=$(echo "$line" | sed -n 's/.*IKEv2, \([0-9a-f]*\)_i\*\{0,1\} \([0-9a-f]*\)_r.*/\2/p')
	vi=$(field "$T/v.out" '^IKE_SA up' ispi)
	vr=$(field "$T/v.out" '^IKE_SA up' rspi)
	check "$1: same IKE SPIs (charon $si/$sr, vgate $vi/$vr)" \
		test -n "$si" -a "$si" = "$vi" -a "$sr" = "$vr"
	salg=$(sed -n "/^$2: #/,/established/p" "$T/sas.out" |
	       grep -E '^  [A-Z0-9_/-]+$' | head -n 1 | tr -d ' ')
	valg=$(field "$T/v.out" '^IKE_SA up' proposal)
	check "$1: same IKE algorithms (charon $salg, vgate $valg)" \
		test -n "$salg" -a "$salg" = "$valg"
	check "$1: charon sees vgate's ID and address" \
		grep -q "remote 'gwv.example' @ $VADDR\[" "$T/sas.out"
	# the CLI's view of vgate-iked (its control socket) says the same
	if [ -x "$CLI" ]; then
		VGATE_IKED_CONTROL=$T/v.ctl "$CLI" -j ipsec show ike >"$T/show.json" 2>&1
		check "$1: vgate ipsec show ike: ESTABLISHED with charon's SPIs and algorithms" \
			python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
assert [(s["state"], s["ispi"], s["rspi"], s["proposal"]) for s in d["ike_sas"]] == \
	[("ESTABLISHED", sys.argv[2], sys.argv[3], sys.argv[4])], d' \
			"$T/show.json" "$si" "$sr" "$salg"
	else
		n=$((n + 1))
		echo "ok $n $1: vgate ipsec show ike # SKIP $CLI is not built"
	fi
}

# charon's log lines of the current case
mark=0
case_begin() {
	cn=c$n		# the connection's name in charon, fixed for the case
	mark=$(wc -l <"$T/charon.log" 2>/dev/null || echo 0)
}
clog() {
	tail -n +"$((mark + 1))" "$T/charon.log"
}

# v_init CASE IKE ESP CHARON_ESP_NAME: vgate initiates
v_init() {
	case_begin
	charon_conf "$cn" "$2" "$3"
	vgate_start initiate "$2" "$3"
	wait_for "$T/v.err" 'CHILD SA established|CHILD SA was refused|for the CHILD SA|AUTHENTICATION_FAILED' 150
	ike_compare "$1 (vgate initiates)" "$cn"
	clog >"$T/case.log"
	sgot=$(sed -n 's/.*got SPI \([0-9a-f]*\).*/\1/p' "$T/case.log" | head -n 1)
	sadd=$(sed -n 's/.*adding SAD entry with SPI \([0-9a-f]*\).*/\1/p' "$T/case.log" | tr '\n' ' ')
	sel=$(sed -n 's/.*selected proposal: ESP:\([^ ]*\).*/\1/p' "$T/case.log" | head -n 1)
	check "$1 (vgate initiates): charon selected ESP $4 from vgate's offer (it logged $sel)" \
		test "$sel" = "$4"
	vin=$(sed -n 's/.*offering the CHILD SA with our inbound SPI \([0-9a-f]*\).*/\1/p' "$T/v.err")
	check "$1 (vgate initiates): charon allocated SPI $sgot and tried SAD entries for it and for vgate's inbound SPI $vin ($sadd)" \
		test -n "$sgot" -a -n "$vin" -a "$sadd" = "$sgot $vin "
	check "$1 (vgate initiates): charon's CHILD SA install failed on this host (the limit), so it refused the CHILD SA; vgate logged why and installed nothing" \
		sh -c "grep -q 'unable to install inbound and outbound IPsec SA' $T/case.log &&
		       grep -q 'NO_PROPOSAL_CHOSEN for the CHILD SA: the peer accepted none' $T/v.err &&
		       ! grep -q '^SA add' $T/v.out"
	vgate_stop_hook "$1"
	vgate_stop
	wait_for "$T/charon.log" "received DELETE for IKE_SA $cn" 50
	clog >"$T/case.log"
	check "$1 (vgate initiates): SIGTERM: charon received vgate's Delete, vgate its answer" \
		sh -c "grep -q 'received DELETE for IKE_SA $cn' $T/case.log &&
		       grep -q '^IKE_SA down .*reason=deleted\$' $T/v.out"
}

# s_init CASE IKE ESP ESP_ENC ESP_INTEG: charon initiates
s_init() {
	case_begin
	charon_conf "$cn" "$2" "$3"
	vgate_start respond "$2" "$3"
	sw --initiate --child "$cn" --timeout 15 >"$T/init.out" 2>&1
	wait_for "$T/v.out" '^SA add .*dir=out' 100
	ok $? "$1 (charon initiates): vgate's null backend got the CHILD SA"
	ike_compare "$1 (charon initiates)" "$cn"
	clog >"$T/case.log"
	sgot=$(sed -n 's/.*got SPI \([0-9a-f]*\).*/\1/p' "$T/case.log" | head -n 1)
	sadd=$(sed -n 's/.*adding SAD entry with SPI \([0-9a-f]*\).*/\1/p' "$T/case.log" | sort | tr '\n' ' ')
	v_out=$(field "$T/v.out" '^SA add .*dir=out' spi)
	v_in=$(field "$T/v.out" '^SA add .*dir=in' spi)
	check "$1 (charon initiates): vgate's outbound SPI is the one charon allocated (vgate $v_out, charon $sgot)" \
		test -n "$v_out" -a "$v_out" = "$sgot"
	check "$1 (charon initiates): charon's SAD entries are vgate's two SPIs ($sadd)" \
		test "$sadd" = "$(printf '%s\n%s\n' "$v_in" "$v_out" | sort | tr '\n' ' ')"
	algs=$(grep '^SA add' "$T/v.out" |
	       sed 's/.* enc=\([^ ]*\) integ=\([^ ]*\) .*/\1 \2/' | sort -u)
	check "$1 (charon initiates): vgate installed $4 integ $5 both ways (got $algs)" \
		test "$algs" = "$4 $5"
	check "$1 (charon initiates): charon moved to port 4500 for IKE_AUTH (MOBIKE), vgate-iked followed (non-ESP marker)" \
		grep -q "peer s: now at $SADDR\[4500\] (was $SADDR\[500\]), our port 4500" "$T/v.err"
	check "$1 (charon initiates): selectors narrowed to charon's 10.2.0.0/24 === 10.1.0.0/24" \
		grep -q '^SA add .*dir=in .*local_ts=10.1.0.0/24 remote_ts=10.2.0.0/24' "$T/v.out"
	# charon logs the CHILD SA's keys (chd = 4, throwaway test keys);
	# vgate-iked prints only a check value of its own (kernel_null.c)
	kc=$(python3 - "$T/case.log" <<'EOPY'
import hashlib, re, sys
keys, cur = {}, None
for line in open(sys.argv[1]):
    m = re.search(r"\[CHD\] (encryption|integrity) (initiator|responder) key => (\d+) bytes", line)
    if m:
        cur = (m.group(1), m.group(2))
        keys[cur] = b""
        continue
    m = re.search(r"\[CHD\]\s+\d+: ((?:[0-9A-F]{2} )+)", line)
    if m and cur:
        keys[cur] += bytes.fromhex(m.group(1).replace(" ", ""))
    else:
        cur = None
def check(side):
    k = keys.get(("encryption", side), b"") + keys.get(("integrity", side), b"")
    return hashlib.sha256(k).hexdigest()[:8] if k else "none"
print(check("initiator"), check("responder"))
EOPY
)
	vk_in=$(field "$T/v.out" '^SA add .*dir=in' keys)
	vk_out=$(field "$T/v.out" '^SA add .*dir=out' keys)
	check "$1 (charon initiates): vgate's ESP keys are charon's: check values in/out $vk_in $vk_out, from charon's logged keys $kc" \
		test "$kc" = "$vk_in $vk_out"
	wait_for "$T/v.out" '^SA del .*dir=out' 100
	clog >"$T/case.log"
	check "$1 (charon initiates): charon's install failed (the limit), it deleted the CHILD SA, vgate removed both SAs" \
		sh -c "grep -q 'unable to install inbound and outbound IPsec SA' $T/case.log &&
		       test \$(grep -c '^SA del' $T/v.out) = 2"
	sw --terminate --ike "$cn" --timeout 10 >/dev/null 2>&1
	wait_for "$T/v.out" '^IKE_SA down .*reason=deleted by the peer' 50
	ok $? "$1 (charon initiates): swanctl --terminate: vgate took charon's Delete"
	vgate_stop
}

VADDR=192.0.2.1 SADDR=192.0.2.2
vgate_stop_hook() { :; }
if [ "$have_openssl" = 1 ]; then
	v_init "GCM x25519" aes128gcm16-prfsha256-x25519 aes256gcm16 \
		AES_GCM_16_256/NO_EXT_SEQ
	s_init "ChaCha20 ecp256" chacha20poly1305-prfsha384-ecp256 \
		chacha20poly1305 CHACHA20_POLY1305 NONE
else
	ok 0 "GCM, X25519, ECP, ChaCha20 against charon # SKIP charon's openssl plugin is not installed (libstrongswan-standard-plugins)"
fi
# this one with charon's DPD every second: vgate-iked answers its
# liveness checks (empty INFORMATIONAL requests)
vgate_stop_hook() {
	sleep 2.5
	clog >"$T/case.log"
	check "$1 (vgate initiates): charon's DPD (empty INFORMATIONAL) answered by vgate-iked" \
		sh -c "grep -q 'sending DPD request' $T/case.log &&
		       grep -q 'parsed INFORMATIONAL response [0-9]* \[ \]' $T/case.log"
}
CH_EXTRA="dpd_delay = 1s"
v_init "CBC modp2048" aes256-sha256-modp2048 aes128-sha256 \
	AES_CBC_128/HMAC_SHA2_256_128/NO_EXT_SEQ
CH_EXTRA=""
vgate_stop_hook() { :; }
s_init "CBC modp3072" aes128-sha512-modp3072 aes256-sha384 AES_CBC-256 \
	HMAC_SHA2_384_192

# IPv6 outer addresses
VADDR=2001:db8:ff::1 SADDR=2001:db8:ff::2
s_init "IPv6 CBC modp2048" aes256-sha256-modp2048 aes128-sha256 AES_CBC-128 \
	HMAC_SHA2_256_128
VADDR=192.0.2.1 SADDR=192.0.2.2

# ---- IKE SA rekeying (2.18), each side initiating ----
# rekey_compare CASE ROLE: vgate's "IKE_SA rekeyed" against swanctl's
rekey_compare() {
	wait_for "$T/v.out" '^IKE_SA rekeyed' 150
	ok $? "$1: vgate reports the IKE SA rekeyed"
	sw --list-sas >"$T/sas.out" 2>&1
	line=$(grep -E "^$cn: #[0-9]+, ESTABLISHED, IKEv2" "$T/sas.out")
	si=$(echo "$line" | sed -n 's/.*IKEv2, \([0-9a-f]*\)_i\*\{0,1\} \([0-9a-f]*\)_r.*/\1/p')
	sr=$(echo "$line" | sed -n 's/.*IKEv2, \([0-9a-f]*\)_i\*\{0,1\} \([0-9a-f]*\)_r.*/\2/p')
	vi=$(field "$T/v.out" '^IKE_SA rekeyed' ispi)
	vr=$(field "$T/v.out" '^IKE_SA rekeyed' rspi)
	ovi=$(field "$T/v.out" '^IKE_SA rekeyed' old_ispi)
	check "$1: charon lists one IKE SA, the new one: SPIs $si/$sr = vgate's $vi/$vr (the old was $ovi), vgate $2" \
		sh -c "test -n '$si' -a '$si' = '$vi' -a '$sr' = '$vr' -a '$vi' != '$ovi' &&
		       test \$(grep -cE '^$cn: #[0-9]+, ' $T/sas.out) = 1 &&
		       grep -q '^IKE_SA rekeyed .*role=$2' $T/v.out"
	clog >"$T/case.log"
	check "$1: charon logged the rekey and the old IKE SA's deletion" \
		sh -c "grep -q 'rekeyed' $T/case.log &&
		       grep -q 'IKE_SA deleted' $T/case.log"
}
case_begin
# its hard lifetime (rekey_time + over_time) far: else charon queues a
# Delete at 5 s, migrates it to the new IKE SA and deletes that
CH_EXTRA="rekey_time = 5s
		over_time = 60s"
charon_conf "$cn" aes256-sha256-modp2048 aes128-sha256
CH_EXTRA=""
vgate_start respond aes256-sha256-modp2048 aes128-sha256
sw --initiate --ike "$cn" --timeout 15 >"$T/init.out" 2>&1
rekey_compare "IKE rekey by charon (rekey_time 5s)" responder
wait_for "$T/v.err" 'the peer deleted the IKE SA' 50
ok $? "IKE rekey by charon: charon deleted the old IKE SA at vgate"
sw --terminate --ike "$cn" --timeout 10 >/dev/null 2>&1
wait_for "$T/v.out" '^IKE_SA down .*reason=deleted by the peer' 50
check "IKE rekey by charon: swanctl --terminate reaches vgate on the new IKE SA ($vi)" \
	grep -q "^IKE_SA down .*ispi=$vi .*reason=deleted by the peer" "$T/v.out"
vgate_stop

# with vgate-iked's DPD (dpd_delay 1; charon sends none here, so each
# second of silence brings one) answered by charon
case_begin
charon_conf "$cn" aes256-sha256-modp2048 aes128-sha256
V_EXTRA="ike_lifetime 5
	dpd_delay 1"
vgate_start initiate aes256-sha256-modp2048 aes128-sha256
V_EXTRA=""
rekey_compare "IKE rekey by vgate (ike_lifetime 5)" initiator
kill -USR1 "$vpid"
wait_for "$T/v.out" '^STATS' 50
dsent=$(field "$T/v.out" '^STATS' dpd_sent)
clog >"$T/case.log"
check "vgate's DPD: its liveness checks ($dsent sent, >= 2) answered by charon, no peer declared dead" \
	sh -c "test '${dsent:-0}' -ge 2 && grep -q '^STATS .* dpd_dead=0' $T/v.out &&
	       grep -q 'parsed INFORMATIONAL request [0-9]* \[ \]' $T/case.log &&
	       grep -q 'generating INFORMATIONAL response [0-9]* \[ \]' $T/case.log"
vgate_stop
wait_for "$T/charon.log" "received DELETE for IKE_SA $cn" 50
check "IKE rekey by vgate: SIGTERM: vgate's Delete on the new IKE SA reached charon, answered" \
	sh -c "grep -q '^IKE_SA down .*ispi=$vi .*reason=deleted\$' $T/v.out"

# charon_restart: charon killed (no Delete, its state lost) and started
# again with $CHARON_EXTRA, its vici socket answering
charon_restart() {
	for p in $(ip netns pids "$S"); do kill -KILL "$p"; done
	sleep 0.2
	charon_start "$S" "$T" "chd = 4"
	i=0
	until sw --stats >/dev/null 2>&1 || [ $i -gt 150 ]; do
		i=$((i + 1))
		sleep 0.1
	done
}

# ---- cookies (2.6): vgate-iked asks every IKE_SA_INIT for one ----
case_begin
charon_conf "$cn" aes256-sha256-modp2048 aes128-sha256
V_GLOBAL="cookie_threshold 0"
vgate_start respond aes256-sha256-modp2048 aes128-sha256
V_GLOBAL=""
sw --initiate --ike "$cn" --timeout 15 >"$T/init.out" 2>&1
wait_for "$T/v.out" '^IKE_SA up' 100
ike_compare "cookies (cookie_threshold 0)" "$cn"
kill -USR1 "$vpid"
wait_for "$T/v.out" '^STATS' 50
clog >"$T/case.log"
check "cookies: vgate-iked answered charon's IKE_SA_INIT with a COOKIE, charon sent it back first in the next one, vgate-iked took it" \
	sh -c "grep -q '^STATS .* cookies_sent=1 cookies_ok=1 cookies_bad=0' $T/v.out &&
	       grep -q 'parsed IKE_SA_INIT response 0 \[ N(COOKIE) \]' $T/case.log &&
	       grep -q 'generating IKE_SA_INIT request 0 \[ N(COOKIE) SA KE No' $T/case.log"

# ---- INITIAL_CONTACT (2.4): charon restarts without its state, so its
# next IKE_AUTH carries INITIAL_CONTACT; vgate-iked removes the dead SA ----
first=$(field "$T/v.out" '^IKE_SA up' ispi)
charon_restart
charon_conf "$cn" aes256-sha256-modp2048 aes128-sha256
sw --initiate --ike "$cn" --timeout 15 >"$T/init.out" 2>&1
wait_for "$T/v.out" '^IKE_SA down .*reason=INITIAL_CONTACT' 100
kill -USR1 "$vpid"
wait_for "$T/v.out" '^STATS .* initial_contact=1' 50
clog >"$T/case.log"
check "INITIAL_CONTACT: charon, restarted, sent it in IKE_AUTH; vgate-iked removed the dead IKE SA $first at once, kept the new one" \
	sh -c "grep -q 'generating IKE_AUTH request 1 \[ .*N(INIT_CONTACT)' $T/case.log &&
	       grep -q '^IKE_SA down .*ispi=$first .*reason=INITIAL_CONTACT' $T/v.out &&
	       test \$(grep -c '^IKE_SA up' $T/v.out) = 2 &&
	       grep -q '^STATS ike_sas=1 .* initial_contact=1' $T/v.out"
vgate_stop

# ---- IKE fragmentation (RFC 7383): charon restarted with fragment_size
# 256, vgate-iked with 256 too: IKE_AUTH goes in fragments both ways ----
# frag_case ROLE: vgate-iked's role; charon initiates with its CHILD SA
# (IKE_AUTH of ~300 octets), vgate-iked's IKE_AUTH request is ~260 (its
# answer, ~200, fits: vgate to vgate, tests/iked_loop.sh, has both)
frag_case() {
	case_begin
	charon_conf "$cn" aes256-sha256-modp2048 aes128-sha256
	V_GLOBAL="fragment_size 256"
	vgate_start "$1" aes256-sha256-modp2048 aes128-sha256
	V_GLOBAL=""
	[ "$1" = respond ] &&
		sw --initiate --child "$cn" --timeout 15 >"$T/init.out" 2>&1
	wait_for "$T/v.out" '^IKE_SA up' 100
	ike_compare "fragmentation ($1)" "$cn"
	kill -USR1 "$vpid"
	wait_for "$T/v.out" '^STATS' 50
	clog >"$T/case.log"
	fs=$(field "$T/v.out" '^STATS' frags_sent)
	fr=$(field "$T/v.out" '^STATS' frags_rcvd)
	if [ "$1" = respond ]; then
		check "fragmentation (charon initiates): charon split its IKE_AUTH request, vgate-iked reassembled it ($fr fragments)" \
			sh -c "grep -q 'splitting IKE message .* into [0-9]* fragments' $T/case.log &&
			       grep -q 'generating IKE_AUTH request 1 \[ EF(1/' $T/case.log &&
			       test '${fr:-0}' -ge 2 &&
			       grep -q '^STATS .* reassembled=1' $T/v.out"
	else
		check "fragmentation (vgate initiates): vgate-iked split its IKE_AUTH request ($fs fragments), charon reassembled it" \
			sh -c "grep -q 'reassembled fragmented IKE message' $T/case.log &&
			       grep -q 'parsed IKE_AUTH request 1 \[ EF(1/' $T/case.log &&
			       test '${fs:-0}' -ge 2"
	fi
	vgate_stop
}
CHARON_EXTRA="fragment_size = 256"
charon_restart
frag_case respond
frag_case initiate
CHARON_EXTRA=""

# ---- wrong PSK, each way ----
case_begin
charon_conf "$cn" aes256-sha256-modp2048 aes128-sha256 not-the-secret
vgate_start initiate aes256-sha256-modp2048 aes128-sha256
wait_for "$T/v.err" 'AUTHENTICATION_FAILED' 100
check "wrong PSK (vgate initiates): vgate logs that charon refused its AUTH" \
	grep -q 'peer s (192.0.2.2\[500\]): AUTHENTICATION_FAILED: the peer refused our AUTH (we are fqdn:gwv.example' "$T/v.err"
sw --list-sas >"$T/sas.out" 2>&1
check "wrong PSK (vgate initiates): no IKE SA in charon or vgate" \
	sh -c "! grep -q ESTABLISHED $T/sas.out && ! grep -q '^IKE_SA up' $T/v.out"
vgate_stop
vgate_start respond aes256-sha256-modp2048 aes128-sha256
sw --initiate --child "$cn" --timeout 10 >"$T/init.out" 2>&1
wait_for "$T/v.err" 'AUTHENTICATION_FAILED' 100
check "wrong PSK (charon initiates): vgate names charon's ID and its own PSK file" \
	grep -q "AUTHENTICATION_FAILED: the AUTH of fqdn:gws.example does not match the PSK of psk_file $T/v.psk" "$T/v.err"
vgate_stop

done_tap
