# SPDX-License-Identifier: GPL-2.0
# Shared by wire_fuzz.sh and bench/wire_fuzz.sh (sourced after lib.sh):
# gwA holding SAs of every type from gwB, for tools/wirefuzz.py.
#
#   lanA ------- gwA (vgate) ==== wire ==== gwB (tools/wirefuzz.py)
#   10.1.0.2     10.1.0.1 192.0.2.1 fd00:ff::1   192.0.2.2 fd00:ff::2
#
# Inbound SAs on gwA (NULL + HMAC-SHA-256 unless said):
#   0x2000 ESP tunnel (entry 10: 10.1.0.0/24 <-> 10.2.0.0/24, window 4096)
#   0x2100 AH transport
#   0x2200 ESP transport with IPComp CPI 0x300 (entry 20, UDP to gwA:7)
#   0x2300 ESP transport in UDP 4500 (vgate's NAT-T socket)
#   0x2400 ESP tunnel over IPv6
WIREFUZZ="python3 $REPO/selftests/tools/wirefuzz.py"
WIRE_KEY=$(hexkey 32)
WIRE_AH_KEY=$(hexkey 32)

# wire_setup: the topology and gwA's SAs and entries
wire_setup() {
	local a=192.0.2.1 b=192.0.2.2 k="enc null auth hmac-sha256 authKey $WIRE_KEY"
	topo_gw_pair gwA gwB
	topo_gw_pair_ipv6 gwA gwB
	vgate gwA ipsec peer add gwB addr $b &&
	vgate gwA ipsec peer add gwB6 addr fd00:ff::2 &&
	vgate gwA ipsec natt socket &&
	vgate gwA ipsec sa add 0x1000 src $a dst $b mode tunnel $k &&
	vgate gwA ipsec sa add 0x2000 src $b dst $a mode tunnel $k replayWindow 4096 &&
	vgate gwA ipsec sa add 0x1100 src $a dst $b mode transport proto ah \
		auth hmac-sha256 authKey "$WIRE_AH_KEY" &&
	vgate gwA ipsec sa add 0x2100 src $b dst $a mode transport proto ah \
		auth hmac-sha256 authKey "$WIRE_AH_KEY" &&
	vgate gwA ipsec sa add 0x1200 src $a dst $b mode transport $k &&
	vgate gwA ipsec sa add 0x2200 src $b dst $a mode transport $k replayWindow 4096 &&
	vgate gwA ipsec sa add 0x301 src $a dst $b mode transport proto comp &&
	vgate gwA ipsec sa add 0x300 src $b dst $a mode transport proto comp &&
	vgate gwA ipsec sa add 0x1300 src $a dst $b mode transport $k encap udp &&
	vgate gwA ipsec sa add 0x2300 src $b dst $a mode transport $k encap udp &&
	vgate gwA ipsec sa add 0x1400 src fd00:ff::1 dst fd00:ff::2 mode tunnel $k &&
	vgate gwA ipsec sa add 0x2400 src fd00:ff::2 dst fd00:ff::1 mode tunnel $k &&
	vgate gwA ipsec rule add 10 peer gwB local 10.1.0.0/24 remote 10.2.0.0/24 \
		action protect spiOut 0x1000 spiIn 0x2000 &&
	vgate gwA ipsec rule add 20 peer gwB local $a remote $b proto udp lport 7 \
		action protect selfTraffic on spiOut 0x1200 spiIn 0x2200 \
		cpiOut 0x301 cpiIn 0x300 &&
	vgate gwA ipsec rule add 30 peer gwB6 local fd00:1::/64 remote fd00:2::/64 \
		action protect spiOut 0x1400 spiIn 0x2400
}

# wire_absorbed: every packet vgate dropped (all reasons) or took as a NAT
# keepalive on gwA so far
wire_absorbed() {
	vgate gwA -j ipsec show global |
		jq '([.drops[]] | add) + .natt_keepalives_in'
}

# wire_wait_absorbed WANT: until wire_absorbed reaches WANT (up to 60 s:
# a backlog of crypto under emulation); prints the final count
wire_wait_absorbed() {
	local i n
	for i in $(seq 120); do
		n=$(wire_absorbed)
		[ "$n" -ge "$1" ] && break
		sleep 0.5
	done
	echo "$n"
}
