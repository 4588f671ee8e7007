#!/usr/bin/env python3
"""End to end over the transports on optional libraries (zeromq, nng, dbus,
dbus-p2p, and dbus-broker, which is absent from every build): in a build
with a library, its transports move verified data in pingpong and stream at
64 B and 64 KiB, meta.json names the library's version, and `ipcbench list`
shows it; in a build without, `list` names the transport as absent with the
reason, -t all leaves it out and a row asked for by name is skipped with the
reason. The bus daemon dbus starts: killed mid-run it fails the cell, named;
after a SIGKILL of the driver `ipcbench cleanup` kills it; two runs at once
each have their own. Nothing is left behind."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import alive, check, children, finish, gone, rows_of, run, sides  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
LIBS = ["zeromq", "nng", "dbus", "dbus-p2p"]
COUNT = 2000

before = census.take()
work = tempfile.mkdtemp(prefix="e2e-libs-")

# --- what this build has: `list` says each is built (its library's version) or absent (why)
listed = {}
for line in run("list").stdout.splitlines()[1:]:
    f = line.split()
    listed[f[0]] = line
built, absent = [], []
for name in LIBS + ["dbus-broker"]:
    line = listed.get(name, "")
    if not check(line, "list shows %s" % name):
        continue
    if line.split()[1] == "absent":
        absent.append(name)
        check(": " in line and ("built without" in line or name == "dbus-broker"),
              "list says why %s is absent: %r" % (name, line))
    else:
        built.append(name)
        check(line.rstrip().endswith("]") and "[" in line,
              "list shows the library version of %s: %r" % (name, line))
check("dbus-broker" in absent, "dbus-broker is absent, with its reason")
print("built:", built, "absent:", absent)

# -t all leaves the absent ones out: the names -t all takes are those in the
# error line for an unknown transport
r = run("-t", "no-such-transport", "-n", "10")
known = r.stderr.split("(known: ", 1)[-1].split(", all", 1)[0].split(", ")
check(r.returncode == 2, "an unknown transport is bad input")
for name in built:
    check(name in known, "-t all takes %s, built (%s)" % (name, known))
for name in absent:
    check(name not in known, "-t all leaves out %s, absent (%s)" % (name, known))

# an absent transport asked for by name: a skipped row with the reason, and exit 0
if absent:
    out = os.path.join(work, "absent")
    r = run("-q", "-t", ",".join(absent), "-p", "pingpong", "-s", "64", "-n", "10", "-o", out)
    rows = rows_of(out)
    check(r.returncode == 0 and len(rows) == len(absent),
          "absent transports run as skipped rows (exit %d, %d rows): %s"
          % (r.returncode, len(rows), r.stderr.strip()))
    for x in rows:
        why = listed[x["transport"]].split(": ", 1)[-1].strip()
        check(x["status"] == "skipped: " + why,
              "%s is skipped with the reason list gives (%r, %r)" % (x["transport"],
                                                                    x["status"], why))

# --- verified data, both patterns, 64 B and 64 KiB
if built:
    out = os.path.join(work, "moves")
    r = run("-q", "-t", ",".join(built), "-p", "pingpong,stream", "-s", "64,64k", "-n",
            str(COUNT), "--verify", "full", "-o", out)
    check(r.returncode == 0, "the library transports run (exit %d): %s"
          % (r.returncode, r.stderr.strip()))
    rows = rows_of(out)
    check(len(rows) == 4 * len(built), "a row per transport, pattern and size (%d)" % len(rows))
    for x in rows:
        what = "%s %s %s" % (x["transport"], x["pattern"], x["size_bytes"])
        check(x["status"] == "ok" and x["messages"] == str(COUNT) and
              int(x["errors"] or 0) == 0,
              "%s: ok, %d verified messages (%r, %r)" % (what, COUNT, x["status"], x["messages"]))
    meta = json.load(open(os.path.join(out, "meta.json")))
    libraries = meta.get("plan", {}).get("libraries", {})
    for name in built:
        check(libraries.get(name) and libraries[name] in listed[name],
              "meta.json's plan.libraries names %s's library as list does (%r)"
              % (name, libraries.get(name)))


def bus_daemons(pid):
    """the dbus-daemon processes run pid started, as the kernel lists them"""
    found = []
    for kid in children(pid):
        try:
            if open("/proc/%d/comm" % kid).read().strip() == "dbus-daemon":
                found.append(kid)
        except OSError:
            pass
    return found


def started(args, label, env=None):
    """a run of args past its start barrier, and the daemons it started"""
    e = dict(os.environ, **(env or {}))
    p = subprocess.Popen([BIN, *args, "-q", "-o", os.path.join(work, label)], env=e,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kids = sides(p.pid, 2)
    check(len(kids) == 2, "%s: two sides in the transfer (%s)" % (label, kids))
    return p, kids, bus_daemons(p.pid)


# --- the bus daemon killed mid-run: the cell fails naming it, nothing is left
if "dbus" in built:
    for pattern in ["pingpong", "stream"]:
        label = "killed-daemon-" + pattern
        p, kids, daemons = started(["-t", "dbus", "-p", pattern, "-s", "64", "-d", "30s"], label)
        if check(len(daemons) == 1, "%s: the run started one bus daemon (%s)" % (label, daemons)):
            os.kill(daemons[0], signal.SIGKILL)
        else:
            p.send_signal(signal.SIGINT)
        p.communicate(timeout=120)
        rows = rows_of(os.path.join(work, label))
        status = rows[0]["status"] if rows else ""
        want = ("the bus daemon (dbus-daemon, pid %d) was killed by signal 9 (SIGKILL)"
                % (daemons[0] if daemons else 0))
        check(p.returncode == 1 and status.startswith("failed: ") and status.endswith(want),
              "%s: the cell fails naming the daemon (exit %d): %r" % (label, p.returncode, status))
        check(gone(kids + daemons), "%s: no side or daemon outlives the run" % label)

    # SIGINT: the daemon is stopped with the run
    p, kids, daemons = started(["-t", "dbus", "-p", "stream", "-s", "64", "-d", "30s"], "sigint")
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=120)
    check(p.returncode != 0 and daemons and gone(kids + daemons),
          "SIGINT stops the run and its bus daemon (exit %d, %s)" % (p.returncode, daemons))

    # the driver SIGKILLed, the daemon kept alive (a test hook): cleanup kills it
    p, kids, daemons = started(["-t", "dbus", "-p", "pingpong", "-s", "64", "-d", "30s"],
                               "orphan", {"IPCBENCH_INJECT": "daemon-orphan"})
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=60)
    check(gone(kids), "the sides die with a SIGKILLed driver")
    check(daemons and all(alive(d) for d in daemons),
          "a daemon that outlives its driver is still there (%s)" % daemons)
    check(census.take()["daemons"] >= {str(d) for d in daemons},
          "the census counts it as left behind")
    r = run("cleanup")
    check(r.returncode == 0 and daemons and "daemon process %d" % daemons[0] in r.stdout,
          "cleanup kills the bus daemon of the dead run: %r" % r.stdout.strip())
    check(gone(daemons, timeout=30), "the daemon is gone after cleanup")

    # two runs at once: each its own daemons, both ok
    outs = [os.path.join(work, "twin%d" % i) for i in range(2)]
    procs = [subprocess.Popen([BIN, "-q", "-t", ",".join(built), "-p", "pingpong,stream",
                               "-s", "64", "-n", str(COUNT), "-o", o],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for o in outs]
    for p, o in zip(procs, outs):
        err = p.communicate(timeout=600)[1]
        rows = rows_of(o)
        check(p.returncode == 0 and len(rows) == 2 * len(built) and
              all(x["status"] == "ok" for x in rows),
              "two runs at once both finish ok (exit %d, %s): %s"
              % (p.returncode, [x["status"] for x in rows], err.strip()))

# the daemons' ends are asynchronous: give a killed one its moment
deadline = time.monotonic() + 10
while census.take()["daemons"] - before["daemons"] and time.monotonic() < deadline:
    time.sleep(0.05)
left = census.diff(before, census.take())
check(not left, "nothing left behind (%s)" % left)
subprocess.run(["rm", "-rf", work])
finish("libs")
