#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seed inputs for the CLI's fuzz targets, written under OUT/NAME/ (one
file each).  Put them where make fuzz-merge takes them from, and it
keeps the ones that add coverage (-merge=1) in fuzz/corpus/NAME/:

  python3 fuzz/mkseeds.py fuzz/work && make fuzz-merge     (from cli/)

cmdline, complete, config: the vgate command lines of selftests/*.sh,
the Documentation, the README and tests/run.sh, shell variables replaced
by plausible values; config also gets each script's commands as one file.
values: tokens for each value parser.  reply: kernel replies built with
selftests/tools/vgatenl.py's helpers (enum values from the UAPI header),
their requests numbered as libvgate's receive hook numbers them.
events: ACQUIRE and SA_EXPIRE events, alone and several in a datagram.
"""
import glob
import hashlib
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "../.."))
sys.path.insert(0, os.path.join(REPO, "selftests/tools"))
import vgatenl as V  # noqa: E402

C = V.C
OUT = sys.argv[1]

K16 = "000102030405060708090a0b0c0d0e0f"
VARS = {
    "K16": K16, "K20": K16 + "10111213", "K24": K16 + "0001020304050607",
    "K32": K16 * 2, "K36": K16 * 2 + "10111213", "K64": K16 * 4,
    "K_AB": "0x" + K16 + "10111213", "K_BA": "0x" + K16 + "14151617",
}
ADDRS = ["192.0.2.1", "192.0.2.2", "10.1.0.0/24", "10.2.0.0/24",
         "2001:db8::1", "198.51.100.2"]


def subst(s):
    def var(m):
        name = m.group(1) or m.group(2)
        if name in VARS:
            return VARS[name]
        if re.search(r"spi|SPI", name):
            return "0x1000"
        if re.search(r"key|KEY", name):
            return VARS["K20"]
        if re.search(r"^(o|i)?[ab]$|addr|ip|gw|src|dst|net", name):
            return ADDRS[len(name) % len(ADDRS)]
        if name in ("mode",):
            return "tunnel"
        return "1"
    s = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|\$\(([^)]*)\)", var, s)
    return s


START = re.compile(r"(?:^|[\s\"'(])((?:-j )?(?:ipsec|bm|ip arp|config) .*)$")


def commands(path):
    text = open(path, errors="replace").read()
    text = re.sub(r"\\\n\s*", " ", text)
    out = []
    for line in text.split("\n"):
        if not re.search(r"vgate|\bvg\b|\$V\b|\$VGATE|request|expect|"
                         r"^\s*(ipsec|bm|ip arp|config) ", line):
            continue
        m = START.search(line)
        if not m:
            continue
        cmd = m.group(1)
        cmd = re.split(r"\s(?:\||>|2>|&&|\|\||;|--\s)|`|\)\s*$|\s#\s", cmd)[0]
        cmd = subst(cmd).strip().rstrip("\"'")
        if cmd.startswith("-j "):
            cmd = cmd[3:]
        if 6 <= len(cmd) <= 400:
            out.append(cmd)
    return out


def put(name, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb").write(data)


sources = (sorted(glob.glob(os.path.join(REPO, "selftests/*.sh"))) +
           sorted(glob.glob(os.path.join(REPO, "Documentation/*.md"))) +
           [os.path.join(REPO, "README.md"),
            os.path.join(REPO, "cli/tests/run.sh")])
allcmds = []
for src in sources:
    cmds = commands(src)
    allcmds += cmds
    if cmds:
        put("config", "# " + os.path.basename(src) + "\n" +
            "\n".join(dict.fromkeys(cmds)) + "\n")
for cmd in dict.fromkeys(allcmds):
    put("cmdline", cmd)
    words = cmd.split(" ")
    for i in range(1, len(words) + 1, 2):
        put("complete", b"\x00" + " ".join(words[:i]).encode() + b" ")
put("complete", b"\x01")
put("complete", b"\x01ip arp ackGratuitous interface ")

# values: selector byte (fuzz_values.c's table order), then the token
VALUES = [
    ["0", "4096", "0x1000", "0xffffffffffffffff", "18446744073709551615"],
    ["192.0.2.1", "2001:db8::1", "::ffff:10.0.0.1", "10.1.0.0/16",
     "2001:db8::/32", "0.0.0.0/0"],
    ["any", "10.1.0.0/16", "10.1.0.1-10.1.0.99", "2001:db8::1-2001:db8::9",
     "192.0.2.1", "::/0"],
    ["500", "1000-2000", "0-65535"],
    ["0x" + VARS["K20"], VARS["K64"]],
    ["branch1", "gw-B.1", "eth0", "on", "LAN to HQ"],
    ["100k", "1.5m", "10m", "1g", "2500bps", "64000bit"],
    ["branch B", "LAN to \"HQ\"", "a\\b", "#1", "?", ""],
]
for sel, toks in enumerate(VALUES):
    for t in toks:
        put("values", bytes([sel]) + t.encode())

# reply: the command byte of fuzz_reply.c, then datagrams (u16 length)
NLMSG_ERROR, NLMSG_DONE, NLM_F_MULTI = 2, 3, 2


def msg(mtype, payload, flags=0, seq=1):
    return struct.pack("=IHHII", 16 + len(payload), mtype, flags, seq, 0) + \
        payload


def genl(cmd, *attrs, multi=True):
    return msg(0x20, struct.pack("=BBH", cmd, 1, 0) + b"".join(attrs),
               NLM_F_MULTI if multi else 0)


def done():
    return msg(NLMSG_DONE, struct.pack("=i", 0), NLM_F_MULTI)


def ack(err=0, extack=b""):
    req = struct.pack("=IHHII", 20, 0x20, 5, 1, 0)
    return msg(NLMSG_ERROR, struct.pack("=i", err) + req + extack,
               0x100 if err == 0 else (0x200 if extack else 0))


def renumber(msgs):
    """libvgate numbers the requests of an input 1, 2, ... (its receive
    hook) and takes an answer only for the request whose number it
    carries: each answer ends with NLMSG_ERROR or NLMSG_DONE."""
    out, seq = [], 1
    for m in msgs:
        off, b = 0, bytearray(m)
        while off + 16 <= len(b):
            mlen, mtype = struct.unpack_from("=IH", b, off)
            struct.pack_into("=I", b, off + 8, seq)
            if mtype in (NLMSG_ERROR, NLMSG_DONE):
                seq += 1
            off += (max(mlen, 16) + 3) & ~3
        out.append(bytes(b))
    return out


def dgrams(*msgs):
    return b"".join(struct.pack("<H", len(m)) + m for m in renumber(msgs))


def a(name):
    return C[name]


def ip4(s):
    return bytes(int(x) for x in s.split("."))


sa = V.nest(a("VGATE_A_SA"),
            V.u32(a("VGATE_SA_A_SPI"), 0x1000),
            V.u8(a("VGATE_SA_A_PROTO"), 50),
            V.u16(a("VGATE_SA_A_FAMILY"), 2),
            V.nla(a("VGATE_SA_A_SRC"), ip4("192.0.2.1")),
            V.nla(a("VGATE_SA_A_DST"), ip4("192.0.2.2")),
            V.u8(a("VGATE_SA_A_MODE"), a("VGATE_MODE_TUNNEL")),
            V.u16(a("VGATE_SA_A_ENC"), a("VGATE_ENC_AES_GCM_16")),
            V.u16(a("VGATE_SA_A_AUTH"), a("VGATE_AUTH_NONE")),
            V.u32(a("VGATE_SA_A_REPLAY_WINDOW"), 64),
            V.u64(a("VGATE_SA_A_SEQ"), 7),
            V.nest(a("VGATE_SA_A_LIFETIME"),
                   V.u64(a("VGATE_LT_A_HARD_SECONDS"), 3600)),
            V.nest(a("VGATE_SA_A_STATS"),
                   V.u64(a("VGATE_SA_STATS_A_PACKETS"), 7),
                   V.u64(a("VGATE_SA_STATS_A_BYTES"), 588)),
            V.nest(a("VGATE_SA_A_ENCAP"),
                   V.u16(a("VGATE_ENCAP_A_SPORT"), 4500),
                   V.u16(a("VGATE_ENCAP_A_DPORT"), 4500)))
rule = V.nest(a("VGATE_A_RULE"),
              V.u32(a("VGATE_RULE_A_ID"), 10),
              V.u16(a("VGATE_RULE_A_FAMILY"), 2),
              V.u8(a("VGATE_RULE_A_STAGE"), a("VGATE_STAGE_PEER")),
              V.nla(a("VGATE_RULE_A_PEER_NAME"), b"branch1\0"),
              V.nla(a("VGATE_RULE_A_LOCAL"), ip4("10.1.0.0")),
              V.u8(a("VGATE_RULE_A_LOCAL_PLEN"), 16),
              V.nla(a("VGATE_RULE_A_REMOTE"), ip4("10.2.0.1")),
              V.nla(a("VGATE_RULE_A_REMOTE_END"), ip4("10.2.0.9")),
              V.u8(a("VGATE_RULE_A_PROTO"), 6),
              V.u16(a("VGATE_RULE_A_RPORT_MIN"), 8000),
              V.u16(a("VGATE_RULE_A_RPORT_MAX"), 8080),
              V.u8(a("VGATE_RULE_A_ACTION"), a("VGATE_ACTION_PROTECT")),
              V.u32(a("VGATE_RULE_A_SPI_OUT"), 0x1000),
              V.u32(a("VGATE_RULE_A_SPI_IN"), 0x2000),
              V.nla(a("VGATE_RULE_A_DESCR"), b"LAN to \"HQ\"\0"),
              V.nest(a("VGATE_RULE_A_STATS"),
                     V.u64(a("VGATE_RULE_STATS_A_PACKETS_OUT"), 7)))
peer = V.nest(a("VGATE_A_PEER"),
              V.u32(a("VGATE_PEER_A_ID"), 1),
              V.nla(a("VGATE_PEER_A_NAME"), b"branch1\0"),
              V.nla(a("VGATE_PEER_A_DESCR"), b"Branch office 1\0"),
              V.u16(a("VGATE_PEER_A_FAMILY"), 2),
              V.nla(a("VGATE_PEER_A_ADDR"), ip4("198.51.100.2")),
              V.nla(a("VGATE_PEER_A_HOSTNAME"), b"gw.example\0"),
              V.u8(a("VGATE_PEER_A_ADMIN"), a("VGATE_PEER_ADMIN_UP")),
              V.u8(a("VGATE_PEER_A_OPER"), a("VGATE_PEER_OPER_UP")),
              V.u32(a("VGATE_PEER_A_ENTRIES"), 2))
cfg = V.nest(a("VGATE_A_CONFIG"),
             V.u32(a("VGATE_CFG_A_REPLAY_WINDOW"), 64),
             V.u32(a("VGATE_CFG_A_MAX_SAS"), 1024),
             V.u8(a("VGATE_CFG_A_DROP_LOG"), 1),
             V.u8(a("VGATE_CFG_A_POST_DEFAULT"), a("VGATE_ACTION_DROP")))
stats = V.nest(a("VGATE_A_STATS"),
               *[V.u64(i, i * 10) for i in range(1, 8)])
verdict = V.nest(a("VGATE_A_VERDICT"),
                 V.u8(a("VGATE_VERDICT_A_ACTION"), a("VGATE_ACTION_PROTECT")),
                 V.u32(a("VGATE_VERDICT_A_RULE_ID"), 10),
                 V.u8(a("VGATE_VERDICT_A_STAGE"), a("VGATE_STAGE_PEER")),
                 V.nla(a("VGATE_VERDICT_A_PEER_NAME"), b"branch1\0"))
gcfg = V.nest(a("VGATE_GARP_A_GLOBAL"),
              V.u8(a("VGATE_GARP_CFG_A_ACTIVE"), 1),
              V.u32(a("VGATE_GARP_CFG_A_RATE_LIMIT"), 10),
              V.u32(a("VGATE_GARP_CFG_A_VERIFY_TIMEOUT"), 500))
gif = V.nest(a("VGATE_GARP_A_IF"),
             V.u32(a("VGATE_GARP_IF_A_IFINDEX"), 2),
             V.nla(a("VGATE_GARP_IF_A_IFNAME"), b"eth0\0"),
             V.u8(a("VGATE_GARP_IF_A_ACTIVE"), 1),
             V.u32(a("VGATE_GARP_IF_A_RATE_LIMIT"), 20))
bif = V.nest(a("VGATE_BWM_A_IF"),
             V.nla(a("VGATE_BWM_IF_A_IFNAME"), b"eth0\0"),
             V.u8(a("VGATE_BWM_IF_A_ENABLED"), 1),
             V.u64(a("VGATE_BWM_IF_A_RATE"), 10000000),
             V.u32(a("VGATE_BWM_IF_A_NUM_CLASSES"), 1))
bcls = V.nest(a("VGATE_BWM_A_CLASS"),
              V.u16(a("VGATE_BWM_CLASS_A_ID"), 1),
              V.u64(a("VGATE_BWM_CLASS_A_RATE"), 1000000),
              V.nla(a("VGATE_BWM_CLASS_A_NAME"), b"voip\0"))
bflt = V.nest(a("VGATE_BWM_A_FILTER"),
              V.u16(a("VGATE_BWM_FILTER_A_ID"), 1),
              V.u16(a("VGATE_BWM_FILTER_A_CLASS"), 1),
              V.u8(a("VGATE_BWM_FILTER_A_PROTO"), 17),
              V.nla(a("VGATE_BWM_FILTER_A_SRC_MIN"), ip4("10.0.0.0")),
              V.nla(a("VGATE_BWM_FILTER_A_SRC_MAX"), ip4("10.0.0.255")),
              V.u16(a("VGATE_BWM_FILTER_A_DPORT_MIN"), 5060),
              V.u16(a("VGATE_BWM_FILTER_A_DPORT_MAX"), 5060))
extack = (V.nla(1, b"bad SPI\0") +
          V.u32(2, 16 + 4 + 4 + 4))    # NLMSGERR_ATTR_MSG, _OFFS
sets = {
    0: [genl(1, sa), genl(1, sa), done(), genl(1, rule), done()],
    1: [genl(1, sa), done()],
    2: [genl(1, rule), done(), genl(1, peer), done()],
    3: [genl(1, peer), done()],
    4: [genl(1, peer, multi=False), ack()],
    5: [genl(1, stats, multi=False), ack()],
    7: [genl(1, cfg, multi=False), ack()],
    9: [genl(1, verdict, multi=False), ack()],
    10: [genl(1, cfg, multi=False), ack(), genl(1, peer), done(),
         genl(1, rule), done(), genl(1, gcfg, multi=False), ack(),
         genl(1, gif), done(), genl(1, bif), done()],
    11: [genl(1, gcfg, multi=False), ack(), genl(1, gif), done()],
    13: [genl(1, gcfg, multi=False), ack()],
    14: [genl(1, gif, multi=False), ack()],
    15: [genl(1, bif), done()],
    16: [genl(1, bif, bcls), done()],
    17: [genl(1, bif, bflt), done()],
    18: [ack(), genl(1, rule), done(), genl(1, peer), done()],
    19: [genl(1, peer, multi=False), ack(), ack(-22, extack)],
    20: [genl(1, peer), done(), ack()],
    21: [ack(-22, extack)],
    22: [ack(-95, V.nla(1, b"no such device\0"))],
    24: [ack(), ack(), ack(), ack(), ack(), ack(), ack(), ack(), ack(),
         genl(1, rule), done()],
}
for k, ms in sets.items():
    put("reply", bytes([k]) + dgrams(*ms))
    put("reply", bytes([k | 0x80]) + dgrams(*ms))
    put("reply", bytes([k]) + dgrams(b"".join(ms)))

# events: one datagram of ACQUIRE and SA_EXPIRE events (fuzz_events.c)
flow = V.nest(a("VGATE_A_FLOW"),
              V.u16(a("VGATE_FLOW_A_FAMILY"), 2),
              V.nla(a("VGATE_FLOW_A_SRC"), ip4("10.1.0.5")),
              V.nla(a("VGATE_FLOW_A_DST"), ip4("10.2.0.9")),
              V.u8(a("VGATE_FLOW_A_PROTO"), 6),
              V.u16(a("VGATE_FLOW_A_SPORT"), 40000),
              V.u16(a("VGATE_FLOW_A_DPORT"), 22))
erule = V.nest(a("VGATE_A_RULE"),
               V.u32(a("VGATE_RULE_A_ID"), 10),
               V.u8(a("VGATE_RULE_A_STAGE"), a("VGATE_STAGE_PEER")),
               V.nla(a("VGATE_RULE_A_PEER_NAME"), b"branch1\0"),
               V.u32(a("VGATE_RULE_A_REQID"), 7)
               if "VGATE_RULE_A_REQID" in C else b"")
epeer = V.nest(a("VGATE_A_PEER"),
               V.u32(a("VGATE_PEER_A_ID"), 1),
               V.nla(a("VGATE_PEER_A_NAME"), b"branch1\0"),
               V.u16(a("VGATE_PEER_A_FAMILY"), 2),
               V.nla(a("VGATE_PEER_A_ADDR"), ip4("198.51.100.2")))
esa = V.nest(a("VGATE_A_SA"),
             V.u32(a("VGATE_SA_A_SPI"), 0x1000),
             V.u16(a("VGATE_SA_A_FAMILY"), 2),
             V.nla(a("VGATE_SA_A_DST"), ip4("192.0.2.2")),
             V.u32(a("VGATE_SA_A_REQID"), 7),
             V.u8(a("VGATE_SA_A_EXPIRE_LIMIT"), a("VGATE_EXPIRE_BYTES")),
             V.u8(a("VGATE_SA_A_EXPIRE_HARD"), 1))
acq = genl(a("VGATE_CMD_ACQUIRE"), erule, epeer, flow, multi=False)
acq_nopeer = genl(a("VGATE_CMD_ACQUIRE"), erule, flow, multi=False)
exp = genl(a("VGATE_CMD_SA_EXPIRE"), esa, multi=False)
for ms in ([acq], [acq_nopeer], [exp], [acq, exp, acq_nopeer],
           [genl(a("VGATE_CMD_SA_NEW"), esa, multi=False), exp]):
    put("events", b"".join(ms))
