#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print every VGATE_CMD_SA_EXPIRE event of this namespace, one line each:

  EXPIRE spi=0x00001000 hard=0 limit=packets packets_in=0 packets_out=3
         bytes_in=0 bytes_out=252 errors=0 flags=soft-expired

(on one line; limit is bytes, packets, seconds or seq, flags the SA's flags
when the event was sent).  Subscribes to the "events" group like
acquire_listen.py, prints "READY" once subscribed, then runs until killed
or until --count events arrived."""
import sys

from vgatenl import C, parse_attrs
from acquire_listen import listen_main, u

LIMITS = {C["VGATE_EXPIRE_BYTES"]: "bytes", C["VGATE_EXPIRE_PACKETS"]: "packets",
          C["VGATE_EXPIRE_SECONDS"]: "seconds", C["VGATE_EXPIRE_SEQ"]: "seq"}
FLAGS = [("VGATE_SA_F_WEAK", "weak"), ("VGATE_SA_F_EXPIRED", "expired"),
         ("VGATE_SA_F_SOFT_EXPIRED", "soft-expired"), ("VGATE_SA_F_ESN", "esn")]
STATS = ["PACKETS_IN", "PACKETS_OUT", "BYTES_IN", "BYTES_OUT", "ERRORS"]


def describe(payload):
    sa = parse_attrs(parse_attrs(payload)[C["VGATE_A_SA"]])
    st = parse_attrs(sa.get(C["VGATE_SA_A_STATS"], b""))
    out = ["EXPIRE", "spi=0x%08x" % u(sa[C["VGATE_SA_A_SPI"]]),
           "hard=%d" % u(sa[C["VGATE_SA_A_EXPIRE_HARD"]]),
           "limit=%s" % LIMITS.get(u(sa[C["VGATE_SA_A_EXPIRE_LIMIT"]]), "?")]
    for name in STATS:
        out.append("%s=%d" % (name.lower(),
                              u(st.get(C["VGATE_SA_STATS_A_" + name], b"\0"))))
    f = u(sa.get(C["VGATE_SA_A_FLAGS"], b"\0\0\0\0"))
    out.append("flags=" + (",".join(n for k, n in FLAGS if f & C[k]) or "-"))
    return " ".join(out)


def main():
    listen_main(__doc__, "VGATE_CMD_SA_EXPIRE", describe)


if __name__ == "__main__":
    sys.exit(main())
