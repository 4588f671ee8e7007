#!/usr/bin/env python3
"""End to end over the rate pattern: a modest rate keeps its schedule; the
corrected percentiles (from the intended send time) are never below the
uncorrected ones (from the actual send time); a consumer stopped for 300 ms
shows in the corrected max while the run stays ok; the producer's lateness
columns are ordered, and its status says "producer late" exactly when that
lateness is over a tenth of the corrected p50 or p99; a producer stopped for
300 ms shows in its lateness columns and its status; a bad --rate is one
line and exit 2; nothing is left behind."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, killed_side, rows_of, run, sides  # noqa: E402

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
    lat50, lat99, behind = (int(x[k]) for k in ("lateness_p50_ns", "lateness_p99_ns",
                                                 "behind_max_ns"))
    check(lat50 <= lat99 <= behind,
          "%s: lateness p50 %d <= p99 %d <= max %d" % (name, lat50, lat99, behind))
    distorted = lat50 * 10 > int(x["p50_ns"]) or lat99 * 10 > int(x["p99_ns"])
    kept = not x["status"].startswith("ok, could not keep")   # which says more
    check(distorted == ("producer late" in x["status"]) or not kept,
          "%s: the status says the producer was late exactly when its lateness (p50 %d, "
          "p99 %d) is over a tenth of the corrected p50 %s or p99 %s (%r)"
          % (name, lat50, lat99, x["p50_ns"], x["p99_ns"], x["status"]))
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
# Where in the schedule (3101 messages, one a ms, the first 100 the warm-up)
# the consumer is, by its read calls: the barrier's one, then one per 64-byte
# message from its pipe. Stopped after reading message k (k >= 150), the next
# one was due at most 1 ms after the stop, so 300 ms stopped delay a timed
# message by at least 299 ms; read again while it is stopped, so it is exact.
def reads(pid):
    try:
        with open("/proc/%d/io" % pid) as f:
            return int(dict(x.split(": ") for x in f.read().splitlines())["syscr"])
    except (OSError, KeyError, ValueError):
        return -1


pair = sides(driver.pid, 2)
if check(len(pair) == 2, "the pair is up (%r)" % pair):
    consumer = pair[1]          # forked after the producer
    while 0 <= reads(consumer) < 1 + 150 and driver.poll() is None:
        time.sleep(0.005)
    os.kill(consumer, signal.SIGSTOP)
    at = reads(consumer) - 1
    time.sleep(0.3)
    os.kill(consumer, signal.SIGCONT)
    check(150 <= at <= 2800, "the consumer stopped after message %d of the 3101 scheduled, "
          "past the warm-up with 300 ms of the schedule still to come" % at)
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

# the producer stopped for 300 ms after its message k (k >= 150, by its
# write calls on the pipe): message k+1 was due at most 1 ms after the stop
# and left after it, 299 ms late at least; of the 299 due meanwhile, sent as
# fast as it can after, the 30th latest (the p99 of 3000) is 269 ms late
out = os.path.join(tmp, "late")
driver = subprocess.Popen([BIN, "-t", "pipe", "-p", "rate", "--rate", "1k", "-s", "64",
                           "-d", "3s", "--warmup", "100", "-q", "-o", out],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def writes(pid):
    try:
        with open("/proc/%d/io" % pid) as f:
            return int(dict(x.split(": ") for x in f.read().splitlines())["syscw"])
    except (OSError, KeyError, ValueError):
        return -1


pair = sides(driver.pid, 2)
if check(len(pair) == 2, "the pair is up (%r)" % pair):
    producer = pair[0]
    while 0 <= writes(producer) < 1 + 150 and driver.poll() is None:
        time.sleep(0.005)
    os.kill(producer, signal.SIGSTOP)
    at = writes(producer) - 1
    time.sleep(0.3)
    os.kill(producer, signal.SIGCONT)
    check(150 <= at <= 2800, "the producer stopped after message %d of the 3101" % at)
_, err = driver.communicate(timeout=120)
check(driver.returncode == 0, "the late run ends (exit %d): %s" % (driver.returncode, err))
rows = rows_of(out)
if check(len(rows) == 1, "the late run has its row"):
    x = rows[0]
    check(int(x["behind_max_ns"]) >= 299_000_000 and int(x["lateness_p99_ns"]) >= 250_000_000,
          "the producer's lateness holds the stop (p99 %s, max %s ns)"
          % (x["lateness_p99_ns"], x["behind_max_ns"]))
    check(x["status"].startswith("ok, could not keep"),
          "the late row says it could not keep its schedule (%r)" % x["status"])

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
check(all(x["lateness_p50_ns"] == "" and x["lateness_p99_ns"] == ""
          for x in rows_of(os.path.join(tmp, "default"))),
      "other patterns' rows have no lateness")

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
