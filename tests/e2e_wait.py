#!/usr/bin/env python3
"""End to end over the wait strategies (--wait): every transport with every
strategy it has moves verified data in both patterns; the spinning ones
finish with both sides on one CPU and on two; a strategy a transport lacks is
a skipped row in a sweep and an error alone; the per-side CPU columns add up;
a spinning side burns CPU for its whole span; nothing is left behind."""
import ctypes
import os
import platform
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import ROUDI_BUSY, check, finish, limits, rows_of, run, some_ran, transports  # noqa: E402

BIN = os.path.abspath(sys.argv[1])
COUNT = 2000
URING_REFUSED = "skipped: io_uring is not available here"


def refuse_io_uring():
    """In the child before exec: a seccomp filter that fails io_uring_setup
    with EPERM, as a container's profile does; everything else is allowed."""
    libc = ctypes.CDLL(None, use_errno=True)
    insns = [(0x20, 0, 0, 0),              # A = seccomp_data.nr
             (0x15, 0, 1, 425),            # if A == __NR_io_uring_setup
             (0x06, 0, 0, 0x00050000 | 1),  # return SECCOMP_RET_ERRNO | EPERM
             (0x06, 0, 0, 0x7fff0000)]     # return SECCOMP_RET_ALLOW
    code = b"".join(struct.pack("HBBI", *i) for i in insns)
    filt = ctypes.create_string_buffer(code, len(code))
    prog = struct.pack("HxxxxxxP", len(insns), ctypes.addressof(filt))
    if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.c_char_p(prog), 0, 0) != 0:
        os._exit(99)  # PR_SET_NO_NEW_PRIVS, then PR_SET_SECCOMP SECCOMP_MODE_FILTER




def label(row):
    return "%s %s %s" % (row["transport"], row["pattern"], row["size_bytes"])


# the transports with no strategy but their own (signal): skipped in a sweep
# of any other
OWN_ONLY = ("signal", "sysv-shm", "dbus", "dbus-p2p",   # only their own wait strategy
            "memfd", "memfd-pool", "vmsplice", "cma")
# the library transports wait as their library lets them (tests/e2e_libs.py)
LIB_STRATEGIES = {"zeromq": ("spin", "poll"), "nng": ("spin", "poll"), "iceoryx": ("spin",)}


def lacks(row):
    """a sweep's row for a strategy the transport does not have, skipped"""
    base, _, strategy = row["transport"].partition("/")
    without = base in OWN_ONLY or strategy not in LIB_STRATEGIES.get(base, (strategy,))
    return (without and strategy != "" and
            row["status"].startswith("skipped: %s cannot wait by %s" % (base, strategy)))


def moved_everything(row):
    """an ok row counted every message, or a uring row the kernel refused, or
    a size over a transport's fixed limit (signal's 8 bytes) skipped"""
    if row["status"].startswith(URING_REFUSED) and row["transport"].endswith("/uring"):
        print("note: %s: %s" % (label(row), row["status"]))
        return
    if lacks(row):
        return
    if ROUDI_BUSY in row["status"]:
        print("note: %s: %s" % (label(row), row["status"]))   # a concurrent test's RouDi
        return
    lim = limit.get(row["transport"].split("/")[0], 0)
    if lim and int(row["size_bytes"]) > lim:
        check(row["status"].startswith("skipped: ") and "limit of %d bytes" % lim in row["status"],
              label(row) + ": over the limit, skipped (got %r)" % row["status"])
        return
    if not check(row["status"] == "ok", label(row) + ": ok (got %r)" % row["status"]):
        return
    msgs = int(row["messages"])
    if row["transport"].split("/")[0] == "udp":
        check(0 < msgs <= COUNT, label(row) + ": 0 < messages <= %d (got %d)" % (COUNT, msgs))
    else:
        check(msgs == COUNT and row["errors"] == "0",
              label(row) + ": all %d messages, no errors (got %d, %s)" % (COUNT, msgs,
                                                                        row["errors"]))


def cpu_adds_up(row):
    """the producer's and the consumer's columns add up to the totals"""
    if row["status"] != "ok":
        return
    for total, unit in (("cpu_user_s", float), ("cpu_sys_s", float), ("ctx_switches", int)):
        parts = [unit(row["%s_%s" % (role, total)]) for role in ("producer", "consumer")]
        whole = unit(row[total])
        # three fields each rounded to 1e-6 s: their sum may differ by 1.5e-6
        slack = 3e-6 if unit is float else 0
        check(abs(sum(parts) - whole) <= slack,
              "%s: producer + consumer %s = %s (got %s)" % (label(row), total, whole, parts))


census.ensure_mqueue()
before = census.take()
names = transports(BIN)
limit = limits(BIN)
two_cpus = len(os.sched_getaffinity(0)) >= 2

with tempfile.TemporaryDirectory() as work:
    # every transport by every strategy it has, both patterns, three sizes
    out = os.path.join(work, "every")
    r = run("-t", "all", "--wait", "all", "-s", "1,64,4k", "-n", str(COUNT), "-q", "-o", out)
    rows = rows_of(out)
    check(r.returncode == 0, "-t all --wait all exits 0 (got %d: %s)" % (r.returncode,
                                                                       r.stderr.strip()[:300]))
    made = sorted({x["transport"] for x in rows})
    check(made == sorted(names), "-t all --wait all runs every transport and variant "
          "`list` shows (missing %s)" % sorted(set(names) - set(made)))
    check(len(rows) == len(names) * 2 * 3, "%d rows (got %d)" % (len(names) * 6, len(rows)))
    for row in rows:
        moved_everything(row)
        cpu_adds_up(row)
    some_ran(rows, "-t all --wait all")

    # spinning sides finish on one CPU (they yield) and on two
    spinners = [n for n in names if n.endswith("/spin")]
    want = [n + "/spin" for n in names if "/" not in n and n not in OWN_ONLY]
    check(sorted(spinners) == sorted(want), "every transport has a spin variant (%s; wanted %s)"
          % (spinners, want))
    for mode in ("same", "cross") if two_cpus else ("same",):
        out = os.path.join(work, "spin-" + mode)
        r = run("-t", "all", "--wait", "spin", "-s", "64", "-n", str(COUNT), "--cpu", mode,
                "-q", "-o", out)
        rows = rows_of(out)
        made = {x["transport"] for x in rows if not lacks(x)}
        check(r.returncode == 0 and sorted(made) == sorted(spinners),
              "--wait spin --cpu %s: a row per spin variant (exit %d, %s)"
              % (mode, r.returncode, r.stderr.strip()[:300]))
        for row in rows:
            moved_everything(row)
        some_ran(rows, "--wait spin --cpu %s" % mode)

    # a strategy two transports lack: skipped rows in the sweep, the rest run
    out = os.path.join(work, "epoll")
    r = run("-t", "all", "--wait", "epoll", "-s", "64", "-n", "500", "-q", "-o", out)
    rows = rows_of(out)
    check(r.returncode == 0, "-t all --wait epoll exits 0 (got %d)" % r.returncode)
    for row in rows:
        if row["transport"] in ("sysv-mq/epoll", "shm/epoll", "mmap/epoll", "sysv-shm/epoll",
                                "signal/epoll", "shm-zc/epoll") or lacks(row):
            base = row["transport"].split("/")[0]
            check(row["status"].startswith("skipped: %s cannot wait by epoll (its strategies: "
                                           % base), label(row) + ": skipped (got %r)" % row["status"])
        else:
            check(row["status"] == "ok", label(row) + ": ok (got %r)" % row["status"])
    check({x["transport"] for x in rows} >= {"sysv-mq/epoll", "shm/epoll", "pipe/epoll"},
          "the sweep has sysv-mq/epoll, shm/epoll and pipe/epoll rows")

    # alone, an unknown strategy or one the transport lacks is bad usage
    for args, want in ((["-t", "pipe", "--wait", "nope"], "unknown --wait strategy 'nope'"),
                       (["-t", "sysv-mq", "--wait", "epoll"],
                        "sysv-mq cannot wait by epoll (its strategies: block, spin)")):
        o = os.path.join(work, "never")
        r = run(*args, "-q", "-o", o)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 2 and len(lines) == 1 and want in lines[0],
              "%s: one line naming the problem, exit 2 (exit %d, %r)" % (args, r.returncode,
                                                                         r.stderr))
        check(not os.path.exists(o), "%s: nothing measured" % args)

    # --wait all of one transport: exactly its strategies, its own first
    out = os.path.join(work, "pipe-all")
    r = run("--wait", "all", "-t", "pipe", "-s", "64", "-n", "500", "-q", "-o", out)
    order = []
    for row in rows_of(out):
        if row["transport"] not in order:
            order.append(row["transport"])
    check(r.returncode == 0 and order == ["pipe", "pipe/spin", "pipe/poll", "pipe/epoll",
                                          "pipe/uring"],
          "--wait all -t pipe: pipe and its four variants (got %s)" % order)

    # io_uring refused by the kernel: the uring rows are skipped with the
    # reason, the others run (io_uring_setup is 425 on these two)
    if platform.machine() in ("x86_64", "aarch64"):
        out = os.path.join(work, "refused")
        r = run("-t", "pipe,posix-mq", "--wait", "uring,block", "-s", "64", "-n", "200", "-q",
                "-o", out, preexec_fn=refuse_io_uring)
        check(r.returncode == 0, "io_uring refused: the run exits 0 (got %d: %s)"
              % (r.returncode, r.stderr.strip()[:300]))
        rows = rows_of(out) if r.returncode != 99 else []
        for row in rows:
            if row["transport"].endswith("/uring"):
                check(row["status"].startswith(URING_REFUSED) and "not permitted" in row["status"],
                      label(row) + ": skipped with the kernel's reason (got %r)" % row["status"])
            else:
                check(row["status"] == "ok", label(row) + ": ok (got %r)" % row["status"])
        check(len(rows) == 8, "io_uring refused: 8 rows (got %d)" % len(rows))

    # a side that spins is on the CPU for the whole span, a side that blocks
    # sleeps through its waits: of the elapsed time, the spinning pair spends
    # the larger share on a CPU (measured in one run, so a busy machine slows
    # both alike; an absolute share would be a timing threshold)
    if two_cpus:
        out = os.path.join(work, "burn")
        r = run("-t", "pipe", "--wait", "block,spin", "-p", "pingpong", "-s", "64", "-n",
                "20000", "--cpu", "cross", "-q", "-o", out)
        rows = {row["transport"]: row for row in rows_of(out)}
        if check(r.returncode == 0 and all(rows.get(t, {}).get("status") == "ok"
                                           for t in ("pipe", "pipe/spin")),
                 "pipe and pipe/spin across two CPUs run"):
            share = {t: float(x["cpu_ns_per_msg"]) * int(x["messages"]) / 1e9 /
                     float(x["seconds"]) for t, x in rows.items()}
            check(share["pipe/spin"] > share["pipe"],
                  "pipe/spin keeps its CPUs busier than pipe (%.2f vs %.2f of the span)"
                  % (share["pipe/spin"], share["pipe"]))
            for row in rows.values():
                cpu_adds_up(row)

left = census.diff(before, census.take())
check(not left, "nothing left behind (found %s)" % left)
finish("wait")
