#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers for selftests/bench/spd.sh, straight on vgate's netlink family
(tools/vgatenl.py), so that what is timed is the kernel, not a parser.

The rule set: N traffic list entries of peer PEER, entry k (ID k+1) being
  local 10.1.0.0/24 remote R_k/32 protect SPI_OUT/SPI_IN
with R_k = 10.128.0.0 + k, except entry K (ID K+1), whose remote is the
benchmark flow's destination (FLOW_DST).

  spd_bench.py addrs N K FLOW_DST
      print "first middle last": the remote addresses of IDs 1, K+1 and N
  spd_bench.py install N K FLOW_DST PEER SPI_OUT SPI_IN
      TXN_BEGIN, RULE_FLUSH, RULE_NEWs of 64 rules (16 per send, no acks), TXN_COMMIT;
      prints the wall time from TXN_BEGIN to the commit's ack, in seconds
      (and on stderr how much of it the commit took)
  spd_bench.py xfrm N K FLOW_DST
      the same set as "ip -batch" lines: xfrm policy add ... dir out
  spd_bench.py explain SRC DST DPORT ITERATIONS REPEAT
      EXPLAIN UDP SRC:40000 -> DST:DPORT with ITERATIONS, REPEAT times;
      prints one "ns_per_lookup action rule_id" line per measurement
"""
import ipaddress
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vgatenl as nl  # noqa: E402

C = nl.C


def remotes(n, k, flow_dst):
    base = int(ipaddress.IPv4Address("10.128.0.0"))
    for i in range(n):
        yield flow_dst if i == k else str(ipaddress.IPv4Address(base + i))


def cmd_addrs(n, k, flow_dst):
    r = list(remotes(n, k, flow_dst))
    print(r[0], r[k], r[-1])


def cmd_xfrm(n, k, flow_dst):
    out = sys.stdout
    for r in remotes(n, k, flow_dst):
        out.write("xfrm policy add src 10.1.0.0/24 dst %s/32 dir out "
                  "tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel\n" % r)


def message(g, seq, cmd, payload, flags=nl.NLM_F_REQUEST):
    body = struct.pack("=BBH", C[cmd], 1, 0) + payload
    return struct.pack("=IHHII", 16 + len(body), g.family, flags, seq, 0) + body


def wait_ack(g, seq):
    """Read until the ack of request @seq; raise on any error before it
    (requests without NLM_F_ACK only answer when they fail)."""
    while True:
        data = g.sock.recv(1 << 20)
        while data:
            mlen, mtype = struct.unpack("=IH", data[:6])
            cur, data = data[:mlen], data[(mlen + 3) & ~3:]
            if mtype == nl.NLMSG_ERROR:
                err = struct.unpack("=i", cur[16:20])[0]
                rseq = struct.unpack("=I", cur[28:32])[0]
                if err:
                    raise SystemExit("request %d failed: %s" % (rseq, os.strerror(-err)))
                if rseq == seq:
                    return


def cmd_install(n, k, flow_dst, peer, spi_out, spi_in):
    g = nl.Genl()
    g.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    pname = peer.encode() + b"\0"
    rules = []
    for i, r in enumerate(remotes(n, k, flow_dst)):
        rule = nl.nest(C["VGATE_A_RULE"],
                       nl.u32(C["VGATE_RULE_A_ID"], i + 1),
                       nl.u16(C["VGATE_RULE_A_FAMILY"], socket.AF_INET),
                       nl.addr(C["VGATE_RULE_A_LOCAL"], "10.1.0.0"),
                       nl.u8(C["VGATE_RULE_A_LOCAL_PLEN"], 24),
                       nl.addr(C["VGATE_RULE_A_REMOTE"], r),
                       nl.u8(C["VGATE_RULE_A_ACTION"], C["VGATE_ACTION_PROTECT"]),
                       nl.u8(C["VGATE_RULE_A_STAGE"], C["VGATE_STAGE_PEER"]),
                       nl.nla(C["VGATE_RULE_A_PEER_NAME"], pname),
                       nl.u32(C["VGATE_RULE_A_SPI_OUT"], spi_out),
                       nl.u32(C["VGATE_RULE_A_SPI_IN"], spi_in))
        rules.append(rule)
    # RULE_NEW takes a batch of rule nests (all or none); 64 per message,
    # 16 messages per send().  Without NLM_F_ACK the kernel answers only a
    # failure; the commit's ack comes after all.
    msgs = [message(g, 1000 + i, "VGATE_CMD_RULE_NEW", b"".join(rules[j:j + 64]))
            for i, j in enumerate(range(0, len(rules), 64))]
    chunks = [b"".join(msgs[i:i + 16]) for i in range(0, len(msgs), 16)]
    times = []
    t0 = time.monotonic()
    g.do("VGATE_CMD_TXN_BEGIN")
    g.do("VGATE_CMD_RULE_FLUSH")
    for c in chunks:
        times.append(time.monotonic())
        g.sock.send(c)
    times.append(time.monotonic())
    k = max(1, len(chunks) // 10)
    first, last = times[k] - times[0], times[-1] - times[-1 - k]
    commit = message(g, 999, "VGATE_CMD_TXN_COMMIT", b"",
                     nl.NLM_F_REQUEST | nl.NLM_F_ACK)
    t1 = time.monotonic()
    g.sock.send(commit)
    wait_ack(g, 999)
    t2 = time.monotonic()
    print("# install %d: RULE_NEWs %.3fs (first tenth %.3fs, last tenth %.3fs), "
          "TXN_COMMIT %.3fs" % (n, t1 - t0, first, last, t2 - t1), file=sys.stderr)
    print("%.3f" % (t2 - t0))


def cmd_explain(src, dst, dport, iterations, repeat):
    g = nl.Genl()
    flow = nl.nest(C["VGATE_A_FLOW"],
                   nl.u16(C["VGATE_FLOW_A_FAMILY"], socket.AF_INET),
                   nl.addr(C["VGATE_FLOW_A_SRC"], src),
                   nl.addr(C["VGATE_FLOW_A_DST"], dst),
                   nl.u8(C["VGATE_FLOW_A_PROTO"], socket.IPPROTO_UDP),
                   nl.u16(C["VGATE_FLOW_A_SPORT"], 40000),
                   nl.u16(C["VGATE_FLOW_A_DPORT"], dport),
                   nl.u32(C["VGATE_FLOW_A_ITERATIONS"], iterations))
    for _ in range(repeat):
        (_, payload), = [r for r in g.do("VGATE_CMD_EXPLAIN", flow)]
        top = nl.parse_attrs(payload)
        v = nl.parse_attrs(top[C["VGATE_A_VERDICT"]])
        ns = struct.unpack("=Q", v[C["VGATE_VERDICT_A_NANOSECONDS"]])[0]
        it = struct.unpack("=I", v[C["VGATE_VERDICT_A_ITERATIONS"]])[0]
        act = v[C["VGATE_VERDICT_A_ACTION"]][0]
        rid = struct.unpack("=I", v[C["VGATE_VERDICT_A_RULE_ID"]])[0] \
            if C["VGATE_VERDICT_A_RULE_ID"] in v else 0
        print("%.1f %d %d" % (ns / it, act, rid))


if __name__ == "__main__":
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    if a[0] == "addrs":
        cmd_addrs(int(a[1]), int(a[2]), a[3])
    elif a[0] == "xfrm":
        cmd_xfrm(int(a[1]), int(a[2]), a[3])
    elif a[0] == "install":
        cmd_install(int(a[1]), int(a[2]), a[3], a[4], int(a[5], 0), int(a[6], 0))
    elif a[0] == "explain":
        cmd_explain(a[1], a[2], int(a[3]), int(a[4]), int(a[5]))
    else:
        sys.exit(__doc__)
