#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""userns_probe: one request of each kind (a GET, a dump, a change) to each
family named on the command line (vgate, vgate_garp, vgate_bwm), in the
caller's network namespace; prints "FAMILY KIND ERRNO [message]" per
request (ERRNO 0: it worked).  The bandwidth manager's requests name the
interface given with --dev."""
import sys

from vgatenl import C, Genl, Error, nla, nest, u8, u32, u64


def requests(fam, dev):
    ifn = nla(C["VGATE_BWM_IF_A_IFNAME"], dev.encode() + b"\0")
    if fam == "vgate":
        return [("get", "VGATE_CMD_CONFIG_GET", False, []),
                ("dump", "VGATE_CMD_RULE_GET", True, []),
                ("set", "VGATE_CMD_CONFIG_SET", False,
                 [nest(C["VGATE_A_CONFIG"],
                       u32(C["VGATE_CFG_A_ACQUIRE_QUEUE"], 33))])]
    if fam == "vgate_garp":
        return [("get", "VGATE_GARP_CMD_GET", False, []),
                ("dump", "VGATE_GARP_CMD_IF_GET", True, []),
                ("set", "VGATE_GARP_CMD_SET", False,
                 [nest(C["VGATE_GARP_A_GLOBAL"],
                       u32(C["VGATE_GARP_CFG_A_RATE_LIMIT"], 11))])]
    return [("set", "VGATE_BWM_CMD_IF_SET", False,
             [nest(C["VGATE_BWM_A_IF"], ifn +
                   u8(C["VGATE_BWM_IF_A_ENABLED"], 1) +
                   u64(C["VGATE_BWM_IF_A_RATE"], 1000000))]),
            ("get", "VGATE_BWM_CMD_IF_GET", False,
             [nest(C["VGATE_BWM_A_IF"], ifn)]),
            ("dump", "VGATE_BWM_CMD_CLASS_GET", True,
             [nest(C["VGATE_BWM_A_IF"], ifn)])]


def main():
    args = sys.argv[1:]
    dev = "d0"
    if "--dev" in args:
        i = args.index("--dev")
        dev = args[i + 1]
        del args[i:i + 2]
    for fam in args:
        try:
            g = Genl(fam)
        except Exception as e:  # family not registered
            print("%s family %s" % (fam, e))
            continue
        for kind, cmd, dump, attrs in requests(fam, dev):
            try:
                (g.dump if dump else g.do)(cmd, *attrs)
                print("%s %s 0" % (fam, kind))
            except Error as e:
                print("%s %s %d %s" % (fam, kind, e.errno, e.msg))
        g.close()


if __name__ == "__main__":
    main()
