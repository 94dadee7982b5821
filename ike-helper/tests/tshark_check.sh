#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The codec and the Encrypted payload against an independent dissector:
# Wireshark's (tshark).  pld_test's messages (--seeds) must dissect with
# the payloads we meant and nothing malformed; crypto_test's encrypted
# IKE_AUTH messages (--vectors), one per SK algorithm, must decrypt with
# their keys in Wireshark's ikev2_decryption_table to IDi and
# N(INITIAL_CONTACT), the integrity checksum found correct.  TAP; without
# tshark and text2pcap every line is a "# SKIP".  Run from ike-helper/.
set -u
cd "$(dirname "$0")/.." || exit 1
n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		fail=$((fail + 1))
	fi
}

if ! command -v tshark >/dev/null 2>&1 || ! command -v text2pcap >/dev/null 2>&1; then
	echo "ok 1 tshark dissects our messages # SKIP tshark or text2pcap not found"
	echo "1..1"
	exit 0
fi
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
mkdir "$t/seeds" "$t/vec"
./tests/pld_test --seeds "$t/seeds" >/dev/null
./tests/crypto_test --vectors "$t/vec" >/dev/null

# One pcap of several datagrams: UDP 500 each (text2pcap restarts a packet
# at offset 0).
pcap() {
	out=$1
	shift
	for f in "$@"; do
		od -Ax -tx1 -v "$f"
	done >"$out.hex"
	text2pcap -q -u 500,500 "$out.hex" "$out" 2>/dev/null
}

tsh() {
	tshark "$@" 2>/dev/null
}

# ---- the unit tests' messages: seed, expected isakmp.typepayload
# (Wireshark lists proposals as 2 and transforms as 3 among them).
set -- \
	sa_init "33,2,3,3,3,3,2,3,3,3,3,34,40,41,41,41,43" \
	informational "41,41" \
	auth_plain "35,37,38,39,41,33,2,3,3,44,45" \
	delete "42,42" \
	auth_sk "46" \
	skf1 "53"
files=""
for name in sa_init informational auth_plain delete auth_sk skf1; do
	files="$files $t/seeds/seed-$name"
done
# shellcheck disable=SC2086
pcap "$t/seeds.pcap" $files
tsh -r "$t/seeds.pcap" -T fields -e frame.number -e isakmp.typepayload \
	-e _ws.malformed -e _ws.expert.message -e isakmp.exchangetype \
	-e isakmp.key_exchange.dh_group -e isakmp.notify.msgtype \
	-e isakmp.vid_bytes -e isakmp.tf.id.encr | tr '\t' '/' >"$t/seeds.out"
i=1
while [ $# -gt 1 ]; do
	line=$(sed -n "${i}p" "$t/seeds.out" | cut -d/ -f1-4)
	[ "$line" = "$i/$2//" ]
	ok $? "tshark: $1 dissects as payloads $2, no malformed or expert note (got '$line')"
	i=$((i + 1))
	shift 2
done
got=$(sed -n 1p "$t/seeds.out" | cut -d/ -f5-)
want="34/19/16388,16389,16430/76676174652d696b6564/20,12"
[ "$got" = "$want" ]
ok $? "tshark: sa_init's exchange, KE group, notify types, vendor ID, ENCR IDs (got '$got')"

# ---- the encrypted messages, decrypted by Wireshark (one run, a
# decryption table row per message: their SPIs differ).
encr_name() {	# IANA ENCR, key bits
	case "$1/$2" in
	20/128) echo "AES-GCM-128 with 16 octet ICV [RFC5282]" ;;
	20/256) echo "AES-GCM-256 with 16 octet ICV [RFC5282]" ;;
	12/128) echo "AES-CBC-128 [RFC3602]" ;;
	12/256) echo "AES-CBC-256 [RFC3602]" ;;
	esac
}
integ_name() {	# IANA INTEG
	case "$1" in
	0) echo "NONE [RFC4306]" ;;
	2) echo "HMAC_SHA1_96 [RFC2404]" ;;
	12) echo "HMAC_SHA2_256_128 [RFC4868]" ;;
	13) echo "HMAC_SHA2_384_192 [RFC4868]" ;;
	14) echo "HMAC_SHA2_512_256 [RFC4868]" ;;
	esac
}
set --
files=""
while read -r num ispi rspi ek ak encr bits integ; do
	if [ "$encr" = 28 ]; then
		ok 0 "tshark: SK with ChaCha20-Poly1305 # SKIP Wireshark 4.0 cannot decrypt it in IKEv2"
		continue
	fi
	[ "$ak" = - ] && ak=""
	set -- "$@" -o "uat:ikev2_decryption_table:$ispi,$rspi,$ek,$ek,\"$(encr_name "$encr" "$bits")\",$ak,$ak,\"$(integ_name "$integ")\""
	files="$files $t/vec/$num.bin"
	echo "$(encr_name "$encr" "$bits") + $(integ_name "$integ")" >>"$t/names"
done <"$t/vec/keys"
# shellcheck disable=SC2086
pcap "$t/vec.pcap" $files
tsh -r "$t/vec.pcap" "$@" -T fields -e frame.number -e isakmp.typepayload \
	-e isakmp.id.type -e isakmp.notify.msgtype -e _ws.malformed \
	-e _ws.expert.message | tr '\t' '/' >"$t/vec.out"
i=1
while read -r name; do
	got=$(sed -n "${i}p" "$t/vec.out")
	[ "$got" = "$i/46,35,41/2/16384//" ]
	ok $? "tshark: SK with $name decrypts to IDi, N(INITIAL_CONTACT), checksum correct (got '$got')"
	i=$((i + 1))
done <"$t/names"
[ "$i" -gt 6 ]
ok $? "tshark: all $((i - 1)) encrypted messages checked"

echo "1..$n"
[ $fail -eq 0 ]
