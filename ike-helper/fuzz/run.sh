#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vgate-iked's libFuzzer targets (fuzz/build/fuzz_NAME), from ike-helper/
# (make fuzz, fuzz-regress, fuzz-merge): tools/fuzz_run.sh of the tree (its
# usage: run.sh with no argument); the corpus holds one binary input a
# file (not packed).
cd "$(dirname "$0")/.." || exit 1
FUZZ_CORPUS=plain exec sh ../tools/fuzz_run.sh "$@"
