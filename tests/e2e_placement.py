#!/usr/bin/env python3
"""Placement by topology, real-time priority and locked memory: each word
pins where it says or fails with what the machine lacks; --rt-prio and
--mlock run and are recorded, or say why they cannot."""
import json
import os
import resource
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, run  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
census.ensure_mqueue()
before = census.take()
work = tempfile.mkdtemp(prefix="e2e-placement-")


def topo(cpu, what):
    try:
        return int(open("/sys/devices/system/cpu/cpu%d/topology/%s" % (cpu, what)).read())
    except (OSError, ValueError):
        return None


for word in ("smt", "core", "package"):
    o = os.path.join(work, word)
    j = os.path.join(work, word + ".json")
    r = run("-t", "pipe", "-s", "64", "-p", "pingpong", "-n", "300", "--cpu",
            word, "-q", "-o", o, "--json", j)
    if r.returncode == 2:
        check(len(r.stderr.strip().splitlines()) == 1 and ("--cpu %s" % word) in r.stderr,
              "--cpu %s: one line saying what this machine lacks (%s)" % (word, r.stderr))
        continue
    row = json.load(open(j))["results"][0]
    a, b = row["producer_cpu"], row["consumer_cpu"]
    same_pkg = topo(a, "physical_package_id") == topo(b, "physical_package_id")
    same_core = same_pkg and topo(a, "core_id") == topo(b, "core_id")
    want = {"smt": same_core, "core": same_pkg and not same_core, "package": not same_pkg}
    check(r.returncode == 0 and a != b and want[word],
          "--cpu %s pins to CPUs %s and %s, as the topology says" % (word, a, b))
    meta = json.load(open(os.path.join(o, "meta.json")))
    check(meta["pinning"].startswith(word) and meta["plan"]["cpu"] == word,
          "meta.json records --cpu %s" % word)

o = os.path.join(work, "rt")
r = run("-t", "pipe,shm", "-s", "64", "-p", "pingpong", "-n", "500",
        "--rt-prio", "5", "--mlock", "-q", "-o", o)
if os.geteuid() == 0:
    plan = json.load(open(os.path.join(o, "meta.json")))["plan"]
    check(r.returncode == 0 and plan["rt_prio"] == 5 and plan["mlock"] == "yes",
          "--rt-prio 5 --mlock run and are recorded (%s)" % r.stderr.strip())
    # without the privilege: one line, exit 2, before anything runs
    alone = tempfile.mkdtemp(prefix="e2e-placement-nobody-")
    os.chmod(alone, 0o755)
    copy = os.path.join(alone, "ipcbench")
    shutil.copy(BIN, copy)

    def nobody():
        os.setgid(65534)
        os.setuid(65534)
    r = run("-t", "pipe", "-s", "64", "-n", "100", "--rt-prio", "5", "-q",
            "-o", "/tmp", preexec_fn=nobody,
            env=dict(os.environ, TMPDIR="/tmp"), binary=copy)
    check(r.returncode == 2 and "--rt-prio 5" in r.stderr and "CAP_SYS_NICE" in r.stderr
          and len(r.stderr.strip().splitlines()) == 1,
          "--rt-prio without the right: one line, exit 2 (%s)" % r.stderr.strip())
    # --mlock without the locked-memory allowance: the side says what to raise
    def nobody_no_lock():
        os.setgid(65534)
        os.setuid(65534)
        resource.setrlimit(resource.RLIMIT_MEMLOCK, (0, 0))
    out = os.path.join(alone, "lock")
    os.makedirs(out)
    os.chown(out, 65534, 65534)
    r = run("-t", "pipe", "-s", "64", "-p", "pingpong", "-n", "100",
            "--mlock", "-q", "-o", out, preexec_fn=nobody_no_lock,
            env=dict(os.environ, TMPDIR="/tmp"), binary=copy)
    try:
        status = open(os.path.join(out, "summary.csv")).read().splitlines()[-1]
    except (OSError, IndexError):
        status = r.stderr
    if b"__asan_init" in open(BIN, "rb").read():
        print("--mlock under a zero limit not checked: AddressSanitizer makes mlockall a no-op")
    else:
        check(r.returncode == 1 and "mlockall" in status and "ulimit -l" in status,
              "a locked-memory limit is named with how to raise it (%s)" % status)
    shutil.rmtree(alone, ignore_errors=True)

for args in (["--rt-prio", "0"], ["--rt-prio", "100"], ["--rt-prio", "x"], ["--cpu", "smtt"],
             ["--cpu", "core,"]):
    r = run("-t", "pipe", *args)
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1,
          "%s: one line, exit 2 (%s)" % (" ".join(args), r.stderr.strip()))

shutil.rmtree(work, ignore_errors=True)
left = census.diff(before, census.take())
check(not left, "nothing left behind (found %s)" % left)
finish("placement")
