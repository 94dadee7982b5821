#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print every VGATE_CMD_ACQUIRE event of this namespace, one line each:

  ACQUIRE rule=10 stage=2 rule_peer_name=gwB rule_peer=192.0.2.2 peer_id=1
          peer_name=gwB peer_family=2 peer_addr=192.0.2.2 family=2
          src=10.1.0.2 dst=10.2.0.2 proto=1 [sport=N dport=N] dir=1

(on one line).  Subscribes to the "events" multicast group of the vgate
family, whose ID it reads from CTRL_CMD_GETFAMILY's CTRL_ATTR_MCAST_GROUPS,
prints "READY" once subscribed, then runs until killed or until
--count events arrived."""
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


def describe(payload):
    top = parse_attrs(payload)
    r = parse_attrs(top.get(C["VGATE_A_RULE"], b""))
    p = parse_attrs(top.get(C["VGATE_A_PEER"], b""))
    f = parse_attrs(top.get(C["VGATE_A_FLOW"], b""))
    out = ["ACQUIRE"]

    def add(key, attrs, name, conv):
        if C[name] in attrs:
            out.append("%s=%s" % (key, conv(attrs[C[name]])))

    def s(b):
        return b.rstrip(b"\0").decode()

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


def listen_main(doc, cmd, describe):
    """Subscribe to the "events" group, print "READY", then describe(payload)
    of every event of command @cmd until killed or --count events."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("--count", type=int, default=0,
                    help="exit after this many events (0: never)")
    args = ap.parse_args()
    g = v.Genl()
    grp = mcast_group_id(g, "events")
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, v.NETLINK_GENERIC)
    s.bind((0, 0))
    s.setsockopt(v.SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, grp)
    print("READY", flush=True)
    seen = 0
    while not args.count or seen < args.count:
        data = s.recv(1 << 16)
        while len(data) >= 16:
            mlen, mtype, _, _, _ = struct.unpack("=IHHII", data[:16])
            cur, data = data[:mlen], data[(mlen + 3) & ~3:]
            if mtype != g.family or cur[16] != C[cmd]:
                continue
            print(describe(cur[20:]), flush=True)
            seen += 1


def main():
    listen_main(__doc__, "VGATE_CMD_ACQUIRE", describe)


if __name__ == "__main__":
    main()
