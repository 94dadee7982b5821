#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hand-made Ethernet/IPv4 ARP frames for the gratuitous-ARP selftests
(frames arping cannot make: spoofed senders, truncated frames, multicast
sender MACs, bursts).  Needs CAP_NET_RAW (AF_PACKET).

  arpsend.py send IFACE [--for S --gap MS] SPEC [SPEC...]
      Send the frames SPEC describes, in order, as fast as possible, and
      print "sent=N elapsed_ms=T" (T: first to last send).  With --for,
      send the whole list again every MS milliseconds (default 20) for S
      seconds, or until SIGTERM.  SPEC is a comma-separated list of
      key=value:
        spa=IP      sender IP (required)
        tpa=IP      target IP (default: spa, i.e. gratuitous)
        op=req|rep  ARP operation (default req)
        sha=MAC     sender MAC (default: IFACE's MAC)
        tha=MAC     target MAC (default: 00:00:00:00:00:00 for req, sha
                    for rep, which the kernel requires of a gratuitous
                    reply)
        src=MAC     Ethernet source (default: IFACE's MAC, not sha, so a
                    bridge forwards frames whose sha is multicast or zero)
        dst=MAC     Ethernet destination (default ff:ff:ff:ff:ff:ff)
        len=N       keep only the first N bytes of the 28-byte ARP
                    payload (truncated frame; no padding is added)
        n=K         send K frames; with incr=1 the i-th (from 0) has
                    spa (and tpa) + i
        incr=1      see n

  arpsend.py respond IFACE --ip IP --mac MAC [--from IP] [--count N]
                     [--timeout S] [--ready FILE]
      Answer ARP requests for IP (from sender IP --from only, if given) with
      an ARP reply "IP is at MAC", unicast to the asker, as a host that
      claims IP would.  Stops after --count answers (default 1) or --timeout
      seconds (default 10) and prints "answered=N".  --ready is created once
      the socket listens.
"""
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
PACKET_OUTGOING = 4


def mac_bytes(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise ValueError(f"bad MAC {s!r}")
    return b


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def ip_bytes(s):
    return socket.inet_aton(s)


def ip_add(s, i):
    return socket.inet_ntoa(struct.pack("!I", struct.unpack("!I", ip_bytes(s))[0] + i))


def open_sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    s.bind((iface, ETH_P_ARP))
    return s, s.getsockname()[4]


def arp_frame(dst, src, op, sha, spa, tha, tpa, length=28):
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op,
                      sha, ip_bytes(spa), tha, ip_bytes(tpa))
    return dst + src + struct.pack("!H", ETH_P_ARP) + arp[:length]


def parse_spec(spec, own):
    kv = {}
    for part in spec.split(","):
        k, _, v = part.partition("=")
        if k not in ("spa", "tpa", "op", "sha", "tha", "src", "dst", "len", "n", "incr"):
            raise ValueError(f"unknown key {k!r} in {spec!r}")
        kv[k] = v
    if "spa" not in kv:
        raise ValueError(f"no spa= in {spec!r}")
    op = {"req": 1, "rep": 2}[kv.get("op", "req")]
    sha = mac_bytes(kv["sha"]) if "sha" in kv else own
    if "tha" in kv:
        tha = mac_bytes(kv["tha"])
    else:
        tha = sha if op == 2 else bytes(6)
    src = mac_bytes(kv["src"]) if "src" in kv else own
    dst = mac_bytes(kv.get("dst", "ff:ff:ff:ff:ff:ff"))
    length = int(kv.get("len", 28))
    frames = []
    for i in range(int(kv.get("n", 1))):
        step = i if kv.get("incr") == "1" else 0
        spa = ip_add(kv["spa"], step)
        tpa = ip_add(kv["tpa"], step) if "tpa" in kv else spa
        frames.append(arp_frame(dst, src, op, sha, spa, tha, tpa, length))
    return frames


def send(iface, args):
    duration = gap = None
    specs = []
    i = 0
    while i < len(args):
        if args[i] == "--for":
            duration = float(args[i + 1])
            i += 2
        elif args[i] == "--gap":
            gap = float(args[i + 1]) / 1000
            i += 2
        else:
            specs.append(args[i])
            i += 1
    s, own = open_sock(iface)
    frames = []
    for spec in specs:
        frames.extend(parse_spec(spec, own))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    end = time.monotonic() + (duration or 0)
    sent = 0
    t0 = t1 = None
    while not stop:
        for f in frames:
            s.send(f)
            t1 = time.monotonic()
            if t0 is None:
                t0 = t1
            sent += 1
        if duration is None or time.monotonic() >= end:
            break
        time.sleep(gap if gap is not None else 0.02)
    ms = (t1 - t0) * 1000 if t0 is not None else 0.0
    print(f"sent={sent} elapsed_ms={ms:.1f}", flush=True)


def respond(iface, args):
    def opt(name, default=None):
        return args[args.index(name) + 1] if name in args else default

    ip = ip_bytes(opt("--ip"))
    mac = mac_bytes(opt("--mac"))
    frm = opt("--from")
    frm = ip_bytes(frm) if frm else None
    count = int(opt("--count", 1))
    deadline = time.monotonic() + float(opt("--timeout", 10))
    s, own = open_sock(iface)
    ready = opt("--ready")
    if ready:
        open(ready, "w").close()
    answered = 0
    while answered < count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            break
        data, addr = s.recvfrom(2048)
        if addr[2] == PACKET_OUTGOING or len(data) < 42:
            continue
        _, _, hln, pln, op, sha, spa, _, tpa = struct.unpack(
            "!HHBBH6s4s6s4s", data[14:42])
        if op != 1 or hln != 6 or pln != 4 or tpa != ip or spa == tpa:
            continue
        if frm is not None and spa != frm:
            continue
        reply = data[6:12] + own + struct.pack("!H", ETH_P_ARP) + struct.pack(
            "!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, mac, ip, sha, spa)
        s.send(reply)
        answered += 1
    print(f"answered={answered}")


def main(argv):
    if len(argv) < 3 or argv[1] not in ("send", "respond"):
        sys.stderr.write(__doc__)
        return 2
    if argv[1] == "send":
        send(argv[2], argv[3:])
    else:
        respond(argv[2], argv[3:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
