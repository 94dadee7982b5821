#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# esn_replay: extended sequence numbers (RFC 4303 2.2.1, appendix A) across
# the 2^32 boundary, replay windows of 64 and 4096, and SAs that must stop
# rather than cycle.
#
#   lanA ---- gwA (vgate) ==== wire ==== gwB (XFRM / espgen) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1    192.0.2.2  10.2.0.1   10.2.0.2
#
# (1) Interop: ESN SA pairs between vgate and XFRM ("flag esn"), both
#     directions started at 2^32 - 20 (seqOut/seqIn, replay-oseq/replay-seq),
#     with AES-GCM (RFC 4106 AAD: SPI + 64-bit number) and a window of 64,
#     and with AES-CBC/HMAC-SHA-256 (authencesn) and a window of 4096: 40
#     pings cross the boundary both ways, all answered, the wire carries
#     ESP only, and both sides end at 2^32 + 20.
# (2) Windows: espgen (an implementation independent of vgate and XFRM)
#     sends ESN packets to SAs with windows 64 and 4096 started at
#     2^32 - 50: across the boundary, replays, and the exact edge of the
#     window both where it spans two 2^32 blocks and where it does not:
#     top - W is dropped and counted as replay, top - W + 1 accepted.
# (3) Without ESN, an SA started at 2^32 - 6 sends 5 packets to XFRM, then
#     stops (seq_overflow), sends an SA_EXPIRE event (limit seq) and is
#     removed; nothing with a wrapped number reaches the wire.

. "$(dirname "$0")/lib.sh"
require_cmd ip ping nft python3

ESPGEN="python3 $REPO/selftests/tools/espgen.py"
B32=$(( 1 << 32 ))
PS=$(( B32 - 20 ))	# start of the interop SAs
S=$(( B32 - 50 ))	# start of the espgen window SAs

topo_gw_pair gwA gwB
vgate gwA ipsec peer add gwB addr 192.0.2.2 || skip_all "cannot add the peer"
ns gwB ip xfrm policy add src 10.2.0.0/24 dst 10.1.0.0/24 dir out \
	tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel &&
for dir in in fwd; do
	ns gwB ip xfrm policy add src 10.1.0.0/24 dst 10.2.0.0/24 dir $dir \
		tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel
done || skip_all "XFRM setup failed on gwB"

echo "# ${SECONDS}s: topology"
EVENTS=$VGATE_TMP/expire-events
ns gwA python3 "$REPO/selftests/tools/vgate_events.py" --event sa_expire >"$EVENTS" 2>&1 &
wait_for grep -q READY "$EVENTS" || skip_all "listener did not start"
echo "# ${SECONDS}s: listener ready"

rule() { # SPI_OUT SPI_IN
	vgate gwA ipsec rule flush
	vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 \
		remote 10.2.0.0/24 action protect spiOut "$1" spiIn "$2"
}

# (jq, not python: each tool start is slow under emulation)
sa_json() { # SPI KEY: a value of the SA in show sad -j ("absent" if none)
	vgate gwA -j ipsec show sad | jq -r --arg s "$(printf 0x%08x "$1")" \
		--arg k "$2" '(map(select(.spi == $s))[0] // {}) | .[$k] // "absent"'
}

drops() { # JQ-EXPR over the drop counters of gwA, e.g. .auth + .replay
	vgate gwA -j ipsec show global | jq ".drops | $1"
}

pings() { # N: echo requests lanA -> lanB, print how many were answered
	ns lanA ping -c "$1" -i 0.02 -W 1 10.2.0.2 |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

tap_plan 10

# --- (1) interop with XFRM across 2^32 ---
# pair NAME W SPI_OUT SPI_IN VGATE-ALG... -- XFRM-ALG...
pair() {
	local name=$1 w=$2 so=$3 si=$4; shift 4
	local -a va=() xa=()
	while [ "$1" != -- ]; do va+=("$1"); shift; done
	shift; xa=("$@")
	ns gwB ip xfrm state flush
	vgate gwA ipsec sa add "$so" src 192.0.2.1 dst 192.0.2.2 mode tunnel \
		"${va[@]}" esn on replayWindow "$w" seqOut $PS &&
	vgate gwA ipsec sa add "$si" src 192.0.2.2 dst 192.0.2.1 mode tunnel \
		"${va[@]}" esn on replayWindow "$w" seqIn $PS &&
	ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp \
		spi "$so" mode tunnel flag esn replay-window "$w" \
		replay-seq-hi 0 replay-seq $PS "${xa[@]}" &&
	ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp \
		spi "$si" mode tunnel flag esn replay-window "$w" \
		replay-oseq-hi 0 replay-oseq $PS "${xa[@]}" &&
	rule "$so" "$si" || { tap_fail "esn_replay $name: configuration"; return; }
	wire_counters "ab=iifname toA esp spi $so" "ba=iifname toB esp spi $si" \
		"clear=ip protocol != esp"
	local d0 got
	echo "# ${SECONDS}s: $name"
	d0=$(drops '.auth + .replay')
	got=$(pings 40)
	check_eq "esn_replay $name: 40 pings across 2^32 answered, ESP only on the wire, no auth or replay drops" \
		"$got/$(wire_count ab)/$(wire_count ba)/$(wire_count clear)/$(( $(drops '.auth + .replay') - d0 ))" \
		"40/40/40/0/0"
	ns gwB ip -s xfrm state > "$VGATE_TMP/xfrm"
	sed 's/^/# /' "$VGATE_TMP/xfrm" | grep -E "spi|esn|seq" | head -8
	check_eq "esn_replay $name: vgate and XFRM both end at 2^32 + 20 in both directions" \
		"$(sa_json "$so" seq_out)/$(sa_json "$si" seq_in)/$(grep -c 'seq-hi 0x1, seq 0x14' "$VGATE_TMP/xfrm")/$(grep -c 'oseq-hi 0x1, oseq 0x14' "$VGATE_TMP/xfrm")" \
		"$((B32 + 20))/$((B32 + 20))/1/1"
}

K1=$(hexkey 20); K2=$(hexkey 16); K3=$(hexkey 32)
pair "aes128-gcm window 64" 64 0x1000 0x1001 enc aes128-gcm encKey "$K1" -- \
	aead 'rfc4106(gcm(aes))' "$K1" 128
pair "aes128-cbc/hmac-sha256 window 4096" 4096 0x1100 0x1101 \
	enc aes128-cbc encKey "$K2" auth hmac-sha256 authKey "$K3" -- \
	enc 'cbc(aes)' "$K2" auth-trunc 'hmac(sha256)' "$K3" 128

# --- (2) windows of 64 and 4096 at and across the boundary (espgen) ---
KEY=$(hexkey 32)
window() { # W SPI
	local w=$1 spi=$2 t3 seqs want replay0 auth0
	vgate gwA ipsec sa add "$spi" src 192.0.2.2 dst 192.0.2.1 mode tunnel \
		enc null auth hmac-sha256 authKey "$KEY" esn on \
		replayWindow "$w" seqIn $S && rule 0x1100 "$spi" ||
		{ tap_fail "esn_replay window $w: configuration"; return; }
	echo "# ${SECONDS}s: window $w"
	t3=$((B32 + 2 * w + 100))
	# S+1..S+40; 2^32+5 (high half inferred as 1); two replays; the edge
	# of a window spanning both blocks; the edge of one inside block 1
	seqs="$((S + 1))-$((S + 40)),$((B32 + 5)),$((S + 1)),$((B32 + 5))"
	seqs="$seqs,$((B32 + 5 - w)),$((B32 + 6 - w)),$t3,$((t3 - w)),$((t3 - w + 1))"
	want=$(for ((i = S + 1; i <= S + 40; i++)); do echo $i; done
		printf '%s\n' $((B32 + 5)) $((B32 + 6 - w)) $t3 $((t3 - w + 1)))
	want=$(sort -n <<< "$want" | sed 's/^/seq=/')
	replay0=$(drops .replay); auth0=$(drops .auth)
	rm -f "$VGATE_TMP/ready"
	ns lanA $ESPGEN --listen 10.1.0.2:9999 --ready "$VGATE_TMP/ready" \
		> "$VGATE_TMP/got" &
	local pid=$!
	wait_for test -e "$VGATE_TMP/ready"
	ns gwB $ESPGEN --src 192.0.2.2 --dst 192.0.2.1 --spi "$spi" \
		--key "$KEY" --inner-src 10.2.0.2 --inner-dst 10.1.0.2 --esn \
		--seqs "$seqs" --pace 1 --sentinel 10.1.0.2:10000 >/dev/null
	wait $pid
	echo "# ${SECONDS}s: window $w sent"
	local got
	got=$(sort -t= -k2 -n "$VGATE_TMP/got")
	check_eq "esn_replay window $w: exactly the 44 new in-window numbers delivered" \
		"$(echo "$got" | tr '\n' ' ')" "$(echo "$want" | tr '\n' ' ')"
	check_eq "esn_replay window $w: 2 replays and 2 left of the window counted as replay, top at 2^32+2W+100" \
		"$(( $(drops .replay) - replay0 ))/$(( $(drops .auth) - auth0 ))/$(sa_json "$spi" seq_in)" \
		"4/0/$t3"
}
window 64 0x2000
window 4096 0x2001

# --- (3) without ESN the SA stops at 2^32 - 1 ---
echo "# ${SECONDS}s: no ESN"
ns gwB ip xfrm state flush
K4=$(hexkey 20); K5=$(hexkey 20)
vgate gwA ipsec sa add 0x3000 src 192.0.2.1 dst 192.0.2.2 mode tunnel \
	enc aes128-gcm encKey "$K4" seqOut $((B32 - 6)) &&
vgate gwA ipsec sa add 0x3001 src 192.0.2.2 dst 192.0.2.1 mode tunnel \
	enc aes128-gcm encKey "$K5" &&
ns gwB ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x3000 \
	mode tunnel replay-window 32 replay-seq $((B32 - 6)) \
	aead 'rfc4106(gcm(aes))' "$K4" 128 &&
ns gwB ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0x3001 \
	mode tunnel replay-window 32 aead 'rfc4106(gcm(aes))' "$K5" 128 &&
rule 0x3000 0x3001 || exit 1
wire_counters "ab=iifname toA esp spi 0x3000"
ovf0=$(drops .seq_overflow)
stop0=$(drops '.seq_overflow + .no_sa + .expired')
got=$(pings 10)
ovf=$(( $(drops .seq_overflow) - ovf0 ))
stop=$(( $(drops '.seq_overflow + .no_sa + .expired') - stop0 ))
check_eq "esn_replay no ESN from 2^32-6: 5 answered, 5 ESP on the wire, the rest stopped and counted" \
	"$got/$(wire_count ab)/$stop/$([ "$ovf" -ge 1 ] && echo overflow)" "5/5/5/overflow"
for _ in $(seq 50); do
	grep -q "spi=0x00003000 hard=1" "$EVENTS" && break
	sleep 0.1
done
echo "# $(grep spi=0x00003000 "$EVENTS")"
check_eq "esn_replay no ESN: one hard SA_EXPIRE event (limit seq), SA removed" \
	"$(grep -c 'spi=0x00003000 hard=1 limit=seq .* packets_out=5 ' "$EVENTS")/$(sa_json 0x3000 seq_out)" \
	"1/absent"

tap_done
