#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktap_run.sh [TEST.sh...]: run vgate selftests on this machine, as
# kselftest's runner.sh does, and print its TAP:
#
#   TAP version 13
#   1..N
#   # timeout set to 600
#   # selftests: vgate: smoke.sh
#   # <the test's own output, each line as a comment>
#   ok 1 selftests: vgate: smoke.sh
#   ok 2 selftests: vgate: pmtu.sh # SKIP
#   not ok 3 selftests: vgate: esp_replay.sh # TIMEOUT 600 seconds
#   not ok 4 selftests: vgate: ah_xfrm_interop.sh # exit=1
#
# Without arguments: the tests of tests.list (an installed copy, see the
# Makefile's install) or, in the tree, "make list_progs".  Exit status 0
# when no test failed (skips are fine), 1 otherwise.  "make -C selftests
# run_tests" calls it; the environment it gives the tests is described in
# selftests/Makefile.

DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$DIR" || exit 1

if [ $# = 0 ]; then
	if [ -f tests.list ]; then
		mapfile -t progs <tests.list
	else
		mapfile -t progs < <(make -s --no-print-directory -C "$DIR" list_progs)
	fi
	set -- "${progs[@]}"
fi

timeout=$(sed -n 's/^timeout=\([0-9]*\)$/\1/p' settings 2>/dev/null)
timeout=${VGATE_TEST_TIMEOUT:-${timeout:-600}}

# The tree's CLI and modules if built, else the installed ones.
REPO=${REPO:-$(cd "$DIR/.." && pwd -P)}
if [ -z "${VGATE:-}" ]; then
	if [ -x "$REPO/cli/vgate" ]; then
		VGATE=$REPO/cli/vgate
	else
		VGATE=$(command -v vgate || echo "$REPO/cli/vgate")
	fi
fi
modfile() {	# NAME: ../NAME.ko if built, else what modinfo finds
	if [ -f "$REPO/$1.ko" ]; then
		echo "$REPO/$1.ko"
	else
		modinfo -n "$1" 2>/dev/null || echo "$REPO/$1.ko"
	fi
}
VGATE_KO=${VGATE_KO:-$(modfile vgate)}
VGATE_GARP_KO=${VGATE_GARP_KO:-$(modfile vgate_garp)}
VGATE_BWM_KO=${VGATE_BWM_KO:-$(modfile vgate_bwm)}
export REPO VGATE VGATE_KO VGATE_GARP_KO VGATE_BWM_KO
# No VM harness here: without the module the tests skip (lib.sh).
export VGATE_NEED_MODULE=1

echo "TAP version 13"
echo "1..$#"
echo "# timeout set to $timeout"
n=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	echo "# selftests: vgate: $t"
	if [ ! -f "$DIR/$t" ]; then
		echo "# $t: no such test"
		echo "not ok $n selftests: vgate: $t # no such test"
		failed=1
		continue
	fi
	VGATE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vgate-${t%.sh}.XXXXXX")
	export VGATE_TMP
	# Not a pipe into sed: a daemon the test leaves running would keep
	# the pipe open (as in vm/guest.sh).  Its output waits up to 5 s.
	exec {out}> >(exec sed -u 's/^/# /')
	sedpid=$!
	(cd "$VGATE_TMP" && exec timeout -k 10 "$timeout" bash "$DIR/$t" </dev/null) >&"$out" 2>&1
	rc=$?
	exec {out}>&-
	for _ in $(seq 50); do
		kill -0 "$sedpid" 2>/dev/null || break
		sleep 0.1
	done
	rm -rf "$VGATE_TMP"
	case "$rc" in
	0) echo "ok $n selftests: vgate: $t" ;;
	4) echo "ok $n selftests: vgate: $t # SKIP" ;;
	124|137) echo "not ok $n selftests: vgate: $t # TIMEOUT $timeout seconds"; failed=1 ;;
	*) echo "not ok $n selftests: vgate: $t # exit=$rc"; failed=1 ;;
	esac
done
exit $failed
