#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cli_basics: the vgate CLI against the real kernel module.
#
#   namespace "cli"  (lo only: SAs and rules name addresses, no traffic)
#   namespace "other" (untouched: proves the knob is per namespace)
#
# One-shot commands, JSON output of every show command, command files (-f)
# with comments and with a failing line, exit codes (0 ok, 1 bad value,
# 2 kernel error with its extack message), '?' help, the interactive shell
# through a pty (prompt, '?', TAB), and the replayWindow knob in the CLI and
# in /sys/kernel/vgate/replay_window.

. "$(dirname "$0")/lib.sh"

require_cmd ip python3
NS=cli
ns_add "$NS" other

O=$VGATE_TMP/out
E=$VGATE_TMP/err
PTY="python3 $REPO/selftests/tools/cli_pty.py --wait 1"

# v ARGS...: vgate in $NS; stdout in $O, stderr in $E, exit status in $rc.
v() { vgate "$NS" "$@" >"$O" 2>"$E"; rc=$?; }

# result NAME COND...: ok if every COND (a shell command) succeeds.
result() {
	local name=$1 c; shift
	for c in "$@"; do
		if ! eval "$c" >/dev/null 2>&1; then
			tap_fail "$name"
			echo "# failed: $c"
			echo "# exit status: $rc"
			sed 's/^/# stdout: /' "$O" | head -20
			sed 's/^/# stderr: /' "$E" | head -20
			return
		fi
	done
	tap_ok "$name"
}

# js EXPR: EXPR (Python, the JSON document in $O is d) is true.
js() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' "$O" "$1"
}

K1=$(hexkey 20); K2=$(hexkey 20); K3=$(hexkey 20); K4=$(hexkey 20); K5=$(hexkey 20)
SA_AB="src 192.0.2.1 dst 192.0.2.2 mode tunnel enc aes128-gcm"
SA_BA="src 192.0.2.2 dst 192.0.2.1 mode tunnel enc aes128-gcm"

tap_plan 45

# --- one-shot add / show / del -------------------------------------------
v ipsec sa add 0x1000 $SA_AB encKey "$K1"
result "one-shot: ipsec sa add 0x1000" '[ $rc = 0 ]' '[ ! -s $E ]'
v ipsec show sad
result "one-shot: ipsec show sad lists SA 0x1000" '[ $rc = 0 ]' \
	"grep -qE '^0x00001000 +192\.0\.2\.1 +192\.0\.2\.2 +tunnel +esp +aes128-gcm' $O"
v ipsec sa add 0x1001 $SA_BA encKey "$K2"
result "one-shot: ipsec sa add 0x1001" '[ $rc = 0 ]'
v ipsec peer add gwB addr 192.0.2.2 descr "site B"
result "one-shot: ipsec peer add gwB" '[ $rc = 0 ]' '[ ! -s $E ]'
v ipsec rule add 10 peer gwB local 10.1.0.0/24 remote 10.2.0.0/24 \
	action protect spiOut 0x1000 spiIn 0x1001
result "one-shot: ipsec rule add 10 protect" '[ $rc = 0 ]'
v ipsec show rule
result "one-shot: ipsec show rule lists rule 10 in gwB's traffic list" \
	'[ $rc = 0 ]' "grep -q 'gwB' $O" \
	"grep -qE '^ *10 .*10\.1\.0\.0/24 +10\.2\.0\.0/24 .*protect +0x00001000/0x00001001' $O"

# --- JSON of every show command -------------------------------------------
v -j ipsec show sad
result "json: show sad has both SAs with their values" '[ $rc = 0 ]' \
	"js '[s[\"spi\"] for s in d] == [\"0x00001000\", \"0x00001001\"]'" \
	"js 'd[0][\"src\"] == \"192.0.2.1\" and d[0][\"dst\"] == \"192.0.2.2\" and d[0][\"mode\"] == \"tunnel\" and d[0][\"enc\"] == \"aes128-gcm\"'" \
	"js 'd[0][\"replay_window\"] == 64 and d[0][\"stats\"][\"packets\"] == 0'"
v -j ipsec show rule
result "json: show rule has rule 10 with peer and SPIs" '[ $rc = 0 ]' \
	"js 'len(d) == 1 and d[0][\"id\"] == 10 and d[0][\"action\"] == \"protect\"'" \
	"js 'd[0][\"peer\"] == \"gwB\" and d[0][\"peer_addr\"] == \"192.0.2.2\"'" \
	"js 'd[0][\"spi_out\"] == \"0x00001000\" and d[0][\"spi_in\"] == \"0x00001001\"'" \
	"js 'd[0][\"local\"] == \"10.1.0.0/24\" and d[0][\"remote\"] == \"10.2.0.0/24\"'"
v -j ipsec show sa
result "json: show sa has the bundle of rule 10, no flags" '[ $rc = 0 ]' \
	"js 'len(d) == 1 and d[0][\"id\"] == 10 and d[0][\"peer\"] == \"gwB\"'" \
	"js 'd[0][\"spi_out\"] == \"0x00001000\" and d[0][\"spi_in\"] == \"0x00001001\" and d[0][\"flags\"] == []'"
v -j ipsec show global
result "json: show global counts 2 SAs, 1 rule, 1 peer, all drop reasons" '[ $rc = 0 ]' \
	"js 'd[\"sas\"] == 2 and d[\"rules\"] == 1 and d[\"peers\"] == 1'" \
	"js 'sorted(d[\"drops\"]) == sorted([\"no_sa\", \"replay\", \"auth\", \"bad_padding\", \"malformed\", \"policy\", \"rule\", \"expired\", \"seq_overflow\", \"mtu\", \"nomem\", \"crypto\", \"no_route\", \"acquire_overflow\", \"acquire_timeout\", \"peer_blocked\", \"natt_malformed\", \"natt_no_daemon\", \"ipcomp_malformed\", \"decompress\", \"decompress_oversize\", \"peer_down\", \"nesting\", \"fragment\", \"no_next_header\"])'"
v -j ipsec maxSas
result "json: maxSas knob" '[ $rc = 0 ]' "js 'type(d[\"max_sas\"]) is int and d[\"max_sas\"] >= 1'"
v -j ipsec dropLog
result "json: dropLog knob" '[ $rc = 0 ]' "js 'type(d[\"drop_log\"]) is bool'"

# --- exit codes -----------------------------------------------------------
v ipsec sa add 0x1001 $SA_BA encKey "$K3"
result "exit 2: duplicate SPI, kernel extack message shown" '[ $rc = 2 ]' \
	"grep -qF 'SA_NEW: an SA with this SPI, destination and protocol exists' $E" \
	"grep -qF 'File exists' $E"
v ipsec sa del 0xzz dst 192.0.2.2
result "exit 1: bad SPI, message names 0xzz" '[ $rc = 1 ]' "grep -qF '\"0xzz\"' $E"
v ipsec rule add 11 local 10.1.0.0/33 action pass
result "exit 1: bad prefix, message names 10.1.0.0/33" '[ $rc = 1 ]' \
	"grep -qF '\"10.1.0.0/33\"' $E"
v -j ipsec show global
result "bad values and the refused duplicate changed nothing" '[ $rc = 0 ]' \
	"js 'd[\"sas\"] == 2 and d[\"rules\"] == 1'"

v ipsec sa del 0x1000 dst 192.0.2.2
result "one-shot: ipsec sa del 0x1000" '[ $rc = 0 ]' '[ ! -s $E ]'
v ipsec show sad
result "one-shot: 0x1000 gone from show sad, 0x1001 still there" '[ $rc = 0 ]' \
	"! grep -q '^0x00001000 ' $O" "grep -q '^0x00001001 ' $O"
v -j ipsec show sa
result "json: show sa flags the bundle missing-sa" '[ $rc = 0 ]' \
	"js 'd[0][\"flags\"] == [\"missing-sa\"]'"
v ipsec sa del 0x1000 dst 192.0.2.2
result "exit 2: deleting it again, kernel message shown" '[ $rc = 2 ]' \
	"grep -qF 'SA_DEL: no such SA' $E"

# --- command files ---------------------------------------------------------
F=$VGATE_TMP/good.conf
cat >"$F" <<EOF
# Site A -> site B, second tunnel

ipsec sa add 0x2000 $SA_AB encKey $K4
	# indented comment, then a blank line with spaces
   
ipsec sa add 0x2001 $SA_BA encKey $K5   # trailing comment
ipsec rule add 20 peer gwB local 10.1.1.0/24 remote 10.2.1.0/24 action protect spiOut 0x2000 spiIn 0x2001
EOF
v -f "$F"
result "-f: file with comments and blank lines applies" '[ $rc = 0 ]' '[ ! -s $E ]'
v -j ipsec show rule
result "-f: its SAs and rule are in the kernel" '[ $rc = 0 ]' \
	"js '[r[\"id\"] for r in d] == [10, 20] and d[1][\"spi_out\"] == \"0x00002000\"'"

F=$VGATE_TMP/bad.conf
cat >"$F" <<EOF
ipsec sa add 0x3000 $SA_AB encKey $K4
ipsec rule add 30 local 10.1.2.0/24 action pass
ipsec rule add 31 peer gwB local 10.1.3.0/24 action protect spiOut 0xzz spiIn 0x3001
ipsec rule add 32 local 10.1.4.0/24 action pass
EOF
v -f "$F"
result "-f: syntax error in line 3: exit 1, $F:3: names 0xzz" '[ $rc = 1 ]' \
	"grep -qF '$F:3: ' $E" "grep -qF '\"0xzz\"' $E"
v -j ipsec show rule
result "-f: a file with a syntax error changes nothing" '[ $rc = 0 ]' \
	"js '[r[\"id\"] for r in d] == [10, 20]'"
v -j ipsec show sad
result "-f: not even the SA of line 1 was added" '[ $rc = 0 ]' \
	"js '\"0x00003000\" not in [s[\"spi\"] for s in d]'"

F=$VGATE_TMP/dup.conf
printf '%s\n' "ipsec rule add 40 local 10.1.5.0/24 action pass" \
	"ipsec rule add 10 local 10.1.6.0/24 action pass" \
	"ipsec rule add 41 local 10.1.7.0/24 action pass" >"$F"
v -f "$F"
result "-f: kernel error in line 2: exit 1, $F:2: with the extack message" \
	'[ $rc = 1 ]' "grep -qF '$F:2: ' $E" "grep -qF 'exists' $E"
v -j ipsec show rule
result "-f: the refused transaction changed nothing (no rule 40)" '[ $rc = 0 ]' \
	"js '[r[\"id\"] for r in d] == [10, 20]'"

# --- '?' help in one-shot mode --------------------------------------------
v ipsec '?'
result "help: vgate ipsec ? lists the sub-commands" '[ $rc = 0 ]' \
	"grep -q '^  sa ' $O" "grep -q '^  rule ' $O" "grep -q '^  show ' $O" \
	"grep -q '^  replayWindow ' $O" "grep -q '^  maxSas ' $O" "grep -q '^  dropLog ' $O"
v ipsec sa '?'
result "help: vgate ipsec sa ? lists add set del flush" '[ $rc = 0 ]' \
	"grep -q '^  add ' $O" "grep -q '^  set ' $O" "grep -q '^  del ' $O" "grep -q '^  flush ' $O"
v ipsec sa add '?'
result "help: vgate ipsec sa add ? asks for the SPI" '[ $rc = 0 ]' "grep -q '<SPI>' $O"
v ipsec sa add 0x4000 '?'
result "help: vgate ipsec sa add 0x4000 ? lists the keywords" '[ $rc = 0 ]' \
	"grep -q '^  src ' $O" "grep -q '^  enc ' $O" "grep -q '^  encKey ' $O"
v ipsec show sad
result "help: '?' sent nothing (no SA 0x4000)" '[ $rc = 0 ]' "! grep -q '^0x00004000' $O"

# --- knobs -----------------------------------------------------------------
v ipsec replayWindow
result "knob: replayWindow default 64 in CLI and sysfs" '[ $rc = 0 ]' \
	"[ \"\$(cat $O)\" = 64 ]" "[ \"\$(ns $NS cat /sys/kernel/vgate/replay_window)\" = 64 ]"
v ipsec replayWindow 128
result "knob: vgate ipsec replayWindow 128" '[ $rc = 0 ]' '[ ! -s $E ]'
v ipsec replayWindow
result "knob: vgate ipsec replayWindow prints 128" '[ $rc = 0 ]' "[ \"\$(cat $O)\" = 128 ]"
check_eq "knob: /sys/kernel/vgate/replay_window shows 128 in $NS" \
	"$(ns "$NS" cat /sys/kernel/vgate/replay_window)" 128
check_eq "knob: another namespace still has 64" \
	"$(ns other cat /sys/kernel/vgate/replay_window)" 64
v ipsec replayWindow 5000
result "knob: replayWindow 5000 exits 1 naming 5000" '[ $rc = 1 ]' "grep -qF '\"5000\"' $E"
v -j ipsec replayWindow
result "knob: after 5000 still 128 (CLI -j and sysfs)" '[ $rc = 0 ]' \
	"js 'd == {\"replay_window\": 128}'" \
	"[ \"\$(ns $NS cat /sys/kernel/vgate/replay_window)\" = 128 ]"
v ipsec sa add 0x5000 $SA_AB encKey "$K1"
v -j ipsec show sad
result "knob: a new SA gets replay window 128" '[ $rc = 0 ]' \
	"js '[s[\"replay_window\"] for s in d if s[\"spi\"] == \"0x00005000\"] == [128]'"

# --- interactive shell (pty) ---------------------------------------------
# The checks of the CLI's own offline pty test (cli/tests/pty_test.py:
# dry-run, grammar, TAB, '?'), with a longer per-key wait than its 0.3 s:
# under TCG the shell may not be reading yet when the first keys arrive.
check "interactive: cli/tests/pty_test.py checks" ns "$NS" $PTY --checks "$VGATE"
# The same session driver, talking to the kernel.
ns "$NS" $PTY --real "$VGATE" $'ipsec show sad\n' >"$O" 2>"$E"; rc=$?
result "interactive: prompt 'vgate> ', show sad lists the kernel's SAs" '[ $rc = 0 ]' \
	"grep -qF 'vgate> ipsec show sad' $O" "grep -q '^0x00002001 ' $O" \
	"! grep -q 'SA_GET dump' $O"
ns "$NS" $PTY --real "$VGATE" $'ipsec ?' $'sa del 0x5000 dst 192.0.2.2\n' >"$O" 2>"$E"; rc=$?
result "interactive: '?' lists sub-commands and redisplays the line" '[ $rc = 0 ]' \
	"grep -q '^  replayWindow ' $O" "grep -q '^  show ' $O" \
	"grep -qF 'vgate> ipsec sa del 0x5000 dst 192.0.2.2' $O"
v ipsec show sad
result "interactive: the command typed after '?' deleted SA 0x5000" '[ $rc = 0 ]' \
	"! grep -q '^0x00005000 ' $O" "grep -q '^0x00002001 ' $O"
ns "$NS" $PTY --real "$VGATE" $'ipsec sh\t' $'sa\t\t' >"$O" 2>"$E"; rc=$?
result "interactive: TAB completes 'sh' to show, lists sa/sad" '[ $rc = 0 ]' \
	"grep -qF 'vgate> ipsec show sa' $O" "grep -qE '^sa +sad *$' $O"

tap_done
