"""What the end-to-end tests share: the binary run with captured output,
checks that count failures, and the sides of a run found by what the kernel
says about them (never by how long a run has been going)."""
import os
import signal
import subprocess
import sys
import time

# every e2e script is given the binary first
BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else None
# a row iceoryx skips because another run's RouDi holds the machine's one
# (iceoryx 2.0): a concurrent test's, not a failure of this one
ROUDI_BUSY = "iceoryx 2.0 allows one RouDi per machine"

failures = []


def run(*args, env=None, cwd=None, timeout=600, preexec_fn=None, binary=None, **variables):
    """ipcbench (or a copy of it, binary) with these arguments, its output
    captured as text. env (a dict) and keyword variables
    (IPCBENCH_INJECT="seq:7") are added to the environment the test runs in.
    The timeout only stops a hung run."""
    e = dict(os.environ)
    e.update(env or {})
    e.update(variables)
    return subprocess.run([binary or BIN, *args], capture_output=True, text=True,
                          timeout=timeout, env=e, cwd=cwd, preexec_fn=preexec_fn)


def check(cond, what):
    """Record a fact that must hold; print it when it does not."""
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def some_ran(rows, what):
    """A loop over result rows that lets skipped rows through must still have
    measured something: at least one row's status is ok."""
    statuses = sorted({r.get("status", "") for r in rows})
    return check(any(r.get("status") == "ok" for r in rows),
                 "%s: at least one row ran, status ok (got %s)" % (what, statuses))


def finish(label, ok_text="ok"):
    """Print the verdict and exit 1 when any check failed."""
    if failures:
        print("%s: %d checks failed" % (label, len(failures)))
        sys.exit(1)
    print("%s: %s" % (label, ok_text))
    sys.exit(0)


def children(pid):
    """The PIDs a process forked, as the kernel lists them."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def settled_children(pid, n, timeout=60):
    """The n sides of pid's first measurement, in fork order, once they are
    past the start barrier (see sides); fewer when time ran out."""
    return sides(pid, n, timeout=timeout)


def _fd_targets(pid):
    """{fd: what it points at} of a process; {} once it is gone"""
    d = "/proc/%d/fd" % pid
    got = {}
    try:
        names = os.listdir(d)
    except OSError:
        return got
    for name in names:
        try:
            got[int(name)] = os.readlink(os.path.join(d, name))
        except OSError:
            pass
    return got


def _fdinfo(pid, fd):
    """the lines of /proc/PID/fdinfo/FD as {key: value}"""
    try:
        with open("/proc/%d/fdinfo/%d" % (pid, fd)) as f:
            return dict(line.split(":", 1) for line in f.read().splitlines() if ":" in line)
    except OSError:
        return {}


def _pipes(pid, skip_std=False):
    """{pipe inode: set of "r"/"w"} of the pipe ends a process holds"""
    ends = {}
    for fd, target in _fd_targets(pid).items():
        if skip_std and fd <= 2 or not target.startswith("pipe:["):
            continue
        acc = int(_fdinfo(pid, fd).get("flags", "0").strip(), 8) & 3
        ends.setdefault(target, set()).add("w" if acc == 1 else "r")
    return ends


def _state(pid):
    """the one-letter state in /proc/PID/stat; "" when gone"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def _ppid(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("PPid:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def pidfd_children(pid):
    """The processes pid holds a pidfd of, in the order it opened them. The
    driver opens one for each side right after forking it and for nothing
    else (the hardware floor's children are waited for by waitpid), so these
    are the sides of its current measurement, in fork order."""
    found = []
    for fd, target in sorted(_fd_targets(pid).items()):
        if target == "anon_inode:[pidfd]":
            side = int(_fdinfo(pid, fd).get("Pid", "-1").strip())
            if side > 0 and _ppid(side) == pid:
                found.append(side)
    return found


def run_started(pid):
    """True once run pid is past its hardware floor: the driver notes
    "run <pid>" in the ledger copy (census.py) after the floor's measuring
    children have all been reaped, and forks the sides only after that."""
    ledger = os.environ.get("IPCBENCH_LEDGER_COPY")
    if not ledger:
        raise RuntimeError("import census before starting a run whose sides are looked for")
    try:
        with open(ledger) as f:
            return ("run %d 0" % pid) in f.read().splitlines()
    except OSError:
        return False


def past_barrier(pid, kids):
    """True when every side has left the start barrier: each holds the read
    end of the driver's "go" pipe until the driver closes its write end, and
    then closes it. Before that some pipe of the driver's (it, or while the
    sides are newly forked any it holds) has its read end in every side;
    after it none has (a channel's pipe has one reader)."""
    driver = _pipes(pid, skip_std=True)
    held = [_pipes(k) for k in kids]
    return not any(all("r" in h.get(inode, ()) for h in held) for inode in driver)


def sides(pid, n, timeout=60, barrier=True):
    """The n sides of run pid's first measurement, in fork order (a pattern's
    side 0 first), once all exist and, with barrier, all have left the start
    barrier, so the transfer has begun. Found by the ledger, the driver's
    pidfds and the pipes each holds; fewer than n when the run ended first
    or timeout (a bound for a hung run, not a guess at when) ran out."""
    deadline = time.monotonic() + timeout
    kids = []
    while time.monotonic() < deadline and _state(pid) not in ("", "Z", "X"):
        if run_started(pid):
            kids = pidfd_children(pid)
            if len(kids) == n and (not barrier or past_barrier(pid, kids)):
                return kids
        time.sleep(0.02)
    print("sides of run %d: wanted %d%s, found %s (run %s)"
          % (pid, n, " past the barrier" if barrier else "", kids,
             "started" if run_started(pid) else "not started"))
    return []


def gone(pids, timeout=60):
    """Wait until none of pids is alive (reaped by whoever is their parent);
    True when so, False when timeout, a bound for a hang, ran out."""
    deadline = time.monotonic() + timeout
    while any(alive(k) for k in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def alive(pid):
    """True while pid runs (a zombie has ended)"""
    return _state(pid) not in ("", "Z", "X")


def transports(binary):
    """The transport names `ipcbench list` shows, in its order, but those
    absent from this build (built without their library)."""
    out = subprocess.run([binary, "list"], capture_output=True, text=True).stdout
    return [f[0] for f in (line.split() for line in out.splitlines()[1:]) if f[1] != "absent"]


def limits(binary):
    """Each transport's largest message as `ipcbench list` shows it, 0 for none."""
    out = subprocess.run([binary, "list"], capture_output=True, text=True).stdout
    return {f[0]: 0 if f[2] == "no" else int(f[2])
            for f in (line.split() for line in out.splitlines()[1:]) if f[1] != "absent"}


def fitting(sizes, limit):
    """The sizes (bytes) a transport with this limit carries; at least its limit."""
    fit = [s for s in sizes if not limit or s <= limit]
    return fit or [limit]


def rows_of(out):
    """The rows of a results directory's summary.csv; none when it has none."""
    import csv
    path = os.path.join(out, "summary.csv")
    return list(csv.DictReader(open(path))) if os.path.exists(path) else []


def run_rows(workdir, label, *args, env=None):
    """A quiet run of ipcbench with args into workdir/label: its exit status
    and the statuses of its rows, in order."""
    out = os.path.join(workdir, label)
    r = run("-q", *args, "-o", out, env=env)
    return r.returncode, [x["status"] for x in rows_of(out)], rows_of(out)


def killed_side(binary, args, nsides, victim, want, label, workdir):
    """Start a run of nsides sides, SIGKILL side number victim (by fork
    order) once all are in the transfer, and check the run fails naming it
    as want and that no side outlives it."""
    out = os.path.join(workdir, "killed-" + label)
    p = subprocess.Popen([binary, *args, "-d", "30s", "-q", "-o", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    found = sides(p.pid, nsides)
    if check(len(found) == nsides, "%s: %d sides forked (%s)" % (label, nsides, found)):
        os.kill(found[victim], signal.SIGKILL)
    else:
        p.send_signal(signal.SIGINT)  # ends it as a run ends, leaving nothing
    p.communicate(timeout=120)
    rows = rows_of(out)
    status = rows[0]["status"] if rows else ""
    check(p.returncode == 1 and status == want,
          "%s: the killed side is named (exit %d): %r" % (label, p.returncode, status))
    check(not any(alive(k) for k in found), "%s: no side outlives the run" % label)
