#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The IKE codec's libFuzzer target (fuzz/build/fuzz_NAME), from ike-helper/
# (make fuzz, fuzz-regress, fuzz-merge); as cli/fuzz/run.sh, but the
# corpus holds one binary datagram a file (not packed):
#
#   run.sh have CC               is CC a clang with libFuzzer? (exit 0/1)
#   run.sh fuzz SECS NAME...     fuzz each NAME for SECS seconds in the
#                                scratch corpus $FUZZ_WORK/NAME (seeded
#                                from fuzz/corpus/NAME)
#   run.sh regress NAME...       each input of fuzz/corpus/NAME once
#   run.sh merge NAME...         fuzz/corpus/NAME := its inputs and those of
#                                $FUZZ_WORK/NAME that add coverage
#                                (-merge=1); seed-*, crash-*, leak-* and
#                                timeout-* files are kept as they are
#
# FUZZ_WORK: default fuzz/work (ignored by git).  A crash stops the run;
# its input is left as fuzz/build/crash-*: fix the codec, then copy the
# file into fuzz/corpus/NAME/ under a name that says what it was
# (crash-WHAT), so that fuzz-regress keeps it fixed.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=fuzz/build
WORK=${FUZZ_WORK:-fuzz/work}
case $WORK in /*) ;; *) WORK=$(pwd)/$WORK ;; esac
# An input takes microseconds; 10 s is a hang even on a loaded machine.
OPTS="-timeout=10 -rss_limit_mb=2048"

case "${1:-}" in
have)
	cc=${2:-clang}
	command -v "$cc" >/dev/null 2>&1 || exit 1
	t=$(mktemp -d) || exit 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
		'{ (void)d; (void)n; return 0; }' >"$t/t.c"
	"$cc" -fsanitize=fuzzer,address,undefined -o "$t/t" "$t/t.c" \
		>/dev/null 2>&1
	r=$?
	rm -rf "$t"
	exit $r
	;;
fuzz)
	secs=$2
	shift 2
	for t in "$@"; do
		mkdir -p "$WORK/$t"
		cp fuzz/corpus/"$t"/* "$WORK/$t/" || exit 1
		echo "fuzz_$t: $secs s, corpus $WORK/$t ($(ls "$WORK/$t" | wc -l) inputs)"
		# shellcheck disable=SC2086
		(cd "$BUILD" && ./fuzz_"$t" $OPTS -max_total_time="$secs" \
			-max_len=4096 -print_final_stats=1 "$WORK/$t") \
			2>"$WORK/$t.log"
		r=$?
		grep -E '^(#[0-9]+.*DONE|stat::(number_of_executed_units|average_exec_per_sec|new_units_added))' \
			"$WORK/$t.log"
		if [ $r -ne 0 ]; then
			tail -n 60 "$WORK/$t.log"
			echo "fuzz_$t: FAIL (log: $WORK/$t.log)"
			exit 1
		fi
	done
	;;
regress)
	shift
	fail=0
	for t in "$@"; do
		n=$(ls "fuzz/corpus/$t" | wc -l)
		# shellcheck disable=SC2086
		if (cd "$BUILD" && ./fuzz_"$t" $OPTS -runs=0 "../corpus/$t") \
			>"$BUILD/$t.log" 2>&1; then
			echo "ok fuzz_$t ($n files)"
		else
			tail -n 60 "$BUILD/$t.log"
			echo "not ok fuzz_$t ($n files; log: $BUILD/$t.log)"
			fail=$((fail + 1))
		fi
	done
	[ $fail -eq 0 ]
	;;
merge)
	shift
	for t in "$@"; do
		m="$BUILD/merge-$t"
		rm -rf "$m"
		mkdir -p "$m/min" "$m/keep" "$WORK/$t"
		for f in fuzz/corpus/"$t"/seed-* fuzz/corpus/"$t"/crash-* \
			 fuzz/corpus/"$t"/leak-* fuzz/corpus/"$t"/timeout-*; do
			[ -f "$f" ] && cp "$f" "$m/keep/"
		done
		# shellcheck disable=SC2086
		(cd "$BUILD" && ./fuzz_"$t" $OPTS -max_len=4096 -merge=1 \
			"merge-$t/min" "../corpus/$t" "$WORK/$t") \
			>"$BUILD/$t.log" 2>&1 || {
			tail -n 30 "$BUILD/$t.log"
			exit 1
		}
		rm -rf "fuzz/corpus/$t"
		mkdir -p "fuzz/corpus/$t"
		for f in "$m"/min/*; do
			[ -f "$f" ] && cp "$f" "fuzz/corpus/$t/$(basename "$f")"
		done
		cp "$m"/keep/* "fuzz/corpus/$t/" 2>/dev/null
		echo "fuzz_$t: $(ls "fuzz/corpus/$t" | wc -l) files"
	done
	;;
*)
	sed -n '3,20p' "$0"
	exit 1
	;;
esac
