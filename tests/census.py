"""The IPC objects of this test's own ipcbench runs, so a test can say that
nothing was left behind while other programs, or a second copy of the suite,
use IPC on the same machine.

Importing this module sets IPCBENCH_LEDGER_COPY for every run the test starts:
each run then appends "run <pid>" and one line per System V object it makes
to that file, and "daemon <pid> <start time>" for each daemon it starts
(a bus daemon). Every name a run gives an object (in /dev/shm, /dev/mqueue and
its private directories in $TMPDIR) carries that pid as ipcbench-<pid>-...,
and a System V object is known by its id and creation time. So a census
counts a run's objects and nobody else's."""
import atexit
import glob
import os
import re
import shutil
import subprocess
import tempfile

_DIR = tempfile.mkdtemp(prefix="census-ipcb-")
atexit.register(shutil.rmtree, _DIR, True)
LEDGER = os.path.join(_DIR, "ledger")
# runs as another user (e2e_robust) note their objects here too
os.chmod(_DIR, 0o1777)
open(LEDGER, "a").close()
os.chmod(LEDGER, 0o666)
os.environ["IPCBENCH_LEDGER_COPY"] = LEDGER

_NAME = re.compile(r"^ipcbench-(\d+)-")
_SYSV = {"msg": ("sysv-msg", "msqid"), "sem": ("sysv-sem", "semid"), "shm": ("sysv-shm", "shmid")}


def ensure_mqueue():
    """Mount the mqueue filesystem where we may, so POSIX queues are visible."""
    if os.path.ismount("/dev/mqueue"):
        return True
    try:
        os.makedirs("/dev/mqueue", exist_ok=True)
        subprocess.run(["mount", "-t", "mqueue", "none", "/dev/mqueue"],
                       check=True, capture_output=True)
        return True
    except (OSError, subprocess.CalledProcessError):
        return False


def ledger():
    """The pids of this test's runs, and the System V objects they made."""
    pids, sysv, _ = ledger_daemons()
    return pids, sysv


def _start_time(pid):
    """a live process's start time (/proc/PID/stat field 22), None when
    gone or ended (a zombie, waiting for its parent to reap it)"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return None if fields[0] in ("Z", "X") else fields[19]
    except (OSError, IndexError):
        return None


def daemons_live():
    """The daemons (a bus daemon, RouDi) this test's runs started that run
    now, as "pid": each run notes "daemon <pid> <start time>" in the ledger
    copy, and a pid counts while that process, not a later one, is alive."""
    _, _, daemons = ledger_daemons()
    return {str(pid) for pid, start in daemons if _start_time(pid) == start}


def roudi_names():
    """RouDi's fixed names (iceoryx 2.0 allows one RouDi per machine) that
    exist now: a census before and after a run tells the ones it left."""
    try:
        import grp
        group = grp.getgrgid(os.getegid()).gr_name
    except (ImportError, KeyError):
        group = None
    names = ["/dev/shm/iceoryx_mgmt", "/tmp/roudi", "/tmp/roudi.lock",
             "/tmp/iox-unique-roudi.lock"] + (["/dev/shm/" + group] if group else [])
    if _roudi_running():
        return set()    # the names are that RouDi's; one of this test's is in "daemons"
    return {name for name in names if os.path.lexists(name)}


def _roudi_running():
    """whether an iox-roudi process lives now, anybody's (its names are its own
    while it runs: a concurrent test's or the user's RouDi is no leftover)"""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/comm" % entry) as f:
                    if f.read().strip() == "iox-roudi":
                        return True
            except OSError:
                pass
    return False


def ledger_daemons():
    """ledger()'s pids and System V objects, and the (pid, start time) of
    each daemon the runs started."""
    pids, sysv, daemons = set(), set(), set()
    try:
        lines = open(LEDGER).read().split("\n")
    except OSError:
        lines = []
    for line in lines:
        parts = line.split()
        if len(parts) != 3:
            continue
        if parts[0] == "run":
            pids.add(int(parts[1]))
        elif parts[0] == "daemon":
            daemons.add((int(parts[1]), parts[2]))
        elif parts[0] in _SYSV:
            sysv.add((parts[0], parts[1], parts[2]))
    return pids, sysv, daemons


def sysv_live(kind):
    """{id: ctime} of the System V objects of a kind ("msg", "sem", "shm") on
    the machine now, whoever made them."""
    live = {}
    try:
        rows = open("/proc/sysvipc/" + kind).read().split("\n")
    except OSError:
        return live
    head = rows[0].split()
    id_col, ctime_col = head.index(_SYSV[kind][1]), head.index("ctime")
    for row in rows[1:]:
        f = row.split()
        if len(f) == len(head):
            live[f[id_col]] = f[ctime_col]
    return live


def run_of(name):
    """The pid of the run that named an object ipcbench-<pid>-..., or None."""
    m = _NAME.match(os.path.basename(name))
    return int(m.group(1)) if m else None


def _ours(names, pids):
    return {name for name in names if run_of(name) in pids}


def take():
    """This test's runs' objects that exist now, by kind."""
    pids, sysv = ledger()
    census = {}
    for kind, (key, _) in _SYSV.items():
        live = sysv_live(kind)
        census[key] = {i for k, i, ctime in sysv if k == kind and live.get(i) == ctime}
    tmp = os.environ.get("TMPDIR") or tempfile.gettempdir()
    census["dev-shm"] = _ours(os.listdir("/dev/shm") if os.path.isdir("/dev/shm") else [], pids)
    census["dev-mqueue"] = _ours(
        os.listdir("/dev/mqueue") if os.path.ismount("/dev/mqueue") else [], pids)
    census["daemons"] = daemons_live()
    census["roudi"] = roudi_names()
    census["tmp"] = _ours(set(glob.glob(os.path.join(tmp, "ipcbench-*"))) |
                          set(glob.glob("/tmp/ipcbench-*")), pids)
    return census


def diff(before, after):
    """What appeared between two censuses, as a sentence; empty when nothing."""
    parts = []
    for key in before:
        new = after[key] - before[key]
        if new:
            parts.append("%s: %s" % (key, ", ".join(sorted(new))))
    return "; ".join(parts)
