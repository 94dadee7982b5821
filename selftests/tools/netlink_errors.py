#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""netlink_errors: malformed and invalid requests get an extack error that
names the problem, and leave the SA database, the rules and the knobs
exactly as they were.  Runs inside a fresh network namespace."""
import errno
import socket
import struct
import sys

import vgatenl as v
from vgatenl import C, addr, nest, u8, u16, u32, nla

n = 0
failed = 0


def tap(ok, name, diag=""):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print("%s %d %s" % ("ok" if ok else "not ok", n, name))
    if diag:
        print("# " + diag)


GCM128 = bytes(range(20))


def sa(spi=0x1000, dst="192.0.2.2", src="192.0.2.1", enc="VGATE_ENC_AES_GCM_16",
       key=GCM128, extra=(), drop=()):
    attrs = {
        "spi": u32(C["VGATE_SA_A_SPI"], spi),
        "family": u16(C["VGATE_SA_A_FAMILY"], socket.AF_INET),
        "src": addr(C["VGATE_SA_A_SRC"], src),
        "dst": addr(C["VGATE_SA_A_DST"], dst),
        "mode": u8(C["VGATE_SA_A_MODE"], C["VGATE_MODE_TUNNEL"]),
        "enc": u16(C["VGATE_SA_A_ENC"], C[enc] if isinstance(enc, str) else enc),
        "key": nla(C["VGATE_SA_A_ENC_KEY"], key),
    }
    for d in drop:
        del attrs[d]
    return nest(C["VGATE_A_SA"], *attrs.values(), *extra)


def ah_sa(spi=0x1001, auth="VGATE_AUTH_HMAC_SHA256_128", key=bytes(32),
          extra=(), drop=()):
    """An AH SA: no ENC, ENC_KEY; PROTO 51, AUTH, AUTH_KEY."""
    attrs = [u8(C["VGATE_SA_A_PROTO"], socket.IPPROTO_AH)]
    if "auth" not in drop:
        attrs.append(u16(C["VGATE_SA_A_AUTH"], C[auth]))
    if "auth_key" not in drop:
        attrs.append(nla(C["VGATE_SA_A_AUTH_KEY"], key))
    return sa(spi=spi, drop=("enc", "key"), extra=tuple(attrs) + tuple(extra))


def rule(rid=10, action="VGATE_ACTION_PROTECT", extra=(), drop=()):
    attrs = {
        "id": u32(C["VGATE_RULE_A_ID"], rid),
        "family": u16(C["VGATE_RULE_A_FAMILY"], socket.AF_INET),
        "local": addr(C["VGATE_RULE_A_LOCAL"], "10.1.0.0"),
        "lplen": u8(C["VGATE_RULE_A_LOCAL_PLEN"], 24),
        "remote": addr(C["VGATE_RULE_A_REMOTE"], "10.2.0.0"),
        "rplen": u8(C["VGATE_RULE_A_REMOTE_PLEN"], 24),
        "action": u8(C["VGATE_RULE_A_ACTION"], C[action]),
        "peer": nla(C["VGATE_RULE_A_PEER_NAME"], b"gwB\0"),
        "spi_out": u32(C["VGATE_RULE_A_SPI_OUT"], 0x1000),
        "spi_in": u32(C["VGATE_RULE_A_SPI_IN"], 0x2000),
    }
    for d in drop:
        del attrs[d]
    return nest(C["VGATE_A_RULE"], *attrs.values(), *extra)


def peer(pid=1, name=b"gwB", family=socket.AF_INET, address="192.0.2.2",
         extra=(), drop=()):
    attrs = {
        "id": u32(C["VGATE_PEER_A_ID"], pid),
        "name": nla(C["VGATE_PEER_A_NAME"], name + b"\0"),
        "family": u16(C["VGATE_PEER_A_FAMILY"], family),
        "addr": addr(C["VGATE_PEER_A_ADDR"], address),
    }
    for d in drop:
        del attrs[d]
    return nest(C["VGATE_A_PEER"], *attrs.values(), *extra)


def addr6(t, a):
    return nla(t, socket.inet_pton(socket.AF_INET6, a))


def snapshot(g):
    sas = []
    for _, payload in g.dump("VGATE_CMD_SA_GET"):
        a = v.parse_attrs(v.parse_attrs(payload)[C["VGATE_A_SA"]])
        sas.append((a[C["VGATE_SA_A_SPI"]], a[C["VGATE_SA_A_DST"]],
                    a.get(C["VGATE_SA_A_ENC"]), a[C["VGATE_SA_A_REPLAY_WINDOW"]],
                    a.get(C["VGATE_SA_A_PROTO"])))
    rules = []
    for _, payload in g.dump("VGATE_CMD_RULE_GET"):
        a = v.parse_attrs(v.parse_attrs(payload)[C["VGATE_A_RULE"]])
        a.pop(C["VGATE_RULE_A_STATS"], None)
        rules.append(tuple(sorted(a.items())))
    peers = []
    for _, payload in g.dump("VGATE_CMD_PEER_GET"):
        a = v.parse_attrs(v.parse_attrs(payload)[C["VGATE_A_PEER"]])
        peers.append(tuple(sorted(a.items())))
    cfg = v.parse_attrs(g.do("VGATE_CMD_CONFIG_GET")[0][1])
    return sorted(sas), rules, cfg, peers


def expect_error(g, name, cmd, attrs, want_errno=None, want_msg=None,
                 want_miss=None, want_offs=True):
    before = snapshot(g)
    try:
        g.do(cmd, attrs)
    except v.Error as e:
        problems = []
        if want_errno is not None and e.errno != want_errno:
            problems.append("errno %d, want %d" % (e.errno, want_errno))
        if not e.msg and want_miss is None:
            problems.append("no extack message")
        if want_msg and want_msg not in e.msg:
            problems.append("message %r lacks %r" % (e.msg, want_msg))
        if want_miss is not None and e.miss != C[want_miss]:
            problems.append("missing-attr %r, want %s" % (e.miss, want_miss))
        if want_offs and want_miss is None and e.offs is None:
            problems.append("no bad-attribute offset")
        if snapshot(g) != before:
            problems.append("tables changed")
        tap(not problems, "netlink_errors " + name,
            "; ".join(problems) or "error %d: %s" % (e.errno, e.msg or "(missing attr %s)" % e.miss))
        return
    tap(False, "netlink_errors " + name, "request was accepted")


def main():
    g = v.Genl()
    print("TAP version 13")

    # one valid SA and rule, so that "unchanged" means something
    g.do("VGATE_CMD_SA_NEW", sa())
    g.do("VGATE_CMD_PEER_NEW", peer())
    g.do("VGATE_CMD_RULE_NEW", rule())

    spi = C["VGATE_SA_A_SPI"]
    expect_error(g, "SPI attribute of 2 bytes", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, drop=("spi",),
                    extra=(nla(spi, b"\x01\x10"),)))
    expect_error(g, "unknown encryption algorithm", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, enc=99))
    expect_error(g, "unknown auth algorithm", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, enc="VGATE_ENC_AES_CBC", key=bytes(16),
                    extra=(u16(C["VGATE_SA_A_AUTH"], 42),)))
    expect_error(g, "GCM key of 17 bytes", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, key=bytes(17)), errno.EINVAL,
                 "key length")
    expect_error(g, "HMAC key of wrong length", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, enc="VGATE_ENC_AES_CBC", key=bytes(16),
                    extra=(u16(C["VGATE_SA_A_AUTH"], C["VGATE_AUTH_HMAC_SHA256_128"]),
                           nla(C["VGATE_SA_A_AUTH_KEY"], bytes(31)))),
                 errno.EINVAL, "auth key length")
    expect_error(g, "CBC without integrity", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, enc="VGATE_ENC_AES_CBC", key=bytes(16)),
                 errno.EINVAL, "HMAC")
    expect_error(g, "GCM with a separate auth key", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(nla(C["VGATE_SA_A_AUTH_KEY"], bytes(20)),)),
                 errno.EINVAL, "no separate auth")
    expect_error(g, "key longer than any algorithm", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, key=bytes(65)))
    expect_error(g, "duplicate SPI", "VGATE_CMD_SA_NEW", sa(),
                 errno.EEXIST, "exists", want_offs=False)
    expect_error(g, "missing destination", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, drop=("dst",)), errno.EINVAL,
                 want_miss="VGATE_SA_A_DST")
    expect_error(g, "missing SPI", "VGATE_CMD_SA_NEW",
                 sa(drop=("spi",)), errno.EINVAL, want_miss="VGATE_SA_A_SPI")
    expect_error(g, "missing mode", "VGATE_CMD_SA_NEW",
                 nest(C["VGATE_A_SA"], u32(spi, 0x1001),
                      u16(C["VGATE_SA_A_FAMILY"], socket.AF_INET),
                      addr(C["VGATE_SA_A_SRC"], "192.0.2.1"),
                      addr(C["VGATE_SA_A_DST"], "192.0.2.2"),
                      u16(C["VGATE_SA_A_ENC"], C["VGATE_ENC_AES_GCM_16"])),
                 errno.EINVAL, want_miss="VGATE_SA_A_MODE")
    expect_error(g, "reserved SPI 255", "VGATE_CMD_SA_NEW", sa(spi=255),
                 errno.EINVAL, "reserved")
    expect_error(g, "address of 3 bytes", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, drop=("dst",),
                    extra=(nla(C["VGATE_SA_A_DST"], b"\xc0\x00\x02"),)),
                 errno.EINVAL)
    expect_error(g, "SA family 7", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, drop=("family",),
                    extra=(u16(C["VGATE_SA_A_FAMILY"], 7),)),
                 errno.EAFNOSUPPORT, "AF_INET6")
    expect_error(g, "IPv6 SA with IPv4 addresses", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, drop=("family",),
                    extra=(u16(C["VGATE_SA_A_FAMILY"], socket.AF_INET6),)),
                 errno.EINVAL, "16 bytes")
    expect_error(g, "replay window 4097", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(u32(C["VGATE_SA_A_REPLAY_WINDOW"], 4097),)))
    expect_error(g, "unknown flag bit", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(u32(C["VGATE_SA_A_FLAGS"], 1 << 30),)))
    expect_error(g, "read-only stats attribute", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(nest(C["VGATE_SA_A_STATS"]),)))
    expect_error(g, "read-only key size attribute", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(u16(C["VGATE_SA_A_ENC_KEY_BITS"], 128),)))
    expect_error(g, "soft lifetime above hard", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(nest(C["VGATE_SA_A_LIFETIME"],
                                            v.u64(C["VGATE_LT_A_SOFT_BYTES"], 10),
                                            v.u64(C["VGATE_LT_A_HARD_BYTES"], 5)),)),
                 errno.EINVAL, "soft lifetime")
    expect_error(g, "ESN with replay window 0", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(u32(C["VGATE_SA_A_FLAGS"], C["VGATE_SA_F_ESN"]),
                                       u32(C["VGATE_SA_A_REPLAY_WINDOW"], 0))),
                 errno.EINVAL, "ESN needs a replay window")
    expect_error(g, "outbound start sequence 2^32 without ESN", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(v.u64(C["VGATE_SA_A_OSEQ"], 1 << 32),)),
                 errno.ERANGE, "needs ESN")
    expect_error(g, "inbound start sequence 2^32 without ESN", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(v.u64(C["VGATE_SA_A_REPLAY_SEQ"], 1 << 32),)),
                 errno.ERANGE, "needs ESN")
    expect_error(g, "read-only expire limit attribute", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(nla(C["VGATE_SA_A_EXPIRE_LIMIT"], b"\x01"),)))
    expect_error(g, "unknown top-level attribute", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001) + nla(60, b"\0\0\0\0"))
    expect_error(g, "update of a missing SA", "VGATE_CMD_SA_SET",
                 sa(spi=0x1001), errno.ENOENT, want_offs=False)
    expect_error(g, "delete of a missing SA", "VGATE_CMD_SA_DEL",
                 sa(spi=0x1001), errno.ENOENT, want_offs=False)
    expect_error(g, "request without the SA nest", "VGATE_CMD_SA_NEW", b"",
                 errno.EINVAL, want_miss="VGATE_A_SA")

    # AH (RFC 4302): an HMAC and its key, nothing of ESP's cipher or NAT-T
    expect_error(g, "SA protocol 17", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(u8(C["VGATE_SA_A_PROTO"], 17),)),
                 errno.EPROTONOSUPPORT, "ESP (50), AH (51) or IPComp (108)")
    expect_error(g, "AH SA with an encryption algorithm", "VGATE_CMD_SA_NEW",
                 ah_sa(extra=(u16(C["VGATE_SA_A_ENC"], C["VGATE_ENC_AES_CBC"]),)),
                 errno.EINVAL, "AH takes no encryption")
    expect_error(g, "AH SA with an encryption key", "VGATE_CMD_SA_NEW",
                 ah_sa(extra=(nla(C["VGATE_SA_A_ENC_KEY"], bytes(16)),)),
                 errno.EINVAL, "AH takes no encryption")
    expect_error(g, "AH SA without an auth algorithm", "VGATE_CMD_SA_NEW",
                 ah_sa(drop=("auth",)), errno.EINVAL,
                 want_miss="VGATE_SA_A_AUTH")
    expect_error(g, "AH SA with auth NONE", "VGATE_CMD_SA_NEW",
                 ah_sa(auth="VGATE_AUTH_NONE", drop=("auth_key",)),
                 errno.EINVAL, "HMAC")
    expect_error(g, "AH SA with a 20-byte key for HMAC-SHA-256", "VGATE_CMD_SA_NEW",
                 ah_sa(key=bytes(20)), errno.EINVAL, "auth key length")
    expect_error(g, "AH SA with a 32-byte key for HMAC-SHA-384", "VGATE_CMD_SA_NEW",
                 ah_sa(auth="VGATE_AUTH_HMAC_SHA384_192"), errno.EINVAL,
                 "auth key length")
    expect_error(g, "AH SA with UDP encapsulation", "VGATE_CMD_SA_NEW",
                 ah_sa(extra=(nest(C["VGATE_SA_A_ENCAP"],
                                   u16(C["VGATE_ENCAP_A_SPORT"], 4500),
                                   u16(C["VGATE_ENCAP_A_DPORT"], 4500)),)),
                 errno.EINVAL, "UDP encapsulated")

    ah_out, ah_in = C["VGATE_RULE_A_AH_SPI_OUT"], C["VGATE_RULE_A_AH_SPI_IN"]
    expect_error(g, "entry with AH_SPI_OUT but no AH_SPI_IN", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, extra=(u32(ah_out, 0x3000),)), errno.EINVAL,
                 "AH_SPI_OUT and AH_SPI_IN go together")
    expect_error(g, "entry with the reserved AH SPI 5", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("spi_out", "spi_in"),
                      extra=(u32(ah_out, 5), u32(ah_in, 0x3001))),
                 errno.EINVAL, "reserved")
    expect_error(g, "pass rule with AH SPIs", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, action="VGATE_ACTION_PASS",
                      drop=("spi_out", "spi_in"),
                      extra=(u32(ah_out, 0x3000), u32(ah_in, 0x3001))),
                 errno.EINVAL, "only PROTECT entries take SPIs")
    expect_error(g, "rule ports with ICMP", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, extra=(u8(C["VGATE_RULE_A_PROTO"], 1),
                                     u16(C["VGATE_RULE_A_LPORT_MIN"], 80))),
                 errno.EINVAL, "ports")
    expect_error(g, "rule prefix length 33", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("lplen",),
                      extra=(u8(C["VGATE_RULE_A_LOCAL_PLEN"], 33),)),
                 errno.EINVAL, "prefix")
    expect_error(g, "rule port range reversed", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, extra=(u8(C["VGATE_RULE_A_PROTO"], 6),
                                     u16(C["VGATE_RULE_A_RPORT_MIN"], 90),
                                     u16(C["VGATE_RULE_A_RPORT_MAX"], 80))),
                 errno.EINVAL, "port range")
    expect_error(g, "protect rule without peer", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("peer",)), errno.EINVAL,
                 "only traffic list entries protect")
    expect_error(g, "traffic list entry without peer", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("peer",),
                      extra=(u8(C["VGATE_RULE_A_STAGE"], C["VGATE_STAGE_PEER"]),)),
                 errno.EINVAL, want_miss="VGATE_RULE_A_PEER_NAME")
    expect_error(g, "entry of an unknown peer", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("peer",),
                      extra=(nla(C["VGATE_RULE_A_PEER_NAME"], b"nosuch\0"),)),
                 errno.ENOENT, "unknown peer")
    expect_error(g, "peer address is read only in a rule", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, extra=(addr(C["VGATE_RULE_A_PEER"], "192.0.2.2"),)))
    expect_error(g, "local range ends before it starts", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("lplen",),
                      extra=(addr(C["VGATE_RULE_A_LOCAL_END"], "9.0.0.0"),)),
                 errno.EINVAL, "range ends before")
    expect_error(g, "net and range at once", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, extra=(addr(C["VGATE_RULE_A_LOCAL_END"], "10.1.0.9"),)),
                 errno.EINVAL, "not both")
    expect_error(g, "IPv6 range end in an IPv4 rule", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("rplen",),
                      extra=(addr6(C["VGATE_RULE_A_REMOTE_END"], "fd00::1"),)),
                 errno.EINVAL, "length does not match")
    expect_error(g, "IPv6 entry with an IPv4 local address", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("family", "lplen", "remote", "rplen"),
                      extra=(u16(C["VGATE_RULE_A_FAMILY"], socket.AF_INET6),)),
                 errno.EINVAL, "length does not match")
    expect_error(g, "unknown rule flag", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, extra=(u32(C["VGATE_RULE_A_FLAGS"], 1 << 7),)))
    expect_error(g, "SPI_OUT without SPI_IN", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("spi_in",)), errno.EINVAL, "together")
    expect_error(g, "batch of rules with a duplicate adds none of them",
                 "VGATE_CMD_RULE_NEW",
                 rule(rid=20, action="VGATE_ACTION_DROP",
                      drop=("peer", "spi_out", "spi_in")) +
                 rule(rid=21, action="VGATE_ACTION_DROP",
                      drop=("peer", "spi_out", "spi_in")) + rule(),
                 errno.EEXIST, "exists", want_offs=False)
    expect_error(g, "duplicate peer ID", "VGATE_CMD_PEER_NEW",
                 peer(name=b"other"), errno.EEXIST, "exists", want_offs=False)
    expect_error(g, "duplicate peer name", "VGATE_CMD_PEER_NEW",
                 peer(pid=2), errno.EEXIST, "name exists", want_offs=False)
    expect_error(g, "peer name with a space", "VGATE_CMD_PEER_NEW",
                 peer(pid=2, name=b"a b"), errno.EINVAL, "letters")
    expect_error(g, "peer address of the wrong family", "VGATE_CMD_PEER_NEW",
                 peer(pid=2, name=b"p6", family=socket.AF_INET6),
                 errno.EINVAL, "length does not match")
    expect_error(g, "peer without address", "VGATE_CMD_PEER_NEW",
                 peer(pid=2, name=b"p2", drop=("addr",)), errno.EINVAL,
                 want_miss="VGATE_PEER_A_ADDR")
    expect_error(g, "peer admin status 9", "VGATE_CMD_PEER_NEW",
                 peer(pid=2, name=b"p2", extra=(u8(C["VGATE_PEER_A_ADMIN"], 9),)))
    expect_error(g, "delete of a peer with a traffic list", "VGATE_CMD_PEER_DEL",
                 nest(C["VGATE_A_PEER"], nla(C["VGATE_PEER_A_NAME"], b"gwB\0")),
                 errno.EBUSY, "not empty", want_offs=False)
    expect_error(g, "commit without a transaction", "VGATE_CMD_TXN_COMMIT", b"",
                 errno.ENOENT, "no open transaction", want_offs=False)
    g2 = v.Genl()
    g2.do("VGATE_CMD_TXN_BEGIN")
    g2.do("VGATE_CMD_RULE_NEW", rule(rid=12, action="VGATE_ACTION_DROP",
                                     drop=("peer", "spi_out", "spi_in")))
    expect_error(g, "change while another socket has a transaction",
                 "VGATE_CMD_RULE_NEW",
                 rule(rid=13, action="VGATE_ACTION_DROP",
                      drop=("peer", "spi_out", "spi_in")),
                 errno.EBUSY, "another socket", want_offs=False)
    g2.close()
    tap(len(snapshot(g)[1]) == 1,
        "netlink_errors a transaction dies with its socket")
    expect_error(g, "pass rule with SPIs", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, action="VGATE_ACTION_PASS"), errno.EINVAL,
                 "only PROTECT")
    expect_error(g, "unknown rule action", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("action",),
                      extra=(u8(C["VGATE_RULE_A_ACTION"], 9),)))
    expect_error(g, "rule ID 0", "VGATE_CMD_RULE_NEW",
                 rule(drop=("id",), extra=(u32(C["VGATE_RULE_A_ID"], 0),)))
    expect_error(g, "duplicate rule ID", "VGATE_CMD_RULE_NEW", rule(),
                 errno.EEXIST, "exists", want_offs=False)
    expect_error(g, "delete of a missing rule", "VGATE_CMD_RULE_DEL",
                 nest(C["VGATE_A_RULE"], u32(C["VGATE_RULE_A_ID"], 99)),
                 errno.ENOENT, want_offs=False)

    # IPComp (PROTO 108): SA attributes, rule CPIs, the peer option
    comp = u8(C["VGATE_SA_A_PROTO"], 108)  # IPPROTO_COMP
    expect_error(g, "IPComp SA with an encryption algorithm", "VGATE_CMD_SA_NEW",
                 sa(spi=0x3001, drop=("key",), extra=(comp,)), errno.EINVAL,
                 "an IPComp SA takes no keys")
    expect_error(g, "IPComp SA with a replay window", "VGATE_CMD_SA_NEW",
                 sa(spi=0x3001, drop=("enc", "key"),
                    extra=(comp, u32(C["VGATE_SA_A_REPLAY_WINDOW"], 64))),
                 errno.EINVAL, "an IPComp SA takes no keys")
    expect_error(g, "IPComp CPI above 65535", "VGATE_CMD_SA_NEW",
                 sa(spi=0x13001, drop=("enc", "key"), extra=(comp,)),
                 errno.EINVAL, "CPI is 256..65535")
    expect_error(g, "IPComp CPI 2 (well-known)", "VGATE_CMD_SA_NEW",
                 sa(spi=2, drop=("enc", "key"), extra=(comp,)),
                 errno.EINVAL, "reserved")
    expect_error(g, "IPComp algorithm 2", "VGATE_CMD_SA_NEW",
                 sa(spi=0x3001, drop=("enc", "key"),
                    extra=(comp, u16(C["VGATE_SA_A_COMP"], 2))))
    expect_error(g, "ESP SA with a compression algorithm", "VGATE_CMD_SA_NEW",
                 sa(spi=0x1001, extra=(u16(C["VGATE_SA_A_COMP"],
                                           C["VGATE_COMP_DEFLATE"]),)),
                 errno.EINVAL, "only IPComp SAs")
    cpis = (u16(C["VGATE_RULE_A_CPI_OUT"], 0x3001),
            u16(C["VGATE_RULE_A_CPI_IN"], 0x4001))
    expect_error(g, "rule with CPI_OUT only", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, extra=cpis[:1]), errno.EINVAL,
                 "CPI_OUT and CPI_IN go together")
    expect_error(g, "rule with CPI 255", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, extra=(u16(C["VGATE_RULE_A_CPI_OUT"], 255),
                                     cpis[1])))
    expect_error(g, "rule with CPIs but no SPIs", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("spi_out", "spi_in"), extra=cpis),
                 errno.EINVAL, "CPIs need SPI_OUT")
    expect_error(g, "pass rule with CPIs", "VGATE_CMD_RULE_NEW",
                 rule(rid=11, action="VGATE_ACTION_PASS",
                      drop=("spi_out", "spi_in"), extra=cpis),
                 errno.EINVAL, "only PROTECT entries take CPIs")
    expect_error(g, "peer IPCOMP 4", "VGATE_CMD_PEER_NEW",
                 peer(pid=5, name=b"gwE", extra=(u8(C["VGATE_PEER_A_IPCOMP"], 4),)))
    expect_error(g, "peer set to ipcomp force while its entry has no CPIs",
                 "VGATE_CMD_PEER_SET",
                 peer(extra=(u8(C["VGATE_PEER_A_IPCOMP"],
                                C["VGATE_IPCOMP_FORCE"]),)),
                 errno.EINVAL, "ipcomp force")
    g.do("VGATE_CMD_PEER_NEW", peer(pid=6, name=b"nocomp", address="192.0.2.6",
                                    extra=(u8(C["VGATE_PEER_A_IPCOMP"],
                                              C["VGATE_IPCOMP_NO"]),)))
    expect_error(g, "entry with CPIs for a peer with ipcomp no",
                 "VGATE_CMD_RULE_NEW",
                 rule(rid=11, drop=("peer",),
                      extra=(nla(C["VGATE_RULE_A_PEER_NAME"], b"nocomp\0"),) + cpis),
                 errno.EINVAL, "ipcomp no")
    g.do("VGATE_CMD_PEER_DEL", nest(C["VGATE_A_PEER"], u32(C["VGATE_PEER_A_ID"], 6)))

    expect_error(g, "knob replay_window 5000", "VGATE_CMD_CONFIG_SET",
                 nest(C["VGATE_A_CONFIG"],
                      u32(C["VGATE_CFG_A_MAX_SAS"], 10),
                      u32(C["VGATE_CFG_A_REPLAY_WINDOW"], 5000)),
                 errno.ERANGE, "range")
    expect_error(g, "knob max_sas 0", "VGATE_CMD_CONFIG_SET",
                 nest(C["VGATE_A_CONFIG"], u32(C["VGATE_CFG_A_MAX_SAS"], 0)),
                 errno.ERANGE, "range")

    # max_sas is enforced, and the refused SA leaves the table unchanged
    g.do("VGATE_CMD_CONFIG_SET",
         nest(C["VGATE_A_CONFIG"], u32(C["VGATE_CFG_A_MAX_SAS"], 1)))
    expect_error(g, "SA beyond max_sas", "VGATE_CMD_SA_NEW", sa(spi=0x1001),
                 errno.ENOSPC, "max_sas", want_offs=False)

    # sysfs knobs: same validation, and they act on the writer's namespace
    knob = "/sys/kernel/vgate/replay_window"
    with open(knob, "w") as f:
        f.write("128\n")
    try:
        with open(knob, "w") as f:
            f.write("5000\n")
        refused = False
    except OSError:
        refused = True
    value = open(knob).read().strip()
    tap(refused and value == "128",
        "netlink_errors sysfs refuses replay_window 5000 and keeps 128",
        "refused=%s value=%s" % (refused, value))
    try:
        with open("/sys/kernel/vgate/drop_log", "w") as f:
            f.write("12\n")
        refused = False
    except OSError:
        refused = True
    tap(refused and open("/sys/kernel/vgate/drop_log").read().strip() == "0",
        "netlink_errors sysfs drop_log refuses 12 like netlink does")
    cfg = v.parse_attrs(v.parse_attrs(g.do("VGATE_CMD_CONFIG_GET")[0][1])[C["VGATE_A_CONFIG"]])
    rw = struct.unpack("=I", cfg[C["VGATE_CFG_A_REPLAY_WINDOW"]])[0]
    tap(rw == 128, "netlink_errors sysfs and netlink show the same knob",
        "netlink says %d" % rw)

    sas, rules, _, _ = snapshot(g)
    tap(len(sas) == 1 and len(rules) == 1,
        "netlink_errors tables hold only the valid SA and rule",
        "%d SAs, %d rules" % (len(sas), len(rules)))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
