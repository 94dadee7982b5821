#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once per machine; cached under .vm/debug/) a debug kernel for
# "make check-debug": Debian's own 6.1 config from /boot, trimmed to the
# subsystems the tests use, plus KASAN, lockdep (PROVE_LOCKING), kmemleak,
# DEBUG_ATOMIC_SLEEP and the fault-injection framework (FAULT_INJECTION,
# which gives vgate's own allocation sites their fault attribute in debugfs,
# and FAILSLAB/FAIL_PAGE_ALLOC for tasks marked make-it-fail). x86_64 has no
# stack-trace filter for failslab, hence vgate's own attribute.
#
#   selftests/vm/debug-kernel.sh [--print-kver]
#
# Output: .vm/debug/build/arch/x86/boot/bzImage, the modules installed under
# .vm/debug/mods/lib/modules/$DKVER (the VM bind-mounts that directory over
# /lib/modules/$DKVER), and .vm/debug/kver. Rebuilt when this script or the
# source package changes. Takes about an hour on 2 cores; nice'd.
#
# The trimming: every net/, crypto/ and lib/ module Debian ships stays a
# module (tests load xfrm, netfilter, qdiscs, crypto on demand), plus the
# virtual net devices the tests create; everything else that is a module in
# Debian's config (GPU, sound, storage, USB, ... drivers) is left out by
# localmodconfig. The VM's own boot path (virtio, 9p, overlayfs) is built in.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
D=${VGATE_DEBUG_DIR:-$REPO/.vm/debug}
SRC=${VGATE_KSRC:-/usr/src/linux-source-6.1}
BASEVER=$(find /lib/modules -mindepth 2 -maxdepth 2 -name build 2>/dev/null |
	sed 's,/lib/modules/,,;s,/build,,' | sort -V | tail -n 1)
BASECONFIG=/boot/config-$BASEVER
LOCALVERSION=-vgate-debug

die() { echo "debug-kernel: $*" >&2; exit 1; }
[ -f "$SRC/Makefile" ] || die "$SRC missing (install linux-source-6.1 and extract it: selftests/vm/install-deps.sh)"
[ -f "$BASECONFIG" ] || die "$BASECONFIG missing (install linux-image-amd64)"

# The build's identity: this script without its comments (a comment or the
# folder it builds in does not make a new kernel), the source, the config.
ID=$( { grep -v -e '^[[:space:]]*#' -e '^D=' "${BASH_SOURCE[0]}" | md5sum; ls -ld --time-style=+%s "$SRC/Makefile"; md5sum <"$BASECONFIG"; } | md5sum | cut -d' ' -f1)
if [ -f "$D/kver" ] && [ "$(cat "$D/id" 2>/dev/null)" = "$ID" ] &&
   [ -f "$D/build/arch/x86/boot/bzImage" ]; then
	[ "${1:-}" = --print-kver ] && cat "$D/kver"
	exit 0
fi
[ "${1:-}" = --print-kver ] && die "not built yet"

for t in flex bison bc; do
	command -v $t >/dev/null || die "$t missing (selftests/vm/install-deps.sh --debug)"
done
[ -f /usr/include/libelf.h ] || die "libelf-dev missing (selftests/vm/install-deps.sh --debug)"

mkdir -p "$D/build"
B=$D/build
K() { nice -n 10 make -s -C "$SRC" O="$B" LOCALVERSION=$LOCALVERSION "$@"; }

echo "debug-kernel: configuring in $B" >&2
cp "$BASECONFIG" "$B/.config"

# localmodconfig keeps the modules listed as loaded: list, in lsmod's
# format, every module Debian ships under these directories.
MODSRC=/lib/modules/$BASEVER/kernel
{
	echo "Module Size Used by"
	{ find "$MODSRC/net" "$MODSRC/crypto" "$MODSRC/lib" "$MODSRC/arch/x86/crypto" \
		"$MODSRC/drivers/net" "$MODSRC/drivers/net/ppp" \
		"$MODSRC/drivers/net/wireless/virtual" "$MODSRC/drivers/char/hw_random" \
		"$MODSRC/drivers/virtio" "$MODSRC/fs/9p" "$MODSRC/fs/overlayfs" \
		"$MODSRC/fs/netfs" "$MODSRC/fs/fscache" "$MODSRC/fs/nls" \
		-name '*.ko*' 2>/dev/null || true; } |
		grep -vE '/net/(bluetooth|nfc|can|ieee802154|mac802154|rxrpc|sunrpc|ceph|rds|tipc|atm|ax25|netrom|rose|appletalk|x25|lapb|phonet|caif|qrtr|smc|batman-adv|openvswitch|dsa)/' |
		grep -vE '/drivers/net/(ethernet|wireless/[a-z]|usb|can|wan|fddi|hamradio|ieee802154|arcnet|plip|slip|wwan|fjes|hyperv|xen|thunderbolt|phy|mdio|pcs|dsa|ipa|mhi)' |
		sed 's,.*/,,; s/\.ko.*//; s/-/_/g' | sort -u | sed 's/$/ 0 0/'
} >"$B/lsmod.txt"
echo "debug-kernel: keeping $(($(wc -l <"$B/lsmod.txt") - 1)) modules" >&2
K LSMOD="$B/lsmod.txt" localmodconfig </dev/null >/dev/null 2>&1 || K LSMOD="$B/lsmod.txt" localmodconfig </dev/null

C() { "$SRC/scripts/config" --file "$B/.config" "$@"; }
# Boot path of selftests/vm/run.sh's VM, built in (no initramfs modules).
for o in VIRTIO VIRTIO_PCI VIRTIO_PCI_LEGACY VIRTIO_RING NET_9P NET_9P_VIRTIO \
	9P_FS 9P_FS_POSIX_ACL NETFS_SUPPORT FSCACHE OVERLAY_FS HW_RANDOM_VIRTIO; do
	C --enable "$o"
done
# No debug info (half the build time, gigabytes of disk); no module
# signing keys from Debian's build.
C --disable DEBUG_INFO --enable DEBUG_INFO_NONE --disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT \
	--disable DEBUG_INFO_BTF --disable DEBUG_INFO_BTF_MODULES \
	--disable MODULE_SIG_ALL --set-str MODULE_SIG_KEY "certs/signing_key.pem" \
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
	--disable MODULE_COMPRESS_XZ --enable MODULE_COMPRESS_NONE
# Built-in parts of Debian's config that a VM with no devices, no LSM
# policy and a serial console never uses: an hour less on 2 cores.
C --disable XEN --disable HIBERNATION --disable SECURITY_SELINUX \
	--disable SECURITY_TOMOYO --disable IMA --disable EVM --disable TCG_TPM \
	--disable SPI --disable MD --disable FB --disable AGP --disable I2C \
	--disable HWMON --disable THERMAL --disable WATCHDOG --disable USB_SUPPORT \
	--disable GPIOLIB --disable PINCTRL --disable CPU_FREQ --disable KEXEC \
	--disable SOUND --disable DRM --disable MEDIA_SUPPORT --disable INFINIBAND \
	--disable NFS_FS --disable CIFS --disable BTRFS_FS --disable XFS_FS
# The checkers.
C --enable KASAN --enable KASAN_GENERIC --enable KASAN_INLINE --enable KASAN_VMALLOC \
	--enable PROVE_LOCKING --enable DEBUG_LOCKDEP --enable DEBUG_ATOMIC_SLEEP \
	--enable DEBUG_KMEMLEAK --set-val DEBUG_KMEMLEAK_MEM_POOL_SIZE 40000 \
	--disable DEBUG_KMEMLEAK_DEFAULT_OFF --enable DEBUG_KMEMLEAK_AUTO_SCAN \
	--enable FAULT_INJECTION --enable FAILSLAB --enable FAIL_PAGE_ALLOC \
	--enable FAULT_INJECTION_DEBUG_FS \
	--enable FAULT_INJECTION_USERCOPY --enable DEBUG_FS
K olddefconfig </dev/null >/dev/null
for o in KASAN PROVE_LOCKING DEBUG_KMEMLEAK DEBUG_ATOMIC_SLEEP FAILSLAB FAIL_PAGE_ALLOC \
	FAULT_INJECTION_DEBUG_FS 9P_FS OVERLAY_FS VIRTIO_PCI XFRM_USER INET_ESP; do
	grep -qE "^CONFIG_$o=(y|m)" "$B/.config" || die "CONFIG_$o did not survive olddefconfig"
done

echo "debug-kernel: building (nice'd; about an hour on 2 cores)" >&2
t0=$(date +%s)
K -j"$(nproc)" bzImage modules
rm -rf "$D/mods"
K INSTALL_MOD_PATH="$D/mods" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install >/dev/null
DKVER=$(cat "$B/include/config/kernel.release")
# The tree vgate's modules build against (KDIR).
rm -f "$D/mods/lib/modules/$DKVER/build" "$D/mods/lib/modules/$DKVER/source"
echo "$DKVER" >"$D/kver"
echo "$ID" >"$D/id"
echo "debug-kernel: $DKVER built in $(( $(date +%s) - t0 ))s" >&2
