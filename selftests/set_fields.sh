#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# set_fields: "ipsec rule set" and "ipsec peer set" change only the fields
# given, against the real kernel module (issue 14).
#
#   namespace "sf" (lo only: rules and peers name addresses, no traffic)
#
# Each set is checked in "vgate -j ipsec show rule" / "show peer": the
# object afterwards equals the object before with only the given fields
# changed (the rule counters aside: RULE_SET restarts them).  A set whose
# result is invalid is refused, by the CLI's check of the merged object
# (naming the field) or by the kernel (its extack message), and changes
# nothing; the same inside "vgate -f" files, where a set starts from the
# file's own version of the rule or peer.

. "$(dirname "$0")/lib.sh"

require_cmd ip python3
NS=sf
ns_add "$NS"

O=$VGATE_TMP/out
E=$VGATE_TMP/err
F=$VGATE_TMP/set.conf

# v ARGS...: vgate in $NS; stdout in $O, stderr in $E, exit status in $rc.
v() { vgate "$NS" "$@" >"$O" 2>"$E"; rc=$?; }

# result NAME COND...: ok if every COND (a shell command) succeeds.
result() {
	local name=$1 c; shift
	for c in "$@"; do
		if ! eval "$c" >"$VGATE_TMP/cond.out" 2>&1; then
			tap_fail "$name"
			echo "# failed: $c"
			sed 's/^/# /' "$VGATE_TMP/cond.out" | head -20
			echo "# exit status: $rc"
			sed 's/^/# stdout: /' "$O" | head -20
			sed 's/^/# stderr: /' "$E" | head -20
			return
		fi
	done
	tap_ok "$name"
}

# snap KIND NAME: the JSON of rule ID / peer NAME (KIND rule or peer) into
# $VGATE_TMP/KIND-NAME.json, without the rule counters.
snap() {
	vgate "$NS" -j ipsec show "$1" >"$VGATE_TMP/all.json" || return 1
	python3 - "$VGATE_TMP/all.json" "$1" "$2" >"$VGATE_TMP/$1-$2.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
key = "id" if sys.argv[2] == "rule" else "name"
want = int(sys.argv[3]) if key == "id" else sys.argv[3]
o = [x for x in d if x[key] == want]
if len(o) != 1:
    sys.exit("no %s %s" % (sys.argv[2], sys.argv[3]))
o[0].pop("stats", None)
json.dump(o[0], sys.stdout, sort_keys=True)
EOF
}

# changed KIND NAME EXPR: the object now equals its last snap but for the
# keys EXPR (a Python dict: key -> expected value) sets; snaps it again.
changed() {
	local before=$VGATE_TMP/$1-$2.json
	cp "$before" "$VGATE_TMP/before.json" || return 1
	snap "$1" "$2" || return 1
	python3 - "$VGATE_TMP/before.json" "$before" "$3" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
a.update(eval(sys.argv[3]))
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print("# %s: want %r, got %r" % (k, a.get(k), b.get(k)))
    sys.exit(1)
EOF
}

# same KIND NAME: the object did not change since its last snap.
same() { changed "$1" "$2" '{}'; }

tap_plan 18

# --- the objects ------------------------------------------------------------
v ipsec peer add gwB addr 192.0.2.2 descr "site B" propagatePmtu on
r1=$rc
v ipsec peer add gwC addr 192.0.2.3 descr "site C"
r2=$rc
v ipsec rule add 10 peer gwB descr "ssh to B" local 10.1.0.0/24 \
	remote 10.2.0.0/24 proto tcp lport 22 action protect \
	spiOut 0x1000 spiIn 0x1001
r3=$rc
v ipsec rule add 20 peer gwB descr "dynamic to B" local 10.1.0.0/24 \
	remote 10.3.0.0/24 action protect
result "setup: peers gwB, gwC, protect entry 10 with SPIs, dynamic entry 20" \
	"[ $r1$r2$r3$rc = 0000 ]" \
	'snap rule 10' 'snap rule 20' 'snap peer gwB' 'snap peer gwC'

# --- rule set: one field ------------------------------------------------------
v ipsec rule set 10 descr "ssh, new text"
result "rule set 10 descr: only the description of the protect entry with SPIs changes" \
	'[ $rc = 0 ]' "changed rule 10 '{\"descr\": \"ssh, new text\"}'"

v ipsec rule set 10 spiOut 0x2000 spiIn 0x2001
result "rule set 10 spiOut spiIn: only the SPIs change (stage, peer, selectors, ports, descr kept)" \
	'[ $rc = 0 ]' \
	"changed rule 10 '{\"spi_out\": \"0x00002000\", \"spi_in\": \"0x00002001\"}'"

v ipsec rule set 20 action drop
result "rule set 20 action drop: a dynamic entry stays peer gwB's entry with its selectors and descr" \
	'[ $rc = 0 ]' \
	"changed rule 20 '{\"action\": \"drop\", \"dynamic\": False}'"

# --- rule set: the merged rule is invalid -------------------------------------
v ipsec rule set 10 action drop
result "rule set 10 action drop with SPIs: refused naming spiOut, nothing changed" \
	'[ $rc = 2 ]' \
	"grep -qF 'bad action \"drop\" (the rule has spiOut 0x00002000: SPIs and CPIs only with action protect; give spiOut none spiIn none too)' $E" \
	'same rule 10'

v ipsec rule set 10 proto icmp
result "rule set 10 proto icmp with lport 22 kept: refused naming lport, nothing changed" \
	'[ $rc = 2 ]' "grep -qF 'bad proto \"icmp\" (the rule has lport 22:' $E" \
	'same rule 10'

v ipsec rule set 10 peer gwX
result "rule set 10 peer gwX: the kernel refuses (extack shown), nothing changed" \
	'[ $rc = 2 ]' "grep -qF 'RULE_SET: unknown peer' $E" 'same rule 10'

v ipsec rule set 10 action drop spiOut none spiIn none
result "rule set 10 action drop spiOut none spiIn none: a drop entry of gwB, selectors and descr kept" \
	'[ $rc = 0 ]' \
	"changed rule 10 '{\"action\": \"drop\", \"spi_out\": None, \"spi_in\": None}'"

# --- peer set ---------------------------------------------------------------
v ipsec peer set gwB admin down
result "peer set gwB admin down: descr, address, propagatePmtu kept" \
	'[ $rc = 0 ]' "changed peer gwB '{\"admin\": \"down\"}'"

v ipsec peer set gwB addr 192.0.2.9
result "peer set gwB addr: the description and admin status kept" \
	'[ $rc = 0 ]' "changed peer gwB '{\"addr\": \"192.0.2.9\"}'"

v ipsec peer set gwB virtual yes
result "peer set gwB virtual yes with entries: the kernel refuses, nothing changed" \
	'[ $rc = 2 ]' "grep -qF 'PEER_SET: the peer' $E" 'same peer gwB'

v ipsec peer set gwB descr ""
result "peer set gwB descr \"\": only the description removed" \
	'[ $rc = 0 ]' "changed peer gwB '{\"descr\": None}'"

# --- in a command file --------------------------------------------------------
cat >"$F" <<'EOF'
ipsec rule add 30 peer gwC descr first local 10.5.0.0/24 remote 10.6.0.0/24 proto udp rport 500 action protect spiOut 0x3000 spiIn 0x3001
ipsec rule set 30 descr second
ipsec peer set gwC admin dialup
EOF
v -f "$F"
result "-f: rule add 30 then rule set 30 descr: the file's rule with the new descr" \
	'[ $rc = 0 ]' 'snap rule 30' \
	"python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[\"descr\"] == \"second\" and d[\"peer\"] == \"gwC\" and d[\"spi_out\"] == \"0x00003000\" and d[\"spi_in\"] == \"0x00003001\" and d[\"local\"] == \"10.5.0.0/24\" and d[\"remote\"] == \"10.6.0.0/24\" and d[\"proto\"] == \"udp\" and d[\"rport\"] == {\"min\": 500, \"max\": 500} and d[\"action\"] == \"protect\" else 1)' $VGATE_TMP/rule-30.json"
# (its "entries" count is 1 now: rule 30 of the same file is its)
result "-f: peer set gwC admin dialup kept gwC's description" \
	"changed peer gwC '{\"admin\": \"dialup\", \"entries\": 1}'"

cat >"$F" <<'EOF'
ipsec rule set 30 descr third
ipsec rule set 30 action pass
EOF
v -f "$F"
result "-f: a set the merged rule cannot take: refused at its line, nothing changed" \
	'[ $rc != 0 ]' \
	"grep -qF '$F:2: bad action \"pass\" (the rule has spiOut 0x00003000' $E" \
	"grep -qF 'transaction aborted: nothing changed' $E" 'same rule 30'

cat >"$F" <<'EOF'
ipsec peer set gwC descr "not kept"
ipsec rule set 30 peer gwX
EOF
v -f "$F"
result "-f: a set the kernel refuses: its message at its line, nothing changed" \
	'[ $rc != 0 ]' "grep -qF '$F:2: RULE_SET: unknown peer' $E" \
	'same rule 30' 'same peer gwC'

cat >"$F" <<'EOF'
ipsec rule add 40 peer gwC local 10.7.0.0/24 action protect spiOut 0x4000 spiIn 0x4001
ipsec rule set 40 action drop
EOF
v -f "$F"
result "-f: rule add 40 then rule set 40 action drop: refused against the file's rule, rule 40 not added" \
	'[ $rc != 0 ]' \
	"grep -qF '$F:2: bad action \"drop\" (the rule has spiOut 0x00004000' $E" \
	"! vgate $NS ipsec show rule | grep -qE '^ *40 '"

v -j ipsec show global
result "nothing refused changed the counts: 3 rules, 2 peers" '[ $rc = 0 ]' \
	"python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d[\"rules\"] == 3 and d[\"peers\"] == 2 else 1)' $O"

tap_done
