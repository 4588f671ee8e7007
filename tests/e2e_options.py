#!/usr/bin/env python3
"""The option table seen from outside: every option a run takes is in
meta.json's plan.options (as given, or its default), only those; the given
ones are listed in plan.options_given; an option nobody in the run takes is
one line and exit 2 naming who takes it.

usage: e2e_options.py BIN"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from testlib import check, finish, rows_of  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="ipcbench-e2e-options-")


def ipcbench(*args):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=600)


every = [o[2:] for o in ipcbench("complete", "options").stdout.split()]
check(len(every) > 20 and "ring-slots" in every and "rate" in every,
      "complete options lists the core's and the plugins' options (%d)" % len(every))
# options of other commands, or of what neither run below has
compare_only = {"threshold", "fail-on-regression"}
sync_only = {"primitive", "procs", "section-bytes"}
sockets_only = {"nodelay", "congestion", "sndbuf", "rcvbuf", "rcvlowat"}    # tcp's, udp's: neither run has them
run_only = {"transport", "wait", "size", "verify", "ring-slots", "notify",
            "file-dir", "msync", "stages", "producers", "rate", "max-memory",
            "zc-chunks", "subscribers", "slow-subscriber", "clients", "workers", "work",
            "latency-every"}
never = {"help", "version"}

cases = [
    ("run -p all", ["-t", "pipe,shm,mmap,shm-zc", "-p", "all", "-s", "64", "-n", "50", "--rate",
                    "5k", "--producers", "2", "--stages", "3", "--ring-slots", "8", "--msync", "0",
                    "--zc-chunks", "4"],
     set(every) - compare_only - sync_only - sockets_only - never),
    ("sync", ["sync", "--primitive", "posix-sem,futex", "--procs", "2", "-n", "50"],
     set(every) - compare_only - run_only - sockets_only - never),
]
for label, args, want in cases:
    out = os.path.join(work, label.replace(" ", "_"))
    r = ipcbench(*args, "-q", "-o", out)
    rows = rows_of(out) if os.path.exists(os.path.join(out, "summary.csv")) else []
    check(r.returncode == 0 and rows and any(x["status"] == "ok" for x in rows),
          "%s runs, at least one row ok (exit %d: %s)" % (label, r.returncode, r.stderr.strip()))
    plan = json.load(open(os.path.join(out, "meta.json")))["plan"]
    got = plan.get("options", {})
    check(set(got) == want, "%s: plan.options has every option the run takes and only those "
          "(missing %s, extra %s)" % (label, sorted(want - set(got)), sorted(set(got) - want)))
    given = [a[2:] for a in args if a.startswith("--")] + ["quiet", "output"]
    given += ["count"] if "-n" in args else []
    given += ["transport", "pattern", "size"] if "-t" in args else []
    check(set(plan.get("options_given", [])) == set(given),
          "%s: plan.options_given names what was given (%s)" % (label, plan.get("options_given")))
    for i, a in enumerate(args):
        if a.startswith("--") and i + 1 < len(args):
            check(got.get(a[2:]) == args[i + 1],
                  "%s: plan.options records %s as given (%r)" % (label, a, got.get(a[2:])))
    check(got.get("quiet") == "yes" and got.get("warmup") == "500" and got.get("duration") is None,
          "%s: a flag is yes, an option not given its default or null" % label)

# an option nobody in the run takes: one line, exit 2, naming who takes it
for args, who in ((["sync", "--producers", "3"], "fanin pattern"),
                  (["-t", "pipe", "--ring-slots", "8"], "-t does not include"),
                  (["-t", "pipe", "-p", "stream", "--rate", "5k"], "add -p rate"),
                  (["run", "--procs", "2"], "ipcbench sync"),
                  (["sync", "-t", "pipe"], "an option of run, not of sync"),
                  (["list", "--threshold", "3"], "an option of compare, not of list")):
    out = os.path.join(work, "never")
    r = ipcbench(*args, "-q") if args[0] == "list" else ipcbench(*args, "-q", "-o", out)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and len(lines) == 1 and who in lines[0] and not os.path.exists(out),
          "%s: one line naming who takes it, exit 2, nothing made (%d: %r)"
          % (" ".join(args), r.returncode, r.stderr))

finish("e2e-options")
