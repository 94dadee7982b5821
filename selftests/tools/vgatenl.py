#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Minimal generic netlink client for the vgate family, independent of the
CLI, for tests that must send requests the CLI would never build.  Enum
values are read from include/uapi/linux/vgate.h, the single source of the
contract."""
import os
import re
import socket
import struct

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_DUMP_INTR = 0x10
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS, NLMSGERR_ATTR_MISS_TYPE = 1, 2, 5
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "../../include/uapi/linux/vgate.h")


def load_enums(path=HEADER):
    """Every enumerator of the header as a name -> value dict."""
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    consts = {}
    for body in re.findall(r"enum\s+\w+\s*{(.*?)}", text, flags=re.S):
        val = -1
        for item in body.split(","):
            item = item.strip()
            if not item:
                continue
            if "=" in item:
                name, expr = (x.strip() for x in item.split("=", 1))
                expr = re.sub(r"(\d+)U", r"\1", expr)
                val = eval(expr, {}, dict(consts))  # header constants only
            else:
                name = item
                val += 1
            consts[name] = val
    for name, expr in re.findall(r"^#define\s+(VGATE_\w+)\s+([^/\n]+?)\s*(?:/\*.*)?$",
                                 text, flags=re.M):
        expr = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)(?:[uU][lL]{0,2}|[lL]{1,2}[uU]?)\b",
                      r"\1", expr)
        try:
            consts[name] = eval(expr, {}, dict(consts))
        except Exception:
            pass
    return consts


C = load_enums()


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((-len(payload)) % 4)


def u8(t, v):
    return nla(t, struct.pack("=B", v))


def u16(t, v):
    return nla(t, struct.pack("=H", v))


def u32(t, v):
    return nla(t, struct.pack("=I", v))


def u64(t, v):
    return nla(t, struct.pack("=Q", v))


def addr(t, a):
    return nla(t, socket.inet_aton(a))


def nest(t, *attrs):
    return nla(t | NLA_F_NESTED, b"".join(attrs))


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack("=HH", data[:4])
        if alen < 4:
            break
        out[atype & 0x3FFF] = data[4:alen]
        data = data[(alen + 3) & ~3:]
    return out


class Error(Exception):
    def __init__(self, errno, msg, offs, miss):
        super().__init__("%d %s" % (errno, msg))
        self.errno, self.msg, self.offs, self.miss = errno, msg, offs, miss


class Genl:
    def __init__(self, name="vgate"):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 1
        reply = self._request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                              nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"),
                              NLM_F_REQUEST, version=1)
        self.family = struct.unpack("=H", parse_attrs(reply[0][1])[CTRL_ATTR_FAMILY_ID][:2])[0]

    def _request(self, ftype, cmd, payload, flags, version=1):
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + payload
        msg = struct.pack("=IHHII", 16 + len(body), ftype, flags, self.seq, 0) + body
        self.sock.send(msg)
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            while data:
                mlen, mtype, mflags, mseq, _ = struct.unpack("=IHHII", data[:16])
                cur, data = data[:mlen], data[(mlen + 3) & ~3:]
                if mseq != self.seq:
                    continue        # stale message of an earlier request
                if mtype == NLMSG_DONE:
                    return replies
                if mtype == NLMSG_ERROR:
                    err = struct.unpack("=i", cur[16:20])[0]
                    if err == 0:
                        return replies
                    # the request is echoed back unless the kernel capped it
                    olen = struct.unpack("=I", cur[20:24])[0]
                    tl = cur[20 + (16 if mflags & 0x100 else olen):]
                    a = parse_attrs(tl)
                    msg_ = a.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
                    offs = struct.unpack("=I", a[NLMSGERR_ATTR_OFFS])[0] if NLMSGERR_ATTR_OFFS in a else None
                    miss = struct.unpack("=I", a[NLMSGERR_ATTR_MISS_TYPE])[0] if NLMSGERR_ATTR_MISS_TYPE in a else None
                    raise Error(-err, msg_, offs, miss)
                replies.append((mflags, cur[20:]))
                # without NLM_F_ACK a plain request ends with its reply
                if not (flags & (NLM_F_ACK | NLM_F_DUMP)):
                    return replies

    def close(self):
        self.sock.close()

    def do(self, cmd, *attrs):
        return self._request(self.family, C[cmd], b"".join(attrs),
                             NLM_F_REQUEST | NLM_F_ACK)

    def dump(self, cmd, *attrs):
        return self._request(self.family, C[cmd], b"".join(attrs),
                             NLM_F_REQUEST | NLM_F_DUMP)

    def dump_interleaved(self, cmd, between):
        """Dump @cmd, calling between() after the first batch arrived.
        Returns (payloads, interrupted): interrupted is True when any
        message carried NLM_F_DUMP_INTR."""
        self.seq += 1
        body = struct.pack("=BBH", C[cmd], 1, 0)
        self.sock.send(struct.pack("=IHHII", 16 + len(body), self.family,
                                   NLM_F_REQUEST | NLM_F_DUMP, self.seq, 0) + body)
        payloads, intr, batches = [], False, 0
        while True:
            data = self.sock.recv(1 << 20)
            batches += 1
            while data:
                mlen, mtype, mflags, mseq, _ = struct.unpack("=IHHII", data[:16])
                cur, data = data[:mlen], data[(mlen + 3) & ~3:]
                if mseq != self.seq:
                    continue
                intr |= bool(mflags & NLM_F_DUMP_INTR)
                if mtype == NLMSG_DONE:
                    return payloads, intr, batches
                if mtype == NLMSG_ERROR:
                    raise Error(-struct.unpack("=i", cur[16:20])[0], "", None, None)
                payloads.append(cur[20:])
            if batches == 1:
                between()
