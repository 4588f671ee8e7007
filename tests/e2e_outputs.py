#!/usr/bin/env python3
"""Results that are never lost and streams that parse: a run killed with
SIGKILL keeps every cell it finished; --json -, --csv - and --json-stream -
leave stdout to the data; an output that cannot be written stops the run
before anything is measured; the environment's limits are named with what
to change."""
import csv
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, children, finish, gone, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
census.ensure_mqueue()
before = census.take()
work = tempfile.mkdtemp(prefix="e2e-outputs-")


# --- SIGKILL in the middle of a sweep keeps every finished cell
out = os.path.join(work, "killed")
stream = os.path.join(work, "killed.jsonl")
SWEPT, SIZES = ["pipe", "unix", "tcp", "shm"], ["64", "4k"]
CELLS = len(SWEPT) * len(SIZES) * 2   # and the two default patterns
p = subprocess.Popen([BIN, "-t", ",".join(SWEPT), "-s", ",".join(SIZES), "-d", "300ms", "-q",
                      "-o", out, "--json-stream", stream],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
summary = os.path.join(out, "summary.csv")
deadline = time.time() + 60
while time.time() < deadline and p.poll() is None:
    try:
        if len(open(summary).read().splitlines()) >= 4:  # the header and three cells
            break
    except OSError:
        pass
    time.sleep(0.05)
kids = children(p.pid)
p.send_signal(signal.SIGKILL)
p.wait()
gone(kids)  # the running cell's sides, before cleanup looks for what they held
rows = list(csv.DictReader(open(summary)))
lines = [json.loads(x) for x in open(stream).read().splitlines()]
check(3 <= len(rows) < CELLS, "summary.csv holds the finished cells (%d)" % len(rows))
check(all(r["status"] == "ok" for r in rows), "each finished cell is whole and ok")
# summary.csv is the record of what finished: what a row names is written
# before it, so the stream and hist/ may also hold the one cell being
# recorded when the kill came, never less than the rows
cells = [(r["transport"], r["pattern"], r["size_bytes"]) for r in rows]
streamed = [(x["transport"], x["pattern"], str(x["size_bytes"])) for x in lines]
check(streamed[:len(cells)] == cells and len(streamed) <= len(cells) + 1,
      "--json-stream holds the same cells, a parsable line each (%d rows, %d lines)"
      % (len(cells), len(streamed)))
hgrm = sorted(os.listdir(os.path.join(out, "hist")))
timed = {"%s-%s-%s.hgrm" % (r["transport"], r["pattern"], r["size_bytes"])
         for r in rows if r["p50_ns"]}
check(timed <= set(hgrm) and len(set(hgrm) - timed) <= 1,
      "a histogram for every finished timed cell (%s; rows name %s)" % (hgrm, sorted(timed)))


def whole_hgrm(name):
    with open(os.path.join(out, "hist", name)) as f:
        text = f.read().splitlines()
    return bool(text) and text[-1].startswith("#[Buckets")


check(all(whole_hgrm(h) for h in sorted(timed & set(hgrm))),
      "each finished cell's histogram is whole")
meta = json.load(open(os.path.join(out, "meta.json")))
check(meta.get("complete") is False, "meta.json says the run is not complete")
r = run("plot", "-q", out)
check(r.returncode == 0, "plot works on the killed run's directory (%s)" % r.stderr.strip())
svg = open(os.path.join(out, "plots", "throughput_by_size.svg")).read()
check("incomplete run" in svg, "its charts say the run is incomplete")
run("cleanup")  # the cell that was running when the driver died

# --- a finished run says so
r = run("-t", "pipe", "-s", "64", "-n", "300", "-q", "-o", os.path.join(work, "whole"))
meta = json.load(open(os.path.join(work, "whole", "meta.json")))
check(r.returncode == 0 and meta.get("complete") is True and meta.get("floor") is not None,
      "a finished run's meta.json is complete, with its floor")

env = meta.get("environment", {})
want = ["smt_threads_per_core", "producer_cpu_topology", "consumer_cpu_topology",
        "cpufreq_governor", "energy_performance_preference", "boost", "hypervisor",
        "clocksource", "clock_resolution_ns", "isolated_cpus", "nohz_full", "affinity",
        "numa_nodes", "compiler", "libc", "kernel.msgmax", "kernel.msgmnb",
        "fs.mqueue.msgsize_max", "fs.mqueue.msg_max", "net.core.wmem_max",
        "net.core.rmem_max", "fs.pipe-max-size"]
check(all(k in env for k in want), "meta.json's environment has every field (missing: %s)"
      % [k for k in want if k not in env])
check(env.get("clock_resolution_ns") is not None and env.get("libc", "").startswith("glibc"),
      "what every Linux shows is read, not null")
plan = meta.get("plan", {})
check(plan.get("transports") == ["pipe"] and plan.get("sizes_bytes") == [64] and
      plan.get("count") == 300 and plan.get("patterns") == ["pingpong", "stream"],
      "meta.json's plan holds each parameter as a field (%s)" % plan)

# --- --repeat: round by round, the medians, intervals that hold them
o = os.path.join(work, "repeat")
r = run("-t", "pipe,shm", "-s", "64", "-p", "pingpong", "-n", "1000", "--repeat", "3", "-q",
        "-o", o)
rows = list(csv.DictReader(open(os.path.join(o, "summary.csv"))))
reps = list(csv.DictReader(open(os.path.join(o, "repeats.csv"))))
check(r.returncode == 0 and [(x["round"], x["transport"]) for x in reps] ==
      [("1", "pipe"), ("1", "shm"), ("2", "pipe"), ("2", "shm"), ("3", "pipe"), ("3", "shm")],
      "repeats.csv: every cell once per round, interleaved (%s)"
      % [(x["round"], x["transport"]) for x in reps])
for row in rows:
    mine = [x for x in reps if x["transport"] == row["transport"]]
    p50s = sorted(int(x["p50_ns"]) for x in mine)
    rates = sorted(float(x["msgs_per_s"]) for x in mine)
    check(row["repeats"] == "3" and int(row["messages"]) == 3000,
          "%s: 3 repeats of 1000 messages" % row["transport"])
    check(int(row["p50_ns"]) == p50s[1] and abs(float(row["msgs_per_s"]) - rates[1]) < 0.11,
          "%s: p50 and msgs/s are the medians of the repeats" % row["transport"])
    check(float(row["p50_ns_ci_low"]) <= int(row["p50_ns"]) <= float(row["p50_ns_ci_high"]) and
          float(row["msgs_per_s_ci_low"]) <= float(row["msgs_per_s"]) <=
          float(row["msgs_per_s_ci_high"]) and
          float(row["p99_ns_ci_low"]) <= int(row["p99_ns"]) <= float(row["p99_ns_ci_high"]),
          "%s: each interval holds its median" % row["transport"])
for bad in ("0", "101", "x"):
    r = run("-t", "pipe", "--repeat", bad)
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1,
          "--repeat %s: one line, exit 2 (%s)" % (bad, r.stderr.strip()))

# --- streams on stdout: the data alone, the table on stderr
r = run("-t", "pipe", "-s", "64", "-n", "300", "-o", os.path.join(work, "j"), "--json", "-")
try:
    doc = json.loads(r.stdout)
    check(len(doc["results"]) == 2, "--json - gives one document with both cells")
except ValueError as e:
    check(False, "--json - parses whole (%s: %r)" % (e, r.stdout[:200]))
check("transport" in r.stderr and "p50" in r.stderr, "the table went to stderr")
r = run("-t", "pipe", "-s", "64", "-n", "300", "-o", os.path.join(work, "c"), "--csv", "-")
rows = list(csv.DictReader(io.StringIO(r.stdout)))
check(r.returncode == 0 and len(rows) == 2 and rows[0]["status"] == "ok",
      "--csv - gives the CSV alone on stdout")
r = run("-t", "pipe", "-s", "64", "-n", "300", "-q", "-o", os.path.join(work, "s"),
        "--json-stream", "-")
check(r.returncode == 0 and [json.loads(x)["pattern"] for x in r.stdout.splitlines()] ==
      ["pingpong", "stream"], "--json-stream - gives a line per cell")

# --- an output that cannot be written: exit 2, nothing measured
for args in (["--json", "/proc/no/such"], ["--csv", os.path.join(work, "none", "x.csv")],
             ["--json-stream", "/proc/no/such"], ["--json", "-", "--csv", "-"]):
    o = os.path.join(work, "refused")
    r = run("-t", "pipe", "-s", "64", "-n", "300", "-o", o, *args)
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and
          not os.path.exists(o),
          "%s: exit 2, one line, nothing measured (%d: %s)" % (" ".join(args), r.returncode,
                                                             r.stderr.strip()))

# --- the environment's limits, each named with what to change
r = run("-t", "fifo", "-s", "64", "-o", os.path.join(work, "tmpdir"),
        env=dict(os.environ, TMPDIR=os.path.join(work, "no-such-dir")))
check(r.returncode == 2 and "TMPDIR=" in r.stderr and "unset it" in r.stderr,
      "a TMPDIR that is not there is named (%s)" % r.stderr.strip())
if os.geteuid() == 0:
    # the process limit binds only a user without CAP_SYS_RESOURCE: run a copy
    # of the binary (the checkout may sit in a 0700 home) as nobody
    alone = tempfile.mkdtemp(prefix="e2e-outputs-nobody-")
    os.chmod(alone, 0o755)
    copy = os.path.join(alone, "ipcbench")
    shutil.copy(BIN, copy)
    o = os.path.join(alone, "out")
    os.makedirs(o)
    os.chown(o, 65534, 65534)

    def nobody_few_procs():
        os.setgid(65534)
        os.setuid(65534)
        resource.setrlimit(resource.RLIMIT_NPROC, (1, 1))
    r = run("-t", "pipe", "-s", "64", "-p", "pingpong", "-n", "100", "-q",
            "-o", o, preexec_fn=nobody_few_procs,
            env=dict(os.environ, TMPDIR="/tmp"), binary=copy)
    try:
        status = list(csv.DictReader(open(os.path.join(o, "summary.csv"))))[0]["status"]
    except (OSError, IndexError):
        status = r.stderr
    # (under the sanitizers LeakSanitizer's own fork fails too, so the exit
    # status is its; the row says what matters either way)
    check(r.returncode != 0 and "ulimit -u" in status,
          "a process limit is named with how to raise it (%s)" % status)
    shutil.rmtree(alone, ignore_errors=True)

shutil.rmtree(work, ignore_errors=True)
left = census.diff(before, census.take())
check(not left, "nothing left behind (found %s)" % left)
finish("outputs")
