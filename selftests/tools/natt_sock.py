#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""NAT-T socket helpers for natt_xfrm_interop.sh.

  natt_sock.py daemon --port 4500 --ready FILE --log FILE [--takeover]
      What a keying daemon does: bind a UDP socket, hand its fd to vgate
      (VGATE_CMD_ENCAP_SOCK_SET with FD; --takeover first lets go of
      vgate's own socket with ENCAP_SOCK_DEL), then serve IKE on it: every
      datagram it receives is logged (hex, one line) and echoed back
      prefixed with b"echo:".  Runs until killed.

  natt_sock.py xfrm --port 4500 --ready FILE
      What an IKE daemon does for the kernel's XFRM: a UDP socket with
      UDP_ENCAP_ESPINUDP, so that ESP-in-UDP reaches XFRM.  Until killed.

  natt_sock.py send --dst ADDR --port 4500 --hex PAYLOAD... [--sport PORT]
                    [--wait-echo SEC]
      Send one datagram per --hex; with --wait-echo, exit 0 only if the
      echo (b"echo:" + payload) of the last one comes back in time.
"""
import argparse
import socket
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
import vgatenl  # noqa: E402

UDP_ENCAP = 100
UDP_ENCAP_ESPINUDP = 2


def touch(path):
    open(path, "w").close()


def daemon(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    g = vgatenl.Genl()
    C = vgatenl.C
    if args.takeover:
        try:
            g.do("VGATE_CMD_ENCAP_SOCK_DEL")
        except vgatenl.Error as e:
            print("ENCAP_SOCK_DEL: %s" % e, file=sys.stderr)
    s.bind(("0.0.0.0", args.port))
    g.do("VGATE_CMD_ENCAP_SOCK_SET",
         vgatenl.nest(C["VGATE_A_ENCAP_SOCK"],
                      vgatenl.u32(C["VGATE_ENCAP_SOCK_A_FD"], s.fileno())))
    g.close()
    touch(args.ready)
    with open(args.log, "a") as log:
        while True:
            data, peer = s.recvfrom(65535)
            log.write(data.hex() + "\n")
            log.flush()
            s.sendto(b"echo:" + data, peer)


def xfrm(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", args.port))
    s.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
    touch(args.ready)
    while True:
        time.sleep(3600)


def send(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if args.sport:
        s.bind(("0.0.0.0", args.sport))
    for h in args.hex:
        payload = bytes.fromhex(h)
        s.sendto(payload, (args.dst, args.port))
    if not args.wait_echo:
        return 0
    s.settimeout(args.wait_echo)
    try:
        data, _ = s.recvfrom(65535)
    except socket.timeout:
        print("no echo", file=sys.stderr)
        return 1
    return 0 if data == b"echo:" + payload else 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["daemon", "xfrm", "send"])
    p.add_argument("--port", type=int, default=4500)
    p.add_argument("--ready")
    p.add_argument("--log")
    p.add_argument("--takeover", action="store_true")
    p.add_argument("--dst")
    p.add_argument("--sport", type=int, default=0)
    p.add_argument("--hex", action="append", default=[])
    p.add_argument("--wait-echo", type=float, default=0)
    args = p.parse_args()
    return {"daemon": daemon, "xfrm": xfrm, "send": send}[args.mode](args) or 0


if __name__ == "__main__":
    sys.exit(main())
