#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check-debug": the selftests on a debug kernel (KASAN, lockdep,
# kmemleak, DEBUG_ATOMIC_SLEEP, fault injection).
#
#   selftests/vm/check-debug.sh [--fault PCT] [-- TEST...]
#
# 1. selftests/vm/debug-kernel.sh builds the kernel (once; cached).
# 2. The working tree is copied to .vm/debug/tree (vgate.ko must be built
#    against the debug kernel, and the checkout's own vgate.ko stays built
#    for the host's kernel), where the modules and the CLI are built.
# 3. selftests/vm/run.sh --debug runs the tests from that copy.
# --fault PCT makes vgate's modules fail PCT% of their allocations
# (kernel/fault.h); see selftests/vm/guest.sh for that run's verdict.
# VGATE_DEBUG_DIR: where the debug kernel is built and the tree copied
# (default .vm/debug of this checkout; one built kernel serves every
# worktree of the machine; one check-debug at a time per folder).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
D=${VGATE_DEBUG_DIR:-$REPO/.vm/debug}
ARGS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--fault) ARGS+=(--fault "${2-}"); shift; [ $# -gt 0 ] && shift ;;
	--) ARGS+=("$@"); break ;;
	*) ARGS+=("$1"); shift ;;
	esac
done

VGATE_DEBUG_DIR=$D "$REPO/selftests/vm/debug-kernel.sh"
DKVER=$(cat "$D/kver")

T=$D/tree
rm -rf "$T"
mkdir -p "$T"
# Tracked and untracked-but-not-ignored files: what "make check" would see.
(cd "$REPO" && git ls-files -z -co --exclude-standard | tar --null -cf - -T -) |
	tar -xf - -C "$T"
echo "check-debug: building vgate for $DKVER in $T" >&2
make -s -C "$D/build" M="$T" modules
make -s -C "$T/cli"

VGATE_DEBUG_DIR=$D exec "$T/selftests/vm/run.sh" --debug "${ARGS[@]}"
