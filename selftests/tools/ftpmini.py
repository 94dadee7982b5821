#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Just enough FTP (RFC 959) to make the kernel's FTP conntrack helper
expect a data connection, and a plain TCP/UDP sink and sender.

  ftpmini.py server ADDR               FTP on ADDR:21 (USER, PASS, TYPE,
                                       PASV, PORT, STOR, QUIT); prints
                                       "stored N" per upload
  ftpmini.py stor HOST pasv|port BYTES  log in, upload BYTES over a
                                       passive or active data connection
  ftpmini.py sink tcp|udp ADDR PORT    count what arrives (prints a total
                                       per connection, TCP)
  ftpmini.py send tcp|udp HOST PORT BYTES
"""
import socket
import sys
import threading


def reply(c, line):
    c.sendall((line + "\r\n").encode())


def lines(f):
    for raw in f:
        yield raw.decode(errors="replace").strip()


def serve_control(c, addr):
    f = c.makefile("rb")
    reply(c, "220 ftpmini")
    pasv = None
    port = None
    for line in lines(f):
        cmd, _, arg = line.partition(" ")
        cmd = cmd.upper()
        if cmd == "USER":
            reply(c, "331 password please")
        elif cmd == "PASS":
            reply(c, "230 logged in")
        elif cmd == "TYPE":
            reply(c, "200 type set")
        elif cmd == "PASV":
            pasv = socket.socket()
            pasv.bind((addr, 0))
            pasv.listen(1)
            p = pasv.getsockname()[1]
            reply(c, "227 Entering Passive Mode (%s,%d,%d)"
                  % (addr.replace(".", ","), p >> 8, p & 255))
        elif cmd == "PORT":
            h = arg.split(",")
            port = (".".join(h[:4]), int(h[4]) * 256 + int(h[5]))
            reply(c, "200 PORT ok")
        elif cmd == "STOR":
            reply(c, "150 send it")
            if pasv:
                d, _ = pasv.accept()
                pasv.close()
                pasv = None
            else:
                d = socket.create_connection(port, source_address=(addr, 20))
            n = 0
            while True:
                b = d.recv(65536)
                if not b:
                    break
                n += len(b)
            d.close()
            print("stored %d" % n, flush=True)
            reply(c, "226 done")
        elif cmd == "QUIT":
            reply(c, "221 bye")
            break
        else:
            reply(c, "502 no")
    c.close()


def server(addr):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, 21))
    s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve_control, args=(c, addr),
                         daemon=True).start()


def expect(f, code):
    line = next(lines(f))
    if not line.startswith(code):
        sys.exit("ftpmini: expected %s, got %r" % (code, line))
    return line


def stor(host, mode, size):
    c = socket.create_connection((host, 21))
    f = c.makefile("rb")
    expect(f, "220")
    for cmd, code in (("USER test", "331"), ("PASS test", "230"),
                      ("TYPE I", "200")):
        reply(c, cmd)
        expect(f, code)
    if mode == "pasv":
        reply(c, "PASV")
        line = expect(f, "227")
        h = line[line.index("(") + 1:line.index(")")].split(",")
        d = socket.create_connection((".".join(h[:4]),
                                      int(h[4]) * 256 + int(h[5])))
        reply(c, "STOR f")
        expect(f, "150")
    else:
        ls = socket.socket()
        ls.bind((c.getsockname()[0], 0))
        ls.listen(1)
        a, p = ls.getsockname()
        reply(c, "PORT %s,%d,%d" % (a.replace(".", ","), p >> 8, p & 255))
        expect(f, "200")
        reply(c, "STOR f")
        d, _ = ls.accept()
        ls.close()
        expect(f, "150")
    buf = b"x" * 65536
    left = size
    while left > 0:
        n = d.send(buf[:min(left, len(buf))])
        left -= n
    d.shutdown(socket.SHUT_WR)
    d.recv(1)
    d.close()
    expect(f, "226")
    reply(c, "QUIT")
    expect(f, "221")
    c.close()


def sink(proto, addr, port):
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, port))
        while True:
            s.recv(65536)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(8)
    while True:
        c, _ = s.accept()
        n = 0
        while True:
            b = c.recv(65536)
            if not b:
                break
            n += len(b)
        print("received %d" % n, flush=True)
        c.close()


def send(proto, host, port, size):
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(size // 1000):
            s.sendto(b"x" * 1000, (host, port))
        return
    s = socket.create_connection((host, port))
    s.sendall(b"x" * size)
    s.shutdown(socket.SHUT_WR)
    s.recv(1)
    s.close()


def main(a):
    if a[1] == "server":
        server(a[2])
    elif a[1] == "stor":
        stor(a[2], a[3], int(a[4]))
    elif a[1] == "sink":
        sink(a[2], a[3], int(a[4]))
    elif a[1] == "send":
        send(a[2], a[3], int(a[4]), int(a[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
