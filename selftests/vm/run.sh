#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run vgate's selftests in a throwaway VM that boots Debian's own kernel with
# the host's root file system (read-only 9p + tmpfs overlay), in the style of
# virtme-ng. Guest side: selftests/vm/guest.sh.
#
#   selftests/vm/run.sh [--kver KVER] [--demo|--bench] [--debug [--fault PCT]]
#                       [-v] [-- TEST...]
#
#   TEST      selftests/TEST.sh (default: all selftests/*.sh); with --bench,
#             selftests/bench/TEST.sh (default: all of them)
#   --kver    kernel to boot (default: newest with /lib/modules/*/build)
#   --demo    run selftests/demo.sh
#   --bench   run selftests/bench/*.sh
#   --debug   boot the debug kernel (KASAN, lockdep, kmemleak, fault
#             injection) of selftests/vm/debug-kernel.sh instead; vgate's
#             modules must be built against it (selftests/vm/check-debug.sh
#             does both: "make check-debug")
#   --fault PCT  with --debug: vgate's modules fail PCT% (1-100) of their
#             allocations (kernel/fault.h); guest.sh explains the verdict
#   -v        show the whole console, boot messages included
#
# Environment:
#   VGATE_VM_TIMEOUT    whole VM run, seconds (default 4800; 14400 with
#                       --debug)
#   VGATE_TEST_TIMEOUT  each test script, seconds (default: timeout= of
#                       selftests/settings, else 600; 1800 with
#                       --bench: esp_throughput runs 30 timed iperf3 runs,
#                       and with --debug)
#   VGATE_DEBUG_DIR     where debug-kernel.sh built (default $REPO/.vm/debug)
#   VGATE_NO_MODULE=1   do not load vgate.ko (harness development only)
#   VGATE_VM_VERBOSE=1  same as -v
#   BENCH_*             passed to the guest's scripts (--bench: BENCH_SECS,
#                       BENCH_ROUNDS, BENCH_CASES of esp_throughput.sh;
#                       BENCH_PKTS, BENCH_CPU_ROUNDS of bwm.sh)
#   NLFUZZ_*            passed likewise (netlink_fuzz.sh: NLFUZZ_SEEDS,
#                       NLFUZZ_COUNT, NLFUZZ_MIN_ACCEPT; "make fuzz")
#
# q35, not the default i440fx: its PCI interrupt routing costs ~2 s per virtio
# device under TCG.
#
# Exit status: 0 only if the guest printed "VGATE-RESULT: pass".
# The full console log is kept in .vm/console.log.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
VMDIR=$REPO/.vm
KVER=${KVER:-}
MODE=check
DEBUG=0
FAULT=
VERBOSE=${VGATE_VM_VERBOSE:-0}
VM_TIMEOUT=${VGATE_VM_TIMEOUT:-4800}
# Each test's timeout: selftests/settings, as for kselftest's runner.
TEST_TIMEOUT=$(sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$REPO/selftests/settings" 2>/dev/null || true)
TEST_TIMEOUT=${VGATE_TEST_TIMEOUT:-${TEST_TIMEOUT:-600}}
TESTS=()

usage() {
	awk 'NR >= 4 && !/^#/ { exit } NR >= 4 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
	exit "${1:-2}"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kver) KVER=${2-}; shift; [ $# -gt 0 ] && shift ;;
	--kver=*) KVER=${1#--kver=}; shift ;;
	--demo) MODE=demo; shift ;;
	--bench) MODE=bench; shift ;;
	--debug) DEBUG=1; shift ;;
	--fault) FAULT=${2-}; shift; [ $# -gt 0 ] && shift ;;
	-v|--verbose) VERBOSE=1; shift ;;
	-h|--help) usage 0 ;;
	--) shift; TESTS+=("$@"); break ;;
	-*) echo "run.sh: unknown option $1" >&2; usage 2 ;;
	*) TESTS+=("$1"); shift ;;
	esac
done

[ "$MODE" = bench ] && TEST_TIMEOUT=${VGATE_TEST_TIMEOUT:-1800}
case "$KVER" in -*) KVER= ;; esac
die() { echo "run.sh: $*" >&2; exit 1; }
if [ -n "$FAULT" ]; then
	[ "$DEBUG" = 1 ] || die "--fault needs --debug (no fault injection in $KVER)"
	case "$FAULT" in
	[1-9]|[1-9][0-9]|100) ;;
	*) die "--fault $FAULT: a percentage 1-100 please" ;;
	esac
fi
DEBUG_DIR=${VGATE_DEBUG_DIR:-$REPO/.vm/debug}
if [ "$DEBUG" = 1 ]; then
	[ -f "$DEBUG_DIR/kver" ] || die "no debug kernel in $DEBUG_DIR (selftests/vm/debug-kernel.sh)"
	KVER=$(cat "$DEBUG_DIR/kver")
	TEST_TIMEOUT=${VGATE_TEST_TIMEOUT:-1800}
	VM_TIMEOUT=${VGATE_VM_TIMEOUT:-14400}
fi
if [ -z "$KVER" ]; then
	KVER=$(find /lib/modules -mindepth 2 -maxdepth 2 -name build 2>/dev/null |
		sed 's,/lib/modules/,,;s,/build,,' | sort -V | tail -n 1)
fi
if [ -z "$KVER" ]; then
	KVER=$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
fi
KERNEL=/boot/vmlinuz-$KVER
MODDIR=/lib/modules/$KVER
if [ "$DEBUG" = 1 ]; then
	KERNEL=$DEBUG_DIR/build/arch/x86/boot/bzImage
	MODDIR=$DEBUG_DIR/mods/lib/modules/$KVER
fi
[ -n "$KVER" ] || die "no kernel found in /lib/modules (run selftests/vm/install-deps.sh)"
[ -r "$KERNEL" ] || die "$KERNEL missing or unreadable (need root?)"
[ -d "$MODDIR" ] || die "$MODDIR missing"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (install-deps.sh)"
BUSYBOX=$(command -v busybox || true)
[ -x /bin/busybox ] && BUSYBOX=/bin/busybox
[ -n "$BUSYBOX" ] || die "busybox missing (install busybox-static)"
case "$REPO" in
*[[:space:],]*) die "repository path must not contain spaces or commas: $REPO" ;;
esac

# selftests/Makefile's TEST_PROGS (make -C selftests run_tests, off the VM)
# must be the tests the guest runs (guest.sh: every selftests/*.sh but
# lib*.sh, _*.sh and demo.sh).
command -v make >/dev/null || die "make missing"
make -s --no-print-directory -C "$REPO/selftests" check_progs ||
	die "add the test to TEST_PROGS in selftests/Makefile"

# Test names: accept smoke, smoke.sh, selftests/smoke.sh.
names=()
for t in "${TESTS[@]+"${TESTS[@]}"}"; do
	for n in ${t//,/ }; do
		n=${n##*/}
		n=${n%.sh}
		[ -n "$n" ] && names+=("$n")
	done
done
TESTLIST=$(IFS=,; echo "${names[*]+"${names[*]}"}")

if [ "${VGATE_NO_MODULE:-0}" != 1 ] && [ ! -f "$REPO/vgate.ko" ]; then
	echo "run.sh: warning: $REPO/vgate.ko is not built; the guest will report failure" >&2
fi

# ---------------------------------------------------------------------------
# initramfs: static busybox, the virtio/9p/overlay modules, and /init.
# Cached in .vm/ per kernel; rebuilt when this script or busybox changes.
MODS="virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio virtio_pci
9pnet 9pnet_virtio netfs fscache 9p overlay"

read -r -d '' INIT <<'EOF' || true
#!/bin/busybox sh
# vgate VM init: mount the host's root read-only with a tmpfs overlay on top,
# mount the repository at its own path, switch_root, exec guest.sh.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
fail() {
	echo "vgate-init: $*"
	echo "VGATE-RESULT: fail"
	echo o > /proc/sysrq-trigger
	sleep 60
}
for m in $(cat /modules.order); do
	if [ -f "/lib/vm-modules/$m.ko" ]; then
		insmod "/lib/vm-modules/$m.ko" || echo "vgate-init: insmod $m failed"
	fi
done
REPO=
MODDIR=
for a in $(cat /proc/cmdline); do
	case "$a" in
	vgate_repo=*) REPO=${a#vgate_repo=} ;;
	vgate_moddir=*) MODDIR=${a#vgate_moddir=} ;;
	esac
done
[ -n "$REPO" ] || fail "no vgate_repo= on the kernel command line"
mkdir -p /lower /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower ||
	fail "cannot mount hostroot"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
	fail "cannot mount overlay"
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
ln -sf /proc/self/fd /newroot/dev/fd
ln -sf /proc/self/fd/0 /newroot/dev/stdin
ln -sf /proc/self/fd/1 /newroot/dev/stdout
ln -sf /proc/self/fd/2 /newroot/dev/stderr
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
mount -t tmpfs -o mode=0755 tmpfs /newroot/run
mkdir -p "/newroot$REPO"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose vgaterepo "/newroot$REPO" ||
	fail "cannot mount the repository at $REPO"
[ -x "/newroot$REPO/selftests/vm/guest.sh" ] || fail "$REPO/selftests/vm/guest.sh missing"
# A kernel that is not the host's (--debug) brings its modules along.
if [ -n "$MODDIR" ]; then
	mkdir -p "/newroot/lib/modules/$(uname -r)"
	mount -o bind "/newroot$MODDIR" "/newroot/lib/modules/$(uname -r)" ||
		fail "cannot bind $MODDIR"
fi
umount /proc /sys /dev 2>/dev/null
exec switch_root /newroot "$REPO/selftests/vm/guest.sh"
EOF

mkdir -p "$VMDIR"

INITRD=$VMDIR/initramfs-$KVER.cpio
ID=$( { printf '%s\n' "$INIT" "$MODS" "$KVER"; ls -l --time-style=+%s "$BUSYBOX"; } | md5sum | cut -d' ' -f1)
if [ ! -f "$INITRD" ] || [ "$(cat "$INITRD.id" 2>/dev/null)" != "$ID" ]; then
	echo "run.sh: building $INITRD" >&2
	work=$(mktemp -d "$VMDIR/initramfs.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	mkdir -p "$work/root/bin" "$work/root/lib/vm-modules" "$work/root/proc" \
		"$work/root/sys" "$work/root/dev"
	cp "$BUSYBOX" "$work/root/bin/busybox"
	printf '%s\n' "$INIT" >"$work/root/init"
	chmod 0755 "$work/root/init"
	: >"$work/root/modules.order"
	for m in $MODS; do
		f=$(find "$MODDIR/kernel" -name "$m.ko" -o -name "$m.ko.xz" \
			-o -name "$m.ko.zst" -o -name "$m.ko.gz" | head -n 1)
		if [ -z "$f" ]; then
			# Built into the kernel, or absent: nothing to load.
			continue
		fi
		out=$work/root/lib/vm-modules/$m.ko
		case "$f" in
		*.xz) xz -dc "$f" >"$out" ;;
		*.zst) zstd -qdc "$f" >"$out" ;;
		*.gz) gzip -dc "$f" >"$out" ;;
		*) cp "$f" "$out" ;;
		esac
		echo "$m" >>"$work/root/modules.order"
	done
	(cd "$work/root" && find . | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) >"$work/initrd"
	mv -f "$work/initrd" "$INITRD"
	echo "$ID" >"$INITRD.id"
	rm -rf "$work"
	trap - EXIT
fi

# ---------------------------------------------------------------------------
# slub_debug (red zones, poisoning, allocation tracking with stack traces)
# for tests; benchmarks measure the datapath, not the debug allocator
# (under it, saving stack traces is most of the time pktgen's packets
# take in bench/bwm.sh).
CMDLINE="console=ttyS0 panic=-1 loglevel=4 quiet"
[ "$MODE" = bench ] || CMDLINE+=" slub_debug=FZPU"
# KASAN: every report, not only the first.
[ "$DEBUG" = 1 ] && CMDLINE+=" kasan_multi_shot vgate_debug=1 vgate_moddir=$MODDIR"
[ -n "$FAULT" ] && CMDLINE+=" vgate_fault=$FAULT"
CMDLINE+=" vgate_repo=$REPO vgate_mode=$MODE vgate_timeout=$TEST_TIMEOUT"
[ -n "$TESTLIST" ] && CMDLINE+=" vgate_tests=$TESTLIST"
[ "${VGATE_NO_MODULE:-0}" = 1 ] && CMDLINE+=" vgate_nomodule=1"
# BENCH_* and NLFUZZ_* settings reach the guest's scripts as
# vgate_env.NAME=VALUE, with spaces in VALUE as commas
# (BENCH_CASES="natt:4 gcm:6", NLFUZZ_SEEDS="1 2 3 4").
for v in $(compgen -v BENCH_) $(compgen -v NLFUZZ_); do
	val=${!v}
	case "$val" in
	*[!A-Za-z0-9:._\ -]*) die "$v: only letters, digits, spaces and :._- please" ;;
	esac
	CMDLINE+=" vgate_env.$v=${val// /,}"
done

# A log per run: several engineers may run the VM in one checkout at once.
LOG=$(mktemp "$VMDIR/console.XXXXXX")

# Show TAP and everything the tests print; hide firmware and boot chatter
# before the guest starts, except anything that looks like a kernel crash.
CRASH_RE='Kernel panic|BUG:|kernel BUG|WARNING:|Oops|general protection|Call Trace|RIP:|vgate-init:|VGATE-'
filter() {
	local started=0 line
	while IFS= read -r line || [ -n "$line" ]; do
		if [ "$VERBOSE" != 1 ] && [[ $line =~ sysrq:\ Power\ Off|reboot:\ Power\ down ]]; then
			continue
		elif [ "$VERBOSE" = 1 ] || [ $started = 1 ]; then
			printf '%s\n' "$line"
		elif [[ $line == *"VGATE-GUEST: start"* ]]; then
			started=1
		elif [[ $line =~ $CRASH_RE ]]; then
			printf '%s\n' "$line"
		fi
	done
}

# KASAN's shadow and quarantine and kmemleak's metadata need room.
MEM=2048
[ "$DEBUG" = 1 ] && MEM=4096
start=$(date +%s)
set +e
# stdin from /dev/null: qemu must not put the terminal in raw mode, and
# Ctrl-C then stops the run.
timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 \
	-machine q35 -accel tcg -cpu max -smp 2 -m "$MEM" \
	-nographic -no-reboot -nic none \
	-device virtio-rng-pci \
	-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$REPO,mount_tag=vgaterepo,security_model=none,readonly=on,multidevs=remap" \
	</dev/null 2>&1 | tee -a "$LOG" |
	sed -u -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' | filter
qrc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))

result=$(tr -d '\r' <"$LOG" | sed -n 's/^VGATE-RESULT: \(pass\|fail\)$/\1/p' | tail -n 1)
mv -f "$LOG" "$VMDIR/console.log"
LOG=$VMDIR/console.log
case "$result" in
pass)
	echo "run.sh: PASS ($MODE, kernel $KVER, ${elapsed}s)" >&2
	exit 0
	;;
fail)
	echo "run.sh: FAIL ($MODE, kernel $KVER, ${elapsed}s); console log: $LOG" >&2
	exit 1
	;;
esac
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	why="timed out after ${VM_TIMEOUT}s"
else
	why="VM ended without a result (qemu exit $qrc: kernel panic or crash?)"
fi
clean() { tr -d '\r' <"$LOG" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g'; }
echo "run.sh: FAIL: $why; last 40 console lines:" >&2
clean | tail -n 40 >&2
# Last, where a CI log that keeps only the end shows it: the first kernel
# report with its backtrace (not the repeats that follow), and the test.
# Kernel lines only: a test's TAP line ("# ok 12 kernel log: no BUG,
# WARNING, Oops ...") is not a report.
first=$(clean | grep -anE 'BUG:|kernel BUG|Oops|general protection|Kernel panic|rcu: INFO' |
	grep -avE '^[0-9]+:(# |(not )?ok )' | head -n 1 | cut -d: -f1)
if [ -n "$first" ]; then
	echo "run.sh: the first kernel report (console line $first), backtrace lines kept:" >&2
	clean | tail -n +"$first" |
		grep -aE 'BUG|Oops|panic|RIP:|Call Trace|Modules linked|CPU: |^\[ *[0-9.]+\]  [a-z_]|NMI backtrace|rcu: INFO|stuck' |
		grep -avE ' \? ' | head -n 60 >&2
fi
test=$(clean | sed -n 's/^# selftests: vgate: //p' | tail -n 1)
echo "run.sh: FAIL: $why, during test ${test:-(none started)}; full console log: $LOG" >&2
exit 1
