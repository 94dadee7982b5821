#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print vgate's multicast events of this namespace, one line each.

  vgate_events.py --event acquire|sa_expire|all [--count N]

Subscribes to the "events" multicast group of the vgate family (its ID
read from CTRL_CMD_GETFAMILY's CTRL_ATTR_MCAST_GROUPS), prints "READY" once
subscribed, then one line per event of the chosen kind until killed or
until --count such events arrived.  The lines (each on one line):

  acquire (VGATE_CMD_ACQUIRE):
  ACQUIRE rule=10 stage=2 rule_peer_name=gwB rule_peer=192.0.2.2 peer_id=1
          peer_name=gwB peer_family=2 peer_addr=192.0.2.2 family=2
          src=10.1.0.2 dst=10.2.0.2 proto=1 [sport=N dport=N] dir=1

  sa_expire (VGATE_CMD_SA_EXPIRE):
  EXPIRE spi=0x00001000 hard=0 limit=packets packets_in=0 packets_out=3
         bytes_in=0 bytes_out=252 errors=0 flags=soft-expired

  (limit is bytes, packets, seconds or seq; flags the SA's flags when the
  event was sent.)

A new event: add its VGATE_CMD_* name and a describe function to EVENTS;
the command numbers and attribute IDs come from the UAPI header through
vgatenl.py, never copied here."""
import argparse
import socket
import struct
import sys

import vgatenl as v
from vgatenl import C, nla, parse_attrs

CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
NETLINK_ADD_MEMBERSHIP = 1


def mcast_group_id(g, name):
    reply = g._request(v.GENL_ID_CTRL, v.CTRL_CMD_GETFAMILY,
                       nla(v.CTRL_ATTR_FAMILY_NAME, b"vgate\0"),
                       v.NLM_F_REQUEST)
    groups = parse_attrs(reply[0][1]).get(CTRL_ATTR_MCAST_GROUPS, b"")
    for grp in parse_attrs(groups).values():
        a = parse_attrs(grp)
        if a[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode() == name:
            return struct.unpack("=I", a[CTRL_ATTR_MCAST_GRP_ID])[0]
    raise SystemExit("no multicast group %r" % name)


def ip(b):
    return socket.inet_ntop(socket.AF_INET if len(b) == 4 else socket.AF_INET6, b)


def u(b):
    return int.from_bytes(b, sys.byteorder)


def s(b):
    return b.rstrip(b"\0").decode()


def describe_acquire(payload):
    top = parse_attrs(payload)
    r = parse_attrs(top.get(C["VGATE_A_RULE"], b""))
    p = parse_attrs(top.get(C["VGATE_A_PEER"], b""))
    f = parse_attrs(top.get(C["VGATE_A_FLOW"], b""))
    out = ["ACQUIRE"]

    def add(key, attrs, name, conv):
        if C[name] in attrs:
            out.append("%s=%s" % (key, conv(attrs[C[name]])))

    add("rule", r, "VGATE_RULE_A_ID", u)
    add("stage", r, "VGATE_RULE_A_STAGE", u)
    add("rule_peer_name", r, "VGATE_RULE_A_PEER_NAME", s)
    add("rule_peer", r, "VGATE_RULE_A_PEER", ip)
    add("peer_id", p, "VGATE_PEER_A_ID", u)
    add("peer_name", p, "VGATE_PEER_A_NAME", s)
    add("peer_family", p, "VGATE_PEER_A_FAMILY", u)
    add("peer_addr", p, "VGATE_PEER_A_ADDR", ip)
    add("family", f, "VGATE_FLOW_A_FAMILY", u)
    add("src", f, "VGATE_FLOW_A_SRC", ip)
    add("dst", f, "VGATE_FLOW_A_DST", ip)
    add("proto", f, "VGATE_FLOW_A_PROTO", u)
    add("sport", f, "VGATE_FLOW_A_SPORT", u)
    add("dport", f, "VGATE_FLOW_A_DPORT", u)
    add("dir", f, "VGATE_FLOW_A_DIR", u)
    return " ".join(out)


EXPIRE_LIMITS = {"VGATE_EXPIRE_BYTES": "bytes", "VGATE_EXPIRE_PACKETS": "packets",
                 "VGATE_EXPIRE_SECONDS": "seconds", "VGATE_EXPIRE_SEQ": "seq"}
SA_FLAGS = [("VGATE_SA_F_WEAK", "weak"), ("VGATE_SA_F_EXPIRED", "expired"),
            ("VGATE_SA_F_SOFT_EXPIRED", "soft-expired"), ("VGATE_SA_F_ESN", "esn")]
SA_STATS = ["PACKETS_IN", "PACKETS_OUT", "BYTES_IN", "BYTES_OUT", "ERRORS"]


def describe_sa_expire(payload):
    limits = {C[k]: n for k, n in EXPIRE_LIMITS.items()}
    sa = parse_attrs(parse_attrs(payload)[C["VGATE_A_SA"]])
    st = parse_attrs(sa.get(C["VGATE_SA_A_STATS"], b""))
    out = ["EXPIRE", "spi=0x%08x" % u(sa[C["VGATE_SA_A_SPI"]]),
           "hard=%d" % u(sa[C["VGATE_SA_A_EXPIRE_HARD"]]),
           "limit=%s" % limits.get(u(sa[C["VGATE_SA_A_EXPIRE_LIMIT"]]), "?")]
    for name in SA_STATS:
        out.append("%s=%d" % (name.lower(),
                              u(st.get(C["VGATE_SA_STATS_A_" + name], b"\0"))))
    f = u(sa.get(C["VGATE_SA_A_FLAGS"], b"\0\0\0\0"))
    out.append("flags=" + (",".join(n for k, n in SA_FLAGS if f & C[k]) or "-"))
    return " ".join(out)


# --event NAME -> (the event's command in the UAPI header, describe).
EVENTS = {
    "acquire": ("VGATE_CMD_ACQUIRE", describe_acquire),
    "sa_expire": ("VGATE_CMD_SA_EXPIRE", describe_sa_expire),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--event", required=True,
                    choices=sorted(EVENTS) + ["all"],
                    help="which events to print (all: every kind above)")
    ap.add_argument("--count", type=int, default=0,
                    help="exit after this many events (0: never)")
    args = ap.parse_args()
    kinds = EVENTS if args.event == "all" else {args.event: EVENTS[args.event]}
    describe = {C[cmd]: fn for cmd, fn in kinds.values()}
    g = v.Genl()
    grp = mcast_group_id(g, "events")
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, v.NETLINK_GENERIC)
    sk.bind((0, 0))
    sk.setsockopt(v.SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, grp)
    print("READY", flush=True)
    seen = 0
    while not args.count or seen < args.count:
        data = sk.recv(1 << 16)
        while len(data) >= 16:
            mlen, mtype, _, _, _ = struct.unpack("=IHHII", data[:16])
            cur, data = data[:mlen], data[(mlen + 3) & ~3:]
            if mtype != g.family or cur[16] not in describe:
                continue
            print(describe[cur[16]](cur[20:]), flush=True)
            seen += 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
