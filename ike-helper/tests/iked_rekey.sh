#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# CHILD SA rekeying (RFC 7296 1.3.3, 2.8.1) between two vgate-iked daemons
# over loopback in a network namespace of its own (unshare -n), both with
# --kernel=null, the layout of iked_loop.sh (A 127.0.0.1 initiates the
# IKE SA, B 127.0.0.2 responds).  Short lifetimes (esp_lifetime 5: a
# rekey 4.0..4.5 s after each install) make the rekeys come within the
# test.  Checked from the backends' report lines (kernel_null.c):
#   - A rekeys: each new pair crossed with equal keys (check values) that
#     differ from the old pair's; make-before-break on both sides (A
#     installs the new outbound SA before it removes the old one; B installs
#     the new outbound SA only after the old one is removed, since before
#     A's Delete A may not have the new inbound SA); in the end one pair
#     in each backend, the newest, and the same IKE SA throughout;
#   - B (the IKE SA's responder) rekeys: the same, roles swapped;
#   - a collision: a gate on lo (tbf) holds both rekey requests until
#     both are out, so that they cross; both sides must decide alike which
#     new SA goes (the lowest of the four nonces) and end with one pair,
#     crossed, with equal keys;
#   - the IKE SA rekeyed (2.18) by its initiator and by its responder:
#     the same new SPIs on both sides, the old SA deleted, no CHILD SA
#     touched, and a CHILD SA rekey over the new IKE SA (its keys from
#     the new SK_d) crossed with equal keys;
#   - esp_lifetime bad values are refused naming the line.
# TAP; "1..0 # SKIP" without root or unshare.
set -u
cd "$(dirname "$0")/.." || exit 1
IKED=${IKED:-$(pwd)/vgate-iked}	# check-asan: the sanitized build
. tests/ikedlib.sh
own_netns iked_rekey "$0" "$@"
mkpsk "$T/a.psk" "rekey-test-secret"
mkpsk "$T/b.psk" "rekey-test-secret"

# confs A_LIFETIME B_LIFETIME [A_ESP [B_ESP]]: the two configurations
confs() {
	mkconf "$T/a.conf" b 127.0.0.1 127.0.0.2 gwa.example gwb.example \
		"$T/a.psk" aes128gcm16-prfsha256-x25519 "${3:-aes256gcm16}" \
		10.1.0.0/24 10.2.0.0/24 initiate
	printf '\tesp_lifetime %s\n' "$1" >>"$T/a.conf"
	mkconf "$T/b.conf" a 127.0.0.2 127.0.0.1 gwb.example gwa.example \
		"$T/b.psk" aes128gcm16-prfsha256-x25519 "${4:-${3:-aes256gcm16}}" \
		10.2.0.0/24 10.1.0.0/24 respond
	printf '\tesp_lifetime %s\n' "$2" >>"$T/b.conf"
}

# count NAME REGEX: lines of NAME's report matching
count() {
	grep -Ec -- "$2" "$T/$1.out"
}

# wait_count NAME REGEX N TENTHS: until count >= N
wait_count() {
	i=0
	while [ "$(count "$1" "$2")" -lt "$3" ] && [ "$i" -lt "$4" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(count "$1" "$2")" -ge "$3" ]
}

# dump NAME: the backend's SAs now (SIGUSR1), "DIR SPI KEYS" a line
dump() {
	before=$(count "$1" '^DUMP end')
	eval "kill -USR1 \$pid_$1"
	wait_count "$1" '^DUMP end' $((before + 1)) 50
	awk -v skip="$before" '/^DUMP end/ { d++; next }
		d == skip && /^SA list/ { print }' "$T/$1.out" |
		tr ' ' '\n' | sed -n 's/^\(dir\|spi\|keys\)=//p' |
		paste - - - | sort
}

# nth NAME DIR K: the SPI of the K-th "SA add" of direction DIR
nth() {
	grep "^SA add .*dir=$2 " "$T/$1.out" | sed -n "$3p" |
		tr ' ' '\n' | sed -n 's/^spi=//p'
}

# line NAME PATTERN: the number of the first report line matching
line() {
	grep -n -- "$2" "$T/$1.out" | head -n 1 | cut -d: -f1
}

# crossed CASE: A's and B's single pairs are each other's, same keys
crossed() {
	da=$(dump a)
	db=$(dump b)
	ain=$(echo "$da" | awk '$1 == "in" { print $2 " " $3 }')
	aout=$(echo "$da" | awk '$1 == "out" { print $2 " " $3 }')
	bin=$(echo "$db" | awk '$1 == "in" { print $2 " " $3 }')
	bout=$(echo "$db" | awk '$1 == "out" { print $2 " " $3 }')
	check "$1: one SA each way left in each backend, A's in = B's out ($ain), A's out = B's in ($aout), same keys" \
		test "$(echo "$da" | wc -l)" = 2 -a "$(echo "$db" | wc -l)" = 2 \
		-a -n "$ain" -a "$ain" = "$bout" -a -n "$aout" \
		-a "$aout" = "$bin"
}

# rekeyed CASE WHO OTHER: WHO rekeyed once (the checks of one rekey)
rekeyed() {
	c=$1 w=$2 o=$3
	old_in=$(nth "$w" in 1) old_out=$(nth "$w" out 1)
	new_in=$(nth "$w" in 2) new_out=$(nth "$w" out 2)
	check "$c: $w rekeyed: new SPIs $new_in/$new_out (were $old_in/$old_out)" \
		test -n "$new_in" -a -n "$new_out" -a "$new_in" != "$old_in" \
		-a "$new_out" != "$old_out"
	check "$c: $o holds the new pair crossed ($o in $(nth "$o" in 2), out $(nth "$o" out 2))" \
		test "$(nth "$o" in 2)" = "$new_out" -a \
		"$(nth "$o" out 2)" = "$new_in"
	k_new=$(field "$T/$w.out" "^SA add .*dir=out spi=$new_out" keys)
	k_peer=$(field "$T/$o.out" "^SA add .*dir=in spi=$new_out" keys)
	k_old=$(field "$T/$w.out" "^SA add .*dir=out spi=$old_out" keys)
	check "$c: the new SA's keys are equal on both sides ($k_new) and new (were $k_old)" \
		test -n "$k_new" -a "$k_new" = "$k_peer" -a "$k_new" != "$k_old"
	add_out=$(line "$w" "^SA add .*dir=out spi=$new_out")
	del_old=$(line "$w" "^SA del .*spi=$old_in")
	check "$c: make-before-break at $w: the new outbound SA (line $add_out) before the old SA goes (line $del_old)" \
		test -n "$add_out" -a -n "$del_old" -a "${add_out:-0}" -lt "${del_old:-0}"
	add_in=$(line "$o" "^SA add .*dir=in spi=$new_out")
	del_o=$(line "$o" "^SA del .*spi=$old_out")
	add_o=$(line "$o" "^SA add .*dir=out spi=$new_in")
	check "$c: at $o the new inbound SA (line $add_in), then the old SA goes (line $del_o), then the new outbound SA (line $add_o)" \
		test -n "$add_in" -a -n "$del_o" -a -n "$add_o" -a \
		"${add_in:-0}" -lt "${del_o:-0}" -a "${del_o:-0}" -lt "${add_o:-0}"
}

# ---- A (the IKE SA's initiator) rekeys; B never does (lifetime 0) ----
confs 5 0
start_both
wait_count a '^SA add .*dir=out' 3 150
ok $? "A rekeys: two rekeys within 15 s (esp_lifetime 5)"
rekeyed "A rekeys" a b
wait_count b '^SA del' 4 50
crossed "A rekeys"
left=$(dump a | awk '$1 == "in" { print $2 }')
check "A rekeys: the pair left is the newest ($left; the third inbound SPI $(nth a in 3))" \
	test -n "$left" -a "$left" = "$(nth a in 3)"
check "A rekeys: one IKE SA throughout, on both sides" \
	test "$(count a '^IKE_SA up')" = 1 -a "$(count b '^IKE_SA up')" = 1 \
	-a "$(count a '^IKE_SA down')" = 0
check "A rekeys: A logs the rekey, B the outbound SA it holds back" \
	sh -c "grep -q 'rekeying CHILD SA' $T/a.err &&
	       grep -q 'CHILD SA rekeyed, .*(outbound once the old SA is deleted)' $T/b.err &&
	       grep -q 'now sends (the old SA .* is gone)' $T/b.err"
stop_both

# ---- B (the IKE SA's responder) rekeys; A never does ----
confs 0 5
start_both
wait_count b '^SA add .*dir=out' 2 150
ok $? "B rekeys: a rekey within 15 s"
rekeyed "B rekeys" b a
wait_count a '^SA del' 2 50
crossed "B rekeys"
stop_both

# ---- a collision: both rekey at once, the requests cross ----
# A gate on lo holds every datagram until both requests are out: a token
# bucket of 1 octet/s (tbf) drained by a filler datagram; then a fast
# rate and a kick datagram let the queue go, in order.  The retransmission
# timers are longer than the test.
confs 6 6
start_both --retransmit 30000
wait_for "$T/a.out" '^SA add .*dir=out' 100 &&
	wait_for "$T/b.out" '^SA add .*dir=out' 100
if command -v bash >/dev/null &&
   tc qdisc add dev lo root tbf rate 8bit burst 1600 latency 100s 2>/dev/null
then
	bash -c 'printf "%1500s" x >/dev/udp/127.0.0.1/9'
	# both rekey 4.8..5.4 s after the install; both requests wait
	wait_for "$T/a.err" 'rekeying CHILD SA' 100 &&
		wait_for "$T/b.err" 'rekeying CHILD SA' 100
	ok $? "collision: both sides sent a rekey request (held on lo)"
	tc qdisc change dev lo root tbf rate 100mbit burst 1600 latency 100s
	bash -c 'printf k >/dev/udp/127.0.0.1/9'
	wait_for "$T/a.err" 'rekey collision' 100 &&
		wait_for "$T/b.err" 'rekey collision' 100
	ok $? "collision: both sides saw it"
	la=$(grep -m1 'rekey collision' "$T/a.err")
	lb=$(grep -m1 'rekey collision' "$T/b.err")
	# the side whose own new SA goes, and the other's view of it
	mine() { echo "$1" | sed -n 's/.*: ours (\([0-9a-f]*\)) has the lowest nonce and goes.*/\1/p'; }
	theirs() { echo "$1" | sed -n "s/.*: the peer's (\([0-9a-f]*\)) has the lowest nonce and goes.*/\1/p"; }
	stays() { echo "$1" | sed -n 's/.*; ours (\([0-9a-f]*\)) stays.*/\1/p'; }
	if [ -n "$(mine "$la")" ]; then
		loser=a winner=b gone=$(mine "$la") other=$(theirs "$lb")
		kept=$(stays "$lb")
	else
		loser=b winner=a gone=$(mine "$lb") other=$(theirs "$la")
		kept=$(stays "$la")
	fi
	# the loser names the SA it drops by its inbound SPI, the winner by
	# its own inbound SPI of that SA: the loser's outbound one
	gone_out=$(grep -A1 "^SA add .*dir=in spi=$gone " "$T/$loser.out" |
		   sed -n 's/^SA add .*dir=out spi=\([0-9a-f]*\) .*/\1/p')
	check "collision: exactly one side lets its new SA go, the other agrees on which ($loser drops $gone/$gone_out; $winner: $other) (A: $la) (B: $lb)" \
		test -n "$gone" -a -n "$other" -a "$gone_out" = "$other"
	# the loser: its new SA and the old one (in and out each); the
	# winner: the old one and the loser's, which it had inbound only
	wait_count $loser '^SA del' 4 100 && wait_count $winner '^SA del' 3 100
	ok $? "collision: the redundant SA and the old SA deleted on both sides"
	crossed "collision"
	check "collision: the SA left is the winner's ($winner in $kept)" \
		test -n "$kept" -a "$(dump $winner | awk '$1 == "in" { print $2 }')" = "$kept"
	check "collision: the IKE SA is still up on both sides" \
		test "$(count a '^IKE_SA down')" = 0 -a \
		"$(count b '^IKE_SA down')" = 0
	tc qdisc del dev lo root
else
	ok 0 "collision # SKIP no tbf qdisc or bash here"
fi
stop_both

# ---- the IKE SA rekeyed (2.18) by A, then by B; CHILD SAs carry on ----
# ike_rekeyed CASE WHO OTHER: WHO rekeyed the IKE SA once
ike_rekeyed() {
	c=$1 w=$2 o=$3
	wait_for "$T/$w.out" '^IKE_SA rekeyed' 150 &&
		wait_for "$T/$o.out" '^IKE_SA rekeyed' 50
	ok $? "$c: both report the IKE SA rekeyed"
	wi=$(field "$T/$w.out" '^IKE_SA rekeyed' ispi)
	wr=$(field "$T/$w.out" '^IKE_SA rekeyed' rspi)
	oi=$(field "$T/$o.out" '^IKE_SA rekeyed' ispi)
	or=$(field "$T/$o.out" '^IKE_SA rekeyed' rspi)
	old=$(field "$T/$w.out" '^IKE_SA up' ispi)
	check "$c: the same new SPIs on both sides ($wi/$wr), not the old ones ($old), $w the new initiator" \
		sh -c "test -n '$wi' -a '$wi' = '$oi' -a '$wr' = '$or' -a '$wi' != '$old' &&
		       grep -q '^IKE_SA rekeyed .*role=initiator' $T/$w.out &&
		       grep -q '^IKE_SA rekeyed .*role=responder' $T/$o.out"
	wait_for "$T/$o.err" 'the peer deleted the IKE SA' 50
	ok $? "$c: $w deleted the old IKE SA at $o"
	check "$c: no CHILD SA removed by the IKE SA rekey, no IKE_SA down" \
		test "$(count a '^SA del')" = 0 -a "$(count b '^SA del')" = 0 \
		-a "$(count a '^IKE_SA down')" = 0 -a "$(count b '^IKE_SA down')" = 0
}
confs 7 0
printf '\tike_lifetime 5\n' >>"$T/a.conf"
printf '\tike_lifetime 0\n' >>"$T/b.conf"
start_both
ike_rekeyed "IKE rekey by A" a b
# A's CHILD SAs (esp_lifetime 7) are rekeyed after, over the new IKE SA:
# their keys come from the new SA's SK_d on both sides
wait_count a '^SA add .*dir=out' 2 100
ok $? "IKE rekey by A: then a CHILD SA rekey over the new IKE SA"
rekeyed "IKE rekey by A, CHILD rekey after" a b
stop_both

confs 0 0
printf '\tike_lifetime 0\n' >>"$T/a.conf"
printf '\tike_lifetime 5\n' >>"$T/b.conf"
start_both
ike_rekeyed "IKE rekey by B" b a
# and the new IKE SA works: A's SIGTERM deletes it, B removes the SAs
stop a
wait_for "$T/b.out" '^IKE_SA down .*reason=deleted by the peer' 50
ok $? "IKE rekey by B: the new IKE SA carries A's Delete; B removes its 2 CHILD SAs ($(count b '^SA del'))"
stop b

# ---- simultaneous IKE SA rekeys (2.8.2): both requests held on lo by
# the gate above, then let cross; both exchanges complete, the SA made
# with the lowest nonce goes, the same one on both sides ----
confs 0 0
printf '\tike_lifetime 6\n' >>"$T/a.conf"
printf '\tike_lifetime 6\n' >>"$T/b.conf"
start_both --retransmit 30000
wait_for "$T/a.out" '^SA add .*dir=out' 100 &&
	wait_for "$T/b.out" '^SA add .*dir=out' 100
if command -v bash >/dev/null &&
   tc qdisc add dev lo root tbf rate 8bit burst 1600 latency 100s 2>/dev/null
then
	bash -c 'printf "%1500s" x >/dev/udp/127.0.0.1/9'
	wait_for "$T/a.err" 'rekeying the IKE SA' 100 &&
		wait_for "$T/b.err" 'rekeying the IKE SA' 100
	ok $? "IKE collision: both sides sent an IKE SA rekey request (held on lo)"
	tc qdisc change dev lo root tbf rate 100mbit burst 1600 latency 100s
	bash -c 'printf k >/dev/udp/127.0.0.1/9'
	wait_for "$T/a.err" 'IKE SA rekey collision: .* has the lowest nonce' 100 &&
		wait_for "$T/b.err" 'IKE SA rekey collision: .* has the lowest nonce' 100
	ok $? "IKE collision: both sides answered the other's request and saw the collision"
	la=$(grep -m1 'IKE SA rekey collision: .* has the lowest' "$T/a.err")
	lb=$(grep -m1 'IKE SA rekey collision: .* has the lowest' "$T/b.err")
	gone_mine() { echo "$1" | sed -n 's/.*: ours (\([0-9a-f]*\)_i) has the lowest nonce and goes; the peer.s (\([0-9a-f]*\)_i) stays.*/\1 \2/p'; }
	gone_theirs() { echo "$1" | sed -n "s/.*: the peer's (\([0-9a-f]*\)_i) has the lowest nonce and goes; ours (\([0-9a-f]*\)_i) stays.*/\1 \2/p"; }
	if [ -n "$(gone_mine "$la")" ]; then
		loser=a winner=b v1=$(gone_mine "$la") v2=$(gone_theirs "$lb")
	else
		loser=b winner=a v1=$(gone_mine "$lb") v2=$(gone_theirs "$la")
	fi
	kept=${v1#* }
	check "IKE collision: one side lets its new IKE SA go, the other agrees which and which stays ($loser: $v1; $winner: $v2)" \
		test -n "$v1" -a "$v1" = "$v2"
	wait_for "$T/$loser.err" 'the peer deleted the IKE SA' 50
	kill -USR1 "$pid_a" "$pid_b"
	wait_for "$T/a.out" '^STATS' 50 && wait_for "$T/b.out" '^STATS' 50
	check "IKE collision: both moved to the winner's IKE SA ($kept), the redundant one and the old one deleted: one IKE SA each, no CHILD SA removed, no IKE_SA down" \
		sh -c "test \"\$(grep '^IKE_SA rekeyed' $T/a.out | tail -n 1 | sed 's/.* ispi=\([0-9a-f]*\) .*/\1/')\" = '$kept' &&
		       test \"\$(grep '^IKE_SA rekeyed' $T/b.out | tail -n 1 | sed 's/.* ispi=\([0-9a-f]*\) .*/\1/')\" = '$kept' &&
		       grep -q '^STATS ike_sas=1 ' $T/a.out && grep -q '^STATS ike_sas=1 ' $T/b.out &&
		       ! grep -q '^SA del\|^IKE_SA down' $T/a.out $T/b.out"
	tc qdisc del dev lo root
	stop a
	wait_for "$T/b.out" '^IKE_SA down .*reason=deleted by the peer' 50
	check "IKE collision: the IKE SA left carries A's Delete (SIGTERM) to B" \
		grep -q "^IKE_SA down .*ispi=$kept .*reason=deleted by the peer" "$T/b.out"
else
	ok 0 "IKE collision # SKIP no tbf qdisc or bash here"
fi
stop_both

# ---- PFS: a DH group in esp: a KE in each rekey (2.17 with g^ir) ----
confs 5 0 aes256gcm16-x25519
start_both
wait_count a '^SA add .*dir=out' 2 150
ok $? "PFS: A rekeyed (esp aes256gcm16-x25519)"
rekeyed "PFS x25519" a b
check "PFS: the first CHILD SA came without a KE (IKE_AUTH), the rekey with one; both logged the group" \
	sh -c "grep -q 'CHILD SA established, .*AES_GCM_16-256, ' $T/a.err &&
	       grep -q 'rekeying CHILD SA .*PFS CURVE_25519' $T/a.err &&
	       grep -q 'CHILD SA rekeyed, .*AES_GCM_16-256/CURVE_25519' $T/b.err"
stop_both
# A's first group is ECP-384, B takes X25519 only: INVALID_KE_PAYLOAD, A
# follows it
confs 5 0 aes256gcm16-ecp384-x25519 aes256gcm16-x25519
start_both
wait_count a '^SA add .*dir=out' 2 150
ok $? "PFS INVALID_KE: A rekeyed after all"
check "PFS INVALID_KE: B asked for CURVE_25519, A retried with it" \
	sh -c "grep -q 'PFS: its KE is for ECP_384, we chose CURVE_25519: answered INVALID_KE_PAYLOAD' $T/b.err &&
	       grep -q 'INVALID_KE_PAYLOAD: it wants CURVE_25519 instead of ECP_384; retrying' $T/a.err"
rekeyed "PFS INVALID_KE" a b
stop_both
# PFS on one side only: B requires it, A offers none: the rekey fails
# (NO_PROPOSAL_CHOSEN), the CHILD SA stays
confs 5 0 aes256gcm16 aes256gcm16-x25519
start_both
wait_for "$T/a.err" 'rekey of CHILD SA .* was refused with NO_PROPOSAL_CHOSEN' 150
ok $? "PFS required by B only: A's rekey refused NO_PROPOSAL_CHOSEN, with B's line naming both"
check "PFS required by B only: B names what it received and what it has" \
	grep -q 'NO_PROPOSAL_CHOSEN for the rekeyed CHILD SA: received aes256gcm16-noesn; configured aes256gcm16-curve25519-noesn' "$T/b.err"
stop_both

# ---- esp_lifetime values ----
confs 4 0
"$IKED" -c "$T/a.conf" --check-config >/dev/null 2>"$T/a.err"
check "esp_lifetime 4: refused, the error names the line and the range" \
	grep -q "a.conf:13: bad value '4' for 'esp_lifetime': not 0 (never rekeyed) or a number of seconds 5..172800" "$T/a.err"

done_tap
