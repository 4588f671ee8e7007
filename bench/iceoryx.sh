#!/usr/bin/env bash
# iceoryx against the shm rings it competes with, each waiting the same way
# (iceoryx over shm's semaphores, iceoryx/spin over shm/spin), both patterns,
# 64 B to 64 KiB, the sides on two CPUs, three rounds with intervals: the
# run the README's iceoryx table comes from.
#   bench/iceoryx.sh [OUTDIR] [extra ipcbench options...]
# About a minute and a half on a 2-core machine; needs no RouDi running
# (each iceoryx cell starts its own).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bin="${IPCBENCH:-$here/build/src/ipcbench}"
out="${1:-$here/results/iceoryx-$(date -u +%Y%m%dT%H%M%SZ)}"
shift || true
[ -x "$bin" ] || { echo "build first: meson setup build && meson compile -C build" >&2; exit 2; }
"$bin" -t shm,shm/spin,iceoryx,iceoryx/spin -s 64,4k,64k -p pingpong,stream --cpu cross \
    --repeat 3 -o "$out" "$@"
echo "iceoryx against shm in $out"
