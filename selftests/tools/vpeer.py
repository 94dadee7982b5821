#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Configure virtual (route-based) peers and their SAs with raw netlink, for
selftests/route_based.sh, independent of the CLI.

  vpeer.py peer-add ID NAME ADDR SPI_OUT SPI_IN [DESCR]
  vpeer.py peer-set ID NAME ADDR SPI_OUT SPI_IN [DESCR]
  vpeer.py peer-get NAME       prints "ifindex=N ifname=X virtual=V"
  vpeer.py peer-del NAME
  vpeer.py sa-add SPI SRC DST KEY   tunnel mode AES-GCM-16 (KEY: 0x + hex)
  vpeer.py sa-del SPI DST
  vpeer.py drops REASON        the namespace's drop counter, e.g. NO_SA

Errors print the kernel's extack message and exit 1."""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vgatenl as v  # noqa: E402
from vgatenl import C, addr, nest, nla, u8, u16, u32  # noqa: E402


def num(s):
    return int(s, 0)


def peer_attrs(pid, name, address, spi_out, spi_in, descr=None):
    attrs = [u32(C["VGATE_PEER_A_ID"], num(pid)),
             nla(C["VGATE_PEER_A_NAME"], name.encode() + b"\0"),
             u16(C["VGATE_PEER_A_FAMILY"], socket.AF_INET),
             addr(C["VGATE_PEER_A_ADDR"], address),
             u8(C["VGATE_PEER_A_VIRTUAL"], 1),
             u32(C["VGATE_PEER_A_SPI_OUT"], num(spi_out)),
             u32(C["VGATE_PEER_A_SPI_IN"], num(spi_in))]
    if descr:
        attrs.append(nla(C["VGATE_PEER_A_DESCR"], descr.encode() + b"\0"))
    return nest(C["VGATE_A_PEER"], *attrs)


def by_name(name):
    return nest(C["VGATE_A_PEER"],
                nla(C["VGATE_PEER_A_NAME"], name.encode() + b"\0"))


def main(argv):
    g = v.Genl()
    cmd, args = argv[1], argv[2:]
    if cmd == "peer-add":
        g.do("VGATE_CMD_PEER_NEW", peer_attrs(*args))
    elif cmd == "peer-set":
        g.do("VGATE_CMD_PEER_SET", peer_attrs(*args))
    elif cmd == "peer-get":
        msgs = g._request(g.family, C["VGATE_CMD_PEER_GET"], by_name(args[0]),
                          v.NLM_F_REQUEST)
        a = v.parse_attrs(v.parse_attrs(msgs[0][1])[C["VGATE_A_PEER"]])
        ifindex = a.get(C["VGATE_PEER_A_IFINDEX"])
        ifname = a.get(C["VGATE_PEER_A_IFNAME"], b"-").rstrip(b"\0")
        print("ifindex=%s ifname=%s virtual=%d" % (
            struct.unpack("=I", ifindex)[0] if ifindex else "-",
            ifname.decode(), a[C["VGATE_PEER_A_VIRTUAL"]][0]))
    elif cmd == "peer-del":
        g.do("VGATE_CMD_PEER_DEL", by_name(args[0]))
    elif cmd == "sa-add":
        spi, src, dst, key = args
        g.do("VGATE_CMD_SA_NEW", nest(
            C["VGATE_A_SA"],
            u32(C["VGATE_SA_A_SPI"], num(spi)),
            u16(C["VGATE_SA_A_FAMILY"], socket.AF_INET),
            addr(C["VGATE_SA_A_SRC"], src),
            addr(C["VGATE_SA_A_DST"], dst),
            u8(C["VGATE_SA_A_MODE"], C["VGATE_MODE_TUNNEL"]),
            u16(C["VGATE_SA_A_ENC"], C["VGATE_ENC_AES_GCM_16"]),
            nla(C["VGATE_SA_A_ENC_KEY"], bytes.fromhex(key[2:]))))
    elif cmd == "sa-del":
        spi, dst = args
        g.do("VGATE_CMD_SA_DEL", nest(
            C["VGATE_A_SA"],
            u32(C["VGATE_SA_A_SPI"], num(spi)),
            u16(C["VGATE_SA_A_FAMILY"], socket.AF_INET),
            addr(C["VGATE_SA_A_DST"], dst)))
    elif cmd == "drops":
        msgs = g._request(g.family, C["VGATE_CMD_STATS_GET"], b"",
                          v.NLM_F_REQUEST)
        stats = v.parse_attrs(v.parse_attrs(msgs[0][1])[C["VGATE_A_STATS"]])
        drops = v.parse_attrs(stats[C["VGATE_STATS_A_DROPS"]])
        val = drops.get(C["VGATE_DROP_" + args[0]], bytes(8))
        print(struct.unpack("=Q", val)[0])
    else:
        sys.exit("vpeer.py: unknown command " + cmd)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except v.Error as e:
        sys.exit("vpeer.py: %s" % e)
