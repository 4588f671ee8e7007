#!/usr/bin/env python3
"""Runs at the same time never collide (same user and, as root, another
user too); objects are 0600 and private directories 0700 while a run is
live; a resource limit is reported with how to raise it; nothing is left."""
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import alive, check, children, failures, finish, run, transports  # noqa: E402,F401

BIN = os.path.abspath(sys.argv[1])
census.ensure_mqueue()
before = census.take()
names = transports(BIN)
named = [n for n in ("fifo", "unix", "unix-dgram", "unix-seqpacket", "posix-mq", "shm",
                     "sysv-mq", "tcp") if n in names]
work = tempfile.mkdtemp(prefix="e2e-robust-")
os.chmod(work, 0o755)
# the other user runs a copy: the checkout may sit under a 0700 home
OTHER_BIN = os.path.join(work, "ipcbench")
shutil.copy(BIN, OTHER_BIN)

# --- four runs at once on every named mechanism, one as another user when root
runs = []
for i in range(4):
    out = os.path.join(work, "run%d" % i)
    other_user = i == 3 and os.geteuid() == 0
    if other_user:
        os.makedirs(out)
        os.chown(out, 65534, 65534)

    def demote(flag=other_user):
        if flag:
            os.setgid(65534)
            os.setuid(65534)
    runs.append(subprocess.Popen(
        [OTHER_BIN if other_user else BIN, "-t", ",".join(named), "-s", "64,4k", "-n", "3000", "-q", "-o", out],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=demote,
        env=dict(os.environ, TMPDIR="/tmp")))

# --- while they run: every object of theirs that we can see is private
# (another program's, or another suite's, are not ours to judge); looked at
# until the first run ends, however long a loaded machine makes that
seen_modes = []
while all(p.poll() is None for p in runs):
    for d in ("/dev/shm", "/dev/mqueue", "/tmp"):
        try:
            entries = os.listdir(d)
        except OSError:
            continue
        pids, sysv = census.ledger()
        for e in entries:
            if census.run_of(e) in pids:
                try:
                    st = os.lstat(os.path.join(d, e))
                except OSError:
                    continue
                seen_modes.append((d, e, stat.S_IMODE(st.st_mode), stat.S_ISDIR(st.st_mode)))
    ours = {i for kind, i, _ in sysv if kind == "msg"}
    q = subprocess.run(["ipcs", "-q"], capture_output=True, text=True).stdout
    for line in q.splitlines():
        parts = line.split()
        if len(parts) > 3 and parts[1] in ours:
            seen_modes.append(("sysv", parts[1], int(parts[3], 8), False))
    time.sleep(0.01)
bad = [m for m in seen_modes if (m[3] and m[2] != 0o700) or (not m[3] and m[2] & 0o077)]
check(not bad, "objects 0600, directories 0700 (%s)" % bad[:5])
check(seen_modes, "live objects of the runs were seen to check")
print("modes checked on %d sightings of live objects" % len(seen_modes))

for i, p in enumerate(runs):
    out, err = p.communicate(timeout=600)
    check(p.returncode == 0, "concurrent run %d succeeds (exit %d: %s)" % (i, p.returncode,
                                                                        err.strip()[-300:]))
    if p.returncode == 0:
        rows = open(os.path.join(work, "run%d" % i, "summary.csv")).read().splitlines()[1:]
        check(len(rows) == len(named) * 4 and all(r.endswith(",ok") for r in rows),
              "concurrent run %d: every row ok" % i)

# --- a resource limit: too few file descriptors
def few_fds():
    resource.setrlimit(resource.RLIMIT_NOFILE, (9, 9))


r = run("-t", "pipe", "-s", "64", "-n", "100", "-q", "-o",
        os.path.join(work, "nofile"), preexec_fn=few_fds)
status = open(os.path.join(work, "nofile", "summary.csv")).read()
check(r.returncode == 1 and "ulimit -n" in status,
      "an open-file limit is named with how to raise it (%s)" % status.splitlines()[-1])

# --- RLIMIT_MSGQUEUE too small for two POSIX queues
if "posix-mq" in names:
    def tiny_mq():
        resource.setrlimit(resource.RLIMIT_MSGQUEUE, (4096, 4096))
    r = run("-t", "posix-mq", "-s", "4k", "-n", "100", "-q", "-o",
            os.path.join(work, "mq"), preexec_fn=tiny_mq)
    status = open(os.path.join(work, "mq", "summary.csv")).read().splitlines()[-1]
    check(r.returncode == 1 and "RLIMIT_MSGQUEUE" in status and "ulimit -q" in status,
          "RLIMIT_MSGQUEUE is named with how to raise it (%s)" % status)

# --- a /dev/shm too small for the rings (a private mount namespace, as root)
if "shm" in names and os.geteuid() == 0 and subprocess.run(
        ["unshare", "-m", "true"], capture_output=True).returncode == 0:
    script = ("mount --make-rprivate / && mount -t tmpfs -o size=1m tmpfs /dev/shm && "
              "exec %s -t shm -s 1M -n 100 -q -o %s" % (BIN, os.path.join(work, "shmfull")))
    r = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    status = open(os.path.join(work, "shmfull", "summary.csv")).read().splitlines()[-1]
    check(r.returncode == 1 and "/dev/shm" in status and "--ring-slots" in status,
          "a full /dev/shm is named with what to do (%s)" % status)

subprocess.run(["rm", "-rf", work])
left = census.diff(before, census.take())
check(not left, "nothing left behind (found %s)" % left)
finish("robust")
