#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM started by selftests/vm/run.sh, as PID 1 after
# switch_root. Loads vgate.ko, runs the selftests and prints kselftest-style
# TAP, checks that vgate unloads cleanly and that the kernel logged no BUG,
# WARNING, Oops or slab leak, prints "VGATE-RESULT: pass|fail", powers off.
#
# Each test script runs with cwd = its own scratch dir and this environment:
#   REPO       repository (read-only 9p mount, same path as on the host)
#   VGATE      $REPO/cli/vgate
#   VGATE_KO   $REPO/vgate.ko
#   VGATE_GARP_KO  $REPO/vgate_garp.ko (the tests that need it load it and
#              unload it again; the final unload removes it if still loaded)
#   VGATE_BWM_KO   $REPO/vgate_bwm.ko (likewise)
#   VGATE_TMP  writable scratch dir (tmpfs), fresh for each test
#   VGATE_DEBUG_KERNEL  1 on the debug kernel (run.sh --debug), else 0:
#              lib.sh's tap_rate_fail/check_rate make a missed rate TODO
# Exit status 0 = ok, 4 = skip, anything else = fail; killed after
# vgate_timeout seconds (run.sh: VGATE_TEST_TIMEOUT, default 600).
#
# On the debug kernel (run.sh --debug) kmemleak is scanned after every test
# and at the end; a suspected leak fails the run like a KASAN, lockdep or
# atomic-sleep report (those print BUG: or WARNING:). With vgate_fault=PCT
# (run.sh --fault) vgate's modules fail PCT% of their allocations
# (kernel/fault.h): the tests' own verdicts are then only informative (TAP
# TODO); the run fails on a kernel report, a leak or a module that does not
# unload.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb

# Power off, and never exit: PID 1 exiting panics the kernel. Wait with a
# builtin (read on a pipe nobody writes to): while the VM powers off, the
# 9p root goes away and exec'ing /usr/bin/sleep fails.
poweroff_now() {
	local hold
	sync
	exec {hold}<> <(:)
	echo o >/proc/sysrq-trigger
	while :; do
		read -r -t 3600 -u "$hold" _
	done
}

# As PID 1: run the real work in a child, so that whatever happens to it
# (set -e, a crash) we still print a result and power off.
if [ $$ = 1 ]; then
	cd /
	"$0" --child "$@"
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		printf '\nguest.sh exited with %s\nVGATE-RESULT: fail\n' "$rc"
	fi
	poweroff_now
fi

REPO='' MODE=check TESTLIST='' TEST_TIMEOUT=600 NOMODULE=0 DEBUG=0 FAULT=''
read -r -a cmdline </proc/cmdline
for a in "${cmdline[@]}"; do
	case "$a" in
	vgate_repo=*) REPO=${a#*=} ;;
	vgate_mode=*) MODE=${a#*=} ;;
	vgate_tests=*) TESTLIST=${a#*=} ;;
	vgate_timeout=*) TEST_TIMEOUT=${a#*=} ;;
	vgate_nomodule=*) NOMODULE=${a#*=} ;;
	vgate_debug=*) DEBUG=${a#*=} ;;
	vgate_fault=*) FAULT=${a#*=} ;;
	vgate_env.BENCH_*=*|vgate_env.NLFUZZ_*=*)
		a=${a#vgate_env.}
		export "${a%%=*}=$(tr , ' ' <<<"${a#*=}")" ;;
	esac
done
[ -n "$REPO" ] || REPO=$(cd "$(dirname "$0")/../.." && pwd -P)
export REPO VGATE=$REPO/cli/vgate VGATE_KO=$REPO/vgate.ko
export VGATE_GARP_KO=$REPO/vgate_garp.ko
export VGATE_BWM_KO=$REPO/vgate_bwm.ko
# lib.sh: on the debug kernel a missed rate check is TODO (debug_kernel)
export VGATE_DEBUG_KERNEL=$DEBUG

BAD_RE='BUG:|BUG [^ ]+ \(|kernel BUG|WARNING:|Oops|general protection|Objects remaining|kmem_cache_destroy|UBSAN:|list_(add|del) corruption|Poison overwritten|Redzone overwritten|unreferenced object'
# Taint bits a clean run may have: O (out-of-tree, 4096), E (unsigned, 8192).
TAINT_OK=$((4096 | 8192))

failed=0
echo "VGATE-GUEST: start"
# Builtins where possible: every exec from 9p is slow under emulation.
echo vgate-vm >/proc/sys/kernel/hostname
# The debug kernel reports and goes on, so that one run shows every report.
[ "$DEBUG" = 1 ] && echo 0 >/proc/sys/kernel/panic_on_warn ||
	echo 1 >/proc/sys/kernel/panic_on_warn	# sysctl -w kernel.panic_on_warn=1
echo 1 >/proc/sys/kernel/panic_on_oops
# A CPU stuck in the kernel (soft lockup, RCU stall) fails the run at once,
# with every CPU's backtrace, instead of hanging until the VM times out
# with nothing but "stuck for 3000s" to show (CI, 2026-12-07).
for k in softlockup_all_cpu_backtrace softlockup_panic panic_on_rcu_stall; do
	[ -w /proc/sys/kernel/$k ] && echo 1 >/proc/sys/kernel/$k
done

# Netfilter's static keys stay on for the whole run: an empty table in the
# guest's own namespace hooks every IPv4 and IPv6 hook point, so loading,
# unloading and namespace teardown never make vgate's hooks the first or
# the last and never patch the NF_HOOK branch in the kernel text.  Under
# QEMU's TCG that live patching, with packets on the other vCPU, left CPUs
# spinning at the patched site: a soft lockup at ip_local_deliver+0x5c
# during rmmod in the CI run of 2026-12-07 (module_unload), in 1 of 8
# module_unload runs and at the 9th of a loop of rmmods under traffic; with
# the keys held on, 25 rmmods under traffic in a row passed.  Real hardware
# patches kernel text safely; the emulator here does not.
nft -f - <<'NFT' || echo "# nft: could not pin netfilter's static keys"
table inet vgate_vm_pin {
	chain pin_pre { type filter hook prerouting priority 0; }
	chain pin_in { type filter hook input priority 0; }
	chain pin_fwd { type filter hook forward priority 0; }
	chain pin_out { type filter hook output priority 0; }
	chain pin_post { type filter hook postrouting priority 0; }
}
NFT
read -r taint0 </proc/sys/kernel/tainted
ip link set lo up 2>/dev/null || true
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true

bad_dmesg() { dmesg | grep -aE "$BAD_RE"; }

# Which checkers this kernel runs, from their own boot lines, so that the
# log of a debug run proves what watched it (a missing one is said too).
checkers() {
	local c line
	for c in "KASAN:KernelAddressSanitizer initialized" \
		 "lockdep:Lock dependency validator" \
		 "kmemleak:Kernel memory leak detector" \
		 "failslab:/sys/kernel/debug/failslab"; do
		line=${c#*:}
		case $line in
		/*) [ -e "$line" ] ;;
		*) dmesg | grep -aqF "$line" ;;
		esac && echo -n " ${c%%:*}=on" || echo -n " ${c%%:*}=off"
	done
	echo
}
echo "# kernel $(uname -r) checkers:$(checkers)"

# kmemleak (debug kernel): scanned on demand, not by its thread. An object
# is reported once it is 5 s old and unreferenced; leak_check scans twice,
# as Documentation/dev-tools/kmemleak.rst advises against transient false
# positives, prints what it found, then forgets it.
KMEMLEAK=/sys/kernel/debug/kmemleak
leaks=0
if [ -w $KMEMLEAK ]; then
	echo scan=off >$KMEMLEAK
	echo scan >$KMEMLEAK
	echo clear >$KMEMLEAK	# what the boot left behind is not ours
else
	KMEMLEAK=
fi
leak_check() {
	local what=$1 report
	[ -n "$KMEMLEAK" ] || return 0
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	report=$(cat $KMEMLEAK)
	echo clear >$KMEMLEAK
	[ -n "$report" ] || return 0
	echo "# kmemleak after $what: $(grep -c '^unreferenced object' <<<"$report") suspected leaks"
	sed 's/^/#   /' <<<"$report" | head -n 60
	leaks=$((leaks + 1))
	return 1
}

# Fault injection (vgate_fault=PCT): a watcher configures each vgate
# module's fault attribute when the module (re)loads; the tests load and
# unload vgate_garp and vgate_bwm themselves.
fault_watch() {
	local d p
	while :; do
		for d in /sys/kernel/debug/fail_vgate*; do
			[ -d "$d" ] || continue
			read -r p <"$d/probability" 2>/dev/null || continue
			[ "$p" = 0 ] || continue
			echo 1 >"$d/interval"
			echo -1 >"$d/times"
			echo 1 >"$d/verbose"
			echo "$FAULT" >"$d/probability"
		done
		sleep 0.5
	done
}
fault_count() { dmesg | grep -ac 'FAULT_INJECTION: forcing a failure'; }

# Kill what a test left running (daemons hold netns and module references).
# Keeps PID 1, this shell and kernel threads (they have no exe).
reap_strays() {
	local d pid comm keep=${1:-}
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" = 1 ] || [ "$pid" = $$ ] || [ "$pid" = "$keep" ] ||
			[ "$pid" = "${FAULT_PID:-}" ] && continue
		[ -e "$d/exe" ] || continue
		read -r comm <"$d/comm" 2>/dev/null || continue
		kill -KILL "$pid" 2>/dev/null && echo "# killed leftover process $pid ($comm)"
	done
	ip -all netns delete 2>/dev/null || true
}

# ---------------------------------------------------------------------------
# Which scripts run.
scripts=()
case "$MODE" in
demo)
	scripts=("$REPO/selftests/demo.sh")
	;;
bench)
	if [ -n "$TESTLIST" ]; then
		for n in ${TESTLIST//,/ }; do scripts+=("$REPO/selftests/bench/$n.sh"); done
	else
		for f in "$REPO"/selftests/bench/*.sh; do
			[ -e "$f" ] && scripts+=("$f")
		done
	fi
	;;
*)
	if [ -n "$TESTLIST" ]; then
		for n in ${TESTLIST//,/ }; do scripts+=("$REPO/selftests/$n.sh"); done
	else
		# Every selftests/*.sh except helpers (lib*.sh, _*.sh) and the demo.
		for f in "$REPO"/selftests/*.sh; do
			case "${f##*/}" in
			lib*.sh|_*.sh|demo.sh) continue ;;
			esac
			[ -e "$f" ] && scripts+=("$f")
		done
	fi
	;;
esac

echo "TAP version 13"
read -r kver </proc/sys/kernel/osrelease
echo "# vgate selftests: mode $MODE, kernel $kver, repo $REPO"

# ---------------------------------------------------------------------------
# Load the module. modprobe its dependencies first; the crypto and xfrm
# modules the tests need are auto-loaded by the kernel on demand.
load_module() {
	local dep out
	if [ "$NOMODULE" = 1 ]; then
		echo "# vgate_nomodule=1: not loading vgate.ko"
		return 0
	fi
	if [ ! -f "$VGATE_KO" ]; then
		echo "# $VGATE_KO does not exist: build it first (make modules)"
		return 1
	fi
	for dep in $(modinfo -F depends "$VGATE_KO" 2>/dev/null | tr ',' ' '); do
		modprobe "$dep" || echo "# modprobe $dep failed"
	done
	if ! out=$(insmod "$VGATE_KO" 2>&1); then
		echo "# insmod $VGATE_KO failed: $out"
		dmesg | tail -n 20 | sed 's/^/# dmesg: /'
		return 1
	fi
	echo "# loaded $VGATE_KO ($(modinfo -F vermagic "$VGATE_KO" 2>/dev/null))"
	return 0
}

if ! load_module; then
	echo "1..1"
	echo "not ok 1 selftests: vgate: load vgate.ko"
	echo "Bail out! vgate.ko could not be loaded"
	printf '\nVGATE-RESULT: fail\n'
	exit 1
fi

FAULT_PID=
if [ -n "$FAULT" ]; then
	fault_watch &
	FAULT_PID=$!
	echo "# fault injection: vgate's modules fail $FAULT% of their allocations (test verdicts are TODO)"
fi
TODO=
[ -n "$FAULT" ] && TODO=" # TODO fault injection"

if [ ${#scripts[@]} = 0 ]; then
	echo "1..0 # SKIP no tests for mode $MODE"
else
	echo "1..${#scripts[@]}"
fi

n=0
for t in "${scripts[@]}"; do
	n=$((n + 1))
	name=${t#"$REPO"/selftests/}
	name=${name%.sh}
	if [ ! -f "$t" ]; then
		echo "# $t: no such test"
		echo "not ok $n selftests: vgate: $name"
		failed=1
		continue
	fi
	VGATE_TMP=$(mktemp -d "/tmp/vgate-${name//\//-}.XXXXXX")
	export VGATE_TMP
	nbad=$(bad_dmesg | wc -l)
	echo "# selftests: vgate: $name"
	read -r up _ </proc/uptime
	read -r lastpid </proc/sys/kernel/ns_last_pid
	# On the console too: a crash report's timestamps (and the PID of the
	# process it names) tell which test ran.
	echo "<3>VGATE-TEST: $name (uptime ${up%.*}s, last PID $lastpid)" >/dev/kmsg
	t0=$(date +%s)
	# Not a pipe into sed: a daemon the test leaves running would keep the
	# pipe open. Wait for the test, kill leftovers, then for the prefixer.
	exec {out}> >(exec sed -u 's/^/# /')
	sedpid=$!
	(cd "$VGATE_TMP" && exec timeout -k 10 "$TEST_TIMEOUT" bash "$t" </dev/null) >&"$out" 2>&1
	rc=$?
	exec {out}>&-
	dt=$(( $(date +%s) - t0 ))
	reap_strays "$sedpid"
	wait "$sedpid" 2>/dev/null
	echo "# $name: exit $rc after ${dt}s${FAULT:+, $(fault_count) allocations failed so far}"
	if ! leak_check "$name"; then
		[ "$rc" = 0 ] || [ "$rc" = 4 ] && rc=kmemleak
		[ -n "$FAULT" ] && failed=1
	fi
	if [ "$(bad_dmesg | wc -l)" -gt "$nbad" ]; then
		echo "# kernel log during $name:"
		bad_dmesg | tail -n +$((nbad + 1)) | sed 's/^/#   /'
		[ "$rc" = 0 ] || [ "$rc" = 4 ] && rc=kernel-log
		failed=1	# whatever the test said, even under fault injection
	fi
	# Under fault injection a test may fail (TODO); the run does not.
	[ -n "$FAULT" ] || case "$rc" in 0|4) ;; *) failed=1 ;; esac
	case "$rc" in
	0) echo "ok $n selftests: vgate: $name" ;;
	4) echo "ok $n selftests: vgate: $name # SKIP" ;;
	124|137) echo "not ok $n selftests: vgate: $name # TIMEOUT ${TEST_TIMEOUT}s$TODO" ;;
	kernel-log) echo "not ok $n selftests: vgate: $name # kernel log errors" ;;
	kmemleak) echo "not ok $n selftests: vgate: $name # kmemleak" ;;
	*) echo "not ok $n selftests: vgate: $name # exit=$rc$TODO" ;;
	esac
	rm -rf "$VGATE_TMP"
done

if [ -n "$FAULT_PID" ]; then
	kill "$FAULT_PID" 2>/dev/null
	wait "$FAULT_PID" 2>/dev/null
	for d in /sys/kernel/debug/fail_vgate*; do
		[ -d "$d" ] && echo 0 >"$d/probability"
	done
	echo "# fault injection: $(fault_count) allocations of vgate's failed in all"
fi

# ---------------------------------------------------------------------------
# The modules must unload, and the kernel must not have complained.
# vgate_bwm stands alone; vgate_garp depends on vgate: first it, if a test
# left it loaded.
if [ -d /sys/module/vgate_bwm ]; then
	if out=$(rmmod vgate_bwm 2>&1) && [ ! -d /sys/module/vgate_bwm ]; then
		echo "# rmmod vgate_bwm: ok"
	else
		echo "# rmmod vgate_bwm FAILED: $out"
		failed=1
	fi
fi
if [ -d /sys/module/vgate_garp ]; then
	if out=$(rmmod vgate_garp 2>&1) && [ ! -d /sys/module/vgate_garp ]; then
		echo "# rmmod vgate_garp: ok"
	else
		echo "# rmmod vgate_garp FAILED: $out (refcnt $(cat /sys/module/vgate_garp/refcnt 2>/dev/null))"
		failed=1
	fi
fi
if [ -d /sys/module/vgate ]; then
	if out=$(rmmod vgate 2>&1) && [ ! -d /sys/module/vgate ]; then
		echo "# rmmod vgate: ok"
	else
		echo "# rmmod vgate FAILED: $out (refcnt $(cat /sys/module/vgate/refcnt 2>/dev/null))"
		failed=1
	fi
fi
sleep 1
if [ -n "$KMEMLEAK" ]; then
	sleep 5	# kmemleak reports objects 5 s old
	leak_check "unloading the modules" || failed=1
	echo "# kmemleak: $leaks scans with suspected leaks"
fi
if bad_dmesg >/dev/null; then
	echo "# kernel log has errors:"
	bad_dmesg | sed 's/^/#   /'
	failed=1
fi
taint=$(cat /proc/sys/kernel/tainted)
if [ $(( (taint & ~taint0) & ~TAINT_OK )) != 0 ]; then
	echo "# kernel tainted: $taint (was $taint0)"
	failed=1
fi

if [ $failed = 0 ]; then
	printf '\nVGATE-RESULT: pass\n'
else
	printf '\nVGATE-RESULT: fail\n'
fi
exit 0
