#!/usr/bin/env python3
"""End to end over the fanin pattern: four producers into one channel on
every transport that lets several writers share one and on the
multi-producer ring of shm and mmap (sem, spin, futex), each producer's
messages all there and in order, shares between 0 and 1; udp counts its
losses instead of failing; transports that cannot share a channel, and a
pipe above PIPE_BUF, are skipped rows saying why; a corrupted message of one
producer fails the row naming that producer; a bad --producers is one line
and exit 2; the default pattern set does not have fanin; nothing is left
behind."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, killed_side, rows_of, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 4000
PRODUCERS = 4
SHARED = ["pipe", "fifo", "unix-dgram", "posix-mq", "sysv-mq"]
# the ring transports' multi-producer ring (Vyukov's queue), by the
# strategies that can wait on it
RINGS = ["shm", "shm/spin", "shm/futex", "mmap", "mmap/spin", "mmap/futex"]


before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-fanin-")

out = os.path.join(tmp, "all")
r = run("-q", "-t", ",".join(SHARED + RINGS + ["udp", "shm/condvar", "mmap/signal", "tcp"]),
        "-p", "fanin",
        "--producers",
        str(PRODUCERS), "-s", "64", "-n", str(COUNT), "-o", out)
check(r.returncode == 0, "fanin runs (exit %d): %s" % (r.returncode, r.stderr.strip()))
by = {x["transport"]: x for x in rows_of(out)}
for name in SHARED + RINGS + ["udp"]:
    x = by.get(name)
    if not check(x is not None, "%s has a fanin row" % name):
        continue
    check(x["status"] == "ok", "%s fanin ok (got %r)" % (name, x["status"]))
    if x["status"] != "ok":
        continue
    check(x["procs"] == str(PRODUCERS + 1), "%s: %s processes" % (name, x["procs"]))
    lo, hi = float(x["share_min"]), float(x["share_max"])
    check(0.0 <= lo <= 1.0 / PRODUCERS + 1e-9 <= hi + 2e-9 and hi <= 1.0,
          "%s: shares %g..%g around 1/%d" % (name, lo, hi, PRODUCERS))
    check(float(x["msgs_per_s"]) > 0 and x["latency_kind"] == "one-way"
          and float(x["p50_ns"] or 0) > 0,
          "%s: a rate and a one-way p50 (%r, %r)" % (name, x["msgs_per_s"], x["p50_ns"]))
    if name == "udp":
        got = int(x["messages"]) + int(x["errors"] or 0)
        check(got >= PRODUCERS * COUNT, "udp: %s arrived + %s lost or reordered covers %d"
              % (x["messages"], x["errors"], PRODUCERS * COUNT))
    else:
        check(x["messages"] == str(PRODUCERS * COUNT), "%s: %s messages, %d sent"
              % (name, x["messages"], PRODUCERS * COUNT))
        check(int(x["errors"] or 0) == 0, "%s: nothing lost (%r)" % (name, x["errors"]))
x = by.get("tcp", {})
check(x.get("status") == "skipped: tcp cannot share one channel among producers",
      "tcp is skipped with the reason (%r)" % x.get("status"))
for name, how in [("shm/condvar", "condvar"), ("mmap/signal", "signal")]:
    x = by.get(name, {})
    base = name.split("/")[0]
    check(x.get("status") == "skipped: %s's multi-producer ring waits on semaphores, by "
          "spinning or on a futex, not with %s; run %s, %s/spin or %s/futex"
          % (base, how, base, base, base),
          "%s is skipped saying which strategies work (%r)" % (name, x.get("status")))

# a pipe write above PIPE_BUF would interleave with the others
out = os.path.join(tmp, "big")
r = run("-q", "-t", "pipe", "-p", "fanin", "-s", "8k", "-n", "100", "-o", out)
rows = rows_of(out)
check(r.returncode == 0 and len(rows) == 1 and rows[0]["status"].startswith("skipped:")
      and "PIPE_BUF" in rows[0]["status"],
      "pipe at 8k is skipped naming PIPE_BUF (%r)" % [x["status"] for x in rows])

# message 500 of the first producer spoiled: the row fails naming it
env = dict(os.environ, IPCBENCH_INJECT="seq:500")
for name in ["pipe", "posix-mq", "shm/futex"]:
    out = os.path.join(tmp, "inject-" + name.replace("/", "-"))
    r = run("-q", "-t", name, "-p", "fanin", "-n", str(COUNT), "-o", out, env=env)
    rows = rows_of(out)
    status = rows[0]["status"] if rows else ""
    check(r.returncode == 1 and status.startswith("failed:") and "producer 1 of 4" in status
          and "500" in status, "%s: a spoiled message is caught and named (%r)"
          % (name, status))

# bad --producers: one line, exit 2
for bad in ["0", "33", "x"]:
    r = run("-q", "-t", "pipe", "-p", "fanin", "--producers", bad, "-o",
            os.path.join(tmp, "bad"))
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
          and "--producers" in r.stderr,
          "--producers %s is one line and exit 2 (%d: %r)" % (bad, r.returncode, r.stderr))

# fanin runs when asked for, not by default; all has it
for args, want in [([], False), (["-p", "all"], True)]:
    out = os.path.join(tmp, "default" if not args else "every")
    r = run("-q", "-t", "pipe", "-n", "200", "-o", out, *args)
    pats = [x["pattern"] for x in rows_of(out)]
    check(r.returncode == 0 and ("fanin" in pats) == want,
          "patterns %r: fanin %s (%r)" % (args, "in" if want else "out", pats))

# --- a killed side is named, and every side is gone
killed_side(BIN, ["-t", "posix-mq", "-p", "fanin", "--producers", "3", "-s", "64"], 4, 1,
            "failed: producer 1 killed by signal 9 (SIGKILL)", "fanin", tmp)
for name in ["shm", "shm/futex", "mmap/spin"]:
    killed_side(BIN, ["-t", name, "-p", "fanin", "--producers", "3", "-s", "64"], 4, 2,
                "failed: producer 2 killed by signal 9 (SIGKILL)",
                "fanin-" + name.replace("/", "-"), tmp)

left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
subprocess.run(["rm", "-rf", tmp])
finish("e2e-fanin")
