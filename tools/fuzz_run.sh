#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The one libFuzzer runner of the tree, behind cli/fuzz/run.sh and
# ike-helper/fuzz/run.sh (make fuzz, fuzz-regress, fuzz-merge there).  It
# runs in the folder the caller cd'ed into (the component: its targets
# are fuzz/build/fuzz_NAME, their corpora fuzz/corpus/NAME):
#
#   fuzz_run.sh have CC            is CC a clang with libFuzzer? (exit 0/1)
#   fuzz_run.sh fuzz SECS NAME...  fuzz each NAME for SECS seconds, one
#                                  after the other, in the scratch corpus
#                                  $FUZZ_WORK/NAME (fuzz/corpus/NAME copied
#                                  or unpacked into it first)
#   fuzz_run.sh regress NAME...    each input of fuzz/corpus/NAME once
#   fuzz_run.sh merge NAME...      fuzz/corpus/NAME := the inputs of it and
#                                  of $FUZZ_WORK/NAME that add coverage
#                                  (-merge=1), and its seed-*, crash-*,
#                                  leak-* and timeout-* files as they are
#
# What the caller sets:
#   FUZZ_CORPUS  packed: a corpus file holds several inputs (fuzz/pack.py
#                of the component; merge packs FUZZ_PACK (40) a file);
#                plain (the default): one input a file
#   FUZZ_OPTS    libFuzzer options of the component, before the common
#                ones (e.g. -close_fd_mask=3)
# FUZZ_WORK: default fuzz/work (ignored by git).  A crash, leak, undefined
# behaviour or hang stops the target; its input is left as
# fuzz/build/crash-* (or leak-*, timeout-*): fix the code, then copy the
# file into fuzz/corpus/NAME/ under a name that says what it was, so that
# fuzz-regress keeps it fixed.
set -u
BUILD=fuzz/build
WORK=${FUZZ_WORK:-fuzz/work}
case $WORK in /*) ;; *) WORK=$(pwd)/$WORK ;; esac
PACK=${FUZZ_PACK:-40}
CORPUS=${FUZZ_CORPUS:-plain}
# An input takes microseconds; 10 s is a hang even on a loaded 2-core
# machine (2 s was not: ASan's quarantine recycling alone took that long
# under a kernel build).
OPTS="${FUZZ_OPTS:-} -timeout=10 -rss_limit_mb=2048"

# corpus_inputs DIR NAME: the inputs of fuzz/corpus/NAME, one a file, in DIR
corpus_inputs() {
	if [ "$CORPUS" = packed ]; then
		python3 fuzz/pack.py unpack "$1" fuzz/corpus/"$2"/*
	else
		mkdir -p "$1" && cp fuzz/corpus/"$2"/* "$1/"
	fi
}

# keep_files NAME DIR: copy the files of fuzz/corpus/NAME that a merge
# keeps as they are (seed-*, crash-*, leak-*, timeout-*) into DIR
keep_files() {
	for f in fuzz/corpus/"$1"/seed-* fuzz/corpus/"$1"/crash-* \
		 fuzz/corpus/"$1"/leak-* fuzz/corpus/"$1"/timeout-*; do
		[ -f "$f" ] && cp "$f" "$2/"
	done
	return 0
}

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
		corpus_inputs "$WORK/$t" "$t" || exit 1
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
		corpus_inputs "$m/all" "$t" || exit 1
		keep_files "$t" "$m/keep"
		# shellcheck disable=SC2086
		(cd "$BUILD" && ./fuzz_"$t" $OPTS -max_len=4096 -merge=1 \
			"merge-$t/min" "merge-$t/all" "$WORK/$t") \
			>"$BUILD/$t.log" 2>&1 || {
			tail -n 30 "$BUILD/$t.log"
			exit 1
		}
		n=$(ls "$m/min" | wc -l)
		if [ "$CORPUS" = packed ]; then
			python3 fuzz/pack.py pack "$m/new" "$PACK" "$m"/min/* ||
				exit 1
		else
			mv "$m/min" "$m/new"
		fi
		cp "$m"/keep/* "$m/new/" 2>/dev/null
		rm -rf "fuzz/corpus/$t"
		mv "$m/new" "fuzz/corpus/$t"
		echo "fuzz_$t: $n inputs in $(ls "fuzz/corpus/$t" | wc -l) files"
	done
	;;
*)
	sed -n '3,29p' "$0"
	exit 1
	;;
esac
