#!/usr/bin/env python3
"""The iceoryx transports: verified data in both patterns at 64 B and 64 KiB,
blocking and spinning; RouDi killed mid-run fails the cell naming it; a
SIGKILLed driver's RouDi and its names are removed by cleanup; two runs at
once never fail each other; a RouDi the user runs is used and left running.
In a build without iceoryx: the reason it is absent. Nothing is left behind."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, children, finish, gone, rows_of, run, sides, transports  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="e2e-iceoryx-")
before = census.take()


def comm(pid):
    try:
        return open("/proc/%d/comm" % pid).read().strip()
    except OSError:
        return ""


def roudi_running():
    """pids of every iox-roudi on the machine (iceoryx 2.0: one at most)"""
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and comm(int(p)) == "iox-roudi"]


def absent_build():
    """without iceoryx: list says why, and a row asked for is skipped with it"""
    r = run("list")
    line = [ln for ln in r.stdout.splitlines() if ln.split()[:1] == ["iceoryx"]]
    check(line and "absent" in line[0] and "built without iceoryx" in line[0],
          "list names iceoryx absent with the reason (%r)" % line)
    out = os.path.join(work, "absent")
    r = run("-t", "iceoryx", "-s", "64", "-p", "pingpong", "-n", "10", "-q", "-o", out)
    rows = rows_of(out)
    check(r.returncode == 0 and rows and rows[0]["status"].startswith("skipped")
          and "built without iceoryx" in rows[0]["status"],
          "a row for iceoryx is skipped with the reason (%s, %r)" % (r.returncode, rows))


def verified_data(own):
    out = os.path.join(work, "data")
    r = run("-t", "iceoryx,iceoryx/spin", "-s", "64,64k", "-p", "pingpong,stream",
            "-n", "3000", "--verify", "full", "--cpu", "cross", "-q", "-o", out)
    rows = rows_of(out)
    check(r.returncode == 0 and len(rows) == 8, "8 rows, exit 0 (%s: %s)" % (r.returncode,
                                                                          r.stderr[-300:]))
    for row in rows:
        check(row["status"] == "ok" and int(row["messages"]) == 3000,
              "%s %s %s: ok, every message verified (%s)"
              % (row["transport"], row["pattern"], row["size_bytes"], row["status"]))
    libs = json.load(open(os.path.join(out, "meta.json")))["plan"]["libraries"]
    whose = "RouDi: started by the run" if own else "RouDi: the user's"
    check("iceoryx 2." in libs.get("iceoryx", "") and whose in libs.get("iceoryx", ""),
          "meta.json says the library and whose RouDi (%r)" % libs)


def roudi_of(pid):
    """the run's RouDi, a child of the driver"""
    found = [k for k in children(pid) if comm(k) == "iox-roudi"]
    return found[0] if found else None


def roudi_killed():
    out = os.path.join(work, "roudi-killed")
    p = subprocess.Popen([BIN, "-t", "iceoryx", "-s", "64", "-p", "pingpong", "-n", "100M",
                          "-q", "-o", out], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    found = sides(p.pid, 2)
    roudi = roudi_of(p.pid)
    if check(len(found) == 2 and roudi, "the run's sides and RouDi (%s, %s)" % (found, roudi)):
        os.kill(roudi, signal.SIGKILL)
    else:
        p.send_signal(signal.SIGINT)
    p.communicate(timeout=300)
    rows = rows_of(out)
    status = rows[0]["status"] if rows else ""
    check(status.startswith("failed") and "RouDi" in status and "SIGKILL" in status,
          "a RouDi killed mid-run fails the cell naming it (%r)" % status)
    check(not roudi_running(), "no RouDi after the run")


def interrupted():
    """SIGINT mid-cell: the sides are killed while registered with RouDi,
    which is then stopped; neither its names nor the sides' are left"""
    p = subprocess.Popen([BIN, "-t", "iceoryx/spin", "-s", "4k", "-p", "stream", "-n", "1G",
                          "-q", "-o", os.path.join(work, "interrupted")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = sides(p.pid, 2)
    check(len(found) == 2, "sides of the run to interrupt (%s)" % found)
    p.send_signal(signal.SIGINT)
    check(p.wait(timeout=300) == 130, "an interrupted run exits 130 (%s)" % p.returncode)
    left = census.diff(before, census.take())
    check(not left and not roudi_running(), "nothing left after SIGINT (%s)" % (left or "nothing"))


def driver_killed():
    p = subprocess.Popen([BIN, "-t", "iceoryx", "-s", "64", "-p", "pingpong", "-n", "100M",
                          "-q", "-o", os.path.join(work, "driver-killed")],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    found = sides(p.pid, 2)
    roudi = roudi_of(p.pid)
    check(len(found) == 2 and roudi, "sides and RouDi before the SIGKILL (%s, %s)"
          % (found, roudi))
    p.send_signal(signal.SIGKILL)
    p.wait()
    check(gone(found + ([roudi] if roudi else [])), "sides and RouDi die with the driver")
    # another suite's `ipcbench cleanup` on this machine may get there first
    left = census.diff(before, census.take())
    print("left by the killed run:", left or "nothing")
    r = run("cleanup")
    check(r.returncode == 0 and ("roudi:" not in left or
                                 "RouDi's /dev/shm/iceoryx_mgmt" in r.stdout),
          "cleanup removes RouDi's shared memory the killed run left (%r)" % r.stdout)
    # what cleanup SIGKILLed (a daemon's group) ends as the kernel gets to it
    check(gone([int(d) for d in census.daemons_live()]), "the daemons cleanup killed end")
    left = census.diff(before, census.take())
    check(not left, "nothing of the killed run after cleanup (%s)" % (left or "nothing"))


def two_runs():
    """one RouDi per machine: a run whose cell finds the other's RouDi skips it"""
    outs = [os.path.join(work, "twice-%d" % i) for i in range(2)]
    ps = [subprocess.Popen([BIN, "-t", "iceoryx", "-s", "64,4k", "-p", "pingpong,stream",
                            "-n", "2000", "--repeat", "2", "-q", "-o", out],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
          for out in outs]
    codes = [p.wait(timeout=600) for p in ps]
    rows = rows_of(outs[0]) + rows_of(outs[1])
    check(codes == [0, 0], "two runs at once both exit 0 (%s)" % codes)
    for row in rows:
        st = row["status"]
        check(st == "ok" or (st.startswith("skipped") and "another ipcbench run's" in st),
              "%s %s: ok or skipped for the other run's RouDi (%r)"
              % (row["pattern"], row["size_bytes"], st))
    check(any(r["status"] == "ok" for r in rows), "the two runs measured something")


def users_roudi():
    """a RouDi the user started is used as it is, said so, and left running"""
    if roudi_running():
        print("a RouDi runs already: its user's case is not tried")
        return
    log = open(os.path.join(work, "users-roudi.log"), "w")
    roudi = subprocess.Popen(["iox-roudi"], stdout=log, stderr=log)
    try:
        while "ready for clients" not in open(log.name).read():
            if not check(roudi.poll() is None, "the user's RouDi starts"):
                return
            time.sleep(0.02)
        out = os.path.join(work, "users")
        r = run("-t", "iceoryx", "-s", "64", "-p", "pingpong", "-n", "2000", "-q", "-o", out)
        rows = rows_of(out)
        check(r.returncode == 0 and rows and rows[0]["status"] == "ok",
              "a run on the user's RouDi (%r)" % rows)
        libs = json.load(open(os.path.join(out, "meta.json")))["plan"]["libraries"]
        check("the user's (pid %d)" % roudi.pid in libs.get("iceoryx", ""),
              "meta.json records the user's RouDi (%r)" % libs)
        # RouDi's built-in mempools end at a few MiB: a larger cell is
        # skipped, found by a probe, and the user's RouDi lives on
        out = os.path.join(work, "users-big")
        r = run("-t", "iceoryx", "-s", "32M", "-p", "pingpong", "-n", "10", "-q", "-o", out)
        rows = rows_of(out)
        st = rows[0]["status"] if rows else ""
        check(r.returncode == 0 and st.startswith("skipped") and "no mempool chunk" in st,
              "a size the user's RouDi lacks is skipped with the reason (%r)" % st)
        check(roudi.poll() is None, "the user's RouDi still runs after the runs")
        # the probe died in the library's abort, registered: RouDi drops it
        # once it stops answering (iceoryx 2.0 aborts if stopped before)
        deadline = time.monotonic() + 60
        while "removing it" not in open(log.name).read() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        roudi.send_signal(signal.SIGTERM)
        roudi.wait(timeout=60)


if "iceoryx" not in transports(BIN):
    absent_build()
else:
    preexisting = roudi_running()
    verified_data(own=not preexisting)
    if preexisting:  # the user's: every case below starts and kills RouDis
        print("a RouDi runs already (pid %s): only the data is tried" % preexisting)
    else:
        roudi_killed()
        interrupted()
        driver_killed()
        two_runs()
        users_roudi()
left = census.diff(before, census.take())
check(not left, "nothing left behind (%s)" % (left or "nothing"))
finish("e2e-iceoryx")
