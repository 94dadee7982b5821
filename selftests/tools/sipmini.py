#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Just enough SIP (RFC 3261) over UDP, with SDP (RFC 4566) offer and
answer, to make the kernel's SIP conntrack helper expect the RTP stream
of a call, and the media itself.

  sipmini.py server ADDR MEDIA-PORT  answer INVITEs on ADDR:5060 with 200
                                     OK whose SDP puts the media on
                                     ADDR:MEDIA-PORT; count the media
                                     that arrives there and print
                                     "media N" per call at its BYE
  sipmini.py call HOST LOCAL BYTES   INVITE sip:test@HOST:5060 from a new
                                     port of LOCAL, take the answer's
                                     media address, ACK, send BYTES of
                                     RTP-sized datagrams (172 bytes each)
                                     to it from another new port, BYE;
                                     print "media HOST:PORT sent N"

Every call uses new ports, so each is a new conntrack entry: one made
while a helper was assigned keeps it for its lifetime.

nf_conntrack_sip (sip_direct_media=1, the default) expects RTP and RTCP
from the caller's address to the address and port of the answer's "c="
and "m=" lines when they name the answering side itself.
"""
import select
import socket
import sys
import time

RTP_LEN = 172		# 12-byte RTP header + 160 bytes of G.711, 20 ms


def sdp(addr, port):
    return ("v=0\r\n"
            f"o=- 1 1 IN IP4 {addr}\r\n"
            "s=vgate\r\n"
            f"c=IN IP4 {addr}\r\n"
            "t=0 0\r\n"
            f"m=audio {port} RTP/AVP 0\r\n"
            "a=rtpmap:0 PCMU/8000\r\n")


def message(first, headers, body=""):
    lines = [first] + headers
    if body:
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def headers_of(data):
    head = data.decode(errors="replace").split("\r\n\r\n", 1)[0]
    first, *rest = head.split("\r\n")
    h = {}
    for line in rest:
        k, _, v = line.partition(":")
        h[k.strip().lower()] = v.strip()
    return first, h, data.decode(errors="replace").split("\r\n\r\n", 1)[-1]


def server(addr, mport):
    sig = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sig.bind((addr, 5060))
    media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    media.bind((addr, mport))
    media.setblocking(False)
    got = 0
    while True:
        r, _, _ = select.select([sig, media], [], [])
        while True:	# what arrived before a BYE counts for its call
            try:
                got += len(media.recv(65535))
            except BlockingIOError:
                break
        if sig not in r:
            continue
        data, peer = sig.recvfrom(65535)
        first, h, _ = headers_of(data)
        method = first.split(" ", 1)[0]
        if method == "ACK":
            continue
        common = [f"Via: {h.get('via', '')}", f"From: {h.get('from', '')}",
                  f"To: {h.get('to', '')};tag=srv", f"Call-ID: {h.get('call-id', '')}",
                  f"CSeq: {h.get('cseq', '')}"]
        if method == "INVITE":
            sig.sendto(message("SIP/2.0 200 OK",
                               common + [f"Contact: <sip:test@{addr}:5060>"],
                               sdp(addr, mport)), peer)
        elif method == "BYE":
            sig.sendto(message("SIP/2.0 200 OK", common), peer)
            print(f"media {got}", flush=True)
            got = 0
        else:
            sig.sendto(message("SIP/2.0 501 Not Implemented", common), peer)


def call(host, local, size):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((local, 0))
    s.settimeout(10)
    sport = s.getsockname()[1]
    dest = (host, 5060)
    hdr = [f"Via: SIP/2.0/UDP {local}:{sport};branch=z9hG4bK-vgate1",
           "Max-Forwards: 70",
           f"From: <sip:caller@{local}>;tag=cli",
           f"To: <sip:test@{host}>",
           f"Call-ID: vgate-{time.monotonic_ns()}@{local}"]
    s.sendto(message(f"INVITE sip:test@{host} SIP/2.0",
                     hdr + ["CSeq: 1 INVITE", f"Contact: <sip:caller@{local}:{sport}>"],
                     sdp(local, 40010)), dest)
    first, h, body = headers_of(s.recv(65535))
    if not first.startswith("SIP/2.0 200"):
        sys.exit(f"INVITE answered {first!r}")
    maddr = mport = None
    for line in body.split("\r\n"):
        if line.startswith("c=IN IP4 "):
            maddr = line.split()[2]
        elif line.startswith("m=audio "):
            mport = int(line.split()[1])
    if not maddr or not mport:
        sys.exit("no media address in the answer")
    to = h.get("to", "")
    s.sendto(message(f"ACK sip:test@{host} SIP/2.0",
                     hdr[:3] + [f"To: {to}", hdr[4], "CSeq: 1 ACK"]), dest)
    m = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    m.bind((local, 0))
    payload = bytes(RTP_LEN)
    sent = 0
    while sent < size:
        m.sendto(payload, (maddr, mport))
        sent += RTP_LEN
    s.sendto(message(f"BYE sip:test@{host} SIP/2.0",
                     hdr[:3] + [f"To: {to}", hdr[4], "CSeq: 2 BYE"]), dest)
    first, _, _ = headers_of(s.recv(65535))
    if not first.startswith("SIP/2.0 200"):
        sys.exit(f"BYE answered {first!r}")
    print(f"media {maddr}:{mport} sent {sent}")


def main(a):
    if len(a) == 4 and a[1] == "server":
        server(a[2], int(a[3]))
    elif len(a) == 5 and a[1] == "call":
        call(a[2], a[3], int(a[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
