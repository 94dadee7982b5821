#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bwm_filter_order: the seed's "FTP filter before H.323 broke H.323", and
# its cause, overlapping filters decided by order.  FTP, H.323, SIP and
# broad user-defined filters for TCP and UDP ports 1024-65535 are added in
# one order and in the reverse order; both classify the same way:
#
#   gw (FTP client, vgate_bwm on wan) wan 10.9.0.1 ---- peer eth0 10.9.0.2
#   gw: nf_conntrack_ftp assigned to TCP 21 (nft "ct helper set"),
#       nf_conntrack_h323 (Q.931) to TCP 1720, nf_conntrack_sip to UDP 5060
#   peer: tools/ftpmini.py FTP server, TCP sink on 1720, UDP sink on 1719,
#         tools/sipmini.py SIP server answering with media on UDP 40002
#
#   class 1: ftp (service ftp), class 2: h323 (service h323),
#   class 3: "high" (protocol tcp dport 1024-65535 and
#   protocol udp dport 1024-65535), class 4: sip (service sip)
#
# Traffic: 300 KB uploaded over a passive FTP data connection (to a high
# port of peer) and 300 KB over an active one (from peer's port 20 to a
# high port of gw), 200 KB to TCP 1720, 50 KB to UDP 1719, and a SIP call
# (INVITE, 200 OK with SDP, ACK, BYE) whose 50 KB of RTP go from a new
# UDP port of gw to the port the answer named.
# Expected, in both orders: the FTP data in class 1 (it follows its
# control connection: conntrack gave it a master, whose port is 21), H.323
# in class 2 (a service counts as protocol + one port: more specific than
# a port range), the RTP in class 4 with its call (the SIP helper expected
# it from the answer's SDP: master port 5060), almost nothing in class 3.
# Without the helpers the passive FTP data connection and the RTP fall
# into class 3: the master is what moves them.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"

require_cmd ip jq nft python3
modprobe nf_conntrack_ftp 2>/dev/null || skip_all "no nf_conntrack_ftp"
modprobe nf_conntrack_h323 2>/dev/null || skip_all "no nf_conntrack_h323"
modprobe nf_conntrack_sip 2>/dev/null || skip_all "no nf_conntrack_sip"
FTP="python3 -S $REPO/selftests/tools/ftpmini.py"
SIP="python3 -S $REPO/selftests/tools/sipmini.py"
bwm_load

ns_add gw peer
veth_link gw wan 10.9.0.1/24 peer eth0 10.9.0.2/24
helpers() {
	ns gw nft -f - <<'NFT'
table inet helpers {
	ct helper ftp { type "ftp" protocol tcp; }
	ct helper q931 { type "Q.931" protocol tcp; }
	ct helper sip { type "sip" protocol udp; }
	chain out {
		type filter hook output priority 0;
		tcp dport 21 ct helper set "ftp"
		tcp dport 1720 ct helper set "q931"
		udp dport 5060 ct helper set "sip"
	}
}
NFT
}
helpers
ns peer $FTP server 10.9.0.2 >"$VGATE_TMP/ftp.log" 2>&1 &
ns peer $FTP sink tcp 10.9.0.2 1720 >/dev/null 2>&1 &
ns peer $FTP sink udp 10.9.0.2 1719 >/dev/null 2>&1 &
ns peer $SIP server 10.9.0.2 40002 >"$VGATE_TMP/sip.log" 2>&1 &
wait_listen peer 21 && wait_listen peer 1720 &&
	wait_for sh -c "ip netns exec peer ss -Hlun 'sport = :5060' | grep -q ."

# bytes CLASS: the class's byte counter on gw's wan
bytes() { cls_stat gw wan "$1" bytes; }

# traffic: what each class got from the five transfers, "c1 c2 c3 c4" in KB
traffic() {
	local b1 b2 b3 b4 call
	b1=$(bytes 1); b2=$(bytes 2); b3=$(bytes 3); b4=$(bytes 4)
	ns gw $FTP stor 10.9.0.2 pasv 300000 &&
	ns gw $FTP stor 10.9.0.2 port 300000 &&
	ns gw $FTP send tcp 10.9.0.2 1720 200000 &&
	ns gw $FTP send udp 10.9.0.2 1719 50000 &&
	call=$(ns gw $SIP call 10.9.0.2 10.9.0.1 50000) &&
		echo "# $call" >&2 || echo "# traffic failed" >&2
	echo "$(( ($(bytes 1) - b1) / 1000 )) $(( ($(bytes 2) - b2) / 1000 ))" \
	     "$(( ($(bytes 3) - b3) / 1000 )) $(( ($(bytes 4) - b4) / 1000 ))"
}

classes() {
	bm gw interface wan enable bandwidth 100m
	bm gw class wan add 1 bandwidth 10m name ftp
	bm gw class wan add 2 bandwidth 10m name h323
	bm gw class wan add 3 bandwidth 10m name high
	bm gw class wan add 4 bandwidth 10m name sip
}

# judge ORDER "c1 c2 c3 c4"
judge() {
	local c1 c2 c3 c4
	read -r c1 c2 c3 c4 <<<"$2"
	echo "# $1: class 1 (ftp) ${c1} KB, class 2 (h323) ${c2} KB, class 3 (high) ${c3} KB, class 4 (sip) ${c4} KB"
	check "$1: FTP control and both data connections in class ftp" \
		test "$c1" -ge 600
	check "$1: H.323 (TCP 1720, UDP 1719) in class h323" \
		test "$c2" -ge 250
	# 291 datagrams of 172 bytes: 62 KB on the wire
	check "$1: the SIP call and its RTP media in class sip" \
		test "$c4" -ge 60
	check "$1: nothing of it in the broad class" test "$c3" -lt 30
}

tap_plan 11

classes
bm gw filter wan add 1 class 1 service ftp
bm gw filter wan add 2 class 2 service h323
bm gw filter wan add 3 class 3 protocol tcp dport 1024-65535
bm gw filter wan add 4 class 4 service sip
bm gw filter wan add 5 class 3 protocol udp dport 1024-65535
a=$(traffic)
judge "FTP, H.323, high ports, SIP, high UDP ports" "$a"
bm gw interface wan disable

classes
bm gw filter wan add 1 class 3 protocol udp dport 1024-65535
bm gw filter wan add 2 class 3 protocol tcp dport 1024-65535
bm gw filter wan add 3 class 4 service sip
bm gw filter wan add 4 class 2 service h323
bm gw filter wan add 5 class 1 service ftp
b=$(traffic)
judge "high ports, SIP, H.323, FTP" "$b"
vgate gw bm show filter wan | sed 's/^/# /'

# control: without the helpers, no master: passive data and RTP are "high"
ns gw nft delete table inet helpers
b3=$(bytes 3)
ns gw $FTP stor 10.9.0.2 pasv 300000
c3=$(( ($(bytes 3) - b3) / 1000 ))
echo "# without the helper: class 3 got $c3 KB of the passive upload"
check "without the FTP helper the data connection falls into class high" \
	test "$c3" -ge 290
b3=$(bytes 3)
ns gw $SIP call 10.9.0.2 10.9.0.1 50000 | sed 's/^/# /'
c3=$(( ($(bytes 3) - b3) / 1000 ))
echo "# without the helper: class 3 got $c3 KB of the call's RTP"
check "without the SIP helper the RTP media falls into class high" \
	test "$c3" -ge 60
sed 's/^/# sip server: /' "$VGATE_TMP/sip.log"
check "stored: the server received every upload in full" \
	test "$(grep -c '^stored 300000$' "$VGATE_TMP/ftp.log")" -eq 5
bm gw interface wan disable

tap_done
