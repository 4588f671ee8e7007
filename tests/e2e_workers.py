#!/usr/bin/env python3
"""End to end over the workers pattern: a dispatcher and N workers on one
shared queue over every transport that lets several processes share an end,
every request answered once and checked, shares around 1/N, wake-ups per
request counted; the other transports, a pipe above PIPE_BUF and messages
under 16 bytes are skipped rows saying why; a spoiled request is caught by
the worker that took it; a killed worker is named and nothing is left; bad
--workers and --work are one line and exit 2."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, killed_side, rows_of, run, run_rows  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 1000
WORKERS = 3
SHARED = ["pipe", "fifo", "unix-dgram", "posix-mq", "sysv-mq", "pipe/epoll", "posix-mq/epoll"]
NOT_SHARED = ["unix", "tcp", "shm"]

before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-workers-")

out = os.path.join(tmp, "all")
r = run("-q", "-t", ",".join(SHARED + NOT_SHARED + ["udp"]), "-p", "workers", "--workers",
        str(WORKERS), "--work", "5us", "-s", "64", "-n", str(COUNT), "-o", out)
check(r.returncode == 0, "workers runs (exit %d): %s" % (r.returncode, r.stderr.strip()))
by = {x["transport"]: x for x in rows_of(out)}
for name in SHARED:
    x = by.get(name)
    if not check(x is not None and x["status"] == "ok", "%s workers ok (%r)"
                 % (name, x and x["status"])):
        continue
    check(x["procs"] == str(WORKERS + 1), "%s: %s processes" % (name, x["procs"]))
    check(x["messages"] == str(COUNT), "%s: %s answers, %d requests" % (name, x["messages"],
                                                                        COUNT))
    lo, hi = float(x["share_min"]), float(x["share_max"])
    check(0.0 <= lo <= 1.0 / WORKERS + 1e-4 and 1.0 / WORKERS <= hi + 1e-4 and hi <= 1.0,
          "%s: shares %g..%g around 1/%d" % (name, lo, hi, WORKERS))
    check(x["latency_kind"] == "request" and float(x["p50_ns"] or 0) > 0
          and float(x["msgs_per_s"]) > 0 and float(x["wakeups_per_msg"]) >= 0,
          "%s: request latency, answers/s and wake-ups (%r, %r, %r)"
          % (name, x["p50_ns"], x["msgs_per_s"], x["wakeups_per_msg"]))
for name in NOT_SHARED:
    x = by.get(name, {})
    check(x.get("status") == "skipped: %s cannot share one receiving end among workers" % name,
          "%s is skipped with the reason (%r)" % (name, x.get("status")))
x = by.get("udp", {})
check(x.get("status", "").startswith("skipped:") and "without loss" in x.get("status", ""),
      "udp is skipped: it may lose a request (%r)" % x.get("status"))

# more work per request than the transfer: the row still balances the workers
out = os.path.join(tmp, "work")
r = run("-q", "-t", "posix-mq", "-p", "workers", "--workers", "2", "--work", "0,",
        "-n", "100", "-o", out)
check(r.returncode == 2, "--work takes one duration (%d)" % r.returncode)
for work in ["1ns", "100us"]:
    out = os.path.join(tmp, "work-" + work)
    r = run("-q", "-t", "posix-mq", "-p", "workers", "--workers", "2", "--work", work,
            "-s", "64", "-n", "300", "-o", out)
    rows = rows_of(out)
    check(r.returncode == 0 and len(rows) == 1 and rows[0]["status"] == "ok"
          and rows[0]["messages"] == "300",
          "--work %s: 300 answers (%r)" % (work, [(x["status"], x["messages"]) for x in rows]))

# sysv-mq's one queue carries requests and answers: 16 workers at 4k fit
rc, got, rows = run_rows(tmp, "sysv", "-t", "sysv-mq", "-p", "workers", "--workers", "16",
                         "--work", "1ns", "-s", "4k", "-n", "500")
check(rc == 0 and got == ["ok"] and rows[0]["messages"] == "500",
      "sysv-mq, 16 workers at 4k: 500 answers (%r)" % got)

# a pipe message above PIPE_BUF could be read in parts by two workers, and
# one under 16 bytes has no room for its send time
for size, why in [("8k", "PIPE_BUF"), ("8", "16 bytes")]:
    rc, got, _ = run_rows(tmp, "size-" + size, "-t", "pipe", "-p", "workers", "-s", size,
                          "-n", "100")
    check(rc == 0 and len(got) == 1 and got[0].startswith("skipped:") and why in got[0],
          "pipe at %s is skipped naming %s (%r)" % (size, why, got))

# request 500 spoiled by the dispatcher: the worker that took it fails the row
env = dict(os.environ, IPCBENCH_INJECT="seq:500")
for name in ["pipe", "posix-mq"]:
    rc, got, _ = run_rows(tmp, "inject-" + name, "-t", name, "-p", "workers", "-n", str(COUNT),
                          env=env)
    status = got[0] if got else ""
    check(rc == 1 and status.startswith("failed: worker ") and "request" in status,
          "%s: a spoiled request is caught by a worker (%r)" % (name, status))

# bad --workers and --work: one line, exit 2
for opt, bad in [("--workers", "0"), ("--workers", "17"), ("--workers", "x"),
                 ("--work", "x"), ("--work", "-1us")]:
    r = run("-q", "-t", "pipe", "-p", "workers", opt, bad, "-o", os.path.join(tmp, "bad"))
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and opt in r.stderr,
          "%s %s is one line and exit 2 (%d: %r)" % (opt, bad, r.returncode, r.stderr))

# --- a killed worker is named, and every side is gone
for name in ["posix-mq", "pipe"]:
    killed_side(BIN, ["-t", name, "-p", "workers", "--workers", "3", "-s", "64"], 4, 1,
                "failed: worker 1 killed by signal 9 (SIGKILL)", "workers-" + name, tmp)

left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
subprocess.run(["rm", "-rf", tmp])
finish("e2e-workers")
