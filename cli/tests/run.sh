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
	lport 500 rport 1000-2000 action protect peer branch1 \
	spiOut 0x1000 spiIn 0x1001 -- "RULE_NEW" "    ID u32 10" \
	"    STAGE u8 2" "    PEER_NAME str \"branch1\"" \
	"    LOCAL addr 10.1.0.0" "    LOCAL_PLEN u8 16" "    REMOTE_PLEN u8 24" \
	"    PROTO u8 17" "    LPORT_MIN u16 500" "    LPORT_MAX u16 500" \
	"    RPORT_MIN u16 1000" "    RPORT_MAX u16 2000" "    ACTION u8 3" \
	"    SPI_OUT u32 4096" "    SPI_IN u32 4097"
# rules: stages, ranges, hosts, IPv6, dynamic entries, selfTraffic
request ipsec rule add 11 local 10.1.0.5 remote 10.2.0.1-10.2.0.9 action drop -- \
	"    STAGE u8 1" "    LOCAL addr 10.1.0.5" "    REMOTE addr 10.2.0.1" \
	"    REMOTE_END addr 10.2.0.9" "    ACTION u8 2"
request ipsec rule add 12 post local fd00::/16 remote fd00:1::1-fd00:1::ff proto udplite rport 5000 action pass -- \
	"    FAMILY u16 10" "    STAGE u8 3" "    LOCAL addr fd00::" "    LOCAL_PLEN u8 16" \
	"    REMOTE_END addr fd00:1::ff" "    PROTO u8 136"
request ipsec rule add 13 peer b-1 local 10.1.0.0/24 action protect selfTraffic on -- \
	"    STAGE u8 2" "    PEER_NAME str \"b-1\"" "    FLAGS u32 1" "    ACTION u8 3"
request ipsec rule add 14 pre family ipv6 proto dont-verify action drop -- "    FAMILY u16 10" "    ACTION u8 2"
request ipsec rule add 15 local 10.0.0.1/32 remote 0.0.0.0/0 action pass -- "    LOCAL addr 10.0.0.1"
$V --dry-run ipsec rule add 15 local 10.0.0.1/32 remote 0.0.0.0/0 action pass | grep -q 'PLEN\|REMOTE' && bad "host /32 and /0 are sent as host and any" || ok
$V --dry-run ipsec rule add 16 action drop 2>/dev/null | grep -q 'PROTO\|LOCAL\|REMOTE\|FLAGS' && bad "defaults: nothing but ID, FAMILY, STAGE, ACTION" || ok
# peers
request ipsec peer add branch1 addr 192.0.2.2 descr Branch-1 admin dialup -- \
	"PEER_GET dump" "PEER_NEW" "    ID u32 1" "    NAME str \"branch1\"" \
	"    DESCR str \"Branch-1\"" "    FAMILY u16 2" "    ADDR addr 192.0.2.2" "    ADMIN u8 3"
request ipsec peer add v6 id 9 addr fd00::2 virtual yes spiOut 0x1000 spiIn 0x1001 -- \
	"    ID u32 9" "    FAMILY u16 10" "    ADDR addr fd00::2" "    VIRTUAL u8 1" \
	"    SPI_OUT u32 4096" "    SPI_IN u32 4097"
request ipsec peer add lh id 3 addr localhost -- "    HOSTNAME str \"localhost\""
request ipsec peer add hn id 3 addr 198.51.100.7 hostname no-such-host.invalid -- \
	"    ADDR addr 198.51.100.7" "    HOSTNAME str \"no-such-host.invalid\""
expect 1 'bad addr "gw.invalid" (with hostname: an IPv4 or IPv6 address)' \
	ipsec peer add hn id 3 addr gw.invalid hostname gw.invalid
request ipsec peer add p6 id 4 addr fd00::9 propagatePmtu on -- "    FAMILY u16 10" "    PROPAGATE_PMTU u8 1"
request ipsec peer add p7 id 5 addr 192.0.2.9 propagatePmtu off -- "    PROPAGATE_PMTU u8 0"
$V --dry-run ipsec peer add p8 id 6 addr 192.0.2.9 2>/dev/null | grep -q PROPAGATE_PMTU && bad "propagatePmtu not sent unless given" || ok
expect 1 'bad propagatePmtu "yes"' ipsec peer add p9 addr 192.0.2.9 propagatePmtu yes
request ipsec peer set branch1 id 1 addr 192.0.2.3 admin down -- "PEER_SET" "    ID u32 1" "    ADMIN u8 2"
request ipsec peer del branch1 -- "PEER_DEL" "    NAME str \"branch1\""
request ipsec peer flush -- "PEER_FLUSH"
request ipsec peer block branch1 60 -- "PEER_SET" "    OPER u8 3" "    BLOCK_SECONDS u32 60"
request ipsec show peer -- "PEER_GET dump"
request ipsec show peer branch1 -- "PEER_GET" "    NAME str \"branch1\""
# knobs
request ipsec swSkipOverlapIp on -- "CONFIG_SET" "    SWSKIP_OVERLAP u8 1"
request ipsec swSkipOverlapIp -- "CONFIG_GET"
request ipsec postDefault drop -- "    POST_DEFAULT u8 2"
request ipsec postDefault pass -- "    POST_DEFAULT u8 1"
request ipsec acquireTimeout 600 -- "    ACQUIRE_TIMEOUT u32 600"
request ipsec acquireQueue 0 -- "    ACQUIRE_QUEUE u32 0"
request ipsec nattKeepalive 0 -- "    NATT_KEEPALIVE u32 0"
expect 1 'bad nattKeepalive "3601"' ipsec nattKeepalive 3601

# --- NAT traversal: encap udp, the NAT-T socket ---
request $SA enc aes128-gcm encKey $K20 encap udp -- "    ENCAP nest" \
	"      TYPE u8 1" "      SPORT u16 4500" "      DPORT u16 4500"
request $SA enc aes128-gcm encKey $K20 encap udp sport 4500 dport 31337 -- \
	"      SPORT u16 4500" "      DPORT u16 31337"
request ipsec sa add 0x1000 src 192.0.2.1 dst 198.51.100.2 mode transport enc aes128-gcm encKey $K20 encap udp natOa 10.0.0.7 -- "      OA addr 10.0.0.7"
expect 1 'bad natOa "10.0.0.7" (transport mode only)' $SA enc aes128-gcm encKey $K20 encap udp natOa 10.0.0.7
expect 1 'bad sport "4500" (needs encap udp)' $SA enc aes128-gcm encKey $K20 sport 4500
expect 1 'bad natOa "10.0.0.7" (needs encap udp)' ipsec sa add 0x1000 src 192.0.2.1 dst 198.51.100.2 mode transport enc aes128-gcm encKey $K20 natOa 10.0.0.7
expect 1 'bad encap "tcp"' $SA enc aes128-gcm encKey $K20 encap tcp
expect 1 'bad dport "0"' $SA enc aes128-gcm encKey $K20 encap udp dport 0
expect 1 'bad dport "65536"' $SA enc aes128-gcm encKey $K20 encap udp dport 65536
request ipsec natt socket -- "ENCAP_SOCK_SET" "  ENCAP_SOCK nest" "    PORT u16 4500"
request ipsec natt socket port 4600 -- "    PORT u16 4600"
request ipsec natt release -- "ENCAP_SOCK_DEL"
expect 1 'bad port "0"' ipsec natt socket port 0
expect 1 '' ipsec natt socket port 4500 extra
# explain
request ipsec explain 10.1.0.5 10.2.0.9 proto tcp sport 1234 port 80 in --iterations 1000 -- \
	"EXPLAIN" "    FAMILY u16 2" "    SRC addr 10.1.0.5" "    DST addr 10.2.0.9" "    PROTO u8 6" \
	"    SPORT u16 1234" "    DPORT u16 80" "    DIR u8 2" "    ITERATIONS u32 1000"
request ipsec explain fd00::1 fd00::2 -- "    FAMILY u16 10"
request config show -- "CONFIG_GET" "PEER_GET dump" "RULE_GET dump"
request ipsec sa add 0x1000 src 192.0.2.1 dst 198.51.100.2 mode tunnel enc aes128-gcm encKey $K20 reqid 20 -- "    REQID u32 20"
request ipsec rule set 7 local any remote any proto any action drop -- "RULE_SET" "    ACTION u8 2"
request ipsec rule add 8 proto sctp rport 9 action pass -- "    PROTO u8 132"
request ipsec rule del 7 -- "RULE_DEL" "    ID u32 7"
request ipsec rule flush -- "RULE_FLUSH"
request ipsec show sa -- "RULE_GET dump" "SA_GET dump"
request ipsec show sad -- "SA_GET dump"
request ipsec show rule -- "RULE_GET dump" "PEER_GET dump" "CONFIG_GET"
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
expect 1 'bad dst "192.0.2.1" (address family differs' ipsec sa add 4096 src fd00::1 dst 192.0.2.1 mode tunnel enc null
expect 1 'bad dst "fd00::2" (address family differs' ipsec sa add 4096 src 192.0.2.1 dst fd00::2 mode tunnel enc null
request ipsec sa add 0x1000 src fd00::1 dst fd00::2 mode transport enc aes128-gcm encKey $K20 -- "SA_NEW" \
	"    FAMILY u16 10" "    SRC addr fd00::1" "    DST addr fd00::2" "    MODE u8 1"
request ipsec sa del 0x1000 dst fd00::2 -- "SA_DEL" "    FAMILY u16 10" "    DST addr fd00::2"
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
expect 1 'bad action "protect" (only a peer' ipsec rule add 1 action protect spiOut 4096 spiIn 4097
expect 1 'bad action "protect"' ipsec rule add 1 post action protect
expect 1 'bad stage "post"' ipsec rule add 1 pre post action drop
expect 1 'bad stage "peer"' ipsec rule add 1 pre peer b1 action drop
expect 1 'bad peer "192.0.2.2" (an address, not a peer name' ipsec rule add 1 action protect peer 192.0.2.2 spiOut 4096 spiIn 4097
expect 1 'bad peer "a b"' ipsec rule add 1 peer "a b" action pass
expect 1 'missing spiIn' ipsec rule add 1 peer b1 action protect spiOut 4096
expect 1 'missing spiOut' ipsec rule add 1 peer b1 action protect spiIn 4096
expect 1 'bad spiOut "1"' ipsec rule add 1 peer b1 action protect spiOut 1 spiIn 4097
expect 1 'bad remote "10.0.0.1" (IPv4, but "fd00::/16" is IPv6)' ipsec rule add 1 local fd00::/16 remote 10.0.0.1 action drop
expect 1 'bad local "10.0.0.1-fd00::1" (range mixes IPv4 and IPv6)' ipsec rule add 1 local 10.0.0.1-fd00::1 action drop
expect 1 'bad local "10.0.0.9-10.0.0.1" (range start above its end)' ipsec rule add 1 local 10.0.0.9-10.0.0.1 action drop
expect 1 'bad remote "fd00::9-fd00::1" (range start above its end)' ipsec rule add 1 remote fd00::9-fd00::1 action drop
expect 1 'bad local "10.0.0.1-10.0.0"' ipsec rule add 1 local 10.0.0.1-10.0.0 action drop
expect 1 'bad family "ipv4" ("fd00::1" is IPv6)' ipsec rule add 1 local fd00::1 family ipv4 action drop
expect 1 'bad family "inet"' ipsec rule add 1 family inet action drop
expect 1 'bad lport "80" (ports need proto tcp, udp, udplite or sctp)' ipsec rule add 1 proto 47 lport 80 action drop
expect 1 'bad selfTraffic "yes"' ipsec rule add 1 selfTraffic yes action drop
expect 1 'bad descr' ipsec rule add 1 descr "$(printf 'a\tb')" action drop
expect 1 'bad peer name "-x!"' ipsec peer add -x! addr 192.0.2.1
expect 1 'bad peer name "abcdefghijabcdefghijabcdefghijab"' ipsec peer add abcdefghijabcdefghijabcdefghijab addr 192.0.2.1
expect 1 'bad peer name "192.0.2.1" (an address' ipsec peer add 192.0.2.1 addr 192.0.2.1
expect 1 'missing "addr ADDR|HOSTNAME"' ipsec peer add b1
expect 1 'bad addr "gw!"' ipsec peer add b1 addr gw!
expect 1 'bad peer ID "0"' ipsec peer add b1 id 0 addr 192.0.2.1
expect 1 'bad admin "off"' ipsec peer add b1 addr 192.0.2.1 admin off
expect 1 'bad spiOut "4096" (only with virtual yes)' ipsec peer add b1 addr 192.0.2.1 spiOut 4096 spiIn 4097
expect 1 'missing spiIn' ipsec peer add b1 addr 192.0.2.1 virtual yes spiOut 4096
expect 1 'bad SECONDS "0"' ipsec peer block b1 0
expect 1 'bad SECONDS "86401"' ipsec peer block b1 86401
expect 1 'missing SECONDS' ipsec peer block b1
expect 1 'bad swSkipOverlapIp "yes"' ipsec swSkipOverlapIp yes
expect 1 'bad postDefault "protect"' ipsec postDefault protect
expect 1 'bad acquireTimeout "0"' ipsec acquireTimeout 0
expect 1 'bad acquireTimeout "601"' ipsec acquireTimeout 601
expect 1 'bad acquireQueue "1025"' ipsec acquireQueue 1025
expect 1 'bad DST "fd00::1" (IPv6, but SRC "10.0.0.1" is IPv4)' ipsec explain 10.0.0.1 fd00::1
expect 1 'bad sport "80" (ports need proto' ipsec explain 10.0.0.1 10.0.0.2 sport 80
expect 1 'bad port "80" (port is dport' ipsec explain 10.0.0.1 10.0.0.2 proto tcp dport 80 port 80
expect 1 'bad direction' ipsec explain 10.0.0.1 10.0.0.2 in out
expect 1 'bad --iterations "0"' ipsec explain 10.0.0.1 10.0.0.2 --iterations 0
expect 1 'bad --iterations "1000001" (expected 1..1000000)' ipsec explain 10.0.0.1 10.0.0.2 --iterations 1000001
expect 1 'bad --iterations "10000000" (expected 1..1000000)' ipsec explain 10.0.0.1 10.0.0.2 --iterations 10000000
request ipsec explain 10.0.0.1 10.0.0.2 --iterations 1000000 -- "    ITERATIONS u32 1000000"
expect 1 'missing DST' ipsec explain 10.0.0.1
expect 1 'missing FILE' config save
expect 1 'bad reqid "0"' $SA enc aes128-gcm encKey $K20 reqid 0
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

# --- --version: the tree's one version (../VERSION), as the modules' ---
ver=$(cat ../VERSION)
[ -n "$ver" ] && [ "$($V --version)" = "vgate $ver" ] && [ "$($V -V)" = "vgate $ver" ] && ok || bad "--version, -V: want 'vgate $ver'"
$V -V ipsec show sa >"$TMP/out" 2>"$TMP/err"; [ $? = 0 ] && [ "$(cat "$TMP/out")" = "vgate $ver" ] && [ ! -s "$TMP/err" ] && ok || bad "-V before a command: the version only"
$V --help | grep -q -- '-V ' && ok || bad "--help lists -V"
# The modules, when built (make modules): modinfo shows the same version.
if command -v modinfo >/dev/null; then
	for ko in ../vgate.ko ../vgate_garp.ko ../vgate_bwm.ko; do
		[ -f "$ko" ] || continue
		[ "$(modinfo -F version "$ko")" = "$ver" ] && ok || bad "$ko: modinfo version '$(modinfo -F version "$ko")', want '$ver'"
	done
fi

# --- a bad option: one line naming it and a hint, exit 1 (bad usage), no usage ---
# badopt WANT-LINE ARGS...
badopt() {
	want=$1
	shift
	$V "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	got=$?
	if [ $got = 1 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" = 2 ] &&
		[ "$(sed -n 1p "$TMP/err")" = "$want" ] &&
		[ "$(sed -n 2p "$TMP/err")" = "try 'vgate --help'" ]; then
		ok
	else
		bad "vgate $* -> rc $got, stderr '$(cat "$TMP/err")', want rc 1, '$want' and the hint"
	fi
}
badopt 'vgate: unknown option "--bogus"' --bogus
badopt 'vgate: unknown option "-Z"' -Z
badopt 'vgate: unknown option "-Z"' -jZ ipsec show sa
badopt 'vgate: unknown option "--bogus=1"' --bogus=1
badopt 'vgate: option "--json" takes no value' --json=1
badopt 'vgate: option "-f" needs a value' -f
badopt 'vgate: option "--file" needs a value' --file
$V --help >"$TMP/out" 2>"$TMP/err" && grep -q '^Usage: vgate' "$TMP/out" && grep -q '^Commands:' "$TMP/out" && [ ! -s "$TMP/err" ] && ok || bad "--help: the usage on stdout, exit 0"
$V -h >"$TMP/h" && cmp -s "$TMP/h" "$TMP/out" && ok || bad "-h differs from --help"

# --- '?' help in one-shot mode ---
$V ipsec sa add 4096 enc '?' >"$TMP/out" && grep -q '^  aes128-gcm ' "$TMP/out" && ok || bad "? after enc"
$V ipsec '?' >"$TMP/out" && grep -q '^  show ' "$TMP/out" && grep -q '^  maxSas ' "$TMP/out" && ok || bad "? after ipsec"
$V ipsec rule add 1 action pass '?' >"$TMP/out" && grep -q '<Enter>' "$TMP/out" && ! grep -q '^  action' "$TMP/out" && ok || bad "? after complete rule"
$V help | grep -q 'ipsec sa add SPI src ADDR' && ok || bad "help"
$V help | grep -qF 'ipsec rule add ID [pre] [peer NAME] [post] [descr TEXT]' && ! $V help | grep -q -- '--iterations' && ok || bad "help: rule grammar, hidden --iterations"
# "vgate COMMAND... help" prints what "?" prints there; "help" alone is the
# command (the usage); where a value may come, "help" is that value.
for w in "ipsec" "bm" "ipsec sa" "ip arp ackGratuitous" "bm class eth0" "ipsec sa add 0x1000" "ipsec sa flush" "config"; do
	# shellcheck disable=SC2086
	$V $w help >"$TMP/h" 2>&1 && $V $w '?' >"$TMP/q" 2>&1 && [ -s "$TMP/h" ] && cmp -s "$TMP/h" "$TMP/q" && ok || bad "vgate $w help differs from vgate $w ?: $(diff "$TMP/q" "$TMP/h")"
done
$V help >"$TMP/h" && grep -q '^Usage: vgate' "$TMP/h" && grep -q '^Commands:' "$TMP/h" && ok || bad "vgate help: the usage"
request ipsec peer del help -- "PEER_DEL" '    NAME str "help"'
request ipsec show peer help -- '    NAME str "help"'
request ipsec rule add 7 action pass descr help -- '    DESCR str "help"'
expect 1 '"bogus"' ipsec bogus help
printf 'ipsec sa flush help\n' >"$TMP/hf"
$V --dry-run -f "$TMP/hf" >"$TMP/out" 2>"$TMP/err"; [ $? = 1 ] && ! grep -q SA_FLUSH "$TMP/out" && ok || bad "-f: a trailing help is a word like any other"
$V ipsec explain 10.0.0.1 10.0.0.2 '?' >"$TMP/out" && grep -q '^  dport ' "$TMP/out" && ! grep -q iterations "$TMP/out" && ok || bad "? after explain"
$V ipsec rule add 1 '?' >"$TMP/out" && grep -q '^  pre ' "$TMP/out" && grep -q '^  peer ' "$TMP/out" && grep -q '^  selfTraffic ' "$TMP/out" && ok || bad "? after rule add ID"

# --- -f: the whole file is parsed first; a bad line sends nothing ---
cat >"$TMP/cmds" <<EOC
# SAs
ipsec sa add 0x1000 src 192.0.2.1 dst 198.51.100.2 mode tunnel enc aes128-gcm encKey $K20

   ipsec rule add 10 action pass   # trailing comment
ipsec rule add 11 peer b1 action protect spiOut 0x1000 spiIn 0xzz
ipsec rule add 12 action pass
EOC
$V --dry-run -f "$TMP/cmds" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc = 1 ] && grep -qxF "$TMP/cmds:5: bad spiIn \"0xzz\" (expected 256..0xffffffff, decimal or 0x hex)" "$TMP/err" &&
   [ ! -s "$TMP/out" ]; then ok; else bad "-f: rc $rc $(cat "$TMP/err") $(cat "$TMP/out")"; fi

# --- -f: "?" is a word like any other (config save writes descr "?"),
# not a help request that would skip the line ---
printf '%s\n' 'ipsec peer add hq addr 192.0.2.2 descr "?"' 'ipsec rule add 7 descr "?" action pass' >"$TMP/q"
$V --dry-run -f "$TMP/q" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && [ "$(grep -c 'DESCR str "?"' "$TMP/out")" = 2 ] && grep -qxF '    ID u32 7' "$TMP/out" &&
	! grep -q '<Enter>' "$TMP/out" && ok || bad "-f descr \"?\": rc $rc $(cat "$TMP/err") $(cat "$TMP/out")"
printf 'ipsec sa ?\n' >"$TMP/q"
$V --dry-run -f "$TMP/q" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 1 ] && grep -qF "$TMP/q:1: unknown command \"?\"" "$TMP/err" && [ ! -s "$TMP/out" ] && ok || bad "-f ipsec sa ?: rc $rc $(cat "$TMP/err") $(cat "$TMP/out")"

# --- -f: one transaction per family for the configuration (SAs included,
# in file order), the rest after the commits ---
cat >"$TMP/good" <<'EOC'
ipsec sa add 0x1000 src 192.0.2.1 dst 198.51.100.2 mode tunnel enc aes128-gcm encKey 000102030405060708090a0b0c0d0e0f10111213
ipsec peer add hq addr 192.0.2.2 descr "Head office # 1"
ipsec peer add b2 addr 192.0.2.3
ipsec peer set hq addr 192.0.2.4 descr "say \"hi\" \\ bye"
ipsec rule add 10 peer hq local 10.1.0.0/16 action protect
ipsec show sad
ipsec postDefault drop
EOC
$V --dry-run -f "$TMP/good" >"$TMP/out" 2>"$TMP/err"
rc=$?
grep -v '^ ' "$TMP/out" | tr '\n' ' ' >"$TMP/seq"
[ $rc = 0 ] && grep -qxF "TXN_BEGIN SA_NEW PEER_GET dump PEER_NEW PEER_NEW PEER_SET RULE_NEW CONFIG_SET TXN_COMMIT SA_GET dump " "$TMP/seq" &&
	ok || bad "-f transaction order: rc $rc $(cat "$TMP/seq") $(cat "$TMP/err")"
awk '/^PEER_NEW/{p=1} p && /ID u32/{print; p=0}' "$TMP/out" | tr -d ' ' | tr '\n' ' ' | grep -qx "IDu321 IDu322 " && ok || bad "-f: peer IDs counted locally: $(cat "$TMP/out")"
awk '/^PEER_SET/{p=1} p' "$TMP/out" | grep -qxF '    ID u32 1' && ok || bad "-f: peer set finds the ID of a peer added by the file"
grep -qxF '    DESCR str "Head office # 1"' "$TMP/out" && grep -qxF '    DESCR str "say "hi" \ bye"' "$TMP/out" && ok || bad "-f: quoted words: $(grep DESCR "$TMP/out")"

# --- set changes only the fields given (issue 14): the parse-time checks;
# dry run alone: only the given fields; in a file: onto the file's object ---
request ipsec rule set 10 action drop -- "RULE_SET" "    ID u32 10" "    ACTION u8 2"
$V --dry-run ipsec rule set 10 action drop >"$TMP/out" 2>"$TMP/err"
! grep -qE 'STAGE|FAMILY|LOCAL|PEER_NAME' "$TMP/out" && ok || bad "dry-run rule set sends only the given fields: $(cat "$TMP/out")"
request ipsec rule set 10 lport any spiOut none spiIn none -- "RULE_SET" "    ID u32 10"
expect 1 'bad spiOut "0x1000" (only with action protect)' ipsec rule set 10 action drop spiOut 0x1000
expect 1 'bad lport "22" (ports need proto tcp, udp, udplite or sctp)' ipsec rule set 10 proto icmp lport 22
expect 1 'bad action "protect" (only a peer' ipsec rule set 10 pre action protect
expect 1 'bad lport "any"' ipsec rule add 10 lport any action pass
expect 1 'bad spiOut "none"' ipsec rule add 10 peer hq action protect spiOut none spiIn none
expect 1 'missing "action ACTION"' ipsec rule add 10 pre
expect 1 'bad hostname "gw.example" (only with addr ADDR)' ipsec peer set hq hostname gw.example
expect 1 'bad spiOut "0x2000" (only with virtual yes)' ipsec peer set hq virtual no spiOut 0x2000
request ipsec peer set hq admin down -- "PEER_SET" "    NAME str \"hq\"" "    ADMIN u8 2"
cat >"$TMP/set" <<'EOC'
ipsec peer add hq addr 192.0.2.2 descr "head office"
ipsec rule add 10 peer hq local 10.1.0.0/16 remote 10.9.0.0/16 proto tcp lport 22 action protect spiOut 0x1000 spiIn 0x1001 descr ssh
ipsec rule set 10 descr "ssh to hq"
ipsec peer set hq admin down
EOC
$V --dry-run -f "$TMP/set" >"$TMP/out" 2>"$TMP/err"
rc=$?
awk '/^RULE_SET/{p=1} p' "$TMP/out" >"$TMP/rs"
[ $rc = 0 ] && grep -qxF '    DESCR str "ssh to hq"' "$TMP/rs" &&
	grep -qxF '    PEER_NAME str "hq"' "$TMP/rs" && grep -qxF '    SPI_OUT u32 4096' "$TMP/rs" &&
	grep -qxF '    LOCAL_PLEN u8 16' "$TMP/rs" && grep -qxF '    LPORT_MIN u16 22' "$TMP/rs" &&
	grep -qxF '    ACTION u8 3' "$TMP/rs" && ok || bad "-f: rule set overlays onto the file's rule: rc $rc $(cat "$TMP/rs") $(cat "$TMP/err")"
awk '/^PEER_SET/{p=1} p' "$TMP/out" | grep -qxF '    DESCR str "head office"' && ok || bad "-f: peer set keeps the file's descr: $(cat "$TMP/out")"
printf 'ipsec rule add 10 peer hq action protect spiOut 0x1000 spiIn 0x1001\nipsec rule set 10 action drop\n' >"$TMP/set"
$V --dry-run -f "$TMP/set" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 1 ] && grep -qF "$TMP/set:2: bad action \"drop\" (the rule has spiOut 0x00001000: SPIs and CPIs only with action protect; give spiOut none spiIn none too)" "$TMP/err" &&
	! grep -q RULE_SET "$TMP/out" && ok || bad "-f: rule set checked on the file's rule: rc $rc $(cat "$TMP/err")"
printf 'ipsec rule add 10 pre action pass\nipsec rule del 10\nipsec rule set 10 descr x\n' >"$TMP/set"
$V --dry-run -f "$TMP/set" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 1 ] && grep -qF "$TMP/set:3: no rule with ID 10 (deleted before)" "$TMP/err" && ok || bad "-f: rule set after rule del: rc $rc $(cat "$TMP/err")"

# --- -f: consecutive rule adds go in batches of at most 64 per RULE_NEW ---
# (other configuration lines end a batch; show commands run after the commit)
{
	for i in $(seq 1 70); do echo "ipsec rule add $i peer p1 remote 10.9.$i.0/24 action drop"; done
	echo "ipsec show sad"
	for i in $(seq 71 99); do echo "ipsec rule add $i peer p1 remote 10.9.$i.0/24 action drop"; done
	echo "ipsec peer add p2 addr 192.0.2.9"
	for i in $(seq 100 149); do echo "ipsec rule add $i post remote 10.9.$i.0/24 action drop"; done
} >"$TMP/batch"
$V --dry-run -f "$TMP/batch" >"$TMP/out" 2>"$TMP/err"
rc=$?
awk '/^[A-Z]/ { if (c != "") printf "%s ", c; c = $0; n = 0 } /^  RULE nest/ { n++; c = "RULE_NEW(" n ")" }
     END { print c }' "$TMP/out" >"$TMP/seq"
[ $rc = 0 ] && grep -qxF "TXN_BEGIN RULE_NEW(64) RULE_NEW(35) PEER_GET dump PEER_NEW RULE_NEW(50) TXN_COMMIT SA_GET dump" "$TMP/seq" &&
	awk '/^RULE_NEW/{m++} m == 2 && /ID u32/ { print $3 }' "$TMP/out" | tr '\n' ' ' | grep -q "^65 66 67 68 69 70 71 72 " &&
	ok || bad "-f batches: rc $rc $(cat "$TMP/seq") $(cat "$TMP/err")"

# --- shadow check: not pairwise; 20k rules within a second ---
for kind in nets ports wide; do
	out=$($ST shadow 20000 $kind)
	want=$(case $kind in nets) echo 20 ;; ports) echo 0 ;; wide) echo -1 ;; esac)
	set -- $out
	[ "$2" = "$want" ] && awk -v t="$4" 'BEGIN { exit !(t < 1.0) }' && ok || bad "shadow check of 20000 rules ($kind): '$out', want shadowed $want in < 1 s"
done
python3 - "$TMP/big" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write("ipsec rule add %d peer p1 local 10.1.0.0/24 remote 10.%d.%d.0/24 action drop\n"
                % (i + 1, 128 + i // 256, i % 256))
    f.write("ipsec rule add 20001 post local 10.1.0.0/24 remote 10.130.5.128/25 action pass\n")
    f.write("ipsec rule add 20002 post remote 10.0.0.1-10.255.255.254 action pass\n")
    for i in range(7000):
        f.write("ipsec rule add %d post remote 11.0.%d.%d-11.15.255.%d action pass\n"
                % (30000 + i, 100 - i // 250, 250 - i % 250, 250 - i % 250))
PY
head -20002 "$TMP/big" >"$TMP/big1"
$V --dry-run -f "$TMP/big1" >/dev/null 2>"$TMP/err"
[ $? = 0 ] && [ "$(grep -c warning "$TMP/err")" = 1 ] && grep -qxF "warning: rule 20001 is shadowed by rule 518 (never matches): post rule 20001 comes after entry 518 of peer p1, which covers it" "$TMP/err" &&
	ok || bad "-f 20000 rules, one shadowed: $(head -3 "$TMP/err")"
$V --dry-run -f "$TMP/big" >/dev/null 2>"$TMP/err"
[ $? = 0 ] && grep -qxF "note: shadow check skipped (27002 rules): too many rules with overlapping selectors to compare" "$TMP/err" &&
	! grep -q "^warning: rule .* shadowed" "$TMP/err" && ok || bad "-f 27002 rules, the check gives up: $(head -3 "$TMP/err")"

# --- warnings (dry-run checks the rules the invocation sent) ---
# (self warnings depend on this host's addresses: selfTraffic on / pass keep them out)
$V --dry-run ipsec rule add 10 action drop selfTraffic on >/dev/null 2>"$TMP/err"; [ ! -s "$TMP/err" ] && ok || bad "no warning for one rule: $(cat "$TMP/err")"
# shadowing needs the earlier rule to have every flag of the later one
printf '%s\n' "ipsec rule add 40 local 172.16.0.0/16 action drop" "ipsec rule add 41 local 172.16.1.0/24 action drop selfTraffic on" \
	"ipsec rule add 50 local 172.17.0.0/16 action drop selfTraffic on" "ipsec rule add 51 local 172.17.1.0/24 action drop" \
	"ipsec rule add 52 local 172.17.2.0/24 action drop selfTraffic on" >"$TMP/w"
$V --dry-run -f "$TMP/w" >/dev/null 2>"$TMP/err"
! grep -qF 'rule 41 is shadowed' "$TMP/err" && grep -qF 'warning: rule 51 is shadowed by rule 50 (never matches)' "$TMP/err" &&
grep -qF 'warning: rule 52 is shadowed by rule 50 (never matches)' "$TMP/err" && ok || bad "shadow and selfTraffic: $(cat "$TMP/err")"
printf '%s\n' "ipsec rule add 10 local 10.0.0.0/8 action drop" "ipsec rule add 20 local 10.1.0.0-10.1.0.9 remote 192.0.2.0/24 action pass" \
	"ipsec rule add 5 post local 10.2.0.0/16 proto udp action pass" "ipsec rule add 30 proto tcp action pass" "ipsec rule add 31 proto tcp rport 80 action drop" \
	"ipsec rule add 32 peer p1 proto udp rport 80-81 action drop" >"$TMP/w"
$V --dry-run -f "$TMP/w" >/dev/null 2>"$TMP/err"
grep -qF 'warning: rule 20 is shadowed by rule 10 (never matches)' "$TMP/err" &&
grep -qF 'warning: rule 31 is shadowed by rule 30 (never matches)' "$TMP/err" &&
grep -qF 'warning: rule 5 is shadowed by rule 10' "$TMP/err" && ! grep -qF 'rule 32 is shadowed' "$TMP/err" &&
! grep -qF 'rule 30 is shadowed' "$TMP/err" && ok || bad "shadow warnings: $(cat "$TMP/err")"
$ST check >"$TMP/out"
grep -qxF 'warning: rule 20 is shadowed by rule 10 (never matches): entry 20 of peer branch1 comes after entry 10 of peer branch1, which covers it' "$TMP/out" &&
grep -qxF "warning: rule 110 covers the gateway's own address 10.1.0.1 (eth1): its management/DHCP traffic with directly attached hosts bypasses the rule (selfTraffic on to capture it)" "$TMP/out" &&
grep -qF 'rule 100 covers' "$TMP/out" && ! grep -qF 'rule 10 covers' "$TMP/out" && ! grep -qF 'rule 20 covers' "$TMP/out" &&
! grep -qF 'rule 30 covers' "$TMP/out" && ! grep -qF 'rule 5 covers' "$TMP/out" &&
! grep -qF 'rule 120' "$TMP/out" && [ "$(wc -l <"$TMP/out")" = 3 ] && ok || bad "check: $(cat "$TMP/out")"
# self capture: own address in local AND remote overlapping an attached network
$ST self >"$TMP/out" && ok || bad "self cases: $(cat "$TMP/out")"

# --- without the module: exit 2 and a clear message ---
if ! grep -qw vgate /proc/net/genetlink 2>/dev/null && [ ! -d /sys/module/vgate ]; then
	$V ipsec show sad >/dev/null 2>"$TMP/err"
	rc=$?
	[ $rc = 2 ] && grep -qF "kernel module not loaded (generic netlink family vgate not found)" "$TMP/err" && ok || bad "no module: rc $rc $(cat "$TMP/err")"
	$V -j ipsec show global >"$TMP/out" 2>/dev/null; [ $? = 2 ] && [ ! -s "$TMP/out" ] && ok || bad "no module -j"
	$V -f "$TMP/good" 2>"$TMP/err" >/dev/null; [ $? = 2 ] && grep -q "good: kernel module not loaded" "$TMP/err" && ok || bad "no module -f: $(cat "$TMP/err")"
fi

# --- output formats on canned data ---
for w in sa sad rule peer global natt nattKeepalive replayWindow maxSas dropLog swSkipOverlapIp postDefault acquireTimeout acquireQueue explain garp; do
	$ST -j $w >"$TMP/out" && python3 -m json.tool <"$TMP/out" >/dev/null && ok || bad "JSON of show $w"
	$ST $w >/dev/null && ok || bad "table of show $w"
done
$ST -j escape | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["s"] == "".join(map(chr, range(1, 32))) + "\"\\/\x7f\xe9", d' && ok || bad "JSON escaping"
$ST -j global | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["drops"]["no_route"] == 13 and d["sas"] == 10' && ok || bad "global JSON"
$ST -j sa | python3 -c '
import json,sys
d = json.load(sys.stdin)
assert [b["id"] for b in d] == [10, 20, 30], d
assert d[0]["bytes_in"] == 420 and d[0]["bytes_out"] == 588 and d[0]["packets_in"] == 5 and d[0]["packets_out"] == 7
assert d[0]["peer"] == "branch1" and d[0]["peer_addr"] == "198.51.100.2"
assert d[1]["flags"] == ["weak", "expired", "missing-sa"], d[1]
assert d[1]["rport"] == {"min": 8000, "max": 8080}
assert d[2]["dynamic"] and d[2]["spi_out"] == "0x00003000" and d[2]["spi_in"] is None' && ok || bad "show sa JSON content"
$ST -j rule | python3 -c '
import json,sys
d = json.load(sys.stdin)
assert [r["id"] for r in d] == [5, 10, 20, 30, 100, 110, 120], [r["id"] for r in d]
assert [r["stage"] for r in d] == ["pre", "peer", "peer", "peer", "post", "post", "post"]
assert d[1]["peer"] == "branch1" and d[1]["descr"] == "LAN to \"HQ\"" and d[1]["spi_out"] == "0x00001000"
assert d[3]["local"] == "10.1.0.1-10.1.0.99" and d[3]["dynamic"] and d[3]["self_traffic"] and d[3]["spi_in"] is None
assert d[0]["local"] == "192.0.2.1" and d[0]["remote"] == "any" and d[6]["family"] == "ipv6"' && ok || bad "show rule JSON content"
$ST rule >"$TMP/out"
awk '/^Pre IPsec rules/{a=NR} /^Peer branch1 \(ID 1, 198.51.100.2, admin up, oper up\): Branch office 1/{b=NR}
     /^Peer branch2 \(ID 2, 203.0.113.7 \(gw2.example.net\), admin dialup, oper blocked\)/{c=NR}
     /^Post IPsec rules/{d=NR} /^Post default: drop/{e=NR}
     END{exit !(a && a<b && b<c && c<d && d<e)}' "$TMP/out" && grep -q '^30 .* 10.1.0.1-10.1.0.99 .* dynamic .* self ' "$TMP/out" && ok || bad "show rule sections: $(cat "$TMP/out")"
$ST -j peer | python3 -c '
import json,sys
d = json.load(sys.stdin)
assert [p["name"] for p in d] == ["branch1", "branch2"]
assert d[1]["hostname"] == "gw2.example.net" and d[1]["oper"] == "blocked" and d[1]["admin"] == "dialup" and d[1]["entries"] == 1
assert d[0]["propagate_pmtu"] is True and d[1]["propagate_pmtu"] is False' && ok || bad "show peer JSON"
$ST peer branch2 | grep -q '^2  *branch2 .*203.0.113.7 (gw2.example.net) *dialup *blocked *- *interface *accept *1$' && ok || bad "show peer NAME"
$ST peer | grep -q '^1  *branch1 .* up *up *- *propagate *force *2$' && ok || bad "show peer PMTU column"
$ST -j global | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["drops"]["acquire_overflow"] == 14 and d["drops"]["peer_blocked"] == 16 and d["peers_blocked"] == 150 and d["overlap_skipped"] == 160' && ok || bad "global JSON new counters"
$ST -j postDefault | grep -q '"post_default": "drop"' && $ST -j swSkipOverlapIp | grep -q '"swskip_overlap": true' && ok || bad "knob JSON"
$ST explain >"$TMP/out"
cat >"$TMP/want" <<'EOW'
pre rule 5 (pass)
1000 lookups in 123456 ns: 123.5 ns/lookup
peer branch1 entry 20 (protect)
overlap skip: entry 20 of peer branch1 matched, 10.1.2.250 lies in its local range: routed in the clear
self bypass: gateway's own traffic with a directly attached host
post rule 90 (drop)
post default (drop)
peer blocked: entry 20 of peer branch1 matched, the peer is blocked: dropped
EOW
cmp -s "$TMP/out" "$TMP/want" && ok || bad "explain text: $(diff "$TMP/want" "$TMP/out")"
$ST -j explain | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["reason"] == "pre_rule" and d["rule_id"] == 5 and d["ns_per_lookup"] == 123.5 and d["text"] == "pre rule 5 (pass)"' && ok || bad "explain JSON"

# --- config save: the formatter's output applies as one transaction ---
$ST config >"$TMP/saved"
head -1 "$TMP/saved" | grep -q '^# vgate configuration' && grep -q '^# Manual SAs are not saved' "$TMP/saved" && ok || bad "config header"
sed -n '/^ipsec/p' "$TMP/saved" | head -9 | tr '\n' ' ' | grep -qxF "ipsec rule flush ipsec peer flush ipsec replayWindow 64 ipsec maxSas 1024 ipsec dropLog on ipsec swSkipOverlapIp on ipsec postDefault drop ipsec acquireTimeout 30 ipsec acquireQueue 32 " && ok || bad "config: flushes, then every knob"
grep -qxF 'ipsec rule add 10 peer branch1 descr "LAN to \"HQ\"" local 10.1.0.0/16 remote 10.2.0.0/16 action protect spiOut 0x00001000 spiIn 0x00001001 ahSpiOut 0x00004000 ahSpiIn 0x00004001 cpiOut 0x00001100 cpiIn 0x00001101' "$TMP/saved" &&
grep -qxF 'ipsec peer add branch2 id 2 addr 203.0.113.7 hostname gw2.example.net admin dialup' "$TMP/saved" &&
grep -q '^ipsec peer add branch1 id 1 .* propagatePmtu on ipcomp force$' "$TMP/saved" &&
grep -qxF 'ipsec rule add 120 post family ipv6 action pass' "$TMP/saved" &&
grep -qxF 'ipsec rule add 30 peer branch2 local 10.1.0.1-10.1.0.99 remote 10.3.0.0/16 action protect selfTraffic on' "$TMP/saved" && ok || bad "config lines: $(cat "$TMP/saved")"
# applies as saved: the host name is not resolved again (no DNS needed)
$V --dry-run -f "$TMP/saved" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && [ "$(grep -c '^RULE_NEW' "$TMP/out")" = 1 ] && [ "$(grep -c '^  RULE nest' "$TMP/out")" = 7 ] && [ "$(grep -c '^PEER_NEW' "$TMP/out")" = 2 ] &&
	[ "$(grep -c '^CONFIG_SET' "$TMP/out")" = 8 ] && head -1 "$TMP/out" | grep -qx TXN_BEGIN &&
	grep -v '^ ' "$TMP/out" | sed -n '/^GARP_SET$/,$p' | tr '\n' ' ' | grep -qxF "$(printf 'GARP_SET %.0s' 1 2 3 4 5 6 7 8)TXN_COMMIT GARP_TXN_COMMIT " &&
	sed -n 2p "$TMP/out" | grep -qx GARP_TXN_BEGIN &&
	grep -qxF '    DESCR str "LAN to "HQ""' "$TMP/out" &&
	grep -qxF '    HOSTNAME str "gw2.example.net"' "$TMP/out" &&
	grep -qxF '    ADDR addr 203.0.113.7' "$TMP/out" && ok || bad "config save output does not apply: rc $rc $(cat "$TMP/err")"
# a rule a newer kernel has (action or stage unknown here): refused, nothing written
for v in ACTION=9 STAGE=7; do
	env "FAKE_RULE100_$v" $ST config >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc != 0 ] && [ ! -s "$TMP/out" ] &&
		grep -qxF "vgate: rule 100: $(echo "${v%=*}" | tr A-Z a-z) ${v#*=} is not one this vgate knows (a newer kernel?): nothing saved" "$TMP/err" &&
		ok || bad "config save with an unknown ${v%=*}: rc $rc, $(cat "$TMP/err")"
done
$ST sad | grep -q '^0x00002000 .*3des-cbc .* weak,expired' && ok || bad "3des flagged weak"
$ST sad | grep -q '^0x00003000 .* udp:4500-4501,natOa=10.9.9.9 ' && ok || bad "encap in show sad: $($ST sad)"
$ST -j sad | python3 -c 'import json,sys; d={s["spi"]: s for s in json.load(sys.stdin)}; e=d["0x00003000"]["encap"]; assert e == {"type": "udp", "sport": 4500, "dport": 4501, "nat_oa": "10.9.9.9"}, e; assert d["0x00001000"]["encap"] is None' && ok || bad "encap in show sad JSON: $($ST -j sad)"
$ST natt | grep -qx 'socket: udp port 4500, owner kernel' && $ST natt | grep -qx 'drop natt-malformed: 17' && ok || bad "show natt: $($ST natt)"
$ST -j natt | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["port"] == 4500 and d["owner"] == "kernel" and d["keepalive"] == 20 and d["natt_keepalives_out"] == 220 and d["drops"]["natt_no_daemon"] == 18, d' && ok || bad "show natt JSON"
$ST -j global | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["natt_esp_in"] == 190 and d["drops"]["natt_malformed"] == 17' && ok || bad "global JSON NAT-T counters"
# ESN and the sequence number start state
request $SA enc aes128-gcm encKey $K20 esn on replayWindow 4096 seqOut 4294967246 seqIn 0x1ffffffce -- \
	"    REPLAY_WINDOW u32 4096" "    FLAGS u32 8" "    OSEQ u64 4294967246" "    REPLAY_SEQ u64 8589934542"
request $SA enc aes128-gcm encKey $K20 esn off seqOut 4294967295 -- "    FLAGS u32 0" "    OSEQ u64 4294967295"
expect 1 'bad seqOut "4294967296" (above 4294967295 needs esn on)' $SA enc aes128-gcm encKey $K20 seqOut 4294967296
expect 1 'bad seqIn "0x100000000" (above 4294967295 needs esn on)' $SA enc aes128-gcm encKey $K20 esn off seqIn 0x100000000
expect 1 'bad replayWindow "0" (esn on needs a window of at least 1)' $SA enc aes128-gcm encKey $K20 esn on replayWindow 0
expect 1 'esn' $SA enc aes128-gcm encKey $K20 esn maybe
$ST sad | grep -q '^0x00003000 .* esn ' && ok || bad "ESN flag in show sad: $($ST sad)"
$ST -j sad | python3 -c '
import json,sys
d = {s["spi"]: s for s in json.load(sys.stdin)}
e = d["0x00003000"]
assert e["esn"] is True and e["flags"] == ["esn"] and e["seq_out"] == 0x100000005 and e["seq_in"] == 0, e
assert e["stats"]["packets_out"] == 7 and e["stats"]["bytes_out"] == 588 and e["stats"]["packets_in"] == 0, e
assert d["0x00001001"]["esn"] is False and d["0x00001001"]["flags"] == ["soft-expired"]' && ok || bad "show sad JSON: esn, seq_out, in/out counters"
$ST -j sa | python3 -c '
import json,sys
d = json.load(sys.stdin)
assert d[2]["flags"] == ["esn", "missing-sa", "udp-encap"], d[2]' && ok || bad "show sa flags esn"
$ST -j sad | grep -qi key && bad "key in SAD output" || ok

# --- AH (RFC 4302) and AH+ESP bundles ---
AH="ipsec sa add 0x1000 src 192.0.2.1 dst 198.51.100.2 mode transport proto ah"
request $AH auth hmac-sha1 authKey $K20 -- "SA_NEW" "    PROTO u8 51" "    MODE u8 1" \
	"    AUTH u16 2" "    AUTH_KEY <20 bytes>"
grep -q "ENC" "$TMP/out" && bad "proto ah sent ENC: $(cat "$TMP/out")" || ok
request $AH auth hmac-sha256 authKey $K32 esn on -- "    PROTO u8 51" "    AUTH u16 3" "    FLAGS u32 8"
request $AH auth hmac-sha384 authKey $K32$K16 -- "    AUTH u16 4" "    AUTH_KEY <48 bytes>"
request $AH auth hmac-sha512 authKey $K64 -- "    AUTH u16 5" "    AUTH_KEY <64 bytes>"
request $SA proto esp enc aes128-gcm encKey $K20 -- "    PROTO u8 50" "    ENC u16 3"
expect 1 'bad enc "aes128-cbc" (proto ah: AH does not encrypt)' $AH enc aes128-cbc auth hmac-sha1 authKey $K20
expect 1 'bad encKey: proto ah takes no encryption key' $AH encKey $K16 auth hmac-sha1 authKey $K20
expect 1 'missing auth for proto ah' $AH authKey $K20
expect 1 'bad auth "none" (proto ah: expected hmac-sha1' $AH auth none
expect 1 'missing authKey for auth hmac-sha256 (32 bytes)' $AH auth hmac-sha256
expect 1 'bad authKey: 20 bytes, auth hmac-sha256 needs 32' $AH auth hmac-sha256 authKey $K20
expect 1 'bad encap "udp" (proto ah: AH cannot be UDP encapsulated)' $AH auth hmac-sha1 authKey $K20 encap udp
expect 1 'bad proto "gre" (expected esp, ah or comp)' $SA proto gre auth hmac-sha1 authKey $K20
expect 1 'missing enc (ESP needs an encryption algorithm; proto ah for AH, proto comp for IPComp)' $SA auth hmac-sha1 authKey $K20
grep -q "SA_NEW" "$TMP/out" && bad "a refused AH SA was sent" || ok
request ipsec sa del 0x1000 dst 198.51.100.2 proto ah -- "SA_DEL" "    PROTO u8 51"
request ipsec sa del 0x1000 dst 198.51.100.2 -- "SA_DEL" "    PROTO u8 50"
expect 1 'bad proto "x" (expected esp, ah or comp)' ipsec sa del 0x1000 dst 198.51.100.2 proto x
R="ipsec rule add 40 peer gw local 10.1.0.0/24 remote 10.2.0.0/24 action protect"
request $R ahSpiOut 0x4000 ahSpiIn 0x4001 -- "RULE_NEW" "    AH_SPI_OUT u32 16384" "    AH_SPI_IN u32 16385"
grep -q "    SPI_OUT" "$TMP/out" && bad "AH-only entry sent SPI_OUT" || ok
request $R spiOut 0x1000 spiIn 0x1001 ahSpiOut 0x4000 ahSpiIn 0x4001 -- "    SPI_OUT u32 4096" \
	"    SPI_IN u32 4097" "    AH_SPI_OUT u32 16384" "    AH_SPI_IN u32 16385"
expect 1 'missing ahSpiIn (ahSpiOut and ahSpiIn go together)' $R ahSpiOut 0x4000
expect 1 'missing ahSpiOut (ahSpiOut and ahSpiIn go together)' $R spiOut 0x1000 spiIn 0x1001 ahSpiIn 0x4001
expect 1 'bad ahSpiOut "5"' $R ahSpiOut 5 ahSpiIn 0x4001
expect 1 'bad ahSpiOut "0x4000" (only with action protect)' ipsec rule add 40 peer gw action pass ahSpiOut 0x4000 ahSpiIn 0x4001
grep -q "RULE_NEW" "$TMP/out" && bad "a refused rule was sent" || ok
$ST sad | grep -qE '^0x00004000 +192\.0\.2\.1 +198\.51\.100\.2 +transport +ah +- +hmac-sha256' && ok || bad "AH SA in show sad: $($ST sad)"
$ST sad | grep -qE '^0x00001000 +192\.0\.2\.1 +198\.51\.100\.2 +tunnel +esp +aes-gcm' && ok || bad "ESP SA in show sad: $($ST sad)"
$ST -j sad | python3 -c '
import json,sys
d = {s["spi"]: s for s in json.load(sys.stdin)}
assert d["0x00004000"]["proto"] == "ah" and d["0x00004000"]["enc"] is None and d["0x00004000"]["auth"] == "hmac-sha256", d["0x00004000"]
assert d["0x00001000"]["proto"] == "esp"' && ok || bad "show sad JSON proto/enc for AH"
$ST sa | grep -qE '^ *10 +branch1 .* CEA +0x00001000 +0x00001001 +0x00004000 +0x00004001 ' && ok || bad "show sa CEA CEA (IPComp+ESP+AH): $($ST sa)"
$ST sa | grep -qE '^ *20 +branch1 .* -E- +0x00002000 ' && ok || bad "show sa CEA -E-: $($ST sa)"
$ST -j sa | python3 -c '
import json,sys
d = {e["id"]: e for e in json.load(sys.stdin)}
assert d[10]["cea"] == "CEA" and d[10]["ah_spi_out"] == "0x00004000" and d[10]["ah_spi_in"] == "0x00004001", d[10]
assert "missing-sa" not in d[10]["flags"], d[10]
assert d[20]["cea"] == "-E-" and d[20]["ah_spi_out"] is None, d[20]
assert d[30]["cea"] == "-E-", d[30]' && ok || bad "show sa JSON cea: $($ST -j sa)"
$ST rule | grep -qF '0x00001000/0x00001001 ah:0x00004000/0x00004001 comp:0x00001100/0x00001101' && ok || bad "show rule AH SPIs and CPIs: $($ST rule)"

# --- ip arp: the gratuitous-ARP policy (vgate_garp) ---
# requests: each setting sends exactly its attribute
request ip arp ackGratuitous active yes -- "GARP_SET" "  GLOBAL nest" "    ACTIVE u8 1"
[ "$(wc -l <"$TMP/out")" = 3 ] && ok || bad "active yes sends only ACTIVE: $(cat "$TMP/out")"
request ip arp ackGratuitous active no -- "GARP_SET" "    ACTIVE u8 0"
request ip arp ackGratuitous forceUpdate on -- "GARP_SET" "  GLOBAL nest" "    FORCE_UPDATE u8 1"
request ip arp ackGratuitous forceUpdate off -- "    FORCE_UPDATE u8 0"
request ip arp ackGratuitous rateLimit 0 -- "    RATE_LIMIT u32 0"
request ip arp ackGratuitous rateLimit 10000 -- "    RATE_LIMIT u32 10000"
request ip arp ackGratuitous verifyTimeout 100 -- "    VERIFY_TIMEOUT u32 100"
request ip arp ackGratuitous verifyTimeout 10000 -- "    VERIFY_TIMEOUT u32 10000"
for s in active forceUpdate rateLimit verifyTimeout; do
	request ip arp ackGratuitous $s -- "GARP_GET"
	grep -q GARP_SET "$TMP/out" && bad "$s without a value sets" || ok
done
request ip arp ackGratuitous interface lan active yes -- "GARP_SET" "  IF nest" '    IFNAME str "lan"' "    ACTIVE u8 1"
[ "$(wc -l <"$TMP/out")" = 4 ] && ok || bad "interface active yes sends IFNAME and ACTIVE only: $(cat "$TMP/out")"
request ip arp ackGratuitous interface lan active no -- "    ACTIVE u8 0"
request ip arp ackGratuitous interface lan active inherit -- "    ACTIVE u8 2"
request ip arp ackGratuitous interface eth0.10 forceUpdate on -- '    IFNAME str "eth0.10"' "    FORCE_UPDATE u8 1"
request ip arp ackGratuitous interface lan forceUpdate inherit -- "    FORCE_UPDATE u8 2"
request ip arp ackGratuitous interface lan rateLimit 0 -- "    RATE_LIMIT u32 0"
request ip arp ackGratuitous interface lan rateLimit inherit -- "    RATE_LIMIT u32 4294967295"
request ip arp ackGratuitous interface lan rateLimit -- "GARP_IF_GET" "  IF nest" '    IFNAME str "lan"'
request ip arp ackGratuitous interface lan active -- "GARP_IF_GET" '    IFNAME str "lan"'
request ip arp show -- "GARP_GET" "GARP_IF_GET dump"
request ip arp show interface lan -- "GARP_GET" "GARP_IF_GET" '    IFNAME str "lan"'
# bad values: named, exit 1, nothing sent
refused() {
	expect "$@"
	[ ! -s "$TMP/out" ] && ok || bad "vgate $* sent: $(cat "$TMP/out")"
}
refused 1 'vgate: bad active "maybe" (expected yes or no)' ip arp ackGratuitous active maybe
refused 1 'bad active "on" (expected yes or no)' ip arp ackGratuitous active on
refused 1 'bad active "inherit" (expected yes or no)' ip arp ackGratuitous active inherit
refused 1 'bad forceUpdate "yes" (expected on or off)' ip arp ackGratuitous forceUpdate yes
refused 1 'bad rateLimit "10001" (expected 0..10000)' ip arp ackGratuitous rateLimit 10001
refused 1 'bad rateLimit "-1" (expected 0..10000)' ip arp ackGratuitous rateLimit -1
refused 1 'bad rateLimit "inherit" (expected 0..10000)' ip arp ackGratuitous rateLimit inherit
refused 1 'bad verifyTimeout "99" (expected 100..10000)' ip arp ackGratuitous verifyTimeout 99
refused 1 'bad verifyTimeout "10001" (expected 100..10000)' ip arp ackGratuitous verifyTimeout 10001
refused 1 'bad verifyTimeout "0"' ip arp ackGratuitous verifyTimeout 0
refused 1 'bad active "maybe" (expected yes, no or inherit)' ip arp ackGratuitous interface lan active maybe
refused 1 'bad forceUpdate "1" (expected on, off or inherit)' ip arp ackGratuitous interface lan forceUpdate 1
refused 1 'bad rateLimit "10001" (expected 0..10000 or inherit)' ip arp ackGratuitous interface lan rateLimit 10001
refused 1 'bad rateLimit "x" (expected 0..10000 or inherit)' ip arp ackGratuitous interface lan rateLimit x
refused 1 'bad interface "a/b" (expected an interface name: 1..15 characters' ip arp ackGratuitous interface a/b active yes
refused 1 'bad interface "abcdefghijklmnop"' ip arp ackGratuitous interface abcdefghijklmnop active yes
refused 1 'bad interface "a/b"' ip arp ackGratuitous interface a/b active maybe
refused 1 'bad interface "x:y"' ip arp show interface x:y
refused 1 'bad interface ".."' ip arp show interface ..
refused 1 'missing value after "interface"' ip arp show interface
refused 1 'incomplete command "ip arp ackGratuitous interface lan" (next: active, forceUpdate, rateLimit)' ip arp ackGratuitous interface lan
refused 1 'incomplete command "ip arp ackGratuitous" (next: active, forceUpdate, rateLimit, verifyTimeout, interface)' ip arp ackGratuitous
refused 1 'unknown command "verifyTimeout"' ip arp ackGratuitous interface lan verifyTimeout 500
refused 1 'unknown command "forceUpdat3"' ip arp ackGratuitous forceUpdat3 on
refused 1 'unknown keyword "no" for "ip arp ackGratuitous active"' ip arp ackGratuitous active yes no
# -f: in file order inside the vgate and garp transactions (vgate's commit
# first), the show after the commits; a bad line sends nothing
printf '%s\n' "ip arp ackGratuitous active yes" "ipsec postDefault drop" "ip arp ackGratuitous interface lan rateLimit inherit" "ip arp show" >"$TMP/garp"
$V --dry-run -f "$TMP/garp" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && [ "$(grep -v '^ ' "$TMP/out" | tr '\n' ' ')" = "TXN_BEGIN GARP_TXN_BEGIN GARP_SET CONFIG_SET GARP_SET TXN_COMMIT GARP_TXN_COMMIT GARP_GET GARP_IF_GET dump " ] && ok || bad "-f with ip arp lines: rc $rc $(cat "$TMP/out") $(cat "$TMP/err")"
printf '%s\n' "ip arp ackGratuitous active yes" "ip arp ackGratuitous interface lan forceUpdate on" >"$TMP/garp"
$V --dry-run -f "$TMP/garp" >"$TMP/out" 2>"$TMP/err"
[ $? = 0 ] && [ "$(grep -v '^ ' "$TMP/out" | tr '\n' ' ')" = "GARP_TXN_BEGIN GARP_SET GARP_SET GARP_TXN_COMMIT " ] && ok || bad "-f with only ip arp lines: only the garp transaction: $(cat "$TMP/out")"
# -f with all three families: one transaction each, commits vgate, bwm, garp
printf '%s\n' "bm interface lan enable bandwidth 10m" "ipsec sa flush" "ip arp ackGratuitous active yes" "bm class lan add 1 bandwidth 1m" "bm show interface" >"$TMP/all3"
$V --dry-run -f "$TMP/all3" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 0 ] && [ "$(grep -v '^ ' "$TMP/out" | tr '\n' ' ' | sed 's/BWM_IF_GET.*/BWM_IF_GET/')" = "TXN_BEGIN BWM_TXN_BEGIN GARP_TXN_BEGIN BWM_IF_SET SA_FLUSH GARP_SET BWM_CLASS_NEW TXN_COMMIT BWM_TXN_COMMIT GARP_TXN_COMMIT BWM_IF_GET" ] && ok || bad "-f with SA, bm and ip arp lines: rc $rc $(cat "$TMP/out") $(cat "$TMP/err")"
printf '%s\n' "ip arp ackGratuitous active yes" "ipsec postDefault drop" "ip arp ackGratuitous interface lan active maybe" >"$TMP/garp"
$V --dry-run -f "$TMP/garp" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ $rc = 1 ] && grep -qxF "$TMP/garp:3: bad active \"maybe\" (expected yes, no or inherit)" "$TMP/err" && [ ! -s "$TMP/out" ] && ok || bad "-f bad ip arp line: rc $rc $(cat "$TMP/err") $(cat "$TMP/out")"
# help and '?' from the table
$V help | grep -qxF '  ip arp ackGratuitous active [yes|no]' && $V help | grep -qxF '  ip arp ackGratuitous verifyTimeout [MS]' &&
	$V help | grep -qxF '  ip arp ackGratuitous interface IF rateLimit [N|inherit]' &&
	$V help | grep -qxF '  ip arp ackGratuitous interface IF forceUpdate [on|off|inherit]' &&
	$V help | grep -qxF '  ip arp show [interface IF]' && ok || bad "help: ip arp grammar"
$V ip arp ackGratuitous '?' >"$TMP/out"; miss=""
for w in active forceUpdate rateLimit verifyTimeout interface; do grep -q "^  $w " "$TMP/out" || miss="$miss $w"; done
[ -z "$miss" ] && ok || bad "? after ip arp ackGratuitous: missing$miss in $(cat "$TMP/out")"
$V ip arp ackGratuitous interface '?' >"$TMP/out" && grep -q '^  <IF> ' "$TMP/out" && ok || bad "? after interface: $(cat "$TMP/out")"
$V ip arp ackGratuitous interface lan '?' >"$TMP/out" && grep -q '^  active ' "$TMP/out" && grep -q '^  forceUpdate ' "$TMP/out" &&
	grep -q '^  rateLimit ' "$TMP/out" && ! grep -q verifyTimeout "$TMP/out" && ok || bad "? after interface IF: $(cat "$TMP/out")"
$V ip arp ackGratuitous interface lan rateLimit '?' >"$TMP/out" && grep -q '^  inherit ' "$TMP/out" && grep -q '^  <N|inherit> ' "$TMP/out" && grep -q '<Enter>' "$TMP/out" && ok || bad "? after interface IF rateLimit: $(cat "$TMP/out")"
$V ip arp ackGratuitous interface lan active '?' >"$TMP/out" && grep -q '^  yes ' "$TMP/out" && grep -q '^  no ' "$TMP/out" && grep -q '^  inherit ' "$TMP/out" && ok || bad "? after interface IF active"
$V ip '?' >"$TMP/out" && grep -q '^  arp ' "$TMP/out" && $V ip arp '?' | grep -q '^  show ' && ok || bad "? after ip"
# show views on canned data (tests/fake_nl.c)
$ST garp >"$TMP/out"
grep -qxF '  active no (default): a gratuitous ARP never changes the ARP table' "$TMP/out" && grep -qxF '  forceUpdate off (default)' "$TMP/out" &&
	grep -qxF '  rateLimit 20' "$TMP/out" && grep -qxF '  verifyTimeout 500 (default)' "$TMP/out" && grep -qxF '  pending 1 (verifications running)' "$TMP/out" &&
	grep -qx 'INTERFACE  *ACTIVE  *FORCEUPDATE  *RATELIMIT  *SEEN  *ACC-NEW  *ACC-CHANGED  *UNCHANGED  *REF-POLICY  *REF-VERIFY  *REF-OFFSUBNET  *RATE-LIMITED  *COALESCED  *MALFORMED  *PROBES-SENT  *REQUESTS' "$TMP/out" &&
	grep -qx 'lan  *no  *off  *20  *5  *0  *0  *0  *5  *0  *0  *0  *0  *1  *0  *0' "$TMP/out" &&
	grep -qx 'wan  *yes\*  *on\*  *20  *36  *1  *2  *3  *4  *5  *6  *7  *8  *9  *10  *3' "$TMP/out" &&
	grep -qx 'dmz  *no\*  *off  *0\*  *0 .*' "$TMP/out" && grep -q '^(\* interface override' "$TMP/out" && ok || bad "ip arp show: $(cat "$TMP/out")"
$ST garp wan >"$TMP/out" && [ "$(grep -c '^[a-z][a-z]*  ' "$TMP/out")" = 1 ] && grep -q '^wan ' "$TMP/out" && ok || bad "ip arp show interface wan: $(cat "$TMP/out")"
$ST -j garp | python3 -c '
import json,sys
d = json.load(sys.stdin)
assert list(d) == ["active", "force_update", "rate_limit", "verify_timeout_ms", "pending", "interfaces"], list(d)
assert (d["active"], d["force_update"], d["rate_limit"], d["verify_timeout_ms"], d["pending"]) == ("no", "off", 20, 500, 1), d
assert [i["name"] for i in d["interfaces"]] == ["lan", "wan", "dmz"]
lan, wan, dmz = d["interfaces"]
assert list(lan) == ["name", "ifindex", "active", "force_update", "rate_limit", "effective", "counters"], list(lan)
assert lan["ifindex"] == 2 and (lan["active"], lan["force_update"], lan["rate_limit"]) == ("inherit",) * 3
assert lan["effective"] == {"active": "no", "force_update": "off", "rate_limit": 20}
keys = ["seen", "accepted_new", "accepted_changed", "unchanged", "refused_policy", "refused_verify",
        "refused_offsubnet", "rate_limited", "coalesced", "malformed", "probes_sent", "requests"]
assert list(wan["counters"]) == keys, list(wan["counters"])
assert [wan["counters"][k] for k in keys] == [36, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3]
assert (wan["active"], wan["force_update"], wan["rate_limit"]) == ("yes", "on", "inherit")
assert wan["effective"] == {"active": "yes", "force_update": "on", "rate_limit": 20}
assert (dmz["active"], dmz["force_update"], dmz["rate_limit"]) == ("no", "inherit", 0) and dmz["effective"]["rate_limit"] == 0
' && ok || bad "ip arp show -j"
$ST -j garp dmz | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [i["name"] for i in d["interfaces"]] == ["dmz"]' && ok || bad "ip arp show interface dmz -j"
[ "$($ST garp-get active)" = no ] && [ "$($ST garp-get forceUpdate)" = off ] && [ "$($ST garp-get rateLimit)" = 20 ] && [ "$($ST garp-get verifyTimeout)" = 500 ] && ok || bad "global setting without a value"
[ "$($ST garp-get active lan)" = "active inherit (no)" ] && [ "$($ST garp-get active wan)" = "active yes (yes)" ] &&
	[ "$($ST garp-get rateLimit lan)" = "rateLimit inherit (20)" ] && [ "$($ST garp-get rateLimit dmz)" = "rateLimit 0 (0)" ] &&
	[ "$($ST garp-get forceUpdate dmz)" = "forceUpdate inherit (off)" ] && ok || bad "interface setting without a value"
$ST -j garp-get verifyTimeout | python3 -c 'import json,sys; assert json.load(sys.stdin) == {"verify_timeout_ms": 500}' &&
	$ST -j garp-get active | python3 -c 'import json,sys; assert json.load(sys.stdin) == {"active": "no"}' &&
	$ST -j garp-get rateLimit lan | python3 -c 'import json,sys; assert json.load(sys.stdin) == {"name": "lan", "ifindex": 2, "rate_limit": "inherit", "effective": {"rate_limit": 20}}' &&
	ok || bad "setting without a value -j"
$ST garp nosuch >"$TMP/out" 2>"$TMP/err"; [ $? != 0 ] && grep -qF 'unknown interface "nosuch"' "$TMP/err" && [ ! -s "$TMP/out" ] && ok || bad "ip arp show interface nosuch"
# config save: every global setting, each interface's overrides, after the rules
$ST config >"$TMP/saved"
sed -n '/^ip arp/p' "$TMP/saved" | tr '\n' ';' | grep -qxF "ip arp ackGratuitous active no;ip arp ackGratuitous forceUpdate off;ip arp ackGratuitous rateLimit 20;ip arp ackGratuitous verifyTimeout 500;ip arp ackGratuitous interface wan active yes;ip arp ackGratuitous interface wan forceUpdate on;ip arp ackGratuitous interface dmz active no;ip arp ackGratuitous interface dmz rateLimit 0;" &&
	[ "$(sed -n '$p' "$TMP/saved")" = "ip arp ackGratuitous interface dmz rateLimit 0" ] && ok || bad "config: ip arp lines: $(grep -v '^ipsec' "$TMP/saved")"
# without the module: a clear message naming it, exit 2 (a kernel error)
if [ ! -d /sys/module/vgate_garp ]; then
	$V ip arp show >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc = 2 ] && grep -qxF "vgate: gratuitous-ARP policy module not loaded (modprobe vgate_garp)" "$TMP/err" && [ ! -s "$TMP/out" ] && ok || bad "no vgate_garp: rc $rc $(cat "$TMP/err")"
	$V ip arp ackGratuitous active yes 2>"$TMP/err"; rc=$?
	[ $rc = 2 ] && grep -qF "modprobe vgate_garp" "$TMP/err" && ! grep -qF "family vgate not found" "$TMP/err" && ok || bad "no vgate_garp (set): rc $rc $(cat "$TMP/err")"
fi

# --- bm: the bandwidth manager (vgate_bwm) ---
request bm interface wan0 enable bandwidth 1000k -- "BWM_IF_SET" "  IF nest" \
	"    IFNAME str \"wan0\"" "    ENABLED u8 1" "    RATE u64 1000000" "    MODE u8 0"
request bm interface wan0 enable bandwidth 1.5m priority overhead 24 esp udp limit 50 default 3 -- \
	"    RATE u64 1500000" "    MODE u8 1" "    OVERHEAD u16 24" "    ESP u8 2" \
	"    LIMIT u32 50" "    DEFAULT_CLASS u16 3"
request bm interface wan0 enable bandwidth 10gbps esp tunnel -- "    RATE u64 10000000000" "    ESP u8 1"
request bm interface wan0 disable -- "BWM_IF_SET" "    ENABLED u8 0"
request bm class wan0 add 1 bandwidth 100k -- "BWM_CLASS_NEW" "  CLASS nest" \
	"    ID u16 1" "    RATE u64 100000"
request bm class wan0 add 2 bandwidth 64000 parent 1 priority 7 borrow off ceiling 1g name ftp1 -- \
	"    PARENT u16 1" "    PRIO u8 7" "    BORROW u8 0" "    CEIL u64 1000000000" "    NAME str \"ftp1\""
request bm class wan0 set 2 ceiling default -- "BWM_CLASS_SET" "    CEIL u64 0"
request bm class wan0 del 2 -- "BWM_CLASS_DEL" "    ID u16 2"
request bm filter wan0 add 1 class 1 service ftp -- "BWM_FILTER_NEW" "  FILTER nest" \
	"    ID u16 1" "    CLASS u16 1" "    SERVICE u8 1"
request bm filter wan0 add 2 class default protocol udp src 10.0.0.0/8 dst 192.0.2.1-192.0.2.9 sport 5060 dport 1000-2000 -- \
	"    CLASS u16 65535" "    PROTO u8 17" "    SRC_MIN addr 10.0.0.0" "    SRC_MAX addr 10.255.255.255" \
	"    DST_MIN addr 192.0.2.1" "    DST_MAX addr 192.0.2.9" "    SPORT_MIN u16 5060" "    SPORT_MAX u16 5060" \
	"    DPORT_MIN u16 1000" "    DPORT_MAX u16 2000"
request bm filter wan0 add 3 class 1 protocol 47 dst fd00:1::/64 -- "    PROTO u8 47" \
	"    DST_MIN addr fd00:1::" "    DST_MAX addr fd00:1::ffff:ffff:ffff:ffff"
request bm filter wan0 del 3 -- "BWM_FILTER_DEL" "    ID u16 3"
request bm show class wan0 -- "BWM_CLASS_GET dump" "    IFNAME str \"wan0\""
request bm show interface -- "BWM_IF_GET dump"
expect 1 'bad bandwidth "10x"' bm interface wan0 enable bandwidth 10x
expect 1 'bad bandwidth "0.0001"' bm class wan0 add 1 bandwidth 0.0001
expect 1 'missing "bandwidth RATE"' bm interface wan0 enable
expect 1 'fairness and priority' bm interface wan0 enable bandwidth 1m fairness priority
expect 1 'bad priority' bm class wan0 add 1 bandwidth 1m priority 8
expect 1 'bad borrow "maybe"' bm class wan0 add 1 bandwidth 1m borrow maybe
expect 1 'bad class ID "65535"' bm class wan0 add 65535 bandwidth 1m
expect 1 'missing "class CLASS"' bm filter wan0 add 1 service ftp
expect 1 'bad service "gopher"' bm filter wan0 add 1 class 1 service gopher
expect 1 'bad src "10.0.0.0/33"' bm filter wan0 add 1 class 1 src 10.0.0.0/33
expect 1 'bad dport "2000-1000"' bm filter wan0 add 1 class 1 dport 2000-1000
expect 1 'different address families' bm filter wan0 add 1 class 1 src 10.0.0.1 dst ::1
expect 1 'bad protocol "foo"' bm filter wan0 add 1 class 1 protocol foo
if [ ! -d /sys/module/vgate_bwm ]; then
	$V bm show interface >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ $rc = 2 ] && grep -qxF "vgate: bandwidth manager module not loaded (modprobe vgate_bwm)" "$TMP/err" && ok || bad "no vgate_bwm: rc $rc $(cat "$TMP/err")"
fi
# --- IPComp: proto comp SAs, cpiOut/cpiIn, the peer option, show views ---
request $SA proto comp -- "SA_NEW" "    SPI u32 4096" "    PROTO u8 108" \
	"    MODE u8 2" "    COMP u16 1"
request ipsec sa add 256 src fd00::1 dst fd00::2 mode transport proto comp comp deflate hardBytes 1000 -- \
	"    SPI u32 256" "    PROTO u8 108" "    FAMILY u16 10" "    COMP u16 1" "      HARD_BYTES u64 1000"
$V --dry-run $SA proto comp 2>/dev/null | grep -qE "ENC|AUTH|REPLAY" && bad "proto comp sends no ENC/AUTH/REPLAY" || ok
request $SA proto esp enc aes128-gcm encKey $K20 -- "    PROTO u8 50"
expect 1 'bad SPI "255" (SPI 0..255 are reserved' ipsec sa add 255 src 192.0.2.1 dst 198.51.100.2 mode tunnel proto comp
expect 1 'bad CPI "0x10000" (expected 256..65535)' ipsec sa add 0x10000 src 192.0.2.1 dst 198.51.100.2 mode tunnel proto comp
expect 1 'bad enc "null" (proto comp takes no keys' $SA proto comp enc null
expect 1 'bad esn "on" (proto comp takes no keys' $SA proto comp esn on
expect 1 'bad replayWindow "64" (proto comp' $SA proto comp replayWindow 64
expect 1 'bad comp "deflate" (only with proto comp)' $SA enc aes128-gcm encKey $K20 comp deflate
expect 1 'missing enc (ESP needs an encryption algorithm; proto ah for AH, proto comp for IPComp)' $SA
expect 1 'bad comp "lzs"' $SA proto comp comp lzs
request ipsec sa del 300 dst 198.51.100.2 proto comp -- "SA_DEL" "    SPI u32 300" "    PROTO u8 108"
expect 1 'bad CPI "0x20000"' ipsec sa del 0x20000 dst 198.51.100.2 proto comp
request ipsec rule add 10 peer branch1 local 10.1.0.0/16 remote 10.2.0.0/24 action protect \
	spiOut 0x1000 spiIn 0x1001 cpiOut 0x1100 cpiIn 4353 -- "    SPI_OUT u32 4096" \
	"    CPI_OUT u16 4352" "    CPI_IN u16 4353"
expect 1 'missing cpiIn (cpiOut and cpiIn go together)' ipsec rule add 10 peer branch1 action protect spiOut 0x1000 spiIn 0x1001 cpiOut 300
expect 1 'bad cpiOut "300" (IPComp SAs come with ESP SAs' ipsec rule add 10 peer branch1 action protect cpiOut 300 cpiIn 301
expect 1 'bad cpiOut "300" (only with action protect)' ipsec rule add 10 peer branch1 action pass cpiOut 300 cpiIn 301
expect 1 'bad cpiIn "70000" (expected 256..65535)' ipsec rule add 10 peer branch1 action protect spiOut 0x1000 spiIn 0x1001 cpiOut 300 cpiIn 70000
request ipsec peer add pc1 id 7 addr 192.0.2.9 ipcomp no -- "    IPCOMP u8 2"
request ipsec peer add pc2 id 8 addr 192.0.2.9 ipcomp force -- "    IPCOMP u8 3"
request ipsec peer add pc3 id 9 addr 192.0.2.9 ipcomp accept -- "    IPCOMP u8 1"
$V --dry-run ipsec peer add pc4 id 10 addr 192.0.2.9 2>/dev/null | grep -q IPCOMP && bad "ipcomp not sent unless given" || ok
expect 1 'bad ipcomp "yes"' ipsec peer add pc5 addr 192.0.2.9 ipcomp yes
$ST sad | grep -q '^0x00001100  *192.0.2.1  *198.51.100.2  *tunnel  *comp  *deflate  *- .* out 4/2/1 5600->1400 in 0$' && ok || bad "show sad IPComp row: $($ST sad)"
$ST sad | grep -q '^0x00001000  *192.0.2.1  *198.51.100.2  *tunnel  *esp  *aes-gcm .* -$' && ok || bad "show sad ESP row has no compression"
$ST -j sad | python3 -c 'import json,sys
d = {e["spi"]: e for e in json.load(sys.stdin)}
c = d["0x00001100"]
assert c["proto"] == "comp" and c["enc"] == "deflate" and c["mode"] == "tunnel", c
s = c["stats"]
assert (s["compressed_out"], s["small_out"], s["incompressible_out"], s["comp_bytes_before"], s["comp_bytes_after"]) == (4, 2, 1, 5600, 1400), s
assert d["0x00001101"]["stats"]["decompressed_in"] == 3
assert d["0x00001000"]["proto"] == "esp" and "compressed_out" not in d["0x00001000"]["stats"]' && ok || bad "show sad JSON IPComp"
$ST sa | grep -q '^10  *branch1 .*  CEA  *0x00001000  *0x00001001  *0x00004000  *0x00004001  *soft-expired ' && ok || bad "show sa CEA column C: $($ST sa)"
$ST sa | grep -q '^20  *branch1 .* -E-  *0x00002000  *0x00002001  *-  *-  *weak' && ok || bad "show sa CEA column without IPComp"
$ST -j sa | python3 -c 'import json,sys
d = {e["id"]: e for e in json.load(sys.stdin)}
assert d[10]["cea"] == "CEA" and d[10]["cpi_out"] == "0x00001100" and d[10]["cpi_in"] == "0x00001101", d[10]
assert d[20]["cea"] == "-E-" and d[20]["cpi_out"] is None, d[20]' && ok || bad "show sa JSON cea, cpi_out, cpi_in"
$ST -j rule | python3 -c 'import json,sys
d = {e["id"]: e for e in json.load(sys.stdin)}
assert d[10]["cpi_out"] == "0x00001100" and d[10]["cpi_in"] == "0x00001101" and d[20]["cpi_out"] is None, d[10]' && ok || bad "show rule JSON cpi_out, cpi_in"
$ST -j peer | python3 -c 'import json,sys
d = {e["name"]: e for e in json.load(sys.stdin)}
assert d["branch1"]["ipcomp"] == "force" and d["branch2"]["ipcomp"] == "accept", d' && ok || bad "show peer JSON ipcomp"

# --- knob limits: the UAPI header's VGATE_*_MIN/_MAX/_DEFAULT, nowhere else ---
UAPI=../include/uapi/linux/vgate.h
# hdr NAME: the number a #define in the UAPI header gives NAME; fails if none.
hdr() {
	sed -n "s/^#define $1[[:space:]][[:space:]]*\([0-9][0-9]*\)\b.*/\1/p" "$UAPI" | grep . ||
		{ echo "no #define $1 in $UAPI" >&2; echo MISSING; }
}
# limits CLI-ARGS... -- KNOB MIN MAX: '?' after the command shows MIN..MAX,
# MAX is accepted, MAX+1 (and MIN-1 if MIN > 0) refused naming MIN..MAX.
limits() {
	args=""
	while [ "$1" != "--" ]; do args="$args $1"; shift; done
	shift
	knob=$1 lo=$(hdr "$2") hi=$(hdr "$3")
	# shellcheck disable=SC2086
	$V $args '?' >"$TMP/out" 2>&1
	grep -qF "$lo..$hi" "$TMP/out" || grep -qF "$lo (off)..$hi" "$TMP/out" ||
		{ bad "vgate$args ?: no '$lo..$hi' ($2..$3) in: $(cat "$TMP/out")"; return; }
	# shellcheck disable=SC2086
	$V --dry-run $args "$hi" >"$TMP/out" 2>"$TMP/err" ||
		{ bad "vgate$args $hi ($3) refused: $(cat "$TMP/err")"; return; }
	# shellcheck disable=SC2086
	$V --dry-run $args $((hi + 1)) >"$TMP/out" 2>"$TMP/err" && { bad "vgate$args $((hi + 1)) accepted"; return; }
	grep -qF "bad $knob \"$((hi + 1))\" (expected $lo..$hi" "$TMP/err" ||
		{ bad "vgate$args $((hi + 1)): '$(cat "$TMP/err")' does not name $lo..$hi"; return; }
	if [ "$lo" -gt 0 ]; then
		# shellcheck disable=SC2086
		$V --dry-run $args $((lo - 1)) >"$TMP/out" 2>"$TMP/err" && { bad "vgate$args $((lo - 1)) accepted"; return; }
	fi
	ok
}
limits ipsec replayWindow -- replayWindow VGATE_REPLAY_WINDOW_MIN VGATE_REPLAY_WINDOW_MAX
limits ipsec maxSas -- maxSas VGATE_MAX_SAS_MIN VGATE_MAX_SAS_MAX
limits ipsec acquireTimeout -- acquireTimeout VGATE_ACQUIRE_TIMEOUT_MIN VGATE_ACQUIRE_TIMEOUT_MAX
limits ipsec acquireQueue -- acquireQueue VGATE_ACQUIRE_QUEUE_MIN VGATE_ACQUIRE_QUEUE_MAX
limits ipsec nattKeepalive -- nattKeepalive VGATE_NATT_KEEPALIVE_MIN VGATE_NATT_KEEPALIVE_MAX
limits ip arp ackGratuitous rateLimit -- rateLimit VGATE_GARP_RATE_LIMIT_MIN VGATE_GARP_RATE_LIMIT_MAX
limits ip arp ackGratuitous verifyTimeout -- verifyTimeout VGATE_GARP_VERIFY_TIMEOUT_MIN VGATE_GARP_VERIFY_TIMEOUT_MAX
limits ipsec peer block gw -- SECONDS VGATE_BLOCK_SECONDS_MIN VGATE_BLOCK_SECONDS_MAX
limits $SA enc null auth hmac-sha1 authKey ${K16}00010203 replayWindow -- replayWindow VGATE_REPLAY_WINDOW_MIN VGATE_REPLAY_WINDOW_MAX
# The defaults the help texts name are the header's.
$V ip arp ackGratuitous rateLimit '?' | grep -qF "(default $(hdr VGATE_GARP_RATE_LIMIT_DEFAULT);" &&
	$V ip arp ackGratuitous verifyTimeout '?' | grep -qF "(default $(hdr VGATE_GARP_VERIFY_TIMEOUT_DEFAULT);" &&
	ok || bad "? of rateLimit/verifyTimeout: defaults differ from the UAPI header"
# No knob limit typed in the CLI's sources: a string holding one of the
# header's knob numbers (>= 100, small ones are too common) is a copy.
typed=""
for c in VGATE_REPLAY_WINDOW_MAX VGATE_MAX_SAS_MAX VGATE_MAX_SAS_DEFAULT VGATE_ACQUIRE_TIMEOUT_MAX \
	VGATE_ACQUIRE_QUEUE_MAX VGATE_NATT_KEEPALIVE_MAX VGATE_BLOCK_SECONDS_MAX VGATE_ITERATIONS_MAX \
	VGATE_GARP_RATE_LIMIT_MAX VGATE_GARP_VERIFY_TIMEOUT_MIN VGATE_GARP_VERIFY_TIMEOUT_MAX \
	VGATE_GARP_VERIFY_TIMEOUT_DEFAULT; do
	v=$(hdr $c)
	f=$(grep -nE "\"[^\"]*\\b$v\\b[^\"]*\"" ./*.c ../lib/*.c | grep -v 'modp') && typed="$typed $c=$v: $f;"
done
[ -z "$typed" ] && ok || bad "knob limits typed in the CLI instead of the UAPI constants:$typed"

# --- vocabularies: one table (lib/vocab.c) for parsing, printing, TAB and ? ---
K28=${K24}10111213
request $SA enc aes192-gcm encKey $K28 -- "    ENC u16 3" "    ENC_KEY <28 bytes>"
expect 1 'bad encKey: 24 bytes, enc aes192-gcm needs 28 (24-byte key + 4-byte salt)' $SA enc aes192-gcm encKey $K24
# Every cipher of the library's table: completed after enc, parsed with a
# key of its length, named in the error for an unknown one.
names=$(sed -n 's/^	{ "\([a-z0-9-]*\)", VGATE_ENC_[A-Z0-9_]*, \([0-9]*\), \([0-9]*\),.*/\1:\2:\3/p' ../lib/vocab.c)
[ "$(echo "$names" | wc -l)" -ge 9 ] && ok || bad "cipher rows of lib/vocab.c not found: $names"
$V --dry-run $SA enc nosuch >/dev/null 2>"$TMP/encerr"
$V ipsec sa add 4096 enc '?' >"$TMP/encq"
for row in $names; do
	name=${row%%:*} rest=${row#*:}
	len=$((${rest%%:*} + ${rest#*:}))
	key=$(printf '%0*d' $((len * 2)) 0 | tr 0 a)
	if [ "$len" = 0 ]; then args="enc $name auth hmac-sha1 authKey ${K16}00010203"
	elif [ "$name" = "${name%gcm}" ] && [ "$name" = "${name%poly1305}" ]; then
		args="enc $name encKey $key auth hmac-sha1 authKey ${K16}00010203"
	else args="enc $name encKey $key"; fi
	want="    ENC_KEY <$len bytes>"
	[ "$len" = 0 ] && want="SA_NEW"
	# shellcheck disable=SC2086
	request $SA $args -- "$want"
	grep -q "^  $name " "$TMP/encq" && ok || bad "enc ? does not list $name"
	grep -qF "$name" "$TMP/encerr" && ok || bad "bad enc message does not name $name: $(cat "$TMP/encerr")"
done
# Integrity: every HMAC of the table takes a key of its length.
for row in $(sed -n 's/^	{ "\(hmac-[a-z0-9]*\)", VGATE_AUTH_[A-Z0-9_]*, \([0-9]*\),.*/\1:\2/p' ../lib/vocab.c); do
	key=$(printf '%0*d' $((${row#*:} * 2)) 0 | tr 0 b)
	request $SA enc aes128-cbc encKey $K16 auth ${row%%:*} authKey $key -- "    AUTH_KEY <${row#*:} bytes>"
done
# Drop reasons: show global names every row of the table (table and JSON).
reasons=$(sed -n 's/^	{ "\([a-z-]*\)", VGATE_DROP_.*/\1/p' ../lib/vocab.c)
missing=
for r in $reasons; do
	$ST global | grep -q "drop $r" || missing="$missing $r"
done
if [ "$(echo $reasons | wc -w)" -lt 20 ]; then
	bad "found only $(echo $reasons | wc -w) drop reasons in lib/vocab.c"
elif [ -n "$missing" ]; then
	bad "show global lacks drop$missing"
else
	ok
fi
# --- vgate complete: TAB's candidates for other shells (hidden) ---
cands() { $V complete "$@" 2>"$TMP/err" | tr '\n' ' '; }
[ "$(cands ipsec sh)" = "show " ] && ok || bad "complete ipsec sh: '$(cands ipsec sh)', want show"
[ "$(cands ipsec show '')" = "sa sad rule peer global natt ike " ] && ok || bad "complete ipsec show '': '$(cands ipsec show '')'"
[ "$(cands '')" = "ipsec ip bm config help " ] && ok || bad "complete '': '$(cands '')' (quit and exit are the shell's)"
[ "$(cands ipsec sa add 0x1000 mode t)" = "tunnel transport " ] && ok || bad "complete mode t: '$(cands ipsec sa add 0x1000 mode t)'"
# placeholders are not candidates: after "sa add" only <SPI> may come
[ -z "$(cands ipsec sa add '')" ] && [ ! -s "$TMP/err" ] && ok || bad "complete ipsec sa add '': '$(cands ipsec sa add '')', want nothing"
cands ipsec sa add 0x1000 enc '' | grep -q 'aes128-gcm .*chacha20-poly1305' && ok || bad "complete enc: '$(cands ipsec sa add 0x1000 enc '')'"
cands ipsec rule add 1 action '' | grep -qx 'pass drop protect ' && ok || bad "complete action: '$(cands ipsec rule add 1 action '')'"
# keywords not given yet, no <Enter>; a bad word before: nothing, no message
cands ipsec peer add p1 addr 192.0.2.1 '' | grep -q 'descr' && ! cands ipsec peer add p1 addr 192.0.2.1 '' | grep -q '[<]\| addr ' && ok || bad "complete peer add keywords: '$(cands ipsec peer add p1 addr 192.0.2.1 '')'"
# peer names come from the kernel: none here, and no message without it
[ -z "$(cands ipsec peer del '')" ] && [ ! -s "$TMP/err" ] && ok || bad "complete peer del without the module: '$(cands ipsec peer del '')' $(cat "$TMP/err")"
[ -z "$(cands ipsec bogus '')" ] && [ ! -s "$TMP/err" ] && ok || bad "complete after a bad word: '$(cands ipsec bogus '')' $(cat "$TMP/err")"
# interfaces where the table says so (ip arp ... interface IF): this
# namespace's Ethernet ones (ARPHRD_ETHER), not lo
want=$(for i in /sys/class/net/*; do [ "$(cat "$i/type")" = 1 ] && basename "$i"; done | sort | tr '\n' ' ')
got=$($V complete ip arp ackGratuitous interface '' | sort | tr '\n' ' ')
[ "$got" = "$want" ] && ok || bad "complete interface: '$got', want '$want'"
$V complete >/dev/null 2>&1 && bad "complete without words: exit 0" || ok
# the command list: the usage's commands, not quit/exit, not complete itself
$V complete --commands >"$TMP/cmds"
[ "$(wc -l <"$TMP/cmds")" = "$($V --help | grep -c '^      [^ ]')" ] && grep -qx 'bm class IF add' "$TMP/cmds" && ! grep -q 'quit\|exit\|complete' "$TMP/cmds" && ok || bad "complete --commands: $(cat "$TMP/cmds")"
! $V --help | grep -qw complete && ok || bad "complete shows in the usage"

# --- completion/vgate: the bash script on COMP_WORDS/COMP_CWORD ---
if command -v bash >/dev/null; then
	# comp CWORD WORD...: COMPREPLY, space separated
	comp() {
		bash -c 'set -u; . ../completion/vgate; cw=$1; shift; COMP_WORDS=("$@"); COMP_CWORD=$cw
			_vgate; echo "${COMPREPLY[*]}"' comp "$@" 2>&1
	}
	[ "$(comp 2 $V ipsec sh)" = "show" ] && ok || bad "bash: vgate ipsec sh<TAB>: '$(comp 2 $V ipsec sh)'"
	[ "$(comp 3 $V ipsec show '')" = "sa sad rule peer global natt ike" ] && ok || bad "bash: vgate ipsec show <TAB>: '$(comp 3 $V ipsec show '')'"
	[ "$(comp 3 $V -j ipsec s)" = "sa show swSkipOverlapIp" ] && ok || bad "bash: options skipped: '$(comp 3 $V -j ipsec s)'"
	[ "$(comp 1 $V --js)" = "--json" ] && ok || bad "bash: options: '$(comp 1 $V --js)'"
	[ "$(comp 3 $V -f conf x)" = "" ] && ok || bad "bash: nothing after -f FILE: '$(comp 3 $V -f conf x)'"
	[ "$(comp 2 $V -f ../comp)" = "../completion" ] && ok || bad "bash: -f completes files: '$(comp 2 $V -f ../comp)'"
	# IPv6: bash splits fd00::1 at the colons; the words are joined again
	[ "$(comp 9 $V ipsec explain fd00 :: 1 fd00 :: 2 pr)" = "proto" ] && ok || bad "bash: after IPv6 addresses: '$(comp 9 $V ipsec explain fd00 :: 1 fd00 :: 2 pr)'"
	[ "$(comp 6 $V ipsec sa add 0x1000 mode '')" = "tunnel transport" ] && ok || bad "bash: mode: '$(comp 6 $V ipsec sa add 0x1000 mode '')'"
	# words typed with quotes or backslashes reach "vgate complete" unquoted
	[ "$(comp 2 $V "'ipsec'" sh)" = "show" ] && ok || bad "bash: 'ipsec' sh<TAB>: '$(comp 2 $V "'ipsec'" sh)'"
	[ "$(comp 3 $V ipsec '"sh"ow' '')" = "sa sad rule peer global natt ike" ] && ok || bad "bash: \"sh\"ow <TAB>: '$(comp 3 $V ipsec '"sh"ow' '')'"
	[ "$(comp 3 $V ipsec 's\how' '')" = "sa sad rule peer global natt ike" ] && ok || bad "bash: s\\how <TAB>: '$(comp 3 $V ipsec 's\how' '')'"
	[ "$(comp 7 $V ipsec rule add 10 descr '"LAN to HQ"' ac)" = "action" ] && ok || bad "bash: after a quoted descr: '$(comp 7 $V ipsec rule add 10 descr '"LAN to HQ"' ac)'"
	bash -c '. ../completion/vgate; complete -p vgate' 2>&1 | grep -q -- '-F _vgate vgate$' && ok || bad "bash: complete -F _vgate vgate not registered"
fi

# --- make install-user: the CLI, header, man pages and completion ---
if make -s -C .. install-user DESTDIR="$TMP/root" PREFIX=/usr >"$TMP/inst" 2>&1; then
	missing=
	for f in sbin/vgate sbin/vgate-iked include/linux/vgate.h share/man/man8/vgate.8 \
		share/man/man8/vgate-iked.8 share/man/man5/vgate.conf.5 \
		share/bash-completion/completions/vgate; do
		[ -s "$TMP/root/usr/$f" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && cmp -s ../man/vgate.8 "$TMP/root/usr/share/man/man8/vgate.8" && ok || bad "install-user: missing under DESTDIR/usr:$missing"
else
	bad "make install-user DESTDIR=...: $(cat "$TMP/inst")"
fi

# --- the documentation against the table, and its examples parse ---
if command -v python3 >/dev/null; then
	python3 tests/doc_test.py table "$V" >"$TMP/doc" 2>&1 && ok || { bad "docs vs command table:"; grep -v '^ok' "$TMP/doc"; }
	grep '^1\.\.' "$TMP/doc" | sed 's/^/docs vs table: /'
	python3 tests/doc_test.py examples "$V" >"$TMP/doc" 2>&1 && ok || { bad "doc examples:"; grep -v '^ok' "$TMP/doc"; }
	grep '^1\.\.\|^# ' "$TMP/doc" | sed 's/^/doc examples: /'
	# man pages: the tree's version, no warnings from man/groff
	for m in ../man/vgate.8 ../man/vgate-iked.8 ../man/vgate.conf.5; do
		grep -q "^\.TH .* \"vgate $(cat ../VERSION)\"" "$m" && ok || bad "$m: .TH does not say vgate $(cat ../VERSION) (../VERSION)"
	done
	if command -v man >/dev/null && command -v groff >/dev/null; then
		for m in ../man/vgate.8 ../man/vgate-iked.8 ../man/vgate.conf.5; do
			w=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$m" 2>&1 >/dev/null)
			[ -z "$w" ] && ok || bad "man --warnings $m: $w"
		done
	else
		echo "SKIP: man page warnings (man or groff not found)"
	fi
else
	echo "SKIP: documentation tests (python3 not found)"
fi
# --- keywords: any case, unique prefixes; values keep their case ---
# same ARGS1 -- ARGS2: both send the same requests (dry-run output).
same() {
	a1=""
	while [ "$1" != "--" ]; do a1="$a1 $1"; shift; done
	shift
	# shellcheck disable=SC2086
	$V --dry-run $a1 >"$TMP/same1" 2>&1
	r1=$?
	$V --dry-run "$@" >"$TMP/same2" 2>&1
	r2=$?
	if [ $r1 = 0 ] && [ $r2 = 0 ] && [ -s "$TMP/same1" ] && cmp -s "$TMP/same1" "$TMP/same2"; then
		ok
	else
		bad "vgate$a1 (rc $r1) and vgate $* (rc $r2) differ: $(cat "$TMP/same1") / $(cat "$TMP/same2")"
	fi
}
same ipsec sh sa -- ipsec show sa
same IPSEC Show SAD -- ipsec show sad
same ipsec swskipoverlapip on -- ipsec swSkipOverlapIp on
same ip arp ackGratuitous forceupdate on -- ip arp ackGratuitous forceUpdate on
same ip a ack f on -- ip arp ackGratuitous forceUpdate on
same ipsec natt socket -- ipsec natt socket port 4500
same ipsec ru add 10 pre ac drop loc 10.0.0.0/8 -- ipsec rule add 10 pre action drop local 10.0.0.0/8
same ipsec rule add 10 PRE ACTION drop -- ipsec rule add 10 pre action drop
same bm int eth0 en bandwidth 1mbit -- bm interface eth0 enable bandwidth 1mbit
# "natt" in full is not a prefix of "nattKeepalive"
request ipsec natt release -- "ENCAP_SOCK_DEL"
# ambiguous: an error naming the token and the candidates, nothing sent
refused 1 'ambiguous command "s" (sa, show, swSkipOverlapIp)' ipsec s sa
refused 1 'ambiguous command "n" (natt, nattKeepalive)' ipsec n
refused 1 'ambiguous keyword "a" for "ipsec rule add" (action, ahSpiOut, ahSpiIn)' ipsec rule add 10 pre a drop
refused 1 'ambiguous keyword "d" for "ipsec sa add" (dst, dport)' ipsec sa add 0x1000 d 198.51.100.2
# values keep their case: a peer name and a description
request ipsec peer add GwMixed addr 192.0.2.9 DESCR HeadOffice -- '    NAME str "GwMixed"' '    DESCR str "HeadOffice"'
# a hidden keyword is not reached by a prefix
refused 1 'unknown keyword "--iter" for "ipsec explain"' ipsec explain 10.0.0.1 10.0.0.2 --iter 5
# '?' after a prefix lists what follows the word it stands for
$V --dry-run ipsec sh '?' >"$TMP/out" 2>&1
grep -q "^  sad " "$TMP/out" && ok || bad "ipsec sh ? does not list sad: $(cat "$TMP/out")"

# --- -j also after the command, among its arguments ---
# ipsec show peer -j: every peer (a dump), not a peer named "-j"
request ipsec show peer -j -- "PEER_GET dump"
$V --dry-run ipsec show peer -j >"$TMP/out" 2>&1
grep -q '"-j"' "$TMP/out" && bad "ipsec show peer -j looked for a peer \"-j\": $(cat "$TMP/out")" || ok
same ipsec show sa -j -- -j ipsec show sa
same ipsec replayWindow --json -- --json ipsec replayWindow
same ip arp show -j interface eth0 -- -j ip arp show interface eth0
# where a value is expected, "-j" is the value
request ipsec peer add gwJ addr 192.0.2.9 descr -j -- '    DESCR str "-j"'
# a knob shown with -j in a command file is a read: no transaction
printf 'ipsec replayWindow -j\n' >"$TMP/j.conf"
$V --dry-run -f "$TMP/j.conf" >"$TMP/out" 2>&1
if grep -q TXN_BEGIN "$TMP/out" || ! grep -q CONFIG_GET "$TMP/out"; then
	bad "-f with ipsec replayWindow -j: $(cat "$TMP/out")"
else
	ok
fi

# --- -n NETNS / --netns NETNS: as ip -n ---
expect 1 'bad network namespace "vgate-nosuch-ns" (no /run/netns/vgate-nosuch-ns' -n vgate-nosuch-ns ipsec show sa
expect 1 'bad network namespace "vgate-nosuch-ns"' --netns vgate-nosuch-ns ipsec show sa
expect 1 'bad network namespace "../etc"' -n ../etc ipsec show sa
expect 1 'bad network namespace ""' -n "" ipsec show sa
badopt 'vgate: option "-n" needs a value' -n
$V --help | grep -q -- "-n NETNS" && ok || bad "vgate --help does not name -n NETNS"
# In a namespace of our own (root and ip netns only): '?' lists its
# interfaces (only lo), not ours.
NS=vgate-clitest-$$
host_if=
for f in /sys/class/net/*/type; do
	[ "$(cat "$f")" = 1 ] && { host_if=$(basename "$(dirname "$f")"); break; }
done
if [ -n "$host_if" ] && [ "$(id -u)" = 0 ] && ip netns add "$NS" 2>/dev/null; then
	$V --dry-run ip arp show interface '?' >"$TMP/out" 2>&1
	grep -q "^  $host_if " "$TMP/out" && ok || bad "? does not list $host_if: $(cat "$TMP/out")"
	$V --dry-run -n "$NS" ip arp show interface '?' >"$TMP/out" 2>&1
	grep -q "^  $host_if " "$TMP/out" && bad "-n $NS: ? lists $host_if of the host: $(cat "$TMP/out")" || ok
	grep -q "^  <IF> " "$TMP/out" && ok || bad "-n $NS: ? output: $(cat "$TMP/out")"
	ip netns del "$NS"
else
	echo "SKIP: -n NETNS positive test (needs an Ethernet interface, root and ip netns)"
fi

# --- '?' on every command's words: each word offered has its own help ---
nohelp=
while read -r line; do
	p=
	for w in $line; do
		# shellcheck disable=SC2086
		h=$($V --dry-run $p '?' 2>/dev/null | awk 'NF == 1 && $1 !~ /^</')
		[ -n "$h" ] && nohelp="$nohelp [${p# }: $h]"
		[ "$w" = IF ] && w=eth0
		p="$p $w"
	done
done <<EOF_CMDS
$($V complete --commands)
EOF_CMDS
[ -z "$nohelp" ] && ok || bad "'?' offers words without help:$nohelp"
# help of a word is its own subsystem's: bm's "interface" is not ip arp's
$V bm '?' | grep -q '^  interface .*shaping' && ok || bad "bm ? interface help: $($V bm '?')"
$V ip arp ackGratuitous '?' | grep -q '^  interface .*override' && ok || bad "ip arp ackGratuitous ? interface help: $($V ip arp ackGratuitous '?')"
# the usage's value words come from the vocabulary: every cipher is there
for e in $($V complete ipsec sa add 0x1000 enc ''); do
	$V --help | grep -q -- " $e\( \|$\)" || bad "usage lacks ENC $e"
done
ok

# --- ipsec show ike: vgate-iked's control socket (tests/fake_iked.py plays it) ---
if command -v python3 >/dev/null; then
	CTL=$TMP/iked.ctl
	# fake ANSWER N: serve N connections, wait until it listens
	fake() {
		rm -f "$CTL.req"
		python3 tests/fake_iked.py "$CTL" "$1" "$2" >"$TMP/fake.out" 2>&1 &
		for _ in $(seq 100); do grep -q ready "$TMP/fake.out" && return; sleep 0.1; done
	}
	fake tests/ike/show_ike.answer 2
	VGATE_IKED_CONTROL=$CTL $V ipsec show ike >"$TMP/out" 2>&1
	cmp -s "$TMP/out" tests/ike/show_ike.out && ok || bad "show ike text: $(diff tests/ike/show_ike.out "$TMP/out")"
	VGATE_IKED_CONTROL=$CTL $V ipsec show ike -j >"$TMP/out" 2>&1
	cmp -s "$TMP/out" tests/ike/show_ike.json.out && ok || bad "show ike JSON: $(diff tests/ike/show_ike.json.out "$TMP/out")"
	wait
	[ "$(cat "$CTL.req")" = "$(printf 'show ike\nshow ike')" ] && ok || bad "show ike: requests $(cat "$CTL.req")"
	# an answer without its OK line (a daemon that died half way), an ERROR line
	head -n 2 tests/ike/show_ike.answer >"$TMP/cut"
	printf 'ERROR control socket busy\n' >"$TMP/error"
	fake "$TMP/cut" 1
	VGATE_IKED_CONTROL=$CTL $V ipsec show ike >"$TMP/out" 2>&1
	rc=$?
	wait
	[ $rc != 0 ] && [ "$(cat "$TMP/out")" = "vgate: IKE daemon at $CTL: answer cut short (no OK line)" ] && ok || bad "show ike, answer cut: rc $rc $(cat "$TMP/out")"
	fake "$TMP/error" 1
	VGATE_IKED_CONTROL=$CTL $V ipsec show ike >"$TMP/out" 2>&1
	rc=$?
	wait
	[ $rc != 0 ] && [ "$(cat "$TMP/out")" = "vgate: IKE daemon at $CTL: control socket busy" ] && ok || bad "show ike, ERROR: rc $rc $(cat "$TMP/out")"
	printf 'OK\n' >"$TMP/empty"
	fake "$TMP/empty" 1
	VGATE_IKED_CONTROL=$CTL $V ipsec show ike >"$TMP/out" 2>&1
	wait
	[ "$(cat "$TMP/out")" = "$(printf 'IKE SAs\nno IKE SAs\n\nCHILD SAs\nno CHILD SAs')" ] && ok || bad "show ike, none: $(cat "$TMP/out")"
	VGATE_IKED_CONTROL=$TMP/none.ctl $V ipsec show ike >"$TMP/out" 2>&1
	rc=$?
	[ $rc != 0 ] && grep -qxF "vgate: IKE daemon not reachable at $TMP/none.ctl: No such file or directory (is vgate-iked running with --control $TMP/none.ctl?)" "$TMP/out" && ok || bad "show ike, no daemon: rc $rc $(cat "$TMP/out")"
	$V --dry-run ipsec show ike | grep -qx "IKED /run/vgate-iked.ctl: show ike" && ok || bad "show ike dry-run"
fi

# --- interactive shell: TAB completion and '?' through a pty ---
if command -v python3 >/dev/null; then
	python3 tests/pty_test.py "$V" && ok || bad "interactive shell"
fi

echo "$n tests, $fail failed"
[ $fail = 0 ]
