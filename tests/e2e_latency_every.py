#!/usr/bin/env python3
"""End to end over stream's --latency-every: one message in N carries its
send time into the histogram, the row's latency_every column says N and
the histogram holds one count per such message, while every message is
still counted and checked (a spoiled message that carries no send time
fails the run), and a note after the table says so; 1 times every message; auto times every message of a
transport whose messages cost far more than two clock reads (pipe at
64 KiB) and never more than one in 64; a bad value, or the option without
stream, is one line and exit 2; nothing is left behind."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, rows_of, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 8000


def hist_total(out, row):
    """the Total count of the row's .hgrm file"""
    name = "%s-%s-%s.hgrm" % (row["transport"].replace("/", "_"), row["pattern"], row["size_bytes"])
    with open(os.path.join(out, "hist", name)) as f:
        m = re.search(r"Total count\s*=\s*(\d+)", f.read())
    return int(m.group(1)) if m else -1


before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-latency-every-")

for every in (8, 1):
    out = os.path.join(tmp, "every-%d" % every)
    r = run("-t", "shm,pipe", "-p", "stream", "-s", "64", "-n", str(COUNT),
            "--latency-every", str(every), "-q", "-o", out)
    check(r.returncode == 0, "--latency-every %d runs (exit %d): %s"
          % (every, r.returncode, r.stderr.strip()))
    for x in rows_of(out):
        name = "%s at --latency-every %d" % (x["transport"], every)
        if not check(x["status"] == "ok", "%s ok (%r)" % (name, x["status"])):
            continue
        check(x["latency_every"] == str(every), "%s: latency_every is %d (%r)"
              % (name, every, x["latency_every"]))
        total = hist_total(out, x)
        check(total == -(-COUNT // every), "%s: the histogram holds %d of the %d messages (%d)"
              % (name, COUNT // every, COUNT, total))
        check(float(x["msgs_per_s"]) > 0, "%s: every message counts in the throughput" % name)

# the run says, after its table, that some rows' latency is a sample
for every, said in (("8", True), ("1", False)):
    r = run("-t", "shm", "-p", "stream", "-s", "64", "-n", "4000", "--latency-every", every,
            "-o", os.path.join(tmp, "note-%s" % every))
    noted = "the latency of one message in 8," in r.stderr
    check(r.returncode == 0 and noted == said,
          "--latency-every %s: a note on stderr %s (%r)"
          % (every, "names the sample" if said else "is not written", r.stderr[-300:]))

# a message that carries no send time is checked all the same
out = os.path.join(tmp, "spoiled")
r = run("-t", "shm", "-p", "stream", "-s", "64", "-n", str(COUNT), "--latency-every", "8",
        "-q", "-o", out, IPCBENCH_INJECT="seq:1003")
rows = rows_of(out)
check(r.returncode != 0 and rows and rows[0]["status"] != "ok",
      "a spoiled untimed message fails the run (exit %d, %r)"
      % (r.returncode, rows[0]["status"] if rows else None))

# auto: a pipe's 64 KiB message costs far more than two clock reads; the
# spin ring's small ones are sampled, never more sparsely than 1 in 64
out = os.path.join(tmp, "auto")
r = run("-t", "pipe,shm/spin", "-p", "stream", "-s", "64k,64", "-n", "4000", "--cpu", "cross",
        "-q", "-o", out)
check(r.returncode == 0, "auto runs (exit %d): %s" % (r.returncode, r.stderr.strip()))
for x in rows_of(out):
    if x["status"] != "ok":
        continue
    every = int(x["latency_every"])
    name = "%s %s B auto" % (x["transport"], x["size_bytes"])
    check(1 <= every <= 64 and every & (every - 1) == 0,
          "%s: a power of two up to 64 (%d)" % (name, every))
    if x["transport"] == "pipe" and x["size_bytes"] == "65536":
        check(every == 1, "%s: every message timed (%d)" % (name, every))
    check(hist_total(out, x) == -(-4000 // every), "%s: the histogram holds one in %d" % (name, every))

for args, what in ((["-p", "stream", "--latency-every", "0"], "0"),
                   (["-p", "stream", "--latency-every", "often"], "a word"),
                   (["-p", "pingpong", "--latency-every", "4"], "without stream")):
    r = run("-t", "pipe", "-s", "64", "-n", "100", "-q", "-o", os.path.join(tmp, "bad"), *args)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2 and len(lines) == 1 and "latency-every" in r.stderr,
          "--latency-every %s: one line, exit 2 (exit %d: %r)" % (what, r.returncode, r.stderr))

left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
shutil.rmtree(tmp, ignore_errors=True)
finish("e2e-latency-every")
