#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# txn_atomic: transactions of the three families at netlink level (issue
# 14), requests built by selftests/tools/txn_atomic.py, not the CLI.
#
#   namespace t: d0 (dummy, Ethernet: garp and bwm act on it)
#
# vgate: SA_NEW/SET/DEL/FLUSH of the socket that owns the transaction are
# staged: reads (its own included) see the running SAD, TXN_ABORT or
# closing the socket discards them and frees them (the vgate_sa slab count
# comes back), TXN_COMMIT installs them with the rules; other sockets' SA
# writes get EBUSY meanwhile; requests see the transaction's earlier ones
# (add then delete, delete then add the same SPI, flush, max_sas set in
# it); a staged SA's lifetime starts at the commit.
# vgate_garp, vgate_bwm: TXN_BEGIN/COMMIT/ABORT: staged changes invisible,
# aborted: nothing changed, committed: all; other sockets (and garp's
# sysfs files) EBUSY; the owner's socket closed: discarded; bwm: disable
# then enable in one transaction, and a device with a pending enable can
# still be deleted.  Both modules are unloaded at the end (a reference
# left on a device or qdisc would show there).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"
require_cmd ip python3

GARP_KO=${VGATE_GARP_KO:-$REPO/vgate_garp.ko}
[ -f "$GARP_KO" ] || skip_all "$GARP_KO is not built (make modules)"
bwm_load
if [ -d /sys/module/vgate_garp ]; then
	echo "# vgate_garp was loaded by someone else: reloading"
	rmmod vgate_garp
fi
insmod "$GARP_KO"
unload_at_exit vgate_garp

ns_add t
ns t ip link add d0 type dummy
ns t ip link set d0 up
ns t python3 "$(dirname "$0")/tools/txn_atomic.py" vgate garp bwm
