#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""netlink_bounds: every numeric request attribute of the families vgate,
vgate_garp and vgate_bwm gets 0, 1, its documented maximum, the maximum +
1 and the largest value of its type (2^8-1, 2^16-1, 2^32-1, 2^64-1), the
bandwidth manager's and the ARP policy's on two dummy devices, of MTU 68
and 65535.  Each request either works or is refused with an extended ack
that names the attribute (its offset; for a value inside the documented
range, an error about the combination may name another attribute or none,
with a message).  A value outside the documented range must be refused at
that attribute, and a refused request must leave the configuration as it
was.  The documented ranges are the UAPI header's (include/uapi/linux/
vgate.h), read through vgatenl.py; ranges the header states only in words
(a set of protocols, a family) are spelled out below with the comment they
come from.

Also the combinations of issue 20 (an interface bandwidth near 2^64 and a
class of a few bit/s), and traffic through every shaper configuration
that was accepted.  The kernel log is checked by the harness (BUG, WARNING,
Oops, divide error).

Usage: netlink_bounds.py DEV=ADDR... (dummy devices, up, and an address
on each one's subnet to send to).  Prints TAP."""
import errno
import socket
import struct
import sys

from vgatenl import C, Genl, Error, nla, nest, parse_attrs

PACK = {"u8": "=B", "u16": "=H", "u32": "=I", "u64": "=Q"}
TMAX = {"u8": 0xFF, "u16": 0xFFFF, "u32": 0xFFFFFFFF, "u64": 0xFFFFFFFFFFFFFFFF}
NLHDR = 16 + 4          # nlmsghdr + genlmsghdr: where attribute offsets start

AF_INET, AF_INET6 = socket.AF_INET, socket.AF_INET6
IPPROTO_ESP, IPPROTO_AH, IPPROTO_COMP = 50, 51, 108

_n = 0
_failed = 0


def tap(ok, name, notes=()):
    global _n, _failed
    _n += 1
    for line in notes:
        print("# " + line)
    if ok:
        print("ok %d %s" % (_n, name))
    else:
        _failed += 1
        print("not ok %d %s" % (_n, name))
    sys.stdout.flush()


def num(atype, typ, v):
    return nla(atype, struct.pack(PACK[typ], v & TMAX[typ]))


def attr_offset(payload, path):
    """Offset in the message of the attribute reached through @path (types,
    outermost first), as NLMSGERR_ATTR_OFFS reports it."""
    pos, data = NLHDR, payload
    for depth, want in enumerate(path):
        off = 0
        while off + 4 <= len(data):
            alen, atype = struct.unpack("=HH", data[off:off + 4])
            if (atype & 0x3FFF) == want:
                break
            off += (alen + 3) & ~3
        else:
            return None
        if depth == len(path) - 1:
            return pos + off
        pos += off + 4
        data = data[off + 4:off + alen]
    return None


def values(typ, lo, hi):
    """0, 1, the documented maximum and the one above it, the type's
    largest value; and the documented minimum and the one below it."""
    vs = {0, 1, hi, TMAX[typ], lo}
    if hi < TMAX[typ]:
        vs.add(hi + 1)
    if lo > 0:
        vs.add(lo - 1)
    return sorted(v for v in vs if v <= TMAX[typ])


class Case:
    """One numeric attribute: @path the attribute types from the top level
    (the tested one last), @valid(v) the documented range, @build(v) the
    request's top-level attributes, @keyword a word of the messages that
    name the attribute without an offset (the bandwidth manager's checks of
    a whole configuration)."""

    def __init__(self, fam, cmd, name, typ, path, lo, hi, build,
                 valid=None, keyword=None, setup=None, cleanup=None):
        self.fam, self.cmd, self.name, self.typ = fam, cmd, name, typ
        self.path, self.lo, self.hi, self.build = path, lo, hi, build
        self.valid = valid or (lambda v, lo=lo, hi=hi: lo <= v <= hi)
        self.keyword, self.setup, self.cleanup = keyword, setup, cleanup


def run_case(g, case, snapshot, after_ok=None, label=""):
    notes, ok = [], True
    for v in values(case.typ, case.lo, case.hi):
        if case.setup:
            case.setup()
        before = snapshot()
        payload = b"".join(case.build(v))
        offs = attr_offset(payload, case.path)
        try:
            g._request(g.family, C[case.cmd], payload, 1 | 4)
            err = None
        except Error as e:
            err = e
        if err is None:
            if not case.valid(v):
                ok = False
                notes.append("%s=%d (outside %d..%d): accepted" %
                             (case.name, v, case.lo, case.hi))
            elif after_ok:
                after_ok()
        else:
            named = err.offs == offs or (case.keyword and
                                         case.keyword in err.msg)
            if not case.valid(v) and not named:
                ok = False
                notes.append("%s=%d (outside %d..%d): errno %d \"%s\" offset %s, "
                             "not the attribute's (%s)" %
                             (case.name, v, case.lo, case.hi, err.errno,
                              err.msg, err.offs, offs))
            elif case.valid(v) and not (err.msg or err.offs or err.miss):
                ok = False
                notes.append("%s=%d: errno %d without an extended ack" %
                             (case.name, v, err.errno))
            if err.errno == errno.EPERM:
                ok = False
                notes.append("%s=%d: EPERM" % (case.name, v))
            after = snapshot()
            if after != before:
                ok = False
                notes.append("%s=%d: refused (errno %d) but the configuration changed" %
                             (case.name, v, err.errno))
        if case.cleanup:
            case.cleanup()
    tap(ok, "%s %s %s%s: 0, 1, max, max+1, type max" %
        (case.fam, case.cmd.split("_CMD_")[1].lower(), case.name, label), notes)


def strip(payload, drop):
    """A nest's attributes as a sorted tuple, without the types in @drop
    (counters, times), nests inside walked as well."""
    out = []
    for t, v in sorted(parse_attrs(payload).items()):
        if t in drop:
            continue
        out.append((t, v))
    return tuple(out)


def dump_or_empty(g, cmd, *attrs):
    try:
        return g.dump(cmd, *attrs)
    except Error:
        return []


# ---------------------------------------------------------------- vgate
def vgate_cases(g):
    key = bytes(range(1, 21))
    dst, src = socket.inet_aton("192.0.2.2"), socket.inet_aton("192.0.2.1")

    def flush():
        for cmd in ("VGATE_CMD_SA_FLUSH", "VGATE_CMD_RULE_FLUSH",
                    "VGATE_CMD_PEER_FLUSH"):
            g.do(cmd)
        try:
            g.do("VGATE_CMD_ENCAP_SOCK_DEL")
        except Error:
            pass

    cfg0 = g.do("VGATE_CMD_CONFIG_GET")[0][1]

    def restore_cfg():
        g.do("VGATE_CMD_CONFIG_SET", nla(C["VGATE_A_CONFIG"] | 0x8000,
                                         parse_nested(cfg0, C["VGATE_A_CONFIG"])))

    def snapshot():
        return (g.do("VGATE_CMD_CONFIG_GET")[0][1],
                len(dump_or_empty(g, "VGATE_CMD_SA_GET")),
                len(dump_or_empty(g, "VGATE_CMD_RULE_GET")),
                len(dump_or_empty(g, "VGATE_CMD_PEER_GET")),
                g.do("VGATE_CMD_ENCAP_SOCK_GET")[0][1])

    cases = []
    A_CONFIG = C["VGATE_A_CONFIG"]
    knobs = [
        ("REPLAY_WINDOW", "u32", C["VGATE_REPLAY_WINDOW_MIN"],
         C["VGATE_REPLAY_WINDOW_MAX"]),
        ("MAX_SAS", "u32", C["VGATE_MAX_SAS_MIN"], C["VGATE_MAX_SAS_MAX"]),
        ("DROP_LOG", "u8", 0, 1),
        ("SWSKIP_OVERLAP", "u8", 0, 1),
        ("POST_DEFAULT", "u8", C["VGATE_ACTION_PASS"], C["VGATE_ACTION_DROP"]),
        ("ACQUIRE_TIMEOUT", "u32", C["VGATE_ACQUIRE_TIMEOUT_MIN"],
         C["VGATE_ACQUIRE_TIMEOUT_MAX"]),
        ("ACQUIRE_QUEUE", "u32", C["VGATE_ACQUIRE_QUEUE_MIN"],
         C["VGATE_ACQUIRE_QUEUE_MAX"]),
        ("NATT_KEEPALIVE", "u32", C["VGATE_NATT_KEEPALIVE_MIN"],
         C["VGATE_NATT_KEEPALIVE_MAX"]),
    ]
    for name, typ, lo, hi in knobs:
        t = C["VGATE_CFG_A_" + name]
        cases.append(Case("vgate", "VGATE_CMD_CONFIG_SET", "CFG_" + name, typ,
                          [A_CONFIG, t], lo, hi,
                          lambda v, t=t, typ=typ: [nest(A_CONFIG, num(t, typ, v))],
                          cleanup=restore_cfg))

    # SAs: an ESP tunnel SA, one attribute replaced or added.
    A_SA = C["VGATE_A_SA"]

    def sa(v, t, typ, extra=b"", inner=None):
        base = {
            C["VGATE_SA_A_SPI"]: num(C["VGATE_SA_A_SPI"], "u32", 0x1000),
            C["VGATE_SA_A_FAMILY"]: num(C["VGATE_SA_A_FAMILY"], "u16", AF_INET),
            C["VGATE_SA_A_SRC"]: nla(C["VGATE_SA_A_SRC"], src),
            C["VGATE_SA_A_DST"]: nla(C["VGATE_SA_A_DST"], dst),
            C["VGATE_SA_A_MODE"]: num(C["VGATE_SA_A_MODE"], "u8",
                                      C["VGATE_MODE_TUNNEL"]),
            C["VGATE_SA_A_ENC"]: num(C["VGATE_SA_A_ENC"], "u16",
                                     C["VGATE_ENC_AES_GCM_16"]),
            C["VGATE_SA_A_ENC_KEY"]: nla(C["VGATE_SA_A_ENC_KEY"], key),
        }
        first = inner if inner is not None else num(t, typ, v)
        rest = b"".join(a for k, a in base.items() if k != t)
        return [nest(A_SA, first + rest + extra)]

    # Documented in words: SPI "not 0 and not 1..255"; PROTO ESP, AH,
    # IPComp; FAMILY AF_INET, AF_INET6; FLAGS the settable bits.
    sa_attrs = [
        ("SPI", "u32", 256, TMAX["u32"], None),
        ("PROTO", "u8", IPPROTO_ESP, IPPROTO_COMP,
         lambda v: v in (IPPROTO_ESP, IPPROTO_AH, IPPROTO_COMP)),
        ("FAMILY", "u16", AF_INET, AF_INET6, lambda v: v in (AF_INET, AF_INET6)),
        ("MODE", "u8", C["VGATE_MODE_TRANSPORT"], C["VGATE_MODE_TUNNEL"], None),
        ("ENC", "u16", 1, C["VGATE_ENC_MAX"], None),
        ("AUTH", "u16", 1, C["VGATE_AUTH_MAX"], None),
        ("REPLAY_WINDOW", "u32", 0, C["VGATE_REPLAY_WINDOW_MAX"], None),
        ("FLAGS", "u32", 0, C["VGATE_SA_F_SETTABLE"],
         lambda v: not v & ~C["VGATE_SA_F_SETTABLE"]),
        ("REQID", "u32", 0, TMAX["u32"], None),
        # without ESN at most 2^32 - 1
        ("OSEQ", "u64", 0, TMAX["u32"], None),
        ("REPLAY_SEQ", "u64", 0, TMAX["u32"], None),
        ("COMP", "u16", 1, C["VGATE_COMP_MAX"], None),
    ]
    for name, typ, lo, hi, valid in sa_attrs:
        t = C["VGATE_SA_A_" + name]
        cases.append(Case("vgate", "VGATE_CMD_SA_NEW", "SA_" + name, typ,
                          [A_SA, t], lo, hi,
                          lambda v, t=t, typ=typ: sa(v, t, typ), valid=valid,
                          cleanup=flush))
    # ESN with the 64-bit sequence numbers
    for name in ("OSEQ", "REPLAY_SEQ"):
        t = C["VGATE_SA_A_" + name]
        esn = num(C["VGATE_SA_A_FLAGS"], "u32", C["VGATE_SA_F_ESN"])
        cases.append(Case("vgate", "VGATE_CMD_SA_NEW", "SA_%s with ESN" % name,
                          "u64", [A_SA, t], 0, TMAX["u64"],
                          lambda v, t=t, esn=esn: sa(v, t, "u64", esn),
                          cleanup=flush))
    A_LT = C["VGATE_SA_A_LIFETIME"]
    for name in ("SOFT_BYTES", "HARD_BYTES", "SOFT_PACKETS", "HARD_PACKETS",
                 "SOFT_SECONDS", "HARD_SECONDS"):
        t = C["VGATE_LT_A_" + name]
        cases.append(Case("vgate", "VGATE_CMD_SA_NEW", "LT_" + name, "u64",
                          [A_SA, A_LT, t], 0, TMAX["u64"],
                          lambda v, t=t: sa(0, A_LT, "u8",
                                            inner=nest(A_LT, num(t, "u64", v))),
                          cleanup=flush))
    A_ENCAP = C["VGATE_SA_A_ENCAP"]
    for name, typ, lo, hi in (("TYPE", "u8", 1, C["VGATE_ENCAP_MAX"]),
                              ("SPORT", "u16", 1, 65535),
                              ("DPORT", "u16", 1, 65535)):
        t = C["VGATE_ENCAP_A_" + name]

        def enc(v, t=t, typ=typ):
            ports = b"".join(num(C["VGATE_ENCAP_A_" + p], "u16", 4500)
                             for p in ("SPORT", "DPORT")
                             if C["VGATE_ENCAP_A_" + p] != t)
            return sa(0, A_ENCAP, "u8", inner=nest(A_ENCAP, num(t, typ, v) + ports))
        cases.append(Case("vgate", "VGATE_CMD_SA_NEW", "ENCAP_" + name, typ,
                          [A_SA, A_ENCAP, t], lo, hi, enc, cleanup=flush))

    # Rules: a PRE pass rule for 10.0.0.0/24; ports with PROTO TCP; SPIs
    # and CPIs on a protect entry of peer p1 (set up first).
    A_RULE = C["VGATE_A_RULE"]
    A_PEER = C["VGATE_A_PEER"]

    def peer_p1():
        flush()
        g.do("VGATE_CMD_PEER_NEW", nest(A_PEER,
             num(C["VGATE_PEER_A_ID"], "u32", 1),
             nla(C["VGATE_PEER_A_NAME"], b"p1\0"),
             num(C["VGATE_PEER_A_FAMILY"], "u16", AF_INET),
             nla(C["VGATE_PEER_A_ADDR"], dst)))

    def rule(v, t, typ, protect=False):
        R = lambda n: C["VGATE_RULE_A_" + n]
        base = [(R("ID"), num(R("ID"), "u32", 100)),
                (R("FAMILY"), num(R("FAMILY"), "u16", AF_INET)),
                (R("LOCAL"), nla(R("LOCAL"), socket.inet_aton("10.0.0.0"))),
                (R("LOCAL_PLEN"), num(R("LOCAL_PLEN"), "u8", 24)),
                (R("PROTO"), num(R("PROTO"), "u8", 6))]
        if protect:
            base += [(R("ACTION"), num(R("ACTION"), "u8", C["VGATE_ACTION_PROTECT"])),
                     (R("STAGE"), num(R("STAGE"), "u8", C["VGATE_STAGE_PEER"])),
                     (R("PEER_NAME"), nla(R("PEER_NAME"), b"p1\0")),
                     (R("SPI_OUT"), num(R("SPI_OUT"), "u32", 0x1000)),
                     (R("SPI_IN"), num(R("SPI_IN"), "u32", 0x2000))]
            if t in (R("CPI_OUT"), R("CPI_IN")):
                other = R("CPI_IN") if t == R("CPI_OUT") else R("CPI_OUT")
                base.append((other, num(other, "u16", 0x300)))
            if t in (R("AH_SPI_OUT"), R("AH_SPI_IN")):
                other = R("AH_SPI_IN") if t == R("AH_SPI_OUT") else R("AH_SPI_OUT")
                base.append((other, num(other, "u32", 0x3000)))
        else:
            base += [(R("ACTION"), num(R("ACTION"), "u8", C["VGATE_ACTION_PASS"])),
                     (R("STAGE"), num(R("STAGE"), "u8", C["VGATE_STAGE_PRE"]))]
        return [nest(A_RULE, num(t, typ, v) +
                     b"".join(a for k, a in base if k != t))]

    rule_attrs = [
        ("ID", "u32", 1, TMAX["u32"], None, False),
        ("FAMILY", "u16", AF_INET, AF_INET6, lambda v: v in (AF_INET, AF_INET6), False),
        # an IPv4 rule: at most 32 (IPv6: 128)
        ("LOCAL_PLEN", "u8", 0, 32, None, False),
        ("PROTO", "u8", 0, 255, None, False),
        ("LPORT_MIN", "u16", 0, 65535, None, False),
        ("LPORT_MAX", "u16", 0, 65535, None, False),
        ("RPORT_MIN", "u16", 0, 65535, None, False),
        ("RPORT_MAX", "u16", 0, 65535, None, False),
        ("ACTION", "u8", 1, C["VGATE_ACTION_MAX"], None, False),
        ("STAGE", "u8", 1, C["VGATE_STAGE_MAX"], None, False),
        ("FLAGS", "u32", 0, C["VGATE_RULE_F_SETTABLE"],
         lambda v: not v & ~C["VGATE_RULE_F_SETTABLE"], False),
        ("SPI_OUT", "u32", 0, TMAX["u32"], None, True),
        ("SPI_IN", "u32", 0, TMAX["u32"], None, True),
        ("AH_SPI_OUT", "u32", 0, TMAX["u32"], None, True),
        ("AH_SPI_IN", "u32", 0, TMAX["u32"], None, True),
        ("CPI_OUT", "u16", 256, 65535, None, True),
        ("CPI_IN", "u16", 256, 65535, None, True),
    ]
    for name, typ, lo, hi, valid, protect in rule_attrs:
        t = C["VGATE_RULE_A_" + name]
        cases.append(Case("vgate", "VGATE_CMD_RULE_NEW", "RULE_" + name, typ,
                          [A_RULE, t], lo, hi,
                          lambda v, t=t, typ=typ, p=protect: rule(v, t, typ, p),
                          valid=valid, setup=peer_p1, cleanup=flush))

    # Peers: NEW with one attribute; OPER/BLOCK_SECONDS with PEER_SET.
    def peer(v, t, typ, extra=b""):
        P = lambda n: C["VGATE_PEER_A_" + n]
        base = [(P("ID"), num(P("ID"), "u32", 7)),
                (P("NAME"), nla(P("NAME"), b"p7\0")),
                (P("FAMILY"), num(P("FAMILY"), "u16", AF_INET)),
                (P("ADDR"), nla(P("ADDR"), socket.inet_aton("192.0.2.7")))]
        return [nest(A_PEER, num(t, typ, v) +
                     b"".join(a for k, a in base if k != t) + extra)]

    def peer_p7():
        flush()
        g.do("VGATE_CMD_PEER_NEW", *peer(7, C["VGATE_PEER_A_ID"], "u32"))

    virt = num(C["VGATE_PEER_A_VIRTUAL"], "u8", 1)
    peer_attrs = [
        ("ID", "u32", 1, TMAX["u32"], None, "VGATE_CMD_PEER_NEW", b"", None),
        ("FAMILY", "u16", AF_INET, AF_INET6, lambda v: v in (AF_INET, AF_INET6),
         "VGATE_CMD_PEER_NEW", b"", None),
        ("ADMIN", "u8", 1, C["VGATE_PEER_ADMIN_MAX"], None, "VGATE_CMD_PEER_NEW", b"", None),
        ("VIRTUAL", "u8", 0, 1, None, "VGATE_CMD_PEER_NEW", b"", None),
        ("PROPAGATE_PMTU", "u8", 0, 1, None, "VGATE_CMD_PEER_NEW", b"", None),
        ("IPCOMP", "u8", 1, C["VGATE_IPCOMP_MAX"], None, "VGATE_CMD_PEER_NEW", b"", None),
        ("SPI_OUT", "u32", 0, TMAX["u32"], None, "VGATE_CMD_PEER_NEW",
         virt + num(C["VGATE_PEER_A_SPI_IN"], "u32", 0x2000), None),
        ("OPER", "u8", C["VGATE_PEER_OPER_BLOCKED"], C["VGATE_PEER_OPER_BLOCKED"],
         None, "VGATE_CMD_PEER_SET",
         num(C["VGATE_PEER_A_BLOCK_SECONDS"], "u32", 10), peer_p7),
        ("BLOCK_SECONDS", "u32", C["VGATE_BLOCK_SECONDS_MIN"],
         C["VGATE_BLOCK_SECONDS_MAX"], None,
         "VGATE_CMD_PEER_SET",
         num(C["VGATE_PEER_A_OPER"], "u8", C["VGATE_PEER_OPER_BLOCKED"]), peer_p7),
    ]
    for name, typ, lo, hi, valid, cmd, extra, setup in peer_attrs:
        t = C["VGATE_PEER_A_" + name]
        cases.append(Case("vgate", cmd, "PEER_" + name, typ, [A_PEER, t], lo, hi,
                          lambda v, t=t, typ=typ, e=extra: peer(v, t, typ, e),
                          valid=valid, setup=setup or flush, cleanup=flush))

    # EXPLAIN
    A_FLOW = C["VGATE_A_FLOW"]

    def flow(v, t, typ):
        F = lambda n: C["VGATE_FLOW_A_" + n]
        base = [(F("FAMILY"), num(F("FAMILY"), "u16", AF_INET)),
                (F("SRC"), nla(F("SRC"), socket.inet_aton("10.0.0.1"))),
                (F("DST"), nla(F("DST"), socket.inet_aton("10.1.0.1"))),
                (F("PROTO"), num(F("PROTO"), "u8", 17))]
        return [nest(A_FLOW, num(t, typ, v) + b"".join(a for k, a in base if k != t))]

    for name, typ, lo, hi, valid in (
            ("FAMILY", "u16", AF_INET, AF_INET6, lambda v: v in (AF_INET, AF_INET6)),
            ("PROTO", "u8", 0, 255, None),
            ("SPORT", "u16", 0, 65535, None),
            ("DPORT", "u16", 0, 65535, None),
            ("DIR", "u8", C["VGATE_DIR_OUT"], C["VGATE_DIR_IN"], None),
            ("ITERATIONS", "u32", C["VGATE_ITERATIONS_MIN"],
             C["VGATE_ITERATIONS_MAX"], None)):
        t = C["VGATE_FLOW_A_" + name]
        cases.append(Case("vgate", "VGATE_CMD_EXPLAIN", "FLOW_" + name, typ,
                          [A_FLOW, t], lo, hi,
                          lambda v, t=t, typ=typ: flow(v, t, typ), valid=valid))

    # NAT-T socket: PORT (vgate's own socket), FD (not a socket of ours)
    A_ES = C["VGATE_A_ENCAP_SOCK"]
    for name, typ, lo, hi in (("PORT", "u16", 1, 65535), ("FD", "u32", 0, TMAX["u32"])):
        t = C["VGATE_ENCAP_SOCK_A_" + name]
        cases.append(Case("vgate", "VGATE_CMD_ENCAP_SOCK_SET", "ENCAP_SOCK_" + name,
                          typ, [A_ES, t], lo, hi,
                          lambda v, t=t, typ=typ: [nest(A_ES, num(t, typ, v))],
                          cleanup=flush))
    return cases, snapshot


def parse_nested(reply, atype):
    return parse_attrs(reply)[atype]


# ---------------------------------------------------------------- garp
def garp_cases(g, devs):
    A_GLOBAL, A_IF = C["VGATE_GARP_A_GLOBAL"], C["VGATE_GARP_A_IF"]

    def defaults():
        g.do("VGATE_GARP_CMD_SET", nest(A_GLOBAL,
             num(C["VGATE_GARP_CFG_A_ACTIVE"], "u8", 0),
             num(C["VGATE_GARP_CFG_A_FORCE_UPDATE"], "u8", 0),
             num(C["VGATE_GARP_CFG_A_RATE_LIMIT"], "u32", 10),
             num(C["VGATE_GARP_CFG_A_VERIFY_TIMEOUT"], "u32", 500)))
        for d in devs:
            g.do("VGATE_GARP_CMD_SET", nest(A_IF,
                 nla(C["VGATE_GARP_IF_A_IFNAME"], d.encode() + b"\0"),
                 num(C["VGATE_GARP_IF_A_ACTIVE"], "u8", C["VGATE_GARP_INHERIT"]),
                 num(C["VGATE_GARP_IF_A_FORCE_UPDATE"], "u8", C["VGATE_GARP_INHERIT"]),
                 num(C["VGATE_GARP_IF_A_RATE_LIMIT"], "u32",
                     C["VGATE_GARP_RATE_INHERIT"])))

    def snapshot():
        out = [strip(parse_nested(g.do("VGATE_GARP_CMD_GET")[0][1], A_GLOBAL),
                     {C["VGATE_GARP_CFG_A_PENDING"]})]
        for d in devs:
            r = g.do("VGATE_GARP_CMD_IF_GET", nest(A_IF,
                     nla(C["VGATE_GARP_IF_A_IFNAME"], d.encode() + b"\0")))
            out.append(strip(parse_nested(r[0][1], A_IF),
                             {C["VGATE_GARP_IF_A_COUNTERS"]}))
        return out

    cases = []
    for name, typ, lo, hi in (
            ("ACTIVE", "u8", 0, 1), ("FORCE_UPDATE", "u8", 0, 1),
            ("RATE_LIMIT", "u32", C["VGATE_GARP_RATE_LIMIT_MIN"],
             C["VGATE_GARP_RATE_LIMIT_MAX"]),
            ("VERIFY_TIMEOUT", "u32", C["VGATE_GARP_VERIFY_TIMEOUT_MIN"],
             C["VGATE_GARP_VERIFY_TIMEOUT_MAX"])):
        t = C["VGATE_GARP_CFG_A_" + name]
        cases.append(Case("vgate_garp", "VGATE_GARP_CMD_SET", "CFG_" + name, typ,
                          [A_GLOBAL, t], lo, hi,
                          lambda v, t=t, typ=typ: [nest(A_GLOBAL, num(t, typ, v))],
                          cleanup=defaults))
    for d in devs:
        ifname = nla(C["VGATE_GARP_IF_A_IFNAME"], d.encode() + b"\0")
        for name, typ, lo, hi, valid in (
                ("ACTIVE", "u8", 0, C["VGATE_GARP_INHERIT"], None),
                ("FORCE_UPDATE", "u8", 0, C["VGATE_GARP_INHERIT"], None),
                ("RATE_LIMIT", "u32", C["VGATE_GARP_RATE_LIMIT_MIN"],
                 C["VGATE_GARP_RATE_LIMIT_MAX"],
                 lambda v: v <= C["VGATE_GARP_RATE_LIMIT_MAX"] or
                 v == C["VGATE_GARP_RATE_INHERIT"])):
            t = C["VGATE_GARP_IF_A_" + name]
            cases.append(Case("vgate_garp", "VGATE_GARP_CMD_SET",
                              "IF_%s on %s" % (name, d), typ, [A_IF, t], lo, hi,
                              lambda v, t=t, typ=typ, n=ifname: [nest(A_IF, num(t, typ, v) + n)],
                              valid=valid, cleanup=defaults))
    t = C["VGATE_GARP_IF_A_IFINDEX"]
    cases.append(Case("vgate_garp", "VGATE_GARP_CMD_IF_GET", "IF_IFINDEX", "u32",
                      [A_IF, t], 0, TMAX["u32"],
                      lambda v: [nest(A_IF, num(t, "u32", v))]))
    return cases, snapshot, defaults


# ---------------------------------------------------------------- bwm
class Bwm:
    def __init__(self, g, dev):
        self.g, self.dev = g, dev
        self.ifname = nla(C["VGATE_BWM_IF_A_IFNAME"], dev.encode() + b"\0")

    def ifnest(self, *attrs):
        return nest(C["VGATE_BWM_A_IF"], self.ifname + b"".join(attrs))

    def disable(self):
        try:
            self.g.do("VGATE_BWM_CMD_IF_SET",
                      self.ifnest(num(C["VGATE_BWM_IF_A_ENABLED"], "u8", 0)))
        except Error:
            pass

    def enable(self, rate):
        self.g.do("VGATE_BWM_CMD_IF_SET",
                  self.ifnest(num(C["VGATE_BWM_IF_A_ENABLED"], "u8", 1),
                              num(C["VGATE_BWM_IF_A_RATE"], "u64", rate)))

    def klass(self, cmd, cid, *attrs):
        self.g.do(cmd, self.ifnest(), nest(C["VGATE_BWM_A_CLASS"],
                  num(C["VGATE_BWM_CLASS_A_ID"], "u16", cid) + b"".join(attrs)))

    def base(self):
        """Enabled at 10 Mbit/s, class 1 of 1 Mbit/s (a leaf)."""
        self.disable()
        self.enable(10 ** 7)
        self.klass("VGATE_BWM_CMD_CLASS_NEW", 1,
                   num(C["VGATE_BWM_CLASS_A_RATE"], "u64", 10 ** 6))

    def snapshot(self):
        g, out = self.g, []
        r = g.do("VGATE_BWM_CMD_IF_GET", self.ifnest())
        out.append(strip(parse_nested(r[0][1], C["VGATE_BWM_A_IF"]),
                         {C["VGATE_BWM_IF_A_STATS"]}))
        for cmd, a, drop in (("VGATE_BWM_CMD_CLASS_GET", "VGATE_BWM_A_CLASS",
                              {C["VGATE_BWM_CLASS_A_STATS"]}),
                             ("VGATE_BWM_CMD_FILTER_GET", "VGATE_BWM_A_FILTER",
                              {C["VGATE_BWM_FILTER_A_MATCHES"]})):
            for _, p in dump_or_empty(g, cmd, self.ifnest()):
                out.append(strip(parse_nested(p, C[a]), drop))
        return out


TARGET = {}


def traffic(dev):
    """A few UDP datagrams out of @dev (dummy: IFF_NOARP, no neighbour to
    wait for), short and as long as the MTU allows: through the shaper's
    enqueue, wire length, classification and dequeue."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        mtu = int(open("/sys/class/net/%s/mtu" % dev).read())
        for size in (1, max(1, min(mtu, 65535) - 28), 1400):
            try:
                s.sendto(b"x" * size, (TARGET[dev], 9))
            except OSError:
                pass
    finally:
        s.close()


def bwm_cases(g, devs):
    cases = []
    for dev in devs:
        b = Bwm(g, dev)
        IF = lambda n: C["VGATE_BWM_IF_A_" + n]
        A_IF, A_CLASS, A_FILTER = (C["VGATE_BWM_A_IF"], C["VGATE_BWM_A_CLASS"],
                                   C["VGATE_BWM_A_FILTER"])
        RMIN, RMAX = C["VGATE_BWM_RATE_MIN"], C["VGATE_BWM_RATE_MAX"]

        # IF_SET on an enabled interface (RATE: also on a disabled one)
        def if_set(v, t, typ, b=b):
            name = b"" if t == IF("IFINDEX") else b.ifname
            return [nest(A_IF, num(t, typ, v) + name)]

        for name, typ, lo, hi in (
                ("ENABLED", "u8", 0, 1),
                ("RATE", "u64", RMIN, RMAX),
                ("MODE", "u8", 0, C["VGATE_BWM_MODE_PRIORITY"]),
                ("OVERHEAD", "u16", 0, C["VGATE_BWM_OVERHEAD_MAX"]),
                ("ESP", "u8", 0, C["VGATE_BWM_ESP_UDP"]),
                ("LIMIT", "u32", 1, C["VGATE_BWM_LIMIT_MAX"]),
                ("DEFAULT_CLASS", "u16", 0, C["VGATE_BWM_CLASS_ID_MAX"]),
                ("IFINDEX", "u32", 0, TMAX["u32"])):
            t = IF(name)
            cases.append((b, Case("vgate_bwm", "VGATE_BWM_CMD_IF_SET",
                                  "IF_%s on %s" % (name, dev), typ, [A_IF, t], lo, hi,
                                  lambda v, t=t, typ=typ, f=if_set: f(v, t, typ),
                                  keyword="bandwidth" if name == "RATE" else None,
                                  setup=b.base, cleanup=b.disable)))
        # enabling a disabled interface with that bandwidth
        t = IF("RATE")
        cases.append((b, Case("vgate_bwm", "VGATE_BWM_CMD_IF_SET",
                              "IF_RATE enabling %s" % dev, "u64", [A_IF, t], RMIN, RMAX,
                              lambda v, t=t, b=b: [nest(A_IF, num(t, "u64", v) + b.ifname)],
                              keyword="bandwidth", setup=b.disable, cleanup=b.disable)))

        CL = lambda n: C["VGATE_BWM_CLASS_A_" + n]

        def cls(v, t, typ, cid, b=b):
            attrs = [(CL("ID"), num(CL("ID"), "u16", cid)),
                     (CL("RATE"), num(CL("RATE"), "u64", 1000))]
            return [b.ifnest(), nest(A_CLASS, num(t, typ, v) +
                                     b"".join(a for k, a in attrs if k != t))]

        for cmd, cid in (("VGATE_BWM_CMD_CLASS_NEW", 2), ("VGATE_BWM_CMD_CLASS_SET", 1)):
            for name, typ, lo, hi, kw in (
                    ("ID", "u16", 1, C["VGATE_BWM_CLASS_ID_MAX"], None),
                    ("PARENT", "u16", 0, C["VGATE_BWM_CLASS_ID_MAX"], None),
                    ("RATE", "u64", RMIN, RMAX, "bandwidth"),
                    ("CEIL", "u64", 0, RMAX, "ceiling"),
                    ("PRIO", "u8", 0, C["VGATE_BWM_PRIO_MAX"], None),
                    ("BORROW", "u8", 0, 1, None)):
                t = CL(name)
                valid = None
                if name == "CEIL":     # 0: the default, else RATE_MIN..RATE_MAX
                    valid = lambda v: v == 0 or RMIN <= v <= RMAX
                cases.append((b, Case("vgate_bwm", cmd, "CLASS_%s on %s" % (name, dev),
                                      typ, [A_CLASS, t], lo, hi,
                                      lambda v, t=t, typ=typ, cid=cid, f=cls: f(v, t, typ, cid),
                                      valid=valid, keyword=kw, setup=b.base,
                                      cleanup=b.disable)))

        FL = lambda n: C["VGATE_BWM_FILTER_A_" + n]

        def flt(v, t, typ, b=b):
            attrs = [(FL("ID"), num(FL("ID"), "u16", 5)),
                     (FL("CLASS"), num(FL("CLASS"), "u16", 1)),
                     (FL("PROTO"), num(FL("PROTO"), "u8", 17))]
            return [b.ifnest(), nest(A_FILTER, num(t, typ, v) +
                                     b"".join(a for k, a in attrs if k != t))]

        for name, typ, lo, hi in (
                ("ID", "u16", 1, C["VGATE_BWM_FILTER_ID_MAX"]),
                ("CLASS", "u16", 1, C["VGATE_BWM_CLASS_DEFAULT"]),
                ("SERVICE", "u8", 1, C["VGATE_BWM_SVC_MAX"]),
                ("PROTO", "u8", 1, 255),
                ("SPORT_MIN", "u16", 0, 65535), ("SPORT_MAX", "u16", 0, 65535),
                ("DPORT_MIN", "u16", 0, 65535), ("DPORT_MAX", "u16", 0, 65535)):
            t = FL(name)
            cases.append((b, Case("vgate_bwm", "VGATE_BWM_CMD_FILTER_NEW",
                                  "FILTER_%s on %s" % (name, dev), typ, [A_FILTER, t],
                                  lo, hi, lambda v, t=t, typ=typ, f=flt: f(v, t, typ),
                                  setup=b.base, cleanup=b.disable)))
    return cases


def bwm_issue20(g, devs):
    """Issue 20: an interface bandwidth at the limits, a class added, then
    set to a few bit/s (the divide error), traffic through what was
    accepted."""
    RMIN, RMAX = C["VGATE_BWM_RATE_MIN"], C["VGATE_BWM_RATE_MAX"]
    for dev in devs:
        b = Bwm(g, dev)
        notes, ok = [], True
        for irate in (1, RMIN, RMAX, RMAX + 1, 18446744 * 10 ** 12, TMAX["u64"]):
            for crate in (1, RMIN, 1000, RMAX, TMAX["u64"]):
                b.disable()
                try:
                    b.enable(irate)
                except Error as e:
                    if RMIN <= irate <= RMAX:
                        ok = False
                        notes.append("enable %d: %s" % (irate, e))
                    continue
                try:
                    b.klass("VGATE_BWM_CMD_CLASS_NEW", 1,
                            nla(C["VGATE_BWM_CLASS_A_RATE"],
                                struct.pack("=Q", 1000)))
                    b.klass("VGATE_BWM_CMD_CLASS_SET", 1,
                            nla(C["VGATE_BWM_CLASS_A_RATE"],
                                struct.pack("=Q", crate)))
                    acc = True
                except Error as e:
                    acc = False
                    if not e.msg:
                        ok = False
                        notes.append("bandwidth %d, class %d: errno %d without a message"
                                     % (irate, crate, e.errno))
                if acc and not (RMIN <= crate <= min(irate, RMAX)):
                    ok = False
                    notes.append("bandwidth %d, class %d: accepted" % (irate, crate))
                traffic(dev)
        b.disable()
        tap(ok, "vgate_bwm issue 20 on %s: interface bandwidth 1..2^64-1, "
            "class 1 bit/s..2^64-1, traffic" % dev, notes)


def main():
    devs = []
    for arg in sys.argv[1:]:
        dev, target = arg.split("=")
        devs.append(dev)
        TARGET[dev] = target
    vg = Genl("vgate")
    garp = Genl("vgate_garp")
    bwm = Genl("vgate_bwm")

    cases, snap = vgate_cases(vg)
    gcases, gsnap, gdefaults = garp_cases(garp, devs)
    bcases = bwm_cases(bwm, devs)
    print("TAP version 13")
    print("1..%d" % (len(cases) + len(gcases) + len(bcases) + len(devs)))
    for c in cases:
        run_case(vg, c, snap)
    gdefaults()
    for c in gcases:
        run_case(garp, c, gsnap)
    for b, c in bcases:
        run_case(bwm, c, b.snapshot, after_ok=lambda d=b.dev: traffic(d))
    bwm_issue20(bwm, devs)
    print("# %d failed" % _failed)
    return 1 if _failed else 0


if __name__ == "__main__":
    sys.exit(main())
