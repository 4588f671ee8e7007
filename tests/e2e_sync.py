#!/usr/bin/env python3
"""End to end over `ipcbench sync`: a hand-off through every primitive that
has one passes every token asked for; contention under every lock keeps the
shared counter whole at 1 and 2 processes, with shares that add up; `none`
loses updates with two processes on two CPUs and says so as its result; a
bad --primitive is one line and exit 2; a hand-off's one-way times cut
each round trip in two (their mean is half the round trip's, their max no
more than its), contention rows have none; `sync -p handoff` and `-p
contention` run that pattern alone, a run pattern there is one line and
exit 2; nothing is left behind (System V semaphores through the ledger, lock
files in private directories)."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, rows_of, run, some_ran  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 3000
HANDOFF = ["posix-sem", "sysv-sem", "futex", "mutex", "eventfd", "rt-signal", "pipe",
           "flock", "fcntl"]
LOCKS = ["posix-sem", "sysv-sem", "mutex", "spin", "flock", "fcntl", "none"]


before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-sync-")

# every primitive, both patterns, one and two contenders
out = os.path.join(tmp, "all")
r = run("sync", "-q", "-n", str(COUNT), "--warmup", "100", "--procs", "1,2", "-o", out)
check(r.returncode == 0, "sync runs (exit %d): %s" % (r.returncode, r.stderr.strip()))
rows = rows_of(out) if os.path.exists(os.path.join(out, "summary.csv")) else []
by = {(x["transport"], x["pattern"]): x for x in rows}
for name in HANDOFF:
    x = by.get((name, "handoff"))
    if not check(x is not None, "%s has a handoff row" % name):
        continue
    if x["status"].startswith("skipped:"):
        print("note: %s handoff %s" % (name, x["status"]))
        continue
    check(x["status"] == "ok", "%s handoff ok (got %r)" % (name, x["status"]))
    check(x["messages"] == str(COUNT), "%s handoff: %s round trips, %d asked"
          % (name, x["messages"], COUNT))
    check(x["latency_kind"] == "rtt" and float(x["p50_ns"] or 0) > 0,
          "%s handoff: an rtt p50 above 0 (%r)" % (name, x["p50_ns"]))
    check(os.path.exists(os.path.join(out, "hist", "%s-handoff-64.hgrm" % name)),
          "%s handoff has its histogram" % name)
    ow = [int(x[k]) for k in ("oneway_min_ns", "oneway_p50_ns", "oneway_p99_ns",
                              "oneway_max_ns")]
    check(ow == sorted(ow) and ow[3] <= int(x["max_ns"]),
          "%s handoff: one-way min <= p50 <= p99 <= max <= the round trip's max %s (%r)"
          % (name, x["max_ns"], ow))
    # there + back is each round trip exactly, so their mean is half of its
    check(abs(2 * float(x["oneway_mean_ns"]) - float(x["mean_ns"])) <= 1.0,
          "%s handoff: one-way mean %s is half the round trip's %s"
          % (name, x["oneway_mean_ns"], x["mean_ns"]))
    check(x["oneway_there_p50_ns"] != "" and x["oneway_back_p50_ns"] != "",
          "%s handoff: a median each way" % name)
some_ran([by[(n, "handoff")] for n in HANDOFF if (n, "handoff") in by], "handoff")
for name in ["spin", "none"]:
    check((name, "handoff") not in by, "%s, a lock only, has no handoff row" % name)
for name in LOCKS:
    for n in (1, 2):
        x = by.get((name, "contention-%d" % n))
        if not check(x is not None, "%s has a contention-%d row" % (name, n)):
            continue
        if x["status"].startswith("skipped:"):
            print("note: %s contention-%d %s" % (name, n, x["status"]))
            continue
        check(x["status"] == "ok", "%s contention-%d ok: the counter was kept (got %r)"
              % (name, n, x["status"]))
        check(x["procs"] == str(n), "%s contention-%d: procs %s" % (name, n, x["procs"]))
        lo, hi = float(x["share_min"]), float(x["share_max"])
        check(0 <= lo <= 1.0 / n + 1e-3 <= hi + 2e-3 and hi <= 1.0 and
              (n > 1 or lo == hi == 1.0),
              "%s contention-%d: shares %g..%g hold 1/%d" % (name, n, lo, hi, n))
        check(float(x["msgs_per_s"]) > 0 and float(x["p50_ns"] or 0) > 0,
              "%s contention-%d: a rate and an acquire p50" % (name, n))
        check(x["oneway_p50_ns"] == "", "%s contention-%d has no one-way times" % (name, n))
        if name != "none" or n == 1:
            check(x["lost_updates"] == "0", "%s contention-%d: no lost updates (%s)"
                  % (name, n, x["lost_updates"]))

for n in (1, 2):
    some_ran([by[(x, "contention-%d" % n)] for x in LOCKS if (x, "contention-%d" % n) in by],
             "contention-%d" % n)

# no lock with two processes on two CPUs: the counter comes out short, as the
# row's result, not its failure
if len(os.sched_getaffinity(0)) < 2:
    print("note: one CPU only: two unlocked processes may never interleave; "
          "the lost-update check is skipped")
else:
    out = os.path.join(tmp, "none")
    r = run("sync", "--primitive", "none", "--procs", "2", "--cpu", "cross", "-n", "200000",
            "-o", out)
    check(r.returncode == 0, "none runs (exit %d): %s" % (r.returncode, r.stderr.strip()))
    x = rows_of(out)[0] if r.returncode == 0 else {}
    check(x.get("status") == "ok" and int(x.get("lost_updates") or 0) > 0,
          "none with 2 processes loses updates and is ok (%r, %r)"
          % (x.get("status"), x.get("lost_updates")))
    check("updates lost (no lock)" in r.stdout, "the table says the updates were lost")

# a bad name: one line, exit 2; sync options belong to sync
r = run("sync", "--primitive", "posix-sem,nosuch", "-o", os.path.join(tmp, "bad"))
check(r.returncode == 2 and r.stderr.count("\n") == 1 and "nosuch" in r.stderr,
      "a bad --primitive is one line and exit 2 (%d: %r)" % (r.returncode, r.stderr))
r = run("run", "--procs", "2", "-o", os.path.join(tmp, "bad2"))
check(r.returncode == 2 and "sync" in r.stderr, "--procs is refused by run (%r)" % r.stderr)
r = run("-p", "handoff", "-o", os.path.join(tmp, "bad3"))
check(r.returncode == 2 and "sync" in r.stderr, "run -p handoff points to sync (%r)" % r.stderr)
r = run("-t", "pipe", "-n", "50", "-s", "64", "-q", "-o", os.path.join(tmp, "run"))
pats = sorted({x["pattern"] for x in rows_of(os.path.join(tmp, "run"))}) if r.returncode == 0 else []
check(pats == ["pingpong", "stream"], "run runs data patterns only (%r)" % pats)

# -p chooses among sync's patterns; one of run's is refused
for pat, want in (("handoff", {"handoff"}), ("contention", {"contention-2"})):
    o = os.path.join(tmp, "only-" + pat)
    r = run("sync", "-p", pat, "--primitive", "posix-sem", "--procs", "2", "-n", "200", "-q",
            "-o", o)
    got = {x["pattern"] for x in rows_of(o)} if r.returncode == 0 else set()
    check(got == want, "sync -p %s runs %r alone (%r, %s)" % (pat, want, got, r.stderr.strip()))
r = run("sync", "-p", "pingpong", "-o", os.path.join(tmp, "bad4"))
check(r.returncode == 2 and r.stderr.count("\n") == 1 and "ipcbench run" in r.stderr,
      "sync -p pingpong: one line naming run, exit 2 (%d: %r)" % (r.returncode, r.stderr))

# the charts and the page of a sync run: its rows' patterns are known
o = os.path.join(tmp, "plotted")
r = run("sync", "-n", "500", "--primitive", "posix-sem,none", "--procs", "2",
        "-q", "-o", o)
p = run("plot", "-q", o)
check(r.returncode == 0 and p.returncode == 0,
      "plot works on a sync directory (%s)" % p.stderr.strip())
left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
subprocess.run(["rm", "-rf", tmp])
finish("e2e-sync")
