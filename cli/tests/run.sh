#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Offline tests of the vgate CLI: grammar, values, exit codes, -f, '?'
# help, JSON validity, TAB completion.  Needs no kernel module: requests
# are checked with --dry-run, output formats with tests/show-test (show.c
# on canned data).  Run from cli/: sh tests/run.sh
set -u
cd "$(dirname "$0")/.." || exit 1
V=./vgate
ST=tests/show-test
fail=0
n=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

K16=000102030405060708090a0b0c0d0e0f
K20=${K16}10111213
K24=${K16}0001020304050607
K32=$K16$K16
K36=${K32}10111213
K64=$K32$K32

ok() { n=$((n + 1)); }
bad() { n=$((n + 1)); fail=$((fail + 1)); echo "FAIL: $*"; }

# expect RC STDERR-SUBSTRING ARGS...: run vgate --dry-run ARGS.
expect() {
	rc=$1 msg=$2
	shift 2
	$V --dry-run "$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ "$got" != "$rc" ]; then
		bad "vgate $* -> rc $got, want $rc: $(cat "$TMP/err")"
	elif [ -n "$msg" ] && ! grep -qF -- "$msg" "$TMP/err"; then
		bad "vgate $* -> stderr '$(cat "$TMP/err")', want '$msg'"
	else
		ok
	fi
}

# request ARGS... -- LINES: the dry-run output contains every line.
request() {
	args=""
	while [ "$1" != "--" ]; do args="$args $1"; shift; done
	shift
	# shellcheck disable=SC2086
	$V --dry-run $args >"$TMP/out" 2>"$TMP/err" || { bad "vgate$args failed: $(cat "$TMP/err")"; return; }
	for l in "$@"; do
		grep -qxF -- "$l" "$TMP/out" || { bad "vgate$args: no line '$l' in: $(cat "$TMP/out")"; return; }
	done
	ok
}

SA="ipsec sa add 0x1000 src 192.0.2.1 dst 198.51.100.2 mode tunnel"

# --- requests ---
request $SA enc aes128-gcm encKey $K20 -- "SA_NEW" "    SPI u32 4096" \
	"    PROTO u8 50" "    FAMILY u16 2" "    SRC addr 192.0.2.1" \
	"    DST addr 198.51.100.2" "    MODE u8 2" "    ENC u16 3" \
	"    ENC_KEY <20 bytes>" "    AUTH u16 1"
request ipsec sa set 4096 src 192.0.2.1 dst 198.51.100.2 mode transport \
	enc aes256-cbc encKey 0x$K32 auth hmac-sha512 authKey $K64 \
	replayWindow 0 softBytes 100 hardBytes 200 hardSeconds 3600 -- \
	"SA_SET" "    MODE u8 1" "    ENC u16 2" "    ENC_KEY <32 bytes>" \
	"    AUTH u16 5" "    AUTH_KEY <64 bytes>" "    REPLAY_WINDOW u32 0" \
	"    LIFETIME nest" "      SOFT_BYTES u64 100" "      HARD_BYTES u64 200" \
	"      HARD_SECONDS u64 3600"
request $SA enc 3des-cbc encKey $K24 auth hmac-sha1 authKey $K20 -- "    ENC u16 5"
request $SA enc chacha20-poly1305 encKey $K36 auth none -- "    ENC u16 4" "    AUTH u16 1"
request $SA enc null auth hmac-sha256 authKey $K32 -- "    ENC u16 1" "    AUTH u16 3"
request ipsec sa del 0xffffffff dst 198.51.100.2 -- "SA_DEL" "    SPI u32 4294967295" "    PROTO u8 50" "    FAMILY u16 2"
request ipsec sa flush -- "SA_FLUSH"
request ipsec rule add 10 local 10.1.0.0/16 remote 10.2.0.0/24 proto udp \
	lport 500 rport 1000-2000 action protect peer 198.51.100.2 \
	spiOut 0x1000 spiIn 0x1001 -- "RULE_NEW" "    ID u32 10" \
	"    LOCAL addr 10.1.0.0" "    LOCAL_PLEN u8 16" "    REMOTE_PLEN u8 24" \
	"    PROTO u8 17" "    LPORT_MIN u16 500" "    LPORT_MAX u16 500" \
	"    RPORT_MIN u16 1000" "    RPORT_MAX u16 2000" "    ACTION u8 3" \
	"    PEER addr 198.51.100.2" "    SPI_OUT u32 4096" "    SPI_IN u32 4097"
request ipsec rule set 7 local any remote any proto any action drop -- "RULE_SET" "    ACTION u8 2"
request ipsec rule add 8 proto sctp rport 9 action pass -- "    PROTO u8 132"
request ipsec rule del 7 -- "RULE_DEL" "    ID u32 7"
request ipsec rule flush -- "RULE_FLUSH"
request ipsec show sa -- "RULE_GET dump" "SA_GET dump"
request ipsec show sad -- "SA_GET dump"
request ipsec show rule -- "RULE_GET dump"
request ipsec show global -- "STATS_GET"
request ipsec replayWindow -- "CONFIG_GET"
request ipsec replayWindow 4096 -- "CONFIG_SET" "    REPLAY_WINDOW u32 4096"
request ipsec maxSas 1048576 -- "    MAX_SAS u32 1048576"
request ipsec dropLog off -- "    DROP_LOG u8 0"
VGATE_DRY_RUN=1 $V ipsec sa flush | grep -qx SA_FLUSH && ok || bad "VGATE_DRY_RUN=1"

# --- bad values: exit 1, the message names the token ---
expect 1 'bad SPI "0xzz"' ipsec sa del 0xzz dst 192.0.2.1
expect 1 'bad SPI "255"' ipsec sa del 255 dst 192.0.2.1
expect 1 'bad SPI "0"' ipsec sa del 0 dst 192.0.2.1
expect 1 'bad SPI "4294967296"' ipsec sa del 4294967296 dst 192.0.2.1
expect 1 'bad SPI "-5"' ipsec sa del -5 dst 192.0.2.1
expect 1 'bad dst "192.0.2"' ipsec sa del 4096 dst 192.0.2
expect 1 'bad src "2001:db8::1"' ipsec sa add 4096 src 2001:db8::1 dst 192.0.2.1 mode tunnel enc null
expect 1 'given twice' $SA enc aes128-gcm encKey $K20 src 192.0.2.9
expect 1 'bad mode "bus"' ipsec sa add 4096 src 192.0.2.1 dst 192.0.2.2 mode bus enc null
expect 1 'bad enc "aes-gcm"' $SA enc aes-gcm encKey $K20
expect 1 'bad encKey: 16 bytes' $SA enc aes128-gcm encKey $K16
expect 1 'bad encKey: 20 bytes' $SA enc aes256-gcm encKey $K20
expect 1 'bad encKey: 32 bytes' $SA enc chacha20-poly1305 encKey $K32
expect 1 'bad encKey: 16 bytes' $SA enc aes256-cbc encKey $K16 auth hmac-sha1 authKey $K20
expect 1 'bad encKey: 16 bytes' $SA enc 3des-cbc encKey $K16 auth hmac-sha1 authKey $K20
expect 1 'bad encKey: not a hex string' $SA enc aes128-gcm encKey xyz0
expect 1 'bad encKey: 3 hex digits' $SA enc aes128-gcm encKey abc
expect 1 'bad encKey: enc null takes no key' $SA enc null encKey $K16 auth hmac-sha1 authKey $K20
expect 1 'missing encKey' $SA enc aes128-gcm
expect 1 'bad auth "hmac-sha1"' $SA enc aes128-gcm encKey $K20 auth hmac-sha1 authKey $K20
expect 1 'bad authKey' $SA enc aes128-gcm encKey $K20 authKey $K20
expect 1 'missing auth' $SA enc aes128-cbc encKey $K16
expect 1 'bad auth "none"' $SA enc null auth none
expect 1 'bad auth "md5"' $SA enc null auth md5
expect 1 'missing authKey' $SA enc null auth hmac-sha1
expect 1 'bad authKey: 20 bytes' $SA enc null auth hmac-sha384 authKey $K20
expect 1 'bad replayWindow "4097"' $SA enc aes128-gcm encKey $K20 replayWindow 4097
expect 1 'bad hardBytes "1e9"' $SA enc aes128-gcm encKey $K20 hardBytes 1e9
expect 1 'bad softSeconds "10"' $SA enc aes128-gcm encKey $K20 softSeconds 10 hardSeconds 5
expect 1 'unknown keyword "foo"' $SA enc aes128-gcm encKey $K20 foo 1
expect 1 'missing value after "encKey"' $SA enc aes128-gcm encKey
expect 1 'missing "dst ADDR"' ipsec sa add 4096 src 192.0.2.1 mode tunnel enc null
expect 1 'bad rule ID "0"' ipsec rule add 0 action pass
expect 1 'bad rule ID "x"' ipsec rule del x
expect 1 'bad local "10.0.0.1/8"' ipsec rule add 1 local 10.0.0.1/8 action pass
expect 1 'bad remote "10.0.0.0/40"' ipsec rule add 1 remote 10.0.0.0/40 action pass
expect 1 'bad proto "gre"' ipsec rule add 1 proto gre action pass
expect 1 'bad proto "256"' ipsec rule add 1 proto 256 action pass
expect 1 'bad lport "80"' ipsec rule add 1 proto icmp lport 80 action pass
expect 1 'bad rport "80"' ipsec rule add 1 rport 80 action pass
expect 1 'bad lport "2-1"' ipsec rule add 1 proto tcp lport 2-1 action pass
expect 1 'bad rport "65536"' ipsec rule add 1 proto tcp rport 65536 action pass
expect 1 'bad action "allow"' ipsec rule add 1 action allow
expect 1 'missing "action ACTION"' ipsec rule add 1
expect 1 'missing peer' ipsec rule add 1 action protect spiOut 4096 spiIn 4097
expect 1 'missing spiIn' ipsec rule add 1 action protect peer 192.0.2.2 spiOut 4096
expect 1 'bad spiOut "1"' ipsec rule add 1 action protect peer 192.0.2.2 spiOut 1 spiIn 4097
expect 1 'bad spiIn "4096"' ipsec rule add 1 action pass spiIn 4096
expect 1 'bad replayWindow "-1"' ipsec replayWindow -1
expect 1 'bad maxSas "0"' ipsec maxSas 0
expect 1 'bad maxSas "1048577"' ipsec maxSas 1048577
expect 1 'bad dropLog "yes"' ipsec dropLog yes
expect 1 'unknown command "foo"' ipsec foo
expect 1 'unknown command "quit"' quit
expect 1 'incomplete command "ipsec show"' ipsec show
expect 1 'unknown keyword "x"' ipsec show sa x
$V -x >/dev/null 2>&1; [ $? = 1 ] && ok || bad "unknown option: rc != 1"
$V -f /nonexistent/x >/dev/null 2>"$TMP/err"; [ $? = 1 ] && grep -q /nonexistent/x "$TMP/err" && ok || bad "-f missing file"

# --- '?' help in one-shot mode ---
$V ipsec sa add 4096 enc '?' >"$TMP/out" && grep -q '^  aes128-gcm ' "$TMP/out" && ok || bad "? after enc"
$V ipsec '?' >"$TMP/out" && grep -q '^  show ' "$TMP/out" && grep -q '^  maxSas ' "$TMP/out" && ok || bad "? after ipsec"
$V ipsec rule add 1 action pass '?' >"$TMP/out" && grep -q '<Enter>' "$TMP/out" && ! grep -q '^  action' "$TMP/out" && ok || bad "? after complete rule"
$V help | grep -q 'ipsec sa add SPI src ADDR' && ok || bad "help"

# --- -f: comments, blank lines, stop at the first failure with FILE:LINE ---
cat >"$TMP/cmds" <<EOC
# SAs
ipsec sa add 0x1000 src 192.0.2.1 dst 198.51.100.2 mode tunnel enc aes128-gcm encKey $K20

   ipsec rule add 10 action pass   # trailing comment
ipsec rule add 11 action protect peer 198.51.100.2 spiOut 0x1000 spiIn 0xzz
ipsec rule add 12 action pass
EOC
$V --dry-run -f "$TMP/cmds" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc = 1 ] && grep -qxF "$TMP/cmds:5: bad spiIn \"0xzz\" (expected 256..0xffffffff, decimal or 0x hex)" "$TMP/err" &&
   grep -qx "RULE_NEW" "$TMP/out" && ! grep -q "ID u32 12" "$TMP/out"; then ok; else bad "-f: rc $rc $(cat "$TMP/err")"; fi

# --- without the module: exit 2 and a clear message ---
if ! grep -qw vgate /proc/net/genetlink 2>/dev/null && [ ! -d /sys/module/vgate ]; then
	$V ipsec show sad >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc = 2 ] && grep -qF "kernel module not loaded (generic netlink family vgate not found)" "$TMP/err" && ok || bad "no module: rc $rc $(cat "$TMP/err")"
	$V -j ipsec show global >"$TMP/out" 2>/dev/null; [ $? = 2 ] && [ ! -s "$TMP/out" ] && ok || bad "no module -j"
	$V -f "$TMP/cmds" 2>"$TMP/err" >/dev/null; [ $? = 2 ] && grep -q "cmds:2: kernel module not loaded" "$TMP/err" && ok || bad "no module -f: $(cat "$TMP/err")"
fi

# --- output formats on canned data ---
for w in sa sad rule global replayWindow maxSas dropLog; do
	$ST -j $w >"$TMP/out" && python3 -m json.tool <"$TMP/out" >/dev/null && ok || bad "JSON of show $w"
	$ST $w >/dev/null && ok || bad "table of show $w"
done
$ST -j escape | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["s"] == "".join(map(chr, range(1, 32))) + "\"\\/\x7f\xe9", d' && ok || bad "JSON escaping"
$ST -j global | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["drops"]["no_route"] == 13 and d["sas"] == 10' && ok || bad "global JSON"
$ST -j sa | python3 -c '
import json,sys
d = json.load(sys.stdin)
assert [b["id"] for b in d] == [10, 20], d
assert d[0]["bytes_in"] == 420 and d[0]["bytes_out"] == 588 and d[0]["packets_in"] == 5 and d[0]["packets_out"] == 7
assert d[1]["flags"] == ["weak", "expired", "missing-sa"], d[1]
assert d[1]["rport"] == {"min": 8000, "max": 8080}' && ok || bad "show sa JSON content"
$ST sad | grep -q '^0x00002000 .*3des-cbc .* weak,expired' && ok || bad "3des flagged weak"
$ST -j sad | grep -qi key && bad "key in SAD output" || ok

# --- interactive shell: TAB completion and '?' through a pty ---
if command -v python3 >/dev/null; then
	python3 tests/pty_test.py "$V" && ok || bad "interactive shell"
fi

echo "$n tests, $fail failed"
[ $fail = 0 ]
