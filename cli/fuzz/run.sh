#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The CLI's libFuzzer targets (fuzz/build/fuzz_NAME), from cli/ (make fuzz,
# fuzz-regress, fuzz-merge):
#
#   run.sh have CC               is CC a clang with libFuzzer? (exit 0/1)
#   run.sh fuzz SECS NAME...     fuzz each NAME for SECS seconds, one after
#                                the other, in the scratch corpus
#                                $FUZZ_WORK/NAME (fuzz/corpus/NAME unpacked
#                                into it first)
#   run.sh regress NAME...       each input of fuzz/corpus/NAME once
#   run.sh merge NAME...         fuzz/corpus/NAME := the inputs of it and of
#                                $FUZZ_WORK/NAME that add coverage
#                                (-merge=1), packed FUZZ_PACK (40) a file,
#                                and its crash-*, leak-* and timeout-* files
#
# The committed corpora are packed (fuzz/pack.py): a file holds several
# inputs, each run as an input of its own, to keep the corpora a few
# files.  FUZZ_WORK: default fuzz/work (ignored by git).  A crash, leak,
# undefined behaviour or hang stops the target; its input is left as
# fuzz/build/crash-* (or leak-*, timeout-*): fix the CLI, then copy the
# file into fuzz/corpus/NAME/ under a name that says what it was, so that
# fuzz-regress keeps it fixed.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=fuzz/build
WORK=${FUZZ_WORK:-fuzz/work}
case $WORK in /*) ;; *) WORK=$(pwd)/$WORK ;; esac
PACK=${FUZZ_PACK:-40}
# stdout and stderr of the CLI go to /dev/null (libFuzzer keeps its own
# and the sanitizers' reports).  An input takes microseconds; 10 s is a
# hang even on a loaded 2-core machine (2 s was not: ASan's quarantine
# recycling alone took that long under a kernel build).
OPTS="-close_fd_mask=3 -timeout=10 -rss_limit_mb=2048"

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
		python3 fuzz/pack.py unpack "$WORK/$t" fuzz/corpus/"$t"/* ||
			exit 1
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
		mkdir -p "$m/min" "$m/all" "$WORK/$t"
		python3 fuzz/pack.py unpack "$m/all" fuzz/corpus/"$t"/* || exit 1
		# shellcheck disable=SC2086
		(cd "$BUILD" && ./fuzz_"$t" $OPTS -max_len=4096 -merge=1 \
			"merge-$t/min" "merge-$t/all" "$WORK/$t") \
			>"$BUILD/$t.log" 2>&1 || {
			tail -n 30 "$BUILD/$t.log"
			exit 1
		}
		python3 fuzz/pack.py pack "$m/packed" "$PACK" "$m"/min/* || exit 1
		for f in fuzz/corpus/"$t"/crash-* fuzz/corpus/"$t"/leak-* \
			 fuzz/corpus/"$t"/timeout-*; do
			[ -f "$f" ] && cp "$f" "$m/packed/"
		done
		rm -rf "fuzz/corpus/$t"
		mv "$m/packed" "fuzz/corpus/$t"
		echo "fuzz_$t: $(ls "$m/min" | wc -l) inputs in $(ls "fuzz/corpus/$t" | wc -l) files"
	done
	;;
*)
	sed -n '3,28p' "$0"
	exit 1
	;;
esac
