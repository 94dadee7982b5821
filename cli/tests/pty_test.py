#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Drive the interactive shell through a pty: TAB completion, '?', Ctrl-C
and Ctrl-D."""
import os, pty, select, sys, time

VGATE = sys.argv[1] if len(sys.argv) > 1 else './vgate'


def session(keys, wait=0.3):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ['VGATE_DRY_RUN'] = '1'
        os.environ['TERM'] = 'dumb'
        os.environ['INPUTRC'] = '/dev/null'
        os.execv(VGATE, [VGATE])
    out = b''

    def rd(t):
        nonlocal out
        end = time.time() + t
        while time.time() < end:
            r, _, _ = select.select([fd], [], [], 0.05)
            if r:
                try:
                    d = os.read(fd, 4096)
                except OSError:
                    return
                if not d:
                    return
                out += d
    # Until the first prompt (a loaded machine may take seconds to start
    # the shell; a Ctrl-C before readline runs would end it), then wait.
    end = time.time() + 20
    while b'vgate> ' not in out and time.time() < end:
        rd(0.05)
    rd(wait)
    for k in keys:
        before = len(out)
        os.write(fd, k.encode())
        # Typed text: wait for readline's echo before the next key. A
        # Ctrl-C flushes the tty's unread input, so on a loaded machine a
        # fixed pause let it overtake the text typed before it.
        text = k.rstrip('\n')
        if text.isprintable() and '?' not in text:
            end = time.time() + 20
            while text.encode() not in out[before:] and time.time() < end:
                rd(0.05)
        rd(wait)
    try:
        os.write(fd, b'\x15quit\n')
        # Until the shell has gone (EOF): what the last key printed may
        # still be on its way on a loaded machine (a fixed pause lost a
        # completion's output under two VMs).
        rd(20)
    except OSError:
        pass
    for _ in range(40):
        p, _ = os.waitpid(pid, os.WNOHANG)
        if p:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise SystemExit('shell did not quit')
    return out.decode(errors='replace').replace('\r', '')


def failures(t, want):
    """The items of want that t breaks: a substring t must contain, or,
    written "!TEXT", one it must not contain."""
    return [w for w in want
            if (w[1:] in t if w.startswith('!') else w not in t)]


checks = [
    # (keys, substrings the transcript must contain; "!TEXT": must not)
    (['ipsec sa a\t'], ['ipsec sa add ']),
    (['ips\t'], ['ipsec ']),
    (['ipsec \t\t'], ['dropLog', 'replayWindow', 'maxSas', 'show']),
    (['ipsec sa add 4096 enc aes1\t\t'], ['aes128-cbc', 'aes128-gcm', 'aes192-cbc']),
    (['ipsec sa add 4096 enc ?'], ['chacha20-poly1305', '3des-cbc', 'vgate> ipsec sa add 4096 enc ']),
    (['ipsec sa add 4096 mode tr\t'], ['mode transport ']),
    (['ipsec dropLog o\t\t'], ['on', 'off']),
    (['ipsec rule add 1 action p\t\t'], ['pass', 'protect']),
    (['ipsec ru?'], ['rules: pre, traffic list entries, post']),
    (['ipsec pe\t'], ['ipsec peer ']),
    (['ipsec peer \t\t'], ['add', 'block', 'del', 'flush', 'set']),
    (['ipsec rule add 1 p\t\t'], ['pre', 'peer', 'post', 'proto']),
    (['ipsec rule add 1 local ?'], ['any', '<RANGE>']),
    (['ipsec peer add b1 admin ?'], ['up', 'down', 'dialup']),
    (['ipsec explain 10.0.0.1 10.0.0.2 ?'], ['proto', 'sport', 'dport', ' in ', ' out ']),
    (['ipsec postDefault ?'], ['pass', 'drop']),
    (['ipsec sw\t'], ['ipsec swSkipOverlapIp ']),
    (['config s\t\t'], ['save', 'show']),
    (['ipsec show sad\n'], ['SA_GET dump']),
    (['ip ar\t'], ['ip arp ']),
    (['ip arp ack\t'], ['ip arp ackGratuitous ']),
    (['ip arp ackGratuitous \t\t'], ['active', 'forceUpdate', 'rateLimit', 'verifyTimeout', 'interface']),
    (['ip arp ackGratuitous f\t'], ['ip arp ackGratuitous forceUpdate ']),
    (['ip arp ackGratuitous active ?'], ['yes', 'no', 'vgate> ip arp ackGratuitous active ']),
    (['ip arp ackGratuitous interface ?'], ['<IF>']),
    (['ip arp ackGratuitous interface lan r\t'], ['interface lan rateLimit ']),
    (['ip arp ackGratuitous interface lan active i\t'], ['active inherit ']),
    (['ip arp show i\t'], ['ip arp show interface ']),
    (['ip arp ackGratuitous interface lan active yes\n'], ['GARP_SET', 'IFNAME str "lan"']),
    (['ip arp ackGratuitous rateLimit 10001\n'], ['bad rateLimit "10001" (expected 0..10000)']),
    (['ipsec sa del 12 dst 192.0.2.1\n'], ['bad SPI "12"']),
    # "help" in the shell: the commands (quit, exit among them), not
    # the program's usage with its options
    (['help\n'], ['Commands:', '  ipsec sa add SPI src ADDR', 'leave the shell',
                  '!Usage: vgate', '!-f FILE']),
    # "COMMAND help" as "COMMAND ?"
    (['ipsec sa help\n'], ['security association', '  flush ', '!Commands:']),
    # Ctrl-C drops the line being typed and gives a fresh prompt; the
    # shell goes on (the next command runs alone, not "flipsec ...")
    (['ipsec sa fl', '\x03', 'ipsec show sad\n'],
     ['vgate> ipsec sa fl^C\nvgate> ', 'SA_GET dump', '!SA_FLUSH', '!bad ']),
    (['\x03', '\x03', 'ipsec sa flush\n'],
     ['vgate> ^C\nvgate> ^C\nvgate> ', 'SA_FLUSH']),
    # ... and after it, Ctrl-D on the empty line still ends the shell:
    # the command typed next never runs
    (['ipsec sa', '\x03', '\x04', 'ipsec sa flush\n'],
     ['vgate> ipsec sa^C\nvgate> ', '!SA_FLUSH']),
]
bad = 0
for keys, want in checks:
    t = session(keys)
    for w in failures(t, want):
        print('pty: keys %r: %r %s in:\n%s' %
              (keys, w, 'found' if w.startswith('!') else 'missing', t))
        bad += 1
sys.exit(1 if bad else 0)
