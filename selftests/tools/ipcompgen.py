#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Craft IPComp (RFC 3173) packets inside ESP in transport mode (NULL
encryption with HMAC-SHA-256-128, as espgen.py) and send them with a raw
socket, to test the handling of bad IPComp input behind a valid ESP SA.

  ipcompgen.py --src A --dst B --spi SPI --key HEX --cpi CPI --seq N
               --inner-src X --inner-dst Y --kind KIND[,KIND...] [--count C]

KIND (the IPComp header and payload after the ESP header):
  ok         a deflated UDP packet X -> Y (a tunnel mode IPComp packet)
  truncated  two bytes: no whole IPComp header
  flags      a good payload with the reserved flags byte set
  nested     next header IPComp (108) again
  corrupt    bytes that are no deflate stream
  bomb       a deflate stream of 200000 zero bytes (a few hundred bytes)
  unknown    a good packet with CPI + 1 (an IPComp SA nobody has)

Each packet carries sequence number N, N+1, ... (--count packets of each
KIND, in the order given).

  ipcompgen.py --tcp-recv ADDR:PORT --out FILE [--ready FILE]
  ipcompgen.py --tcp-send ADDR:PORT --data zeros|text|random --size BYTES
moves BYTES over one TCP connection; the receiver writes "BYTES SHA256"
to FILE, the sender prints the same for what it sent.
"""
import argparse
import hashlib
import os
import socket
import struct
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from espgen import esp, ipv4, udp  # noqa: E402


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate (RFC 2394)
    return c.compress(data) + c.flush()


def ipcomp_payload(args, kind):
    inner = ipv4(args.inner_src, args.inner_dst, 17,
                 udp(args.inner_src, args.inner_dst, 40000, 9999,
                     b"ipcomp " * 40))
    nexthdr, flags, cpi, body = 4, 0, args.cpi, deflate(inner)
    if kind == "truncated":
        return b"\x04\x00"
    if kind == "flags":
        flags = 1
    elif kind == "nested":
        nexthdr = 108
    elif kind == "corrupt":
        body = bytes(range(7, 250, 3))
    elif kind == "bomb":
        body = deflate(bytes(200000))
    elif kind == "unknown":
        cpi = (cpi + 1) & 0xFFFF
    return struct.pack("!BBH", nexthdr, flags, cpi) + body


def send(args):
    key = bytes.fromhex(args.key.removeprefix("0x"))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    seq = args.seq
    for kind in args.kind.split(","):
        payload = ipcomp_payload(args, kind)
        for i in range(args.count):
            pkt = ipv4(args.src, args.dst, 50,
                       esp(args.spi, seq, key, payload, nexthdr=108),
                       ident=seq & 0xFFFF)
            s.sendto(pkt, (args.dst, 0))
            seq += 1
        print("sent %d %s (IPComp payload %d bytes)" %
              (args.count, kind, len(payload)))


def blob(kind, size):
    if kind == "zeros":
        return bytes(size)
    if kind == "random":
        return os.urandom(size)
    text = b"".join(b"line %08d of a compressible text transfer\n" % i
                    for i in range(size // 40 + 1))
    return text[:size]


def tcp_send(args):
    addr, port = args.tcp_send.rsplit(":", 1)
    data = blob(args.data, args.size)
    s = socket.create_connection((addr, int(port)), timeout=60)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()
    print("%d %s" % (len(data), hashlib.sha256(data).hexdigest()))


def tcp_recv(args):
    addr, port = args.tcp_recv.rsplit(":", 1)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, int(port)))
    ls.listen(1)
    ls.settimeout(args.timeout)
    if args.ready:
        open(args.ready, "w").close()
    c, _ = ls.accept()
    c.settimeout(args.timeout)
    h, n = hashlib.sha256(), 0
    while True:
        d = c.recv(65536)
        if not d:
            break
        h.update(d)
        n += len(d)
    c.close()
    with open(args.out, "w") as f:
        f.write("%d %s\n" % (n, h.hexdigest()))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src")
    p.add_argument("--dst")
    p.add_argument("--spi", type=lambda v: int(v, 0))
    p.add_argument("--key")
    p.add_argument("--cpi", type=lambda v: int(v, 0))
    p.add_argument("--seq", type=int, default=1)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--inner-src")
    p.add_argument("--inner-dst")
    p.add_argument("--kind")
    p.add_argument("--tcp-send")
    p.add_argument("--tcp-recv")
    p.add_argument("--data", choices=["zeros", "text", "random"])
    p.add_argument("--size", type=int, default=1 << 20)
    p.add_argument("--out")
    p.add_argument("--ready")
    p.add_argument("--timeout", type=float, default=120.0)
    args = p.parse_args()
    if args.tcp_recv:
        tcp_recv(args)
    elif args.tcp_send:
        tcp_send(args)
    else:
        send(args)


if __name__ == "__main__":
    main()
