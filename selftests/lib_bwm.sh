#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the bwm_* selftests (sourced after lib.sh): loading
# vgate_bwm.ko, reading class counters, measuring class rates.

BWM_KO=${VGATE_BWM_KO:-$REPO/vgate_bwm.ko}

# bwm_load: a fresh vgate_bwm (skip the test if it is not built), unloaded
# at exit after the namespaces are gone.
bwm_load() {
	[ -f "$BWM_KO" ] || skip_all "$BWM_KO is not built (make modules)"
	if [ -d /sys/module/vgate_bwm ]; then
		echo "# vgate_bwm was loaded by someone else: reloading"
		rmmod vgate_bwm
	fi
	insmod "$BWM_KO"
	unload_at_exit vgate_bwm
}

# bwm_sockbufs: socket buffers of up to 4 MB (iperf3 -w 2M) until exit,
# so that a sender the loaded machine stalls does not let its class's
# queue run dry.  net.core.[rw]mem_max are not per namespace in 6.1.
bwm_sockbufs() {
	_bwm_wmem=$(cat /proc/sys/net/core/wmem_max)
	_bwm_rmem=$(cat /proc/sys/net/core/rmem_max)
	echo 4194304 >/proc/sys/net/core/wmem_max
	echo 4194304 >/proc/sys/net/core/rmem_max
	trap '_bwm_sockbufs_restore; _cleanup' EXIT
}
_bwm_sockbufs_restore() {
	echo "$_bwm_wmem" >/proc/sys/net/core/wmem_max
	echo "$_bwm_rmem" >/proc/sys/net/core/rmem_max
}

bm() { local n=$1; shift; vgate "$n" bm "$@"; }

# cls_stat NS IF ID FIELD: a statistic of class ID (bytes, packets, drops,
# backlog, rate, borrowed, stall_ns)
cls_stat() {
	vgate "$1" -j bm show class "$2" |
		jq -r --argjson id "$3" ".classes[] | select(.id == \$id) | .stats.$4"
}

# bwm_snap NS IF: "ID:BYTES:TIME_NS:BACKLOG ..." of every class, TIME_NS
# the kernel's clock when it read that class's counters.
bwm_snap() {
	vgate "$1" -j bm show class "$2" |
		jq -r '[.classes[] | "\(.id):\(.stats.bytes):\(.stats.time_ns):\(.stats.backlog)"] | join(" ")'
}

# bwm_backlog SNAP ID: packets class ID held in that reading
bwm_backlog() {
	local x
	for x in $1; do
		[ "${x%%:*}" = "$2" ] && { echo "${x##*:}"; return; }
	done
	echo 0
}

# bwm_rate SNAP1 SNAP2 ID: class ID's bit/s between two snapshots
bwm_rate() {
	python3 -S - "$1" "$2" "$3" <<'PY'
import sys
def parse(s):
    return {int(f[0]): (int(f[1]), int(f[2])) for f in (x.split(':') for x in s.split())}
a, b = parse(sys.argv[1]), parse(sys.argv[2])
i = int(sys.argv[3])
print(round((b[i][0] - a[i][0]) * 8e9 / (b[i][1] - a[i][1])))
PY
}

# iperf_rate FILE SKIP: UDP payload bit/s an iperf3 server received (its
# -J -i 1 report), leaving out the first and the last SKIP seconds
iperf_rate() {
	jq -r --argjson skip "$2" '
		(.intervals | map(.sum) | (map(.end) | max) as $e |
		 map(select(.start >= $skip and .end <= $e - $skip))) as $iv |
		if ($iv | length) == 0 then 0 else
		(($iv | map(.bytes) | add) * 8 / ($iv | map(.seconds) | add) | floor) end' "$1"
}

# err_pct GOT WANT: relative error in percent, signed, 2 decimals
err_pct() { awk -v g="$1" -v w="$2" 'BEGIN { printf "%.2f", (g - w) * 100 / w }'; }

# within GOT WANT PCT: |GOT - WANT| <= PCT% of WANT
within() {
	awk -v g="$1" -v w="$2" -v p="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d * 100 <= p * w) }'
}

# backlogged NS IF ID: class ID holds packets (its sender outruns it)
backlogged() { [ "$(cls_stat "$1" "$2" "$3" backlog)" -gt 0 ]; }
