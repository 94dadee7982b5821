#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The documentation against the CLI's command table (no kernel needed).

  doc_test.py table VGATE      every command of the table ("vgate complete
                               --commands") is in cli-reference.md and in
                               vgate(8); every command the docs name (in
                               code blocks, `code spans`, the man page's
                               .TP/.B lines and examples) is in the table
  doc_test.py examples VGATE   every example "vgate ..." line of the code
                               blocks of cli-reference.md, admin-guide.md,
                               README.md and the man pages' .EX blocks
                               parses:
                               "vgate --dry-run ARGS" exits 0, or, where the
                               doc shows the error it prints ("vgate: ..."
                               on the next line), prints exactly that
  doc_test.py live VGATE       (in the VM, the modules loaded, a dummy
                               interface "wan": selftests/doc_examples.sh)
                               each code block whose documented error
                               comes from the kernel is run for real, its
                               commands in order: each exits 0, or prints
                               the error the doc shows

Run from cli/.  Prints "ok N what" / "not ok N what" (TAP) and exits 1 on
any failure.  Paths may be overridden for the tests of this test:
DOC_REF, DOC_GUIDE, DOC_MAN8, DOC_MAN5, DOC_README.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
REF = os.environ.get("DOC_REF", os.path.join(ROOT, "Documentation/cli-reference.md"))
GUIDE = os.environ.get("DOC_GUIDE", os.path.join(ROOT, "Documentation/admin-guide.md"))
MAN8 = os.environ.get("DOC_MAN8", os.path.join(ROOT, "man/vgate.8"))
MAN5 = os.environ.get("DOC_MAN5", os.path.join(ROOT, "man/vgate.conf.5"))
README = os.environ.get("DOC_README", os.path.join(ROOT, "README.md"))

# First words of a command line that is not "vgate ..." (grammar lines,
# command files); "ip" only with "arp" (not "ip xfrm", "ip route").
GROUPS = ("ipsec", "bm", "config")
# Options of vgate; those taking a value.
OPTS = {"-j", "--json", "--dry-run", "-h", "--help", "-V", "--version"}
OPTS_ARG = {"-f", "--file", "-n", "--netns"}

n = 0
failed = 0


def result(good, what):
    global n, failed
    n += 1
    if not good:
        failed += 1
    print("%s %d %s" % ("ok" if good else "not ok", n, what))


def table(vgate):
    out = subprocess.run([vgate, "complete", "--commands"], capture_output=True,
                         text=True, check=True).stdout
    cmds = [tuple(l.split()) for l in out.splitlines() if l.strip()]
    if len(cmds) < 40:
        sys.exit("vgate complete --commands gave %d commands" % len(cmds))
    return cmds


def word_match(tw, w):
    return tw == w or (tw == "IF" and not w.startswith("["))


def word_prefix(tw, w):
    """As the CLI reads a keyword: any case, or a prefix of it."""
    return tw != "IF" and w[:1].isalpha() and tw.lower().startswith(w.lower())


def stop_word(w):
    """A placeholder or help word ends a command mention."""
    w = w.rstrip(",;.:)")
    return (w in ("", "?", "help", "|") or w.startswith("[") or
            w.startswith("-") or
            w.startswith("<") or w.endswith("...") or
            (w.isupper() and len(w) > 1 and w not in ("IF",)))


def resolve(cmds, words):
    """The table commands a mention names: (set of commands, error or None).

    Words may hold alternatives (add|set|del).  A mention that stops at a
    placeholder or ends early names a group (no command, no error); one
    whose words match no command is an error naming them.
    """
    found, errs = set(), []

    def walk(i, cands, best):
        if i < len(words) and "|" in words[i] and words[i] != "|" and \
           not any(len(c) > i and c[i] == words[i] for c in cands):
            for alt in words[i].split("|"):
                if alt:
                    walk_alt(i, cands, best, alt)
            return
        walk_alt(i, cands, best, words[i] if i < len(words) else None)

    def walk_alt(i, cands, best, w):
        # Not a command: "vgate VERSION", "vgate [-j] ...", "vgate 0.1.0".
        if i == 0 and w is not None and (not w[:1].isalpha() or w.isupper()):
            w = None
        if w is None or (i > 0 and stop_word(w)):
            if best:
                found.add(best)
            return
        nxt = [c for c in cands if len(c) > i and word_match(c[i], w)]
        if not nxt:     # a word given in full wins over longer ones
            nxt = [c for c in cands if len(c) > i and word_prefix(c[i], w)]
        exact = [c for c in nxt if len(c) == i + 1]
        if exact:
            best = exact[0]
        if not nxt or (exact and len(nxt) == len(exact)):
            if best:
                found.add(best)
            elif not nxt:
                errs.append(" ".join(words[:i + 1]))
            return
        walk(i + 1, nxt, best)

    walk(0, cmds, None)
    return found, (errs[0] if errs else None)


def strip_vgate(words):
    """Words after "vgate" and its options; None if not a vgate line, []
    for the hidden "vgate complete" (not in the table)."""
    if not words or words[0] != "vgate":
        return None
    i = 1
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in OPTS_ARG else 1
    if words[i:i + 1] == ["complete"]:
        return []
    return words[i:]


def md_blocks(path):
    """(line number, text) of the lines inside ``` fences."""
    inb = False
    for no, line in enumerate(open(path), 1):
        if re.match(r"^\s*```", line):
            inb = not inb
            continue
        if inb:
            yield no, line.rstrip("\n")


PROMPT = re.compile(r"^\s*(?:\$ |[A-Za-z0-9_-]*# |vgate> )?")
# "# vgate ..." is a root prompt or a comment ("# vgate configuration"):
# a prompt only if a command or an option follows.
COMMENT = re.compile(r"^\s*# vgate (?!-|ipsec |ip arp |bm |config |help)")


def md_mentions(path):
    """(line, words) of every command a markdown file names."""
    for no, line in md_blocks(path):
        if COMMENT.match(line):
            continue
        text = PROMPT.sub("", line, count=1).split(" #")[0]
        words = text.replace("\\", " ").split()
        if words[:1] == ["vgate"]:
            rest = strip_vgate(words)
            if rest:
                yield no, rest
        elif words[:1] and (words[0] in GROUPS or words[:2] == ["ip", "arp"]):
            yield no, words
    for no, line in enumerate(open(path), 1):
        for span in re.findall(r"`([^`]+)`", line):
            words = span.replace("\\|", "|").split()  # \| in tables
            if words[:1] == ["vgate"]:
                words = strip_vgate(words)
            elif not (words[:1] and words[0] in GROUPS[:2] or
                      words[:2] == ["ip", "arp"] or
                      words[:2] in (["config", "save"], ["config", "show"])):
                continue
            if words:
                yield no, words


def roff_text(s):
    s = re.sub(r"\\f[BIRP]|\\f\(..|\\&", "", s)
    s = s.replace("\\-", "-").replace("\\(dq", '"').replace("\\(aq", "'")
    return s.replace("\\e", "\\")


def man_examples(path):
    """(line number, text) of the lines of .EX/.EE blocks."""
    inb = False
    for no, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if line.startswith(".EX"):
            inb = True
        elif line.startswith(".EE"):
            inb = False
        elif inb:
            yield no, roff_text(line)


def man_mentions(path):
    """(line, words) of every command the man page names: the .TP/.TQ
    items, .B/.BR lines that start with a command word, the examples."""
    lines = open(path).read().split("\n")
    section = None
    for i, line in enumerate(lines):
        if line.startswith(".SH "):
            section = line[4:].strip('"')
        m = re.match(r"^\.(B|BR|BI) (.*)", line)
        if not m:
            continue
        words = roff_text(m.group(2)).replace('"', " ").split()
        item = (section == "COMMANDS" and i > 0 and
                lines[i - 1] in (".TP", ".TQ"))
        if words[:1] == ["vgate"]:
            words = strip_vgate(words)
        elif not item and not (words[:1] and words[0] in GROUPS or
                               words[:2] == ["ip", "arp"]):
            continue
        # quit and exit are the shell's, not in the one-shot table.
        if words and words[0].rstrip(",") not in ("quit", "exit"):
            yield i + 1, words
    for no, text in man_examples(path):
        rest = strip_vgate(text.split(" #")[0].split())
        if rest:
            yield no, rest


def check_table(vgate):
    cmds = table(vgate)
    for path, mentions in ((REF, md_mentions), (MAN8, man_mentions),
                           (GUIDE, md_mentions), (MAN5, man_mentions),
                           (README, md_mentions)):
        named = set()
        bad = []
        seen = 0
        for no, words in mentions(path):
            found, err = resolve(cmds, words)
            named |= found
            seen += 1
            if err:
                bad.append("%s:%d: \"%s\" is no command of the table" %
                           (os.path.basename(path), no, err))
        result(not bad and seen >= 20,
               "every command %s names is in the table (%d mentions)%s" %
               (os.path.basename(path), seen,
                "".join("\n# " + b for b in bad)))
        if path in (REF, MAN8):
            missing = [" ".join(c) for c in cmds if c not in named]
            result(not missing, "%s names every command of the table%s" %
                   (os.path.basename(path),
                    "".join("\n# missing: " + m for m in missing)))


# Grammar in code blocks (placeholders, not examples): these lines only,
# by their text; any other line with [, ... or | must run.
GRAMMAR = {
    "vgate [-j] [-n NETNS] [-f FILE] [COMMAND...]",
    "vgate -f FILE        (-f - or a non-terminal stdin: standard input)",
}
# A host name the example's DNS would resolve (never the test's).
UNRESOLVED = re.compile(r'host name does not resolve')

def check_options():
    """Every long option of main.c's table is in cli-reference.md and
    vgate(8), with its short form where it has one."""
    src = open(os.path.join(ROOT, "cli/main.c")).read()
    opts = re.findall(r'\{ "([a-z-]+)", (?:no|required)_argument, NULL, \'(.)\' \}', src)
    ref = open(REF).read()
    man = roff_text(open(MAN8).read())
    shorts = re.search(r'getopt_long\(argc, argv, "\+?:?([^"]*)"', src).group(1)
    missing = []
    for name, short in opts:
        for doc, text in (("cli-reference.md", ref), ("vgate.8", man)):
            if "--" + name not in text:
                missing.append("%s: --%s" % (doc, name))
            if short in shorts and not re.search(r"(^|[^-\w])-%s\b" % short, text):
                missing.append("%s: -%s" % (doc, short))
    result(len(opts) >= 5 and not missing,
           "every option of main.c (%d) is documented%s" %
           (len(opts), "".join("\n# missing " + m for m in missing)))


VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=([^\s$`'\"()]+)\s*(#.*)?$")
# K=0x$(head -c 20 /dev/urandom | ...): a random key of 20 bytes.
RANDOM = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=(0x)?\$\(head -c ([0-9]+) /dev/urandom ")


def examples(path, lines):
    """(where, argv, documented error or None) of each example: a "vgate"
    line (with its continuation lines) of lines, prompts stripped;
    NAME=VALUE lines with a literal value define variables."""
    env = {}
    lines = list(lines)
    i = 0
    while i < len(lines):
        no, line = lines[i]
        i += 1
        m = ASSIGN.match(line)
        if m:
            env[m.group(1)] = m.group(2)
            continue
        m = RANDOM.match(line)
        if m:
            env[m.group(1)] = (m.group(2) or "") + "5a" * int(m.group(3))
            continue
        if COMMENT.match(line):
            continue
        text = PROMPT.sub("", line, count=1)
        if not re.match(r"vgate(\s|$)", text):
            continue
        while text.endswith("\\") and i < len(lines):
            text = text[:-1] + " " + lines[i][1].strip()
            i += 1
        if text.strip() in GRAMMAR:
            continue
        undefined = [v for v in VAR.findall(text) if v not in env]
        where = "%s:%d" % (os.path.basename(path), no)
        if undefined:
            yield where, text, None, "uses $%s, not defined in the doc" % undefined[0]
            continue
        text = VAR.sub(lambda m: env[m.group(1)], text)
        try:
            argv = shlex.split(text, comments=True)
        except ValueError as e:
            yield where, text, None, "does not split: %s" % e
            continue
        err = None
        if i < len(lines) and lines[i][1].startswith("vgate: "):
            err = lines[i][1]
        yield where, argv, err, None


def run(vgate, args):
    return subprocess.run([vgate, "--dry-run"] + args, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True,
                          env=dict(os.environ, LC_ALL="C"))


CONF_HEAD = "# vgate configuration (vgate config save)."


def blocks(lines):
    """The code blocks of (line number, text) lines, split at gaps."""
    block, last = [], None
    for no, text in lines:
        if last is not None and no != last + 1:
            yield block
            block = []
        block.append((no, text))
        last = no
    if block:
        yield block


def check_files(vgate):
    """Command files shown as config save writes them: vgate -f takes them."""
    found = 0
    for path, lines in ((REF, md_blocks(REF)), (MAN5, man_examples(MAN5))):
        for block in blocks(lines):
            if block[0][1].strip() != CONF_HEAD:
                continue
            found += 1
            with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
                f.write("".join(t + "\n" for _, t in block))
                f.flush()
                p = run(vgate, ["-f", f.name])
            result(p.returncode == 0 and "TXN_COMMIT" in p.stdout,
                   "%s:%d: the command file applies (vgate -f)%s" %
                   (os.path.basename(path), block[0][0],
                    "\n# " + p.stderr.strip() if p.returncode else ""))
    result(found == 2, "found %d command files (cli-reference.md, vgate.conf.5)" % found)


def check_examples(vgate):
    empty = tempfile.NamedTemporaryFile(prefix="vgate-doc-", suffix=".conf")
    sources = [(REF, md_blocks(REF)), (GUIDE, md_blocks(GUIDE)),
               (MAN8, man_examples(MAN8)), (MAN5, man_examples(MAN5)),
               (README, md_blocks(README))]
    kernel_side = []
    dns = []
    count = 0
    for path, lines in sources:
        for where, argv, err, problem in examples(path, lines):
            count += 1
            if problem:
                result(False, "%s: %s: %s" % (where, problem, argv))
                continue
            args = argv[1:]
            # A command file of the doc's own (whatever this machine has
            # there): an empty one parses the options (the -f tests and
            # check_files() test contents).
            for k, a in enumerate(args[:-1]):
                if a in OPTS_ARG:
                    args[k + 1] = empty.name
            p = run(vgate, args)
            if p.returncode and UNRESOLVED.search(p.stderr) and "addr" in args:
                # "addr HOSTNAME": resolved when read; here as config save
                # writes a resolved peer, the rest of the line checked.
                k = args.index("addr")
                args[k + 1:k + 2] = ["203.0.113.1", "hostname", args[k + 1]]
                p = run(vgate, args)
                dns.append(where)
            first = p.stderr.splitlines()[0] if p.stderr else ""
            if err and p.returncode:
                result(first == err, "%s: %s fails as documented%s" %
                       (where, " ".join(argv), "" if first == err else
                        "\n# doc: %s\n# got: %s" % (err, first)))
            elif err:
                kernel_side.append(where)
                result(True, "%s: %s parses (the error shown comes from the kernel)" %
                       (where, " ".join(argv)))
            else:
                result(p.returncode == 0, "%s: %s parses%s" %
                       (where, " ".join(argv), "" if p.returncode == 0 else
                        "\n# " + p.stderr.strip().replace("\n", "\n# ")))
    result(count >= 100, "found %d examples (at least 100)" % count)
    check_files(vgate)
    if kernel_side:
        print("# documented errors only a live system gives (run for real by selftests/doc_examples.sh): " + " ".join(kernel_side))
    if dns:
        print("# host names given as addr hostname (no DNS here): " + " ".join(dns))


def check_live(vgate):
    """The blocks whose documented errors come from the kernel (they parse
    in dry-run), run for real in this namespace, one after the other."""
    live = 0
    for path, lines in ((REF, md_blocks(REF)), (GUIDE, md_blocks(GUIDE)),
                        (README, md_blocks(README))):
        for block in blocks(lines):
            ex = list(examples(path, block))
            if not any(err and not problem and run(vgate, argv[1:]).returncode == 0
                       for _, argv, err, problem in ex):
                continue
            live += 1
            for where, argv, err, problem in ex:
                if problem:
                    result(False, "%s: %s: %s" % (where, problem, argv))
                    continue
                p = subprocess.run([vgate] + argv[1:], stdin=subprocess.DEVNULL,
                                   capture_output=True, text=True,
                                   env=dict(os.environ, LC_ALL="C"))
                first = p.stderr.splitlines()[0] if p.stderr else ""
                if err:
                    good = p.returncode != 0 and first == err
                    result(good, "%s: %s fails as documented (run for real)%s" %
                           (where, " ".join(argv), "" if good else
                            "\n# doc: %s\n# got: exit %d, %s" % (err, p.returncode, first)))
                else:
                    result(p.returncode == 0, "%s: %s works%s" %
                           (where, " ".join(argv), "" if p.returncode == 0 else
                            "\n# " + p.stderr.strip().replace("\n", "\n# ")))
    result(live >= 1, "found %d blocks with errors from the kernel" % live)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("table", "examples", "live"):
        sys.exit(__doc__)
    if sys.argv[1] == "table":
        check_table(sys.argv[2])
        check_options()
    elif sys.argv[1] == "live":
        check_live(sys.argv[2])
    else:
        check_examples(sys.argv[2])
    print("1..%d" % n)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
