#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Type KEYS into the interactive vgate shell through a pty; print what the
terminal showed (CRs removed), then the shell is told to quit.

    cli_pty.py [--wait SECONDS] [--real] VGATE KEYS...
    cli_pty.py [--wait SECONDS] --checks VGATE

Reuses session() and the checks table from cli/tests/pty_test.py (the
CLI's offline pty test) instead of copying them: only its imports,
function definitions and the "checks" list are loaded, not its main loop.
session() runs the shell with VGATE_DRY_RUN=1; with --real, VGATE is
started through a wrapper that drops that variable, so the commands reach
the kernel module (selftests/cli_basics.sh).

--checks runs pty_test.py's own checks, with a per-key wait of SECONDS
(default 0.3, as pty_test.py): under emulation in the test VM the shell
may need longer than 0.3 s to start.

Exit status: 0 if the shell quit by itself (and with --checks, every check
passed), 1 otherwise.
"""
import ast
import os
import stat
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PTY_TEST = os.path.join(HERE, '..', '..', 'cli', 'tests', 'pty_test.py')


def load_session():
    with open(PTY_TEST) as f:
        tree = ast.parse(f.read(), PTY_TEST)
    keep = [n for n in tree.body
            if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))
            or (isinstance(n, ast.Assign) and
                [getattr(t, 'id', None) for t in n.targets] == ['checks'])]
    mod = ast.Module(body=keep, type_ignores=[])
    ns = {'__name__': 'pty_test'}
    exec(compile(mod, PTY_TEST, 'exec'), ns)
    return ns


def run_checks(ns, wait):
    bad = 0
    for keys, want in ns['checks']:
        t = ns['session'](keys, wait)
        for w in ns['failures'](t, want):
            print('pty: keys %r: %r %s in:\n%s' %
                  (keys, w, 'found' if w.startswith('!') else 'missing', t))
            bad += 1
    print('pty_test.py checks: %d, failed: %d' % (len(ns['checks']), bad))
    return 1 if bad else 0


def main(argv):
    wait = 0.3
    real = False
    checks = False
    while argv and argv[0].startswith('--'):
        if argv[0] == '--wait':
            wait = float(argv[1])
            argv = argv[2:]
        elif argv[0] == '--real':
            real = True
            argv = argv[1:]
        elif argv[0] == '--checks':
            checks = True
            argv = argv[1:]
        else:
            sys.exit('cli_pty.py: unknown option ' + argv[0])
    if not argv:
        sys.exit(__doc__)
    vgate, keys = os.path.abspath(argv[0]), argv[1:]
    ns = load_session()
    if checks:
        ns['VGATE'] = vgate
        try:
            return run_checks(ns, wait)
        except SystemExit as e:
            print('cli_pty.py: %s' % e)
            return 1
    tmp = None
    if real:
        tmp = tempfile.mkdtemp()
        wrapper = os.path.join(tmp, 'vgate-real')
        with open(wrapper, 'w') as f:
            f.write('#!/bin/sh\nunset VGATE_DRY_RUN\nexec "%s" "$@"\n' % vgate)
        os.chmod(wrapper, stat.S_IRWXU)
        vgate = wrapper
    ns['VGATE'] = vgate
    try:
        sys.stdout.write(ns['session'](keys, wait))
    except SystemExit as e:
        print('cli_pty.py: %s' % e)
        return 1
    finally:
        if tmp:
            os.unlink(wrapper)
            os.rmdir(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
