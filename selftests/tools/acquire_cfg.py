#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw netlink configuration for selftests/acquire_event.sh (independent of
the CLI):

  acquire_cfg.py peer ID NAME ADDR          PEER_NEW (IPv4)
  acquire_cfg.py entry ID PEER LOCAL/LEN REMOTE/LEN
                                            RULE_NEW: PROTECT, no SPIs
  acquire_cfg.py sa SPI SRC DST KEYHEX REQID
                                            SA_NEW, tunnel, AES-GCM-16
  acquire_cfg.py sa-flush                   SA_FLUSH
  acquire_cfg.py knobs QUEUE TIMEOUT        CONFIG_SET acquire_queue/_timeout
  acquire_cfg.py stat NAME                  STATS_GET: counter NAME
                                            (VGATE_STATS_A_NAME) or drop
                                            reason NAME (VGATE_DROP_NAME)
  acquire_cfg.py sa-get SPI DST             "packets=N reqid=N" of that SA
  acquire_cfg.py watch NAME WANT SECONDS    poll drop reason NAME every 20 ms
                                            (one process: cheap under TCG),
                                            print READY, then "first=T
                                            done=T delta=N": the times
                                            (time.time()) its growth was
                                            first seen and reached WANT
"""
import sys
import time

import vgatenl as v
from vgatenl import C, addr, nest, u8, u16, u32, nla, parse_attrs

AF_INET = 2


def val(b):
    return int.from_bytes(b, sys.byteorder)


def net(t_addr, t_plen, spec):
    a, plen = spec.split("/")
    return addr(C[t_addr], a) + u8(C[t_plen], int(plen))


def main(argv):
    g = v.Genl()
    cmd, args = argv[0], argv[1:]
    if cmd == "peer":
        g.do("VGATE_CMD_PEER_NEW", nest(C["VGATE_A_PEER"],
             u32(C["VGATE_PEER_A_ID"], int(args[0])),
             nla(C["VGATE_PEER_A_NAME"], args[1].encode() + b"\0"),
             u16(C["VGATE_PEER_A_FAMILY"], AF_INET),
             addr(C["VGATE_PEER_A_ADDR"], args[2])))
    elif cmd == "entry":
        g.do("VGATE_CMD_RULE_NEW", nest(C["VGATE_A_RULE"],
             u32(C["VGATE_RULE_A_ID"], int(args[0])),
             u16(C["VGATE_RULE_A_FAMILY"], AF_INET),
             u8(C["VGATE_RULE_A_STAGE"], C["VGATE_STAGE_PEER"]),
             nla(C["VGATE_RULE_A_PEER_NAME"], args[1].encode() + b"\0"),
             net("VGATE_RULE_A_LOCAL", "VGATE_RULE_A_LOCAL_PLEN", args[2]),
             net("VGATE_RULE_A_REMOTE", "VGATE_RULE_A_REMOTE_PLEN", args[3]),
             u8(C["VGATE_RULE_A_ACTION"], C["VGATE_ACTION_PROTECT"])))
    elif cmd == "sa":
        g.do("VGATE_CMD_SA_NEW", nest(C["VGATE_A_SA"],
             u32(C["VGATE_SA_A_SPI"], int(args[0], 0)),
             u16(C["VGATE_SA_A_FAMILY"], AF_INET),
             addr(C["VGATE_SA_A_SRC"], args[1]),
             addr(C["VGATE_SA_A_DST"], args[2]),
             u8(C["VGATE_SA_A_MODE"], C["VGATE_MODE_TUNNEL"]),
             u16(C["VGATE_SA_A_ENC"], C["VGATE_ENC_AES_GCM_16"]),
             nla(C["VGATE_SA_A_ENC_KEY"], bytes.fromhex(args[3][2:])),
             u32(C["VGATE_SA_A_REQID"], int(args[4]))))
    elif cmd == "sa-flush":
        g.do("VGATE_CMD_SA_FLUSH")
    elif cmd == "knobs":
        g.do("VGATE_CMD_CONFIG_SET", nest(C["VGATE_A_CONFIG"],
             u32(C["VGATE_CFG_A_ACQUIRE_QUEUE"], int(args[0])),
             u32(C["VGATE_CFG_A_ACQUIRE_TIMEOUT"], int(args[1]))))
    elif cmd == "stat":
        reply = g._request(g.family, C["VGATE_CMD_STATS_GET"], b"",
                           v.NLM_F_REQUEST)
        st = parse_attrs(parse_attrs(reply[0][1])[C["VGATE_A_STATS"]])
        if "VGATE_STATS_A_" + args[0] in C:
            print(val(st[C["VGATE_STATS_A_" + args[0]]]))
        else:
            drops = parse_attrs(st[C["VGATE_STATS_A_DROPS"]])
            print(val(drops[C["VGATE_DROP_" + args[0]]]))
    elif cmd == "watch":
        def drops():
            reply = g._request(g.family, C["VGATE_CMD_STATS_GET"], b"",
                               v.NLM_F_REQUEST)
            st = parse_attrs(parse_attrs(reply[0][1])[C["VGATE_A_STATS"]])
            return val(parse_attrs(st[C["VGATE_STATS_A_DROPS"]])
                       [C["VGATE_DROP_" + args[0]]])
        base, first, delta = drops(), 0.0, 0
        end = time.time() + float(args[2])
        print("READY", flush=True)
        while time.time() < end:
            delta = drops() - base
            if delta and not first:
                first = time.time()
            if delta >= int(args[1]):
                break
            time.sleep(0.02)
        print("first=%.3f done=%.3f delta=%d" % (first, time.time(), delta))
    elif cmd == "sa-get":
        reply = g._request(g.family, C["VGATE_CMD_SA_GET"], nest(C["VGATE_A_SA"],
                           u32(C["VGATE_SA_A_SPI"], int(args[0], 0)),
                           u16(C["VGATE_SA_A_FAMILY"], AF_INET),
                           addr(C["VGATE_SA_A_DST"], args[1])), v.NLM_F_REQUEST)
        sa = parse_attrs(parse_attrs(reply[0][1])[C["VGATE_A_SA"]])
        st = parse_attrs(sa[C["VGATE_SA_A_STATS"]])
        print("packets=%d reqid=%d" % (val(st[C["VGATE_SA_STATS_A_PACKETS"]]),
                                       val(sa.get(C["VGATE_SA_A_REQID"], b"\0\0\0\0"))))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except v.Error as e:
        sys.exit("acquire_cfg.py %s: %s" % (" ".join(sys.argv[1:]), e))
