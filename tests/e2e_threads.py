#!/usr/bin/env python3
"""End to end over --sides threads: the same verified transfers as with
processes (pingpong and stream at two sizes, every message counted) for
pipe, unix, tcp, posix-mq, sysv-mq, fifo, shm/spin and shm/futex, and the
server and workers patterns, each row saying `threads` in its sides column
and meta.json's plan saying so; the transports that wake their peer by pid
(signal, shm/signal, sync's rt-signal) are skipped rows saying why; sync's
futex hand-off runs; a spoiled message fails the row naming its side; the
process of the threads killed is named, a stopped one is caught by the
watchdog, and nothing is left behind."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import alive, check, finish, gone, killed_side, rows_of, run, sides  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 2000
TRANSPORTS = ["pipe", "unix", "tcp", "posix-mq", "sysv-mq", "fifo", "shm/spin", "shm/futex"]

before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-threads-")


def plan_sides(out):
    with open(os.path.join(out, "meta.json")) as f:
        return json.load(f)["plan"].get("sides")


for how in ["threads", "processes"]:
    out = os.path.join(tmp, how)
    r = run("-q", "--sides", how, "-t", ",".join(TRANSPORTS), "-p", "pingpong,stream",
            "-s", "64,4k", "-n", str(COUNT), "-o", out)
    check(r.returncode == 0, "%s: runs (exit %d): %s" % (how, r.returncode, r.stderr.strip()))
    rows = rows_of(out)
    check(len(rows) == len(TRANSPORTS) * 4, "%s: %d rows" % (how, len(rows)))
    for x in rows:
        cell = "%s %s %s %s" % (how, x["transport"], x["pattern"], x["size_bytes"])
        check(x["status"] == "ok" and x["sides"] == how,
              "%s: ok, sides %r (%r)" % (cell, x["sides"], x["status"]))
        check(x["messages"] == str(COUNT) and int(x["errors"] or 0) == 0,
              "%s: %s messages, all there" % (cell, x["messages"]))
        check(float(x["cpu_ns_per_msg"] or 0) > 0, "%s: a thread's CPU is measured" % cell)
    check(plan_sides(out) == how, "%s: meta.json plan.sides is %r" % (how, plan_sides(out)))

# every byte of every message between threads
out = os.path.join(tmp, "full")
r = run("-q", "--sides", "threads", "-t", "pipe,unix,tcp,posix-mq,shm/spin,shm/futex", "-p",
        "pingpong,stream", "-s", "8k", "-n", "500", "--verify", "full", "-o", out)
got = [(x["transport"], x["pattern"], x["status"]) for x in rows_of(out)]
check(r.returncode == 0 and len(got) == 12 and all(s == "ok" for _, _, s in got),
      "threads with --verify full at 8k: all ok (%r)" % got)

# the many-sided patterns between threads
out = os.path.join(tmp, "patterns")
r = run("-q", "--sides", "threads", "-t", "pipe,unix/epoll,posix-mq,shm/futex", "-p",
        "server,workers", "--clients", "3", "--workers", "3", "-s", "64", "-n", "500",
        "-o", out)
rows = {(x["transport"], x["pattern"]): x for x in rows_of(out)}
for key in [("pipe", "server-3"), ("unix/epoll", "server-3"), ("posix-mq", "server-3"),
            ("shm/futex", "server-3"), ("pipe", "workers"), ("posix-mq", "workers")]:
    x = rows.get(key, {})
    check(x.get("status") == "ok" and x.get("sides") == "threads" and x.get("procs") == "4",
          "threads %s %s ok with 4 sides (%r)" % (key + (x.get("status"),)))

# signals to a pid cannot reach one thread
out = os.path.join(tmp, "signal")
r = run("-q", "--sides", "threads", "-t", "signal,shm/signal", "-p", "pingpong", "-s", "8",
        "-n", "200", "-o", out)
for x in rows_of(out):
    check(x["status"].startswith("skipped: %s addresses its peer by process" % x["transport"]),
          "threads %s is skipped with the reason (%r)" % (x["transport"], x["status"]))
out = os.path.join(tmp, "sync")
r = run("sync", "-q", "--sides", "threads", "--primitive", "futex,rt-signal", "-n", "2000",
        "-o", out)
rows = {(x["transport"], x["pattern"]): x for x in rows_of(out)}
x = rows.get(("futex", "handoff"), {})
check(x.get("status") == "ok" and x.get("sides") == "threads",
      "sync futex hand-off between threads (%r)" % x.get("status"))
x = rows.get(("rt-signal", "handoff"), {})
check(x.get("status", "").startswith("skipped:"), "sync rt-signal is skipped (%r)"
      % x.get("status"))

# a spoiled message fails the row, naming the side that saw it
env = dict(os.environ, IPCBENCH_INJECT="seq:700")
for name in ["pipe", "shm/futex"]:
    out = os.path.join(tmp, "inject-" + name.replace("/", "-"))
    r = run("-q", "--sides", "threads", "-t", name, "-p", "stream", "-s", "64", "-n", "2000",
            "-o", out, env=env)
    rows = rows_of(out)
    status = rows[0]["status"] if rows else ""
    check(r.returncode == 1 and status.startswith("failed: consumer: ") and "700" in status,
          "threads %s: the spoiled message is named by the consumer (%r)" % (name, status))

# the one process of the threads killed: named, nothing outlives it
killed_side(BIN, ["--sides", "threads", "-t", "pipe", "-p", "pingpong", "-s", "64"], 1, 0,
            "failed: the process of the sides' threads killed by signal 9 (SIGKILL)",
            "threads", tmp)

# stopped: the watchdog fails the row and kills it
out = os.path.join(tmp, "stopped")
p = subprocess.Popen([BIN, "--sides", "threads", "-t", "posix-mq", "-p", "pingpong", "-s",
                      "64", "-d", "30s", "--timeout", "1s", "-q", "-o", out],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
found = sides(p.pid, 1)
if check(len(found) == 1, "the process of the threads is there (%s)" % found):
    os.kill(found[0], signal.SIGSTOP)
p.communicate(timeout=120)
rows = rows_of(out)
status = rows[0]["status"] if rows else ""
check(p.returncode == 1 and status.startswith("failed: no progress for 1 s"),
      "a stopped process of threads times out (%d): %r" % (p.returncode, status))
check(gone(found, 30), "the stopped process is gone")
time.sleep(0.1)
check(not any(alive(k) for k in found), "no side outlives the run")

left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
subprocess.run(["rm", "-rf", tmp])
finish("e2e-threads")
