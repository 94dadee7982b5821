#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# txn_atomic: transactions at netlink level (issue 14), requests built by
# selftests/tools/txn_atomic.py, not the CLI.
#
#   namespace t: no devices needed for the vgate family
#
# vgate: SA_NEW/SET/DEL/FLUSH of the socket that owns the transaction are
# staged: reads (its own included) see the running SAD, TXN_ABORT or
# closing the socket discards them and frees them (the vgate_sa slab count
# comes back), TXN_COMMIT installs them with the rules; other sockets' SA
# writes get EBUSY meanwhile; requests see the transaction's earlier ones
# (add then delete, delete then add the same SPI, flush, max_sas set in
# it); a staged SA's lifetime starts at the commit.
dir=$(dirname "$0")
ns=txn$$
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip netns exec "$ns" python3 "$dir/tools/txn_atomic.py"
