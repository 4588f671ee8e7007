#!/usr/bin/env python3
"""End to end over the pipeline pattern: a 4-stage chain moves every message,
verified, over each transport that is not lossy, with hop_ns the median over
the three hops; udp is a skipped row with the reason; --stages 2 is a
stream-like row; a bad --stages is one line and exit 2; a message spoiled at
the source is caught by the first stage, which is named; a killed middle
stage is named; the default run leaves the pipeline out and -p all has it;
nothing is left behind."""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import alive, check, finish, rows_of, run, sides, some_ran, transports  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 2000
LOSS_REASON = "a pipeline over a lossy transport cannot tell loss from a slow stage"


census.ensure_mqueue()
before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-pipeline-")

# --- every transport but the variants, 4 stages, two sizes
out = os.path.join(tmp, "all")
r = run("-t", "all", "-p", "pipeline", "--stages", "4", "-s", "64,4k", "-n", str(COUNT),
        "-q", "-o", out)
check(r.returncode == 0, "a 4-stage pipeline on every transport (exit %d): %s"
      % (r.returncode, r.stderr.strip()))
rows = rows_of(out)
# -t all: what `ipcbench list` shows but the variants (<transport>/<strategy>)
bases = [n for n in transports(BIN) if "/" not in n]
check(len(rows) == 2 * len(bases) and sorted({x["transport"] for x in rows}) == sorted(bases),
      "a row per transport and size (%d rows, %d transports)" % (len(rows), len(bases)))
for row in rows:
    cell = "%s %s" % (row["transport"], row["size_bytes"])
    check(row["pattern"] == "pipeline", "%s: pattern pipeline" % cell)
    if row["transport"] == "udp":
        check(row["status"] == "skipped: " + LOSS_REASON,
              "%s: skipped with the reason, not %r" % (cell, row["status"]))
        check(row["hop_ns"] == "", "%s: no hop_ns" % cell)
        continue
    if row["status"].startswith("skipped"):
        print("note: %s %s" % (cell, row["status"]))  # refused by this machine
        continue
    check(row["status"] == "ok", "%s: ok, not %r" % (cell, row["status"]))
    if row["status"] != "ok":
        continue
    check(row["messages"] == str(COUNT), "%s: %s messages, not %d"
          % (cell, row["messages"], COUNT))
    check(row["procs"] == "4", "%s: 4 processes, not %s" % (cell, row["procs"]))
    check(row["latency_kind"] == "one-way", "%s: one-way latency" % cell)
    p50, hop = float(row["p50_ns"] or 0), float(row["hop_ns"] or 0)
    check(hop > 0 and abs(hop - p50 / 3) <= 1, "%s: hop_ns %s is p50 %s over 3 hops"
          % (cell, row["hop_ns"], row["p50_ns"]))
some_ran(rows, "a 4-stage pipeline on every transport")
check(any(row["transport"] == "udp" for row in rows), "udp has its rows")

# --- two stages: the source and the sink, stream's pair; hop_ns is p50
out = os.path.join(tmp, "two")
r = run("-t", "pipe", "-p", "stream,pipeline", "--stages", "2", "-s", "64",
        "-n", str(COUNT), "-q", "-o", out)
rows = {row["pattern"]: row for row in rows_of(out)}
check(r.returncode == 0 and set(rows) == {"stream", "pipeline"},
      "--stages 2 runs beside stream (exit %d): %s" % (r.returncode, r.stderr.strip()))
if set(rows) == {"stream", "pipeline"}:
    s, p = rows["stream"], rows["pipeline"]
    for col in ("status", "messages", "procs", "latency_kind"):
        check(s[col] == p[col], "--stages 2: %s %r as stream's %r" % (col, p[col], s[col]))
    check(p["hop_ns"] and float(p["hop_ns"]) == float(p["p50_ns"]),
          "--stages 2: hop_ns %s is p50 %s" % (p["hop_ns"], p["p50_ns"]))
    check(s["hop_ns"] == "", "stream rows have no hop_ns")

# --- under 16 bytes no message carries its send time: throughput only
out = os.path.join(tmp, "small")
r = run("-t", "pipe", "-p", "pipeline", "-s", "8", "-n", str(COUNT), "-q", "-o", out)
rows = rows_of(out)
check(r.returncode == 0 and len(rows) == 1 and rows[0]["status"] == "ok" and
      rows[0]["p50_ns"] == "" and rows[0]["hop_ns"] == "" and float(rows[0]["msgs_per_s"]) > 0,
      "8-byte messages: throughput, no latency (%s)" % (rows[0] if rows else r.stderr))

# --- bad --stages: one line, exit 2
for bad in (["--stages", "1"], ["--stages", "34"], ["--stages", "x"], ["--stages", ""]):
    r = run("-t", "pipe", "-p", "pipeline", *bad, "-n", "10", "-q")
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and len(lines) == 1 and "--stages" in r.stderr,
          "%s: one line and exit 2 (exit %d): %r" % (" ".join(bad), r.returncode, r.stderr))
r = run("-t", "pipe", "-p", "stream", "--stages", "3", "-n", "10", "-q")
check(r.returncode == 2 and "pipeline" in r.stderr,
      "--stages without the pipeline pattern is refused (exit %d): %r"
      % (r.returncode, r.stderr))

# --- the default run is pingpong and stream; -p all adds the pipeline
for args, want in ((["-n", "50"], ["pingpong", "stream"]),
                   (["-p", "all", "-n", "50"], ["pingpong", "stream", "pipeline"])):
    out = os.path.join(tmp, "default" if len(args) == 2 else "every")
    r = run("-t", "pipe", "-s", "64", "-q", "-o", out, *args)
    got = [row["pattern"] for row in rows_of(out)]
    # -p all holds every other pattern run on request too (fanin, rate)
    fits = got == want if len(args) == 2 else [g for g in got if g in want] == want
    check(r.returncode == 0 and fits, "%s: patterns %s, wanted %s"
          % (" ".join(args), got, want))

# --- a message spoiled at the source is caught by stage 1, which says so
for t in ("pipe", "shm", "posix-mq"):
    out = os.path.join(tmp, "inject-" + t.replace("/", "-"))
    r = run("-t", t, "-p", "pipeline", "--stages", "4", "-s", "64", "-n", str(COUNT),
            "-q", "-o", out, IPCBENCH_INJECT="seq:700")
    rows = rows_of(out)
    status = rows[0]["status"] if rows else r.stderr
    check(r.returncode == 1 and status.startswith("failed: stage 1: message 700"),
          "%s: the spoiled message is caught at stage 1 (exit %d): %s"
          % (t, r.returncode, status))

# --- a killed middle stage is named, and every side is gone
out = os.path.join(tmp, "killed")
p = subprocess.Popen([BIN, "-t", "shm", "-p", "pipeline", "--stages", "4", "-s", "64",
                      "-d", "30s", "-q", "-o", out],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
stages = sides(p.pid, 4)   # in fork order, in the transfer
if check(len(stages) == 4, "four sides forked (%s)" % stages):
    os.kill(stages[2], signal.SIGKILL)   # side 2: the second middle stage
else:
    p.send_signal(signal.SIGINT)
p.communicate(timeout=120)
rows = rows_of(out)
status = rows[0]["status"] if rows else ""
check(p.returncode == 1 and status == "failed: stage 2 killed by signal 9 (SIGKILL)",
      "a killed stage is named (exit %d): %r" % (p.returncode, status))
check(not any(alive(s) for s in stages), "no side outlives the run")

left = census.diff(before, census.take())
check(not left, "nothing left behind: %s" % left)
finish("e2e-pipeline")
