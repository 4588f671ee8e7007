#!/usr/bin/env python3
"""The man page and the shell completions against the binary: the page
renders without a warning and has an entry for every long option the binary
takes (and --help lists each), `ipcbench complete` gives the registries'
names, the bash completion offers them (lists after a comma too), the zsh
script parses, and `meson install` puts the page and both scripts in place.

usage: e2e_docs.py BIN SOURCE_ROOT BUILD_ROOT
Exits 77 (meson's skip) when `man` is missing and everything else passed."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, failures, finish, transports  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
SOURCE = os.path.abspath(sys.argv[2])
BUILD = os.path.abspath(sys.argv[3])
MAN_PAGE = os.path.join(SOURCE, "docs", "ipcbench.1")
BASH_SCRIPT = os.path.join(SOURCE, "completions", "ipcbench.bash")
ZSH_SCRIPT = os.path.join(SOURCE, "completions", "_ipcbench")


def run(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)


def complete(what):
    r = run("complete", what)
    check(r.returncode == 0 and r.stderr == "",
          "complete %s: exit 0, nothing on stderr (got %d: %r)" % (what, r.returncode, r.stderr))
    names = r.stdout.splitlines()
    check(len(names) == len(set(names)), "complete %s: each name once (%r)" % (what, names))
    check(all(n and " " not in n for n in names), "complete %s: one name a line" % what)
    return names


def roff_text(line):
    """A roff line as it reads: no macro name, quotes, font changes or escapes."""
    line = re.sub(r"^\.[A-Z]{1,2}\s?", "", line)
    line = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", line)
    line = line.replace("\\-", "-").replace("\\ ", " ").replace("\\&", "").replace("\\c", "")
    return line.replace('"', "")


def man_sections(path):
    """{section title: [its lines]} of a man page's source."""
    sections, title = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(".SH "):
            title = line[4:].strip('"')
            sections[title] = []
        elif title:
            sections[title].append(line)
    return sections


def tags(lines):
    """The item headings (the line after each .TP) of a section, as text."""
    return [roff_text(lines[i + 1]) for i, line in enumerate(lines[:-1]) if line == ".TP"]


def bash_complete(*words):
    """COMPREPLY of _ipcbench for the command line BIN WORDS..., the cursor at
    the end of the last word."""
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
              '_ipcbench; printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", BASH_SCRIPT,
                        BIN, *words], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stderr == "",
          "bash completion of %r: exit 0, nothing on stderr (got %d: %r)"
          % (words, r.returncode, r.stderr))
    return sorted(w for w in r.stdout.splitlines() if w)


man_missing = False
sections = man_sections(MAN_PAGE)
for title in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "TRANSPORTS", "PATTERNS", "OUTPUT",
              "ENVIRONMENT", "EXIT STATUS", "EXAMPLES", "FILES", "SEE ALSO"):
    check(title in sections, "the man page has a section %s (has %s)" % (title, list(sections)))

# --- the page renders without a warning
if shutil.which("man") is None:
    print("man is not installed (Debian: apt-get install man-db); not rendering the page")
    man_missing = True
else:
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8")
    r = subprocess.run(["man", "--warnings", "-l", MAN_PAGE], capture_output=True, text=True,
                       env=env, timeout=60)
    check(r.returncode == 0 and r.stderr == "",
          "man --warnings -l docs/ipcbench.1: exit 0, no warning (got %d: %r)"
          % (r.returncode, r.stderr))
    check("ipcbench" in r.stdout and "OPTIONS" in r.stdout, "the rendered page has its text")

# --- every long option: an entry in the page's OPTIONS, and in --help
help_text = run("--help").stdout
options = complete("options")
check("--transport" in options and "--ring-slots" in options and "--notify" in options,
      "complete options holds the core's and the plugins' options (%r)" % options)
documented = set()
for heading in tags(sections.get("OPTIONS", [])):
    documented.update(re.findall(r"--[a-z][a-z0-9-]*", heading))
for opt in options:
    check(opt.startswith("--"), "complete options: %r is a long option" % opt)
    check(opt in documented, "the man page's OPTIONS has an entry for %s" % opt)
    check(re.search(r"(^|[\s,])%s\b" % re.escape(opt), help_text, re.M) is not None,
          "--help lists %s" % opt)
# each line fits 80 columns, and an option's owners ("tcp: ") are said once:
# usage.c puts them before the help text, which must not say them again
for line in help_text.splitlines():
    check(len(line) <= 80, "--help's line fits 80 columns: %r" % line)
twice = re.findall(r"\b([a-z][a-z0-9-]*(?:, [a-z][a-z0-9-]*)*): *\n? *\1: ", help_text)
check(not twice, "--help names no option's owners twice (%r)" % twice)
# --wait is described while it is being added to the binary
check(documented <= set(options) | {"--wait"},
      "every option the man page describes is taken by the binary (extra: %r)"
      % sorted(documented - set(options)))

# --- commands: those of --help's usage lines, each in the page's SYNOPSIS
commands = complete("commands")
usage_commands = []
for line in help_text.splitlines():
    m = re.match(r"(?:usage:)?\s+ipcbench \[?([a-z]+)\]?", line)
    if m:
        usage_commands.append(m.group(1))
    elif usage_commands:
        if not line.strip():
            break
check(commands == usage_commands,
      "complete commands %r are --help's commands %r" % (commands, usage_commands))
synopsis = " ".join(roff_text(l) for l in sections.get("SYNOPSIS", []))
for cmd in commands:
    check(re.search(r"\b%s\b" % cmd, synopsis) is not None,
          "the man page's SYNOPSIS shows %s" % cmd)
check("complete" not in help_text, "--help does not show the hidden complete command")

# --- transports and patterns: the registries', as list and --help show them
names = complete("transports")
check(names == transports(BIN),
      "complete transports %r is what ipcbench list shows %r" % (names, transports(BIN)))
listed = run("list").stdout.splitlines()[1:]
variants = [l.split()[0] for l in listed if "(variant" in l]
plain = [l.split()[0] for l in listed if "(variant" not in l]
page_transports = tags(sections.get("TRANSPORTS", []))
for name in plain:
    check(name in page_transports, "the man page's TRANSPORTS has an entry for %s" % name)

patterns = complete("patterns")
help_patterns = help_text.split("\nPatterns:\n", 1)[-1]
page_patterns = tags(sections.get("PATTERNS", []))
for name in patterns:
    check(re.search(r"^  %s\s" % re.escape(name), help_patterns, re.M) is not None,
          "--help's Patterns lists %s" % name)
    check(name in page_patterns, "the man page's PATTERNS has an entry for %s" % name)
check(len(patterns) > 0, "complete patterns names some")

# --- wait strategies: the default and every variant's strategy
waits = complete("waits")
check(waits[:1] == ["block"], "complete waits starts with block (%r)" % waits)
for name in variants:
    check(name.split("/", 1)[-1] in waits,
          "complete waits has the strategy of the variant %s (%r)" % (name, waits))

# --- complete refuses what it does not know, with one line and exit 2
for args in (["complete"], ["complete", "nothing"], ["complete", "options", "more"],
             ["complete", "bad\x01word"]):
    r = run(*args)
    check(r.returncode == 2 and r.stdout == "" and len(r.stderr.splitlines()) == 1
          and r.stderr.startswith("ipcbench: ") and "\x01" not in r.stderr,
          "%r: one line on stderr and exit 2 (got %d: %r)" % (args, r.returncode, r.stderr))

# --- the bash completion offers the binary's names
if shutil.which("bash") is None:
    print("bash is not installed; not trying the bash completion")
else:
    got = bash_complete("-t", "sh")
    want = sorted(n for n in names if n.startswith("sh"))
    check("shm" in got and got == want, "bash: -t sh offers %r (got %r)" % (want, got))
    got = bash_complete("-t", "pipe,u")
    want = sorted("pipe," + n for n in names if n.startswith("u"))
    check("pipe,unix" in got and "pipe,udp" in got and got == want,
          "bash: -t pipe,u offers %r (got %r)" % (want, got))
    got = bash_complete("--transport", "=", "")
    check(got == sorted(names + ["all"]), "bash: --transport= offers every transport and all "
                                          "(got %r)" % got)
    got = bash_complete("-p", "")
    check(got == sorted(patterns + ["all"]), "bash: -p offers the patterns and all (got %r)" % got)
    got = bash_complete("--wait", "block,")
    check(got == sorted("block," + w for w in waits + ["all"]),
          "bash: --wait block, offers the strategies (got %r)" % got)
    got = bash_complete("--")
    check(got == sorted(options), "bash: -- offers every long option (got %r)" % got)
    got = bash_complete("")
    check(got == sorted(commands), "bash: the first word offers the commands (got %r)" % got)
    got = bash_complete("--verify", "")
    check(got == ["full", "stamps"], "bash: --verify offers stamps and full (got %r)" % got)
    got = bash_complete("--clock", "")
    check(got == ["auto", "monotonic", "tsc"],
          "bash: --clock offers auto, monotonic and tsc (got %r)" % got)
    got = bash_complete("--cpu", "")
    check("same" in got and "cross" in got, "bash: --cpu offers same and cross (got %r)" % got)

# --- the zsh completion parses
if shutil.which("zsh") is None:
    print("zsh is not installed; not parsing the zsh completion")
else:
    r = subprocess.run(["zsh", "-n", ZSH_SCRIPT], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stderr == "",
          "zsh -n completions/_ipcbench parses (got %d: %r)" % (r.returncode, r.stderr))
    check(open(ZSH_SCRIPT).readline().strip() == "#compdef ipcbench",
          "completions/_ipcbench starts with #compdef ipcbench")

# --- meson install puts the page and both scripts in place
meson = shutil.which("meson")
if meson is None:
    print("meson is not on PATH; not trying meson install")
else:
    dest = tempfile.mkdtemp(prefix="e2e-docs-")
    try:
        r = subprocess.run([meson, "install", "-C", BUILD, "--no-rebuild", "--destdir", dest],
                           capture_output=True, text=True, timeout=300)
        check(r.returncode == 0, "meson install --destdir exits 0 (got %d: %s%s)"
              % (r.returncode, r.stdout[-2000:], r.stderr[-2000:]))
        installed = {}
        for root, _, files in os.walk(dest):
            for f in files:
                installed[os.path.relpath(os.path.join(root, f), dest)] = os.path.join(root, f)
        for suffix, source in (("/man/man1/ipcbench.1", MAN_PAGE),
                               ("/bash-completion/completions/ipcbench", BASH_SCRIPT),
                               ("/zsh/site-functions/_ipcbench", ZSH_SCRIPT)):
            found = [p for rel, p in installed.items() if ("/" + rel).endswith(suffix)]
            check(len(found) == 1, "meson install puts ...%s in place (installed: %r)"
                  % (suffix, sorted(installed)))
            if len(found) == 1:
                check(open(found[0], "rb").read() == open(source, "rb").read(),
                      "the installed %s is the source's %s" % (suffix, os.path.relpath(source,
                                                                                     SOURCE)))
    finally:
        shutil.rmtree(dest, ignore_errors=True)

if man_missing and not failures:
    print("e2e-docs: skipped the rendering of the man page (no man); the rest passed")
    sys.exit(77)
finish("e2e-docs")
