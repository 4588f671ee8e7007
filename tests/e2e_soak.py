#!/usr/bin/env python3
"""Many short runs over every transport, every tenth interrupted with SIGINT
part-way: each ends as it should (0, or 130 when interrupted) and the census
of IPC objects is the same after the loop as before it."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import alive, check, children, failures, finish, fitting, limits, run, transports  # noqa: E402,F401

BIN = os.path.abspath(sys.argv[1])
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 200
census.ensure_mqueue()
before = census.take()
names = transports(BIN)
limit = limits(BIN)
work = tempfile.mkdtemp(prefix="e2e-soak-")


def sizes(name, *want):
    """want, less what name's limit refuses (signal carries 8 bytes)"""
    return ",".join(map(str, fitting(want, limit[name])))


interrupted = 0
for i in range(RUNS):
    name = names[i % len(names)]
    out = os.path.join(work, "r")
    if i % 10 == 9:
        p = subprocess.Popen([BIN, "-t", name, "-s", sizes(name, 64, 4096), "-n", "100M", "-q",
                              "-o", out],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.05 + (i % 7) * 0.03)  # land in different phases of a run
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=60)
        # a SIGINT that lands before main() installs its handler (a slow start
        # under the sanitizers) ends the process by the signal itself: fine too,
        # nothing exists yet then, and the census at the end still checks it
        check(p.returncode in (130, -signal.SIGINT),
              "run %d (%s) interrupted exits 130 (got %d: %s)"
              % (i, name, p.returncode, err.strip()))
        interrupted += 1
    else:
        r = run("-t", name, "-s", sizes(name, 64), "-n", "200", "--warmup", "20", "-q",
                "-o", out, timeout=120)
        check(r.returncode == 0, "run %d (%s) exits 0 (got %d: %s)"
              % (i, name, r.returncode, r.stderr.strip()))
subprocess.run(["rm", "-rf", work])
after = census.take()
left = census.diff(before, after)
print("census before: %s" % {k: len(v) for k, v in before.items()})
print("census after:  %s" % {k: len(v) for k, v in after.items()})
check(not left, "after %d runs (%d interrupted) nothing left behind (found %s)"
      % (RUNS, interrupted, left))
finish("soak", "ok, %d runs, %d interrupted" % (RUNS, interrupted))
