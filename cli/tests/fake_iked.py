#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fake_iked.py PATH ANSWER N: a stand-in for vgate-iked's control socket
(ike-helper/ctl.h) for the CLI's tests: listens on the UNIX socket PATH,
answers each of N connections with the file ANSWER after reading its
request line (appended to PATH.req), then exits.  Prints "ready" once it
listens."""
import os
import socket
import sys

path, answer, count = sys.argv[1], open(sys.argv[2], "rb").read(), int(sys.argv[3])
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(4)
print("ready", flush=True)
for _ in range(count):
    c, _ = s.accept()
    req = b""
    while not req.endswith(b"\n"):
        b = c.recv(256)
        if not b:
            break
        req += b
    with open(path + ".req", "ab") as f:
        f.write(req)
    c.sendall(answer)
    c.close()
os.unlink(path)
