#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Craft packets with ESP nested inside ESP, N layers deep, independently
of vgate and XFRM (NULL encryption with HMAC-SHA-256-128 as espgen.py), and
send them with a raw socket, fragmenting them (IPv4 or IPv6) as needed.

  nestgen.py --src A --dst B --spi SPI --key HEX --layers N[,N...]
             [--mode transport|tunnel] [--via plain|comp|udp]
             [--cpi CPI] [--udp-spi SPI --udp-key HEX]
             --seq S [--count C] [--dport 9999] [--tag TAG]
             [--exthdrs N] [--atomic-frag] [--mtu BYTES]

The innermost payload is a UDP datagram A:40000 -> B:DPORT carrying
"TAG-N K" (K: 1 for the first packet of that depth, ...; TAG defaults
to nest), as udpprobe.py's receiver counts them.  Each of the N layers is
one ESP layer with sequence numbers S+1, S+2, ... from the outside in; the
next packet starts at S+N+1 (--count packets of each depth, in the order
given).

--via says what lies between two ESP layers:
  plain  nothing: ESP in ESP (transport), or IP in ESP (tunnel)
  comp   an IPComp header (CPI) and the deflated inner layer: ESP in
         IPComp in ESP (transport mode only)
  udp    the layers alternate between SA SPI carrying UDP 4500 -> 4500 and
         SA UDP_SPI (UDP-encapsulated, RFC 3948) carrying the next plain
         ESP layer; the innermost layer is a UDP-encapsulated one
         (transport mode only)

IPv6 only: --exthdrs N puts N destination options headers (8 bytes each,
PadN) in front of the outermost layer, --atomic-frag a Fragment header
with offset 0 and M clear (RFC 6946) in front of that layer, after them;
--mtu BYTES (default 1500) fragments the packets to at most BYTES each.
"""
import argparse
import hashlib
import hmac
import ipaddress
import os
import socket
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from espgen import csum  # noqa: E402

IPPROTO_IPIP, IPPROTO_UDP, IPPROTO_IPV6 = 4, 17, 41
IPPROTO_ESP, IPPROTO_COMP, IPPROTO_FRAG = 50, 108, 44
IPPROTO_DSTOPTS = 60


def esp(spi, seq, key, inner, nexthdr):
    padlen = (-(len(inner) + 2)) % 4
    body = (struct.pack("!II", spi, seq) + inner +
            bytes(range(1, padlen + 1)) + bytes([padlen, nexthdr]))
    return body + hmac.new(key, body, hashlib.sha256).digest()[:16]


class Family:
    def __init__(self, src, dst):
        self.src = ipaddress.ip_address(src)
        self.dst = ipaddress.ip_address(dst)
        self.v6 = self.src.version == 6

    def udp(self, sport, dport, data, csum_on=True):
        length = 8 + len(data)
        if self.v6:
            pseudo = (self.src.packed + self.dst.packed +
                      struct.pack("!IxxxB", length, IPPROTO_UDP))
        else:
            pseudo = (self.src.packed + self.dst.packed +
                      struct.pack("!xBH", IPPROTO_UDP, length))
        hdr = struct.pack("!HHHH", sport, dport, length, 0)
        c = (csum(pseudo + hdr + data) or 0xFFFF) if csum_on else 0
        return struct.pack("!HHHH", sport, dport, length, c) + data

    def ip(self, proto, payload, ident=0):
        if self.v6:
            return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto,
                               64, self.src.packed,
                               self.dst.packed) + payload
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload),
                          ident, 0, 64, proto, 0, self.src.packed,
                          self.dst.packed)
        return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload

    def fragments(self, proto, payload, ident, mtu=1500):
        """The packet proto/payload as IP fragments of at most mtu bytes."""
        hlen = 48 if self.v6 else 20
        if hlen - (8 if self.v6 else 0) + len(payload) <= mtu:
            return [self.ip(proto, payload, ident)]
        step = (mtu - hlen) & ~7
        out = []
        for off in range(0, len(payload), step):
            chunk = payload[off:off + step]
            more = off + step < len(payload)
            if self.v6:
                fh = struct.pack("!BxHI", proto, off | more, ident)
                out.append(self.ip(IPPROTO_FRAG, fh + chunk))
                continue
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(chunk),
                              ident, (off >> 3) | (0x2000 if more else 0),
                              64, proto, 0, self.src.packed,
                              self.dst.packed)
            out.append(hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] +
                       chunk)
        return out


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate (RFC 2394)
    return c.compress(data) + c.flush()


def build(a, f, layers, seq, n):
    """(protocol, payload) of the outermost IP header, for one packet."""
    key = bytes.fromhex(a.key.removeprefix("0x"))
    proto = IPPROTO_UDP
    tag = "%s-%d" % (a.tag, layers)
    cur = f.udp(40000, a.dport, b"%s %d" % (tag.encode(), n + 1))
    inner_ip = IPPROTO_IPV6 if f.v6 else IPPROTO_IPIP
    # innermost first: layer i (1 = outermost) has sequence number seq + i
    for i in range(layers, 0, -1):
        if a.mode == "tunnel":
            cur, proto = f.ip(proto, cur), inner_ip
        if a.via == "udp" and (layers - i) % 2 == 0:
            ukey = bytes.fromhex(a.udp_key.removeprefix("0x"))
            cur = f.udp(4500, 4500, esp(a.udp_spi, seq + i, ukey, cur,
                                        proto), csum_on=False)
            proto = IPPROTO_UDP
            continue
        if a.via == "comp" and i < layers:
            cur = struct.pack("!BBH", proto, 0, a.cpi) + deflate(cur)
            proto = IPPROTO_COMP
        cur, proto = esp(a.spi, seq + i, key, cur, proto), IPPROTO_ESP
    if a.atomic_frag:
        cur = struct.pack("!BxHI", proto, 0, 0x5000 + n) + cur
        proto = IPPROTO_FRAG
    for _ in range(a.exthdrs):
        # next header, length 0 (8 bytes), PadN of 4 bytes
        cur = struct.pack("!BBBB4x", proto, 0, 1, 4) + cur
        proto = IPPROTO_DSTOPTS
    return proto, cur


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--spi", type=lambda x: int(x, 0), required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--layers", required=True,
                   type=lambda x: [int(n) for n in x.split(",")])
    p.add_argument("--mode", choices=("transport", "tunnel"),
                   default="transport")
    p.add_argument("--via", choices=("plain", "comp", "udp"),
                   default="plain")
    p.add_argument("--cpi", type=lambda x: int(x, 0), default=0)
    p.add_argument("--udp-spi", type=lambda x: int(x, 0), default=0)
    p.add_argument("--udp-key", default="")
    p.add_argument("--seq", type=int, required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--dport", type=int, default=9999)
    p.add_argument("--tag", default="nest")
    p.add_argument("--exthdrs", type=int, default=0)
    p.add_argument("--atomic-frag", action="store_true")
    p.add_argument("--mtu", type=int, default=1500)
    a = p.parse_args()
    if a.via != "plain" and a.mode != "transport":
        p.error("--via comp|udp: transport mode only")
    f = Family(a.src, a.dst)
    if (a.exthdrs or a.atomic_frag) and not f.v6:
        p.error("--exthdrs, --atomic-frag: IPv6 only")
    fam = socket.AF_INET6 if f.v6 else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_RAW)
    seq, sent = a.seq, 0
    for layers in a.layers:
        for n in range(a.count):
            proto, payload = build(a, f, layers, seq, n)
            frags = f.fragments(proto, payload, (seq * 7 + n) & 0xFFFF,
                                a.mtu)
            for frag in frags:
                s.sendto(frag, (a.dst, 0))
            sent += len(frags)
            seq += layers
        print("sent %d packets of %d layers (%d bytes of payload each)" %
              (a.count, layers, len(payload)))
    print("%d fragments in all; next sequence number %d" % (sent, seq))


if __name__ == "__main__":
    main()
