#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# policy_txn_leak: rules and peers that one transaction creates and then
# replaces or deletes are freed, whether the transaction commits, aborts
# or is abandoned by a killed process (its socket closes).  Each of the
# three runs below makes about 12,000 such objects; before the fix each
# kept about 1 KB of kmalloc memory and a per-CPU counter chunk for good
# (about 12 MB a run).  Measured as the kernel's unreclaimable slab plus
# per-CPU memory (/proc/meminfo SUnreclaim + Percpu) after a warm-up run,
# in one namespace "t" that lives through the test.

. "$(dirname "$0")/lib.sh"
require_cmd ip awk

ns_add t
vgate t ipsec show global >/dev/null || skip_all "vgate not usable"

F=$VGATE_TMP/txn
# cmds N: N rounds of add, replace and delete of rule 10 and peer p1
cmds() {
	local i
	for i in $(seq "$1"); do
		echo "ipsec peer add p1 id 7 addr 192.0.2.$((i % 200 + 1))"
		echo "ipsec rule add 10 peer p1 local 10.1.0.0/24 remote 10.2.$((i % 250)).0/24 action drop"
		echo "ipsec rule set 10 peer p1 local 10.1.0.0/24 remote 10.3.$((i % 250)).0/24 action pass"
		echo "ipsec peer set p1 addr 198.51.100.$((i % 200 + 1)) descr round$i"
		echo "ipsec rule del 10"
		echo "ipsec rule add 11 pre local 10.9.0.0/24 remote any action drop"
		echo "ipsec rule flush"
		echo "ipsec peer flush"
	done
}

# kernel memory that a leak of rules and peers grows, in kB
kmem() {
	awk '/^SUnreclaim:|^Percpu:/ { s += $2 } END { print s }' /proc/meminfo
}

settle() { sync; sleep 1; }

# warm-up: caches and per-CPU chunks reach their working size
cmds 300 > "$F"
ns t "$VGATE" -f "$F" >/dev/null || echo "# warm-up run failed"
settle
base=$(kmem)

tap_plan 5

cmds 3000 > "$F"
check "policy_txn_leak 3000 rounds committed in one transaction" \
	ns t "$VGATE" -f "$F"

# the same, aborted by a refused last line (rule 10 does not exist)
{ cmds 3000; echo "ipsec rule del 10"; } > "$F"
out=$(ns t "$VGATE" -f "$F" 2>&1)
check_eq "policy_txn_leak 3000 rounds then a refused line: aborted" \
	"$(echo "$out" | grep -c 'transaction aborted')" 1

# abandoned: killed while its transaction is open (a knob set, itself a
# transaction, gets EBUSY meanwhile); the closed socket aborts it
cmds 20000 > "$F"
ip netns exec t "$VGATE" -f "$F" >/dev/null 2>&1 &
pid=$!
busy=no
for i in $(seq 600); do
	if ! ns t "$VGATE" ipsec postDefault pass 2>&1 | grep -q "busy"; then
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
		continue
	fi
	busy=yes
	kill -9 $pid
	break
done
wait $pid 2>/dev/null
check_eq "policy_txn_leak a process killed inside its transaction; the next one works" \
	"$busy $(ns t "$VGATE" ipsec postDefault pass >/dev/null 2>&1 && echo ok)" \
	"yes ok"

settle
now=$(kmem)
echo "# SUnreclaim + Percpu: $base kB after warm-up, $now kB after the three runs"
check "policy_txn_leak kernel memory back within 1 MB of the baseline ($((now - base)) kB)" \
	[ $((now - base)) -lt 1024 ]

check_eq "policy_txn_leak nothing left configured" \
	"$(vgate t -j ipsec show rule | jq length) $(vgate t -j ipsec show peer | jq length)" "0 0"
tap_done
