#!/usr/bin/env python3
"""`ipcbench cleanup`: after runs killed with SIGKILL it removes what they
left; it never touches a live run's objects or another program's."""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, fitting, gone, limits, run, sides, transports  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
census.ensure_mqueue()
before = census.take()
# iceoryx 2.0 has one RouDi per machine: a second iceoryx run at once skips
# its cells (e2e_iceoryx.py), so one of the family is run here
names = [n for n in transports(BIN) if not n.startswith("iceoryx/")]
limit = limits(BIN)

# another program's objects, which cleanup must leave alone
foreign_q = subprocess.run(["ipcmk", "-Q"], capture_output=True, text=True).stdout.split()[-1]
# pid 1 is alive: not a dead run; the rest of the name is this test's, so a
# second copy of the suite on the machine has a file of its own
foreign_shm = "/dev/shm/ipcbench-1-%d-notours" % os.getpid()
open(foreign_shm, "w").close()

work = tempfile.mkdtemp(prefix="e2e-cleanup-")
runs = []
for name in names:
    p = subprocess.Popen([BIN, "-t", name, "-s", str(fitting([64], limit[name])[0]), "-p",
                          "pingpong", "-n", "100M", "-q",
                          "-o", os.path.join(work, name)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs.append((name, p))
# each run's sides in the transfer (its objects made before they were forked)
kids = {p.pid: sides(p.pid, 2) for _, p in runs}
for name, p in runs:
    check(len(kids[p.pid]) == 2, "%s run: two sides in the transfer (%s)" % (name, kids[p.pid]))

# with every run live, cleanup removes nothing of theirs and every run goes on
# (what a dead run elsewhere on the machine left, it may remove)
r = run("cleanup")
live = {"ipcbench-%d-" % p.pid for _, p in runs} | {"run %d " % p.pid for _, p in runs}
check(r.returncode == 0 and not any(tag in r.stdout for tag in live),
      "cleanup during live runs removes nothing of theirs (%r)" % r.stdout)
for name, p in runs:
    check(p.poll() is None, "%s run survives a cleanup" % name)

# SIGKILL every driver; the sides die with it (PR_SET_DEATHSIG, soon after)
for _, p in runs:
    p.send_signal(signal.SIGKILL)
    p.wait()
check(gone([k for ks in kids.values() for k in ks]), "sides die with a killed driver")

left = census.diff(before, census.take())
print("left by killed runs:", left or "nothing")
check("sysv-mq" not in names or "sysv-msg" in left, "a killed sysv-mq run leaves its queue")
check("shm/sysv-sem" not in names or "sysv-sem" in left,
      "a killed shm/sysv-sem run leaves its semaphore sets")

r = run("cleanup")
check(r.returncode == 0, "cleanup exits 0")
print(r.stdout.strip())
after = census.take()
after["sysv-msg"].discard(foreign_q)
after["dev-shm"].discard(os.path.basename(foreign_shm))
left = census.diff(before, after)
check(not left, "cleanup removes everything killed runs left (still: %s)" % left)
check(foreign_q in census.sysv_live("msg"), "another program's queue is untouched")
check(os.path.exists(foreign_shm), "a name of a live process is untouched")

subprocess.run(["ipcrm", "-q", foreign_q])
os.unlink(foreign_shm)
subprocess.run(["rm", "-rf", work])
finish("cleanup")
