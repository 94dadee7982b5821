#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tunnel_fixture: lib_tunnel.sh's own test.  Its peer kinds build working
# tunnels, and its hook refuses a kind nobody defined.
#
#   lanA ---- gwA (vgate) ==== wire ==== gwB (peer kind) ---- lanB
#   10.1.0.2  10.1.0.1  192.0.2.1    192.0.2.2  10.2.0.1   10.2.0.2
#
# For kind vgate (a mirror image vgate configuration on gwB) and kind xfrm
# (the kernel's XFRM on gwB): lanA and lanB ping each other, and the wire
# saw ESP with the configured SPIs both ways and no cleartext.
# tunnel_peer_down leaves nothing on gwB.  A kind without a
# tunnel_peer_<kind> function returns 4 (the IKE issues' peers skip that
# way where their daemon is missing).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_tunnel.sh"

require_cmd ip nft ping jq

tap_plan 7
tunnel_topo

# traffic KIND: ping both ways, ESP of both SPIs on the wire, no cleartext.
# shellcheck disable=SC2317 # called through check
traffic() {
	local err="" ab ba clear
	wire_counters "esp_ab=iifname toA esp spi ${TUN[spi_ab]}" \
		"esp_ba=iifname toB esp spi ${TUN[spi_ba]}" \
		"cleartext=ip protocol != esp"
	ns lanA ping -c 3 -i 0.2 -W 2 10.2.0.2 >/dev/null || err="$err ping-a-to-b"
	ns lanB ping -c 3 -i 0.2 -W 2 10.1.0.2 >/dev/null || err="$err ping-b-to-a"
	ab=$(wire_count esp_ab); ba=$(wire_count esp_ba); clear=$(wire_count cleartext)
	[ "${ab:-0}" -ge 6 ] || err="$err esp-a-to-b=$ab"
	[ "${ba:-0}" -ge 6 ] || err="$err esp-b-to-a=$ba"
	[ "${clear:-1}" -eq 0 ] || err="$err cleartext=$clear"
	echo "# $1: ESP ${TUN[spi_ab]} $ab pkts, ${TUN[spi_ba]} $ba pkts, cleartext $clear"
	[ -z "$err" ] || {
		echo "# $1:$err"
		for g in "${TUN[a]}" "${TUN[b]}"; do
			vgate "$g" ipsec show global | grep '^drop ' |
				awk -v g="$g" '$NF != 0 { print "# " g ": " $0 }'
		done
		return 1
	}
}

# gwb_config: what is configured on gwB, vgate's and XFRM's.
gwb_config() {
	echo "sas=$(vgate gwB -j ipsec show sad | jq length)" \
		"rules=$(vgate gwB -j ipsec show rule | jq length)" \
		"peers=$(vgate gwB -j ipsec show peer | jq length)" \
		"xfrm=$(ns gwB ip xfrm state | wc -l)/$(ns gwB ip xfrm policy | wc -l)"
}
empty="sas=0 rules=0 peers=0 xfrm=0/0"

tunnel_set kind=vgate alg=aes256-cbc-sha256 spi_ab=0x1100 spi_ba=0x2100
check "tunnel_fixture kind vgate: tunnel_up" tunnel_up
check "tunnel_fixture kind vgate: ping both ways, ESP on the wire" traffic vgate
tunnel_peer_down
tunnel_vgate_down
vgate gwA ipsec peer flush
check_eq "tunnel_fixture kind vgate: tunnel_peer_down leaves gwB empty" \
	"$(gwb_config)" "$empty"

# Fresh namespaces: a namespace where vgate has held SAs and rules keeps
# taking the ESP that arrives there (gwB would drop XFRM's ESP as no-SA).
topo_teardown
tunnel_topo
tunnel_set kind=xfrm alg=aes128-gcm spi_ab=0x1200 spi_ba=0x2200
check "tunnel_fixture kind xfrm: tunnel_up" tunnel_up
check "tunnel_fixture kind xfrm: ping both ways, ESP on the wire" traffic xfrm
tunnel_peer_down
check_eq "tunnel_fixture kind xfrm: tunnel_peer_down leaves gwB empty" \
	"$(gwb_config)" "$empty"

tunnel_set kind=nosuchkind
rc=0; tunnel_peer >/dev/null || rc=$?
check_eq "tunnel_fixture an undefined peer kind: tunnel_peer returns 4" "$rc" 4
tap_done
