#!/usr/bin/env python3
"""End to end over tcp's (and udp's) own options: --congestion is what a
tcp socket of the run takes (meta.json says so, beside the system's
default), and one the kernel lacks is a skipped row saying which it has;
--nodelay on|off and --sndbuf/--rcvbuf run ok with every message counted,
the buffers as meta.json reports them; --rcvlowat batches a stream's
wake-ups (the consumer switches far fewer times than it gets messages) and
leaves a ping-pong running; a bad value is one line and exit 2,
an option of tcp without tcp too; nothing is left behind."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import census  # noqa: E402
from testlib import check, finish, rows_of, run  # noqa: E402


def meta_of(out):
    with open(os.path.join(out, "meta.json")) as f:
        return json.load(f)


def first_line(path):
    with open(path) as f:
        return f.read().split("\n")[0].strip()


before = census.take()
tmp = tempfile.mkdtemp(prefix="e2e-tcp-")
default = first_line("/proc/sys/net/ipv4/tcp_congestion_control")
available = first_line("/proc/sys/net/ipv4/tcp_available_congestion_control").split()

# the default, recorded; a stream and a ping-pong through it
out = os.path.join(tmp, "default")
r = run("-t", "tcp", "-s", "4k", "-n", "2000", "-q", "-o", out)
rows = rows_of(out) if r.returncode == 0 else []
check(len(rows) == 2 and all(x["status"] == "ok" and x["messages"] == "2000" for x in rows),
      "tcp pingpong and stream are ok, 2000 messages each (%s)" % r.stderr.strip())
env = meta_of(out)["environment"] if r.returncode == 0 else {}
check(env.get("net.ipv4.tcp_congestion_control") == default,
      "meta.json records net.ipv4.tcp_congestion_control %r (%r)"
      % (default, env.get("net.ipv4.tcp_congestion_control")))
check(env.get("tcp_socket_congestion") == default,
      "a tcp socket of the run takes the default (%r)" % env.get("tcp_socket_congestion"))
for key in ("net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem", "tcp_socket_sndbuf_bytes",
            "tcp_socket_rcvbuf_bytes"):
    check(env.get(key) not in (None, ""), "meta.json records %s (%r)" % (key, env.get(key)))

# another congestion control the kernel has: the run's sockets take it
other = next((cc for cc in available if cc != default), None)
if other:
    out = os.path.join(tmp, "other")
    r = run("-t", "tcp", "-p", "stream", "-s", "64k", "-n", "500", "--congestion", other,
            "--nodelay", "off", "--sndbuf", "256k", "--rcvbuf", "256k", "-q", "-o", out)
    rows = rows_of(out) if r.returncode == 0 else []
    check(len(rows) == 1 and rows[0]["status"] == "ok" and rows[0]["messages"] == "500",
          "--congestion %s --nodelay off --sndbuf/--rcvbuf 256k: ok (%s, %r)"
          % (other, r.stderr.strip(), [x["status"] for x in rows]))
    m = meta_of(out) if r.returncode == 0 else {"environment": {}, "plan": {}}
    env = m["environment"]
    check(env.get("tcp_socket_congestion") == other,
          "meta.json: the run's sockets take %s (%r)" % (other, env.get("tcp_socket_congestion")))
    # the kernel keeps twice what was set (and no more than net.core.*mem_max allows)
    for key, cap in (("tcp_socket_sndbuf_bytes", "net.core.wmem_max"),
                     ("tcp_socket_rcvbuf_bytes", "net.core.rmem_max")):
        want = 2 * min(256 * 1024, int(env.get(cap) or 256 * 1024))
        check(env.get(key) == want, "meta.json: %s %r is twice 256k (%d)"
              % (key, env.get(key), want))
    opts = m["plan"].get("options", {})
    check(opts.get("congestion") == other and opts.get("nodelay") == "off",
          "plan.options records --congestion and --nodelay (%r)" % opts)
else:
    print("note: only %s is available; the --congestion choice is not tried" % default)

# one the kernel lacks: a skipped row that says which it has
out = os.path.join(tmp, "missing")
r = run("-t", "tcp", "-p", "stream", "-s", "64", "-n", "100", "--congestion", "nosuchcc", "-q",
        "-o", out)
rows = rows_of(out) if r.returncode == 0 else []
check(len(rows) == 1 and rows[0]["status"].startswith("skipped: --congestion nosuchcc") and
      available[0] in rows[0]["status"],
      "an unavailable congestion control is a skipped row naming the available ones (%r)"
      % [x["status"] for x in rows])

# --rcvlowat: the stream's consumer wakes once 64 KiB wait, at most once in
# 16 messages of 4 KiB; a ping-pong, whose sides wait for one message,
# still runs (the mark is capped at the message's size there, or it would
# wait for bytes that never come)
out = os.path.join(tmp, "lowat")
r = run("-t", "tcp", "-s", "4k", "-n", "4000", "--rcvlowat", "64k", "--cpu", "0,1", "-q",
        "-o", out)
rows = {x["pattern"]: x for x in rows_of(out)} if r.returncode == 0 else {}
check(set(rows) == {"pingpong", "stream"} and
      all(x["status"] == "ok" and x["messages"] == "4000" for x in rows.values()),
      "--rcvlowat 64k: pingpong and stream ok, 4000 messages each (%s, %r)"
      % (r.stderr.strip(), {k: x["status"] for k, x in rows.items()}))
if "stream" in rows:
    switches = int(rows["stream"]["consumer_ctx_switches"])
    check(switches < 4000 // 8,
          "--rcvlowat 64k: the stream's consumer switched %d times for 4000 messages" % switches)
    opts = meta_of(out)["plan"].get("options", {})
    check(opts.get("rcvlowat") == "64k", "plan.options records --rcvlowat (%r)" % opts)

# udp takes the buffer sizes too
out = os.path.join(tmp, "udp")
r = run("-t", "udp", "-p", "pingpong", "-s", "64", "-n", "500", "--rcvbuf", "128k", "-q",
        "-o", out)
rows = rows_of(out) if r.returncode == 0 else []
check(len(rows) == 1 and rows[0]["status"].startswith("ok"),
      "udp with --rcvbuf runs (%s, %r)" % (r.stderr.strip(), [x["status"] for x in rows]))

# bad values, and tcp's options without tcp: one line, exit 2
for bad in (["-t", "tcp", "--nodelay", "maybe"], ["-t", "tcp", "--sndbuf", "lots"],
            ["-t", "tcp", "--congestion", ""], ["-t", "pipe", "--nodelay", "off"],
            ["-t", "pipe", "--rcvbuf", "64k"], ["-t", "tcp", "--rcvlowat", "0"],
            ["-t", "udp", "--rcvlowat", "4k"]):
    r = run(*bad, "-n", "10", "-o", os.path.join(tmp, "bad"))
    check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1,
          "%s: one line and exit 2 (%d: %r)" % (" ".join(bad), r.returncode, r.stderr))

left = census.diff(before, census.take())
check(not left, "nothing left behind: %r" % (left,))
subprocess.run(["rm", "-rf", tmp])
finish("e2e-tcp")
