#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Craft ESP packets independently of vgate and XFRM (RFC 4303 tunnel mode,
NULL encryption with HMAC-SHA-256-128, RFC 4868) and send them with a raw
socket.  Used to test anti-replay and the handling of malformed input.

  espgen.py --src A --dst B --spi SPI --key HEX --inner-src X --inner-dst Y
            --seqs 1-3000 [--shuffle SEED] [--corrupt icv|pad|padlen|nexthdr]
            [--dport 9999] [--mark] [--esn] [--dummy]

Every inner packet is a UDP datagram whose payload is "seq=<n>", so the
receiver (--listen) can tell which ones arrived.  --dummy sends dummy
packets instead (RFC 4303 2.6: next header 59, no payload).  --sentinel ADDR:PORT+1
sends a clear "END" after the batch.

  espgen.py --listen ADDR:PORT [--timeout SEC]  prints the received payloads
"""
import argparse
import hashlib
import hmac
import random
import select
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      0, 64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def udp(src, dst, sport, dport, data):
    length = 8 + len(data)
    pseudo = struct.pack("!4s4sBBH", socket.inet_aton(src),
                         socket.inet_aton(dst), 0, 17, length)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = csum(pseudo + hdr + data) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, length, c) + data


def esp(spi, seq, key, inner, corrupt=None, nexthdr=4, esn=False):
    padlen = (-(len(inner) + 2)) % 4
    pad = bytes(range(1, padlen + 1))
    if corrupt == "pad" and padlen == 0:
        # make room for a wrong pad byte
        padlen, pad = 4, bytes([1, 2, 3, 9])
    elif corrupt == "pad":
        pad = pad[:-1] + bytes([pad[-1] ^ 0x55])
    plen_byte = padlen
    if corrupt == "padlen":
        plen_byte = 250
    if corrupt == "nexthdr":
        nexthdr = 17
    body = (struct.pack("!II", spi, seq & 0xFFFFFFFF) + inner + pad +
            bytes([plen_byte, nexthdr]))
    # ESN (RFC 4303 2.2.1): the high half is authenticated after the
    # payload but not sent
    hi = struct.pack("!I", seq >> 32) if esn else b""
    icv = hmac.new(key, body + hi, hashlib.sha256).digest()[:16]
    if corrupt == "icv":
        icv = bytes([icv[0] ^ 1]) + icv[1:]
    return body + icv


def parse_seqs(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a, 0), int(b, 0) + 1))
        else:
            out.append(int(part, 0))
    return out


def garbage(args):
    """ESP packets for a valid SPI whose body is random: sequence number,
    length (including shorter than an ESP header) and content."""
    rnd = random.Random(args.shuffle or 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i in range(args.garbage):
        n = rnd.choice([0, 3, 7, rnd.randrange(8, 40), rnd.randrange(40, 1400)])
        body = bytes(rnd.getrandbits(8) for _ in range(n))
        if n >= 4:
            body = struct.pack("!I", args.spi) + body[4:]
        s.sendto(ipv4(args.src, args.dst, 50, body, ident=i & 0xFFFF),
                 (args.dst, 0))
        if i % 100 == 99:
            time.sleep(0.01)
    print("sent %d" % args.garbage)


def send(args):
    key = bytes.fromhex((args.key or "").removeprefix("0x"))
    seqs = parse_seqs(args.seqs)
    if args.shuffle is not None:
        random.Random(args.shuffle).shuffle(seqs)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for i, seq in enumerate(seqs):
        data = ("seq=%d" % seq).encode()
        inner = ipv4(args.inner_src, args.inner_dst, 17,
                     udp(args.inner_src, args.inner_dst, 40000, args.dport,
                         data), ident=seq & 0xFFFF)
        if args.clear:
            s.sendto(inner, (args.inner_dst, 0))
        elif args.dummy:
            s.sendto(ipv4(args.src, args.dst, 50,
                          esp(args.spi, seq, key, b"", nexthdr=59),
                          ident=seq & 0xFFFF), (args.dst, 0))
        else:
            pkt = ipv4(args.src, args.dst, 50,
                       esp(args.spi, seq, key, inner, args.corrupt,
                           esn=args.esn),
                       ident=seq & 0xFFFF)
            s.sendto(pkt, (args.dst, 0))
        if args.pace and i % args.pace == args.pace - 1:
            time.sleep(0.01)
    if args.sentinel:
        # ends the listener's wait: sent in the clear, after every ESP packet
        addr, port = args.sentinel.rsplit(":", 1)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.sendto(b"END", (addr, int(port)))
    print("sent %d" % len(seqs))


def listen(args):
    """Print every datagram received on --listen until a datagram arrives on
    the sentinel port (--listen port + 1) and nothing more comes for 1 s;
    --timeout bounds the whole wait."""
    addr, port = args.listen.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # a burst of thousands of datagrams must not overflow the socket
    s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
    s.bind((addr, int(port)))
    end = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    end.bind(("0.0.0.0", int(port) + 1))
    if args.ready:
        open(args.ready, "w").close()
    seen = []
    deadline = time.monotonic() + args.timeout
    ended = None
    while True:
        now = time.monotonic()
        if now > deadline or (ended and now > ended + 1.0):
            break
        r, _, _ = select.select([s, end], [], [], 0.2)
        if s in r:
            data, _ = s.recvfrom(2048)
            seen.append(data.decode(errors="replace"))
            if ended:
                ended = time.monotonic()
        if end in r:
            end.recvfrom(64)
            ended = time.monotonic()
    for d in seen:
        print(d)
    if not ended:
        print("listener: no sentinel within %.0f s" % args.timeout, file=sys.stderr)
        return 1
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src")
    p.add_argument("--dst")
    p.add_argument("--spi", type=lambda v: int(v, 0))
    p.add_argument("--key")
    p.add_argument("--inner-src")
    p.add_argument("--inner-dst")
    p.add_argument("--dport", type=int, default=9999)
    p.add_argument("--seqs")
    p.add_argument("--esn", action="store_true",
                   help="64-bit sequence numbers: --seqs may exceed 2^32 - 1")
    p.add_argument("--shuffle", type=int)
    p.add_argument("--pace", type=int, default=200,
                   help="sleep 10 ms after every N packets")
    p.add_argument("--corrupt", choices=["icv", "pad", "padlen", "nexthdr"])
    p.add_argument("--garbage", type=int, metavar="N",
                   help="send N ESP packets of random length and content")
    p.add_argument("--dummy", action="store_true",
                   help="send dummy packets (next header 59, no payload)")
    p.add_argument("--clear", action="store_true",
                   help="send the inner packets without ESP")
    p.add_argument("--listen")
    p.add_argument("--ready", help="file to create once listening")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--sentinel", help="ADDR:PORT to send END to at the end")
    args = p.parse_args()
    if args.listen:
        return listen(args)
    if args.garbage:
        garbage(args)
    else:
        send(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
