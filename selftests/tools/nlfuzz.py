#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""nlfuzz: a generic netlink fuzzer for the families vgate, vgate_garp and
vgate_bwm.

Every message goes to one of the three families, on one of two sockets per
family (a transaction of one socket makes the other's changes -EBUSY;
sockets are closed and reopened now and then, which must discard their
transactions).  A message is one of:

  valid    a request from a small corpus of valid ones (SA add, peer add,
           rule add with protect, TXN_BEGIN/COMMIT/ABORT, knob set, garp
           set, bwm interface enable / class add / filter add on a dummy
           device, gets and dumps, deletes and flushes), with random but
           sensible values;
  mutated  a corpus request changed as a tree (an attribute dropped,
           duplicated, given the wrong size or type, NLA_F_NESTED set or
           cleared, a type out of range) and/or as bytes (bit flips, byte
           splices from another request, an attribute length set to 0, 3,
           a little more or less, 0xffff);
  tree     an attribute tree built from the UAPI header's enums (types and
           nests read from the comments beside the enumerators), with
           random values of the right or a wrong size, nesting up to four
           deep, truncated, huge and zero lengths, duplicates;
  raw      random bytes after the genl header.

The command is mostly a known one of the family, sometimes an unknown one
(0, past the last, up to 255); the genl version and reserved field are
sometimes odd; the flags are REQUEST plus ACK, DUMP (on every command),
ECHO, the NEW-request bits or random bits, and now and then without
REQUEST (which the kernel ignores: no reply).  After each message a
NLMSG_NOOP with ACK on the same socket tells when the kernel is done with
it, so a message without reply costs no timeout.

The run is deterministic for a seed (given the same kernel state at the
start).  Before the random messages, every run sends issue 20's regression
input (the divide error of "bm interface d0 enable bandwidth 18446744g;
bm class d0 add 1 bandwidth 1k; bm class d0 set 1 bandwidth 1").

Prints the seed, progress, and a summary: messages sent per family and
kind, the errno histogram ("0" accepted, "noreply", "timeout").  With
--summary FILE, also as JSON.  Exit status 1 if fewer than --min-accept
percent of a family's messages were accepted (a family lookup or a
corpus that silently broke would otherwise pass), or if the kernel stopped
answering.

Usage: nlfuzz.py --seed N --count N --dev IFNAME [--summary FILE]
"""
import argparse
import errno
import json
import os
import random
import re
import socket
import struct
import sys
import time

from vgatenl import HEADER, C, nla

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 1, 2, 4, 8
NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_DUMP = 0x100, 0x200, 0x400, 0x300
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 16, 3, 1, 2

AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6
IPPROTO_ESP, IPPROTO_AH, IPPROTO_COMP = 50, 51, 108

FAMILIES = {
    # name: (command enum, top-level attribute enum)
    "vgate": ("vgate_cmd", "vgate_attr"),
    "vgate_garp": ("vgate_garp_cmd", "vgate_garp_attr"),
    "vgate_bwm": ("vgate_bwm_cmd", "vgate_bwm_attr"),
}


# ------------------------------------------------------------ the header
class Attr:
    def __init__(self, name, value, typ, child):
        self.name, self.value, self.typ, self.child = name, value, typ, child


TYPE_RE = re.compile(r"\b(u8|u16|u32|u64|string|binary|nest|flag)\b")
NEST_RE = re.compile(r"nest\b[^:]*:\s*(?:u64 per\s+)?(?:enum\s+)?(\w+)")


def load_schema(path=HEADER):
    """enum name -> [Attr]: every enumerator with the type its comment
    names (the comment on its line, else the block just above it, else the
    previous enumerator's: "AH_SPI_IN" follows "AH_SPI_OUT")."""
    text = open(path).read()
    schema = {}
    for m in re.finditer(r"enum\s+(\w+)\s*{(.*?)\n}", text, flags=re.S):
        ename, body = m.group(1), m.group(2)
        attrs, above, typ, child = [], "", None, None
        in_block = False
        for line in body.split("\n"):
            s = line.strip()
            if in_block:
                above += " " + s
                if "*/" in s:
                    in_block = False
                continue
            if s.startswith("/*"):
                above = s
                in_block = "*/" not in s
                continue
            im = re.match(r"(\w+)\s*(?:=[^,]*)?,?\s*(/\*.*)?$", s)
            if not im or im.group(1) not in C or im.group(1).startswith("__"):
                continue
            comment = im.group(2) or above
            above = ""
            tm = TYPE_RE.search(comment) if comment else None
            if tm:
                typ = tm.group(1)
                nm = NEST_RE.search(comment)
                child = nm.group(1) if typ == "nest" and nm else None
            attrs.append(Attr(im.group(1), C[im.group(1)], typ, child))
        schema[ename] = attrs
    return schema


SCHEMA = load_schema()
# Values worth trying for integers: every constant of the header (ranges,
# enum values) and its neighbours, plus the edges of each type.
HDR_CONSTS = sorted({v for v in C.values() if isinstance(v, int) and v >= 0})
INT_SIZES = {"u8": 1, "u16": 2, "u32": 4, "u64": 8}
PACK = {1: "=B", 2: "=H", 4: "=I", 8: "=Q"}


# ------------------------------------------------------------ trees
# A node is ("v", type, bytes) or ("n", type, [nodes], nested_flag).
def V(t, b):
    return ("v", t, b)


def N(t, *kids, flag=True):
    return ("n", t, list(kids), flag)


def u8(t, v):
    return V(t, struct.pack("=B", v & 0xFF))


def u16(t, v):
    return V(t, struct.pack("=H", v & 0xFFFF))


def u32(t, v):
    return V(t, struct.pack("=I", v & 0xFFFFFFFF))


def u64(t, v):
    return V(t, struct.pack("=Q", v & (2 ** 64 - 1)))


def s(t, text):
    return V(t, text.encode() + b"\0")


def ip4(t, a):
    return V(t, socket.inet_aton(a))


def ip6(t, a):
    return V(t, socket.inet_pton(AF_INET6, a))


def serialize(nodes):
    out = b""
    for n in nodes:
        if n[0] == "v":
            out += nla(n[1], n[2])
        else:
            out += nla(n[1] | (NLA_F_NESTED if n[3] else 0), serialize(n[2]))
    return out


def nla_offsets(data, base=0, depth=0, out=None):
    """Offsets of every attribute header in @data, nests walked when their
    payload parses as attributes."""
    if out is None:
        out = []
    off = 0
    while off + 4 <= len(data) and depth < 8:
        alen, _ = struct.unpack("=HH", data[off:off + 4])
        if alen < 4 or off + alen > len(data):
            break
        out.append(base + off)
        if alen >= 8:
            nla_offsets(data[off + 4:off + alen], base + off + 4, depth + 1, out)
        off += (alen + 3) & ~3
    return out


# ------------------------------------------------------------ netlink
class Sock:
    def __init__(self, family_id):
        self.fid = family_id
        self.open()

    def open(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.s.bind((0, 0))
        self.s.settimeout(10)
        self.seq = 1000

    def reopen(self):
        self.s.close()
        self.open()

    def send(self, cmd, payload, flags, version=1, reserved=0, trunc=None,
             extra_len=0, tail=b""):
        """One request; returns its outcome: an errno (0: accepted or a
        reply), "noreply" or "timeout"."""
        self.seq += 1
        fseq = self.seq
        body = struct.pack("=BBH", cmd & 0xFF, version & 0xFF, reserved & 0xFFFF) + payload
        msg = struct.pack("=IHHII", 16 + len(body), self.fid, flags & 0xFFFF, fseq, 0) + body
        if trunc is not None:
            msg = msg[:trunc]
            msg = struct.pack("=I", len(msg)) + msg[4:]
        if extra_len:
            msg = struct.pack("=I", len(msg) + extra_len) + msg[4:]
        msg += tail
        self.seq += 1
        sseq = self.seq
        noop = struct.pack("=IHHII", 16, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, sseq, 0)
        # A whole request with REQUEST and ACK always gets an ack, an
        # error or a dump ending in DONE: no need for the NOOP.
        answered = (flags & (NLM_F_REQUEST | NLM_F_ACK) == NLM_F_REQUEST | NLM_F_ACK and
                    trunc is None and not extra_len and not tail)
        try:
            self.s.send(msg)
            if not answered:
                self.s.send(noop)
        except OSError as e:
            return e.errno
        result, got_data, in_dump, sentinel = None, False, False, answered
        while True:
            try:
                data = self.s.recv(1 << 20)
            except socket.timeout:
                return "timeout"
            except OSError as e:
                return "recv:%s" % errno.errorcode.get(e.errno, e.errno)
            while len(data) >= 16:
                mlen, mtype, mflags, mseq, _ = struct.unpack("=IHHII", data[:16])
                cur, data = data[:mlen], data[(max(mlen, 16) + 3) & ~3:]
                if mseq == sseq and mtype == NLMSG_ERROR:
                    sentinel = True
                elif mseq == fseq:
                    if mtype == NLMSG_ERROR:
                        result = -struct.unpack("=i", cur[16:20])[0]
                    elif mtype == NLMSG_DONE:
                        err = struct.unpack("=i", cur[16:20])[0] if len(cur) >= 20 else 0
                        result = -err
                    else:
                        got_data = True
                        in_dump |= bool(mflags & NLM_F_MULTI)
            if sentinel and (result is not None or not in_dump):
                if result is not None:
                    return result
                return 0 if got_data else "noreply"


def family_id(name):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    s.bind((0, 0))
    body = struct.pack("=BBH", CTRL_CMD_GETFAMILY, 1, 0) + \
        nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")
    s.send(struct.pack("=IHHII", 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    data = s.recv(65536)
    s.close()
    mtype = struct.unpack("=H", data[4:6])[0]
    if mtype == NLMSG_ERROR:
        raise SystemExit("nlfuzz: family %s: errno %d" %
                         (name, -struct.unpack("=i", data[16:20])[0]))
    attrs, off = data[20:], 0
    while off + 4 <= len(attrs):
        alen, atype = struct.unpack("=HH", attrs[off:off + 4])
        if atype == CTRL_ATTR_FAMILY_ID:
            return struct.unpack("=H", attrs[off + 4:off + 6])[0]
        off += (alen + 3) & ~3
    raise SystemExit("nlfuzz: family %s: no id" % name)


# ------------------------------------------------------------ valid corpus
class Corpus:
    """Builders of valid requests: (command name, [nodes], flags)."""

    def __init__(self, r, dev, udp_fd, cfg_default):
        self.r, self.dev, self.udp_fd = r, dev, udp_fd
        self.cfg_default = cfg_default

    # vgate ----------------------------------------------------------
    def spi(self):
        return self.r.choice((0x1000, 0x2000, 0x3000, 0x4000, 0x100, 0xFFFFFFFF))

    def sa(self, cmd="VGATE_CMD_SA_NEW"):
        r, A = self.r, lambda n: C["VGATE_SA_A_" + n]
        v6 = r.random() < 0.2
        fam = AF_INET6 if v6 else AF_INET
        src, dst = (("fd00:ff::1", "fd00:ff::2") if v6 else ("192.0.2.1", "192.0.2.2"))
        if r.random() < 0.5:
            src, dst = dst, src
        ipf = ip6 if v6 else ip4
        kids = [u32(A("SPI"), self.spi()), u16(A("FAMILY"), fam),
                ipf(A("SRC"), src), ipf(A("DST"), dst),
                u8(A("MODE"), r.choice((C["VGATE_MODE_TUNNEL"], C["VGATE_MODE_TRANSPORT"])))]
        kind = r.choice(("gcm", "gcm", "cbc", "null", "chacha", "3des", "ah", "comp"))
        hmacs = (("HMAC_SHA1_96", 20), ("HMAC_SHA256_128", 32),
                 ("HMAC_SHA384_192", 48), ("HMAC_SHA512_256", 64))
        if kind == "gcm":
            kids += [u16(A("ENC"), C["VGATE_ENC_AES_GCM_16"]),
                     V(A("ENC_KEY"), bytes(r.choice((20, 28, 36))))]
        elif kind == "chacha":
            kids += [u16(A("ENC"), C["VGATE_ENC_CHACHA20_POLY1305"]), V(A("ENC_KEY"), bytes(36))]
        elif kind in ("cbc", "null", "3des"):
            h, hl = r.choice(hmacs)
            enc = {"cbc": "AES_CBC", "null": "NULL", "3des": "DES3_CBC"}[kind]
            kids.append(u16(A("ENC"), C["VGATE_ENC_" + enc]))
            if kind != "null":
                kids.append(V(A("ENC_KEY"), bytes(24 if kind == "3des" else r.choice((16, 24, 32)))))
            kids += [u16(A("AUTH"), C["VGATE_AUTH_" + h]), V(A("AUTH_KEY"), bytes(hl))]
        elif kind == "ah":
            h, hl = r.choice(hmacs)
            kids += [u8(A("PROTO"), IPPROTO_AH), u16(A("AUTH"), C["VGATE_AUTH_" + h]),
                     V(A("AUTH_KEY"), bytes(hl))]
        else:
            kids[0] = u32(A("SPI"), r.choice((0x100, 0x1000, 0xFFFF)))
            kids += [u8(A("PROTO"), IPPROTO_COMP), u16(A("COMP"), C["VGATE_COMP_DEFLATE"])]
        if kind != "comp":
            if r.random() < 0.3:
                kids.append(u32(A("REPLAY_WINDOW"), r.choice((0, 32, 64, 4096))))
            if r.random() < 0.2:
                kids += [u32(A("FLAGS"), C["VGATE_SA_F_ESN"]), u32(A("REPLAY_WINDOW"), 64)]
            if r.random() < 0.2:
                kids.append(u64(A("OSEQ"), r.choice((0, 1, 2 ** 32 - 2))))
        if r.random() < 0.3:
            LT = lambda n: C["VGATE_LT_A_" + n]
            kids.append(N(A("LIFETIME"), u64(LT("SOFT_BYTES"), 1000000),
                          u64(LT("HARD_BYTES"), 2000000), u64(LT("SOFT_SECONDS"), 60),
                          u64(LT("HARD_SECONDS"), 120)))
        if r.random() < 0.2:
            kids.append(u32(A("REQID"), r.randint(1, 20)))
        if kind in ("gcm", "cbc") and not v6 and r.random() < 0.2:
            E = lambda n: C["VGATE_ENCAP_A_" + n]
            kids.append(N(A("ENCAP"), u8(E("TYPE"), C["VGATE_ENCAP_ESPINUDP"]),
                          u16(E("SPORT"), 4500), u16(E("DPORT"), 4500)))
        return (cmd, [N(C["VGATE_A_SA"], *kids)], 0)

    def sa_key(self, cmd):
        A = lambda n: C["VGATE_SA_A_" + n]
        return (cmd, [N(C["VGATE_A_SA"], u32(A("SPI"), self.spi()), u16(A("FAMILY"), AF_INET),
                        ip4(A("DST"), self.r.choice(("192.0.2.1", "192.0.2.2"))))], 0)

    def peer(self, cmd="VGATE_CMD_PEER_NEW"):
        r, A = self.r, lambda n: C["VGATE_PEER_A_" + n]
        pid = r.randint(1, 4)
        kids = [u32(A("ID"), pid), s(A("NAME"), "gw%d" % pid)]
        if r.random() < 0.2:
            kids += [u16(A("FAMILY"), AF_INET6), ip6(A("ADDR"), "fd00:ff::%d" % (pid + 1))]
        else:
            kids += [u16(A("FAMILY"), AF_INET), ip4(A("ADDR"), "192.0.2.%d" % (pid + 1))]
        if r.random() < 0.3:
            kids.append(s(A("DESCR"), "branch %d" % pid))
        if r.random() < 0.3:
            kids.append(u8(A("ADMIN"), r.randint(1, C["VGATE_PEER_ADMIN_MAX"])))
        if cmd == "VGATE_CMD_PEER_SET" and r.random() < 0.3:
            kids += [u8(A("OPER"), C["VGATE_PEER_OPER_BLOCKED"]), u32(A("BLOCK_SECONDS"), 5)]
        if r.random() < 0.2:
            kids.append(u8(A("PROPAGATE_PMTU"), r.randint(0, 1)))
        if r.random() < 0.2:
            kids.append(u8(A("IPCOMP"), r.randint(1, C["VGATE_IPCOMP_MAX"])))
        if r.random() < 0.1:
            kids += [u8(A("VIRTUAL"), 1), u32(A("SPI_OUT"), 0x5000 + pid),
                     u32(A("SPI_IN"), 0x6000 + pid)]
        return (cmd, [N(C["VGATE_A_PEER"], *kids)], 0)

    def peer_key(self, cmd):
        A = lambda n: C["VGATE_PEER_A_" + n]
        pid = self.r.randint(1, 4)
        kid = u32(A("ID"), pid) if self.r.random() < 0.5 else s(A("NAME"), "gw%d" % pid)
        return (cmd, [N(C["VGATE_A_PEER"], kid)], 0)

    def rule_nest(self):
        r, A = self.r, lambda n: C["VGATE_RULE_A_" + n]
        rid = r.randint(1, 30)
        kids = [u32(A("ID"), rid), u16(A("FAMILY"), AF_INET),
                ip4(A("LOCAL"), "10.1.%d.0" % r.randint(0, 3)), u8(A("LOCAL_PLEN"), 24),
                ip4(A("REMOTE"), "10.2.%d.0" % r.randint(0, 3)), u8(A("REMOTE_PLEN"), 24)]
        stage = r.choice(("PRE", "PEER", "PEER", "POST"))
        kids.append(u8(A("STAGE"), C["VGATE_STAGE_" + stage]))
        if stage == "PEER":
            kids.append(s(A("PEER_NAME"), "gw%d" % r.randint(1, 4)))
            action = r.choice(("PROTECT", "PROTECT", "PASS", "DROP"))
        else:
            action = r.choice(("PASS", "DROP"))
        kids.append(u8(A("ACTION"), C["VGATE_ACTION_" + action]))
        if action == "PROTECT":
            x = r.random()
            if x < 0.6:
                kids += [u32(A("SPI_OUT"), 0x1000), u32(A("SPI_IN"), 0x2000)]
            elif x < 0.75:
                kids += [u32(A("AH_SPI_OUT"), 0x3000), u32(A("AH_SPI_IN"), 0x4000)]
            elif x < 0.85:
                kids += [u32(A("SPI_OUT"), 0x1000), u32(A("SPI_IN"), 0x2000),
                         u32(A("CPI_OUT"), 0x100), u32(A("CPI_IN"), 0x100)]
        if r.random() < 0.3:
            kids += [u8(A("PROTO"), r.choice((6, 17))), u16(A("RPORT_MIN"), 1000),
                     u16(A("RPORT_MAX"), 2000)]
        if r.random() < 0.2:
            kids.append(ip4(A("REMOTE_END"), "10.2.9.255"))
        if r.random() < 0.1:
            kids.append(u32(A("FLAGS"), C["VGATE_RULE_F_SELF"]))
        if r.random() < 0.2:
            kids.append(s(A("DESCR"), "rule %d" % rid))
        return N(C["VGATE_A_RULE"], *kids)

    def rule(self, cmd="VGATE_CMD_RULE_NEW"):
        n = self.r.choice((1, 1, 1, 2, 5)) if cmd == "VGATE_CMD_RULE_NEW" else 1
        return (cmd, [self.rule_nest() for _ in range(n)], 0)

    def config(self):
        r, A = self.r, lambda n: C["VGATE_CFG_A_" + n]
        if r.random() < 0.4 and self.cfg_default:
            return ("VGATE_CMD_CONFIG_SET",
                    [("n", C["VGATE_A_CONFIG"], self.cfg_default, True)], 0)
        knobs = [u32(A("REPLAY_WINDOW"), r.choice((0, 64, 128, 4096))),
                 u32(A("MAX_SAS"), r.choice((1, 16, 1024, C["VGATE_MAX_SAS_MAX"]))),
                 u8(A("DROP_LOG"), r.randint(0, 1)),
                 u8(A("SWSKIP_OVERLAP"), r.randint(0, 1)),
                 u8(A("POST_DEFAULT"), r.choice((C["VGATE_ACTION_PASS"], C["VGATE_ACTION_DROP"]))),
                 u32(A("ACQUIRE_TIMEOUT"), r.randint(1, 60)),
                 u32(A("ACQUIRE_QUEUE"), r.randint(0, 64)),
                 u32(A("NATT_KEEPALIVE"), r.randint(0, 60))]
        return ("VGATE_CMD_CONFIG_SET", [N(C["VGATE_A_CONFIG"], *r.sample(knobs, r.randint(1, 3)))], 0)

    def flow(self):
        r, A = self.r, lambda n: C["VGATE_FLOW_A_" + n]
        kids = [u16(A("FAMILY"), AF_INET), ip4(A("SRC"), "10.1.0.%d" % r.randint(1, 9)),
                ip4(A("DST"), "10.2.0.%d" % r.randint(1, 9))]
        if r.random() < 0.5:
            kids += [u8(A("PROTO"), 17), u16(A("SPORT"), 1234), u16(A("DPORT"), 1500)]
        if r.random() < 0.3:
            kids.append(u8(A("DIR"), C["VGATE_DIR_IN"]))
        if r.random() < 0.1:
            kids.append(u32(A("ITERATIONS"), r.randint(1, 100)))
        return ("VGATE_CMD_EXPLAIN", [N(C["VGATE_A_FLOW"], *kids)], 0)

    def encap(self):
        A = lambda n: C["VGATE_ENCAP_SOCK_A_" + n]
        if self.r.random() < 0.5:
            return ("VGATE_CMD_ENCAP_SOCK_SET", [N(C["VGATE_A_ENCAP_SOCK"],
                                                   u16(A("PORT"), 4500))], 0)
        return ("VGATE_CMD_ENCAP_SOCK_SET", [N(C["VGATE_A_ENCAP_SOCK"],
                                               u32(A("FD"), self.udp_fd))], 0)

    def vgate(self):
        r = self.r
        x = r.random()
        simple = ("VGATE_CMD_SA_FLUSH", "VGATE_CMD_RULE_FLUSH", "VGATE_CMD_PEER_FLUSH",
                  "VGATE_CMD_TXN_BEGIN", "VGATE_CMD_TXN_COMMIT", "VGATE_CMD_TXN_ABORT",
                  "VGATE_CMD_TXN_BEGIN", "VGATE_CMD_TXN_COMMIT",
                  "VGATE_CMD_STATS_GET", "VGATE_CMD_CONFIG_GET",
                  "VGATE_CMD_ENCAP_SOCK_GET", "VGATE_CMD_ENCAP_SOCK_DEL")
        dumps = ("VGATE_CMD_SA_GET", "VGATE_CMD_RULE_GET", "VGATE_CMD_PEER_GET")
        if x < 0.18:
            return self.sa(r.choice(("VGATE_CMD_SA_NEW", "VGATE_CMD_SA_NEW", "VGATE_CMD_SA_SET")))
        if x < 0.24:
            return self.sa_key(r.choice(("VGATE_CMD_SA_GET", "VGATE_CMD_SA_DEL")))
        if x < 0.36:
            return self.peer(r.choice(("VGATE_CMD_PEER_NEW", "VGATE_CMD_PEER_NEW",
                                       "VGATE_CMD_PEER_SET")))
        if x < 0.40:
            return self.peer_key(r.choice(("VGATE_CMD_PEER_GET", "VGATE_CMD_PEER_DEL")))
        if x < 0.56:
            return self.rule(r.choice(("VGATE_CMD_RULE_NEW", "VGATE_CMD_RULE_NEW",
                                       "VGATE_CMD_RULE_SET")))
        if x < 0.60:
            A = lambda n: C["VGATE_RULE_A_" + n]
            return (r.choice(("VGATE_CMD_RULE_GET", "VGATE_CMD_RULE_DEL")),
                    [N(C["VGATE_A_RULE"], u32(A("ID"), r.randint(1, 30)))], 0)
        if x < 0.66:
            return self.config()
        if x < 0.70:
            return self.flow()
        if x < 0.72:
            return self.encap()
        if x < 0.84:
            return (r.choice(dumps), [], NLM_F_DUMP)
        return (r.choice(simple), [], 0)

    # vgate_garp -----------------------------------------------------
    def garp(self):
        r = self.r
        G = lambda n: C["VGATE_GARP_CFG_A_" + n]
        I = lambda n: C["VGATE_GARP_IF_A_" + n]
        x = r.random()
        if x < 0.3:
            kids = [u8(G("ACTIVE"), r.randint(0, 1)), u8(G("FORCE_UPDATE"), r.randint(0, 1)),
                    u32(G("RATE_LIMIT"), r.randint(0, 100)),
                    u32(G("VERIFY_TIMEOUT"), r.randint(C["VGATE_GARP_VERIFY_TIMEOUT_MIN"], 2000))]
            return ("VGATE_GARP_CMD_SET", [N(C["VGATE_GARP_A_GLOBAL"],
                                             *r.sample(kids, r.randint(1, 4)))], 0)
        if x < 0.6:
            kids = [s(I("IFNAME"), self.dev)]
            for n, hi in (("ACTIVE", C["VGATE_GARP_INHERIT"]),
                          ("FORCE_UPDATE", C["VGATE_GARP_INHERIT"])):
                if r.random() < 0.6:
                    kids.append(u8(I(n), r.randint(0, hi)))
            if r.random() < 0.5:
                kids.append(u32(I("RATE_LIMIT"), r.choice((0, 5, C["VGATE_GARP_RATE_INHERIT"]))))
            return ("VGATE_GARP_CMD_SET", [N(C["VGATE_GARP_A_IF"], *kids)], 0)
        if x < 0.75:
            return ("VGATE_GARP_CMD_IF_GET", [N(C["VGATE_GARP_A_IF"], s(I("IFNAME"), self.dev))], 0)
        if x < 0.9:
            return ("VGATE_GARP_CMD_IF_GET", [], NLM_F_DUMP)
        return ("VGATE_GARP_CMD_GET", [], 0)

    # vgate_bwm ------------------------------------------------------
    def bwm_if(self, *kids):
        return N(C["VGATE_BWM_A_IF"], s(C["VGATE_BWM_IF_A_IFNAME"], self.dev), *kids)

    def bwm(self):
        r = self.r
        I = lambda n: C["VGATE_BWM_IF_A_" + n]
        K = lambda n: C["VGATE_BWM_CLASS_A_" + n]
        F = lambda n: C["VGATE_BWM_FILTER_A_" + n]
        x = r.random()
        rates = (10 ** 6, 10 ** 7, 10 ** 8, C["VGATE_BWM_RATE_MAX"], C["VGATE_BWM_RATE_MIN"])
        if x < 0.2:
            kids = [u8(I("ENABLED"), 1 if r.random() < 0.85 else 0),
                    u64(I("RATE"), r.choice(rates))]
            if r.random() < 0.3:
                kids.append(u8(I("MODE"), r.randint(0, C["VGATE_BWM_MODE_PRIORITY"])))
            if r.random() < 0.2:
                kids.append(u16(I("OVERHEAD"), r.randint(0, C["VGATE_BWM_OVERHEAD_MAX"])))
            if r.random() < 0.2:
                kids.append(u8(I("ESP"), r.randint(0, C["VGATE_BWM_ESP_UDP"])))
            if r.random() < 0.2:
                kids.append(u32(I("LIMIT"), r.choice((1, 100, C["VGATE_BWM_LIMIT_MAX"]))))
            if r.random() < 0.2:
                kids.append(u16(I("DEFAULT_CLASS"), r.randint(0, 5)))
            return ("VGATE_BWM_CMD_IF_SET", [self.bwm_if(*kids)], 0)
        if x < 0.45:
            cmd = r.choice(("VGATE_BWM_CMD_CLASS_NEW", "VGATE_BWM_CMD_CLASS_NEW",
                            "VGATE_BWM_CMD_CLASS_SET"))
            kids = [u16(K("ID"), r.randint(1, 6))]
            if cmd.endswith("NEW") or r.random() < 0.6:
                kids.append(u64(K("RATE"), r.choice((8, 1000, 10 ** 5, 10 ** 6, 3 * 10 ** 6))))
            if r.random() < 0.3:
                kids.append(u16(K("PARENT"), r.randint(0, 6)))
            if r.random() < 0.3:
                kids.append(u64(K("CEIL"), r.choice((0, 2 * 10 ** 6, 10 ** 7))))
            if r.random() < 0.3:
                kids.append(u8(K("PRIO"), r.randint(0, C["VGATE_BWM_PRIO_MAX"])))
            if r.random() < 0.2:
                kids.append(u8(K("BORROW"), r.randint(0, 1)))
            if r.random() < 0.2:
                kids.append(s(K("NAME"), "c%d" % r.randint(0, 99)))
            return (cmd, [self.bwm_if(), N(C["VGATE_BWM_A_CLASS"], *kids)], 0)
        if x < 0.52:
            return ("VGATE_BWM_CMD_CLASS_DEL", [self.bwm_if(), N(C["VGATE_BWM_A_CLASS"],
                                                                 u16(K("ID"), r.randint(1, 6)))], 0)
        if x < 0.7:
            kids = [u16(F("ID"), r.randint(1, 10)),
                    u16(F("CLASS"), r.choice((1, 2, 3, C["VGATE_BWM_CLASS_DEFAULT"])))]
            y = r.random()
            if y < 0.3:
                kids.append(u8(F("SERVICE"), r.randint(1, C["VGATE_BWM_SVC_MAX"])))
            elif y < 0.7:
                kids += [u8(F("PROTO"), r.choice((6, 17))), u16(F("DPORT_MIN"), 1000),
                         u16(F("DPORT_MAX"), 2000)]
            if r.random() < 0.3:
                kids += [ip4(F("DST_MIN"), "10.9.0.1"), ip4(F("DST_MAX"), "10.9.0.200")]
            return ("VGATE_BWM_CMD_FILTER_NEW", [self.bwm_if(), N(C["VGATE_BWM_A_FILTER"], *kids)], 0)
        if x < 0.75:
            return ("VGATE_BWM_CMD_FILTER_DEL", [self.bwm_if(), N(C["VGATE_BWM_A_FILTER"],
                                                                  u16(F("ID"), r.randint(1, 10)))], 0)
        if x < 0.85:
            return (r.choice(("VGATE_BWM_CMD_CLASS_GET", "VGATE_BWM_CMD_FILTER_GET")),
                    [self.bwm_if()], NLM_F_DUMP)
        if x < 0.92:
            return ("VGATE_BWM_CMD_IF_GET", [], NLM_F_DUMP)
        return ("VGATE_BWM_CMD_IF_GET", [self.bwm_if()], 0)

    def build(self, fam):
        return {"vgate": self.vgate, "vgate_garp": self.garp, "vgate_bwm": self.bwm}[fam]()


def issue20(dev):
    """Issue 20 (the divide error): "bm interface d0 enable bandwidth
    18446744g; bm class d0 add 1 bandwidth 1k; bm class d0 set 1 bandwidth
    1", with the CLI's value of 18446744g, the 2^64-ish one, and an
    interface bandwidth the kernel accepts, so that the class of 1 bit/s
    meets the tree build."""
    ifn = lambda *k: N(C["VGATE_BWM_A_IF"], s(C["VGATE_BWM_IF_A_IFNAME"], dev), *k)
    I = lambda n: C["VGATE_BWM_IF_A_" + n]
    K = lambda n: C["VGATE_BWM_CLASS_A_" + n]
    out = []
    for irate in (18446744 * 10 ** 9, 18446744 * 10 ** 12, 2 ** 64 - 1,
                  C["VGATE_BWM_RATE_MAX"], 10 ** 9):
        out += [
            ("VGATE_BWM_CMD_IF_SET", [ifn(u8(I("ENABLED"), 0))], 0),
            ("VGATE_BWM_CMD_IF_SET", [ifn(u8(I("ENABLED"), 1), u64(I("RATE"), irate))], 0),
            ("VGATE_BWM_CMD_CLASS_NEW", [ifn(), N(C["VGATE_BWM_A_CLASS"], u16(K("ID"), 1),
                                                  u64(K("RATE"), 1000))], 0),
            ("VGATE_BWM_CMD_CLASS_SET", [ifn(), N(C["VGATE_BWM_A_CLASS"], u16(K("ID"), 1),
                                                  u64(K("RATE"), 1))], 0),
            ("VGATE_BWM_CMD_CLASS_SET", [ifn(), N(C["VGATE_BWM_A_CLASS"], u16(K("ID"), 1),
                                                  u64(K("RATE"), 8))], 0),
            ("VGATE_BWM_CMD_CLASS_GET", [ifn()], NLM_F_DUMP),
        ]
    out.append(("VGATE_BWM_CMD_IF_SET", [ifn(u8(I("ENABLED"), 0))], 0))
    return out


# ------------------------------------------------------------ fuzzing
class Fuzzer:
    def __init__(self, r, corpus, cmds, enums):
        self.r, self.corpus, self.cmds, self.enums = r, corpus, cmds, enums

    def int_value(self, size):
        r = self.r
        top = 2 ** (8 * size) - 1
        x = r.random()
        if x < 0.5:
            v = r.choice(HDR_CONSTS) + r.choice((0, 0, 0, -1, 1))
        elif x < 0.7:
            v = r.choice((0, 1, 2, top, top - 1, top >> 1, (top >> 1) + 1))
        elif x < 0.85:
            v = r.randint(0, 255)
        else:
            v = r.randint(0, top)
        return struct.pack(PACK[size], v & top)

    def payload_for(self, attr, depth):
        """The payload of @attr: mostly of its type, sometimes of another."""
        r = self.r
        typ = attr.typ if attr and r.random() < 0.85 else r.choice(
            ("u8", "u16", "u32", "u64", "string", "binary", "nest", "empty"))
        if typ in INT_SIZES:
            return V(0, self.int_value(INT_SIZES[typ]))
        if typ == "string":
            x = r.random()
            if x < 0.4:
                txt = r.choice((self.corpus.dev, "gw1", "gw2", "lo", "", "x" * 15,
                                "x" * 16, "a.b-c_d", "bad name!", "d" * 31, "d" * 32))
            elif x < 0.6:
                txt = "x" * r.choice((255, 256, 300, 1000))
            else:
                txt = "".join(chr(r.randint(1, 255)) for _ in range(r.randint(0, 40)))
            b = txt.encode("latin-1")
            return V(0, b + b"\0" if r.random() < 0.8 else b)
        if typ == "binary":
            n = r.choice((4, 4, 16, 16, 0, 1, 3, 5, 15, 17, 20, 32, 36, 64, 65, 200))
            return V(0, bytes(r.randint(0, 255) for _ in range(n)))
        if typ == "nest" and depth < 4:
            child = attr.child if attr and attr.child in self.enums else r.choice(list(self.enums))
            return ("n", 0, self.tree(child, depth + 1), r.random() < 0.85)
        if typ == "flag" or typ == "empty":
            return V(0, b"")
        return V(0, bytes(r.randint(0, 255) for _ in range(r.randint(0, 12))))

    def tree(self, ename, depth=0):
        r = self.r
        attrs = self.enums.get(ename) or []
        maxt = max([a.value for a in attrs] + [0])
        out = []
        for _ in range(r.choice((0, 1, 1, 2, 2, 3, 4, 6))):
            x = r.random()
            if attrs and x < 0.85:
                a = r.choice(attrs)
                t = a.value
            else:
                a = None
                t = r.choice((0, maxt + 1, maxt + 2, r.randint(0, 0x3FFF)))
            if r.random() < 0.03:
                t |= NLA_F_NET_BYTEORDER
            node = self.payload_for(a, depth)
            node = (node[0], t) + node[2:]
            out.append(node)
            if r.random() < 0.08:
                out.append(node)            # duplicate
        return out

    def mutate_tree(self, nodes, depth=0):
        r = self.r
        nodes = list(nodes)
        for _ in range(r.choice((0, 1, 1, 2))):
            if not nodes:
                break
            i = r.randrange(len(nodes))
            n = nodes[i]
            x = r.random()
            if x < 0.15:
                del nodes[i]
            elif x < 0.3:
                nodes.insert(i, n)                          # duplicate
            elif x < 0.4:
                r.shuffle(nodes)
            elif x < 0.5 and n[0] == "n":
                nodes[i] = ("n", n[1], n[2], not n[3])      # NLA_F_NESTED
            elif x < 0.6 and n[0] == "n":
                nodes[i] = ("n", n[1], self.mutate_tree(n[2], depth + 1), n[3])
            elif x < 0.7:
                nodes[i] = (n[0], r.choice((0, n[1] + 1, n[1] - 1 if n[1] else 0,
                                            r.randint(0, 60), 0x3FFF))) + n[2:]
            elif x < 0.8 and n[0] == "v":                   # wrong size
                b = n[2]
                nodes[i] = ("v", n[1], r.choice((b[:-1], b + b"\0", b[:1], b"", b + bytes(4),
                                                 b[:len(b) // 2])))
            elif x < 0.9 and n[0] == "v":                   # nest where a value was
                nodes[i] = ("n", n[1], [V(r.randint(0, 20), n[2])], r.random() < 0.5)
            else:
                nodes.append(("v", r.randint(0, 40), self.int_value(r.choice((1, 2, 4, 8)))))
        return nodes

    def mutate_bytes(self, data, other):
        r = self.r
        data = bytearray(data)
        for _ in range(r.choice((1, 1, 2, 3))):
            x = r.random()
            if x < 0.35 and data:                           # bit flips
                for _ in range(r.randint(1, 8)):
                    j = r.randrange(len(data))
                    data[j] ^= 1 << r.randrange(8)
            elif x < 0.55:                                  # length edits
                offs = nla_offsets(bytes(data))
                if offs:
                    o = r.choice(offs)
                    alen = struct.unpack("=H", data[o:o + 2])[0]
                    nl = r.choice((0, 1, 3, 4, alen - 1, alen + 1, alen - 4, alen + 4,
                                   alen * 2, 0xFFFF, r.randint(0, 0xFFFF)))
                    data[o:o + 2] = struct.pack("=H", nl & 0xFFFF)
            elif x < 0.7 and data:                          # splice from another request
                j = r.randrange(len(data) + 1)
                k = r.randrange(len(other) + 1) if other else 0
                chunk = other[k:k + r.randint(1, 32)]
                if r.random() < 0.5:
                    data[j:j + len(chunk)] = chunk
                else:
                    data[j:j] = chunk
            elif x < 0.8 and data:                          # delete bytes
                j = r.randrange(len(data))
                del data[j:j + r.randint(1, 16)]
            elif x < 0.9:                                   # insert random bytes
                j = r.randrange(len(data) + 1)
                data[j:j] = bytes(r.randint(0, 255) for _ in range(r.randint(1, 16)))
            else:                                           # truncate
                data = data[:r.randrange(len(data) + 1)]
        return bytes(data)

    def flags(self, base):
        r = self.r
        x = r.random()
        if x < 0.45:
            f = NLM_F_REQUEST | NLM_F_ACK | base
        elif x < 0.65:
            f = NLM_F_REQUEST | base
        elif x < 0.8:
            f = NLM_F_REQUEST | NLM_F_DUMP | r.choice((0, NLM_F_ACK))
        elif x < 0.95:
            f = NLM_F_REQUEST | r.choice((NLM_F_ACK, 0)) | r.choice(
                (NLM_F_ECHO, NLM_F_ROOT, NLM_F_MATCH, NLM_F_ATOMIC, NLM_F_APPEND,
                 NLM_F_CREATE | NLM_F_EXCL, NLM_F_REPLACE, 0x1000, 0x2000, 0x8000))
        elif x < 0.98:
            f = r.randint(0, 0xFFFF) | NLM_F_REQUEST
        else:
            f = r.randint(0, 0xFFFF) & ~NLM_F_REQUEST      # ignored by the kernel
        return f

    def cmd(self, fam, name):
        r = self.r
        if r.random() < 0.93:
            return C[name]
        return r.choice((0, self.cmds[fam] + 1, self.cmds[fam] + 2, r.randint(0, 255)))

    def message(self, fam):
        """(kind, cmd, payload, flags, extras) for one message to @fam."""
        r = self.r
        x = r.random()
        name, nodes, base = self.corpus.build(fam)
        extras = {}
        if x < 0.25:
            kind = "valid"
            cmd = C[name]
            payload = serialize(nodes)
            flags = NLM_F_REQUEST | NLM_F_ACK | base if r.random() < 0.8 else self.flags(base)
        elif x < 0.65:
            kind = "mutated"
            cmd = self.cmd(fam, name)
            if r.random() < 0.6:
                nodes = self.mutate_tree(nodes)
            payload = serialize(nodes)
            if r.random() < 0.6:
                _, other, _ = self.corpus.build(r.choice(list(FAMILIES)))
                payload = self.mutate_bytes(payload, serialize(other))
            flags = self.flags(base)
        elif x < 0.92:
            kind = "tree"
            cmd = self.cmd(fam, name) if r.random() < 0.7 else r.randint(0, self.cmds[fam] + 3)
            top = FAMILIES[fam][1]
            payload = serialize(self.tree(top))
            if r.random() < 0.3:
                payload = self.mutate_bytes(payload, b"")
            flags = self.flags(0)
        else:
            kind = "raw"
            cmd = r.randint(0, self.cmds[fam] + 3)
            payload = bytes(r.randint(0, 255) for _ in range(r.choice((0, 1, 3, 4, 8, 17, 64, 300))))
            flags = self.flags(0)
        y = r.random()
        if y < 0.03:
            extras["version"] = r.choice((0, 2, 255))
        elif y < 0.05:
            extras["reserved"] = r.randint(1, 0xFFFF)
        elif y < 0.07:
            extras["trunc"] = r.randint(16, 16 + 4 + len(payload))   # nlmsg_len edit
        elif y < 0.08:
            extras["extra_len"] = r.choice((1, 4, 100, 0xFFFF))      # claims more: ignored
        elif y < 0.09:
            extras["tail"] = bytes(r.randint(0, 255) for _ in range(r.randint(1, 15)))
        return kind, cmd, payload, flags, extras


def traffic(dev, dst):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, 25, dev.encode())   # SO_BINDTODEVICE
        s.sendto(b"x" * 200, (dst, 9))
    except OSError:
        pass
    finally:
        s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--dev", default="d0", help="dummy device for vgate_garp and vgate_bwm")
    ap.add_argument("--dst", default="10.77.0.2", help="an address on DEV's subnet")
    ap.add_argument("--progress", type=int, default=1000)
    ap.add_argument("--min-accept", type=float, default=5.0,
                    help="percent of each family's messages that must be accepted")
    ap.add_argument("--summary", help="write the summary as JSON here")
    args = ap.parse_args()

    print("# nlfuzz: seed %d, count %d, dev %s" % (args.seed, args.count, args.dev))
    sys.stdout.flush()
    r = random.Random(args.seed)
    fids = {f: family_id(f) for f in FAMILIES}
    socks = {f: [Sock(fids[f]), Sock(fids[f])] for f in FAMILIES}
    cmds = {f: C[re.sub(r"_cmd$", "", FAMILIES[f][0]).upper() + "_CMD_MAX"] for f in FAMILIES}
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))

    # The namespace's knobs as they are now: a valid CONFIG_SET restoring them.
    cfg = socks["vgate"][0]
    cfg_default = None
    cs = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    cs.bind((0, 0))
    body = struct.pack("=BBH", C["VGATE_CMD_CONFIG_GET"], 1, 0)
    cs.send(struct.pack("=IHHII", 20, fids["vgate"], NLM_F_REQUEST, 1, 0) + body)
    rep = cs.recv(65536)
    cs.close()
    if struct.unpack("=H", rep[4:6])[0] != NLMSG_ERROR:
        a = rep[20:]
        off = 0
        while off + 4 <= len(a):
            alen, atype = struct.unpack("=HH", a[off:off + 4])
            if atype & 0x3FFF == C["VGATE_A_CONFIG"]:
                inner, cfg_default, o = a[off + 4:off + alen], [], 0
                while o + 4 <= len(inner):
                    l2, t2 = struct.unpack("=HH", inner[o:o + 4])
                    cfg_default.append(V(t2, inner[o + 4:o + l2]))
                    o += (l2 + 3) & ~3
            off += (alen + 3) & ~3
    del cfg

    corpus = Corpus(r, args.dev, udp.fileno(), cfg_default)
    fz = Fuzzer(r, corpus, cmds, SCHEMA)
    hist = {}
    per_fam = {f: {"sent": 0, "accepted": 0} for f in FAMILIES}
    per_kind = {}
    slow = {}                   # (family, cmd) -> [messages, seconds]
    failures = []

    def record(fam, kind, res, flags=NLM_F_REQUEST):
        if not flags & NLM_F_REQUEST:
            res = "ignored"         # not a request: the kernel only acks it
        key = str(res) if not isinstance(res, int) else (
            "0" if res == 0 else errno.errorcode.get(res, str(res)))
        hist[key] = hist.get(key, 0) + 1
        per_fam[fam]["sent"] += 1
        per_fam[fam]["accepted"] += res == 0
        k = per_kind.setdefault(kind, {"sent": 0, "accepted": 0})
        k["sent"] += 1
        k["accepted"] += res == 0
        if res == "timeout" or (isinstance(res, str) and res.startswith("recv")):
            failures.append("%s %s: %s" % (fam, kind, res))

    t0 = time.time()
    reg = [(n, c, nodes, f) for n, (c, nodes, f) in enumerate(issue20(args.dev))]
    for _, cname, nodes, f in reg:
        res = socks["vgate_bwm"][0].send(C[cname], serialize(nodes), NLM_F_REQUEST | NLM_F_ACK | f)
        record("vgate_bwm", "issue20", res)
    traffic(args.dev, args.dst)
    print("# issue 20 regression input: %d requests sent" % len(reg))

    fams = list(FAMILIES)
    for i in range(args.count):
        fam = r.choice(fams)
        sk = socks[fam][r.randrange(2)]
        if r.random() < 0.01:
            sk.reopen()             # closing the socket discards its transaction
        kind, cmd, payload, flags, extras = fz.message(fam)
        ts = time.time()
        res = sk.send(cmd, payload, flags, **extras)
        sl = slow.setdefault((fam, cmd), [0, 0.0])
        sl[0] += 1
        sl[1] += time.time() - ts
        record(fam, kind, res, flags)
        if res == "timeout":
            print("# message %d to %s timed out: cmd %d flags 0x%x payload %s" %
                  (i, fam, cmd, flags, payload.hex()))
            break
        if i % 50 == 49:
            traffic(args.dev, args.dst)
        if args.progress and (i + 1) % args.progress == 0:
            print("# seed %d: %d/%d messages, %.1fs" % (args.seed, i + 1, args.count,
                                                         time.time() - t0))
            sys.stdout.flush()
    for f in FAMILIES:
        for sk in socks[f]:
            sk.s.close()
    dt = time.time() - t0
    total = sum(v["sent"] for v in per_fam.values())
    print("# seed %d summary: %d messages in %.1fs (%.0f/s)" % (args.seed, total, dt,
                                                                total / dt if dt else 0))
    for f, v in per_fam.items():
        print("#   %-10s sent %6d accepted %6d (%.1f%%)" %
              (f, v["sent"], v["accepted"], 100.0 * v["accepted"] / max(1, v["sent"])))
    for k, v in sorted(per_kind.items()):
        print("#   kind %-8s sent %6d accepted %6d" % (k, v["sent"], v["accepted"]))
    names = {f: {a.value: a.name for a in SCHEMA[FAMILIES[f][0]]} for f in FAMILIES}
    top = sorted(slow.items(), key=lambda kv: -kv[1][1])[:6]
    print("#   waiting for the kernel: %.1fs" % sum(v[1] for v in slow.values()))
    print("#   most time in the kernel: " + ", ".join(
        "%s %s %d in %.1fs" % (f, names[f].get(c, c), v[0], v[1]) for (f, c), v in top))
    print("#   errno histogram: " + ", ".join(
        "%s=%d" % kv for kv in sorted(hist.items(), key=lambda kv: -kv[1])))
    ok = True
    for f, v in per_fam.items():
        pct = 100.0 * v["accepted"] / max(1, v["sent"])
        if v["sent"] == 0 or pct < args.min_accept:
            print("# FAIL: %s: %.1f%% of %d messages accepted, want at least %.1f%%" %
                  (f, pct, v["sent"], args.min_accept))
            ok = False
    if failures:
        print("# FAIL: " + "; ".join(failures[:5]))
        ok = False
    if args.summary:
        with open(args.summary, "w") as fp:
            json.dump({"seed": args.seed, "messages": total, "seconds": round(dt, 1),
                       "families": per_fam, "kinds": per_kind, "errno": hist}, fp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
