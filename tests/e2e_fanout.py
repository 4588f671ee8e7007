#!/usr/bin/env python3
"""End to end over the fanout pattern: one publisher and four subscribers on
every transport (N channels on the descriptors and queues, one fan-out ring
on shm and mmap by sem, spin and futex), every message at every subscriber
checked, the row's messages all that were sent, shares of being last
between 0 and 1; udp and a strategy the ring cannot wait with are skipped
rows saying why; a
--subscribers list makes a row per count with that many processes; a slow
subscriber still gets everything and so do the others; a spoiled message
fails the row naming a subscriber; bad --subscribers and --slow-subscriber
without fanout are one line and exit 2; fanout runs only when asked; a
killed subscriber is named and nothing is left behind."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, killed_side, rows_of, run, some_ran  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 3000
SUBS = 4
RINGS = ["shm/spin", "shm/futex", "mmap/spin", "mmap/futex", "shm/eventfd"]
SKIPPED = {
    "udp": "skipped: fanout needs every message at every subscriber; udp may drop them",
    "shm/eventfd": "skipped: shm's fan-out ring waits on semaphores, by spinning or on a "
                   "futex, not with eventfd; run shm, shm/spin or shm/futex",
}


def ok_row(x, name, subs, count):
    """an ok fanout row of subs subscribers that got count messages each"""
    if not check(x["status"] == "ok", "%s: ok (got %r)" % (name, x["status"])):
        return
    check(x["procs"] == str(subs + 1), "%s: %s processes, %d wanted" % (name, x["procs"],
                                                                       subs + 1))
    check(x["messages"] == str(count), "%s: %s messages got by every subscriber, %d sent"
          % (name, x["messages"], count))
    check(int(x["errors"] or 0) == 0, "%s: nothing lost (%r)" % (name, x["errors"]))
    lo, hi = float(x["share_min"]), float(x["share_max"])
    check(0.0 <= lo <= 1.0 / subs + 1e-9 <= hi + 2e-9 and hi <= 1.0,
          "%s: shares of being last %g..%g around 1/%d" % (name, lo, hi, subs))
    check(float(x["msgs_per_s"]) > 0 and x["latency_kind"] == "one-way"
          and float(x["p50_ns"] or 0) > 0,
          "%s: a rate and a one-way p50 (%r, %r)" % (name, x["msgs_per_s"], x["p50_ns"]))


before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-fanout-")

# every transport once: all of them and the rings' strategies that can wait
out = os.path.join(tmp, "all")
r = run("-q", "-t", "all," + ",".join(RINGS), "-p", "fanout", "--subscribers", str(SUBS),
        "-s", "64", "-n", str(COUNT), "-o", out)
check(r.returncode == 0, "fanout runs (exit %d): %s" % (r.returncode, r.stderr.strip()))
rows = rows_of(out)
some_ran(rows, "fanout")
by = {x["transport"]: x for x in rows}
for name in RINGS + ["shm", "mmap", "pipe", "unix", "tcp", "posix-mq", "sysv-mq"]:
    check(name in by, "%s has a fanout row" % name)
for name, x in by.items():
    if name in SKIPPED:
        check(x["status"] == SKIPPED[name], "%s is skipped with the reason (%r)"
              % (name, x["status"]))
    elif x["status"].startswith("skipped:"):
        print("note: %s skipped here: %s" % (name, x["status"]))
    else:
        ok_row(x, name, SUBS, COUNT)

# a list of counts: a row each, fanout-N, with N + 1 processes
out = os.path.join(tmp, "list")
r = run("-q", "-t", "pipe,shm/futex", "-p", "fanout", "--subscribers", "1,3", "-s", "64",
        "-n", str(COUNT), "-o", out)
rows = rows_of(out)
got = sorted((x["transport"], x["pattern"]) for x in rows)
check(r.returncode == 0 and got == [("pipe", "fanout-1"), ("pipe", "fanout-3"),
                                    ("shm/futex", "fanout-1"), ("shm/futex", "fanout-3")],
      "--subscribers 1,3: a row per count (%r)" % got)
for x in rows:
    ok_row(x, "%s %s" % (x["transport"], x["pattern"]), int(x["pattern"].split("-")[1]),
           COUNT)

# a slow subscriber paces the publisher, and every subscriber still gets it all
out = os.path.join(tmp, "slow")
r = run("-q", "-t", "pipe,posix-mq,shm,shm/futex", "-p", "fanout", "--subscribers", "3",
        "--slow-subscriber", "20us", "-s", "64", "-n", "1000", "-o", out)
check(r.returncode == 0, "--slow-subscriber runs (exit %d): %s" % (r.returncode, r.stderr))
for x in rows_of(out):
    ok_row(x, "%s with a slow subscriber" % x["transport"], 3, 1000)

# message 500 spoiled: the row fails naming a subscriber and the message
for name in ["pipe", "shm/spin"]:
    out = os.path.join(tmp, "inject-" + name.replace("/", "-"))
    r = run("-q", "-t", name, "-p", "fanout", "-n", str(COUNT), "-o", out,
            IPCBENCH_INJECT="seq:500")
    rows = rows_of(out)
    status = rows[0]["status"] if rows else ""
    check(r.returncode == 1 and status.startswith("failed:") and "subscriber" in status
          and "500" in status, "%s: a spoiled message is caught and named (%r)"
          % (name, status))

# bad input: one line, exit 2
for args, what in [(["-p", "fanout", "--subscribers", "0"], "--subscribers"),
                   (["-p", "fanout", "--subscribers", "33"], "--subscribers"),
                   (["-p", "fanout", "--subscribers", "2,x"], "--subscribers"),
                   (["-p", "fanout", "--slow-subscriber", "fast"], "--slow-subscriber"),
                   (["-p", "stream", "--slow-subscriber", "1us"], "slow-subscriber")]:
    r = run("-q", "-t", "pipe", *args, "-o", os.path.join(tmp, "bad"))
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and what in r.stderr,
          "%s is one line and exit 2 (%d: %r)" % (" ".join(args), r.returncode, r.stderr))

# fanout runs when asked for, not by default
out = os.path.join(tmp, "default")
r = run("-q", "-t", "pipe", "-n", "200", "-o", out)
check(r.returncode == 0 and "fanout" not in [x["pattern"] for x in rows_of(out)],
      "the default patterns have no fanout")

# a killed subscriber is named, on N channels and on the one ring
for name in ["pipe", "shm", "shm/futex"]:
    killed_side(BIN, ["-t", name, "-p", "fanout", "--subscribers", "3", "-s", "64"], 4, 2,
                "failed: subscriber 2 killed by signal 9 (SIGKILL)",
                "fanout-" + name.replace("/", "-"), tmp)

left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
subprocess.run(["rm", "-rf", tmp])
finish("e2e-fanout")
