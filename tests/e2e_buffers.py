#!/usr/bin/env python3
"""Zero-copy and buffer passing (memfd, memfd-pool, vmsplice, cma): each
moves every message verified in full, in pingpong and stream, at 64 bytes,
64k, 16M and 64M; `ipcbench list` shows them; vmsplice's page-reuse rule
holds when the reader lags, and breaking it (a test hook) spoils a message
already sent, which the consumer names; cma refused by a seccomp filter is
a skipped row with the reason; every transport carries 16M or skips with
its limit; the memory bound refuses a run above --max-memory with one line
and exit 2, and a run states its memory first; a SIGKILLed driver's runs
leave nothing once `ipcbench cleanup` has run."""
import ctypes
import os
import platform
import signal
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import ROUDI_BUSY, check, finish, gone, limits, rows_of, run, sides  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
OURS = ("memfd", "memfd-pool", "vmsplice", "cma")
CMA_REFUSED = "skipped: cross-memory attach is refused here: "
work = tempfile.mkdtemp(prefix="e2e-buffers-")
census.ensure_mqueue()
before = census.take()
limit = limits(BIN)


def label(row):
    return "%s %s %s" % (row["transport"], row["pattern"], row["size_bytes"])


def all_moved(rows, count, what):
    """every row ok with count messages and no errors (cma: or refused here)"""
    check(len(rows) > 0, what + ": rows were written")
    for row in rows:
        if row["transport"] == "cma" and row["status"].startswith(CMA_REFUSED):
            print("note: %s: %s" % (label(row), row["status"]))
            continue
        check(row["status"] == "ok" and int(row["messages"]) == count and row["errors"] == "0",
              "%s: %s: ok, %d messages, no errors (got %s, %s, %s)"
              % (what, label(row), count, row["status"], row["messages"], row["errors"]))


# --- in the list, with their limits (none: memory bounds them)
listed = run("list").stdout
for name in OURS:
    check(name in limit and limit[name] == 0,
          "`ipcbench list` shows %s with no limit of its own (%r)" % (name, limit.get(name)))
check("zero-copy" in listed, "`ipcbench list` says which transports are zero-copy")

# --- every message verified in full, both patterns, small to large
out = os.path.join(work, "sizes")
r = run("-t", ",".join(OURS), "-p", "pingpong,stream", "-s", "64,64k,16M", "-n", "40",
        "--warmup", "4", "--verify", "full", "-q", "-o", out)
check(r.returncode == 0, "the sweep exits 0 (%d: %s)" % (r.returncode, r.stderr.strip()))
rows = rows_of(out)
check(len(rows) == len(OURS) * 2 * 3, "a row per transport, pattern and size (%d)" % len(rows))
all_moved(rows, 40, "--verify full")

# --- stamps alone, and the largest size
out = os.path.join(work, "largest")
r = run("-t", ",".join(OURS), "-p", "pingpong,stream", "-s", "64M", "-n", "3", "--warmup", "1",
        "-q", "-o", out)
check(r.returncode == 0, "64M exits 0 (%d: %s)" % (r.returncode, r.stderr.strip()))
all_moved(rows_of(out), 3, "64M")

# --- vmsplice's page-reuse rule: kept, a lagging reader still sees message 0
# as it was sent; broken (the sender reuses the page at once), the message
# in the pipe changes under the reader, who names it
out = os.path.join(work, "lag")
r = run("-t", "vmsplice", "-p", "stream", "-s", "64k", "-n", "40", "-q", "-o", out,
        IPCBENCH_VMSPLICE_HOOK="lag")
all_moved(rows_of(out), 40, "vmsplice, the reader lagging, the rule kept")
out = os.path.join(work, "reuse")
r = run("-t", "vmsplice", "-p", "stream", "-s", "64k", "-n", "40", "-q", "-o", out,
        IPCBENCH_VMSPLICE_HOOK="reuse")
status = rows_of(out)[0]["status"] if rows_of(out) else ""
check(r.returncode == 1 and status.startswith("failed: consumer: message 0: expected sequence 0"),
      "vmsplice, the rule broken: message 0 changed in the pipe, named (exit %d, %r)"
      % (r.returncode, status))


# --- cma refused: a seccomp filter fails process_vm_readv with EPERM
def refuse_cma():
    """In the child before exec: process_vm_readv fails with EPERM."""
    nr = {"x86_64": 310, "aarch64": 270}[platform.machine()]
    libc = ctypes.CDLL(None, use_errno=True)
    insns = [(0x20, 0, 0, 0), (0x15, 0, 1, nr), (0x06, 0, 0, 0x00050000 | 1),
             (0x06, 0, 0, 0x7fff0000)]
    code = b"".join(struct.pack("HBBI", *i) for i in insns)
    filt = ctypes.create_string_buffer(code, len(code))
    prog = struct.pack("HxxxxxxP", len(insns), ctypes.addressof(filt))
    if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.c_char_p(prog), 0, 0) != 0:
        os._exit(99)


if platform.machine() in ("x86_64", "aarch64"):
    out = os.path.join(work, "refused")
    r = run("-t", "cma,pipe", "-p", "pingpong,stream", "-s", "4k", "-n", "20", "-q", "-o", out,
            preexec_fn=refuse_cma)
    rows = rows_of(out)
    cma = [x for x in rows if x["transport"] == "cma"]
    check(r.returncode == 0 and len(cma) == 2, "cma refused: the run goes on (exit %d)"
          % r.returncode)
    for row in cma:
        check(row["status"].startswith(CMA_REFUSED + "process_vm_readv: Operation not permitted")
              and "ptrace_scope" in row["status"] and "seccomp" in row["status"],
              "cma refused: %s skipped naming the call, ptrace_scope and seccomp (%r)"
              % (label(row), row["status"]))
    all_moved([x for x in rows if x["transport"] == "pipe"], 20, "pipe beside a refused cma")
else:
    print("note: no seccomp syscall number for %s, the cma refusal was not made"
          % platform.machine())

# --- 16M on every transport: carried, or skipped with its limit
out = os.path.join(work, "every")
r = run("-t", "all", "-p", "stream", "-s", "16M", "-n", "3", "--warmup", "1", "-q", "-o", out)
for row in rows_of(out):
    lim = limit.get(row["transport"], 0)
    if lim and lim < 16 << 20:
        check(row["status"].startswith("skipped: ") and "limit of %d bytes" % lim in row["status"],
              "%s: over its limit, skipped with it (%r)" % (label(row), row["status"]))
    elif ROUDI_BUSY in row["status"]:
        print("note: %s: %s" % (label(row), row["status"]))   # a concurrent test's RouDi
    elif not (row["transport"] == "cma" and row["status"].startswith(CMA_REFUSED)):
        check(row["status"] == "ok" and row["messages"] == "3",
              "%s: 16M carried (%r)" % (label(row), row["status"]))

# --- the memory bound: one line, exit 2, naming the worst cell
r = run("-t", "pipe,shm", "-p", "stream", "-s", "64,64M", "--max-memory", "1G", "-n", "3")
lines = r.stderr.strip().split("\n")
check(r.returncode == 2 and len(lines) == 1 and not r.stdout,
      "above --max-memory: exit 2, one line, nothing measured (%d: %r)" % (r.returncode, r.stderr))
check(lines[0].startswith("ipcbench: -t shm -p stream -s 64M needs ") and
      "channels 2.0 GiB" in lines[0] and "above --max-memory 1.0 GiB" in lines[0],
      "the line names the worst cell, its channels and the bound (%r)" % lines[0])
r = run("-t", "pipe", "-s", "4k", "--max-memory", "1k", "-n", "3")
check(r.returncode == 2 and "above --max-memory 1.0 KiB" in r.stderr,
      "the sides' own buffers count too (%r)" % r.stderr)
out = os.path.join(work, "stated")
r = run("-t", "memfd-pool", "-p", "stream", "-s", "1M", "-n", "3", "-o", out)
check(r.returncode == 0 and "ipcbench: memory: at most 38.0 MiB (channels 32.0 MiB: 1 x 32.0 MiB"
      in r.stderr, "a run states what it maps first (%r)" % r.stderr.split("\n")[0])

# --- SIGKILL of the driver: the sides die, cleanup leaves nothing
runs = []
for name in OURS:
    p = subprocess.Popen([BIN, "-t", name, "-s", "64k", "-p", "pingpong", "-n", "100M", "-q",
                          "-o", os.path.join(work, "killed-" + name)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    runs.append((name, p, sides(p.pid, 2)))
for name, p, kids in runs:
    check(len(kids) == 2 or p.poll() is not None, "%s: two sides in the transfer" % name)
    p.send_signal(signal.SIGKILL)
    p.wait()
check(gone([k for _, _, kids in runs for k in kids]), "the sides die with a killed driver")
r = run("cleanup")
check(r.returncode == 0, "cleanup exits 0")
left = census.diff(before, census.take())
check(not left, "nothing is left by these runs after cleanup (%s)" % left)

subprocess.run(["rm", "-rf", work])
finish("buffers")
