#!/usr/bin/env bash
# The buffer-passing transports against the copying ones they compete with:
# memfd, memfd-pool, vmsplice and cma beside pipe and unix, both patterns,
# 64 B to 16 MiB, the sides on two CPUs, one second per cell; then the charts.
#   bench/buffers.sh [OUTDIR] [extra ipcbench options...]
# About a minute and a half on a 2-core machine (6 x 4 sizes x 2 patterns).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${IPCBENCH:-$here/build/src/ipcbench}"
out="${1:-$here/results/buffers-$(date -u +%Y%m%dT%H%M%SZ)}"
shift || true
[ -x "$bin" ] || { echo "build first: meson setup build && meson compile -C build" >&2; exit 2; }
"$bin" -t memfd,memfd-pool,vmsplice,cma,pipe,unix -p pingpong,stream -s 64,64k,1M,16M \
    --cpu cross -d 1s --warmup 20 -o "$out" "$@"
"$bin" plot -q "$out"
echo "buffer passing against copying in $out"
