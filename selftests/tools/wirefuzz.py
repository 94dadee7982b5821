#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Wire fuzzer: malformed and crafted ESP, AH, IPComp, UDP-encapsulated
ESP, fragments, IPv6 extension chains and nested encapsulations, sent from
the peer to a gateway that holds SAs of every type (selftests/lib_wire.sh
sets them up).  Every packet is built so that the IP layer delivers it:
each one reaches vgate, which must drop and count it (or, for a NAT
keepalive, count it as one).  Independent of vgate and XFRM (NULL
encryption with HMAC-SHA-256-128, as espgen.py).

  wirefuzz.py --key HEX --ah-key HEX --count N [--seed S] [--kinds K,...]

Prints one line "sent=N kinds=K:n,..." and, with --pps, the rate.
The inner packets of valid layers are UDP to 10.1.0.2:9999 (lanA), where
nothing may arrive.
"""
import argparse
import hashlib
import hmac
import os
import random
import socket
import struct
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from espgen import ipv4, udp  # noqa: E402
from nestgen import Family  # noqa: E402

SRC, DST = "192.0.2.2", "192.0.2.1"
SRC6, DST6 = "fd00:ff::2", "fd00:ff::1"
SPI_TUN, SPI_AH, SPI_TRANS, SPI_UDP, SPI_V6 = 0x2000, 0x2100, 0x2200, 0x2300, 0x2400
CPI = 0x300
LAN_SRC, LAN_DST = "10.2.0.2", "10.1.0.2"


def esp_raw(spi, seq, key, payload, nexthdr, pad=None, padlen=None):
    n = (-(len(payload) + 2)) % 4
    padding = bytes(range(1, n + 1)) if pad is None else pad
    body = (struct.pack("!II", spi, seq & 0xFFFFFFFF) + payload + padding +
            bytes([len(padding) if padlen is None else padlen, nexthdr]))
    return body + hmac.new(key, body, hashlib.sha256).digest()[:16]


class Fuzz:
    def __init__(self, a):
        self.r = random.Random(a.seed)
        self.key = bytes.fromhex(a.key.removeprefix("0x"))
        self.akey = bytes.fromhex(a.ah_key.removeprefix("0x"))
        # valid ICVs consume sequence numbers: start high, count up
        self.seq = (a.seed % 400) * 10000000
        self.s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                                socket.IPPROTO_RAW)
        self.s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                                socket.IPPROTO_RAW)
        self.f4 = Family(SRC, DST)
        self.f6 = Family(SRC6, DST6)

    def nseq(self):
        self.seq += 1
        return self.seq

    def rbytes(self, n):
        return self.r.randbytes(n)

    def inner(self, src=LAN_SRC, dst=LAN_DST):
        return ipv4(src, dst, 17, udp(src, dst, 40000, 9999, b"fuzz 1"))

    def send4(self, proto, payload, frag=False):
        ident = self.r.getrandbits(16)
        pkts = (self.f4.fragments(proto, payload, ident, mtu=576) if frag
                else [ipv4(SRC, DST, proto, payload, ident)])
        for p in pkts:
            self.s4.sendto(p, (DST, 0))

    def send6(self, proto, payload):
        self.s6.sendto(self.f6.ip(proto, payload), (DST6, 0))

    # ---- kinds: each sends one packet that vgate must drop and count ----
    def esp_garbage(self):
        n = self.r.choice([0, 3, 7, self.r.randrange(8, 40),
                           self.r.randrange(40, 1400)])
        body = self.rbytes(n)
        if n >= 4:
            body = struct.pack("!I", SPI_TUN) + body[4:]
        self.send4(50, body)

    def esp_unknown_spi(self):
        spi = self.r.choice([0, 1, 255, 0x1FFF, 0xFFFFFFFF,
                             self.r.getrandbits(32) | 0x10000])
        self.send4(50, struct.pack("!II", spi, 1) +
                   self.rbytes(self.r.randrange(0, 200)))

    def esp_bad_pad(self):
        inner = self.inner()
        pad = bytes([1, 2, 3, self.r.randrange(5, 256)])
        self.send4(50, esp_raw(SPI_TUN, self.nseq(), self.key, inner, 4,
                               pad=pad, padlen=self.r.choice([4, 200, 255])))

    def esp_bad_next(self):
        self.send4(50, esp_raw(SPI_TUN, self.nseq(), self.key, self.inner(),
                               self.r.choice([0, 6, 17, 58, 99, 255])))

    def esp_bad_inner(self):
        inner = bytearray(self.inner())
        i = self.r.randrange(0, 20)
        inner[i] ^= 1 << self.r.randrange(8)
        if i in (10, 11):		# the checksum itself: break a length
            inner[3] ^= 0x40
        cut = self.r.choice([len(inner), 19, 8, 1])
        self.send4(50, esp_raw(SPI_TUN, self.nseq(), self.key,
                               bytes(inner[:cut]), 4))

    def esp_inner_policy(self):
        inner = self.inner(src="10.77.0.1", dst=LAN_DST)
        self.send4(50, esp_raw(SPI_TUN, self.nseq(), self.key, inner, 4))

    def esp_replay(self):
        self.send4(50, esp_raw(SPI_TUN, self.r.randrange(1, 64), self.key,
                               self.inner(), 4))

    def esp_frag(self):
        body = struct.pack("!II", SPI_TUN, self.nseq()) + self.rbytes(
            self.r.randrange(1200, 4000))
        self.send4(50, body, frag=True)

    def esp_nested(self):
        inner = ipv4(SRC, DST, 50, struct.pack("!II", SPI_TUN, self.nseq()) +
                     self.rbytes(self.r.randrange(24, 200)))
        self.send4(50, esp_raw(SPI_TUN, self.nseq(), self.key, inner, 4))

    def ah_garbage(self):
        n = self.r.choice([0, 7, 11, self.r.randrange(12, 300)])
        body = self.rbytes(n)
        if n >= 8:
            body = body[:4] + struct.pack("!I", SPI_AH) + body[8:]
        self.send4(51, body)

    def ah_bad_icv(self):
        hdrlen = self.r.choice([4, 5, 2, 0, 255])
        ah = struct.pack("!BBHII", 4, hdrlen, 0, SPI_AH, self.nseq())
        self.send4(51, ah + self.rbytes(16) + self.inner())

    def comp_bad(self):
        kind = self.r.choice(["trunc", "flags", "nested", "corrupt", "bomb"])
        nh, flags, body = 4, 0, zlib.compress(self.inner())[2:-4]
        if kind == "trunc":
            payload = b"\x04\x00"
        else:
            if kind == "flags":
                flags = self.r.randrange(1, 256)
            elif kind == "nested":
                nh = 108
            elif kind == "corrupt":
                body = self.rbytes(self.r.randrange(1, 300))
            else:
                c = zlib.compressobj(9, zlib.DEFLATED, -15)
                body = c.compress(bytes(200000)) + c.flush()
            payload = struct.pack("!BBH", nh, flags, CPI) + body
        self.send4(50, esp_raw(SPI_TRANS, self.nseq(), self.key, payload,
                               108))

    def natt_short(self):
        n = self.r.randrange(1, 9)
        data = self.rbytes(n)
        if data == b"\xff":
            data = b"\xfe"
        self.send4(17, udp(SRC, DST, 4500, 4500, data))

    def natt_keepalive(self):
        self.send4(17, udp(SRC, DST, 4500, 4500, b"\xff"))

    def natt_ike(self):
        self.send4(17, udp(SRC, DST, 4500, 4500,
                           bytes(4) + self.rbytes(self.r.randrange(28, 200))))

    def natt_garbage(self):
        spi = self.r.choice([SPI_UDP, SPI_UDP, 0x77777777])
        self.send4(17, udp(SRC, DST, 4500, 4500, struct.pack(
            "!II", spi, self.r.getrandbits(32)) + self.rbytes(
                self.r.randrange(0, 300))))

    def v6_esp_garbage(self):
        self.send6(50, struct.pack("!II", SPI_V6, self.r.getrandbits(32)) +
                   self.rbytes(self.r.randrange(0, 600)))

    def v6_ext_esp(self):
        # hop-by-hop first, then 1..6 destination options headers (PadN)
        n = self.r.randrange(1, 7)
        esp = struct.pack("!II", SPI_V6, self.r.getrandbits(32)) + \
            self.rbytes(self.r.randrange(16, 300))
        chain, nh = b"", 50
        for i in range(n + 1):
            hdr = bytes([nh, 0, 1, 4]) + bytes(4)	# PadN of 4 bytes
            chain = hdr + chain
            nh = 0 if i == n else 60
        self.send6(0, chain + esp)

    KINDS = ("esp_garbage", "esp_unknown_spi", "esp_bad_pad", "esp_bad_next",
             "esp_bad_inner", "esp_inner_policy", "esp_replay", "esp_frag",
             "esp_nested", "ah_garbage", "ah_bad_icv", "comp_bad",
             "natt_short", "natt_keepalive", "natt_ike", "natt_garbage",
             "v6_esp_garbage", "v6_ext_esp")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--key", required=True)
    p.add_argument("--ah-key", required=True)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kinds", default=",".join(Fuzz.KINDS))
    a = p.parse_args()
    f = Fuzz(a)
    kinds = a.kinds.split(",")
    sent = dict.fromkeys(kinds, 0)
    t0 = time.monotonic()
    for i in range(a.count):
        k = kinds[i % len(kinds)] if i < len(kinds) else f.r.choice(kinds)
        getattr(f, k)()
        sent[k] += 1
        if i % 200 == 199:
            time.sleep(0.005)	# let the receiver's backlog drain
    dt = time.monotonic() - t0
    print("sent=%d seconds=%.1f kinds=%s" % (
        a.count, dt, ",".join("%s:%d" % kv for kv in sent.items())))


if __name__ == "__main__":
    main()
