#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The CLI's libFuzzer targets (fuzz/build/fuzz_NAME), from cli/ (make fuzz,
# fuzz-regress, fuzz-merge): tools/fuzz_run.sh of the tree (its usage:
# run.sh with no argument) over packed corpora (fuzz/pack.py: a file
# holds several inputs, each run as an input of its own, to keep the
# corpora a few files).  stdout and stderr of the CLI go to /dev/null
# (-close_fd_mask=3; libFuzzer keeps its own and the sanitizers' reports).
cd "$(dirname "$0")/.." || exit 1
FUZZ_CORPUS=packed FUZZ_OPTS=-close_fd_mask=3 exec sh ../tools/fuzz_run.sh "$@"
