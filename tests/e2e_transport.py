#!/usr/bin/env python3
"""End to end over one transport: both patterns at 1 B, 64 B, 4 KiB, 64 KiB and
the largest size it carries here; every row ok with every message counted; a
size over its limit refused alone and skipped in a sweep; a side killed with
SIGKILL fails the run naming it, and SIGINT stops it, even when the other
side waits in a way only the driver can end (shm/spin busy-polls); nothing
left behind."""
import csv
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import BIN, check, finish, run, sides  # noqa: E402

NAME = sys.argv[2]
COUNT = 1000


def live_limit():
    out = run("list").stdout.splitlines()
    for line in out[1:]:
        parts = line.split()
        if parts and parts[0] == NAME:
            kind = parts[1]
            return kind, (0 if parts[2] == "no" else int(parts[2]))
    raise SystemExit("transport %s not in 'ipcbench list'" % NAME)


census.ensure_mqueue()
before = census.take()
kind, limit = live_limit()
lossy = NAME == "udp"
largest = limit if limit else 1 << 20
sizes = sorted({s for s in (1, 64, 4096, 65536) if not limit or s <= limit} | {largest})

with tempfile.TemporaryDirectory() as out:
    r = run("-t", NAME, "-s", ",".join(map(str, sizes)), "-n", str(COUNT), "--warmup", "50",
            "-q", "-o", out)
    check(r.returncode == 0, "run exits 0 (got %d: %s)" % (r.returncode, r.stderr.strip()))
    rows = list(csv.DictReader(open(os.path.join(out, "summary.csv"))))
    check(len(rows) == 2 * len(sizes), "%d rows for %d sizes x 2 patterns" % (len(rows), len(sizes)))
    for row in rows:
        label = "%s %s %s" % (row["transport"], row["pattern"], row["size_bytes"])
        check(row["transport"] == NAME, label + ": transport column")
        check(row["status"] == "ok", label + ": status ok (got %r)" % row["status"])
        if row["status"] != "ok":
            continue
        msgs = int(row["messages"])
        if lossy:
            check(0 < msgs <= COUNT, label + ": 0 < messages <= %d (got %d)" % (COUNT, msgs))
        else:
            check(msgs == COUNT, label + ": all %d messages counted (got %d)" % (COUNT, msgs))
            check(row["errors"] == "0", label + ": no errors (got %s)" % row["errors"])
        check(float(row["msgs_per_s"]) > 0, label + ": a rate")
        if row["pattern"] == "pingpong":
            check(row["latency_kind"] == "rtt", label + ": rtt")
            p50, p99, mx = int(row["p50_ns"]), int(row["p99_ns"]), int(row["max_ns"])
            check(0 < p50 <= p99 <= mx, label + ": 0 < p50 <= p99 <= max")
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", NAME)  # shm/futex -> shm_futex
            hgrm = os.path.join(out, "hist", "%s-pingpong-%s.hgrm" % (safe, row["size_bytes"]))
            check(os.path.exists(hgrm), label + ": .hgrm written")

    if NAME.split("/")[0] == "shm":
        # an odd number of one-line slots: the second ring of the segment
        # must still start on a 128-byte boundary (UBSan checks alignment)
        r = run("-t", NAME, "-s", "32,100", "--ring-slots", "3", "-n", "500", "-q", "-o", out)
        rows = list(csv.DictReader(open(os.path.join(out, "summary.csv"))))
        check(r.returncode == 0 and len(rows) == 4 and all(x["status"] == "ok" for x in rows),
              "--ring-slots 3 at 32 and 100 B: every row ok (exit %d, %r; %s)"
              % (r.returncode, [x["status"] for x in rows], r.stderr.strip()[:300]))
        check("runtime error" not in r.stderr,
              "--ring-slots 3: no sanitizer report (%s)" % r.stderr.strip()[:300])

    if limit:
        over = limit + 1
        r = run("-t", NAME, "-s", str(over), "-q", "-o", out)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 2, "over the limit alone exits 2 (got %d)" % r.returncode)
        check(len(lines) == 1 and "limit of %d bytes" % limit in lines[0],
              "over the limit: one line naming the limit (got %r)" % r.stderr)
        r = run("-t", NAME, "-s", "64,%d" % over, "-n", "200", "-q", "-o", out)
        rows = list(csv.DictReader(open(os.path.join(out, "summary.csv"))))
        skipped = [x for x in rows if x["size_bytes"] == str(over)]
        check(r.returncode == 0, "a sweep with one impossible size still exits 0")
        check(len(skipped) == 2 and all(x["status"].startswith("skipped: ") for x in skipped),
              "over the limit in a sweep: skipped rows (got %r)" % [x["status"] for x in skipped])

    # a long run whose one side dies, or which is interrupted, once both
    # sides are in the transfer (by the driver's pidfds and the start
    # barrier's pipe, not by how long it has run: the hardware floor's
    # children come first, and under load for longer)
    def start_long(pattern):
        p = subprocess.Popen([BIN, "-t", NAME, "-s", str(min(64, largest)), "-p", pattern,
                              "-n", "100M", "-q",
                              "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
        return p, sides(p.pid, 2)

    def ended(p, what):
        """wait for the run; the time it took is printed, never judged (the
        timeout is for a hang; a hung run is interrupted, so that it still
        removes what it made)"""
        t0 = time.time()
        try:
            p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGINT)
            try:
                p.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate()
            check(False, what + ": the run must end")
            return None
        status = list(csv.DictReader(open(os.path.join(out, "summary.csv"))))[0]["status"]
        print("%s: ended %.2f s after, exit %d: %s" % (what, time.time() - t0, p.returncode,
                                                      status))
        return status

    for pattern, side, victim in (("pingpong", "consumer", 1), ("stream", "producer", 0)):
        p, kids = start_long(pattern)
        if check(len(kids) == 2, "%s: two sides forked (%s)" % (pattern, kids)):
            os.kill(kids[victim], signal.SIGKILL)   # by fork order: producer, consumer
        else:
            p.send_signal(signal.SIGINT)
        status = ended(p, "%s, %s killed" % (pattern, side))
        if status is not None:
            check(p.returncode == 1 and ("%s killed by signal 9" % side) in status,
                  "%s: a killed %s fails the run naming it (exit %d: %s)"
                  % (pattern, side, p.returncode, status))
    p, kids = start_long("pingpong")
    check(len(kids) == 2, "pingpong to interrupt: two sides forked (%s)" % kids)
    p.send_signal(signal.SIGINT)
    status = ended(p, "pingpong, SIGINT")
    if status is not None:
        check(p.returncode == 130 and status.startswith("interrupted"),
              "SIGINT ends the run with 130 (exit %d: %s)" % (p.returncode, status))

left = census.diff(before, census.take())
check(not left, "nothing left behind (found %s)" % left)
finish(NAME)
