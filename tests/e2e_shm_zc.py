#!/usr/bin/env python3
"""shm-zc end to end: loaned chunks in both patterns at 64 B, 4 KiB, 1 MiB
and 16 MiB, by a blocking strategy (sem) and by spin, under --verify full
too; every strategy of shm is a table of shm-zc; an exhausted pool makes the
producer wait, never fail; a chunk the producer reuses before the consumer
gave it back (the test hook IPCBENCH_INJECT=zc-reuse:N) fails the row naming
the chunk; the patterns that copy (pipeline, rate) run on it too; after a
SIGKILL of the driver, `ipcbench cleanup` leaves nothing; nothing is left
behind by any of it."""
import os
import re
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import BIN, check, finish, gone, rows_of, run, sides  # noqa: E402

STRATEGIES = ["sem", "sysv-sem", "futex", "eventfd", "spin", "condvar", "signal"]
REUSED = re.compile(r"consumer: receive of message (\d+): chunk (\d+) was reused before the "
                    r"consumer gave it back")


def label(row):
    return "%s %s %s" % (row["transport"], row["pattern"], row["size_bytes"])


def all_ok(args, count, what, out, rows_wanted):
    """a run whose every row is ok and counted every message"""
    r = run(*args, "-n", str(count), "-q", "-o", out)
    rows = rows_of(out)
    check(r.returncode == 0, "%s: exits 0 (got %d: %s)" % (what, r.returncode,
                                                          r.stderr.strip()[:300]))
    check(len(rows) == rows_wanted, "%s: %d rows (got %d)" % (what, rows_wanted, len(rows)))
    for row in rows:
        check(row["status"] == "ok" and row["messages"] == str(count) and row["errors"] == "0",
              "%s: %s: ok, %d messages, no errors (got %r, %s, %s)"
              % (what, label(row), count, row["status"], row["messages"], row["errors"]))
    return rows


census.ensure_mqueue()
before = census.take()

# `list`: the transport, its limits and its pool, and a variant per strategy
listing = {line.split()[0]: line for line in run("list").stdout.splitlines()[1:]}
check("shm-zc" in listing and "no limit" in listing["shm-zc"]
      and "--zc-chunks" in listing["shm-zc"] and "64 MiB" in listing["shm-zc"],
      "list: shm-zc, no limit on a message, its pool stated (%r)" % listing.get("shm-zc"))
for s in STRATEGIES[1:]:
    check("shm-zc/" + s in listing and "(variant" in listing["shm-zc/" + s],
          "list: shm-zc/%s, a variant" % s)

with tempfile.TemporaryDirectory() as work:
    out = os.path.join(work, "out")
    # both patterns, small and large, a blocking strategy and spin
    all_ok(["-t", "shm-zc,shm-zc/spin", "-p", "pingpong,stream", "-s", "64,4k,1M",
            "--warmup", "20"], 400, "64 B to 1 MiB", out, 12)
    all_ok(["-t", "shm-zc,shm-zc/spin", "-p", "pingpong,stream", "-s", "16M", "--warmup", "4"],
           24, "16 MiB", out, 4)
    # every byte checked: the producer writes all of it, the consumer reads
    # all of it in place, so a loan must hold the filler outside the stamps
    all_ok(["-t", "shm-zc,shm-zc/spin", "-p", "pingpong,stream", "-s", "64,4k,1M",
            "--verify", "full", "--warmup", "10"], 200, "--verify full", out, 12)
    all_ok(["-t", "shm-zc/spin", "-p", "pingpong,stream", "-s", "16M", "--verify", "full",
            "--warmup", "2"], 10, "--verify full at 16 MiB", out, 2)

    # every notify strategy of shm waits here too, its own first
    rows = all_ok(["-t", "shm-zc", "--wait", "all", "-s", "4k", "--warmup", "20"], 300,
                  "--wait all", out, 2 * len(STRATEGIES))
    order = []
    for row in rows:
        if row["transport"] not in order:
            order.append(row["transport"])
    check(order == ["shm-zc"] + ["shm-zc/" + s for s in STRATEGIES[1:]],
          "--wait all: shm-zc and its six variants in order (got %s)" % order)

    # a pool of two chunks: the producer waits for each to come back
    all_ok(["-t", "shm-zc,shm-zc/spin,shm-zc/futex", "-p", "stream", "-s", "64,64k",
            "--zc-chunks", "2", "--warmup", "20"], 3000, "--zc-chunks 2", out, 6)

    # the patterns that bring their own buffers: one copy in, one copy out
    all_ok(["-t", "shm-zc,shm-zc/spin", "-p", "pipeline", "--stages", "3", "-s", "64,64k",
            "--warmup", "20"], 300, "pipeline", out, 4)

    # a chunk reused before the consumer gave it back: caught and named, in
    # both patterns, by a blocking strategy and by spin
    for name in ("shm-zc", "shm-zc/spin"):
        for pattern in ("pingpong", "stream"):
            what = "%s %s, chunk reused at message 9" % (name, pattern)
            r = run("-t", name, "-p", pattern, "-s", "4k", "-n", "500", "--warmup", "10", "-q",
                    "-o", out, IPCBENCH_INJECT="zc-reuse:9")
            rows = rows_of(out)
            status = rows[0]["status"] if rows else ""
            m = REUSED.search(status)
            check(r.returncode == 1 and status.startswith("failed: ") and m is not None,
                  "%s: the run fails naming the chunk (exit %d: %r)" % (what, r.returncode, status))
            check(m is None or m.group(1) == "9",
                  "%s: caught at the message that was spoilt (%r)" % (what, status))
    # without the hook the same run passes: the check is not a false alarm
    all_ok(["-t", "shm-zc", "-p", "stream", "-s", "4k"], 500, "no hook", out, 1)

    # bad input: one line, exit 2, nothing measured
    for args, want in ((["-t", "pipe", "--zc-chunks", "4"],
                        "--zc-chunks is an option of the shm-zc transport"),
                       (["-t", "shm-zc", "--zc-chunks", "1"], "--zc-chunks 1 is out of range"),
                       (["-t", "shm-zc", "--wait", "epoll"], "shm-zc cannot wait by epoll")):
        never = os.path.join(work, "never")
        r = run(*args, "-q", "-o", never)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 2 and len(lines) == 1 and want in lines[0],
              "%s: one line, exit 2 (exit %d: %r)" % (args, r.returncode, r.stderr))
        check(not os.path.exists(never), "%s: nothing measured" % args)

    # SIGKILL of the driver mid-transfer: what it made (sysv-sem's sets, a
    # segment whose name was not yet gone) is for `ipcbench cleanup`
    mid = census.take()
    p = subprocess.Popen([BIN, "-t", "shm-zc/sysv-sem", "-p", "stream", "-s", "64", "-n",
                          "100M", "-q", "-o", os.path.join(work, "killed")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kids = sides(p.pid, 2)
    check(len(kids) == 2, "killed run: two sides in the transfer (%s)" % kids)
    p.send_signal(signal.SIGKILL)
    p.wait()
    check(gone(kids), "the sides die with a killed driver")
    left = census.diff(mid, census.take())
    check("sysv-sem" in left, "a killed shm-zc/sysv-sem run leaves its semaphore sets (%s)"
          % (left or "nothing"))
    r = run("cleanup")
    check(r.returncode == 0 and "run %d is gone" % p.pid in r.stdout,
          "cleanup removes the killed run's objects (exit %d: %s)" % (r.returncode,
                                                                      r.stdout.strip()))
    left = census.diff(mid, census.take())
    check(not left, "after cleanup nothing of the killed run is left (%s)" % left)

left = census.diff(before, census.take())
check(not left, "nothing left behind (found %s)" % left)
finish("shm-zc")
