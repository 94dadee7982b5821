#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The show views on canned data (tests/show-test, tests/fake_nl.c; bm show:
# tests/bwm-show-test), text and JSON, byte for byte against
# tests/golden/*.out.  Run from cli/:
#   sh tests/golden.sh          compare; prints "golden: N views, F differ"
#   sh tests/golden.sh update   rewrite the golden files (review the diff)
# ST=PROG: another show-test (e.g. one built from an older show.c, to
# write the golden files of a new canned case from the code before a
# change).
set -u
cd "$(dirname "$0")/.." || exit 1
ST=${ST:-tests/show-test}
G=tests/golden
VIEWS="sa sad rule peer peer:branch2 global natt explain garp garp:wan garp:dmz
nattKeepalive replayWindow maxSas dropLog swSkipOverlapIp postDefault
acquireTimeout acquireQueue garp-get:active garp-get:forceUpdate
garp-get:rateLimit garp-get:verifyTimeout garp-get:active:lan
garp-get:active:wan garp-get:rateLimit:lan garp-get:rateLimit:dmz
garp-get:forceUpdate:dmz
-e:sa -e:sad -e:rule -e:peer -e:garp -e:natt -P:rule -P:sa"
TMP=$(mktemp)
trap 'rm -f "$TMP"' EXIT
n=0
fail=0
BM_VIEWS="bm:show:interface bm:show:interface:wan0 bm:show:interface:lan0
bm:show:class:wan0 bm:show:filter:wan0"
for v in $VIEWS $BM_VIEWS; do
	# shellcheck disable=SC2086
	args=$(echo "$v" | tr : ' ')
	prog=$ST
	case $v in bm:*) prog=tests/bwm-show-test ;; esac
	for j in "" -j; do
		f=$G/$(echo "$v" | sed 's/^-//' | tr : _)${j:+.json}.out
		n=$((n + 1))
		# shellcheck disable=SC2086
		$prog $j $args >"$TMP" 2>&1
		echo "rc $?" >>"$TMP"
		if [ "${1:-}" = update ]; then
			cp "$TMP" "$f"
		elif ! cmp -s "$f" "$TMP"; then
			fail=$((fail + 1))
			echo "FAIL: golden $f: $prog $j $args differs:"
			diff -u "$f" "$TMP" | head -20
		fi
	done
done
echo "golden: $n views, $fail differ"
[ $fail = 0 ]
