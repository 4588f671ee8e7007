#!/usr/bin/env python3
"""End to end over the server pattern: one server and N clients in
ping-pong over every transport it admits (descriptors under each wait
strategy, io_uring included, the message queues through one request queue, the ring
transports), each row ok with N + 1 processes, round trips, requests per
second, the server's CPU per request and shares around 1/N; the transports
it cannot serve are skipped rows saying why; a killed client is named and
nothing is left; a bad --clients is one line and exit 2; the default
pattern set does not have it."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, killed_side, rows_of, run, run_rows  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 600
ADMITTED = ["pipe", "fifo", "unix", "unix-seqpacket", "unix-dgram", "tcp", "unix/epoll",
            "tcp/epoll", "unix/poll", "pipe/spin", "posix-mq", "sysv-mq", "posix-mq/epoll",
            "shm", "shm/futex", "shm/spin", "mmap", "sysv-shm", "unix/uring"]
SKIPPED = {"udp": "may lose a request"}

before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-server-")

out = os.path.join(tmp, "all")
r = run("-q", "-t", ",".join(ADMITTED + list(SKIPPED)), "-p", "server", "--clients", "1,3",
        "-s", "64", "-n", str(COUNT), "-o", out)
check(r.returncode == 0, "server runs (exit %d): %s" % (r.returncode, r.stderr.strip()))
by = {(x["transport"], x["pattern"]): x for x in rows_of(out)}
for name in ADMITTED:
    for n in (1, 3):
        x = by.get((name, "server-%d" % n))
        if not check(x is not None and x["status"] == "ok", "%s server-%d ok (%r)"
                     % (name, n, x and x["status"])):
            continue
        check(x["procs"] == str(n + 1), "%s server-%d: %s processes" % (name, n, x["procs"]))
        msgs = int(x["messages"])
        # the first client done stops the others: the first did all of its own
        check(COUNT <= msgs <= n * COUNT, "%s server-%d: %d requests served, %d to %d"
              % (name, n, msgs, COUNT, n * COUNT))
        lo, hi = float(x["share_min"]), float(x["share_max"])
        check(0.0 <= lo <= 1.0 / n + 1e-4 and 1.0 / n <= hi + 1e-4 and hi <= 1.0,
              "%s server-%d: shares %g..%g around 1/%d" % (name, n, lo, hi, n))
        check(x["latency_kind"] == "rtt" and float(x["p50_ns"] or 0) > 0
              and float(x["msgs_per_s"]) > 0 and float(x["timed_cpu_ns_per_msg"]) > 0,
              "%s server-%d: round trips, requests/s and the server's CPU (%r, %r, %r)"
              % (name, n, x["p50_ns"], x["msgs_per_s"], x["timed_cpu_ns_per_msg"]))
        check(int(x["errors"] or 0) == 0, "%s server-%d: no errors" % (name, n))
for name, why in SKIPPED.items():
    for n in (1, 3):
        x = by.get((name, "server-%d" % n), {})
        check(x.get("status", "").startswith("skipped:") and why in x.get("status", ""),
              "%s server-%d is skipped saying %r (%r)" % (name, n, why, x.get("status")))

# the signal transport has neither descriptors, a queue nor rings
rc, got, _ = run_rows(tmp, "signal", "-t", "signal", "-p", "server", "-s", "8", "-n", "100")
check(rc == 0 and len(got) == 1 and got[0].startswith("skipped:")
      and "cannot wait across" in got[0], "signal is skipped with the reason (%r)" % got)

# a message too short for the client's index
rc, got, _ = run_rows(tmp, "short", "-t", "pipe", "-p", "server", "-s", "4", "-n", "100")
check(rc == 0 and len(got) == 1 and "8 bytes" in got[0],
      "4-byte messages are skipped naming 8 bytes (%r)" % got)

# --verify full: every byte of every request and answer, at 4k
rc, got, _ = run_rows(tmp, "full", "-t", "unix/epoll,posix-mq,shm/futex", "-p", "server",
                      "--clients", "4", "-s", "4k", "-n", "300", "--verify", "full")
check(rc == 0 and got == ["ok"] * 3, "server at 4k with --verify full is ok (%r)" % got)

# bad --clients: one line, exit 2
for bad in ["0", "17", "x", "4,,8"]:
    r = run("-q", "-t", "pipe", "-p", "server", "--clients", bad, "-o",
            os.path.join(tmp, "bad"))
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
          and "--clients" in r.stderr,
          "--clients %s is one line and exit 2 (%d: %r)" % (bad, r.returncode, r.stderr))

# server runs when asked for, not by default
out = os.path.join(tmp, "default")
r = run("-q", "-t", "pipe", "-n", "200", "-o", out)
pats = [x["pattern"] for x in rows_of(out)]
check(r.returncode == 0 and not any(p.startswith("server") for p in pats),
      "the default patterns leave server out (%r)" % pats)

# --- a killed client is named, and every side is gone: a channel per
# client, the request queue, and the rings with their doorbell
for name in ["unix/epoll", "posix-mq", "shm/futex"]:
    killed_side(BIN, ["-t", name, "-p", "server", "--clients", "3", "-s", "64"], 4, 2,
                "failed: client 2 killed by signal 9 (SIGKILL)", "server-" + name.replace(
                    "/", "-"), tmp)

left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
subprocess.run(["rm", "-rf", tmp])
finish("e2e-server")
