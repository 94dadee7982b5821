#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# doc_examples: the documentation's examples whose errors only a running
# system gives, run for real.  "make -C cli check" parses every example
# command of the docs (doc_test.py examples, --dry-run, no module); a code
# block that shows an error only the kernel gives (a class bandwidth sum,
# a parent loop, an interface that does not exist) or the absent IKE
# daemon's socket is run here, its commands in order, in a namespace with
# the modules loaded and a dummy "wan": each command works, or prints
# exactly the error the doc shows.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bwm.sh"
require_cmd ip python3
DOC_TEST=$REPO/cli/tests/doc_test.py
[ -f "$DOC_TEST" ] && [ -d "$REPO/Documentation" ] ||
	skip_all "needs the source tree ($DOC_TEST, Documentation/)"

bwm_load
ns_add gw
ns gw ip link add wan type dummy
ns gw ip link set wan up
ns gw python3 "$DOC_TEST" live "$VGATE"
