#!/usr/bin/env bash
# The rows of issue 23's note for the server and workers patterns and for
# --sides threads against processes, each the median of interleaved rounds:
#   bench/patterns.sh [ROUNDS]     (default 3; --cpu cross throughout)
#  - server with 1, 4 and 16 clients over unix/epoll, tcp/epoll, posix-mq
#    and shm/futex (ipcbench's own --repeat interleaves the cells);
#  - workers, 4 of them with 10us of work, over posix-mq, sysv-mq and pipe;
#  - pingpong over pipe, unix and shm/spin and sync's futex hand-off, as
#    processes and as threads, run after run in each round, with
#    `perf bench sched pipe` and `perf bench sched pipe -T` in the same
#    rounds (when perf is there).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${IPCBENCH:-$here/build/src/ipcbench}"
rounds="${1:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

columns() {  # summary.csv -> the named columns, one line per row
    python3 - "$@" <<'PY'
import csv, sys
path, cols = sys.argv[1], sys.argv[2:]
for r in csv.DictReader(open(path)):
    print(" ".join("%s=%s" % (c, r.get(c, "")) for c in cols))
PY
}

echo "== server: $bin run -t unix/epoll,tcp/epoll,posix-mq,shm/futex -p server" \
     "--clients 1,4,16 -s 64 -n 5000 --cpu cross --repeat $rounds"
"$bin" run -q -t unix/epoll,tcp/epoll,posix-mq,shm/futex -p server --clients 1,4,16 -s 64 \
    -n 5000 --cpu cross --repeat "$rounds" -o "$tmp/server"
columns "$tmp/server/summary.csv" transport pattern status p50_ns p99_ns msgs_per_s \
    timed_cpu_ns_per_msg share_min share_max

echo "== workers: $bin run -t posix-mq,sysv-mq,pipe -p workers --workers 4 --work 10us" \
     "-s 64 -n 5000 --cpu cross --repeat $rounds"
"$bin" run -q -t posix-mq,sysv-mq,pipe -p workers --workers 4 --work 10us -s 64 -n 5000 \
    --cpu cross --repeat "$rounds" -o "$tmp/workers"
columns "$tmp/workers/summary.csv" transport pattern status p50_ns p99_ns msgs_per_s \
    share_min share_max wakeups_per_msg timed_cpu_ns_per_msg

echo "== processes against threads, $rounds interleaved rounds (medians):"
echo "   $bin run -t pipe,unix,shm/spin -p pingpong -s 64 -n 20000 --cpu cross --sides S"
echo "   $bin sync --primitive futex -n 20000 --cpu cross --sides S"
echo "   perf bench sched pipe -l 100000 [-T]"
for r in $(seq "$rounds"); do
    for s in processes threads; do
        "$bin" run -q -t pipe,unix,shm/spin -p pingpong -s 64 -n 20000 --cpu cross \
            --sides "$s" -o "$tmp/pp-$s-$r"
        "$bin" sync -q --primitive futex -n 20000 --cpu cross --sides "$s" -o "$tmp/sy-$s-$r"
    done
    if command -v perf >/dev/null; then
        for t in "" "-T"; do
            # perf prints usecs/op: a round trip of two processes (or threads)
            perf bench sched pipe -l 100000 $t 2>/dev/null |
                awk -v t="perf${t:- processes}" '/usecs\/op/ {print t, $1 * 1000}' \
                >> "$tmp/perf"
        done
    fi
done
python3 - "$tmp" "$rounds" <<'PY'
import csv, glob, os, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
cells = {}
for path in glob.glob(os.path.join(tmp, "*-*-*", "summary.csv")):
    sides = os.path.basename(os.path.dirname(path)).split("-")[1]
    for r in csv.DictReader(open(path)):
        if r["status"] != "ok":
            continue
        key = (r["transport"], r["pattern"], sides)
        cells.setdefault(key, []).append((float(r["p50_ns"]), float(r["msgs_per_s"]),
                                          float(r["cpu_ns_per_msg"])))
print("%-10s %-9s %-10s %10s %12s %12s  rounds" % ("transport", "pattern", "sides", "p50_ns",
                                                    "msgs_per_s", "cpu_ns/msg"))
for key in sorted(cells):
    v = cells[key]
    print("%-10s %-9s %-10s %10.0f %12.0f %12.0f  %d" % (key + tuple(
        statistics.median(x[i] for x in v) for i in range(3)) + (len(v),)))
perf = os.path.join(tmp, "perf")
if os.path.exists(perf):
    by = {}
    for line in open(perf):
        name, ns = line.rsplit(" ", 1)
        by.setdefault(name, []).append(float(ns))
    for name, v in sorted(by.items()):
        print("%-31s %10.0f ns per round trip (median of %d)" % (name, statistics.median(v),
                                                                  len(v)))
PY
