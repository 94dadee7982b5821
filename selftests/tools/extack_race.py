#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Concurrent requests that fail with formatted extack messages: each of
PROCS processes sends COUNT vgate_bwm CLASS_DEL requests for a class that
does not exist on IFNAME, its own class ID (100 + process number), and
checks that every reply's message names that ID.

  extack_race.py IFNAME [PROCS] [COUNT]

Prints "replies=N foreign=M errors=E" (M: messages about another
process's class, E: replies without the expected error); exit 1 if M or E.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vgatenl import C, Error, Genl, nest, nla  # noqa: E402


def worker(ifname, n, count, wfd):
    g = Genl("vgate_bwm")
    ifnest = nest(C["VGATE_BWM_A_IF"],
                  nla(C["VGATE_BWM_IF_A_IFNAME"], ifname.encode() + b"\0"))
    cid = 100 + n
    cls = nest(C["VGATE_BWM_A_CLASS"],
               nla(C["VGATE_BWM_CLASS_A_ID"], cid.to_bytes(2, sys.byteorder)))
    want = "class %d does not exist" % cid
    foreign = errors = 0
    for _ in range(count):
        try:
            g.do("VGATE_BWM_CMD_CLASS_DEL", ifnest, cls)
            errors += 1
        except Error as e:
            if e.msg == want:
                continue
            if e.msg.startswith("class ") and "does not exist" in e.msg:
                foreign += 1
            else:
                errors += 1
    os.write(wfd, b"%d %d %d\n" % (count, foreign, errors))
    os._exit(0)


def main():
    ifname = sys.argv[1]
    procs = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
    rfd, wfd = os.pipe()
    pids = []
    for n in range(procs):
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            worker(ifname, n, count, wfd)
        pids.append(pid)
    os.close(wfd)
    for pid in pids:
        os.waitpid(pid, 0)
    total = [0, 0, 0]
    for line in os.fdopen(rfd).read().split("\n"):
        if line:
            for i, v in enumerate(line.split()):
                total[i] += int(v)
    print("replies=%d foreign=%d errors=%d" % tuple(total))
    sys.exit(1 if total[1] or total[2] or total[0] != procs * count else 0)


if __name__ == "__main__":
    main()
