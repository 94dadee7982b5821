#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages vgate needs to build, lint and test, if missing.
# Quiet when everything is present. Run as root (CI: fresh Debian 12).
# POSIX sh: the Makefile runs this with `sh`.
# clang and libclang-rt-14-dev: the CLI's libFuzzer targets (make -C cli fuzz).
# libssl-dev: OpenSSL 3 for the IKE helper (ike-helper/, libcrypto);
# libstrongswan-standard-plugins: charon's openssl plugin (ECP, X25519,
# AES-GCM, ChaCha20 in IKE) for ike-helper/tests/iked_charon.sh.
# --debug: also what building the debug kernel needs (make check-debug).
# iputils-arping (arping -U/-A for the gratuitous-ARP tests) conflicts with
# the package "arping", whose options differ: the tests need iputils'.
set -eu

PKGS="build-essential linux-image-amd64 linux-headers-amd64 qemu-system-x86
busybox-static xz-utils kmod libnl-3-dev libnl-genl-3-dev libreadline-dev
pkg-config iproute2 iperf3 iputils-ping iputils-arping tshark sparse linux-source-6.1
linux-perf jq python3 strongswan-charon strongswan-swanctl libstrongswan-standard-plugins
nftables iw
clang libclang-rt-14-dev libssl-dev"
[ "${1:-}" = --debug ] && PKGS="$PKGS flex bison bc libelf-dev"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	elif [ -n "$missing" ]; then
		echo "install-deps: missing packages:$missing (need root)" >&2
		exit 1
	fi
fi

if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	# tshark asks whether non-root users may capture; answer no, no prompt.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		$SUDO debconf-set-selections
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $missing
fi

# checkpatch.pl and the kernel's own esp4.c/xfrm live in linux-source.
SRC=/usr/src/linux-source-6.1
if [ ! -d "$SRC" ] && [ -f "$SRC.tar.xz" ]; then
	echo "install-deps: extracting $SRC.tar.xz"
	$SUDO tar -C /usr/src -xJf "$SRC.tar.xz"
fi
exit 0
