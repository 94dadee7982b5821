#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tagged, numbered UDP datagrams for the policy selftests.

  udpprobe.py recv --ports 7000-7020,9000 [--ready FILE] --out FILE [--ipv6]
      Listen on every port (all IPv4 addresses, and all IPv6 ones with
      --ipv6) until SIGTERM/SIGINT, then write
      JSON {tag: {"received": n, "unique": n, "duplicates": n,
      "max_seq": n, "sources": ["addr:port", ...]}} to FILE.  --ready is
      created once every socket is bound.

  udpprobe.py send TAG SRC SPORT DST DPORT COUNT [TAG SRC SPORT ...]
      Send COUNT datagrams per flow, each "TAG SEQ" (SEQ from 1); flows one
      after the other, 20 ms apart.  SRC may be "-" (any source address),
      SPORT 0 (any port).

  udpprobe.py flow --src SRC --dst DST --dport P --tag TAG --rate PPS
                   --stop FILE [--sport P] [--out FILE]
      Send "TAG SEQ" at a steady PPS until FILE exists, then write the number
      "SENT ERRORS" to --out (or stdout).  Pacing is by absolute schedule,
      so short stalls are caught up (in bursts of at most 25).
"""
import json
import os
import selectors
import signal
import socket
import sys
import time


def parse_ports(spec):
    ports = []
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            ports.extend(range(int(lo), int(hi) + 1))
        else:
            ports.append(int(part))
    return ports


def recv(args):
    ports = parse_ports(args[args.index("--ports") + 1])
    out = args[args.index("--out") + 1]
    ready = args[args.index("--ready") + 1] if "--ready" in args else None
    sel = selectors.DefaultSelector()
    fams = [(socket.AF_INET, "0.0.0.0")]
    if "--ipv6" in args:
        fams.append((socket.AF_INET6, "::"))
    for p in ports:
        for fam, any_addr in fams:
            s = socket.socket(fam, socket.SOCK_DGRAM)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.bind((any_addr, p))
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
    stats = {}
    stop = []

    def on_signal(*_):
        stop.append(1)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if ready:
        open(ready, "w").close()
    while not stop:
        for key, _ in sel.select(0.2):
            while True:
                try:
                    data, addr = key.fileobj.recvfrom(2048)
                except BlockingIOError:
                    break
                try:
                    tag, seq = data.split()[:2]
                    tag = tag.decode()
                    seq = int(seq)
                except ValueError:
                    tag, seq = "?", 0
                st = stats.setdefault(tag, {"received": 0, "seen": {},
                                            "sources": set()})
                st["received"] += 1
                st["seen"][seq] = st["seen"].get(seq, 0) + 1
                st["sources"].add("%s:%d" % addr[:2])
    res = {}
    for tag, st in stats.items():
        res[tag] = {
            "received": st["received"],
            "unique": len(st["seen"]),
            "duplicates": sum(c - 1 for c in st["seen"].values()),
            "max_seq": max(st["seen"]),
            "sources": sorted(st["sources"]),
        }
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(res, f, sort_keys=True)
    os.rename(tmp, out)


def sock_for(src, sport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("" if src == "-" else src, int(sport)))
    return s


def send(args):
    if len(args) % 6:
        sys.exit("send: TAG SRC SPORT DST DPORT COUNT, repeated")
    for i in range(0, len(args), 6):
        tag, src, sport, dst, dport, count = args[i:i + 6]
        s = sock_for(src, sport)
        for seq in range(1, int(count) + 1):
            try:
                s.sendto(b"%s %d" % (tag.encode(), seq), (dst, int(dport)))
            except OSError as e:	# EPERM from a drop: keep going
                print("send %s: %s" % (tag, e), file=sys.stderr)
            time.sleep(0.02)
        s.close()


def flow(args):
    def opt(name, default=None):
        return args[args.index(name) + 1] if name in args else default

    s = sock_for(opt("--src", "-"), opt("--sport", "0"))
    dst = (opt("--dst"), int(opt("--dport")))
    tag = opt("--tag").encode()
    rate = float(opt("--rate"))
    stop = opt("--stop")
    out = opt("--out")
    seq = 0
    errors = 0
    t0 = time.monotonic()
    while not os.path.exists(stop):
        # Every 1/rate s by the clock: a stall is caught up in a burst.
        # At most 25 at once: a long stall must not flood the queues.
        due = min(int((time.monotonic() - t0) * rate) + 1, seq + 25)
        while seq < due:
            seq += 1
            try:
                s.sendto(b"%s %d" % (tag, seq), dst)
            except OSError:
                errors += 1
        time.sleep(min(0.01, 1.0 / rate))
    res = "%d %d\n" % (seq, errors)
    if out:
        with open(out, "w") as f:
            f.write(res)
    else:
        sys.stdout.write(res)


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    {"recv": recv, "send": send, "flow": flow}.get(
        cmd, lambda a: sys.exit(__doc__))(sys.argv[2:])
