#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The committed corpora are packed: a file holds several inputs, each
followed by the separator of fuzz.h (FUZZ_SEP); the targets run each as an
input of its own (fuzz_each()), so fuzz-regress runs the packed files as
they are.  For fuzzing they are unpacked into the scratch corpus, one
input a file, so that libFuzzer mutates one input at a time.

  pack.py pack DIR N FILE...     FILEs into DIR/pack-NNN, N inputs a file
  pack.py unpack DIR FILE...     every input of FILEs into DIR/<sha1>
"""
import hashlib
import os
import sys

SEP = b"\n#--next-input--\n"


def main():
    mode, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    if mode == "pack":
        n, files = int(sys.argv[3]), sorted(sys.argv[4:])
        for i in range(0, len(files), n):
            with open(os.path.join(out, "pack-%03d" % (i // n + 1)), "wb") as f:
                for name in files[i:i + n]:
                    f.write(open(name, "rb").read() + SEP)
    elif mode == "unpack":
        for name in sys.argv[3:]:
            for rec in open(name, "rb").read().split(SEP):
                if rec:
                    sha = hashlib.sha1(rec).hexdigest()
                    open(os.path.join(out, sha), "wb").write(rec)
    else:
        sys.exit(__doc__)


main()
