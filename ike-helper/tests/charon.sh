# SPDX-License-Identifier: GPL-2.0
# strongSwan's charon as a test peer, shared by ike-helper/tests/iked_charon.sh
# (host) and selftests/_iked_vgate_charon.sh (VM); ike-testing.md says why
# each setting is there.
#
#   charon_start NETNS DIR [LOG_LINE...]  charon in NETNS with its own mount
#                 namespace (a tmpfs on /run: its pid file path is fixed),
#                 config DIR/strongswan.conf, log DIR/charon.log, vici socket
#                 DIR/charon.vici, output DIR/charon.out; LOG_LINEs are extra
#                 filelog levels ("chd = 4").  In the background: the caller
#                 waits for the vici socket.  CHARON_EXTRA: more lines
#                 for its charon section (fragment_size = 300).
#   charon_has_openssl  the openssl plugin is installed (ECP, X25519, GCM)

CHARON=${CHARON:-/usr/lib/ipsec/charon}
CHARON_PLUGINS=/usr/lib/ipsec/plugins

charon_has_openssl() { [ -e "$CHARON_PLUGINS/libstrongswan-openssl.so" ]; }

charon_start() {
	local netns=$1 dir=$2 l extra=""
	local load="random nonce aes sha1 sha2 hmac gmp pem pkcs1 x509 kdf xcbc kernel-netlink socket-default vici"
	shift 2
	for l in "$@"; do
		extra="$extra			$l
"
	done
	charon_has_openssl && load="$load openssl"
	cat >"$dir/strongswan.conf" <<CONF
charon {
	load = $load
	install_routes = no
	${CHARON_EXTRA:-}
	retransmit_timeout = 1
	retransmit_tries = 3
	filelog {
		log {
			path = $dir/charon.log
			flush_line = yes
			default = 1
			ike = 2
			knl = 2
$extra		}
	}
	plugins {
		vici {
			socket = unix://$dir/charon.vici
		}
	}
}
CONF
	ip netns exec "$netns" unshare -m sh -c "mount -t tmpfs none /run &&
		STRONGSWAN_CONF=$dir/strongswan.conf exec $CHARON" >"$dir/charon.out" 2>&1 &
}
