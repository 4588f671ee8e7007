"""What the end-to-end tests share: checks that count failures, and a look at
the processes a run forked."""
import os
import subprocess
import sys

failures = []


def check(cond, what):
    """Record a fact that must hold; print it when it does not."""
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


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


def settled_children(pid, n, timeout=10):
    """The n PIDs pid forked once the same n are there twice 0.3 s apart:
    the hardware floor's measuring children come and go before the sides
    (each pair gone within 250 ms). Fewer or more when time ran out."""
    import time
    deadline = time.time() + timeout
    kids, before = [], None
    while time.time() < deadline and (len(kids) != n or kids != before):
        before = kids
        time.sleep(0.3 if len(kids) == n else 0.05)
        kids = sorted(children(pid))
    return kids


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def transports(binary):
    """The transport names `ipcbench list` shows, in its order."""
    out = subprocess.run([binary, "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines()[1:]]


def limits(binary):
    """Each transport's largest message as `ipcbench list` shows it, 0 for none."""
    out = subprocess.run([binary, "list"], capture_output=True, text=True).stdout
    return {f[0]: 0 if f[2] == "no" else int(f[2])
            for f in (line.split() for line in out.splitlines()[1:])}


def fitting(sizes, limit):
    """The sizes (bytes) a transport with this limit carries; at least its limit."""
    fit = [s for s in sizes if not limit or s <= limit]
    return fit or [limit]


def rows_of(out):
    """The rows of a results directory's summary.csv; none when it has none."""
    import csv
    path = os.path.join(out, "summary.csv")
    return list(csv.DictReader(open(path))) if os.path.exists(path) else []


def killed_side(binary, args, nsides, victim, want, label, workdir):
    """Start a run of nsides sides, SIGKILL side number victim (by fork
    order) once all are up, and check the run fails naming it as want and
    that no side outlives it."""
    import signal
    import time
    out = os.path.join(workdir, "killed-" + label)
    p = subprocess.Popen([binary, *args, "-d", "30s", "-q", "-o", out],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sides = settled_children(p.pid, nsides)
    if check(len(sides) == nsides, "%s: %d sides forked (%s)" % (label, nsides, sides)):
        os.kill(sides[victim], signal.SIGKILL)
    p.communicate(timeout=60)
    rows = rows_of(out)
    status = rows[0]["status"] if rows else ""
    check(p.returncode == 1 and status == want,
          "%s: the killed side is named (exit %d): %r" % (label, p.returncode, status))
    check(not any(alive(s) for s in sides), "%s: no side outlives the run" % label)
