#!/usr/bin/env bash
# Peak resident memory of the driver and of each side at 10^4 and 10^7
# messages: histograms, not samples, so it must not grow with --count.
#   bench/rss.sh [TRANSPORT]   (default shm, stream of 64 B: 10^7 in seconds)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${IPCBENCH:-$here/build/src/ipcbench}"
t="${1:-shm}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '%-10s %-9s %14s %14s %14s\n' transport messages driver_kib producer_kib consumer_kib
for n in 10000 10000000; do
    "$bin" -t "$t" -p stream -s 64 -n "$n" -q -o "$tmp/r" --json "$tmp/r.json"
    python3 - "$tmp/r.json" "$t" "$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"][0]
print("%-10s %-9s %14d %14d %14d" % (sys.argv[2], sys.argv[3], d["meta"]["driver_max_rss_kib"],
                                     r["producer_max_rss_kib"], r["consumer_max_rss_kib"]))
PY
done
