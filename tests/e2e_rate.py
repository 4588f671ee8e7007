#!/usr/bin/env python3
"""End to end over the rate pattern: a modest rate keeps its schedule; the
corrected percentiles (from the intended send time) are never below the
uncorrected ones (from the actual send time); a consumer stopped for 300 ms
shows in the corrected max while the run stays ok; a bad --rate is one line
and exit 2; nothing is left behind."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, children, finish, killed_side, rows_of, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
PAIRS = [("p50_ns", "p50_uncorrected_ns"), ("p90_ns", "p90_uncorrected_ns"),
         ("p99_ns", "p99_uncorrected_ns"), ("p999_ns", "p999_uncorrected_ns"),
         ("max_ns", "max_uncorrected_ns")]


before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-rate-")

# a modest rate: kept, and the corrected view never below the uncorrected
out = os.path.join(tmp, "modest")
r = run("-t", "pipe,shm", "-p", "rate", "--rate", "5k", "-s", "64", "-d", "1s", "-q", "-o", out)
check(r.returncode == 0, "rate runs (exit %d): %s" % (r.returncode, r.stderr.strip()))
rows = rows_of(out)
check(len(rows) == 2, "a row per transport (%d)" % len(rows))
for x in rows:
    name = "%s %s" % (x["transport"], x["pattern"])
    check(x["pattern"] == "rate-5000", "%s: the row is named after its rate" % name)
    if not check(x["status"].startswith("ok"), "%s ok (%r)" % (name, x["status"])):
        continue
    offered, achieved = float(x["offered_per_s"]), float(x["achieved_per_s"])
    check(offered == 5000, "%s offers 5000/s (%r)" % (name, offered))
    check(abs(achieved - offered) <= 0.1 * offered,
          "%s keeps its schedule: %.0f/s of %.0f/s" % (name, achieved, offered))
    for corrected, uncorrected in PAIRS:
        if x[corrected] and x[uncorrected]:
            check(int(x[corrected]) >= int(x[uncorrected]),
                  "%s: %s %s >= %s %s" % (name, corrected, x[corrected], uncorrected,
                                          x[uncorrected]))
    for suffix in (".hgrm", ".uncorrected.hgrm"):
        check(os.path.exists(os.path.join(out, "hist", "%s-rate-5000-64%s"
                                          % (x["transport"], suffix))),
              "%s has its %s histogram" % (name, suffix))

# the chart of latency against load, when gnuplot is there
if shutil.which("gnuplot"):
    p = run("plot", "-q", out)
    check(p.returncode == 0 and
          os.path.exists(os.path.join(out, "plots", "latency_vs_load-64.png")),
          "plot draws latency_vs_load-64 (%s)" % p.stderr.strip())

# the consumer stopped for 300 ms: every message due meanwhile waited for it
out = os.path.join(tmp, "stall")
driver = subprocess.Popen([BIN, "-t", "pipe", "-p", "rate", "--rate", "1k", "-s", "64",
                           "-d", "3s", "--warmup", "100", "-q", "-o", out],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
# the pair: two children that stay, past the warm-up (anything the driver
# forks before the measurement comes and goes)
pids, since, deadline = [], time.time(), time.time() + 20
while time.time() < deadline and not (len(pids) == 2 and time.time() - since >= 0.8):
    time.sleep(0.02)
    now = children(driver.pid)
    if now != pids:
        pids, since = now, time.time()
if check(len(pids) == 2, "the pair is up (%r)" % pids):
    consumer = max(pids)        # forked after the producer
    os.kill(consumer, signal.SIGSTOP)
    time.sleep(0.3)
    os.kill(consumer, signal.SIGCONT)
_, err = driver.communicate(timeout=120)
check(driver.returncode == 0, "the stalled run ends (exit %d): %s" % (driver.returncode, err))
rows = rows_of(out)
if check(len(rows) == 1 and rows[0]["status"].startswith("ok"),
         "the stalled run is ok (%r)" % [x["status"] for x in rows]):
    x = rows[0]
    check(int(x["max_ns"]) >= 250_000_000,
          "the corrected max holds the stall (%s ns)" % x["max_ns"])
    check(int(x["max_ns"]) >= int(x["max_uncorrected_ns"]),
          "corrected max %s >= uncorrected %s" % (x["max_ns"], x["max_uncorrected_ns"]))

# too small for both send times and the tail stamp: skipped, saying why
out = os.path.join(tmp, "small")
r = run("-t", "pipe", "-p", "rate", "--rate", "1k", "-s", "24", "-n", "100", "-q", "-o", out)
rows = rows_of(out)
check(r.returncode == 0 and len(rows) == 1 and rows[0]["status"].startswith("skipped:"),
      "24-byte messages are skipped (%r)" % [x["status"] for x in rows])

# bad --rate, and --rate without the pattern
for bad in (["-p", "rate", "--rate", "fast"], ["-p", "rate", "--rate", "0"],
            ["-p", "rate", "--rate", "10k,,20k"], ["-p", "stream", "--rate", "10k"]):
    r = run("-t", "pipe", *bad, "-o", os.path.join(tmp, "bad"))
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1,
          "%s: one line and exit 2 (%d: %r)" % (" ".join(bad), r.returncode, r.stderr))

# rate is run only when asked for
r = run("-t", "pipe", "-n", "50", "-s", "64", "-q", "-o", os.path.join(tmp, "default"))
pats = sorted({x["pattern"] for x in rows_of(os.path.join(tmp, "default"))})
check(pats == ["pingpong", "stream"], "the default runs pingpong and stream (%r)" % pats)

# --- percentages of the maximum: measured first, recorded, and offered
o = os.path.join(tmp, "pct")
r = run("-t", "pipe", "-p", "rate", "--rate", "10%,30%", "-s", "64", "-d", "300ms", "-q",
        "-o", o)
rows = rows_of(o)
check(r.returncode == 0 and [x["pattern"] for x in rows] == ["rate-10pct", "rate-30pct"],
      "--rate 10%%,30%%: a row each (%s)" % r.stderr.strip())
for x in rows:
    pct = float(x["pattern"][len("rate-"):-len("pct")])
    check(float(x["max_per_s"]) > 0 and
          abs(float(x["offered_per_s"]) - float(x["max_per_s"]) * pct / 100) <= 1.0,
          "%s offers %g%% of the measured maximum (%s of %s)" % (x["pattern"], pct,
                                                              x["offered_per_s"], x["max_per_s"]))
for bad in ("0%", "x%", "%"):
    r = run("-t", "pipe", "-p", "rate", "--rate", bad)
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1,
          "--rate %s: one line, exit 2 (%s)" % (bad, r.stderr.strip()))

# --- a killed side is named, and every side is gone
killed_side(BIN, ["-t", "pipe", "-p", "rate", "--rate", "5k", "-s", "64"], 2, 1,
            "failed: consumer killed by signal 9 (SIGKILL)", "rate", tmp)

left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
subprocess.run(["rm", "-rf", tmp])
finish("e2e-rate")
