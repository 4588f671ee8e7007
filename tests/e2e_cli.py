#!/usr/bin/env python3
"""The binary as a user meets it: help, list, the results directory and its
files, extra outputs, refusals of bad input, verification that catches a
spoiled message, a dead child, an interrupted run, and nothing left behind."""
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import alive, check, children, failures, finish, run, settled_children  # noqa: E402,F401

BIN = os.path.abspath(sys.argv[1])


def rows_of(path):
    return list(csv.DictReader(open(path)))


census.ensure_mqueue()
before = census.take()
work = tempfile.mkdtemp(prefix="e2e-cli-")

# --- help, version, list
r = run("--help")
check(r.returncode == 0 and "--transport" in r.stdout and "--size" in r.stdout, "--help")
r = run("--version")
check(r.returncode == 0 and r.stdout.startswith("ipcbench "), "--version")
r = run("list")
check(r.returncode == 0 and any(l.split()[:2] == ["pipe", "stream"] for l in r.stdout.splitlines()),
      "list shows pipe as a stream")

# --- variants: listed and marked, never in "all"; --notify puts them where shm stands
listed = {l.split()[0]: l for l in r.stdout.splitlines()[1:]}
variants = [n for n in listed if n.startswith("shm/")]
check(sorted(variants) == ["shm/condvar", "shm/eventfd", "shm/futex", "shm/signal", "shm/spin",
                          "shm/sysv-sem"],
      "list shows every shm variant (%s)" % variants)
check(all("variant" in listed[n] for n in variants) and "variant" not in listed["shm"],
      "list marks the variants")
for args, want in ((["-t", "pipe,shm", "--notify", "futex,sem"], ["pipe", "shm/futex", "shm"]),
                   (["-t", "shm/spin"], ["shm/spin"]),
                   (["-t", "shm", "--notify", "all"],
                    ["shm", "shm/sysv-sem", "shm/futex", "shm/eventfd", "shm/spin",
                     "shm/condvar", "shm/signal"])):
    o = os.path.join(work, "notify")
    r = run(*args, "-s", "64", "-p", "pingpong", "-n", "200", "-q", "-o", o)
    got = [x["transport"] for x in rows_of(os.path.join(o, "summary.csv"))]
    check(r.returncode == 0 and got == want, "%s: rows %s (got %s, exit %d)" % (args, want, got,
                                                                             r.returncode))
r = run("-s", "64", "-p", "pingpong", "-n", "10", "--warmup", "0", "-q",
        "-o", os.path.join(work, "all"))
got = [x["transport"] for x in rows_of(os.path.join(work, "all", "summary.csv"))]
check(r.returncode == 0 and "shm" in got and not any("/" in t for t in got),
      "all runs shm and no variant (%s)" % got)

# --- the results directory
out = os.path.join(work, "r1")
r = run("-t", "pipe", "-s", "64,4k", "-n", "2000", "-o", out, "--csv", os.path.join(work, "x.csv"),
        "--json", os.path.join(work, "x.json"))
check(r.returncode == 0, "a pipe run exits 0 (%s)" % r.stderr)
check("pingpong" in r.stdout and "p50" in r.stdout, "the table is printed")
rows = rows_of(os.path.join(out, "summary.csv"))
check([(x["pattern"], x["size_bytes"]) for x in rows] ==
      [("pingpong", "64"), ("pingpong", "4096"), ("stream", "64"), ("stream", "4096")],
      "summary.csv rows in order")
check(open(os.path.join(work, "x.csv")).read() == open(os.path.join(out, "summary.csv")).read(),
      "--csv FILE holds the same as summary.csv")
meta = json.load(open(os.path.join(out, "meta.json")))
for key in ("version", "command_line", "date_utc", "kernel", "cpu_model", "cores", "clock",
            "clock_read_ns", "clock_step_ns", "pinning"):
    check(key in meta, "meta.json has %s" % key)
check(meta.get("clock_read_ns", 0) > 0 and meta.get("cores", 0) >= 1, "meta figures are real")
# the least the clock moves by: a TSC's tick at the finest (a few GHz), a
# CLOCK_MONOTONIC's ns; a clock so coarse that 4096 reads saw it move only
# within a millisecond would time nothing here
step = meta.get("clock_step_ns")
finest = 1.0 / meta["tsc_ghz"] if meta.get("clock") == "TSC" else 1.0
check(step is not None and finest * 0.999 <= step < 1e6,
      "clock_step_ns is a step of the clock: %r (its finest %.3f ns)" % (step, finest))
check("-t pipe" in meta.get("command_line", ""), "meta.json holds the command line")
doc = json.load(open(os.path.join(work, "x.json")))
check(doc["meta"].get("floor") == meta.get("floor"), "--json carries the floor of meta.json")

# --- the hardware floor in meta.json: the cache-line round trip measured by
# every run, memcpy and the clock read by the first run of a boot and read
# back from the cache by the next one (with a cache of the test's own)
cache_env = {"XDG_CACHE_HOME": os.path.join(work, "cache")}
floors = []
for i in range(2):
    o = os.path.join(work, "floor%d" % i)
    r = run("-t", "pipe", "-s", "64", "-p", "pingpong", "-n", "200", "-q", "-o", o, env=cache_env)
    check(r.returncode == 0, "run %d with a fresh floor cache exits 0 (%s)" % (i, r.stderr))
    m = json.load(open(os.path.join(o, "meta.json")))
    floors.append(m.get("floor") or {})
    if i == 0 and "driver_max_rss_kib" in m:
        check(m["driver_max_rss_kib"] < 64 * 1024, "the floor's 2 x 64 MiB of memcpy buffers "
              "are not in the driver's peak RSS (%d KiB)" % m["driver_max_rss_kib"])
fl = floors[0]
check(set(fl) >= {"cacheline_rtt_ns", "cacheline_cpus", "xcpu_copy_64k_gib_s",
                  "spsc_64_msgs_per_s", "memcpy_gib_s", "clock_read_ns", "measured_utc",
                  "from_cache"}, "meta.json floor has its fields (%s)" % fl)
check(sorted((fl.get("memcpy_gib_s") or {}).keys()) == sorted(["4k", "64k", "1M", "64M"]),
      "floor memcpy at 4k 64k 1M 64M (%s)" % fl.get("memcpy_gib_s"))
check(all((v or 0) > 0 for v in (fl.get("memcpy_gib_s") or {}).values()) and
      (fl.get("clock_read_ns") or 0) > 0, "floor figures are real (%s)" % fl)
if len(os.sched_getaffinity(0)) >= 2:
    # each cross-CPU figure is a number above 0, or null when a side was not
    # scheduled within its deadline (a loaded machine): never a string or 0
    for key, what in (("cacheline_rtt_ns", "the cache-line round trip"),
                      ("xcpu_copy_64k_gib_s", "the copy across two CPUs"),
                      ("spsc_64_msgs_per_s", "the SPSC ring")):
        check(all(key in f and (f[key] is None or (isinstance(f[key], (int, float)) and
                                                   f[key] > 0)) for f in floors),
              "every run measures %s, or says it could not (%s)" % (what, floors))
check(fl.get("from_cache") is False and floors[1].get("from_cache") is True,
      "the first run measures memcpy, the second reads it from the cache")
cached = ("memcpy_gib_s", "clock_read_ns", "measured_utc")
check([floors[1].get(k) for k in cached] == [fl.get(k) for k in cached],
      "the cached memcpy and clock figures are the first run's")
check(os.listdir(os.path.join(work, "cache", "ipcbench")) == ["floor"],
      "one cache file, no temporary left")

hists = sorted(os.listdir(os.path.join(out, "hist")))
check(hists == ["pipe-pingpong-4096.hgrm", "pipe-pingpong-64.hgrm", "pipe-stream-4096.hgrm",
                "pipe-stream-64.hgrm"], "one .hgrm per measurement (%s)" % hists)
text = open(os.path.join(out, "hist", "pipe-pingpong-64.hgrm")).read()
check("#[Total count" not in text and "Total count    =         2000]" in text,
      ".hgrm footer counts the 2000 round trips")

# --- default results directory, duration bound
r = run("-t", "pipe", "-s", "64", "-p", "pingpong", "-d", "300ms", "-q", cwd=work)
found = [d for d in os.listdir(os.path.join(work, "results"))] if os.path.isdir(
    os.path.join(work, "results")) else []
check(r.returncode == 0 and len(found) == 1, "without -o the run lands in results/<date>-<host>")
if found:
    rows = rows_of(os.path.join(work, "results", found[0], "summary.csv"))
    check(len(rows) == 1 and rows[0]["status"] == "ok" and int(rows[0]["messages"]) > 0,
          "a duration-bound run measures")

# --- the default count's cap: without -n or -d a slow cell stops at 0.25 s of
# timed messages; -n counts exactly (4 MiB round trips over a pipe take ms each)
for args, capped in (([], True), (["-n", "40"], False)):
    o = os.path.join(work, "cap-%s" % capped)
    r = run("-t", "pipe", "-s", "4M", "-p", "pingpong", "--warmup", "5", "-q", "-o", o, *args)
    rows = rows_of(os.path.join(o, "summary.csv")) if r.returncode == 0 else []
    meta = json.load(open(os.path.join(o, "meta.json"))) if rows else {}
    if check(len(rows) == 1 and rows[0]["status"] == "ok",
             "4 MiB pipe ping-pong %s runs (%s)" % (args, r.stderr.strip())):
        n, secs = int(rows[0]["messages"]), float(rows[0]["seconds"])
        if capped:
            check(n < 10000 and 0.2 <= secs <= 0.5 and meta.get("count_cap_s") == 0.25,
                  "without -n a slow cell stops at 0.25 s (%d messages in %.3f s, cap %r)"
                  % (n, secs, meta.get("count_cap_s")))
        else:
            check(n == 40 and meta.get("count_cap_s") == 0,
                  "-n 40 times exactly 40 with no cap (%d, cap %r)" % (n, meta.get("count_cap_s")))

# --- placement: where --cpu says, as the sides saw their own affinity
for mode, same in (("same", True), ("cross", False)):
    o = os.path.join(work, "cpu-" + mode)
    r = run("-t", "pipe", "-s", "64", "-p", "pingpong", "-n", "300", "--cpu", mode, "-q", "-o", o,
            "--json", os.path.join(work, "cpu.json"))
    row = json.load(open(os.path.join(work, "cpu.json")))["results"][0]
    pc, cc = row.get("producer_cpu"), row.get("consumer_cpu")
    check(r.returncode == 0 and pc is not None and pc >= 0 and cc >= 0 and (pc == cc) == same,
          "--cpu %s pins the sides (producer %s, consumer %s)" % (mode, pc, cc))
    check(json.load(open(os.path.join(o, "meta.json")))["pinning"].startswith(mode),
          "meta.json records --cpu %s" % mode)
r = run("-t", "pipe", "-s", "64", "-p", "pingpong", "-n", "300", "-q", "-o", os.path.join(work, "np"),
        "--json", os.path.join(work, "cpu.json"))
row = json.load(open(os.path.join(work, "cpu.json")))["results"][0]
check(row["producer_cpu"] == -1 and row["consumer_cpu"] == -1, "unpinned by default")

# --- the TSC clock, where the CPU has an invariant one
flags = open("/proc/cpuinfo").read()
if "constant_tsc" in flags and "nonstop_tsc" in flags:
    o = os.path.join(work, "tsc")
    r = run("-t", "pipe", "-s", "64", "-n", "300", "--clock", "tsc", "-q", "-o", o)
    meta = json.load(open(os.path.join(o, "meta.json")))
    rows = rows_of(os.path.join(o, "summary.csv"))
    check(r.returncode == 0 and meta["clock"] == "TSC" and meta.get("tsc_ghz", 0) > 0.1,
          "--clock tsc calibrates and is recorded (%s)" % r.stderr)
    check(all(x["status"] == "ok" and int(x["p50_ns"]) > 0 for x in rows if x["p50_ns"]),
          "--clock tsc times every message")

# --- --clock auto, the default: the TSC where the kernel times with it, else
# CLOCK_MONOTONIC; meta.json says what was asked and what it came to
def kernel_clocksource():
    try:
        return open("/sys/devices/system/clocksource/clocksource0/current_clocksource").read().strip()
    except OSError:
        return None


for extra in (["--clock", "auto"], []):
    o = os.path.join(work, "auto%d" % len(extra))
    r = run("-t", "pipe", "-s", "64", "-n", "300", *extra, "-q", "-o", o)
    meta = json.load(open(os.path.join(o, "meta.json")))
    used = meta["plan"].get("clock_used")
    check(r.returncode == 0 and meta["plan"]["clock"] == "auto" and used in ("tsc", "monotonic"),
          "%s: plan clock auto, clock_used %s (%s)" % (extra or "no --clock", used, r.stderr))
    check(meta["clock"] == {"tsc": "TSC", "monotonic": "CLOCK_MONOTONIC"}.get(used),
          "%s: meta clock %s is the one used" % (extra or "no --clock", meta["clock"]))
    if kernel_clocksource() != "tsc":
        check(used == "monotonic", "auto keeps CLOCK_MONOTONIC where the kernel does not time "
              "with the TSC")
    elif "constant_tsc" in flags and "nonstop_tsc" in flags:
        check(used == "tsc", "auto takes the TSC where the kernel times with an invariant one")
o = os.path.join(work, "mono")
r = run("-t", "pipe", "-s", "64", "-n", "300", "--clock", "monotonic", "-q", "-o", o)
meta = json.load(open(os.path.join(o, "meta.json")))
check(r.returncode == 0 and meta["clock"] == "CLOCK_MONOTONIC" and
      meta["plan"]["clock"] == "monotonic" and meta["plan"]["clock_used"] == "monotonic",
      "--clock monotonic is kept (%s)" % r.stderr)

# --- several pairs at once: per-pair figures and a correct aggregate
o = os.path.join(work, "pairs")
# (--latency-every 1: stream's auto may time one message in several)
r = run("-t", "pipe", "-s", "64", "-n", "500", "--pairs", "3", "--latency-every", "1", "-q",
        "-o", o, "--json", os.path.join(work, "pairs.json"))
doc = json.load(open(os.path.join(work, "pairs.json")))
check(r.returncode == 0 and doc["meta"]["pairs"] == 3, "--pairs 3 runs (%s)" % r.stderr)
for row in doc["results"]:
    pairs = row.get("pairs", [])
    check(len(pairs) == 3 and all(p["messages"] == 500 for p in pairs),
          "%s: three pairs of 500 messages" % row["pattern"])
    check(row["messages"] == 1500 and row["latency_ns"]["count"] == 1500,
          "%s: the aggregate counts 1500 messages and merges 1500 latencies" % row["pattern"])
    check(0 < row["msgs_per_s"] <= sum(p["msgs_per_s"] for p in pairs) * 1.0001,
          "%s: the aggregate rate is no more than the pairs' rates added" % row["pattern"])
hgrm = open(os.path.join(o, "hist", "pipe-pingpong-64.hgrm")).read()
check("Total count    =         1500]" in hgrm, "the merged histogram is written")

# --- verification catches a spoiled message
for inject, pattern, extra, want in (
        ("seq:300", "pingpong", [], "message 300"),
        ("seq:300", "stream", [], "message 300"),
        ("payload:300", "pingpong", [], "payload differs"),
        ("payload:300", "stream", ["--verify", "full"], "payload differs")):
    o = os.path.join(work, "inj")
    r = run("-t", "pipe", "-s", "4k", "-p", pattern, "-n", "1000", "-q", "-o", o, *extra,
            env={"IPCBENCH_INJECT": inject})
    rows = rows_of(os.path.join(o, "summary.csv"))
    check(r.returncode == 1 and rows[0]["status"].startswith("failed:") and want in rows[0]["status"],
          "%s %s is caught: exit %d, %s" % (inject, pattern, r.returncode, rows[0]["status"]))

# --- bad input: one line on stderr, exit 2, no results directory
bad = [
    ["-t", "nosuch"], ["-t", ""], ["-t", "pipe,,pipe"], ["-t", ","], ["-s", "0"], ["-s", "-4k"],
    ["-s", "4q"], ["-s", ""], ["-s", "1M..64"], ["-s", "99999999999999999999"], ["-s", "128M"],
    ["-s", "64,,4k"], ["-n", "0"], ["-n", "-5"], ["-n", "abc"], ["-n", "99999999999999999999"],
    ["-d", "0s"], ["-d", "5x"], ["-d", "-1s"], ["-n", "100", "-d", "1s"], ["--warmup", "-1"],
    ["--cpu", "0"], ["--cpu", "0,99999"], ["--cpu", "a,b"], ["--cpu", "0,1,2"], ["-p", "nosuch"],
    ["-p", ""], ["--bogus"], ["-x"], ["-t"], ["foo"], ["frobnicate"], ["-o", "/dev/null/sub"],
    ["-o", ""], ["--timeout", "1ms"], ["--ring-slots", "1"], ["--ring-slots", "99999999"],
    ["--clock", "sundial"], ["--clock", ""], ["--clock", "Auto"], ["--pairs", "0"], ["--pairs", "65"], ["--pairs", "x"],
    ["--verify", "maybe"], ["--csv", ""], ["plot"], ["plot", "a", "b"], ["list", "extra"],
    ["--notify", "nope"], ["--notify", ""], ["--notify", "futex,"], ["--notify", "futex,,spin"],
    ["--notify", "shm/futex"], ["-t", "pipe", "--notify", "futex"],
    ["-t", "shm/futex", "--notify", "spin"], ["--notify", "x" * 300],
    ["--wait", "nope"], ["--wait", ""], ["--wait", "spin,"], ["--wait", "spin,,poll"],
    ["--wait", "pipe/spin"], ["--wait", "x" * 300], ["-t", "sysv-mq", "--wait", "epoll"],
    ["-t", "pipe", "--wait", "sem"], ["-t", "shm", "--wait", "spin", "--notify", "futex"],
    ["--wait"],
]
for args in bad:
    o = os.path.join(work, "never")
    full = args + (["-o", o] if "-o" not in args and args[0] not in ("plot", "list") else [])
    r = run(*full, "-q")
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 2, "%s: exit 2 (got %d)" % (args, r.returncode))
    check(len(lines) == 1 and lines[0].startswith("ipcbench: "),
          "%s: one line on stderr (got %r)" % (args, r.stderr))
    check(not os.path.exists(o), "%s: no results directory made" % args)


# --- a child that dies, a run that is interrupted
def start_long(out):
    p = subprocess.Popen([BIN, "-t", "pipe", "-s", "64", "-p", "pingpong", "-n", "100M",
                          "-q", "-o", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    settled_children(p.pid, 2)
    return p


o = os.path.join(work, "killed")
p = start_long(o)
kids = children(p.pid)
check(len(kids) == 2, "two sides forked (%s)" % kids)
if kids:
    os.kill(kids[1], signal.SIGKILL)
try:
    _, err = p.communicate(timeout=20)
    rows = rows_of(os.path.join(o, "summary.csv"))
    check(p.returncode == 1, "a killed side fails the run (exit %s)" % p.returncode)
    check("consumer killed by signal 9" in rows[0]["status"], "names the side: %s" % rows[0]["status"])
except subprocess.TimeoutExpired:
    p.kill()
    check(False, "a killed side must not hang the run")

for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
    o = os.path.join(work, "int")
    p = start_long(o)
    p.send_signal(sig)
    try:
        p.communicate(timeout=20)
        check(p.returncode == code, "%s exits %d (got %s)" % (sig.name, code, p.returncode))
        rows = rows_of(os.path.join(o, "summary.csv"))
        check(rows and rows[0]["status"].startswith("interrupted"), "row marked interrupted")
    except subprocess.TimeoutExpired:
        p.kill()
        check(False, "%s must end the run" % sig.name)

# a second SIGINT while the first is being handled changes nothing
o = os.path.join(work, "int2")
p = start_long(o)
p.send_signal(signal.SIGINT)
p.send_signal(signal.SIGINT)
try:
    p.communicate(timeout=20)
    check(p.returncode == 130, "two SIGINTs: exit 130 (got %s)" % p.returncode)
except subprocess.TimeoutExpired:
    p.kill()
    check(False, "two SIGINTs must end the run")

# --- progress on a terminal only
import pty  # noqa: E402
master, slave = pty.openpty()
p = subprocess.Popen([BIN, "-t", "pipe", "-s", "64", "-p", "pingpong", "-d", "1s", "-o",
                      os.path.join(work, "tty")], stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
seen = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
p.wait()
os.close(master)
check(b"[1/1] pipe pingpong 64" in seen and b"%" in seen, "progress shown on a terminal")
r = run("-t", "pipe", "-s", "64", "-p", "pingpong", "-d", "500ms", "-o", os.path.join(work, "notty"))
check("[1/1]" not in r.stderr, "no progress when stderr is not a terminal")

subprocess.run(["rm", "-rf", work])
left = census.diff(before, census.take())
check(not left, "nothing left behind (found %s)" % left)
finish("cli")
