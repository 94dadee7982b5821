#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the packets of one IP protocol that the IP stack delivers locally,
with a raw socket (which sees them before the protocol's handler, after
extension headers and reassembly): the packets vgate let past.

  rawcount.py --proto 50 [--ipv6] --ready FILE --stop FILE --out FILE

Counts from the moment FILE --ready exists until FILE --stop does, then
writes the number to --out.
"""
import argparse
import os
import select
import socket
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--proto", type=int, required=True)
    p.add_argument("--ipv6", action="store_true")
    p.add_argument("--ready", required=True)
    p.add_argument("--stop", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    fam = socket.AF_INET6 if a.ipv6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_RAW, a.proto)
    open(a.ready, "w").close()
    n = 0
    while not os.path.exists(a.stop):
        r, _, _ = select.select([s], [], [], 0.1)
        if r:
            s.recv(65535)
            n += 1
    time.sleep(0.2)
    while select.select([s], [], [], 0)[0]:
        s.recv(65535)
        n += 1
    with open(a.out, "w") as f:
        f.write("%d\n" % n)


if __name__ == "__main__":
    main()
