#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""netlink_dump: an SA or rule dump spanning several messages returns every
entry exactly once when nothing changes, and is flagged NLM_F_DUMP_INTR
when the table changes between its parts, so that a reader knows to
restart (the CLI does)."""
import socket
import struct
import sys

import vgatenl as v
from vgatenl import C, addr, nest, u8, u16, u32, nla

N = 600
n = failed = 0


def tap(ok, name, diag=""):
    global n, failed
    n += 1
    failed += not ok
    print("%s %d netlink_dump %s" % ("ok" if ok else "not ok", n, name))
    if diag:
        print("# " + diag)


def sa(spi):
    return nest(C["VGATE_A_SA"], u32(C["VGATE_SA_A_SPI"], spi),
                u16(C["VGATE_SA_A_FAMILY"], socket.AF_INET),
                addr(C["VGATE_SA_A_SRC"], "192.0.2.1"),
                addr(C["VGATE_SA_A_DST"], "192.0.2.2"),
                u8(C["VGATE_SA_A_MODE"], C["VGATE_MODE_TUNNEL"]),
                u16(C["VGATE_SA_A_ENC"], C["VGATE_ENC_AES_GCM_16"]),
                nla(C["VGATE_SA_A_ENC_KEY"], bytes(20)))


def rule(rid):
    return nest(C["VGATE_A_RULE"], u32(C["VGATE_RULE_A_ID"], rid),
                u16(C["VGATE_RULE_A_FAMILY"], socket.AF_INET),
                u8(C["VGATE_RULE_A_ACTION"], C["VGATE_ACTION_PASS"]))


def spis(payloads):
    out = []
    for p in payloads:
        a = v.parse_attrs(v.parse_attrs(p)[C["VGATE_A_SA"]])
        out.append(struct.unpack("=I", a[C["VGATE_SA_A_SPI"]])[0])
    return out


def main():
    g = v.Genl()
    # changes during a dump go through a second socket: the first one is
    # busy with the dump
    g2 = v.Genl()
    print("TAP version 13")
    for i in range(N):
        g.do("VGATE_CMD_SA_NEW", sa(0x10000 + i))
        g.do("VGATE_CMD_RULE_NEW", rule(1 + i))

    got, intr, batches = g.dump_interleaved("VGATE_CMD_SA_GET", lambda: None)
    tap(sorted(spis(got)) == list(range(0x10000, 0x10000 + N)) and not intr
        and batches > 2,
        "quiet SA dump of %d SAs in %d parts: each once, not flagged" % (N, batches),
        "%d entries, %d unique, intr=%s" % (len(got), len(set(spis(got))), intr))

    got, intr, _ = g.dump_interleaved(
        "VGATE_CMD_SA_GET", lambda: g2.do("VGATE_CMD_SA_NEW", sa(0x90000)))
    tap(intr, "SA added during the dump: NLM_F_DUMP_INTR")

    got, intr, _ = g.dump_interleaved(
        "VGATE_CMD_SA_GET", lambda: g2.do("VGATE_CMD_SA_DEL", sa(0x10000)))
    tap(intr, "SA deleted during the dump: NLM_F_DUMP_INTR")

    got, intr, _ = g.dump_interleaved("VGATE_CMD_SA_GET", lambda: None)
    s = spis(got)
    tap(not intr and len(s) == N and 0x90000 in s and 0x10000 not in s,
        "dump after the changes is consistent", "%d entries intr=%s" % (len(s), intr))

    got, intr, batches = g.dump_interleaved("VGATE_CMD_RULE_GET", lambda: None)
    tap(len(got) == N and not intr, "quiet rule dump: each once, not flagged",
        "%d entries in %d parts" % (len(got), batches))
    got, intr, _ = g.dump_interleaved(
        "VGATE_CMD_RULE_GET",
        lambda: g2.do("VGATE_CMD_RULE_DEL", nest(C["VGATE_A_RULE"],
                                                u32(C["VGATE_RULE_A_ID"], 1))))
    tap(intr, "rule deleted during the dump: NLM_F_DUMP_INTR")

    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
