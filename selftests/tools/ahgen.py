#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Craft AH packets (RFC 4302) independently of vgate and XFRM: tunnel mode,
IPv4 outer header, HMAC-SHA-256-128 (RFC 4868), the ICV computed over the
outer header with its mutable fields (TOS, flags and fragment offset, TTL,
checksum) zeroed, the AH header with a zero ICV, and the inner packet; sent
with a raw socket.  Used to test the handling of malformed AH.

  ahgen.py --src A --dst B --spi SPI --key HEX --inner-src X --inner-dst Y
           --seqs 1-3 [--corrupt icv|hdrlen|trunc] [--dport 9999]
           [--no-next-header]

--corrupt icv flips an ICV bit; hdrlen sends a payload length that does
not fit the algorithm (RFC 4302 2.2); trunc cuts the packet inside the AH
header; --no-next-header sends AH with a valid ICV, next header 59 (none)
and nothing after it.  The inner packets are UDP datagrams "seq=<n>" (espgen.py --listen
receives them).
"""
import argparse
import hashlib
import hmac
import socket
import struct

from espgen import ipv4, parse_seqs, udp

ICV_LEN = 16


def ah_packet(src, dst, spi, seq, key, inner, ident, corrupt=None,
              nexthdr=4):
    ahlen = 12 + ICV_LEN			# 28: a multiple of 32 bits
    hdrlen = ahlen // 4 - 2
    if corrupt == "hdrlen":
        hdrlen += 2
    ah = struct.pack("!BBHII", nexthdr, hdrlen, 0, spi, seq)  # 4: IPIP
    total = 20 + ahlen + len(inner)
    # the outer header as the ICV sees it: mutable fields zero
    zeroed = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, 0, 0, 51, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    icv = hmac.new(key, zeroed + ah + bytes(ICV_LEN) + inner,
                   hashlib.sha256).digest()[:ICV_LEN]
    if corrupt == "icv":
        icv = bytes([icv[0] ^ 1]) + icv[1:]
    body = ah + icv + inner
    if corrupt == "trunc":
        body = ah[:8]
    # TOS and TTL set: mutable, so not part of the ICV
    pkt = ipv4(src, dst, 51, body, ident=ident)
    return pkt[:1] + b"\x10" + pkt[2:8] + b"\x20" + pkt[9:]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--spi", type=lambda v: int(v, 0), required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--inner-src", required=True)
    p.add_argument("--inner-dst", required=True)
    p.add_argument("--dport", type=int, default=9999)
    p.add_argument("--seqs", required=True)
    p.add_argument("--corrupt", choices=["icv", "hdrlen", "trunc"])
    p.add_argument("--no-next-header", action="store_true",
                   help="next header 59 (none) and no payload, valid ICV")
    args = p.parse_args()
    key = bytes.fromhex(args.key.removeprefix("0x"))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    seqs = parse_seqs(args.seqs)
    for seq in seqs:
        data = ("seq=%d" % seq).encode()
        inner = ipv4(args.inner_src, args.inner_dst, 17,
                     udp(args.inner_src, args.inner_dst, 40000, args.dport,
                         data), ident=seq & 0xFFFF)
        # a non-zero identification: the kernel fills in a zero one after
        # the ICV was computed
        ident = 0x100 + (seq & 0xFF)
        if args.no_next_header:
            inner = b""
        s.sendto(ah_packet(args.src, args.dst, args.spi, seq, key, inner,
                           ident, args.corrupt,
                           59 if args.no_next_header else 4), (args.dst, 0))
    print("sent %d" % len(seqs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
